/**
 * Issue #15 (first contact): what a new user tripped over, run as they ran it — from a folder of their own, with
 * the built command line.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fromRoot } from './helpers/paths.js';

const kgd = (cwd: string, args: string[]) => spawnSync(process.execPath, [fromRoot('bin', 'kgd.js'), ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '' } });

/** A project folder as users have them: manifests beside package.json, tsconfig.json and node_modules. */
function project(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kgd-first-'));
  mkdirSync(join(dir, 'manifests'));
  for (const f of readdirSync(fromRoot('examples', 'custom-gateway-broken'))) copyFileSync(fromRoot('examples', 'custom-gateway-broken', f), join(dir, 'manifests', f));
  writeFileSync(join(dir, 'package.json'), '{"name": "app", "version": "1.0.0", "dependencies": {}}\n');
  writeFileSync(join(dir, 'tsconfig.json'), '{"compilerOptions": {"strict": true}}\n');
  mkdirSync(join(dir, 'node_modules', 'some-chart'), { recursive: true });
  // A dependency's own YAML (a Gateway) would change the findings if it were read.
  copyFileSync(fromRoot('examples', 'custom-gateway-fixed', 'istio.yaml'), join(dir, 'node_modules', 'some-chart', 'gateway.yaml'));
  return dir;
}

