/**
 * Versioned behaviour (src/platform/versions.ts): every row on both sides of its boundary, and the effect on
 * what kgd derives and traces. The rows checked by running upstream code at both sides are also in
 * test/upstream.test.ts (net-istio 1.2.0/1.21.1, KServe 0.13.1/0.16.0).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { stringify } from 'yaml';
import { BEHAVIOURS, behaves, NEWEST, type BehaviourId } from '../src/platform/versions.js';
import { parseVersions } from '../src/cli/versions.js';
import { kserveHostRegExp } from '../src/platform/kserve/derive.js';
import { parseConfigIstio } from '../src/platform/knative/config-istio.js';
import { defaultDomain, parseConfigDomain } from '../src/platform/knative/domain.js';
import { kingressRules } from '../src/platform/knative/derive.js';
import { checkResources } from '../src/check.js';
import { kserveIngressConfig } from '../src/platform/kserve/ingress-config.js';
import { parseKServeIngress } from '../src/platform/kserve/ingress-config.js';
import { loadSources } from '../src/load/sources.js';
import { parseManifestText } from '../src/load/parse.js';
import { traceSnapshot } from '../src/trace/index.js';
import { simulate } from '../src/trace/simulate.js';
import { fromRoot } from './helpers/paths.js';

/** One version just before and one at each boundary (since/until), by the row's component. */
const sides: Record<BehaviourId, { before: string; after: string; source: string }> = {
  'net-istio-config-list-format': { before: '1.13.0', after: '1.14.0', source: 'knative-extensions/net-istio#1247' },
  'net-istio-knative-local-gateway-added': { before: '0.17.1', after: '0.18.0', source: 'knative-extensions/net-istio#237' },
  'net-istio-knative-local-gateway-default': { before: '0.18.1', after: '0.19.0', source: 'knative-extensions/net-istio#252' },
  'net-istio-local-service-https-port': { before: '1.13.0', after: '1.14.0', source: 'knative-extensions/net-istio#1228' },
  'net-istio-mesh-gateway-kept': { before: '1.4.0', after: '1.5.0', source: 'knative-extensions/net-istio#915' },
  'net-istio-empty-list-means-none': { before: '1.21.1', after: '1.22.0', source: 'knative-extensions/net-istio#1524' },
  'operator-structured-gateway-namespace': { before: '1.20.0', after: '1.21.0', source: 'knative/operator#2217' },
  'operator-local-service-selector': { before: '1.7.3', after: '1.8.0', source: 'knative/operator#1231' },
  'operator-gateway-override-skipped': { before: '1.9.5', after: '1.10.0', source: 'knative/operator#1628' },
  'serving-default-domain-cluster-local': { before: '1.7.0', after: '1.8.0', source: 'knative/serving#13259' },
  'serving-default-domain-follows-cluster-domain': { before: '1.10.0', after: '1.11.0', source: 'knative/serving#13964' },
  'serving-activator-service-account': { before: '1.10.0', after: '1.11.0', source: 'knative/serving#14133' },
  'net-istio-webhook-object-selector': { before: '1.2.0', after: '1.3.0', source: 'knative-extensions/net-istio#868' },
  'kfserving-local-gateway-hard-coded': { before: '0.4.1', after: '0.5.0', source: 'kserve/kserve#1363' },
  'kserve-host-regexp-exact': { before: '0.13.1', after: '0.14.0', source: 'kserve/kserve#3779' },
  'kserve-ingress-service-required': { before: '0.13.1', after: '0.14.0', source: 'kserve/kserve v0.14.0 configmap.go' },
  'kserve-gateway-api-needs-kserve-gateway': { before: '0.14.1', after: '0.15.0', source: 'kserve/kserve v0.15.0 configmap.go' },
  'kserve-virtualservice-mesh-and-headers': { before: '0.13.1', after: '0.14.0', source: 'kserve/kserve v0.14.0 ingress_reconciler.go' },
  'kserve-predictor-name': { before: '0.19.0', after: '0.20.0', source: 'kserve/kserve v0.20.0 constants.go' },
  'kserve-stop-annotation': { before: '0.14.1', after: '0.15.0', source: 'kserve/kserve v0.15.0 utils.go' },
  'istio-envoyfilter-deprecated-names': { before: '1.18.7', after: '1.19.0', source: 'istio/istio#45675' },
  'kserve-deployment-mode-knative': { before: '0.15.2', after: '0.16.0', source: 'kserve/kserve v0.16.0 utils.go GetDeploymentMode' },
};

