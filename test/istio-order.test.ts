/**
 * Istio orders configs by creation time, then name, then namespace (pilot/pkg/model sortConfigByCreationTime).
 * `kubectl get -o yaml` writes creationTimestamp unquoted, which YAML 1.1 reads as a date.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseManifestText } from '../src/load/parse.js';
import { buildSnapshot } from '../src/platform/build.js';
import { istioConfigOrder } from '../src/model/istio.js';
import { routingFindings } from './helpers/findings.js';

const vs = (name: string, ns: string, created?: string) =>
  `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: ${name}\n  namespace: ${ns}\n${created ? `  creationTimestamp: ${created}\n` : ''}spec:\n  hosts: [a.example.com]\n  gateways: [istio-system/gw]\n`;

describe('Istio config order', () => {
  it('reads an unquoted creationTimestamp (a YAML 1.1 date) without a type finding', () => {
    const parsed = parseManifestText('kubectl.yaml', vs('b', 'ns', '2026-03-01T00:00:03Z'));
    const snap = buildSnapshot(parsed.resources);
    assert.deepEqual(routingFindings(snap.problems).map((p) => p.id), []);
    assert.equal(snap.list('VirtualService')[0]!.created, Date.parse('2026-03-01T00:00:03Z'));
  });
  it('orders by creation time, then name, then namespace; no time is the oldest; names compare byte-wise as Go does', () => {
    const text = [vs('a', 'ns', '2026-03-02T00:00:00Z'), vs('b', 'ns', '2026-03-01T00:00:00Z'), vs('c', 'ns'), vs('a-b', 'x'), vs('ab', 'x'), vs('B', 'x')].join('---\n');
    const snap = buildSnapshot(parseManifestText('x.yaml', text).resources);
    assert.deepEqual([...snap.list('VirtualService')].sort(istioConfigOrder).map((v) => `${v.namespace}/${v.name}`), ['x/B', 'x/a-b', 'x/ab', 'ns/c', 'ns/b', 'ns/a']);
  });
});
