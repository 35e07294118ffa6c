import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseConfigIstio, parseServiceHost } from '../../src/platform/knative/config-istio.js';

const SYS = 'knative-testing';
const parse = (data: Record<string, string>) => parseConfigIstio(data, SYS, 'cluster.local');
const names = (es: readonly { namespace: string; name: string; service: string }[]) => es.map((e) => `${e.namespace}/${e.name}=${e.service}`);
const DEF_LOCAL = `${SYS}/knative-local-gateway=knative-local-gateway.istio-system.svc.cluster.local`;
const DEF_EXT = `${SYS}/knative-ingress-gateway=istio-ingressgateway.istio-system.svc.cluster.local`;

/** The cases of net-istio's TestGatewayConfiguration (pkg/reconciler/ingress/config/istio_test.go), by name and outcome. */
const table: { name: string; data: Record<string, string>; err?: boolean; local?: string[]; external?: string[]; netIstio?: string }[] = [
  { name: 'no data', data: {}, local: [DEF_LOCAL], external: [DEF_EXT] },
  { name: 'gateway with invalid service', data: { 'gateway.invalid': '_invalid' }, err: true },
  { name: 'gateway in the system namespace', data: { 'gateway.knative-ingress-freeway': 'istio-ingressfreeway.istio-system.svc.cluster.local' }, external: [`${SYS}/knative-ingress-freeway=istio-ingressfreeway.istio-system.svc.cluster.local`], local: [DEF_LOCAL] },
  { name: 'trailing dot', data: { 'gateway.knative-ingress-freeway': 'istio-ingressfreeway.istio-system.svc.cluster.local.' }, external: [`${SYS}/knative-ingress-freeway=istio-ingressfreeway.istio-system.svc.cluster.local.`] },
  { name: 'gateway in a custom namespace', data: { 'gateway.custom-namespace.custom-gateway': 'istio-ingressfreeway.istio-system.svc.cluster.local' }, external: ['custom-namespace/custom-gateway=istio-ingressfreeway.istio-system.svc.cluster.local'] },
  { name: 'custom namespace, invalid service', data: { 'gateway.custom-namespace.invalid': '_invalid' }, err: true },
  { name: 'local gateway in the system namespace', data: { 'local-gateway.knative-ingress-backroad': 'istio-ingressbackroad.istio-system.svc.cluster.local' }, local: [`${SYS}/knative-ingress-backroad=istio-ingressbackroad.istio-system.svc.cluster.local`], external: [DEF_EXT] },
  { name: 'local gateway with invalid service', data: { 'local-gateway.invalid': '_invalid' }, err: true },
  { name: 'local gateway in a custom namespace', data: { 'local-gateway.custom-namespace.custom-local-gateway': 'istio-ingressbackroad.istio-system.svc.cluster.local' }, local: ['custom-namespace/custom-local-gateway=istio-ingressbackroad.istio-system.svc.cluster.local'] },
  { name: 'local gateway, custom namespace, invalid service', data: { 'local-gateway.custom-namespace.invalid': '_invalid' }, err: true },
  { name: 'new format alone', data: { 'external-gateways': '- {name: e, namespace: ns, service: e.ns.svc.cluster.local}', 'local-gateways': '- {name: l, namespace: ns, service: l.ns.svc.cluster.local}' }, external: ['ns/e=e.ns.svc.cluster.local'], local: ['ns/l=l.ns.svc.cluster.local'] },
  { name: 'new & old format', data: { 'external-gateways': '- {name: e, namespace: ns, service: e.ns.svc.cluster.local}', 'gateway.x': 'x.ns.svc.cluster.local' }, err: true },
  { name: 'new format - invalid URL', data: { 'external-gateways': '- {name: e, namespace: ns, service: "_invalid"}' }, err: true },
  { name: 'new format - missing service', data: { 'external-gateways': '- {name: e, namespace: ns, service: ""}' }, err: true },
  { name: 'new format - missing name', data: { 'local-gateways': '- {namespace: ns, service: l.ns.svc.cluster.local}' }, err: true },
  { name: 'new format - missing namespace', data: { 'local-gateways': '- {name: l, service: l.ns.svc.cluster.local}' }, err: true },
  { name: 'new format - invalid local yaml', data: { 'local-gateways': 'notYAML' }, err: true },
  { name: 'new format - invalid external yaml', data: { 'external-gateways': 'notYAML' }, err: true },
  { name: 'new format - missing external gateway configuration', data: { 'local-gateways': '- {name: l, namespace: ns, service: l.ns.svc.cluster.local}' }, external: [DEF_EXT], local: ['ns/l=l.ns.svc.cluster.local'] },
  { name: 'new format - missing local gateway configuration', data: { 'external-gateways': '- {name: e, namespace: ns, service: e.ns.svc.cluster.local}' }, local: [DEF_LOCAL] },
  { name: 'new format - missing default gateway', data: { 'external-gateways': '- {name: e, namespace: ns, service: e.ns.svc.cluster.local, labelSelector: {matchLabels: {a: b}}}' }, err: true },
  { name: 'new format - missing default local gateway', data: { 'local-gateways': '- {name: l, namespace: ns, service: l.ns.svc.cluster.local, labelSelector: {matchLabels: {a: b}}}' }, err: true },
  { name: 'new format - label selector', data: { 'external-gateways': '- {name: e, namespace: ns, service: e.ns.svc.cluster.local}\n- {name: f, namespace: ns, service: f.ns.svc.cluster.local, labelSelector: {matchExpressions: [{key: a, operator: In, values: [b]}]}}' }, external: ['ns/e=e.ns.svc.cluster.local', 'ns/f=f.ns.svc.cluster.local'] },
  { name: 'local gateway with selector', data: { 'local-gateways': '- {name: l, namespace: ns, service: l.ns.svc.cluster.local}\n- {name: m, namespace: ns, service: m.ns.svc.cluster.local, labelSelector: {matchLabels: {a: b}}}' }, local: ['ns/l=l.ns.svc.cluster.local', 'ns/m=m.ns.svc.cluster.local'] },
  { name: 'new format - invalid label selector', data: { 'external-gateways': '- {name: e, namespace: ns, service: e.ns.svc.cluster.local}\n- {name: f, namespace: ns, service: f.ns.svc.cluster.local, labelSelector: {matchExpressions: [{key: a, operator: In}]}}' }, err: true },
  // Mesh-only "[]" lists arrived in net-istio 1.22 (#1524); these three rows are upstream HEAD's.
  { name: 'mesh only', data: { 'external-gateways': '[]', 'local-gateways': '[]' }, external: [], local: [], netIstio: '1.22.0' },
  { name: 'only external empty', data: { 'external-gateways': '[]' }, external: [], local: [DEF_LOCAL], netIstio: '1.22.0' },
  { name: 'only local empty', data: { 'local-gateways': '[]' }, external: [DEF_EXT], local: [], netIstio: '1.22.0' },
];

