/**
 * The package as users install it (issue #15): `npm pack` (the tarball ships the built files; the test packs what
 * `npm test` just built, so no second build), installed into a temporary prefix with `npm install -g --prefix`, as
 * `npm install -g kserve-gateway-doctor` would: no install script runs, and `kgd check`, `kgd explain` and
 * `kubectl-kgd --help` work from the prefix's bin folder.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { fromRoot } from './helpers/paths.js';
import { startServe } from './helpers/browser.js';

describe('the npm package, installed from its tarball into a temporary prefix', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kgd-pkg-'));
  const prefix = join(dir, 'prefix');
  let install: ReturnType<typeof spawnSync>;
  before(() => {
    const pack = spawnSync('npm', ['pack', '--ignore-scripts', '--pack-destination', dir, '--silent'], { cwd: fromRoot(), encoding: 'utf8' });
    assert.equal(pack.status, 0, pack.stderr);
    const tgz = readdirSync(dir).find((f) => f.endsWith('.tgz'))!;
    install = spawnSync('npm', ['install', '-g', '--prefix', prefix, '--no-audit', '--no-fund', '--prefer-offline', join(dir, tgz)], { encoding: 'utf8', timeout: 300_000 });
    assert.equal(install.status, 0, `${String(install.stdout)}${String(install.stderr)}`);
  });
  const bin = (name: string) => join(prefix, 'bin', name);
  const run = (name: string, args: string[]) => spawnSync(bin(name), args, { cwd: fromRoot(), encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });

  it('installs without running a script, with both commands', () => {
    assert.doesNotMatch(`${String(install.stdout)}${String(install.stderr)}`, /install script|prepare|tsc/i);
    assert.ok(existsSync(bin('kgd')));
    assert.ok(existsSync(bin('kubectl-kgd')));
    assert.ok(existsSync(join(prefix, 'lib', 'node_modules', 'kserve-gateway-doctor', 'dist', 'src', 'cli', 'main.js')), 'built files are in the package');
    assert.ok(!existsSync(join(prefix, 'lib', 'node_modules', 'kserve-gateway-doctor', 'dist', 'test')), 'tests are not');
  });

  it('kgd check gives what the clone gives', () => {
    const installed = run('kgd', ['check', 'examples/custom-gateway-broken']);
    const clone = spawnSync(process.execPath, [fromRoot('bin', 'kgd.js'), 'check', 'examples/custom-gateway-broken'], { cwd: fromRoot(), encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    assert.equal(installed.status, 1);
    assert.equal(installed.stdout, clone.stdout);
  });

  it('kgd explain reads the docs the package ships; kubectl-kgd --help names itself as a plugin', () => {
    const explain = run('kgd', ['explain', 'KGD1405']);
    assert.equal(explain.status, 0, explain.stderr);
    assert.match(explain.stdout, /# KGD1405 GatewayHostsExcludeRoutes/);
    const help = run('kubectl-kgd', ['--help']);
    assert.equal(help.status, 0);
    assert.match(help.stdout, /^Usage: kubectl kgd /);
  });

  it('the webhook runs from the package\'s production dependencies alone (the container image ships the same files)', () => {
    const out = mkdtempSync(join(dir, 'certs-'));
    const certs = run('kgd', ['webhook', 'certs', '--out', out, '--ip', '127.0.0.1']);
    assert.equal(certs.status, 0, certs.stderr);
    assert.ok(existsSync(join(out, 'tls.key')));
    const help = run('kgd', ['webhook', 'serve', '--help']);
    assert.equal(help.status, 0, help.stderr);
    assert.match(help.stdout, /--deny-on <severity>/);
  });

  it('kgd serve serves the built page from the package alone; kgd graph -o svg lays out with its production dependencies', async () => {
    const svg = run('kgd', ['graph', '-o', 'svg', 'examples/custom-gateway-fixed']);
    assert.equal(svg.status, 0, svg.stderr);
    assert.match(svg.stdout, /^<svg xmlns/);
    assert.ok(existsSync(join(prefix, 'lib', 'node_modules', 'kserve-gateway-doctor', 'dist', 'web', 'index.html')), 'the page is in the package');
    const served = await startServe(['examples/custom-gateway-fixed'], 60_000, bin('kgd'));
    try {
      const index = await fetch(served.url);
      assert.equal(index.status, 200);
      const html = await index.text();
      const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)![1]!;
      assert.equal((await fetch(new URL(asset, served.url))).status, 200);
      assert.equal((await fetch(new URL('/api/view', served.url))).status, 200);
    } finally {
      await served.stop();
    }
  });
});
