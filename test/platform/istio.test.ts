import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveGatewayRef } from '../../src/platform/istio/gateway-ref.js';
import { hostMatches, hostsIntersect, parseServerHost, serverHostAdmits } from '../../src/platform/istio/hosts.js';
import { listenersFor } from '../../src/platform/istio/listeners.js';
import { parseManifestText } from '../../src/load/parse.js';
import { buildSnapshot } from '../../src/platform/build.js';
import { deployment, docs, gateway, NO_TRANSLATION, service } from '../helpers/manifests.js';

describe('Istio gateway references', () => {
  const cases: [string, string, string][] = [
    ['ns/name', 'vs', 'ns/name'],
    ['./name', 'vs', 'vs/name'],
    ['name', 'vs', 'vs/name'],
    ['name.ns', 'vs', 'ns/name'],
    ['name.ns.svc.cluster.local', 'vs', 'ns/name'],
  ];
  for (const [ref, ns, want] of cases) it(`${ref} in ${ns} → ${want}`, () => {
    const r = resolveGatewayRef(ref, ns);
    assert.equal(`${r.namespace}/${r.name}`, want);
  });
});

describe('Istio host matching', () => {
  it('wildcards match any number of labels', () => {
    assert.ok(hostMatches('*.svc.cluster.local', 'a.b.svc.cluster.local'));
    assert.ok(hostMatches('*', 'anything'));
    assert.ok(!hostMatches('*.online-serving', 'x.online-serving.svc.cluster.local'));
    assert.ok(!hostMatches('*.example.com', 'example.com'));
    assert.ok(hostMatches('A.B', 'a.b'));
  });
  it('two patterns intersect when some host matches both', () => {
    assert.ok(hostsIntersect('*.example.com', '*.b.example.com'));
    assert.ok(!hostsIntersect('*.online-serving', '*.svc.cluster.local'));
  });
  it('server hosts carry a namespace part', () => {
    assert.ok(serverHostAdmits(parseServerHost('models/*', 'gw'), 'a.models.svc', 'models'));
    assert.ok(!serverHostAdmits(parseServerHost('models/*', 'gw'), 'a.models.svc', 'other'));
    assert.ok(serverHostAdmits(parseServerHost('./*', 'gw'), 'x', 'gw'));
    assert.ok(!serverHostAdmits(parseServerHost('~/*', 'gw'), 'x', 'gw'));
  });
});

describe('Istio gateway port translation (legacy selector mode)', () => {
  const POD = { app: 'gw' };
  const listeners = (...objs: Record<string, unknown>[]) => {
    const s = buildSnapshot(parseManifestText('t.yaml', docs(deployment('istio-system', 'gw', POD, [{ name: 'http', containerPort: 8080 }]), ...objs)).resources);
    const l = listenersFor(s, s.list('Workload')[0]!);
    return { ports: [...l.byPort.keys()].sort((a, b) => a - b), l };
  };
  it('no Service: the server port is used as is', () => assert.deepEqual(listeners(gateway('a', 'g', POD, [{ port: 8081 }])).ports, [8081]));
  it('a Service exposing the server port moves it to the targetPort', () => assert.deepEqual(listeners(gateway('a', 'g', POD, [{ port: 80 }]), service('istio-system', 's', POD, [{ port: 80, targetPort: 8080 }])).ports, [8080]));
  it('named targetPorts resolve through the container ports', () => assert.deepEqual(listeners(gateway('a', 'g', POD, [{ port: 80 }]), service('istio-system', 's', POD, [{ port: 80, targetPort: 'http' }])).ports, [8080]));
  it('the opt-out label keeps the number', () => assert.deepEqual(listeners(gateway('a', 'g', POD, [{ port: 80 }]), service('istio-system', 's', POD, [{ port: 80, targetPort: 8080 }], NO_TRANSLATION)).ports, [80]));
  it('any value of the label opts out', () => assert.deepEqual(listeners(gateway('a', 'g', POD, [{ port: 80 }]), service('istio-system', 's', POD, [{ port: 80, targetPort: 8080 }], { 'experimental.istio.io/disable-gateway-port-translation': 'false' })).ports, [80]));
  it('Services in other namespaces do not translate', () => assert.deepEqual(listeners(gateway('a', 'g', POD, [{ port: 80 }]), service('other', 's', POD, [{ port: 80, targetPort: 8080 }])).ports, [80]));
  it('two Services with different targetPorts are ambiguous', () => {
    const { l } = listeners(gateway('a', 'g', POD, [{ port: 80 }]), service('istio-system', 's1', POD, [{ port: 80, targetPort: 8080 }]), service('istio-system', 's2', POD, [{ port: 80, targetPort: 8081 }]));
    assert.equal(l.ambiguities.length, 1);
  });
  it('HTTP servers of two Gateways merge on one port', () => {
    const { l } = listeners(gateway('a', 'g1', POD, [{ port: 80 }]), gateway('b', 'g2', POD, [{ port: 80 }]));
    assert.equal(l.byPort.get(80)?.length, 2);
    assert.equal(l.conflicts.length, 0);
  });
});
