/**
 * Upstream code as the oracle: builds (once, cached) small test-only programs that call net-istio's, KServe's
 * and Knative Serving's own functions, and runs them on batches of JSON requests.
 *
 * - net-istio (refused by the Go module proxy): the source archives in ../shared/upstream-src (with vendor/) are
 *   extracted into the cache, test/upstream/net-istio/<line>/main.go (with common.go.in and the shared request
 *   loop test/upstream/kserve/serve.go) is added as cmd/kgd-oracle and
 *   export_<line>.go.in into pkg/reconciler/ingress, then `go build -mod=vendor` (no network).
 * - KServe (served by the proxy): test/upstream/kserve is a module requiring github.com/kserve/kserve at one
 *   version (go.mod: v0.16.0; go.v013.mod: v0.13.1). Go refuses to overlay files in the module cache, so the
 *   KServe module is copied out of it into the cache, overlay/export_ingress.go.in is added to its ingress
 *   package (createIngress is unexported), and a generated modfile replaces the module with that copy.
 *
 * Binaries live in ~/.cache/kgd/upstream/, named by a hash of every input of the build.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, chmodSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, relative } from 'node:path';
import { findGo } from './cluster.js';
import { fromRoot, ROOT, SHARED } from './paths.js';

const CACHE = join(process.env['XDG_CACHE_HOME'] ?? join(homedir(), '.cache'), 'kgd', 'upstream');

export const NET_ISTIO_VERSIONS = {
  '1.21.1': { archive: 'net-istio-knative-v1.21.1.tar.gz', line: 'v1.21' },
  '1.2.0': { archive: 'net-istio-knative-v1.2.0.tar.gz', line: 'v1.2' },
} as const;
export type NetIstioVersion = keyof typeof NET_ISTIO_VERSIONS;

export const KSERVE_VERSIONS = {
  '0.20.0': { modfile: 'go.v020.mod', tags: [] as string[] },
  '0.16.0': { modfile: 'go.mod', tags: [] as string[] },
  '0.13.1': { modfile: 'go.v013.mod', tags: ['kserve013'] },
} as const;
export type KServeVersion = keyof typeof KSERVE_VERSIONS;

/** A cache key from files' contents and their paths relative to the checkout (so every clone shares the cache). */
function hashFiles(files: readonly string[], extra = ''): string {
  const h = createHash('sha256').update(extra);
  for (const f of files) h.update(relative(ROOT, f)).update(readFileSync(f));
  return h.digest('hex').slice(0, 16);
}

