/**
 * The single executable and the krew release (issue #15): `npm run build:sea` (scripts/build-sea.ts) builds kgd
 * into one file with Node's single executable applications, for this machine (linux/amd64 in CI), packs the krew
 * archive and writes the manifest. The executable is run here beside the npm build on the same inputs.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { arch, platform, tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { fromRoot } from './helpers/paths.js';

interface Manifest { apiVersion: string; kind: string; metadata: { name: string }; spec: { version: string; platforms: { selector: { matchLabels: Record<string, string> }; uri: string; sha256: string; bin: string }[] } }

const skip = platform() !== 'linux' || arch() !== 'x64' ? 'the CI machine is linux/amd64; this one is not' : false;
if (skip) console.log(`# skipped the single-executable tests: ${skip}`);

describe('the single executable (Node SEA) and its krew manifest', { skip }, () => {
  const out = join(mkdtempSync(join(tmpdir(), 'kgd-sea-')), 'sea');
  const exe = join(out, 'kgd');
  before(() => {
    const r = spawnSync(process.execPath, [fromRoot('dist', 'scripts', 'build-sea.js'), '--out', out], { encoding: 'utf8', timeout: 600_000 });
    assert.equal(r.status, 0, r.stderr);
  });
  const npmBuild = (args: string[]) => spawnSync(process.execPath, [fromRoot('bin', 'kgd.js'), ...args], { cwd: fromRoot(), encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  const single = (args: string[]) => spawnSync(exe, args, { cwd: fromRoot(), encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });

  it('is one file that runs without node_modules or the package: check, trace, explain and --version as the npm build does, with nothing on stderr', () => {
    assert.ok(statSync(exe).mode & 0o100, 'executable');
    for (const args of [['check', 'examples/custom-gateway-broken'], ['check', 'examples/kubeflow', '-o', 'sarif'], ['trace', 'http://sklearn-iris.online-serving.svc.cluster.local/', 'examples/custom-gateway-broken'], ['explain', 'KGD1405'], ['graph', '-o', 'svg', 'examples/custom-gateway-broken'], ['--version']]) {
      const a = single(args);
      const b = npmBuild(args);
      assert.equal(a.stdout, b.stdout, args.join(' '));
      assert.equal(a.status, b.status, args.join(' '));
      assert.equal(a.stderr, '', `${args.join(' ')}: ${a.stderr}`);
    }
    // The page of kgd serve is not in the single file: said in one line.
    const serve = single(['serve', 'examples/custom-gateway-broken']);
    assert.equal(serve.status, 2);
    assert.match(serve.stderr, /^kgd: kgd serve needs the page built beside it \(dist\/web\): the npm package has it, the single executable does not/);
    assert.equal(single(['--version']).stdout.trim(), (JSON.parse(readFileSync(fromRoot('package.json'), 'utf8')) as { version: string }).version);
  });

  it('the krew archive holds kubectl-kgd and the license; the manifest names it with its sha256', () => {
    const archive = join(out, 'kgd-linux-amd64.tar.gz');
    const list = spawnSync('tar', ['-tzf', archive], { encoding: 'utf8' }).stdout.trim().split('\n').sort();
    assert.deepEqual(list, ['LICENSE', 'kubectl-kgd']);
    const m = parse(readFileSync(join(out, 'kgd.yaml'), 'utf8')) as Manifest;
    assert.equal(m.apiVersion, 'krew.googlecontainertools.github.com/v1alpha2');
    assert.equal(m.kind, 'Plugin');
    assert.equal(m.metadata.name, 'kgd');
    const p = m.spec.platforms[0]!;
    assert.deepEqual(p.selector.matchLabels, { os: 'linux', arch: 'amd64' });
    assert.equal(p.bin, 'kubectl-kgd');
    assert.equal(p.sha256, createHash('sha256').update(readFileSync(archive)).digest('hex'));
    assert.match(p.uri, new RegExp(`/v${m.spec.version.slice(1).replace(/\./g, '\\.')}/kgd-linux-amd64\\.tar\\.gz$`));
    // The committed manifest is this output (only the checksum is of the archive built when it was saved).
    const committed = parse(readFileSync(fromRoot('plugins', 'kgd.yaml'), 'utf8')) as Manifest;
    assert.match(committed.spec.platforms[0]!.sha256, /^[0-9a-f]{64}$/);
    committed.spec.platforms[0]!.sha256 = p.sha256;
    assert.deepEqual(committed, m);
  });

  it('as a kubectl plugin: the archive\'s kubectl-kgd names itself `kubectl kgd`', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kgd-krew-'));
    spawnSync('tar', ['-xzf', join(out, 'kgd-linux-amd64.tar.gz'), '-C', dir]);
    const help = spawnSync(join(dir, 'kubectl-kgd'), ['--help'], { encoding: 'utf8' });
    assert.equal(help.status, 0, help.stderr);
    assert.match(help.stdout, /^Usage: kubectl kgd /);
  });
});
