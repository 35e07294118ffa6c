import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseManifestText } from '../../src/load/parse.js';
import { buildSnapshot } from '../../src/platform/build.js';
import { checkResources } from '../../src/check.js';
import { operatorLocalServiceNamespace } from '../../src/platform/knative/operator.js';
import { LAST_APPLIED_ANNOTATION } from '../../src/platform/k8s/apply.js';
import { docs, gateway } from '../helpers/manifests.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkPaths } from '../../src/check.js';
import { COMPLETE_MARK, DUMP_HEADER } from '../../src/load/dump-marker.js';

const ks = (spec: Record<string, unknown>) => ({ apiVersion: 'operator.knative.dev/v1beta1', kind: 'KnativeServing', metadata: { name: 'knative-serving', namespace: 'knative-serving' }, spec });
const snap = (...o: Record<string, unknown>[]) => buildSnapshot(parseManifestText('t.yaml', docs(...o)).resources);

describe('Knative operator behaviour', () => {
  it('installs the shipped Gateways and Service when absent', () => {
    const s = snap(ks({}));
    assert.ok(s.get('Gateway', 'knative-serving', 'knative-local-gateway')?.res.derivedFrom);
    assert.ok(s.get('Gateway', 'knative-serving', 'knative-ingress-gateway'));
    const svc = s.get('Service', 'istio-system', 'knative-local-gateway');
    assert.deepEqual(svc?.selector, { istio: 'ingressgateway' });
    assert.deepEqual(svc?.ports.map((p) => `${p.port}:${p.targetPort}`), ['80:8081', '443:8444']);
  });
  it('rewrites the selector of the default-named Gateway and Service only', () => {
    const s = snap(ks({ ingress: { istio: { enabled: true, 'knative-local-gateway': { selector: { app: 'x' } } } } }), gateway('knative-serving', 'knative-local-gateway', { istio: 'ingressgateway' }), gateway('istio-system', 'custom', { istio: 'ingressgateway' }));
    // A manifest file is taken as applied with kubectl apply: its own selector is the last-applied one and goes.
    assert.deepEqual(s.get('Gateway', 'knative-serving', 'knative-local-gateway')?.selector, { app: 'x' });
    assert.deepEqual(snap(ks({ ingress: { istio: { enabled: true, 'knative-local-gateway': { selector: { app: 'x' } } } } })).get('Gateway', 'knative-serving', 'knative-local-gateway')?.selector, { app: 'x' });
    assert.deepEqual(s.get('Gateway', 'istio-system', 'custom')?.selector, { istio: 'ingressgateway' });
    assert.deepEqual(s.get('Service', 'istio-system', 'knative-local-gateway')?.selector, { app: 'x' });
  });
  it('does nothing to gateways when istio is disabled', () => {
    const s = snap(ks({ ingress: { kourier: { enabled: true } } }));
    assert.equal(s.get('Gateway', 'knative-serving', 'knative-local-gateway'), undefined);
  });
  it('places the Service by the structured namespace (operator >= 1.21), the legacy value, or istio-system', () => {
    const ns = (spec: Record<string, unknown>, operator?: string) => operatorLocalServiceNamespace(snap(ks(spec)).list('KnativeServing')[0]!, operator ? { operator } : undefined);
    assert.equal(ns({ config: { istio: { 'local-gateways': '- {name: knative-local-gateway, namespace: gw-ns, service: s.gw-ns.svc.cluster.local}' } } }), 'gw-ns');
    assert.equal(ns({ config: { istio: { 'local-gateways': '- {name: knative-local-gateway, namespace: gw-ns, service: s.x.svc.cluster.local}' } } }, '1.20.0'), 'istio-system');
    // sigs.k8s.io/yaml: case-insensitive keys; a list that does not decode is skipped.
    assert.equal(ns({ config: { istio: { 'local-gateways': '- {Name: knative-local-gateway, NAMESPACE: gw-ns}' } } }), 'gw-ns');
    assert.equal(ns({ config: { istio: { 'local-gateways': '- {name: knative-local-gateway, namespace: [x]}' } } }), 'istio-system');
    // Both keys are read, `istio` first: `config-istio` wins only when it names a namespace itself.
    assert.equal(ns({ config: { istio: { 'local-gateways': '- {name: knative-local-gateway, namespace: a}' }, 'config-istio': { x: 'y' } } }), 'a');
    assert.equal(ns({ config: { istio: { 'local-gateways': '- {name: knative-local-gateway, namespace: a}' }, 'config-istio': { 'local-gateways': '- {name: knative-local-gateway, namespace: b}' } } }), 'b');
    assert.equal(ns({ config: { istio: { 'local-gateway.knative-serving.knative-local-gateway': 'knative-local-gateway.namespace-1.svc.cluster.local' } } }), 'namespace-1');
    assert.equal(ns({ config: { istio: { 'local-gateway.namespace-1.knative-local-gateway': 'knative-local-gateway.namespace-1.svc.cluster.local' } } }), 'istio-system');
    assert.equal(ns({}), 'istio-system');
  });
  it('applies over a Gateway already there as manifestival merges: servers replaced, selector keys it does not set kept', () => {
    // Read from an API server (resourceVersion) without a last-applied configuration: created, not applied.
    const g0 = gateway('knative-serving', 'knative-local-gateway', { app: 'mine' });
    const mine = { ...g0, metadata: { ...(g0['metadata'] as object), resourceVersion: '42' } };
    const s = snap(ks({}), mine);
    const g = s.get('Gateway', 'knative-serving', 'knative-local-gateway')!;
    assert.deepEqual(g.selector, { app: 'mine', istio: 'ingressgateway' });
    assert.deepEqual(g.servers.map((x) => x.portNumber), [8081]);
    // Keys of the last applied configuration that the operator does not set are removed.
    const applied = { ...mine, metadata: { ...(mine['metadata'] as object), annotations: { [LAST_APPLIED_ANNOTATION]: JSON.stringify({ spec: { selector: { app: 'mine' } } }) } } };
    assert.deepEqual(snap(ks({}), applied).get('Gateway', 'knative-serving', 'knative-local-gateway')!.selector, { istio: 'ingressgateway' });
  });
  it('replaces the servers with spec.ingress.istio.<gateway>.servers', () => {
    const s = snap(ks({ ingress: { istio: { enabled: true, 'knative-local-gateway': { servers: [{ port: { number: 8082, name: 'http', protocol: 'HTTP', extra: 1 }, hosts: ['*'] }] } } } }));
    const g = s.get('Gateway', 'knative-serving', 'knative-local-gateway')!;
    assert.deepEqual(g.servers.map((x) => x.portNumber), [8082]);
    assert.deepEqual(g.selector, { istio: 'ingressgateway' });
  });
});

