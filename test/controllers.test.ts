/**
 * The real net-istio controller (cmd/controller of knative-extensions/net-istio 1.21.1, built from
 * ../shared/upstream-src) runs against the test kube-apiserver: it is given config-istio and KIngresses that
 * Knative Serving's own MakeIngress built, and the VirtualServices it writes are compared with kgd's derivation
 * of the same Routes. Several config-istio variants are applied in turn to one controller (it re-binds every
 * KIngress on a config change), many KIngresses per variant.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { kubeRequest } from '../src/load/kube-http.js';
import { collectionPath, objectPath, resourceNames } from '../src/load/cluster.js';
import { loadSources } from '../src/load/sources.js';
import { parseManifestText } from '../src/load/parse.js';
import { buildSnapshot } from '../src/snapshot/build.js';
import { knativeGatewayConfig } from '../src/platform/knative/effective.js';
import { knativeDomainConfig } from '../src/platform/knative/domain.js';
import { knativeObjects, type RouteInput } from '../src/platform/knative/derive.js';
import { findGo, startCluster, type TestCluster } from './helpers/cluster.js';
import { SHARED } from './helpers/paths.js';
import { ask, kserveOracle, netIstioController } from './helpers/upstream.js';
import { canonical, same } from './upstream/compare.js';
import { join } from 'node:path';

const CD = 'cluster.local';
const KNATIVE = join(SHARED, 'corpus', 'kubeflow', 'common_knative_knative-serving_overlays_gateways.yaml');
const ISTIO_CRDS = join(SHARED, 'corpus', 'kubeflow', 'common_istio_istio-crds_base.yaml');

/** config-istio variants; each is applied to the running controller in turn. */
const VARIANTS: { name: string; data: Record<string, string> }[] = [
  { name: 'defaults', data: {} },
  { name: 'custom local gateway (list format)', data: { 'local-gateways': '- name: custom-gateway\n  namespace: istio-system\n  service: custom-gateway.istio-system.svc.cluster.local\n' } },
  {
    name: 'a local gateway chosen by labelSelector',
    data: {
      'local-gateways': '- name: knative-local-gateway\n  namespace: knative-serving\n  service: knative-local-gateway.istio-system.svc.cluster.local\n- name: ml-gateway\n  namespace: istio-system\n  service: ml-gateway.istio-system.svc.cluster.local\n  labelSelector:\n    matchLabels:\n      app: ml\n',
      'external-gateways': '- name: kubeflow-gateway\n  namespace: kubeflow\n  service: istio-ingressgateway.istio-system.svc.cluster.local\n',
    },
  },
  { name: 'legacy keys (Kubeflow 1.x)', data: { 'gateway.kubeflow.kubeflow-gateway': 'istio-ingressgateway.istio-system.svc.cluster.local', 'local-gateway.knative-serving.cluster-local-gateway': 'cluster-local-gateway.istio-system.svc.cluster.local' } },
];

/** Routes per variant: names near 63 characters, visibility labels, selector labels, a config-domain default. */
function routes(variant: number): RouteInput[] {
  const base = ['sklearn-iris-predictor', 'm-transformer', 'a-rather-long-inference-service-name-of-forty-six-predictor', 'x'.repeat(60)];
  return base.flatMap((name, i): RouteInput[] => [
    { name: `${name.slice(0, 58)}${variant}`, namespace: 'models', labels: { 'serving.knative.dev/service': name }, annotations: {} },
    { name: `v${variant}-${i}-local`, namespace: 'models', labels: { 'networking.knative.dev/visibility': 'cluster-local' }, annotations: {} },
    { name: `v${variant}-${i}-ml`, namespace: 'team-a', labels: { app: 'ml' }, annotations: {} },
  ]);
}

const CONFIG_DOMAIN = { 'example.com': '' };

async function create(kc: KubeConfig, o: KubernetesObject): Promise<void> {
  try {
    await kubeRequest(kc, 'POST', await collectionPath(resourceNames(kc), o.apiVersion!, o.kind!, o.metadata?.namespace), o);
  } catch (e) {
    throw new Error(`creating ${o.kind} ${o.metadata?.namespace ?? ''}/${o.metadata?.name}: ${(e as Error).message}`, { cause: e });
  }
}