describe('versions: every behaviour on both sides of its boundary', () => {
  it('every row of versions.ts has its two sides here', () => assert.deepEqual(Object.keys(sides).sort(), Object.keys(BEHAVIOURS).sort()));
  for (const [id, s] of Object.entries(sides) as [BehaviourId, (typeof sides)[BehaviourId]][]) {
    const b = BEHAVIOURS[id];
    it(`${id} (${s.source}): ${b.component} ${s.before} vs ${s.after}`, () => {
      const present = (v: string) => behaves(id, { [b.component]: v });
      const since = 'since' in b;
      assert.equal(present(s.before), !since, `at ${s.before}`);
      assert.equal(present(s.after), since, `at ${s.after}`);
    });
  }
  it('operator-gateway-override-skipped: its end (1.13.0), its backports (1.10.8, 1.11.12) and the Serving manifests it needs (≥ 1.10)', () => {
    const at = (operator: string, serving = '1.12.0') => behaves('operator-gateway-override-skipped', { operator, serving });
    assert.deepEqual(['1.10.7', '1.10.8', '1.11.11', '1.11.12', '1.12.5', '1.13.0'].map((v) => at(v)), [true, false, true, false, true, false]);
    assert.equal(at('1.11.0', '1.9.0'), false, 'Serving 1.9 manifests still ship v1alpha3 Gateways');
  });
  it('the operator rows change what kgd derives: selector overrides on the Gateway and the Service', () => {
    const ks = 'apiVersion: operator.knative.dev/v1beta1\nkind: KnativeServing\nmetadata: {name: knative-serving, namespace: knative-serving}\nspec: {ingress: {istio: {enabled: true, knative-local-gateway: {selector: {app: custom}}}}}\n';
    const snap = (operator: string) => traceSnapshot(parseManifestText('ks.yaml', ks).resources, { versions: { operator, serving: '1.12.0' } });
    const sel = (operator: string) => [snap(operator).get('Gateway', 'knative-serving', 'knative-local-gateway')?.selector, snap(operator).get('Service', 'istio-system', 'knative-local-gateway')?.selector];
    assert.deepEqual(sel('1.7.0'), [{ app: 'custom' }, { istio: 'ingressgateway' }], 'operator 1.7: Gateway yes, Service no');
    assert.deepEqual(sel('1.11.0'), [{ istio: 'ingressgateway' }, { app: 'custom' }], 'operator 1.11.0: the v1beta1 Gateway is skipped');
    assert.deepEqual(sel('1.11.12'), [{ app: 'custom' }, { app: 'custom' }], 'operator 1.11.12: backport');
    assert.deepEqual(sel('1.13.0'), [{ app: 'custom' }, { app: 'custom' }]);
  });
  it('without a version, the newest', () => {
    assert.equal(behaves('kserve-host-regexp-exact', {}), behaves('kserve-host-regexp-exact', { kserve: NEWEST.kserve }));
    assert.equal(behaves('net-istio-empty-list-means-none', {}), false, 'kgd models net-istio 1.21.1 (Kubeflow) as the newest');
  });
});

