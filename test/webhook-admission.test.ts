/**
 * `kgd webhook`'s decision on the whole cluster (src/webhook/admission.ts; the reference the scoped evaluation is tested against):
 * single breaking changes to the fixed example are warned about (or denied with --deny-on), the repairing change and
 * changes that break nothing get no warning, and findings the cluster already had are not repeated.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { loadSources } from '../src/load/sources.js';
import type { Resource } from '../src/load/resource.js';
import { admit, applyRequest, fitWarnings, introducedFindings, type AdmissionRequest, type AdmissionReview } from '../src/webhook/admission.js';
import { fromRoot } from './helpers/paths.js';

let cluster: Resource[] = [];

before(async () => {
  cluster = (await loadSources([fromRoot('examples', 'custom-gateway-fixed')])).resources;
});

/** A copy of the object of `kind` `name`, as the API server would send it. */
function objectOf(kind: string, name: string): Record<string, unknown> {
  const r = cluster.find((x) => x.kind === kind && x.name === name);
  assert.ok(r, `${kind} ${name} is in the example`);
  return structuredClone(r.object) as Record<string, unknown>;
}

function request(operation: AdmissionRequest['operation'], object: Record<string, unknown>, oldObject?: Record<string, unknown>): AdmissionRequest {
  const [group, version] = String(object['apiVersion']).includes('/') ? String(object['apiVersion']).split('/') as [string, string] : ['', String(object['apiVersion'])];
  const md = object['metadata'] as { name: string; namespace?: string };
  return { uid: `uid-${operation}`, kind: { group, version, kind: String(object['kind']) }, operation, namespace: md.namespace, name: md.name, object: operation === 'DELETE' ? null : object, oldObject: oldObject ?? null };
}

const review = (req: AdmissionRequest): AdmissionReview => ({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: req });

/** The Gateway with its selector's value mistyped. */
function typoGateway(): Record<string, unknown> {
  const gw = objectOf('Gateway', 'custom-gateway');
  const spec = gw['spec'] as { selector: Record<string, string> };
  const [k] = Object.keys(spec.selector);
  spec.selector[k!] = `${spec.selector[k!]}-typo`;
  return gw;
}

describe('webhook admission decision', () => {
  it('warns about a Gateway selector typo, with the code, the resource and a fix, and admits it', () => {
    const res = admit(review(request('UPDATE', typoGateway(), objectOf('Gateway', 'custom-gateway'))), cluster).response!;
    assert.equal(res.uid, 'uid-UPDATE');
    assert.equal(res.allowed, true);
    assert.ok(res.warnings && res.warnings.length > 0, 'warnings');
    assert.ok(res.warnings.some((w) => /^kgd KGD\d{4} Gateway istio-system\/custom-gateway \((?:\d{3}|[a-z-]+)\): .* Fix: /.test(w)), res.warnings.join('\n'));
    for (const w of res.warnings) assert.doesNotMatch(w, /\n/);
  });

  it('with --deny-on error the same change is denied (403, the findings listed); a dry run is answered the same', () => {
    const req = { ...request('UPDATE', typoGateway(), objectOf('Gateway', 'custom-gateway')), dryRun: true };
    const res = admit(review(req), cluster, { denyOn: 'error' }).response!;
    assert.equal(res.allowed, false);
    assert.equal(res.status?.code, 403);
    assert.match(res.status!.message, /^kgd: this change introduces \d+ findings? at or above error: kgd KGD/);
  });

  it('the repairing change gets no warning, and neither does a change that breaks nothing', () => {
    const broken = applyRequest(cluster, request('UPDATE', typoGateway()));
    const repair = admit(review(request('UPDATE', objectOf('Gateway', 'custom-gateway'), typoGateway())), broken).response!;
    assert.deepEqual(repair, { uid: 'uid-UPDATE', allowed: true });
    const dep = objectOf('Deployment', 'istio-ingressgateway');
    (dep['metadata'] as Record<string, unknown>)['annotations'] = { 'example.com/owner': 'platform' };
    assert.deepEqual(admit(review(request('UPDATE', dep)), cluster).response, { uid: 'uid-UPDATE', allowed: true });
  });

  it('findings the cluster already has are not repeated: the change to the broken cluster that breaks nothing more is clean', () => {
    const broken = applyRequest(cluster, request('UPDATE', typoGateway()));
    const dep = objectOf('Deployment', 'istio-ingressgateway');
    (dep['metadata'] as Record<string, unknown>)['labels'] = { ...((dep['metadata'] as { labels?: object }).labels ?? {}), team: 'ml' };
    assert.deepEqual(introducedFindings(broken, request('UPDATE', dep)).filter((d) => d.severity !== 'info'), []);
  });

  it('warns about a delete that breaks the path (the local gateway\'s Service), and about KServe\'s localGateway naming a missing Gateway', () => {
    const svc = objectOf('Service', 'custom-gateway');
    const del = admit(review(request('DELETE', svc, svc)), cluster).response!;
    assert.ok(del.warnings?.some((w) => w.includes('custom-gateway')), JSON.stringify(del));
    const cm = objectOf('ConfigMap', 'inferenceservice-config');
    const data = cm['data'] as Record<string, string>;
    const ingress = JSON.parse(data['ingress']!) as Record<string, unknown>;
    data['ingress'] = JSON.stringify({ ...ingress, localGateway: 'istio-system/no-such-gateway' });
    const res = admit(review(request('UPDATE', cm)), cluster).response!;
    assert.ok(res.warnings?.some((w) => w.includes('ConfigMap kserve/inferenceservice-config') || w.includes('no-such-gateway')), JSON.stringify(res));
  });

  it('admits kinds the rules do not read, and CONNECT, without a check', () => {
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'istio-system' }, data: {} };
    assert.deepEqual(admit(review(request('CREATE', secret)), cluster).response, { uid: 'uid-CREATE', allowed: true });
    assert.deepEqual(admit(review({ ...request('CONNECT', objectOf('Service', 'custom-gateway')), uid: 'c' }), cluster).response, { uid: 'c', allowed: true });
  });

  it('a create without a namespace in the object takes the request\'s', () => {
    const gw = typoGateway();
    delete (gw['metadata'] as Record<string, unknown>)['namespace'];
    const req = { ...request('CREATE', gw), namespace: 'istio-system' };
    const after = applyRequest(cluster, req);
    assert.equal(after.length, cluster.length, 'the Gateway is replaced, not added beside');
    assert.equal(after.find((r) => r.kind === 'Gateway' && r.name === 'custom-gateway')?.namespace, 'istio-system');
  });

  it('warnings fit the API server\'s limits (4,096 characters in all, else 256 each): kgd shortens them and counts the rest', () => {
    const short = ['kgd KGD1 a', 'kgd KGD2 b'];
    assert.deepEqual(fitWarnings(short), short);
    const long = Array.from({ length: 30 }, (_, i) => `kgd KGD${1000 + i} ${'x'.repeat(300)}`);
    const fitted = fitWarnings(long);
    assert.equal(fitted.length, 16);
    for (const l of fitted) assert.ok([...l].length <= 256, `${[...l].length}`);
    assert.match(fitted[0]!, /^kgd KGD1000 x+…$/);
    assert.equal(fitted.at(-1), 'kgd: 15 more findings (kgd check --cluster lists them all)');
    const few = fitWarnings(long.slice(0, 14));
    assert.equal(few.length, 14);
    assert.ok(few.every((l) => l.endsWith('…')));
  });
});