/** The other side of versioned boundaries (versions.ts), each as the upstream oracle saw it at that version. */
const versioned: { name: string; data: Record<string, string>; netIstio: string; err?: boolean; local?: string[]; external?: string[] }[] = [
  { name: '1.21: "[]" gets the code default (defaultValues)', data: { 'local-gateways': '[]' }, netIstio: '1.21.1', local: [DEF_LOCAL] },
  { name: '1.21: both "[]" is not mesh-only yet', data: { 'external-gateways': '[]', 'local-gateways': '[]' }, netIstio: '1.21.1', local: [DEF_LOCAL], external: [DEF_EXT] },
  { name: '1.2: list keys are not read', data: { 'local-gateways': '- {name: l, namespace: ns, service: l.ns.svc.cluster.local}' }, netIstio: '1.2.0', local: [DEF_LOCAL] },
  { name: '1.2: list and legacy keys may be mixed', data: { 'local-gateways': 'x', 'local-gateway.ns.l': 'l.ns.svc.cluster.local' }, netIstio: '1.2.0', local: ['ns/l=l.ns.svc.cluster.local'] },
  { name: '1.2: a legacy gateway named mesh is dropped (before #915)', data: { 'local-gateway.mesh': 'mesh', 'local-gateway.ns.l': 'l.ns.svc.cluster.local' }, netIstio: '1.2.0', local: ['ns/l=l.ns.svc.cluster.local'] },
  { name: '1.21: a legacy gateway named mesh is a gateway', data: { 'local-gateway.mesh': 'mesh', 'local-gateway.ns.l': 'l.ns.svc.cluster.local' }, netIstio: '1.21.1', local: [`${SYS}/mesh=mesh`, 'ns/l=l.ns.svc.cluster.local'] },
  { name: '1.2: an empty legacy namespace is not checked', data: { 'local-gateway..x': 'x.ns.svc.cluster.local' }, netIstio: '1.2.0', local: ['/x=x.ns.svc.cluster.local'] },
  { name: '1.21: an empty legacy namespace is refused', data: { 'local-gateway..x': 'x.ns.svc.cluster.local' }, netIstio: '1.21.1', err: true },
  { name: '1.21: the bare prefix names no gateway', data: { 'local-gateway.': 'x.ns.svc.cluster.local' }, netIstio: '1.21.1', local: [DEF_LOCAL] },
  { name: '1.21: YAML 1.1 scalars become strings (sigs.k8s.io/yaml)', data: { 'local-gateways': '- {name: 123, namespace: on, service: a.b.svc.cluster.local}' }, netIstio: '1.21.1', local: ['true/123=a.b.svc.cluster.local'] },
  { name: '1.21: only the first YAML document is read', data: { 'local-gateways': '- {name: a, namespace: b, service: a.b.svc.cluster.local}\n---\n- {name: c}' }, netIstio: '1.21.1', local: ['b/a=a.b.svc.cluster.local'] },
  { name: '1.21: an invalid label key is refused', data: { 'local-gateways': '- {name: a, namespace: b, service: a.b.svc.cluster.local}\n- {name: s, namespace: b, service: a.b.svc.cluster.local, labelSelector: {matchLabels: {"bad key!": x}}}' }, netIstio: '1.21.1', err: true },
];

