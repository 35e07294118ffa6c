/**
 * `kgd webhook` on the test kube-apiserver (test/helpers/cluster.ts), called by the API server at a loopback URL
 * with the CA `kgd webhook certs` wrote, under the shipped ValidatingWebhookConfiguration and ClusterRole
 * (deploy/webhook/), through a real `kubectl apply` (kubectl built from the same Kubernetes release): each single
 * breaking change to the fixed example comes back as the expected warnings (those `admit` gives on the whole live
 * cluster), dry runs included; with --deny-on error it is denied and not stored; the repair and a harmless change
 * get none; kube-system is never sent; with the webhook stopped the change goes through (failurePolicy: Ignore).
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { get } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { checkResources } from '../src/check.js';
import { loadCluster } from '../src/load/cluster.js';
import { kubeRequest } from '../src/load/kube-http.js';
import { loadSources } from '../src/load/sources.js';
import { admit, type AdmissionReview } from '../src/webhook/admission.js';
import { binary, findGo, freePort, startCluster, type TestCluster } from './helpers/cluster.js';
import { create, createAll, installCrds } from './helpers/kube-objects.js';
import { fromRoot, ROOT } from './helpers/paths.js';

const skip = process.env['KGD_SKIP_CLUSTER'] ? 'KGD_SKIP_CLUSTER is set' : !findGo() && !process.env['CI'] ? 'Go is not installed (needed to build kube-apiserver and kubectl); CI runs this' : false;

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

interface Change {
  readonly name: string;
  readonly path: string;
  readonly edit: (o: Obj) => void;
  /** A code the warnings must include (the whole-cluster reference decides the rest). */
  readonly code: string;
}

const CHANGES: Change[] = [
  { name: 'KnativeServing: the local gateway renamed in config.istio', path: '/apis/operator.knative.dev/v1beta1/namespaces/knative-serving/knativeservings/knative-serving', code: 'KGD1108',
    edit: (o) => { o.spec.config.istio['local-gateways'] = o.spec.config.istio['local-gateways'].replace('name: custom-gateway', 'name: custom-gateway-v2'); } },
  { name: 'KServe localGateway to a missing Gateway', path: '/api/v1/namespaces/kserve/configmaps/inferenceservice-config', code: 'KGD1303',
    edit: (o) => { o.data.ingress = o.data.ingress.replace('"localGateway": "istio-system/custom-gateway"', '"localGateway": "istio-system/missing-gateway"'); } },
  { name: 'Gateway selector typo', path: '/apis/networking.istio.io/v1beta1/namespaces/istio-system/gateways/custom-gateway', code: 'KGD1401',
    edit: (o) => { o.spec.selector.app = 'custom-gatewy'; } },
  { name: 'local gateway Service targetPort', path: '/api/v1/namespaces/istio-system/services/custom-gateway', code: 'KGD1404',
    edit: (o) => { o.spec.ports[0].targetPort = 8082; } },
];

