import assert from 'node:assert/strict';
import { describe, it, before } from 'node:test';
import { checkPaths, checkResources } from '../src/check.js';
import { loadSources } from '../src/load/sources.js';
import type { Resource } from '../src/load/resource.js';
import type { CatalogKey, Symptom } from '../src/diagnostics/catalog.js';
import type { Diagnostic } from '../src/diagnostics/diagnostic.js';
import { fromRoot, SHARED } from './helpers/paths.js';

import { added, mutate } from './helpers/mutate.js';
import { routingFindings } from './helpers/findings.js';

const key = (d: Diagnostic) => `${d.code} ${d.resource ?? ''} ${d.message}`;

interface Injection {
  readonly name: string;
  readonly apply: (rs: readonly Resource[]) => Resource[];
  /** Exactly the new findings, by code, with the symptom each must carry. */
  readonly expect: readonly [CatalogKey, Symptom][];
}

function runInjections(label: string, load: () => Promise<readonly Resource[]>, injections: readonly Injection[]): void {
  describe(label, () => {
    let base: readonly Resource[] = [];
    let baseline: Set<string> = new Set();
    before(async () => {
      base = await load();
      baseline = new Set(checkResources(base).diagnostics.map(key));
    });
    for (const inj of injections) {
      it(inj.name, () => {
        const diags = checkResources(inj.apply(base)).diagnostics;
        const now = new Set(diags.map(key));
        const fresh = diags.filter((d) => !baseline.has(key(d)));
        const gone = [...baseline].filter((k) => !now.has(k));
        assert.deepEqual(gone, [], 'a finding of the unmodified input disappeared');
        assert.deepEqual(
          fresh.map((d) => `${d.id} ${d.symptom}`).sort(),
          inj.expect.map(([id, s]) => `${id} ${s}`).sort(),
          `new findings:\n${fresh.map((d) => `  ${d.code} ${d.resource}: ${d.message}`).join('\n')}`,
        );
      });
    }
  });
}

describe('bundled examples', () => {
  it('the broken custom-gateway example gives the findings an expert gives', async () => {
    const r = await checkPaths([fromRoot('examples', 'custom-gateway-broken')]);
    assert.deepEqual(
      routingFindings(r.diagnostics).map((d) => `${d.code} ${d.resource}`),
      [
        'KGD1402 Service istio-system/custom-gateway',
        'KGD1405 Gateway istio-system/custom-gateway',
        'KGD1405 Gateway istio-system/custom-gateway',
        'KGD1201 KnativeServing knative-serving/knative-serving',
        'KGD1404 Service istio-system/knative-local-gateway',
        'KGD1601 NetworkPolicy knative-serving/allow-istio-gateways-to-activator',
        'KGD1305 ConfigMap kserve/inferenceservice-config',
      ],
    );
    // Every finding that a comment in the example announces is there, at that place.
    const expectedLines = routingFindings(r.diagnostics).filter((d) => d.location?.file.endsWith('istio.yaml')).map((d) => d.location!.line);
    assert.deepEqual(expectedLines, [31, 52, 52]);
  });
  it('the fixed twin is clean', async () => {
    const r = await checkPaths([fromRoot('examples', 'custom-gateway-fixed')]);
    assert.deepEqual(routingFindings(r.diagnostics).map(key), []);
    // It says which versions it assumed: the example shows Istio's (its proxy image tag), not Knative's or KServe's.
    const v = r.diagnostics.filter((d) => d.id === 'VersionsAssumed');
    assert.equal(v.length, 1);
    assert.match(v[0]!.message, /Knative Serving .*KServe .*read from the input: Istio /);
  });
  it('the Kubeflow-style example is clean', async () => {
    const r = await checkPaths([fromRoot('examples', 'kubeflow')]);
    assert.deepEqual(routingFindings(r.diagnostics).map(key), []);
  });
  it('the real Kubeflow manifests (shared corpus) give no error', async () => {
    const r = await checkPaths([`${SHARED}/corpus/kubeflow`]);
    assert.deepEqual(r.diagnostics.filter((d) => d.severity === 'error').map(key), []);
    assert.ok(r.resourceCount > 150);
  });
  it('the upstream default pieces alone give no error', async () => {
    const r = await checkPaths([`${SHARED}/corpus/upstream`]);
    assert.deepEqual(r.diagnostics.filter((d) => d.severity === 'error').map(key), []);
  });
});

