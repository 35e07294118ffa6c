/**
 * The webhook's incremental evaluation (src/webhook/scope.ts, evaluator.ts) against the whole-cluster answer
 * (admission.ts `admit`): on a generated clean cluster of several namespaces, each single change — to one
 * InferenceService's objects, to a namespace's policies, to the platform, across namespaces through a shared
 * host — gets exactly the warnings the whole-cluster check gives, and its scope is as narrow as the module says.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { loadAll } from 'js-yaml';
import { generateCluster } from '../scripts/gen-cluster.js';
import { toResource } from '../src/load/cluster.js';
import type { Resource } from '../src/load/resource.js';
import { admit, type AdmissionRequest, type AdmissionReview } from '../src/webhook/admission.js';
import { Evaluator } from '../src/webhook/evaluator.js';
import { ResourceStore } from '../src/webhook/store.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let cluster: Resource[] = [];

before(() => {
  const docs: string[] = [];
  generateCluster({ isvcs: 24, namespaces: 3, broken: 0 }, (d) => docs.push(d));
  cluster = docs.flatMap((d) => loadAll(d) as Obj[]).map((o) => toResource(o, o['apiVersion'], o['kind']));
});

function objectOf(kind: string, ns: string | undefined, name: string, apiVersion?: string): Obj {
  const r = cluster.find((x) => x.kind === kind && x.name === name && x.namespace === ns && (!apiVersion || x.apiVersion === apiVersion));
  assert.ok(r, `${kind} ${ns}/${name} is in the generated cluster`);
  return structuredClone(r.object) as Obj;
}

function request(operation: AdmissionRequest['operation'], object: Obj, oldObject?: Obj): AdmissionReview {
  const api = String(object['apiVersion']);
  const [group, version] = api.includes('/') ? (api.split('/') as [string, string]) : ['', api];
  const md = object['metadata'] as { name: string; namespace?: string };
  return {
    apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview',
    request: { uid: 'u', kind: { group, version, kind: String(object['kind']) }, operation, namespace: md.namespace, name: md.name, object: operation === 'DELETE' ? null : object, oldObject: oldObject ?? (operation === 'CREATE' ? null : object) },
  };
}

const edit = (o: Obj, f: (o: Obj) => void): Obj => { f(o); return o; };

interface Case { readonly name: string; readonly review: () => AdmissionReview; readonly scope: RegExp; readonly warns: boolean }

const NS = 'team-0001';
const ISVC = 'model-000001';

const cases: Case[] = [
  { name: 'KServe VirtualService to a missing Gateway', scope: /^InferenceService team-0001\/model-000001$/, warns: true,
    review: () => request('UPDATE', edit(objectOf('VirtualService', NS, ISVC), (o) => { o.spec.gateways[0] = 'knative-serving/nope'; })) },
  { name: 'Knative ingress VirtualService off the local gateway', scope: /^InferenceService team-0001\/model-000001$/, warns: true,
    review: () => request('UPDATE', edit(objectOf('VirtualService', NS, `${ISVC}-predictor-ingress`), (o) => { o.spec.gateways = ['kubeflow/kubeflow-gateway']; })) },
  { name: 'InferenceService not ready', scope: /^InferenceService team-0001\/model-000001$/, warns: true,
    review: () => request('UPDATE', edit(objectOf('InferenceService', NS, ISVC), (o) => { o.status.conditions = [{ type: 'Ready', status: 'False', reason: 'RevisionFailed' }]; })) },
  { name: 'harmless annotation on an InferenceService', scope: /^InferenceService team-0001\/model-000001$/, warns: false,
    review: () => request('UPDATE', edit(objectOf('InferenceService', NS, ISVC), (o) => { o.metadata.annotations = { owner: 'ml' }; })) },
  { name: 'kubectl\'s last-applied annotation on a VirtualService (nothing the rules read)', scope: /^unchanged for the rules$/, warns: false,
    review: () => request('UPDATE', edit(objectOf('VirtualService', NS, ISVC), (o) => { o.metadata.annotations = { 'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify(o.spec) }; })) },
  { name: 'a label on the revision\'s Deployment', scope: /^(unchanged for the rules|InferenceService team-0001\/model-000001)$/, warns: false,
    review: () => request('UPDATE', edit(objectOf('Deployment', NS, `${ISVC}-predictor-00001-deployment`), (o) => { o.metadata.labels = { ...(o.metadata.labels ?? {}), tier: 'gold' }; })) },
  { name: 'a timeout on the VirtualService\'s route (not read by the rules)', scope: /^unchanged for the rules$/, warns: false,
    review: () => request('UPDATE', edit(objectOf('VirtualService', NS, ISVC), (o) => { o.spec.http[0].timeout = '31s'; })) },
  // Evaluated (the view changed); no rule says a destination port the Service lacks is wrong (left for a rule issue).
  { name: 'the VirtualService\'s route to another port (read by the rules)', scope: /^InferenceService team-0001\/model-000001$/, warns: false,
    review: () => request('UPDATE', edit(objectOf('VirtualService', NS, ISVC), (o) => { o.spec.http[0].route[0].destination.port = { number: 9999 }; })) },
  { name: 'a new InferenceService', scope: /^InferenceService team-0001\/fresh-model$/, warns: false,
    review: () => request('CREATE', edit(objectOf('InferenceService', NS, ISVC), (o) => { o.metadata.name = 'fresh-model'; delete o.status; })) },
  { name: 'an InferenceService deleted', scope: /^InferenceService team-0001\/model-000001$/, warns: false,
    review: () => request('DELETE', objectOf('InferenceService', NS, ISVC)) },
  { name: 'the revision\'s Service deleted', scope: /^InferenceService team-0001\/model-000001$/, warns: false,
    review: () => request('DELETE', objectOf('Service', NS, `${ISVC}-predictor-00001`)) },
  { name: 'NetworkPolicy that lets nothing in', scope: /^namespace team-0001$/, warns: true,
    review: () => request('UPDATE', edit(objectOf('NetworkPolicy', NS, 'allow-serving'), (o) => { o.spec.ingress = [{ from: [{ podSelector: {} }] }]; })) },
  { name: 'the namespace\'s ALLOW policy deleted (global deny-all)', scope: /^namespace team-0001$/, warns: true,
    review: () => request('DELETE', objectOf('AuthorizationPolicy', NS, 'allow-serving')) },
  { name: 'Namespace label change', scope: /^namespace team-0001$/, warns: false,
    review: () => request('UPDATE', edit(objectOf('Namespace', undefined, NS), (o) => { o.metadata.labels.team = 'a'; })) },
  { name: 'local Gateway selector typo', scope: /^cluster$/, warns: true,
    review: () => request('UPDATE', edit(objectOf('Gateway', 'knative-serving', 'knative-local-gateway'), (o) => { o.spec.selector.istio = 'cluster-local-gatewey'; })) },
  { name: 'config-istio: local gateway renamed', scope: /^cluster$/, warns: true,
    review: () => request('UPDATE', edit(objectOf('ConfigMap', 'knative-serving', 'config-istio'), (o) => { o.data['local-gateway.knative-serving.knative-local-gateway-2'] = 'knative-local-gateway.istio-system.svc.cluster.local'; })) },
  { name: 'KServe localGateway to a missing Gateway', scope: /^cluster$/, warns: true,
    review: () => request('UPDATE', edit(objectOf('ConfigMap', 'kubeflow', 'inferenceservice-config'), (o) => { o.data.ingress = o.data.ingress.replace('knative-serving/knative-local-gateway', 'knative-serving/missing'); })) },
  { name: 'local gateway Service targetPort', scope: /^cluster$/, warns: true,
    review: () => request('UPDATE', edit(objectOf('Service', 'istio-system', 'knative-local-gateway'), (o) => { o.spec.ports[0].targetPort = 9999; })) },
  { name: 'a VirtualService in another namespace claiming this InferenceService\'s host', scope: /^InferenceService team-0002\/model-000002 \(\+1 sharing hosts\)$/, warns: false,
    review: () => request('UPDATE', edit(objectOf('VirtualService', 'team-0002', 'model-000002'), (o) => { o.spec.hosts = [...o.spec.hosts, `${ISVC}.${NS}.svc.cluster.local`]; })) },
  { name: 'a wildcard VirtualService on the local gateway', scope: /^cluster$/, warns: true,
    review: () => request('CREATE', { apiVersion: 'networking.istio.io/v1beta1', kind: 'VirtualService', metadata: { name: 'catch-all', namespace: NS }, spec: { gateways: ['knative-serving/knative-local-gateway'], hosts: ['*'], http: [{ route: [{ destination: { host: 'nothing.team-0001.svc.cluster.local' } }] }] } }) },
  { name: 'a Deployment in a team namespace that the local Gateway selects', scope: /^cluster$/, warns: true,
    review: () => request('CREATE', edit(objectOf('Deployment', 'istio-system', 'cluster-local-gateway'), (o) => { o.metadata.namespace = NS; o.metadata.name = 'rogue'; })) },
];

describe('webhook incremental evaluation', () => {
  for (const c of cases) {
    it(`${c.name}: the scoped answer is the whole-cluster answer`, () => {
      const review = c.review();
      const whole = admit(review, cluster).response!;
      const d = new Evaluator(new ResourceStore(cluster)).decide(review);
      assert.deepEqual({ ...d.review.response, warnings: [...(d.review.response!.warnings ?? [])].sort() }, { ...whole, warnings: [...(whole.warnings ?? [])].sort() });
      assert.match(d.scope ?? '', c.scope);
      assert.equal((whole.warnings?.length ?? 0) > 0, c.warns, `warnings: ${JSON.stringify(whole.warnings)}`);
    });
  }

  it('a unit\'s scope is a small part of the cluster, and the "before" side is checked once per cluster state', () => {
    const store = new ResourceStore(cluster);
    const ev = new Evaluator(store);
    const first = ev.decide(cases[3]!.review());
    assert.ok(first.objects! < cluster.length / 2, `${first.objects} of ${cluster.length}`);
    const again = ev.decide(cases[3]!.review());
    assert.equal(again.outcome, first.outcome);
    // A change to the store invalidates the cached side: a later answer reflects the stored change.
    const broken = edit(objectOf('VirtualService', NS, ISVC), (o) => { o.spec.gateways[0] = 'knative-serving/nope'; });
    store.upsert(toResource(broken, broken['apiVersion'], broken['kind']));
    const repair = ev.decide(request('UPDATE', objectOf('VirtualService', NS, ISVC)));
    assert.equal(repair.outcome, 'allowed');
    const reBreak = ev.decide(request('UPDATE', broken));
    assert.equal(reBreak.outcome, 'allowed', 'the stored broken state is the "before": nothing new');
  });

  it('a change to a shared object over the budget is checked on a spread sample, and says so', () => {
    const review = cases.find((c) => c.name === 'local Gateway selector typo')!.review();
    const whole = admit(review, cluster).response!.warnings!;
    const d = new Evaluator(new ResourceStore(cluster), { budgetMs: 10, sampleUnits: 3 }).decide(review);
    assert.match(d.scope!, /^cluster, sampled: 3 of 24 InferenceServices$/);
    const lines = d.review.response!.warnings!;
    assert.match(lines.at(-1)!, /^kgd checked this change on a sample: 3 of 24 InferenceServices/);
    const findings = lines.slice(0, -1);
    assert.ok(findings.length > 0);
    // Findings (code and resource: a summing-up message counts what it saw) on the shared objects are the whole
    // cluster's; on InferenceServices' objects, a subset of them.
    const head = (w: string) => w.slice(0, w.indexOf(' ('));
    const shared = (ws: readonly string[]) => ws.map(head).filter((w) => !/ team-\d{4}\//.test(w)).sort();
    assert.deepEqual(shared(findings), shared(whole));
    for (const w of findings) assert.ok(whole.map(head).includes(head(w)), w);
    assert.ok(d.objects! < cluster.length / 2, `a sample: ${d.objects} of ${cluster.length} objects`);
  });

  it('answers undecided (admitted, with a warning) before the first sync and over the budget', () => {
    const ev = new Evaluator(new ResourceStore(cluster), { budgetMs: 0.001 });
    const r = ev.decide(cases[0]!.review(), false);
    assert.equal(r.outcome, 'undecided');
    assert.equal(r.review.response!.allowed, true);
    assert.match(r.review.response!.warnings![0]!, /not synced/);
    const over = ev.decide(cases[0]!.review());
    assert.equal(over.outcome, 'undecided');
    assert.match(over.review.response!.warnings![0]!, /over the 0\.001 ms budget/);
  });
});
