/**
 * The real net-istio controller (cmd/controller of knative-extensions/net-istio 1.21.1, built from
 * ../shared/upstream-src) runs against the test kube-apiserver: it is given config-istio and KIngresses that
 * Knative Serving's own MakeIngress built, and the VirtualServices it writes are compared with kgd's derivation
 * of the same Routes. Several config-istio variants are applied in turn to one controller (it re-binds every
 * KIngress on a config change), many KIngresses per variant.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { after, before, describe, it } from 'node:test';
import { KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { kubeRequest } from '../src/load/kube-http.js';
import { objectPath, resourceNames } from '../src/load/cluster.js';
import { loadSources } from '../src/load/sources.js';
import { parseManifestText } from '../src/load/parse.js';
import { buildSnapshot } from '../src/platform/build.js';
import { knativeGatewayConfig } from '../src/platform/knative/effective.js';
import { knativeDomainConfig } from '../src/platform/knative/domain.js';
import { isvcComponentRoute, knativeObjects, revisionProtocol, type RouteInput } from '../src/platform/knative/derive.js';
import { kserveIngressConfig } from '../src/platform/kserve/ingress-config.js';
import { knativeDomainKeys, kserveDerivation } from '../src/platform/kserve/derive.js';
import { findGo, freePort, type TestCluster } from './helpers/cluster.js';
import { clusterWithCrds, create, oracleSkip, requiredInCi, startController, waitFor, type Controller } from './helpers/kube.js';
import { SHARED } from './helpers/paths.js';
import { ask, kserveManager, kserveOracle, netIstioController } from './helpers/upstream.js';
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

/** The container ports of each Route's revision: plain, h2c first (HTTP/2 cleartext), h2c only second (still HTTP/1). */
const CONTAINERS = [[{ name: 'kserve-container', ports: [] }], [{ name: 'kserve-container', ports: [{ name: 'h2c', containerPort: 8080 }] }], [{ name: 'kserve-container', ports: [{ name: 'http1', containerPort: 8080 }, { name: 'h2c', containerPort: 9000 }] }]];

/** Routes per variant: names near 63 characters, visibility labels, selector labels, h2c revisions, a config-domain default. */
function routes(variant: number): { route: RouteInput; containers: (typeof CONTAINERS)[number] }[] {
  const base = ['sklearn-iris-predictor', 'm-transformer', 'a-rather-long-inference-service-name-of-forty-six-predictor', 'x'.repeat(60)];
  const make = (name: string, namespace: string, labels: Record<string, string>, k: number) => {
    const containers = CONTAINERS[k % CONTAINERS.length]!;
    return { route: { name, namespace, labels, annotations: {}, protocol: revisionProtocol(containers.map((c) => c.ports.map((p) => p.name))) }, containers };
  };
  return base.flatMap((name, i) => [
    make(`${name.slice(0, 58)}${variant}`, 'models', { 'serving.knative.dev/service': name }, i + variant),
    make(`v${variant}-${i}-local`, 'models', { 'networking.knative.dev/visibility': 'cluster-local' }, i + variant + 1),
    make(`v${variant}-${i}-ml`, 'team-a', { app: 'ml' }, i + variant + 2),
  ]);
}

const CONFIG_DOMAIN = { 'example.com': '' };