describe('first contact (issue #15)', () => {
  it('1. `kgd check` with no path skips node_modules and JSON that is not a Kubernetes object, and says so', () => {
    const dir = project();
    const here = kgd(dir, ['check']);
    const direct = kgd(dir, ['check', 'manifests']);
    assert.equal(here.stdout, direct.stdout, 'the findings are those of the manifests alone');
    assert.equal(here.status, 1);
    assert.match(here.stderr, /^kgd: skipped 1 dependency folder\(s\) \(node_modules\) and 2 file\(s\) of JSON that is not a Kubernetes object \(package\.json, tsconfig\.json\)$/m);
    assert.equal(direct.stderr, '');
    // A JSON manifest is still read, and a broken one still reported.
    writeFileSync(join(dir, 'cm.json'), '{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x", "namespace": "default"}, "data": {}}\n');
    writeFileSync(join(dir, 'broken.json'), '{"apiVersion": "v1", "kind": "ConfigMap", \n');
    const more = kgd(dir, ['check', '-o', 'json']);
    assert.match(more.stdout, /broken\.json/);
  });

  it('2. `kgd fix --write` with no path is refused (exit 2) and writes nothing; with a path it writes', () => {
    const dir = project();
    const before = readFileSync(join(dir, 'manifests', 'kserve.yaml'), 'utf8');
    const r = kgd(dir, ['fix', '--write']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--write edits files in place: name them/);
    assert.equal(readFileSync(join(dir, 'manifests', 'kserve.yaml'), 'utf8'), before);
    const mtime = statSync(join(dir, 'manifests', 'kserve.yaml')).mtimeMs;
    const ok = kgd(dir, ['fix', '--write', 'manifests']);
    assert.match(ok.stderr, /wrote .*manifests/);
    assert.notEqual(statSync(join(dir, 'manifests', 'kserve.yaml')).mtimeMs === mtime && readFileSync(join(dir, 'manifests', 'kserve.yaml'), 'utf8') === before, true, 'fix --write with a path repaired something');
    // Without --write the current folder is still the default (patches only).
    assert.notEqual(kgd(dir, ['fix']).status, 2);
  });

  it('3. repeatable options take one value each, so the path after them stays a path', () => {
    const root = fromRoot();
    const host = kgd(root, ['trace', 'http://sklearn-iris.online-serving.svc.cluster.local/', '-H', 'Host: sklearn-iris.online-serving.svc.cluster.local', 'examples/custom-gateway-fixed']);
    assert.equal(host.status, 0, host.stderr + host.stdout);
    const two = kgd(root, ['trace', 'http://sklearn-iris.online-serving.svc.cluster.local/', '-H', 'X-A: 1', '-H', 'X-B: 2', 'examples/custom-gateway-fixed', '-o', 'json']);
    assert.equal(two.status, 0, two.stderr);
    const rule = kgd(root, ['check', '--rule', 'gateway-hosts-admit-routes', 'examples/custom-gateway-broken', '-o', 'json']);
    const ids = new Set((JSON.parse(rule.stdout) as { diagnostics: { rule: string }[] }).diagnostics.map((f) => f.rule));
    assert.deepEqual([...ids].filter((r) => r !== 'input'), ['gateway-hosts-admit-routes']);
    const sev = kgd(root, ['check', '--severity', 'KGD1405=off', 'examples/custom-gateway-broken']);
    assert.doesNotMatch(sev.stdout, /KGD1405/);
    assert.match(sev.stdout, /KGD1402/, 'the path after the option was read');
    const both = kgd(root, ['check', '--severity', 'KGD1405=off', '--severity', 'KGD1402=off', 'examples/custom-gateway-broken']);
    assert.doesNotMatch(both.stdout, /KGD1405|KGD1402/);
  });

  it('5. input that cannot be read or holds no resources is exit 2, findings still printed; a real input is not', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kgd-bad-'));
    writeFileSync(join(dir, 'empty.yaml'), '# only a comment\n');
    writeFileSync(join(dir, 'broken.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x\n');
    writeFileSync(join(dir, 'binary.yaml'), Buffer.from([0x00, 0x01, 0x02]));
    mkdirSync(join(dir, 'no-yaml'));
    writeFileSync(join(dir, 'no-yaml', 'notes.txt'), 'hello\n');
    for (const p of ['empty.yaml', 'broken.yaml', 'binary.yaml', 'no-yaml', 'missing-dir']) {
      const r = kgd(dir, ['check', p]);
      assert.equal(r.status, 2, `${p}: ${r.stdout}${r.stderr}`);
    }
    const stdin = spawnSync(process.execPath, [fromRoot('bin', 'kgd.js'), 'check', '-'], { cwd: dir, input: '', encoding: 'utf8' });
    assert.equal(stdin.status, 2);
    assert.match(stdin.stdout, /KGD0005/);
    // A broken document beside good ones: the findings are printed, and the exit says the input was bad.
    const mixed = kgd(dir, ['check', 'broken.yaml', fromRoot('examples', 'custom-gateway-fixed')]);
    assert.equal(mixed.status, 2);
    assert.match(mixed.stdout, /KGD0001/);
    assert.equal(kgd(dir, ['check', fromRoot('examples', 'custom-gateway-fixed')]).status, 0);
  });

  it('7, 8, 10, 11: rules refuses sarif, an unknown --severity code is an error, explain takes rule ids, `kgd` alone is exit 2, no doubled dot', () => {
    const root = fromRoot();
    const sarif = kgd(root, ['rules', '-o', 'sarif']);
    assert.equal(sarif.status, 2);
    assert.equal(sarif.stdout, '');
    const sev = kgd(root, ['check', 'examples/custom-gateway-fixed', '--severity', 'KGD9999=off']);
    assert.equal(sev.status, 2);
    assert.match(sev.stderr, /^kgd: --severity: unknown code "KGD9999"/);
    const byRule = kgd(root, ['explain', 'gateway-hosts-admit-routes']);
    assert.equal(byRule.status, 0);
    assert.match(byRule.stdout, /KGD1405/);
    const none = kgd(root, []);
    assert.equal(none.status, 2);
    assert.match(none.stderr, /^Usage: kgd/);
    const dir = mkdtempSync(join(tmpdir(), 'kgd-dot-'));
    const dot = kgd(dir, ['check', '.']);
    assert.match(dot.stdout, /No Kubernetes resources found in "\."\./);
  });

  it('13. (part) the package has the Apache-2.0 LICENSE it declares, and ships the JSON docs and the ClusterRoles the README links', () => {
    const pkg = JSON.parse(readFileSync(fromRoot('package.json'), 'utf8')) as { license: string; files: string[] };
    assert.equal(pkg.license, 'Apache-2.0');
    assert.match(readFileSync(fromRoot('LICENSE'), 'utf8'), /^Apache License\s+Version 2\.0, January 2004/);
    for (const f of ['docs/json-output.md', 'deploy', 'LICENSE']) assert.ok(pkg.files.includes(f), f);
    const packed = spawnSync('npm', ['pack', '--dry-run', '--json'], { cwd: fromRoot(), encoding: 'utf8' });
    const names = (JSON.parse(packed.stdout) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path);
    for (const f of ['LICENSE', 'docs/json-output.md', 'deploy/clusterrole.yaml', 'deploy/clusterrole-logs.yaml']) assert.ok(names.includes(f), `${f} is not in the tarball`);
  });
});
