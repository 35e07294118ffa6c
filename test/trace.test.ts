import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { checkResources } from '../src/check.js';
import { loadSources } from '../src/load/sources.js';
import type { Resource } from '../src/load/resource.js';
import type { CatalogKey } from '../src/diagnostics/catalog.js';
import { trace, traceAll, traceSnapshot } from '../src/trace/index.js';
import type { Outcome } from '../src/trace/types.js';
import { formatTraceText } from '../src/report/trace.js';
import { added, mutate } from './helpers/mutate.js';
import { assertGolden } from './helpers/golden.js';
import { deployment, docs, gateway, NO_TRANSLATION, service } from './helpers/manifests.js';
import { parseManifestText } from '../src/load/parse.js';
import { ROOT, SHARED } from './helpers/paths.js';

process.chdir(ROOT);

const ISVC = { apiVersion: 'serving.kserve.io/v1beta1', kind: 'InferenceService', metadata: { name: 'sklearn-iris', namespace: 'kubeflow-user' }, spec: { predictor: { sklearn: { storageUri: 'gs://x' } } } };
const NAMESPACE = (name: string, labels: Record<string, string> = {}) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });
const URL_INTERNAL = 'http://sklearn-iris.kubeflow-user.svc.cluster.local/v1/models/sklearn-iris:predict';
const PREDICTOR_URL = 'http://sklearn-iris-predictor.kubeflow-user.svc.cluster.local/v1/models/sklearn-iris:predict';
const setIngress = (rs: readonly Resource[], from: string, to: string) => mutate(rs, 'ConfigMap', 'kubeflow', 'inferenceservice-config', (o) => { o['data']['ingress'] = (o['data']['ingress'] as string).replace(from, to); });

interface Case {
  readonly name: string;
  readonly apply: (rs: readonly Resource[]) => Resource[];
  /** The check finding that predicts the failure. */
  readonly code: CatalogKey;
  readonly url?: string;
  readonly from?: { namespace: string; labels: Record<string, string> };
  readonly outcome: Outcome;
  /** The step of the failing hop. */
  readonly step: string;
}