describe('--assume-defaults', () => {
  it('without it, rules that lack Knative pieces say so; with it, upstream defaults fill in', async () => {
    const path = fromRoot('examples', 'custom-gateway-broken', 'kserve.yaml');
    const plain = await checkPaths([path]);
    assert.ok(plain.diagnostics.some((d) => d.id === 'CheckSkipped'));
    assert.ok(!plain.diagnostics.some((d) => d.id === 'KServeLocalGatewayNotFound'));
    const assumed = await checkPaths([path], { assumeDefaults: true });
    const ids = assumed.diagnostics.map((d) => d.id);
    assert.ok(ids.includes('KServeLocalGatewayNotFound'), ids.join(', '));
    assert.ok(ids.includes('KServeLocalGatewayMismatch'), ids.join(', '));
    const derived = assumed.snapshot.get('Gateway', 'knative-serving', 'knative-local-gateway');
    assert.match(derived?.res.derivedFrom ?? '', /--assume-defaults/);
    // What it filled in is said in the same info finding as a default install's objects, Istio's ingress pods included.
    const said = assumed.diagnostics.find((d) => d.id === 'InputAssumed')?.message ?? '';
    for (const o of ['ConfigMap knative-serving/config-istio', 'Gateway knative-serving/knative-local-gateway', 'Service istio-system/knative-local-gateway', 'Deployment istio-system/istio-ingressgateway']) assert.ok(said.includes(o), `${o} in: ${said}`);
  });
});

const loadKubeflow = async () => (await loadSources([`${SHARED}/corpus/kubeflow`])).resources;
const CM = 'ConfigMap';