describe('kgd webhook through kubectl apply on a real API server', { skip }, () => {
  let cluster: TestCluster;
  let kc: KubeConfig;
  let kubectl = '';
  let dir = '';
  let port = 0;
  let ca = '';
  let webhook: ChildProcess | undefined;
  let logs: Obj[] = [];

  /** The object as stored, without what the server adds, ready to edit and apply. */
  async function live(path: string): Promise<Obj> {
    const o = (await kubeRequest(kc, 'GET', path)) as Obj;
    const { resourceVersion: _v, uid: _u, creationTimestamp: _c, managedFields: _m, generation: _g, ...metadata } = o['metadata'];
    const { status: _s, ...rest } = o;
    return { ...rest, metadata };
  }

  function kubectlApply(object: Obj, dryRun = false): { status: number | null; kgd: string[]; stderr: string; ms: number } {
    const file = join(dir, `apply-${Date.now()}-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(file, JSON.stringify(object));
    const t0 = Date.now();
    const r = spawnSync(kubectl, ['--kubeconfig', cluster.kubeconfig, 'apply', '-f', file, ...(dryRun ? ['--dry-run=server'] : [])], { encoding: 'utf8', timeout: 60_000 });
    // kubectl prints each admission warning as "Warning: <text>" on stderr (beside its own, e.g. the missing
    // last-applied annotation on objects made with create).
    // Let the webhook's watch see a stored change before the next request compares with it.
    if (!dryRun && r.status === 0) spawnSync('sleep', ['0.3']);
    const kgd = r.stderr.split('\n').filter((l) => l.startsWith('Warning: kgd ')).map((l) => l.slice('Warning: '.length)).sort();
    return { status: r.status, kgd, stderr: r.stderr, ms: Date.now() - t0 };
  }

  function readyz(): Promise<number> {
    return new Promise((resolve) => {
      const req = get({ host: '127.0.0.1', port, path: '/readyz', ca, servername: 'kgd-webhook.kgd-system.svc' }, (res) => { res.resume(); resolve(res.statusCode ?? 0); });
      req.on('error', () => resolve(0));
    });
  }

  async function startWebhook(extra: string[] = []): Promise<void> {
    logs = [];
    webhook = spawn(process.execPath, [fromRoot('bin', 'kgd.js'), 'webhook', 'serve', '--tls-cert', join(dir, 'tls.crt'), '--tls-key', join(dir, 'tls.key'), '--port', String(port), '--kubeconfig', cluster.kubeconfig, '--context', 'reader', ...extra], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let buf = '';
    webhook.stdout!.on('data', (c: Buffer) => {
      buf += c.toString('utf8');
      const lines = buf.split('\n');
      buf = lines.pop()!;
      for (const l of lines) logs.push(JSON.parse(l) as Obj);
    });
    const stderr: Buffer[] = [];
    webhook.stderr!.on('data', (c: Buffer) => stderr.push(c));
    for (let i = 0; (await readyz()) !== 200; i++) {
      if (i > 200 || webhook.exitCode !== null) throw new Error(`the webhook did not become ready: ${Buffer.concat(stderr).toString('utf8')} ${JSON.stringify(logs)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async function stopWebhook(): Promise<void> {
    const w = webhook;
    webhook = undefined;
    if (!w || w.exitCode !== null) return;
    w.kill('SIGTERM');
    await new Promise((r) => w.once('exit', r));
  }

  /** What the webhook should say: `admit` on the whole live cluster, read as `check --cluster` reads it. */
  async function expected(object: Obj, denyOn?: 'error'): Promise<AdmissionReview['response']> {
    const [group, version] = String(object['apiVersion']).includes('/') ? String(object['apiVersion']).split('/') : ['', String(object['apiVersion'])];
    const loaded = await loadCluster({ kubeconfig: cluster.kubeconfig, context: 'admin' });
    const review: AdmissionReview = { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: { uid: 'x', kind: { group: group!, version: version!, kind: object['kind'] }, operation: 'UPDATE', namespace: object['metadata'].namespace, name: object['metadata'].name, object } };
    return admit(review, loaded.resources, { denyOn }).response;
  }

  before(async () => {
    kubectl = binary('kubectl', findGo()!);
    cluster = await startCluster();
    kc = new KubeConfig();
    kc.loadFromFile(cluster.kubeconfig);
    await installCrds(kc);
    await createAll(kc, [fromRoot('examples', 'custom-gateway-fixed')]);
    // What the endpoints controller (not run here) makes for the gateway pods: without them the fixed example is not
    // clean as a whole cluster (KGD1703), and a repair would reveal that again.
    await create(kc, { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'istio-ingressgateway', namespace: 'istio-system' }, subsets: [{ addresses: [{ ip: '10.1.0.10' }], ports: [{ name: 'http2', port: 8080 }, { name: 'https', port: 8443 }] }] } as KubernetesObject);
    await create(kc, { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'custom-gateway', namespace: 'istio-system' }, subsets: [{ addresses: [{ ip: '10.1.0.11' }], ports: [{ name: 'http2', port: 8081 }] }] } as KubernetesObject);
    // The webhook runs as `reader`, with exactly the shipped ClusterRole.
    const shipped = (await loadSources([fromRoot('deploy', 'webhook')])).resources;
    const role = shipped.find((r) => r.kind === 'ClusterRole')!.object as KubernetesObject;
    await create(kc, role);
    await create(kc, { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'kgd-webhook-test' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role.metadata!.name! }, subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'reader' }] } as KubernetesObject);
    dir = mkdtempSync(join(tmpdir(), 'kgd-webhook-cluster-'));
    const certs = spawnSync(process.execPath, [fromRoot('bin', 'kgd.js'), 'webhook', 'certs', '--out', dir, '--ip', '127.0.0.1'], { encoding: 'utf8' });
    assert.equal(certs.status, 0, certs.stderr);
    ca = readFileSync(join(dir, 'ca.crt'), 'utf8');
    port = await freePort();
    // The shipped configuration, pointed at the loopback URL (the Service is not reachable from this API server).
    const vwc = structuredClone(shipped.find((r) => r.kind === 'ValidatingWebhookConfiguration')!.object) as Obj;
    for (const w of vwc['webhooks']) w.clientConfig = { url: `https://127.0.0.1:${port}/validate`, caBundle: Buffer.from(ca).toString('base64') };
    await create(kc, vwc as KubernetesObject);
    await startWebhook();
    // The API server loads webhook configurations through its own watch: wait until calls arrive.
    const probe = await live(CHANGES[2]!.path);
    CHANGES[2]!.edit(probe);
    for (let i = 0; kubectlApply(probe, true).kgd.length === 0; i++) {
      if (i > 50) throw new Error(`the API server never called the webhook: ${JSON.stringify(logs)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  });
  after(async () => {
    await stopWebhook();
    await cluster?.stop();
  });

  it('the watch syncs under the shipped ClusterRole: no kind refused; the cluster starts clean', async () => {
    const loaded = await loadCluster({ kubeconfig: cluster.kubeconfig, context: 'admin' });
    assert.deepEqual(checkResources(loaded.resources, { complete: true }).diagnostics.filter((d) => d.severity !== 'info').map((d) => `${d.code} ${d.resource}`), []);
    assert.deepEqual(logs.filter((l) => l['msg'] === 'watch failed (retrying)'), []);
    assert.ok(logs.filter((l) => l['msg'] === 'listed').length >= 10, JSON.stringify(logs.slice(0, 5)));
  });

  for (const c of CHANGES) {
    it(`${c.name}: warned through kubectl apply (dry run and real), stored; the repair is admitted with no warning`, async () => {
      const original = await live(c.path);
      const broken = structuredClone(original);
      c.edit(broken);
      const want = await expected(broken);
      assert.ok(want?.warnings?.some((w) => w.startsWith(`kgd ${c.code}`)), `the reference warns with ${c.code}: ${JSON.stringify(want)}`);
      const dry = kubectlApply(broken, true);
      assert.equal(dry.status, 0, dry.stderr);
      assert.deepEqual(dry.kgd, [...want!.warnings!].sort());
      assert.deepEqual((await live(c.path))['spec'] ?? (await live(c.path))['data'], original['spec'] ?? original['data'], 'a dry run stores nothing');
      const real = kubectlApply(broken);
      assert.equal(real.status, 0, real.stderr);
      assert.deepEqual(real.kgd, [...want!.warnings!].sort());
      const stored = await live(c.path);
      assert.deepEqual(stored['spec'] ?? stored['data'], broken['spec'] ?? broken['data']);
      const repair = kubectlApply(original);
      assert.equal(repair.status, 0, repair.stderr);
      assert.deepEqual(repair.kgd, []);
      const repaired = await live(c.path);
      assert.deepEqual(repaired['spec'] ?? repaired['data'], original['spec'] ?? original['data'], 'the repair is stored');
    });
  }

  it('a change that breaks nothing gets no warning; kube-system is never sent to the webhook', async () => {
    const gw = await live(CHANGES[2]!.path);
    gw['metadata'].annotations = { ...(gw['metadata'].annotations ?? {}), 'example.com/owner': 'platform' };
    const r = kubectlApply(gw);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(r.kgd, []);
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'config-istio', namespace: 'kube-system' }, data: { 'local-gateway.knative-serving.nowhere': 'nowhere.istio-system.svc.cluster.local' } };
    assert.equal(kubectlApply(cm).status, 0);
    const marker = kubectlApply(gw);
    assert.equal(marker.status, 0);
    const seen = logs.filter((l) => l['msg'] === 'admission');
    assert.ok(seen.some((l) => l['namespace'] === 'istio-system'), 'the later change was sent');
    assert.deepEqual(seen.filter((l) => l['namespace'] === 'kube-system'), []);
    // A config-istio elsewhere changes what kgd reads as Knative's configuration: gone again for the next tests.
    await kubeRequest(kc, 'DELETE', '/api/v1/namespaces/kube-system/configmaps/config-istio');
  });

  it('with --deny-on error each breaking change is denied with the findings listed, and not stored', async () => {
    await stopWebhook();
    await startWebhook(['--deny-on', 'error']);
    let denied = 0;
    for (const c of CHANGES) {
      const original = await live(c.path);
      const broken = structuredClone(original);
      c.edit(broken);
      const want = await expected(broken, 'error');
      const r = kubectlApply(broken);
      if (want?.allowed === false) {
        denied++;
        assert.notEqual(r.status, 0, `${c.name}: ${r.stderr}`);
        assert.match(r.stderr, /admission webhook "validate\.kgd\.io" denied the request: kgd: this change introduces \d+ findings? at or above error: kgd KGD/);
        const stored = await live(c.path);
        assert.deepEqual(stored['spec'] ?? stored['data'], original['spec'] ?? original['data'], `${c.name}: not stored`);
      } else {
        assert.equal(r.status, 0, r.stderr);
        assert.equal(kubectlApply(original).status, 0);
      }
    }
    assert.equal(denied, CHANGES.length, 'each change introduces an error');
  });

  it('with the webhook stopped, the breaking change goes through within the timeout (failurePolicy: Ignore)', async () => {
    await stopWebhook();
    const c = CHANGES[2]!;
    const original = await live(c.path);
    const broken = structuredClone(original);
    c.edit(broken);
    const r = kubectlApply(broken);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(r.kgd, []);
    assert.ok(r.ms < 10_000, `${r.ms} ms`);
    assert.deepEqual((await live(c.path))['spec'], broken['spec']);
    assert.equal(kubectlApply(original).status, 0);
  });

  it('kgd webhook certs --patch --apply puts its new CA in every webhook\'s caBundle', async () => {
    const out = mkdtempSync(join(tmpdir(), 'kgd-webhook-certs-'));
    const r = spawnSync(process.execPath, [fromRoot('bin', 'kgd.js'), 'webhook', 'certs', '--out', out, '--patch', 'kgd-webhook', '--apply', '--kubeconfig', cluster.kubeconfig], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /set the caBundle of 1 webhook in ValidatingWebhookConfiguration kgd-webhook/);
    const vwc = (await kubeRequest(kc, 'GET', '/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/kgd-webhook')) as Obj;
    const ca = readFileSync(join(out, 'ca.crt'), 'utf8');
    assert.equal(Buffer.from(vwc['webhooks'][0].clientConfig.caBundle, 'base64').toString('utf8'), ca);
    const missing = spawnSync(process.execPath, [fromRoot('bin', 'kgd.js'), 'webhook', 'certs', '--patch', 'no-such', '--apply', '--kubeconfig', cluster.kubeconfig], { encoding: 'utf8' });
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /^kgd: cannot read ValidatingWebhookConfiguration no-such: /);
  });
});