describe('versions: their effect', () => {
  it('Serving\'s default domain when config-domain has none: example.com before 1.8, svc.cluster.local until 1.11, then svc.<cluster domain>', () => {
    const route = { name: 'r', namespace: 'ns', labels: {}, annotations: {}, protocol: 'http1' as const };
    const rules = (serving: string, cd: string) => kingressRules(route, parseConfigDomain({}, cd, undefined, false, defaultDomain({ serving }, cd)), cd)!.map((r) => `${r.visibility}:${r.hosts.at(-1)}`);
    assert.deepEqual(rules('1.7.0', 'cluster.local'), ['ClusterLocal:r.ns.svc.cluster.local', 'ExternalIP:r.ns.example.com'], 'before 1.8 every route is also on the ingress');
    assert.deepEqual(rules('1.8.0', 'cluster.local'), ['ClusterLocal:r.ns.svc.cluster.local']);
    assert.deepEqual(rules('1.10.0', 'corp.internal'), ['ClusterLocal:r.ns.svc.corp.internal', 'ExternalIP:r.ns.svc.cluster.local'], '1.8–1.10 on another cluster domain: the literal svc.cluster.local is external');
    assert.deepEqual(rules('1.11.0', 'corp.internal'), ['ClusterLocal:r.ns.svc.corp.internal']);
  });
  it('net-istio\'s default local gateway by release: cluster-local-gateway (< 0.18), both (0.18), knative-local-gateway in istio-system (>= 0.19)', () => {
    const local = (v: string) => parseConfigIstio({}, 'knative-serving', 'cluster.local', v).local.map((e) => `${e.namespace}/${e.name} ${e.service}`);
    assert.deepEqual(local('0.17.1'), ['knative-serving/cluster-local-gateway cluster-local-gateway.istio-system.svc.cluster.local']);
    assert.deepEqual(local('0.18.0'), ['knative-serving/cluster-local-gateway cluster-local-gateway.istio-system.svc.cluster.local', 'knative-serving/knative-local-gateway knative-local-gateway.knative-serving.svc.cluster.local']);
    assert.deepEqual(local('0.19.0'), ['knative-serving/knative-local-gateway knative-local-gateway.istio-system.svc.cluster.local']);
    // A legacy key wins over the code default at every release.
    assert.deepEqual(parseConfigIstio({ 'local-gateway.knative-serving.cluster-local-gateway': 'cluster-local-gateway.istio-system.svc.cluster.local' }, 'knative-serving', 'cluster.local', '0.19.0').local.map((e) => e.name), ['cluster-local-gateway']);
  });
  it('net-istio before 1.3 validates config-istio by its namespace: KGD1111 does not apply', () => {
    const cm = parseManifestText('config-istio.yaml', stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'config-istio', namespace: 'knative-serving' }, data: {} })).resources;
    const codes = (netIstio: string) => checkResources(cm, { versions: { netIstio } }).diagnostics.map((d) => d.code);
    assert.ok(codes('1.3.0').includes('KGD1111'));
    assert.ok(!codes('1.2.0').includes('KGD1111'));
  });
  it('KServe 0.13 matches the short forms of the internal host, 0.14+ only the whole name', () => {
    const re13 = new RegExp(kserveHostRegExp('m.ns.svc.cluster.local', 'cluster.local', '0.13.1'));
    const re16 = new RegExp(kserveHostRegExp('m.ns.svc.cluster.local', 'cluster.local', '0.16.0'));
    for (const h of ['m.ns', 'm.ns.svc', 'm.ns.svc.cluster.local:80']) assert.ok(re13.test(h), h);
    assert.ok(re16.test('m.ns.svc.cluster.local:80'));
    for (const h of ['m.ns', 'm.ns.svc']) assert.ok(!re16.test(h), h);
  });
  it('net-istio before the list format reads only the legacy keys', () => {
    const data = { 'local-gateways': '- {name: a, namespace: b, service: a.b.svc.cluster.local}' };
    assert.equal(parseConfigIstio(data, 'knative-serving', 'cluster.local', '1.13.0').local[0]!.name, 'knative-local-gateway');
    assert.equal(parseConfigIstio(data, 'knative-serving', 'cluster.local', '1.14.0').local[0]!.name, 'a');
  });
  it('KServe before 0.14 needs ingressService', () => {
    const text = JSON.stringify({ ingressGateway: 'a/b', localGateway: 'a/c', localGatewayService: 'c.a.svc.cluster.local' });
    assert.equal(parseKServeIngress(text, '0.13.1').issues.length, 1);
    assert.equal(parseKServeIngress(text, '0.14.0').issues.length, 0);
  });
  it('the example: KServe 0.13 binds its VirtualService to the local gateway only, 0.14+ to mesh too, with the isvc headers', async () => {
    const loaded = await loadSources([fromRoot('examples', 'custom-gateway-fixed')]);
    // KServe 0.13 also requires ingressService.
    const extra = parseManifestText('kserve-013.yaml', stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'inferenceservice-config', namespace: 'kserve' }, data: { ingress: JSON.stringify({ ingressGateway: 'knative-serving/knative-ingress-gateway', ingressService: 'istio-ingressgateway.istio-system.svc.cluster.local', localGateway: 'istio-system/custom-gateway', localGatewayService: 'custom-gateway.istio-system.svc.cluster.local' }) } }));
    const resources = [...loaded.resources.filter((r) => !(r.kind === 'ConfigMap' && r.name === 'inferenceservice-config')), ...extra.resources];
    const vs = (kserve: string) => traceSnapshot(resources, { versions: { kserve } }).get('VirtualService', 'online-serving', 'sklearn-iris')!;
    assert.deepEqual([...vs('0.13.1').gateways], ['istio-system/custom-gateway', 'knative-serving/knative-ingress-gateway']);
    assert.deepEqual([...vs('0.16.0').gateways], ['istio-system/custom-gateway', 'mesh', 'knative-serving/knative-ingress-gateway']);
    const request = { url: 'http://sklearn-iris.online-serving.svc.cluster.local/v1/models/sklearn-iris:predict', from: { namespace: 'online-serving', labels: {}, sidecar: false } };
    for (const kserve of ['0.13.1', '0.16.0']) assert.equal(simulate(traceSnapshot(resources, { versions: { kserve } }), request).outcome, '200', kserve);
  });
});

