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
});
