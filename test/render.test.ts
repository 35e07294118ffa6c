/**
 * Rendering (issue #15): a kustomization or a Helm chart named on the command line is rendered by `kustomize build`
 * (or `kubectl kustomize`) and `helm template` from the PATH — the real tools, built from the Go module proxy — and
 * the findings point into the rendered output. Without the tool, one line says which is missing (exit 2).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { findGo } from './helpers/cluster.js';
import { fromRoot } from './helpers/paths.js';
import { tool } from './helpers/tools.js';

const go = findGo();
const skip = !go && !process.env['CI'] ? 'Go is not installed (needed to build helm and kustomize); CI runs this' : false;
if (skip) console.log(`# skipped the rendering tests: ${skip}`);

interface Finding { code: string; message: string; location: { file: string; line: number } | null }
const findings = (stdout: string) => (JSON.parse(stdout) as { diagnostics: Finding[] }).diagnostics;

describe('kgd check on a kustomization and on a Helm chart', { skip }, () => {
  const work = mkdtempSync(join(tmpdir(), 'kgd-render-'));
  const bin = join(work, 'bin');
  let kustomize = '';
  before(() => {
    mkdirSync(bin);
    symlinkSync(tool('helm', go!), join(bin, 'helm'));
    kustomize = tool('kustomize', go!);
    symlinkSync(kustomize, join(bin, 'kustomize'));
    // base: the fixed example as a kustomize base; overlay: narrows the local Gateway's hosts (the broken example's mistake).
    mkdirSync(join(work, 'base'));
    for (const f of ['istio.yaml', 'knative.yaml', 'kserve.yaml']) copyFileSync(fromRoot('examples', 'custom-gateway-fixed', f), join(work, 'base', f));
    writeFileSync(join(work, 'base', 'kustomization.yaml'), 'resources:\n  - istio.yaml\n  - knative.yaml\n  - kserve.yaml\n');
    mkdirSync(join(work, 'overlay'));
    writeFileSync(join(work, 'overlay', 'kustomization.yaml'), 'resources:\n  - ../base\npatches:\n  - target: {kind: Gateway, name: custom-gateway}\n    patch: |-\n      - op: replace\n        path: /spec/servers/0/hosts\n        value: ["*.online-serving"]\n');
    // A chart whose Gateway hosts come from values.
    mkdirSync(join(work, 'chart', 'templates'), { recursive: true });
    writeFileSync(join(work, 'chart', 'Chart.yaml'), 'apiVersion: v2\nname: local-gateway\nversion: 0.1.0\n');
    writeFileSync(join(work, 'chart', 'values.yaml'), 'hosts: ["*.online-serving"]\n');
    const fixed = readFileSync(fromRoot('examples', 'custom-gateway-fixed', 'istio.yaml'), 'utf8');
    writeFileSync(join(work, 'chart', 'templates', 'istio.yaml'), fixed.replace(/hosts:\n(\s+)- "\*"/, 'hosts:\n$1{{- range .Values.hosts }}\n$1- {{ . | quote }}\n$1{{- end }}'));
    for (const f of ['knative.yaml', 'kserve.yaml']) copyFileSync(fromRoot('examples', 'custom-gateway-fixed', f), join(work, 'chart', 'templates', f));
  });
  const env = (path: string) => ({ ...process.env, PATH: path, NO_COLOR: '1' });
  const kgd = (args: string[], path = `${bin}:${process.env['PATH']}`) => spawnSync(process.execPath, [fromRoot('bin', 'kgd.js'), ...args], { cwd: work, encoding: 'utf8', env: env(path) });
  const viaStdin = (text: string) => findings(spawnSync(process.execPath, [fromRoot('bin', 'kgd.js'), 'check', '-', '-o', 'json'], { cwd: work, input: text, encoding: 'utf8' }).stdout);
  const codes = (fs: Finding[]) => fs.map((f) => `${f.code} ${f.message}`).sort();

  it('a kustomize overlay is rendered: its patch is what kgd checks, and the finding points at the rendered line', () => {
    const r = kgd(['check', 'overlay', '-o', 'json']);
    assert.equal(r.status, 1, r.stderr);
    const rendered = spawnSync(kustomize, ['build', 'overlay'], { cwd: work, encoding: 'utf8' }).stdout;
    assert.deepEqual(codes(findings(r.stdout)), codes(viaStdin(rendered)), 'the same findings as the rendered output piped in');
    const hosts = findings(r.stdout).find((f) => f.code === 'KGD1405')!;
    assert.equal(hosts.location!.file, 'overlay (kustomize build)');
    // The finding is on the hosts field; its value follows it in the rendered text.
    const at = rendered.split('\n').slice(hosts.location!.line - 1);
    assert.match(at[0]!, /hosts:/);
    assert.match(at.slice(0, 3).join('\n'), /\*\.online-serving/);
    const fix = kgd(['fix', '--write', 'overlay']);
    assert.equal(fix.status, 2);
    assert.match(fix.stderr, /^kgd: --write edits files, and overlay is rendered \(kustomize\)/);
    const base = kgd(['check', 'base', '-o', 'json']);
    assert.equal(base.status, 0, base.stdout);
  });

  it('a Helm chart is rendered with its values: findings name the template and the line of its output', () => {
    const r = kgd(['check', 'chart', '-o', 'json']);
    assert.equal(r.status, 1, r.stderr);
    const rendered = spawnSync(join(bin, 'helm'), ['template', 'kgd', 'chart'], { cwd: work, encoding: 'utf8' }).stdout;
    assert.deepEqual(codes(findings(r.stdout)), codes(viaStdin(rendered)));
    const hosts = findings(r.stdout).find((f) => f.code === 'KGD1405')!;
    assert.equal(hosts.location!.file, 'chart/templates/istio.yaml (rendered)');
    // That template's documents in order, each from the line after its Source comment, one `---` between them.
    const docs = rendered.split(/^---$/m).filter((d) => /^\s*# Source: local-gateway\/templates\/istio\.yaml$/m.test(d));
    const template = docs.map((d) => d.replace(/^\s*# Source: .*\n/, '').replace(/^\n+/, '').replace(/\n*$/, '\n')).join('---\n');
    const at = template.split('\n').slice(hosts.location!.line - 1);
    assert.match(at[0]!, /hosts:/);
    assert.match(at.slice(0, 3).join('\n'), /\*\.online-serving/);
    // Another value: the same chart rendered clean.
    writeFileSync(join(work, 'chart', 'values.yaml'), 'hosts: ["*"]\n');
    assert.equal(kgd(['check', 'chart']).status, 0);
    writeFileSync(join(work, 'chart', 'values.yaml'), 'hosts: ["*.online-serving"]\n');
  });

  it('kubectl kustomize when kustomize is not on the PATH', () => {
    const only = join(work, 'kubectl-only');
    mkdirSync(only);
    // A stand-in kubectl that runs the real kustomize as `kubectl kustomize DIR` would, and records how it was called.
    writeFileSync(join(only, 'kubectl'), `#!/bin/sh\necho "$@" > ${join(work, 'kubectl-args')}\n[ "$1" = kustomize ] || exit 3\nexec ${kustomize} build "$2"\n`);
    chmodSync(join(only, 'kubectl'), 0o755);
    const r = kgd(['check', 'overlay', '-o', 'json'], `${only}:/usr/bin:/bin`);
    assert.equal(r.status, 1, r.stderr);
    assert.equal(readFileSync(join(work, 'kubectl-args'), 'utf8').trim(), 'kustomize overlay');
    assert.ok(findings(r.stdout).some((f) => f.location?.file === 'overlay (kubectl kustomize)'));
  });

  it('without the tool: one line naming it and how to render by hand, exit 2; a render error is one line too', () => {
    const none = join(work, 'empty-path');
    mkdirSync(none);
    const k = kgd(['check', 'overlay'], none);
    assert.equal(k.status, 2);
    assert.equal(k.stderr, 'kgd: overlay is a kustomization: kgd renders it with `kustomize build` or `kubectl kustomize`, and neither is on the PATH (install one, or render it yourself: kustomize build overlay | kgd check -)\n');
    const h = kgd(['check', 'chart'], none);
    assert.equal(h.status, 2);
    assert.match(h.stderr, /^kgd: chart is a Helm chart: kgd renders it with `helm template`, and helm is not on the PATH/);
    writeFileSync(join(work, 'chart', 'templates', 'broken.yaml'), '{{ .Values.nope.deeper }}\n');
    const bad = kgd(['check', 'chart']);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /^kgd: helm template chart failed: .*nil pointer/);
    assert.equal(bad.stderr.trim().split('\n').length, 1);
  });
});