describe("config-istio parsing mirrors net-istio's test table", () => {
  it('covers the 28 upstream cases', () => assert.equal(table.length, 28));
  for (const c of table) {
    it(c.name, () => {
      const p = parseConfigIstio(c.data, SYS, 'cluster.local', c.netIstio);
      assert.equal(p.issues.length > 0, c.err === true, JSON.stringify(p.issues));
      if (c.local) assert.deepEqual(names(p.local), c.local);
      if (c.external) assert.deepEqual(names(p.external), c.external);
    });
  }
  for (const c of versioned) {
    it(c.name, () => {
      const p = parseConfigIstio(c.data, SYS, 'cluster.local', c.netIstio);
      assert.equal(p.issues.length > 0, c.err === true, JSON.stringify(p.issues));
      if (c.local) assert.deepEqual(names(p.local), c.local);
      if (c.external) assert.deepEqual(names(p.external), c.external);
    });
  }
  it('legacy entries are sorted by key and all are defaults', () => {
    const p = parse({ 'local-gateway.b.x': 'x.b.svc.cluster.local', 'local-gateway.a.y': 'y.a.svc.cluster.local' });
    assert.deepEqual(p.local.map((e) => `${e.namespace}/${e.name}`), ['a/y', 'b/x']);
    assert.ok(p.local.every((e) => e.selector === undefined));
  });
  it('legacy name keeps dots after the namespace (SplitN 2)', () => {
    assert.deepEqual(names(parse({ 'local-gateway.ns.a.b': 's.ns.svc.cluster.local' }).local), ['ns/a.b=s.ns.svc.cluster.local']);
  });
  it('the cluster domain shapes the defaults', () => {
    assert.equal(parseConfigIstio({}, 'knative-serving', 'corp.example').local[0]!.service, 'knative-local-gateway.istio-system.svc.corp.example');
  });
  it('service hosts split into name and namespace', () => {
    assert.deepEqual(parseServiceHost('a.b.svc.cluster.local.', 'cluster.local'), { name: 'a', namespace: 'b', inClusterDomain: true });
    assert.equal(parseServiceHost('a.b.svc.other', 'cluster.local')?.inClusterDomain, false);
    assert.equal(parseServiceHost('a', 'cluster.local'), undefined);
  });
});
