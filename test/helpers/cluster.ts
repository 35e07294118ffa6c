/**
 * A real Kubernetes API server for integration tests: kube-apiserver and etcd built from source through
 * the Go module proxy (test/cluster/{apiserver,etcd}, cached by the hash of their go.mod/go.sum), started
 * on loopback with generated certificates and a static token, reached through a generated kubeconfig.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { get as httpsGet } from 'node:https';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromRoot } from './paths.js';

export function findGo(): string | undefined {
  const candidates = [...(process.env['PATH'] ?? '').split(':').map((d) => join(d, 'go')), '/usr/local/go/bin/go'];
  return candidates.find((p) => p && existsSync(p));
}

/**
 * Knative's controllers check the server version at start and exit on the unset default
 * (`v0.0.0-master+$Format:%H$`), so kube-apiserver is built with its release's version (../shared/upstream-src/README.md).
 */
const VERSION_LDFLAGS = '-X k8s.io/component-base/version.gitVersion=v1.37.2 -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=37';

const TARGETS: Record<string, { module: string; pkg: string; ldflags?: string }> = {
  apiserver: { module: 'apiserver', pkg: '.', ldflags: VERSION_LDFLAGS },
  kubectl: { module: 'apiserver', pkg: './kubectl' },
  'controller-manager': { module: 'apiserver', pkg: './controller-manager', ldflags: VERSION_LDFLAGS },
  etcd: { module: 'etcd', pkg: '.' },
};