async function waitFor<T>(what: string, seconds: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${seconds} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

describe('the real net-istio controller against the test API server', () => {
  const go = findGo();
  const skip = process.env['KGD_SKIP_ORACLE'] === '1' ? 'KGD_SKIP_ORACLE=1' : go ? false : 'Go is not installed, so net-istio and the API server cannot be built';
  if (skip && process.env['CI'] === 'true' && process.env['KGD_SKIP_ORACLE'] !== '1') {
    it('runs in CI', () => assert.fail(`the controller oracle must run in CI: ${skip}`));
    return;
  }
  let cluster: TestCluster | undefined;
  let controller: ChildProcess | undefined;
  let controllerLog = '';
  let kc: KubeConfig;
  let serving: string;

  before(async () => {
    if (skip) return;
    const bin = netIstioController('1.21.1', go!);
    serving = kserveOracle('0.16.0', go!);
    cluster = await startCluster();
    kc = new KubeConfig();
    kc.loadFromFile(cluster.kubeconfig);
    kc.setCurrentContext('admin');
    const objects = [...(await loadSources([ISTIO_CRDS, KNATIVE])).resources];
    const crds = objects.filter((r) => r.kind === 'CustomResourceDefinition');
    for (const r of crds) await create(kc, r.object as KubernetesObject);
    for (const r of crds) {
      await waitFor(`CRD ${r.name}`, 30, async () => {
        const got = (await kubeRequest(kc, 'GET', `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${r.name}`)) as { status?: { conditions?: { type: string; status: string }[] } };
        return got.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True') ? true : undefined;
      });
    }
    for (const ns of ['knative-serving', 'models', 'team-a']) await create(kc, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    // Knative's own ConfigMaps as Kubeflow ships them (config-network, config-logging, ...); config-istio is set per variant.
    for (const r of objects.filter((x) => x.kind === 'ConfigMap' && x.namespace === 'knative-serving' && x.name !== 'config-istio')) {
      const { status: _s, ...o } = r.object as Record<string, unknown>;
      await create(kc, o as KubernetesObject);
    }
    await create(kc, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'config-istio', namespace: 'knative-serving' }, data: {} } as KubernetesObject);
    controller = spawn(bin, ['--kubeconfig', cluster.kubeconfig], { env: { ...process.env, SYSTEM_NAMESPACE: 'knative-serving', POD_NAME: 'net-istio-controller-test', METRICS_DOMAIN: 'knative.dev/net-istio' }, stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (c: Buffer) => { controllerLog = (controllerLog + c.toString('utf8')).slice(-20000); };
    controller.stdout!.on('data', keep);
    controller.stderr!.on('data', keep);
  }, { timeout: 60 * 60 * 1000 });

  after(async () => {
    controller?.kill('SIGTERM');
    if (controller && controller.exitCode === null) await new Promise((r) => controller!.once('exit', r));
    await cluster?.stop();
  });

  it(`${VARIANTS.length} config-istio variants × ${routes(0).length} Routes: the VirtualServices net-istio writes are the ones kgd derives`, { skip, timeout: 20 * 60 * 1000 }, async (t) => {
    const names = resourceNames(kc);
    let compared = 0;
    const diffs: string[] = [];
    for (const [vi, variant] of VARIANTS.entries()) {
      await kubeRequest(kc, 'PUT', await objectPath(names, 'v1', 'ConfigMap', 'knative-serving', 'config-istio'), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'config-istio', namespace: 'knative-serving' }, data: variant.data });
      const rs = routes(vi);
      const revisions = ask<{ name: string }>(serving, rs.map((r) => ({ op: 'childName', parent: r.name, suffix: '-00001' })));
      const made = ask<{ ingress?: KubernetesObject; error?: string }>(serving, rs.map((r, i) => ({ op: 'kingress', configDomain: CONFIG_DOMAIN, configNetwork: {}, revision: revisions[i]!.name, route: { metadata: { name: r.name, namespace: r.namespace, labels: r.labels }, spec: { traffic: [{ latestRevision: true, percent: 100 }] } } })));
      const snap = buildSnapshot(parseManifestText(`${variant.name}.yaml`, [
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'config-istio', namespace: 'knative-serving' }, data: variant.data },
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'config-domain', namespace: 'knative-serving' }, data: CONFIG_DOMAIN },
      ].map((d) => stringify(d)).join('---\n')).resources);
      const kn = knativeGatewayConfig(snap);
      assert.equal(kn.status, 'ok', `${variant.name}: kgd reads this config-istio as ${kn.status}`);
      for (const [i, m] of made.entries()) {
        assert.ok(m.ingress, `Serving could not build the KIngress of ${rs[i]!.name}: ${m.error}`);
        // Created as kubectl create would (no last-applied annotation to be copied onto the VirtualServices).
        const { status: _s, ...ing } = m.ingress as KubernetesObject & { status?: unknown };
        const meta = { ...ing.metadata, ownerReferences: undefined, creationTimestamp: undefined };
        await create(kc, { ...ing, apiVersion: 'networking.internal.knative.dev/v1alpha1', kind: 'Ingress', metadata: meta } as KubernetesObject);
      }
      for (const [i, r] of rs.entries()) {
        const ours = knativeObjects(r, kn, knativeDomainConfig(snap), CD).filter((o) => o['kind'] === 'VirtualService');
        const ingName = (made[i]!.ingress!.metadata as { name: string }).name;
        for (const o of ours) {
          const name = (o['metadata'] as { name: string }).name;
          // Wait until the controller's object has this variant's gateways (it re-binds on the config change).
          const theirs = await waitFor(`VirtualService ${r.namespace}/${name} for ${variant.name}\n${controllerLog.slice(-3000)}`, 90, async () => {
            const got = (await kubeRequest(kc, 'GET', await objectPath(names, 'networking.istio.io/v1', 'VirtualService', r.namespace, name))) as { spec: unknown; metadata: { labels?: Record<string, string> } };
            return same(got.spec, o['spec']) ? got : undefined;
          }).catch(async (e: Error) => {
            const got = await kubeRequest(kc, 'GET', await objectPath(names, 'networking.istio.io/v1', 'VirtualService', r.namespace, name)).catch(() => undefined) as { spec: unknown } | undefined;
            diffs.push(`${variant.name}: ${r.namespace}/${name} (KIngress ${ingName}): ${got ? `net-istio ${JSON.stringify(canonical(got.spec))}\n    kgd ${JSON.stringify(canonical(o['spec']))}` : e.message.split('\n')[0]}`);
            return undefined;
          });
          if (theirs) compared++;
        }
      }
      // Nothing kgd does not derive: the VirtualServices net-istio labels with each KIngress are kgd's, by name.
      for (const [i, r] of rs.entries()) {
        const ingName = (made[i]!.ingress!.metadata as { name: string }).name;
        const list = (await kubeRequest(kc, 'GET', `/apis/networking.istio.io/v1/namespaces/${r.namespace}/virtualservices?labelSelector=${encodeURIComponent(`networking.internal.knative.dev/ingress=${ingName}`)}`)) as { items: { metadata: { name: string } }[] };
        const theirs = list.items.map((x) => x.metadata.name).sort();
        const ours = knativeObjects(r, kn, knativeDomainConfig(snap), CD).filter((o) => o['kind'] === 'VirtualService').map((o) => (o['metadata'] as { name: string }).name).sort();
        if (theirs.join(',') !== ours.join(',')) diffs.push(`${variant.name}: KIngress ${r.namespace}/${ingName}: net-istio wrote [${theirs.join(', ')}], kgd derives [${ours.join(', ')}]`);
      }
    }
    t.diagnostic(`${compared} VirtualServices written by net-istio 1.21.1 compared with kgd's`);
    assert.deepEqual(diffs.slice(0, 10), []);
    assert.ok(compared >= VARIANTS.length * routes(0).length, `compared only ${compared}`);
  });
});