describe('the real net-istio controller against the test API server', () => {
  const go = findGo();
  const skip = oracleSkip('net-istio and the API server');
  if (requiredInCi(skip, 'the controller oracle')) return;
  let cluster: TestCluster | undefined;
  let controller: Controller | undefined;
  let kc: KubeConfig;
  let serving: string;

  before(async () => {
    if (skip) return;
    const bin = netIstioController('1.21.1', go!);
    serving = kserveOracle('0.16.0', go!);
    let objects;
    ({ cluster, kc, objects } = await clusterWithCrds([ISTIO_CRDS, KNATIVE]));
    for (const ns of ['knative-serving', 'models', 'team-a']) await create(kc, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    // Knative's own ConfigMaps as Kubeflow ships them (config-network, config-logging, ...); config-istio is set per variant.
    for (const r of objects.filter((x) => x.kind === 'ConfigMap' && x.namespace === 'knative-serving' && x.name !== 'config-istio')) {
      const { status: _s, ...o } = r.object as Record<string, unknown>;
      await create(kc, o as KubernetesObject);
    }
    await create(kc, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'config-istio', namespace: 'knative-serving' }, data: {} } as KubernetesObject);
    controller = startController(bin, ['--kubeconfig', cluster.kubeconfig], { SYSTEM_NAMESPACE: 'knative-serving', POD_NAME: 'net-istio-controller-test', METRICS_DOMAIN: 'knative.dev/net-istio' }, 20_000);
  }, { timeout: 60 * 60 * 1000 });

  after(async () => {
    await controller?.stop();
    await cluster?.stop();
  });

  it(`${VARIANTS.length} config-istio variants × ${routes(0).length} Routes: the VirtualServices net-istio writes are the ones kgd derives`, { skip, timeout: 20 * 60 * 1000 }, async (t) => {
    const names = resourceNames(kc);
    let compared = 0;
    const diffs: string[] = [];
    for (const [vi, variant] of VARIANTS.entries()) {
      await kubeRequest(kc, 'PUT', await objectPath(names, 'v1', 'ConfigMap', 'knative-serving', 'config-istio'), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'config-istio', namespace: 'knative-serving' }, data: variant.data });
      const withContainers = routes(vi);
      const rs = withContainers.map((x) => x.route);
      const revisions = ask<{ name: string }>(serving, rs.map((r) => ({ op: 'childName', parent: r.name, suffix: '-00001' })));
      const made = ask<{ ingress?: KubernetesObject; error?: string }>(serving, rs.map((r, i) => ({ op: 'kingress', configDomain: CONFIG_DOMAIN, configNetwork: {}, revision: revisions[i]!.name, containers: withContainers[i]!.containers, route: { metadata: { name: r.name, namespace: r.namespace, labels: r.labels }, spec: { traffic: [{ latestRevision: true, percent: 100 }] } } })));
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
          const theirs = await waitFor(`VirtualService ${r.namespace}/${name} for ${variant.name}\n${controller!.log().slice(-3000)}`, 90, async () => {
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

/**
 * The real KServe manager (cmd/manager of github.com/kserve/kserve v0.16.0, Kubeflow's pin) against the test
 * API server. There is no Knative controller: when KServe has created an InferenceService's predictor Knative
 * Service, the test writes that Service's status as Knative Serving would (its URL from Serving's own domain
 * code), and KServe then creates its VirtualService and ExternalName Service, which are compared with kgd's.
 */
describe('the real KServe manager against the test API server', () => {
  const go = findGo();
  const skip = oracleSkip('KServe and the API server');
  if (requiredInCi(skip, 'the controller oracle')) return;
  const KSERVE = join(SHARED, 'corpus', 'kubeflow', 'applications_kserve_kserve.yaml');
  let cluster: TestCluster | undefined;
  let manager: Controller | undefined;
  let kc: KubeConfig;
  let serving: string;
  let tmp: string;

  const ISVCS: { name: string; labels: Record<string, string>; annotations: Record<string, string> }[] = [
    { name: 'sklearn-iris', labels: {}, annotations: {} },
    { name: 'internal-model', labels: { 'networking.knative.dev/visibility': 'cluster-local' }, annotations: {} },
    { name: 'kserve-label-only', labels: { 'networking.kserve.io/visibility': 'cluster-local' }, annotations: {} },
    { name: 'a-rather-long-inference-service-name-of-forty-six', labels: { app: 'ml' }, annotations: {} },
  ];

  before(async () => {
    if (skip) return;
    const bin = kserveManager('0.16.0', go!);
    serving = kserveOracle('0.16.0', go!);
    let objects;
    ({ cluster, kc, objects } = await clusterWithCrds([ISTIO_CRDS, KNATIVE, KSERVE]));
    for (const ns of ['kubeflow', 'knative-serving', 'models']) await create(kc, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    await create(kc, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'config-domain', namespace: 'knative-serving' }, data: CONFIG_DOMAIN } as KubernetesObject);
    // Knative's ConfigMaps as Kubeflow ships them (KServe reads config-autoscaler, config-defaults, ...), and KServe's own.
    const knativeConfig = (x: (typeof objects)[number]) => x.kind === 'ConfigMap' && x.namespace === 'knative-serving' && x.name !== 'config-domain';
    for (const r of objects.filter((x) => knativeConfig(x) || x.kind === 'ClusterServingRuntime' || (x.kind === 'ConfigMap' && x.name === 'inferenceservice-config'))) {
      const { status: _s, ...o } = r.object as Record<string, unknown>;
      await create(kc, o as KubernetesObject);
    }
    // KServe's webhook server always starts and reads its certificate from $TMPDIR/k8s-webhook-server/serving-certs.
    tmp = mkdtempSync(join(tmpdir(), 'kgd-kserve-'));
    const certs = join(tmp, 'k8s-webhook-server', 'serving-certs');
    mkdirSync(certs, { recursive: true });
    const ssl = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(certs, 'tls.key'), '-out', join(certs, 'tls.crt'), '-days', '1', '-subj', '/CN=localhost'], { encoding: 'utf8' });
    assert.equal(ssl.status, 0, ssl.stderr);
    const [metrics, health, webhook] = [await freePort(), await freePort(), await freePort()];
    manager = startController(bin, ['--kubeconfig', cluster.kubeconfig, `--metrics-addr=127.0.0.1:${metrics}`, `--health-probe-addr=127.0.0.1:${health}`, `--webhook-port=${webhook}`], { POD_NAMESPACE: 'kubeflow', TMPDIR: tmp }, 400_000);
  }, { timeout: 60 * 60 * 1000 });

  after(async () => {
    await manager?.stop();
    if (manager?.log()) writeFileSync(join(tmpdir(), 'kgd-kserve-manager.log'), manager.log());
    await cluster?.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it(`${ISVCS.length} InferenceServices: the VirtualService and Service KServe creates are the ones kgd derives`, { skip, timeout: 10 * 60 * 1000 }, async (t) => {
    const names = resourceNames(kc);
    for (const i of ISVCS) {
      await create(kc, { apiVersion: 'serving.kserve.io/v1beta1', kind: 'InferenceService', metadata: { name: i.name, namespace: 'models', labels: i.labels, annotations: i.annotations }, spec: { predictor: { model: { modelFormat: { name: 'sklearn' }, storageUri: 'gs://kfserving-examples/models/sklearn/1.0/model' } } } } as KubernetesObject);
    }
    const corpus = (await loadSources([KSERVE])).resources.find((r) => r.kind === 'ConfigMap' && r.name === 'inferenceservice-config')!;
    const docs = [
      { ...(corpus.object as Record<string, unknown>), metadata: { name: 'inferenceservice-config', namespace: 'kubeflow' } },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'config-domain', namespace: 'knative-serving' }, data: CONFIG_DOMAIN },
      ...ISVCS.map((i) => ({ apiVersion: 'serving.kserve.io/v1beta1', kind: 'InferenceService', metadata: { name: i.name, namespace: 'models', labels: i.labels, annotations: i.annotations }, spec: { predictor: { model: { modelFormat: { name: 'sklearn' } } } } })),
    ];
    const snap = buildSnapshot(parseManifestText('kserve.yaml', docs.map((d) => stringify(d)).join('---\n')).resources);
    const cfg = kserveIngressConfig(snap);
    assert.equal(cfg.status, 'ok', JSON.stringify(cfg.issues));
    const diffs: string[] = [];
    let compared = 0;
    for (const i of snap.list('InferenceService')) {
      const ksvcName = `${i.name}-predictor`;
      const ksvcPath = await objectPath(names, 'serving.knative.dev/v1', 'Service', 'models', ksvcName);
      const ksvc = await waitFor(`Knative Service models/${ksvcName} from KServe (its log: ${join(tmpdir(), 'kgd-kserve-manager.log')})`, 60, async () => (await kubeRequest(kc, 'GET', ksvcPath)) as { metadata: { generation: number; labels?: Record<string, string> } });
      const route = isvcComponentRoute(i, 'predictor');
      const [domain] = ask<{ domain?: string; error?: string }>(serving, [{ op: 'domain', configDomain: CONFIG_DOMAIN, configNetwork: {}, meta: { name: ksvcName, namespace: 'models', labels: ksvc.metadata.labels ?? {} } }]);
      assert.ok(domain!.domain, domain!.error);
      // kgd's belief about the labels of KServe's Knative Service is part of what is checked.
      const labelDomain = ask<{ domain?: string }>(serving, [{ op: 'domain', configDomain: CONFIG_DOMAIN, configNetwork: {}, meta: { name: route.name, namespace: route.namespace, labels: route.labels } }])[0]!.domain;
      if (labelDomain !== domain!.domain) diffs.push(`${i.name}: KServe's Knative Service labels ${JSON.stringify(ksvc.metadata.labels)} give ${domain!.domain}; kgd's assumed labels give ${labelDomain}`);
      const rev = `${ksvcName}-00001`;
      const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
      const cond = (type: string) => ({ type, status: 'True', lastTransitionTime: now });
      await kubeRequest(kc, 'PATCH', `${ksvcPath}/status`, { status: { observedGeneration: ksvc.metadata.generation, url: `http://${domain!.domain}`, address: { url: `http://${ksvcName}.models.svc.cluster.local` }, latestCreatedRevisionName: rev, latestReadyRevisionName: rev, traffic: [{ revisionName: rev, latestRevision: true, percent: 100 }], conditions: [cond('ConfigurationsReady'), cond('Ready'), cond('RoutesReady')] } }, 'application/merge-patch+json');
      const ours = kserveDerivation(i, cfg, knativeDomainConfig(snap), knativeDomainKeys(snap), CD);
      const ourVs = ours.objects.find((o) => o['kind'] === 'VirtualService') as { spec: unknown } | undefined;
      const ourSvc = ours.objects.find((o) => o['kind'] === 'Service') as { spec: { externalName: string } } | undefined;
      const vsPath = await objectPath(names, 'networking.istio.io/v1', 'VirtualService', 'models', i.name);
      const theirVs = await waitFor(`VirtualService models/${i.name} from KServe\n${manager!.log().slice(-3000)}`, 90, async () => (await kubeRequest(kc, 'GET', vsPath)) as { spec: unknown }).catch(() => undefined);
      if (!theirVs !== !ourVs) diffs.push(`${i.name}: KServe ${theirVs ? 'created' : 'did not create'} a VirtualService; kgd ${ourVs ? 'derives one' : `derives none (${ours.note})`}`);
      else if (theirVs && ourVs && !same(theirVs.spec, ourVs.spec)) diffs.push(`${i.name}: KServe ${JSON.stringify(canonical(theirVs.spec))}\n    kgd ${JSON.stringify(canonical(ourVs.spec))}`);
      const theirSvc = (await kubeRequest(kc, 'GET', await objectPath(names, 'v1', 'Service', 'models', i.name)).catch(() => undefined)) as { spec: { externalName?: string } } | undefined;
      if ((theirSvc?.spec.externalName ?? '') !== (ourSvc?.spec.externalName ?? '')) diffs.push(`${i.name}: KServe's Service points at "${theirSvc?.spec.externalName ?? '(none)'}", kgd's at "${ourSvc?.spec.externalName ?? '(none)'}"`);
      compared++;
    }
    t.diagnostic(`${compared} InferenceServices reconciled by KServe 0.16.0 compared with kgd`);
    assert.deepEqual(diffs, []);
  });
});