runInjections('single mistakes injected into the real Kubeflow manifests', loadKubeflow, [
  { name: 'config-istio gains a local-gateways list next to the legacy key', apply: (rs) => mutate(rs, CM, 'knative-serving', 'config-istio', (o) => { o['data']['local-gateways'] = '- {name: knative-local-gateway, namespace: knative-serving, service: knative-local-gateway.istio-system.svc.cluster.local}\n'; }), expect: [['ConfigIstioMixedFormats', 'not-ready']] },
  { name: 'Kubeflow 1.3 leftover local-gateway.mesh', apply: (rs) => mutate(rs, CM, 'knative-serving', 'config-istio', (o) => { o['data']['local-gateway.knative-serving.knative-local-gateway'] = 'knative-local-gateway.istio-system.svc.cluster.local'; o['data']['local-gateway.mesh'] = 'mesh'; }), expect: [['ConfigIstioStaleMeshKey', 'not-ready']] },
  {
    name: 'config-istio list format with a misspelt service key',
    apply: (rs) => mutate(rs, CM, 'knative-serving', 'config-istio', (o) => {
      o['data'] = { 'external-gateways': '- {name: kubeflow-gateway, namespace: kubeflow, service: istio-ingressgateway.istio-system.svc.cluster.local}\n', 'local-gateways': '- {name: knative-local-gateway, namespace: knative-serving, svc: knative-local-gateway.istio-system.svc.cluster.local}\n' };
    }),
    expect: [['ConfigIstioFieldMissing', 'not-ready']],
  },
  { name: 'config-istio loses its webhook labels', apply: (rs) => mutate(rs, CM, 'knative-serving', 'config-istio', (o) => { delete o['metadata']['labels']; }), expect: [['ConfigIstioNotValidated', 'not-ready']] },
  { name: 'KServe ingress JSON broken', apply: (rs) => mutate(rs, CM, 'kubeflow', 'inferenceservice-config', (o) => { o['data']['ingress'] = (o['data']['ingress'] as string).replace('"ingressGateway"', 'ingressGateway'); }), expect: [['KServeIngressConfigInvalid', 'not-ready']] },
  { name: 'KServe localGateway in the old name.namespace form', apply: (rs) => mutate(rs, CM, 'kubeflow', 'inferenceservice-config', (o) => { o['data']['ingress'] = (o['data']['ingress'] as string).replace('"knative-serving/knative-local-gateway"', '"knative-local-gateway.knative-serving"'); }), expect: [['KServeLocalGatewayLegacyForm', 'degraded']] },
  {
    name: 'KServe localGateway left at the removed cluster-local-gateway',
    apply: (rs) => mutate(rs, CM, 'kubeflow', 'inferenceservice-config', (o) => { o['data']['ingress'] = (o['data']['ingress'] as string).replace('"knative-serving/knative-local-gateway"', '"knative-serving/cluster-local-gateway"'); }),
    expect: [['KServeLocalGatewayNotFound', '404'], ['KServeLocalGatewayMismatch', '404']],
  },
  {
    name: 'KServe localGatewayService pointed at Istio\'s cluster-local-gateway Service (80 → 8080)',
    apply: (rs) => mutate(rs, CM, 'kubeflow', 'inferenceservice-config', (o) => { o['data']['ingress'] = (o['data']['ingress'] as string).replace('"knative-local-gateway.istio-system.svc.cluster.local"', '"cluster-local-gateway.istio-system.svc.cluster.local"'); }),
    expect: [['KServeLocalServiceMismatch', '404'], ['LocalServicePortMismatch', '404']],
  },
  { name: 'KServe localGatewayService in the wrong namespace', apply: (rs) => mutate(rs, CM, 'kubeflow', 'inferenceservice-config', (o) => { o['data']['ingress'] = (o['data']['ingress'] as string).replace('"knative-local-gateway.istio-system.svc.cluster.local"', '"knative-local-gateway.knative-serving.svc.cluster.local"'); }), expect: [['KServeLocalServiceMismatch', '404'], ['KServeLocalServiceNotFound', 'dns']] },
  { name: 'knative-local-gateway Service loses the port-translation label (kubeflow/manifests#2082)', apply: (rs) => mutate(rs, 'Service', 'istio-system', 'knative-local-gateway', (o) => { delete o['metadata']['labels']['experimental.istio.io/disable-gateway-port-translation']; }), expect: [['GatewayPortTranslationAmbiguous', '404']] },
  { name: 'knative-local-gateway Service selects the ingress gateway pods (Kubeflow #1966)', apply: (rs) => mutate(rs, 'Service', 'istio-system', 'knative-local-gateway', (o) => { o['spec']['selector'] = { app: 'istio-ingressgateway', istio: 'ingressgateway' }; }), expect: [['LocalServiceGatewayPodsDiffer', '404']] },
  { name: 'knative-local-gateway Service selects nothing', apply: (rs) => mutate(rs, 'Service', 'istio-system', 'knative-local-gateway', (o) => { o['spec']['selector'] = { app: 'knative-local-gateway' }; }), expect: [['LocalServiceSelectsNoPods', '503']] },
  { name: 'knative-local-gateway Service targets 8080, Istio\'s own listener', apply: (rs) => mutate(rs, 'Service', 'istio-system', 'knative-local-gateway', (o) => { o['spec']['ports'][0]['targetPort'] = 8080; }), expect: [['LocalServicePortMismatch', '404']] },
  { name: 'knative-local-gateway Gateway hosts narrowed to *.online-serving', apply: (rs) => mutate(rs, 'Gateway', 'knative-serving', 'knative-local-gateway', (o) => { o['spec']['servers'][0]['hosts'] = ['*.online-serving']; }), expect: [['GatewayHostsExcludeRoutes', '404']] },
  { name: 'knative-local-gateway Gateway back on the ingress gateway pods', apply: (rs) => mutate(rs, 'Gateway', 'knative-serving', 'knative-local-gateway', (o) => { o['spec']['selector'] = { istio: 'ingressgateway' }; }), expect: [['LocalServiceGatewayPodsDiffer', '404']] },
  { name: 'knative-local-gateway Gateway selects no pods', apply: (rs) => mutate(rs, 'Gateway', 'knative-serving', 'knative-local-gateway', (o) => { o['spec']['selector'] = { istio: 'knative-local-gateway' }; }), expect: [['GatewaySelectsNoWorkload', '503'], ['LocalServiceGatewayPodsDiffer', '404']] },
  { name: 'knative-local-gateway Gateway deleted', apply: (rs) => mutate(rs, 'Gateway', 'knative-serving', 'knative-local-gateway', 'delete'), expect: [['KnativeGatewayNotFound', 'not-ready'], ['KServeLocalGatewayNotFound', '404']] },
  { name: 'activator NetworkPolicy forgets cluster-local-gateway', apply: (rs) => mutate(rs, 'NetworkPolicy', 'knative-serving', 'allow-istio-gateways-to-activator', (o) => { o['spec']['ingress'][0]['from'][0]['podSelector']['matchExpressions'][0]['values'] = ['istio-ingressgateway']; }), expect: [['NetworkPolicyBlocksActivator', '504']] },
  { name: 'the ALLOW policy of cluster-local-gateway removed under global-deny-all', apply: (rs) => mutate(rs, 'AuthorizationPolicy', 'istio-system', 'cluster-local-gateway', 'delete'), expect: [['AuthorizationPolicyDeniesLocalGateway', '403']] },
  {
    name: 'a VirtualService binding the short gateway name from a user namespace',
    apply: (rs) => [...rs, added({ apiVersion: 'networking.istio.io/v1beta1', kind: 'VirtualService', metadata: { name: 'iris', namespace: 'kubeflow-user' }, spec: { hosts: ['iris.kubeflow-user.svc.cluster.local'], gateways: ['knative-local-gateway'], http: [{ route: [{ destination: { host: 'x' } }] }] } })],
    expect: [['VirtualServiceGatewayNotFound', '404']],
  },
  {
    name: 'a VirtualService whose hosts the bound Gateway does not admit',
    apply: (rs) => [
      ...mutate(rs, 'Gateway', 'kubeflow', 'kubeflow-gateway', (o) => { o['spec']['servers'][0]['hosts'] = ['*.example.com']; }),
      added({ apiVersion: 'networking.istio.io/v1beta1', kind: 'VirtualService', metadata: { name: 'iris', namespace: 'kubeflow-user' }, spec: { hosts: ['iris.kubeflow-user.svc.cluster.local'], gateways: ['kubeflow/kubeflow-gateway'], http: [{ route: [{ destination: { host: 'x' } }] }] } }),
    ],
    expect: [['VirtualServiceHostsNotAdmitted', '404']],
  },
]);

