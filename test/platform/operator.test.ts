import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseManifestText } from '../../src/load/parse.js';
import { buildSnapshot } from '../../src/snapshot/build.js';
import { operatorLocalServiceNamespace, parseMinorVersion } from '../../src/platform/knative/operator.js';
import { docs, gateway } from '../helpers/manifests.js';

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
    assert.deepEqual(s.get('Gateway', 'knative-serving', 'knative-local-gateway')?.selector, { app: 'x' });
    assert.deepEqual(s.get('Gateway', 'istio-system', 'custom')?.selector, { istio: 'ingressgateway' });
    assert.deepEqual(s.get('Service', 'istio-system', 'knative-local-gateway')?.selector, { app: 'x' });
  });
  it('does nothing to gateways when istio is disabled', () => {
    const s = snap(ks({ ingress: { kourier: { enabled: true } } }));
    assert.equal(s.get('Gateway', 'knative-serving', 'knative-local-gateway'), undefined);
  });
  it('places the Service by the structured namespace (>= 1.21), the legacy value, or istio-system', () => {
    const ns = (spec: Record<string, unknown>) => operatorLocalServiceNamespace(snap(ks(spec)).list('KnativeServing')[0]!).namespace;
    assert.equal(ns({ config: { istio: { 'local-gateways': '- {name: knative-local-gateway, namespace: gw-ns, service: s.gw-ns.svc.cluster.local}' } } }), 'gw-ns');
    assert.equal(ns({ version: '1.20', config: { istio: { 'local-gateways': '- {name: knative-local-gateway, namespace: gw-ns, service: s.x.svc.cluster.local}' } } }), 'istio-system');
    assert.equal(ns({ config: { istio: { 'local-gateway.knative-serving.knative-local-gateway': 'knative-local-gateway.namespace-1.svc.cluster.local' } } }), 'namespace-1');
    assert.equal(ns({ config: { istio: { 'local-gateway.namespace-1.knative-local-gateway': 'knative-local-gateway.namespace-1.svc.cluster.local' } } }), 'istio-system');
    assert.equal(ns({}), 'istio-system');
  });
  it('reads versions', () => {
    assert.deepEqual(parseMinorVersion('v1.21.3'), [1, 21]);
    assert.equal(parseMinorVersion('latest'), undefined);
  });
});