describe('fixes name the KnativeServing field when the operator owns the object', () => {
  const pods = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'gw', namespace: 'istio-system' }, spec: { selector: { matchLabels: { app: 'gw' } }, template: { metadata: { labels: { app: 'gw' } }, spec: { containers: [{ name: 'istio-proxy', image: 'auto' }] } } } };
  const run = (operator: string) => checkResources(parseManifestText('t.yaml', docs(ks({ ingress: { istio: { enabled: true, 'knative-local-gateway': { selector: { app: 'custom' } } } } }), pods)).resources, { complete: true, versions: { operator, serving: '1.12.0' } }).diagnostics;
  it('KGD1401 on the operator\'s Gateway points at spec.ingress.istio.knative-local-gateway.selector, with the KnativeServing as a related location', () => {
    const d = run('1.13.0').find((x) => x.code === 'KGD1401' && x.resource === 'Gateway knative-serving/knative-local-gateway')!;
    assert.ok(d, 'KGD1401 on the local Gateway');
    assert.match(d.fix, /rewrites Gateway knative-serving\/knative-local-gateway on every reconcile: set spec\.ingress\.istio\.knative-local-gateway\.selector in KnativeServing knative-serving\/knative-serving/);
    assert.ok(d.related.some((r) => r.resource === 'KnativeServing knative-serving/knative-serving'));
  });
  it('an operator that skips the override says to upgrade it (1.11.0), one that does not apply it to the Service likewise (1.7.0)', () => {
    assert.match(run('1.11.0').find((x) => x.code === 'KGD1401' && x.resource === 'Gateway knative-serving/knative-local-gateway')!.fix, /skips .* upgrade it to 1\.13/);
    const svc = run('1.7.0').find((x) => x.code === 'KGD1402' && x.resource === 'Service istio-system/knative-local-gateway');
    assert.ok(svc, run('1.7.0').map((x) => `${x.code} ${x.resource}`).join('\n'));
    assert.match(svc.fix, /does not apply spec\.ingress\.istio\.knative-local-gateway\.selector to it .* upgrade the operator to 1\.8/);
    assert.equal(svc.repair, undefined, 'no repair on an object the operator rewrites');
  });
  it('KGD1403 when operator 1.7 leaves the Service on istio: ingressgateway while the Gateway follows the KnativeServing: the fix is to upgrade, then the KnativeServing field', () => {
    const ingress = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'istio-ingressgateway', namespace: 'istio-system' }, spec: { selector: { matchLabels: { istio: 'ingressgateway' } }, template: { metadata: { labels: { istio: 'ingressgateway' } }, spec: { containers: [{ name: 'istio-proxy', image: 'auto' }] } } } };
    const custom = { ...pods, spec: { selector: { matchLabels: { app: 'custom' } }, template: { metadata: { labels: { app: 'custom' } }, spec: { containers: [{ name: 'istio-proxy', image: 'auto' }] } } } };
    const diags = (operator: string) => checkResources(parseManifestText('t.yaml', docs(ks({ ingress: { istio: { enabled: true, 'knative-local-gateway': { selector: { app: 'custom' } } } } }), ingress, custom)).resources, { complete: true, versions: { operator, serving: '1.7.0' } }).diagnostics;
    const d = diags('1.7.0').find((x) => x.code === 'KGD1403');
    assert.ok(d, diags('1.7.0').map((x) => `${x.code} ${x.resource}`).join('\n'));
    assert.equal(d.resource, 'Service istio-system/knative-local-gateway');
    assert.match(d.fix, /does not apply spec\.ingress\.istio\.knative-local-gateway\.selector to it .* upgrade the operator to 1\.8.*to app=custom/);
    assert.equal(d.repair, undefined);
    assert.ok(!diags('1.8.0').some((x) => x.code === 'KGD1403'), 'operator 1.8 applies the selector to the Service too');
  });
  it('a kgd dump with the operator\'s real objects and an old spec.version: the selector the operator really left is checked, and the fix is on the KnativeServing field', async () => {
    const owner = [{ apiVersion: 'operator.knative.dev/v1beta1', kind: 'KnativeServing', name: 'knative-serving', uid: 'u1', controller: true }];
    const live = (o: Record<string, unknown>) => ({ ...o, metadata: { ...(o['metadata'] as object), resourceVersion: '101', ownerReferences: owner } });
    const custom = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'custom-gateway', namespace: 'istio-system', resourceVersion: '5' }, spec: { selector: { matchLabels: { app: 'custom-gateway' } }, template: { metadata: { labels: { app: 'custom-gateway' } }, spec: { containers: [{ name: 'istio-proxy', image: 'docker.io/istio/proxyv2:1.20.3' }] } } } };
    const ingress = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'istio-ingressgateway', namespace: 'istio-system', resourceVersion: '6' }, spec: { selector: { matchLabels: { istio: 'ingressgateway' } }, template: { metadata: { labels: { istio: 'ingressgateway' } }, spec: { containers: [{ name: 'istio-proxy', image: 'docker.io/istio/proxyv2:1.20.3' }] } } } };
    // Operator 1.11 (KnativeServing spec.version 1.11.0): the Service got the override, the v1beta1 Gateways did not.
    const objects = [
      { ...ks({ version: '1.11.0', ingress: { istio: { enabled: true, 'knative-local-gateway': { selector: { app: 'custom-gateway' } } } } }), status: { version: '1.11.0' } },
      live(gateway('knative-serving', 'knative-local-gateway', { istio: 'ingressgateway' })),
      live(gateway('knative-serving', 'knative-ingress-gateway', { istio: 'ingressgateway' }, [{ port: 8080 }])),
      live({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'knative-local-gateway', namespace: 'istio-system' }, spec: { selector: { app: 'custom-gateway' }, ports: [{ name: 'http2', port: 80, targetPort: 8081 }] } }),
      custom, ingress,
    ];
    const dir = mkdtempSync(join(tmpdir(), 'kgd-dump-'));
    const file = join(dir, 'cluster.yaml');
    writeFileSync(file, `${DUMP_HEADER} test-cluster ${COMPLETE_MARK}\n${docs(...objects)}`);
    const r = await checkPaths([file]);
    assert.ok(r.snapshot.complete, 'a complete dump');
    assert.deepEqual(r.snapshot.get('Gateway', 'knative-serving', 'knative-local-gateway')!.selector, { istio: 'ingressgateway' }, 'the real selector, not the one kgd would predict');
    const differs = r.diagnostics.find((d) => d.code === 'KGD1204');
    assert.ok(differs, r.diagnostics.map((d) => `${d.code} ${d.resource}`).join('\n'));
    assert.equal(differs.resource, 'Gateway knative-serving/knative-local-gateway');
    assert.match(differs.message, /operators 1\.11, 1\.12 .* skip spec\.ingress\.istio\.knative-local-gateway\.selector/);
    assert.match(differs.fix, /Upgrade the Knative operator to 1\.13/);
    // The Service reaches the custom pods, the Gateway the ingress pods: KGD1403, fixed through the KnativeServing.
    const pods = r.diagnostics.find((d) => d.code === 'KGD1403');
    assert.ok(pods, r.diagnostics.map((d) => `${d.code} ${d.resource}`).join('\n'));
    assert.match(pods.fix, /already asks for app=custom-gateway \(spec\.ingress\.istio\.knative-local-gateway\.selector\), but the operator has not applied it to Gateway knative-serving\/knative-local-gateway/);
    assert.ok(pods.related.some((x) => x.resource === 'KnativeServing knative-serving/knative-serving'));
    assert.equal(pods.repair, undefined);
  });
});