function run(cmd: string, args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv }): string {
  const r = spawnSync(cmd, args, { cwd: opts.cwd, encoding: 'utf8', env: { ...process.env, ...opts.env }, maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} (in ${opts.cwd}) failed:\n${r.stderr || r.stdout}`);
  return r.stdout;
}

function makeWritable(dir: string): void {
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    const st = statSync(p);
    chmodSync(p, st.isDirectory() ? 0o755 : 0o644);
    if (st.isDirectory()) makeWritable(p);
  }
}

/**
 * net-istio's source tree at this version, extracted once into the cache (a stable path, so that Go's build
 * cache serves every later build of the oracle and the controller).
 */
function netIstioTree(version: NetIstioVersion): string {
  const v = NET_ISTIO_VERSIONS[version];
  const archive = join(SHARED, 'upstream-src', v.archive);
  const dir = join(CACHE, 'src', `net-istio-${version}-${hashFiles([archive])}`);
  if (existsSync(join(dir, '.complete'))) return join(dir, readdirSync(dir).find((e) => e !== '.complete')!);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  run('tar', ['xzf', archive, '-C', dir], { cwd: dir });
  writeFileSync(join(dir, '.complete'), '');
  return join(dir, readdirSync(dir).find((e) => e !== '.complete')!);
}

/** Builds (or finds in the cache) net-istio's oracle at this version; returns the binary's path. */
export function netIstioOracle(version: NetIstioVersion, go: string): string {
  const v = NET_ISTIO_VERSIONS[version];
  const archive = join(SHARED, 'upstream-src', v.archive);
  const src = fromRoot('test', 'upstream', 'net-istio');
  const main = join(src, v.line, 'main.go');
  const exp = join(src, `export_${v.line}.go.in`);
  // The request types and the request loop are shared: net-istio's common file, and the loop KServe's oracle uses.
  const common = join(src, 'common.go.in');
  const serve = fromRoot('test', 'upstream', 'kserve', 'serve.go');
  // The prober's ops, where the line has them (probe_<line>.go.in).
  const probe = join(src, `probe_${v.line}.go.in`);
  const extra = existsSync(probe) ? [probe] : [];
  const out = join(CACHE, `net-istio-${version}-${hashFiles([archive, main, exp, common, serve, ...extra])}`);
  if (existsSync(out)) return out;
  const tree = netIstioTree(version);
  mkdirSync(join(tree, 'cmd', 'kgd-oracle'), { recursive: true });
  copyFileSync(main, join(tree, 'cmd', 'kgd-oracle', 'main.go'));
  copyFileSync(common, join(tree, 'cmd', 'kgd-oracle', 'common.go'));
  copyFileSync(serve, join(tree, 'cmd', 'kgd-oracle', 'serve.go'));
  rmSync(join(tree, 'cmd', 'kgd-oracle', 'probe.go'), { force: true });
  if (extra.length) copyFileSync(probe, join(tree, 'cmd', 'kgd-oracle', 'probe.go'));
  copyFileSync(exp, join(tree, 'pkg', 'reconciler', 'ingress', 'zz_kgd_export.go'));
  run(go, ['build', '-mod=vendor', '-o', `${out}.tmp`, './cmd/kgd-oracle'], { cwd: tree, env: { GOFLAGS: '-mod=vendor', GOTOOLCHAIN: 'local' } });
  renameSync(`${out}.tmp`, out);
  return out;
}

/**
 * A writable copy of KServe's module at this version (a stable path, so Go's build cache serves later builds)
 * with the one-line export file added, and a modfile that replaces the module with it.
 */
function prepareKServe(version: KServeVersion, go: string): { modfile: string; env: NodeJS.ProcessEnv; dir: string } {
  const v = KSERVE_VERSIONS[version];
  const dir = fromRoot('test', 'upstream', 'kserve');
  const sum = v.modfile.replace(/\.mod$/, '.sum');
  const overlay = join(dir, 'overlay', 'export_ingress.go.in');
  const env = { GOFLAGS: '-mod=mod', GOTOOLCHAIN: 'local' };
  run(go, ['mod', 'download', `-modfile=${v.modfile}`, `github.com/kserve/kserve@v${version}`], { cwd: dir, env });
  const modcache = run(go, ['env', 'GOMODCACHE'], { cwd: dir, env }).trim();
  const work = join(CACHE, 'src', `kserve-${version}`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const copy = join(work, 'kserve');
  cpSync(join(modcache, 'github.com', 'kserve', `kserve@v${version}`), copy, { recursive: true });
  makeWritable(copy);
  copyFileSync(overlay, join(copy, 'pkg', 'controller', 'v1beta1', 'inferenceservice', 'reconcilers', 'ingress', 'zz_kgd_export.go'));
  const modfile = join(work, 'build.mod');
  copyFileSync(join(dir, v.modfile), modfile);
  copyFileSync(join(dir, sum), join(work, 'build.sum'));
  run(go, ['mod', 'edit', `-modfile=${modfile}`, `-replace=github.com/kserve/kserve=${copy}`], { cwd: dir, env });
  // KServe's own replace directives (e.g. controller-runtime pinned back) do not apply to a module that requires
  // it: carry them over, so both programs are built with the dependencies KServe is built with.
  const own = JSON.parse(run(go, ['mod', 'edit', '-json', join(copy, 'go.mod')], { cwd: dir, env })) as { Replace?: { Old: { Path: string; Version?: string }; New: { Path: string; Version?: string } }[] };
  for (const r of own.Replace ?? []) {
    if (r.New.Path.startsWith('.') || r.New.Path.startsWith('/')) continue;
    const old = r.Old.Version ? `${r.Old.Path}@${r.Old.Version}` : r.Old.Path;
    const neu = r.New.Version ? `${r.New.Path}@${r.New.Version}` : r.New.Path;
    run(go, ['mod', 'edit', `-modfile=${modfile}`, `-replace=${old}=${neu}`], { cwd: dir, env });
  }
  return { modfile, env, dir };
}

/** Builds (or finds in the cache) KServe's oracle at this version; returns the binary's path. */
export function kserveOracle(version: KServeVersion, go: string): string {
  const v = KSERVE_VERSIONS[version];
  const dir = fromRoot('test', 'upstream', 'kserve');
  const sum = v.modfile.replace(/\.mod$/, '.sum');
  const goFiles = readdirSync(dir).filter((f) => f.endsWith('.go')).sort().map((f) => join(dir, f));
  const overlay = join(dir, 'overlay', 'export_ingress.go.in');
  const out = join(CACHE, `kserve-${version}-${hashFiles([join(dir, v.modfile), join(dir, sum), overlay, ...goFiles], `${v.tags.join(',')};kserve-replaces`)}`);
  if (existsSync(out)) return out;
  mkdirSync(CACHE, { recursive: true });
  const p = prepareKServe(version, go);
  run(go, ['build', `-modfile=${p.modfile}`, ...(v.tags.length ? ['-tags', v.tags.join(',')] : []), '-o', `${out}.tmp`, '.'], { cwd: p.dir, env: p.env });
  renameSync(`${out}.tmp`, out);
  return out;
}

/** Builds (or finds in the cache) KServe's real manager (cmd/manager) at this version. */
export function kserveManager(version: KServeVersion, go: string): string {
  const v = KSERVE_VERSIONS[version];
  const dir = fromRoot('test', 'upstream', 'kserve');
  const out = join(CACHE, `kserve-manager-${version}-${hashFiles([join(dir, v.modfile), join(dir, v.modfile.replace(/\.mod$/, '.sum'))])}`);
  if (existsSync(out)) return out;
  mkdirSync(CACHE, { recursive: true });
  const p = prepareKServe(version, go);
  run(go, ['build', `-modfile=${p.modfile}`, '-o', `${out}.tmp`, 'github.com/kserve/kserve/cmd/manager'], { cwd: p.dir, env: p.env });
  renameSync(`${out}.tmp`, out);
  return out;
}

export const SERVING_VERSIONS = {
  '1.10.0': { modfile: 'go.mod' },
  '1.7.0': { modfile: 'go.v17.mod' },
} as const;
export type ServingVersion = keyof typeof SERVING_VERSIONS;

/**
 * Builds (or finds in the cache) Knative Serving's domain oracle (test/upstream/serving) at a release older than
 * any KServe oracle pins: its main.go, the shared request loop and the version's modfile, in a work folder.
 */
export function servingOracle(version: ServingVersion, go: string): string {
  const v = SERVING_VERSIONS[version];
  const dir = fromRoot('test', 'upstream', 'serving');
  const files = [join(dir, 'main.go'), fromRoot('test', 'upstream', 'kserve', 'serve.go'), join(dir, v.modfile), join(dir, v.modfile.replace(/\.mod$/, '.sum'))];
  const out = join(CACHE, `serving-${version}-${hashFiles(files)}`);
  if (existsSync(out)) return out;
  const work = join(CACHE, 'src', `serving-${version}`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  for (const [from, to] of [[files[0]!, 'main.go'], [files[1]!, 'serve.go'], [files[2]!, 'go.mod'], [files[3]!, 'go.sum']] as const) copyFileSync(from, join(work, to));
  run(go, ['build', '-o', `${out}.tmp`, '.'], { cwd: work, env: { GOFLAGS: '-mod=mod', GOTOOLCHAIN: 'local' } });
  renameSync(`${out}.tmp`, out);
  return out;
}

/** Runs an oracle on a batch of requests; answers come back in the same order. `env` adds to the process's (e.g. CLUSTER_DOMAIN). */
export function ask<T = Record<string, unknown>>(binary: string, requests: readonly unknown[], env: Readonly<Record<string, string>> = {}): T[] {
  const r = spawnSync(binary, [], { input: JSON.stringify(requests), encoding: 'utf8', maxBuffer: 512 << 20, env: { ...process.env, SYSTEM_NAMESPACE: 'knative-serving', POD_NAMESPACE: 'kserve', ...env } });
  if (r.status !== 0) throw new Error(`${binary} exited ${r.status}: ${r.stderr}`);
  const out = JSON.parse(r.stdout) as T[];
  if (out.length !== requests.length) throw new Error(`${binary} answered ${out.length} of ${requests.length} requests`);
  return out;
}

export { findGo };

/** Builds (or finds in the cache) net-istio's real controller (cmd/controller) at this version. */
export function netIstioController(version: NetIstioVersion, go: string): string {
  const v = NET_ISTIO_VERSIONS[version];
  const archive = join(SHARED, 'upstream-src', v.archive);
  const out = join(CACHE, `net-istio-controller-${version}-${hashFiles([archive])}`);
  if (existsSync(out)) return out;
  // The oracle's export file in pkg/reconciler/ingress (if built first) only adds a function: the controller is net-istio's own.
  const tree = netIstioTree(version);
  run(go, ['build', '-mod=vendor', '-o', `${out}.tmp`, './cmd/controller'], { cwd: tree, env: { GOFLAGS: '-mod=vendor', GOTOOLCHAIN: 'local' } });
  renameSync(`${out}.tmp`, out);
  return out;
}

/**
 * Knative operator releases run as oracles, by modfile in test/upstream/operator (a `tool` line each, so the
 * dependencies are the ones its go.sum records): the newest kgd models, and two older ones for the versioned rows
 * (1.7.0: before knative/operator#1231; 1.12.0: knative/operator#1469 unfixed). The module proxy lacks the
 * knative.dev/caching pseudo-version 1.12.0 pins, so go.v112.mod replaces it with a served one (caching's API types
 * only; the operator's own code is 1.12.0's).
 */
export const OPERATOR_VERSIONS = {
  '1.23.0': 'go.mod',
  '1.12.0': 'go.v112.mod',
  '1.7.0': 'go.v17.mod',
} as const;
export type OperatorVersion = keyof typeof OPERATOR_VERSIONS;

/**
 * The Knative operator (knative.dev/operator, cmd/operator) at one of OPERATOR_VERSIONS. Returns the binary and the
 * operator's `kodata` folder (the release manifests it installs), which it reads at run time from KO_DATA_PATH.
 */
export function knativeOperator(go: string, release: OperatorVersion = '1.23.0'): { binary: string; kodata: string; version: string } {
  const dir = fromRoot('test', 'upstream', 'operator');
  const modfile = OPERATOR_VERSIONS[release];
  const env = { GOFLAGS: '-mod=mod', GOTOOLCHAIN: 'local' };
  const m = `-modfile=${modfile}`;
  const list = () => JSON.parse(run(go, ['list', m, '-m', '-json', 'knative.dev/operator'], { cwd: dir, env })) as { Dir?: string; Version: string };
  let mod = list();
  if (!mod.Dir) {
    run(go, ['mod', 'download', m, 'knative.dev/operator'], { cwd: dir, env });
    mod = list();
  }
  const sum = join(dir, modfile.replace(/\.mod$/, '.sum'));
  const out = join(CACHE, `knative-operator-${mod.Version}-${hashFiles([join(dir, modfile), sum])}`);
  const kodata = join(mod.Dir!, 'cmd', 'operator', 'kodata');
  if (existsSync(out)) return { binary: out, kodata, version: mod.Version };
  mkdirSync(CACHE, { recursive: true });
  run(go, ['build', m, '-o', `${out}.tmp`, 'knative.dev/operator/cmd/operator'], { cwd: dir, env });
  renameSync(`${out}.tmp`, out);
  return { binary: out, kodata, version: mod.Version };
}

/**
 * Builds (or finds in the cache) gRPC's implementation of Envoy's RBAC filter as a command (test/upstream/
 * grpc-rbac): the google.golang.org/grpc module named in its go.mod is copied out of the module cache, the
 * package kgdrbac (export.go.in: a request context for the internal rbac engine) is added to the copy, and a
 * generated modfile replaces the module with it. Istio's own RBAC filters for each case come from
 * test/oracle TestAuthz; this evaluates requests against them.
 */
export function grpcRbacOracle(go: string): string {
  const dir = fromRoot('test', 'upstream', 'grpc-rbac');
  const files = ['main.go', 'export.go.in', 'go.mod', 'go.sum'].map((f) => join(dir, f));
  const out = join(CACHE, `grpc-rbac-${hashFiles(files)}`);
  if (existsSync(out)) return out;
  const version = /google\.golang\.org\/grpc (v\S+)/.exec(readFileSync(join(dir, 'go.mod'), 'utf8'))?.[1];
  if (!version) throw new Error('test/upstream/grpc-rbac/go.mod names no google.golang.org/grpc version');
  const env = { GOFLAGS: '-mod=mod', GOTOOLCHAIN: 'local' };
  const work = join(CACHE, 'src', 'grpc-rbac');
  rmSync(work, { recursive: true, force: true });
  mkdirSync(join(work, 'cmd'), { recursive: true });
  run(go, ['mod', 'download', `google.golang.org/grpc@${version}`], { cwd: dir, env });
  const modcache = run(go, ['env', 'GOMODCACHE'], { cwd: dir }).trim();
  cpSync(join(modcache, 'google.golang.org', `grpc@${version}`), join(work, 'grpc'), { recursive: true });
  makeWritable(join(work, 'grpc'));
  mkdirSync(join(work, 'grpc', 'kgdrbac'));
  copyFileSync(files[1]!, join(work, 'grpc', 'kgdrbac', 'export.go'));
  copyFileSync(files[0]!, join(work, 'cmd', 'main.go'));
  copyFileSync(files[3]!, join(work, 'cmd', 'go.sum'));
  writeFileSync(join(work, 'cmd', 'go.mod'), `${readFileSync(files[2]!, 'utf8')}\nreplace google.golang.org/grpc => ../grpc\n`);
  run(go, ['build', '-o', `${out}.tmp`, '.'], { cwd: join(work, 'cmd'), env });
  renameSync(`${out}.tmp`, out);
  return out;
}