const loadFixed = async () => (await loadSources([fromRoot('examples', 'custom-gateway-fixed')])).resources;
const KS = 'KnativeServing';

runInjections('single mistakes injected into the fixed custom-gateway example', loadFixed, [
  { name: 'operator selector override for a custom-named gateway', apply: (rs) => mutate(rs, KS, 'knative-serving', 'knative-serving', (o) => { o['spec']['ingress']['istio']['knative-local-gateway'] = { selector: { app: 'custom-gateway' } }; }), expect: [['OperatorSelectorIgnored', '404']] },
  { name: 'both spec.config.istio and spec.config.config-istio', apply: (rs) => mutate(rs, KS, 'knative-serving', 'knative-serving', (o) => { o['spec']['config']['config-istio'] = { ...o['spec']['config']['istio'] }; }), expect: [['OperatorConfigKeyShadowed', 'degraded']] },
  { name: 'default deny in the InferenceService namespace', apply: (rs) => [...rs, added({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'deny-all', namespace: 'online-serving' }, spec: { podSelector: {}, policyTypes: ['Ingress'] } })], expect: [['NetworkPolicyBlocksPredictor', '504']] },
  { name: 'custom gateway Service in the wrong namespace in config-istio', apply: (rs) => mutate(rs, KS, 'knative-serving', 'knative-serving', (o) => { o['spec']['config']['istio']['local-gateways'] = (o['spec']['config']['istio']['local-gateways'] as string).replace('custom-gateway.istio-system', 'custom-gateway.knative-serving'); }), expect: [['KnativeLocalServiceNotFound', 'dns'], ['KServeLocalServiceMismatch', '404']] },
  { name: 'gateway pods only admit knative-serving callers', apply: (rs) => [...rs, added({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'allow-knative-only', namespace: 'istio-system' }, spec: { podSelector: { matchLabels: { app: 'custom-gateway' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'knative-serving' } } }] }] } })], expect: [['NetworkPolicyBlocksGatewayCallers', '504']] },
]);