/** Builds (once per go.mod/go.sum/main.go content) and returns the path of one of test/cluster's binaries. */
export function binary(name: 'apiserver' | 'kubectl' | 'etcd' | 'controller-manager', go: string): string {
  const t = TARGETS[name]!;
  const dir = fromRoot('test', 'cluster', t.module);
  const hash = createHash('sha256').update(readFileSync(join(dir, 'go.mod'))).update(readFileSync(join(dir, 'go.sum'))).update(readFileSync(join(dir, t.pkg, 'main.go'))).update(t.ldflags ?? '').digest('hex').slice(0, 16);
  const cache = join(process.env['XDG_CACHE_HOME'] ?? join(homedir(), '.cache'), 'kgd', 'test-cluster');
  const out = join(cache, `${name}-${hash}`);
  if (existsSync(out)) return out;
  mkdirSync(cache, { recursive: true });
  const r = spawnSync(go, ['build', ...(t.ldflags ? ['-ldflags', t.ldflags] : []), '-o', `${out}.tmp`, t.pkg], { cwd: dir, encoding: 'utf8', env: { ...process.env, GOFLAGS: '-mod=mod' } });
  if (r.status !== 0) throw new Error(`building test/cluster/${t.module} ${t.pkg} failed:\n${r.stderr}`);
  renameSync(`${out}.tmp`, out);
  return out;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/** Status of a GET (self-signed certificate: the test server's own), or 0 when nothing answers. */
function ready(url: string, token: string): Promise<number> {
  return new Promise((resolve) => {
    const req = httpsGet(url, { headers: { authorization: `Bearer ${token}` }, rejectUnauthorized: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', () => resolve(0));
  });
}

export interface TestCluster {
  readonly server: string;
  /** A kubeconfig with contexts `admin` (system:masters), `reader` and `limited` (no rights until a test binds some), `bad` (unknown token). */
  readonly kubeconfig: string;
  readonly adminToken: string;
  readonly readerToken: string;
  /** The API server's audit log (JSON lines; only pods/log requests are recorded). */
  readonly auditLog: string;
  stop(): Promise<void>;
}

/**
 * Starts etcd and kube-apiserver; with `controllerManager`, also kube-controller-manager running only the
 * controllers the Knative operator relies on (ClusterRole aggregation and garbage collection); with
 * `admissionWebhooks: false`, admission webhooks are not called; `serviceRange` (default 10.0.0.0/24) is the Service
 * CIDR (a benchmark's tens of thousands of Services need a bigger one).
 */
export async function startCluster(opts: { controllerManager?: boolean; admissionWebhooks?: boolean; serviceRange?: string } = {}): Promise<TestCluster> {
  const go = findGo();
  if (!go) throw new Error('Go is needed to build the test API server');
  const apiserver = binary('apiserver', go);
  const etcd = binary('etcd', go);
  const kcm = opts.controllerManager ? binary('controller-manager', go) : undefined;
  const dir = mkdtempSync(join(tmpdir(), 'kgd-cluster-'));
  const [etcdPort, peerPort, apiPort] = [await freePort(), await freePort(), await freePort()];
  const adminToken = createHash('sha256').update(`${dir}admin`).digest('hex').slice(0, 32);
  const readerToken = createHash('sha256').update(`${dir}reader`).digest('hex').slice(0, 32);
  const limitedToken = createHash('sha256').update(`${dir}limited`).digest('hex').slice(0, 32);
  writeFileSync(join(dir, 'tokens.csv'), `${adminToken},admin,1,system:masters\n${readerToken},reader,2\n${limitedToken},limited,3\n`);
  const openssl = spawnSync('openssl', ['genrsa', '-out', join(dir, 'sa.key'), '2048'], { encoding: 'utf8' });
  if (openssl.status !== 0) throw new Error(`openssl: ${openssl.stderr}`);
  spawnSync('openssl', ['rsa', '-in', join(dir, 'sa.key'), '-pubout', '-out', join(dir, 'sa.pub')]);
  const procs: ChildProcess[] = [];
  const log = (name: string) => join(dir, `${name}.log`);
  const start = (bin: string, args: string[], name: string) => {
    const p = spawn(bin, args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    const chunks: Buffer[] = [];
    p.stderr!.on('data', (c: Buffer) => { chunks.push(c); if (chunks.length > 200) chunks.shift(); });
    p.on('exit', () => writeFileSync(log(name), Buffer.concat(chunks)));
    procs.push(p);
  };
  start(etcd, ['--data-dir', join(dir, 'etcd'), '--listen-client-urls', `http://127.0.0.1:${etcdPort}`, '--advertise-client-urls', `http://127.0.0.1:${etcdPort}`, '--listen-peer-urls', `http://127.0.0.1:${peerPort}`, '--initial-advertise-peer-urls', `http://127.0.0.1:${peerPort}`, '--initial-cluster', `default=http://127.0.0.1:${peerPort}`], 'etcd');
  // Audit: only reads of pods/log (test/logs-cluster.test.ts checks the request `kgd logs --cluster` makes).
  writeFileSync(join(dir, 'audit-policy.yaml'), 'apiVersion: audit.k8s.io/v1\nkind: Policy\nomitStages: [RequestReceived]\nrules:\n- level: Metadata\n  resources: [{group: "", resources: ["pods/log"]}]\n- level: None\n');
  start(apiserver, [
    `--audit-policy-file=${join(dir, 'audit-policy.yaml')}`, `--audit-log-path=${join(dir, 'audit.log')}`,
    `--etcd-servers=http://127.0.0.1:${etcdPort}`, '--bind-address=127.0.0.1', `--secure-port=${apiPort}`, `--cert-dir=${join(dir, 'certs')}`,
    `--token-auth-file=${join(dir, 'tokens.csv')}`, `--service-account-key-file=${join(dir, 'sa.pub')}`, `--service-account-signing-key-file=${join(dir, 'sa.key')}`,
    '--service-account-issuer=https://kgd.test', '--authorization-mode=RBAC', `--service-cluster-ip-range=${opts.serviceRange ?? '10.0.0.0/24'}`, '--enable-priority-and-fairness=false',
    // Webhook configurations a controller installs point at Services with no pods here: calling them would fail every write.
    ...(opts.admissionWebhooks === false ? ['--disable-admission-plugins=MutatingAdmissionWebhook,ValidatingAdmissionWebhook'] : []),
  ], 'apiserver');
  const server = `https://127.0.0.1:${apiPort}`;
  const stop = async () => {
    for (const p of procs.reverse()) {
      p.kill('SIGTERM');
      await new Promise((r) => (p.exitCode !== null ? r(undefined) : p.once('exit', r)));
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if ((await ready(`${server}/readyz`, adminToken)) === 200) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error('the test API server did not become ready in 60 s');
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, [
    'apiVersion: v1', 'kind: Config',
    'clusters:', `- name: test`, `  cluster: {server: "${server}", insecure-skip-tls-verify: true}`,
    'users:', `- name: admin`, `  user: {token: "${adminToken}"}`, `- name: reader`, `  user: {token: "${readerToken}"}`, `- name: limited`, `  user: {token: "${limitedToken}"}`, `- name: bad`, `  user: {token: "not-a-token"}`,
    'contexts:', '- name: admin', '  context: {cluster: test, user: admin}', '- name: reader', '  context: {cluster: test, user: reader}', '- name: limited', '  context: {cluster: test, user: limited}', '- name: bad', '  context: {cluster: test, user: bad}',
    'current-context: admin', '',
  ].join('\n'));
  if (kcm) {
    start(kcm, [`--kubeconfig=${kubeconfig}`, '--controllers=clusterrole-aggregation-controller,garbage-collector-controller', '--secure-port=0', '--leader-elect=false', '--use-service-account-credentials=false'], 'controller-manager');
  }
  return { server, kubeconfig, adminToken, readerToken, auditLog: join(dir, 'audit.log'), stop };
}