describe('--versions', () => {
  it('reads component=version pairs, repeated or comma-separated', () => {
    assert.deepEqual(parseVersions(['net-istio=1.21,kserve=0.13', 'knative=1.15']), { netIstio: '1.21.0', kserve: '0.13.0', serving: '1.15.0' });
    assert.deepEqual(parseVersions(['kserve=v0.14.1']), { kserve: '0.14.1' });
  });
  it('refuses what it does not know, naming the item', () => {
    assert.throws(() => parseVersions(['foo=1']), /not "foo=1"/);
    assert.throws(() => parseVersions(['kserve=latest']), /"latest" is not a version/);
    assert.throws(() => parseVersions(['kserve']), /COMPONENT=VERSION/);
  });
});

describe('old API groups are read, not skipped', () => {
  const kfIsvc = { apiVersion: 'serving.kubeflow.org/v1beta1', kind: 'InferenceService', metadata: { name: 'flowers', namespace: 'kubeflow-user' }, spec: { predictor: { tensorflow: { storageUri: 'gs://x' } } } };
  const kfConfig = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'inferenceservice-config', namespace: 'kubeflow' }, data: { ingress: JSON.stringify({ ingressGateway: 'kubeflow/kubeflow-gateway', ingressService: 'istio-ingressgateway.istio-system.svc.cluster.local', localGateway: 'knative-serving/knative-local-gateway', localGatewayService: 'knative-local-gateway.istio-system.svc.cluster.local' }) } };
  const controller = (tag: string) => ({ apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'kfserving-controller-manager', namespace: 'kubeflow' }, spec: { selector: { matchLabels: { 'control-plane': 'kfserving-controller-manager' } }, template: { metadata: { labels: { 'control-plane': 'kfserving-controller-manager' } }, spec: { containers: [{ name: 'manager', image: `gcr.io/kfserving/kfserving-controller:${tag}` }] } } } });
  const text = (...o: object[]) => o.map((x) => stringify(x)).join('---\n');
  it('a serving.kubeflow.org InferenceService is an InferenceService, at KFServing\'s newest release unless the controller image says', () => {
    const r = checkResources(parseManifestText('kf.yaml', text(kfIsvc, kfConfig)).resources);
    assert.deepEqual(r.snapshot.list('InferenceService').map((i) => `${i.namespace}/${i.name}`), ['kubeflow-user/flowers']);
    assert.equal(r.snapshot.versions.kserve, '0.6.1');
    assert.ok(!r.diagnostics.some((d) => d.code === 'KGD0008'), 'not an unknown apiVersion');
    assert.equal(checkResources(parseManifestText('kf.yaml', text(kfIsvc, kfConfig, controller('v0.4.1'))).resources).snapshot.versions.kserve, '0.4.1');
  });
  it('KFServing before 0.5 uses cluster-local-gateway whatever the ingress JSON says (kserve/kserve#1363)', () => {
    const cfg = (tag: string) => kserveIngressConfig(checkResources(parseManifestText('kf.yaml', text(kfIsvc, kfConfig, controller(tag))).resources).snapshot);
    assert.equal(cfg('v0.4.1').localGateway, 'knative-serving/cluster-local-gateway');
    assert.equal(cfg('v0.4.1').localGatewayService, 'cluster-local-gateway.istio-system.svc.cluster.local');
    assert.equal(cfg('v0.5.1').localGateway, 'knative-serving/knative-local-gateway');
  });
  it('a v1alpha1 KnativeServing\'s top-level cluster-local-gateway override is the local gateway override (operator ≤ 1.x)', () => {
    const ks = { apiVersion: 'operator.knative.dev/v1alpha1', kind: 'KnativeServing', metadata: { name: 'knative-serving', namespace: 'knative-serving' }, spec: { 'cluster-local-gateway': { selector: { app: 'cluster-local-gateway' } } } };
    const s = checkResources(parseManifestText('ks.yaml', text(ks)).resources).snapshot;
    assert.deepEqual(s.list('KnativeServing')[0]!.localGatewayOverride?.selector, { app: 'cluster-local-gateway' });
    // v1beta1 has no such field: it is not read there.
    const s2 = checkResources(parseManifestText('ks.yaml', text({ ...ks, apiVersion: 'operator.knative.dev/v1beta1' })).resources).snapshot;
    assert.equal(s2.list('KnativeServing')[0]!.localGatewayOverride, undefined);
  });
});

