/**
 * `npm run build:sea -- [--out DIR]`: kgd as one executable file, with Node's single executable applications
 * (https://nodejs.org/api/single-executable-applications.html): the built CLI bundled into one CommonJS file by
 * esbuild, turned into a preparation blob by `node --experimental-sea-config`, and injected with postject into a
 * copy of the node binary running this script — so it builds for this machine's OS and architecture only
 * (linux/amd64 here; darwin and arm64 are built the same way on those machines).
 *
 * Then the krew release: `kgd-<os>-<arch>.tar.gz` (the executable as `kubectl-kgd`, and LICENSE), its sha256, and
 * the krew plugin manifest with that platform (plugins/kgd.yaml is this output, committed; `--save` rewrites it).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { arch, platform } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { fail, scriptArgs } from './script-args.js';
import { krewManifest, type KrewPlatform } from './krew.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The fuse postject flips in a node binary built with SEA support (the value is Node's, documented with SEA). */
const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

const values = scriptArgs('build:sea', { out: { type: 'string', default: join(ROOT, 'dist', 'sea') }, save: { type: 'boolean', default: false } }, 'npm run build:sea -- [--out DIR] [--save]');
const out = resolve(values.out!);
const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const os = platform() === 'win32' ? 'windows' : platform();
const cpu = arch() === 'x64' ? 'amd64' : arch();
if (!readFileSync(process.execPath).includes(SEA_FUSE)) fail('build:sea', `${process.execPath} was built without single-executable support (no ${SEA_FUSE})`);

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const bundle = join(out, 'kgd.cjs');
await build({
  entryPoints: [join(ROOT, 'bin', 'kgd.js')], bundle: true, platform: 'node', target: 'node20', format: 'cjs', outfile: bundle,
  define: { KGD_BUNDLED_VERSION: JSON.stringify(version) }, logLevel: 'error',
  // version.ts reads package.json through import.meta.url only when KGD_BUNDLED_VERSION is not set.
  logOverride: { 'empty-import-meta': 'silent' },
  // Optional native helpers of ws and node-fetch, required inside try/catch: a stub that throws takes the fallback
  // at once (an unresolved require() in a single executable would print a warning on every run).
  plugins: [{
    name: 'optional-natives',
    setup(b) {
      b.onResolve({ filter: /^(bufferutil|utf-8-validate|encoding)$/ }, (a) => ({ path: a.path, namespace: 'optional-native' }));
      b.onLoad({ filter: /.*/, namespace: 'optional-native' }, (a) => ({ contents: `throw new Error(${JSON.stringify(`${a.path} is not in the single executable`)});`, loader: 'js' }));
    },
  }],
});
const blob = join(out, 'kgd.blob');
writeFileSync(join(out, 'sea-config.json'), JSON.stringify({ main: bundle, output: blob, disableExperimentalSEAWarning: true, useCodeCache: false }));
execFileSync(process.execPath, ['--experimental-sea-config', join(out, 'sea-config.json')], { stdio: ['ignore', 'ignore', 'inherit'] });
const exe = join(out, 'kgd');
copyFileSync(process.execPath, exe);
chmodSync(exe, 0o755);
// postject warns about ELF note sections it does not name; only a failure is worth showing.
const inject = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'postject', 'dist', 'cli.js'), exe, 'NODE_SEA_BLOB', blob, '--sentinel-fuse', SEA_FUSE], { encoding: 'utf8' });
if (inject.status !== 0) fail('build:sea', `postject failed: ${inject.stderr.trim().split('\n').at(-1)}`);

// The krew archive: the plugin's binary is named kubectl-kgd, with the license beside it.
const stage = join(out, 'stage');
mkdirSync(stage);
copyFileSync(exe, join(stage, 'kubectl-kgd'));
copyFileSync(join(ROOT, 'LICENSE'), join(stage, 'LICENSE'));
const archive = join(out, `kgd-${os}-${cpu}.tar.gz`);
// Fixed owner and mtime, sorted names: the same binary gives the same archive and checksum.
const tarball = execFileSync('tar', ['--sort=name', '--owner=0', '--group=0', '--numeric-owner', '--mtime=@0', '-C', stage, '-cf', '-', 'kubectl-kgd', 'LICENSE'], { maxBuffer: 1024 * 1024 * 1024 });
writeFileSync(archive, execFileSync('gzip', ['-n', '-9'], { input: tarball, maxBuffer: 1024 * 1024 * 1024 }));
const sha256 = createHash('sha256').update(readFileSync(archive)).digest('hex');
const platforms: KrewPlatform[] = [{ os, arch: cpu, sha256, file: `kgd-${os}-${cpu}.tar.gz` }];
const manifest = krewManifest(version, platforms);
writeFileSync(join(out, 'kgd.yaml'), manifest);
writeFileSync(join(out, `kgd-${os}-${cpu}.tar.gz.sha256`), `${sha256}  kgd-${os}-${cpu}.tar.gz\n`);
if (values.save) writeFileSync(join(ROOT, 'plugins', 'kgd.yaml'), manifest);
console.log(`built ${exe} (${os}/${cpu}), ${archive} sha256 ${sha256}${values.save ? '; wrote plugins/kgd.yaml' : ''}`);