const cases: Case[] = [
  { name: 'local Service selects no pods', apply: (rs) => mutate(rs, 'Service', 'istio-system', 'knative-local-gateway', (o) => { o['spec']['selector'] = { app: 'nothing' }; }), code: 'LocalServiceSelectsNoPods', outcome: '503', step: 'service' },
  { name: 'local Service targets Istio\'s 8080 listener', apply: (rs) => mutate(rs, 'Service', 'istio-system', 'knative-local-gateway', (o) => { o['spec']['ports'][0]['targetPort'] = 8080; }), code: 'LocalServicePortMismatch', outcome: '404', step: 'virtual-host' },
  { name: 'local Service targets a port nobody listens on', apply: (rs) => mutate(rs, 'Service', 'istio-system', 'knative-local-gateway', (o) => { o['spec']['ports'][0]['targetPort'] = 9999; }), code: 'LocalServicePortMismatch', outcome: '503', step: 'listener' },
  {
    name: 'local Service on other pods that serve another Gateway on that port',
    apply: (rs) => [
      ...mutate(rs, 'Service', 'istio-system', 'knative-local-gateway', (o) => { o['spec']['selector'] = { app: 'istio-ingressgateway', istio: 'ingressgateway' }; }),
      added({ apiVersion: 'networking.istio.io/v1beta1', kind: 'Gateway', metadata: { name: 'other-8081', namespace: 'istio-system' }, spec: { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 8081, name: 'http', protocol: 'HTTP' }, hosts: ['*'] }] } }),
    ],
    code: 'LocalServiceGatewayPodsDiffer', outcome: '404', step: 'virtual-host',
  },
  { name: 'Gateway hosts *.kubeflow-user', apply: (rs) => mutate(rs, 'Gateway', 'knative-serving', 'knative-local-gateway', (o) => { o['spec']['servers'][0]['hosts'] = ['*.kubeflow-user']; }), code: 'GatewayHostsExcludeRoutes', outcome: '404', step: 'virtual-host' },
  { name: 'Gateway selects no pods', apply: (rs) => mutate(rs, 'Gateway', 'knative-serving', 'knative-local-gateway', (o) => { o['spec']['selector'] = { istio: 'nobody' }; }), code: 'GatewaySelectsNoWorkload', outcome: '503', step: 'listener' },
  { name: 'KServe localGateway names a missing Gateway', apply: (rs) => setIngress(rs, '"knative-serving/knative-local-gateway"', '"knative-serving/cluster-local-gateway"'), code: 'KServeLocalGatewayNotFound', outcome: '404', step: 'virtual-host' },
  { name: 'KServe localGateway is another Gateway than Knative\'s', apply: (rs) => setIngress(rs, '"knative-serving/knative-local-gateway"', '"istio-system/cluster-local-gateway"'), code: 'KServeLocalGatewayMismatch', outcome: '404', step: 'virtual-host' },
  { name: 'KServe localGatewayService is Istio\'s cluster-local-gateway Service', apply: (rs) => setIngress(rs, '"knative-local-gateway.istio-system.svc.cluster.local"', '"cluster-local-gateway.istio-system.svc.cluster.local"'), code: 'KServeLocalServiceMismatch', outcome: '404', step: 'virtual-host' },
  { name: 'KServe localGatewayService does not exist', apply: (rs) => setIngress(rs, '"knative-local-gateway.istio-system.svc.cluster.local"', '"knative-local-gateway.knative-serving.svc.cluster.local"'), code: 'KServeLocalServiceNotFound', outcome: 'unresolvable', step: 'dns' },
  {
    name: 'config-istio local service does not exist (direct call to the predictor)',
    apply: (rs) => mutate(rs, 'ConfigMap', 'knative-serving', 'config-istio', (o) => { o['data']['local-gateway.knative-serving.knative-local-gateway'] = 'knative-local-gateway.knative-serving.svc.cluster.local'; }),
    code: 'KnativeLocalServiceNotFound', url: PREDICTOR_URL, outcome: 'unresolvable', step: 'dns',
  },
  {
    name: 'a VirtualService bound to a Gateway that is not there',
    apply: (rs) => [...rs, added({ apiVersion: 'networking.istio.io/v1beta1', kind: 'VirtualService', metadata: { name: 'sklearn-iris', namespace: 'kubeflow-user' }, spec: { hosts: ['sklearn-iris.kubeflow-user.svc.cluster.local'], gateways: ['knative-local-gateway'], http: [{ route: [{ destination: { host: 'knative-local-gateway.istio-system.svc.cluster.local', port: { number: 80 } } }] }] } })],
    code: 'VirtualServiceGatewayNotFound', outcome: '404', step: 'virtual-host',
  },
  {
    name: 'KServe\'s VirtualService (written out) is in a namespace the Gateway server hosts exclude',
    apply: (rs) => [
      ...mutate(rs, 'Gateway', 'knative-serving', 'knative-local-gateway', (o) => { o['spec']['servers'][0]['hosts'] = ['knative-serving/*']; }),
      added({
        apiVersion: 'networking.istio.io/v1beta1', kind: 'VirtualService', metadata: { name: 'sklearn-iris', namespace: 'kubeflow-user' },
        spec: {
          hosts: ['sklearn-iris.kubeflow-user.svc.cluster.local'], gateways: ['knative-serving/knative-local-gateway', 'mesh'],
          http: [{ match: [{ authority: { regex: '^sklearn-iris\\.kubeflow-user(\\.svc(\\.cluster\\.local)?)?(?::\\d{1,5})?$' }, gateways: ['knative-serving/knative-local-gateway', 'mesh'] }], route: [{ destination: { host: 'knative-local-gateway.istio-system.svc.cluster.local', port: { number: 80 } }, weight: 100 }], headers: { request: { set: { Host: 'sklearn-iris-predictor.kubeflow-user.svc.cluster.local' } } } }],
        },
      }),
    ],
    code: 'VirtualServiceHostsNotAdmitted', outcome: '404', step: 'virtual-host',
  },
  { name: 'activator NetworkPolicy forgets the local gateway pods', apply: (rs) => mutate(rs, 'NetworkPolicy', 'knative-serving', 'allow-istio-gateways-to-activator', (o) => { o['spec']['ingress'][0]['from'][0]['podSelector']['matchExpressions'][0]['values'] = ['istio-ingressgateway']; }), code: 'NetworkPolicyBlocksActivator', outcome: '504', step: 'network-policy' },
  { name: 'default deny in the InferenceService namespace', apply: (rs) => [...rs, added({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'deny-all', namespace: 'kubeflow-user' }, spec: { podSelector: {}, policyTypes: ['Ingress'] } })], code: 'NetworkPolicyBlocksPredictor', outcome: '504', step: 'network-policy' },
  {
    name: 'gateway pods only admit knative-serving',
    apply: (rs) => [...rs, added({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'only-knative', namespace: 'istio-system' }, spec: { podSelector: { matchLabels: { app: 'cluster-local-gateway' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'knative-serving' } } }] }] } })],
    code: 'NetworkPolicyBlocksGatewayCallers', outcome: '504', step: 'network-policy',
  },
  { name: 'no ALLOW for the gateway under global-deny-all', apply: (rs) => mutate(rs, 'AuthorizationPolicy', 'istio-system', 'cluster-local-gateway', 'delete'), code: 'AuthorizationPolicyDeniesLocalGateway', outcome: '403', step: 'authorization' },
  {
    name: 'KServe ingressGateway names a Gateway that is not there (external call)',
    apply: (rs) => setIngress(rs, '"kubeflow/kubeflow-gateway"', '"kubeflow/kubeflow-gatway"'),
    code: 'KServeIngressGatewayNotFound', url: 'http://sklearn-iris-kubeflow-user.example.com/v1/models/sklearn-iris:predict', outcome: '404', step: 'virtual-host',
  },
  {
    name: 'the InferenceService namespace injects sidecars: the corpus\'s global-deny-all refuses the activator at the predictor pods',
    apply: (rs) => [...rs.filter((r) => !(r.kind === 'Namespace' && r.name === 'kubeflow-user')), added(NAMESPACE('kubeflow-user', { 'istio-injection': 'enabled' }))],
    code: 'AuthorizationPolicyAllowsNothing', outcome: '403', step: 'authorization',
  },
];

describe('kgd trace', () => {
  let corpus: readonly Resource[] = [];
  before(async () => {
    // The InferenceService namespace is in the input without an injection label: its pods have no sidecar, so the
    // corpus's mesh-wide global-deny-all is not enforced there (see 'Istio security on the corpus' below).
    corpus = [...(await loadSources([`${SHARED}/corpus/kubeflow`])).resources, added(ISVC), added(NAMESPACE('kubeflow-user'))];
  });

  it('the broken example fails at the hop a human names: KServe\'s Service lands on the wrong Gateway (404)', async () => {
    const s = traceSnapshot((await loadSources(['examples/custom-gateway-broken'])).resources);
    const r = trace(s, { url: 'http://sklearn-iris.online-serving.svc.cluster.local/v1/models/sklearn-iris:predict' });
    assert.equal(r.outcome, '404');
    const fail = r.hops.find((h) => h.verdict === 'fail')!;
    assert.equal(fail.step, 'virtual-host');
    assert.match(r.verdict, /VirtualService online-serving\/sklearn-iris on istio-system\/custom-gateway/);
    assertGolden('trace-broken.txt', formatTraceText(r));
  });
  it('a server port two Services translate differently (KGD1406): the trace says which listener kgd took and that the other order changes the outcome', () => {
    const POD = { app: 'cluster-local-gateway', istio: 'cluster-local-gateway' };
    const vs = { apiVersion: 'networking.istio.io/v1beta1', kind: 'VirtualService', metadata: { name: 'h', namespace: 'istio-system' }, spec: { hosts: ['h.example.com'], gateways: ['istio-system/cluster-local-gateway'], http: [{ route: [{ destination: { host: 'cluster-local-gateway.istio-system.svc.cluster.local' } }] }] } };
    const text = docs(deployment('istio-system', 'cluster-local-gateway', POD), gateway('istio-system', 'cluster-local-gateway', POD, [{ port: 80, hosts: ['*'] }]), gateway('knative-serving', 'knative-local-gateway', POD, [{ port: 8081 }]),
      service('istio-system', 'cluster-local-gateway', POD, [{ port: 80, targetPort: 8080 }]), service('istio-system', 'knative-local-gateway', POD, [{ port: 80, targetPort: 8081 }]), vs);
    const s = traceSnapshot(parseManifestText('kf14.yaml', text).resources, { complete: true });
    const r = trace(s, { url: 'http://knative-local-gateway.istio-system.svc.cluster.local/', headers: ['Host: h.example.com'] });
    assert.equal(r.outcome, '404');
    const note = r.hops.find((h) => h.verdict === 'note' && h.summary.startsWith('ambiguous (KGD1406)'));
    assert.ok(note, r.hops.map((h) => h.summary).join('\n'));
    assert.match(note.summary, /kgd took istio-system\/cluster-local-gateway, so the server is on pod port 8080, not this listener/);
    // Without the second Service's translation (Kubeflow's fix, the opt-out label), nothing is ambiguous.
    const fixed = docs(deployment('istio-system', 'cluster-local-gateway', POD), gateway('istio-system', 'cluster-local-gateway', POD, [{ port: 80, hosts: ['*'] }]), gateway('knative-serving', 'knative-local-gateway', POD, [{ port: 8081 }]),
      service('istio-system', 'cluster-local-gateway', POD, [{ port: 80, targetPort: 8080 }]), service('istio-system', 'knative-local-gateway', POD, [{ port: 80, targetPort: 8081 }], NO_TRANSLATION), vs);
    const r2 = trace(traceSnapshot(parseManifestText('kf14.yaml', fixed).resources, { complete: true }), { url: 'http://knative-local-gateway.istio-system.svc.cluster.local/', headers: ['Host: h.example.com'] });
    assert.ok(!r2.hops.some((h) => h.summary.startsWith('ambiguous')));
  });
  it('the fixed twin traces to success, internal and external', async () => {
    const s = traceSnapshot((await loadSources(['examples/custom-gateway-fixed'])).resources);
    const rows = traceAll(s);
    assert.deepEqual(rows.map((r) => `${r.kind} ${r.result.outcome}`), ['internal 200', 'external 200']);
    assertGolden('trace-fixed.txt', formatTraceText(trace(s, { url: rows[0]!.url, from: { namespace: 'online-serving', labels: {}, sidecar: false } })));
    assert.ok(rows.every((r) => r.result.hops.every((h) => h.location === undefined)), '--all leaves file positions out');
  });
  it('the Kubeflow example traces to success', async () => {
    const rows = traceAll(traceSnapshot((await loadSources(['examples/kubeflow'])).resources));
    assert.ok(rows.length >= 2);
    for (const r of rows) assert.equal(r.result.outcome, '200', `${r.url}: ${r.result.verdict}`);
  });
  it('the real Kubeflow corpus traces every InferenceService added to it to success', () => {
    const more = ['a', 'b', 'c'].flatMap((n, i) => [added({ ...ISVC, metadata: { name: `model-${n}`, namespace: `team-${i}` }, spec: i === 2 ? { predictor: {}, transformer: {} } : { predictor: {} } }), added(NAMESPACE(`team-${i}`))]);
    const rows = traceAll(traceSnapshot([...corpus, ...more]));
    assert.equal(rows.length, 8);
    for (const r of rows) assert.equal(r.result.outcome, '200', `${r.url}: ${r.result.verdict}`);
    assert.ok(rows.find((r) => r.isvc === 'team-2/model-c')!.result.hops.some((h) => h.summary.includes('model-c-transformer')));
  });
  it('Istio security on the corpus: its global-deny-all decides only where pods have sidecars (unknown without the Namespace, 403 in a profile-like namespace)', () => {
    const noNs = corpus.filter((r) => !(r.kind === 'Namespace' && r.name === 'kubeflow-user'));
    const unknown = trace(traceSnapshot(noNs), { url: URL_INTERNAL });
    assert.equal(unknown.outcome, 'unknown');
    assert.match(unknown.hops.map((h) => h.summary).join('\n'), /the predictor pods of InferenceService kubeflow-user\/sklearn-iris: could not decide: .*global-deny-all.* — 403 \(rbac_access_denied_matched_policy\[none\]\) if a sidecar runs there/);
    const injected = [...noNs, added(NAMESPACE('kubeflow-user', { 'istio-injection': 'enabled' }))];
    const denied = trace(traceSnapshot(injected), { url: URL_INTERNAL });
    assert.equal(denied.outcome, '403');
    assert.equal(denied.hops.find((h) => h.verdict === 'fail')?.resource, 'AuthorizationPolicy istio-system/global-deny-all');
  });
  it('a caller with a sidecar is routed by the mesh VirtualService first', () => {
    const r = trace(traceSnapshot(corpus), { url: URL_INTERNAL, from: { namespace: 'kubeflow-user', labels: {}, sidecar: true } });
    assert.equal(r.hops[0]!.step, 'sidecar');
    assert.equal(r.outcome, '200');
  });
  it('reports controller-made VirtualServices that are stale', () => {
    const stale = added({ apiVersion: 'networking.istio.io/v1beta1', kind: 'VirtualService', metadata: { name: 'sklearn-iris', namespace: 'kubeflow-user' }, spec: { hosts: ['sklearn-iris.kubeflow-user.svc.cluster.local'], gateways: ['knative-serving/cluster-local-gateway', 'mesh'], http: [{ route: [{ destination: { host: 'knative-local-gateway.istio-system.svc.cluster.local', port: { number: 80 } } }] }] } });
    const r = trace(traceSnapshot([...corpus, stale]), { url: URL_INTERNAL });
    assert.equal(r.outcome, '404');
    assert.equal(r.stale.length, 1);
    assert.match(r.stale[0]!, /VirtualService kubeflow-user\/sklearn-iris: This VirtualService is bound to knative-serving\/cluster-local-gateway, mesh/);
  });
  it('an h2c predictor goes to revision port 81 and activator port 8013, which Kubeflow\'s activator NetworkPolicy (8012 only) drops; system-internal TLS: 443 and 8112', () => {
    const h2c = added({ ...ISVC, spec: { predictor: { model: { modelFormat: { name: 'triton' }, ports: [{ name: 'h2c', containerPort: 9000 }] } } } });
    const withH2c = [...corpus.filter((r) => !(r.kind === 'InferenceService' && r.name === 'sklearn-iris')), h2c];
    const r = trace(traceSnapshot(withH2c), { url: URL_INTERNAL });
    const text = r.hops.map((h) => h.summary).join('\n');
    assert.ok(r.hops.some((h) => /sklearn-iris-predictor-00001\.kubeflow-user\.svc\.cluster\.local:81\b/.test(h.summary)), text);
    assert.equal(r.outcome, '504', r.verdict);
    assert.match(text, /allow-istio-gateways-to-activator drops .* activator:8013/);
    const tls = added({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'config-network', namespace: 'knative-serving' }, data: { 'system-internal-tls': 'Enabled' } });
    const t = trace(traceSnapshot([...corpus.filter((x) => !(x.kind === 'ConfigMap' && x.name === 'config-network')), tls]), { url: URL_INTERNAL });
    const ttext = t.hops.map((h) => h.summary).join('\n');
    assert.ok(t.hops.some((h) => /sklearn-iris-predictor-00001\.kubeflow-user\.svc\.cluster\.local:443\b/.test(h.summary)), ttext);
    assert.match(ttext, /activator:8112/);
    // With the activator policy widened to the h2c port, the h2c predictor is reached (its pods on 8013).
    const widened = mutate(withH2c, 'NetworkPolicy', 'knative-serving', 'allow-istio-gateways-to-activator', (o) => { o['spec']['ingress'][0]['ports'].push({ port: 8013, protocol: 'TCP' }); });
    const ok = trace(traceSnapshot(widened), { url: URL_INTERNAL });
    assert.equal(ok.outcome, '200', ok.verdict);
    assert.ok(ok.hops.some((h) => h.step === 'revision' && h.summary.includes('8013')));
  });
  it('the Knative Service in the input names the revision: its latestReadyRevisionName, not -00001', () => {
    const ksvc = added({ apiVersion: 'serving.knative.dev/v1', kind: 'Service', metadata: { name: 'sklearn-iris-predictor', namespace: 'kubeflow-user' }, spec: { template: { spec: { containers: [{ image: 'x', ports: [{ name: 'h2c', containerPort: 8080 }] }] } } }, status: { latestReadyRevisionName: 'sklearn-iris-predictor-00007' } });
    const r = trace(traceSnapshot([...corpus, ksvc]), { url: URL_INTERNAL });
    assert.ok(r.hops.some((h) => /sklearn-iris-predictor-00007\.kubeflow-user\.svc\.cluster\.local:81\b/.test(h.summary)), r.hops.map((h) => h.summary).join('\n'));
  });
  it('a short name reaches the gateway through DNS, but the Host is matched as sent: 404, with or without a sidecar (Istio\'s alias virtual host)', async () => {
    const s = traceSnapshot((await loadSources(['examples/custom-gateway-fixed'])).resources);
    for (const sidecar of [false, true]) {
      for (const url of ['http://sklearn-iris.online-serving/v1/models/sklearn-iris:predict', 'http://sklearn-iris/v1/models/sklearn-iris:predict']) {
        const r = trace(s, { url, from: { namespace: 'online-serving', labels: {}, sidecar } });
        assert.equal(r.outcome, '404', `${url} sidecar=${sidecar}: ${r.verdict}`);
        assert.match(r.verdict, /short name/);
        assert.match(r.fix ?? '', /sklearn-iris\.online-serving\.svc\.cluster\.local/);
        if (sidecar) assert.match(r.hops[0]!.summary, /routes Host "sklearn-iris(\.online-serving)?" to Service istio-system\/custom-gateway/);
      }
    }
    const full = trace(s, { url: 'http://sklearn-iris.online-serving.svc.cluster.local/v1/models/sklearn-iris:predict', from: { namespace: 'online-serving', labels: {}, sidecar: true } });
    assert.equal(full.outcome, '200', full.verdict);
  });
  it('an unknown name does not resolve', () => {
    const r = trace(traceSnapshot(corpus), { url: 'http://nope.kubeflow-user.svc.cluster.local/' });
    assert.equal(r.outcome, 'unresolvable');
  });

  describe('each check finding that predicts 404/503/504/403 is reproduced by trace at the hop it names', () => {
    for (const c of cases) {
      it(`${c.name}: ${c.code} → ${c.outcome} at ${c.step}`, () => {
        const rs = c.apply(corpus);
        const ids = checkResources(rs).diagnostics.map((d) => d.id);
        assert.ok(ids.includes(c.code), `check did not report ${c.code}: ${ids.join(', ')}`);
        const r = trace(traceSnapshot(rs), { url: c.url ?? URL_INTERNAL, from: { namespace: 'kubeflow-user', labels: {}, sidecar: false } });
        const fail = r.hops.find((h) => h.verdict === 'fail');
        assert.equal(r.outcome, c.outcome, `${r.verdict}\n${r.hops.map((h) => `  ${h.verdict} ${h.step}: ${h.summary}`).join('\n')}`);
        assert.equal(fail?.step, c.step);
      });
    }
  });
});
