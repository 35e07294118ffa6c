/**
 * The EnvoyFilter model (src/model/envoyfilter.ts, src/platform/istio/envoyfilter.ts) where the oracle does not
 * reach: the schema table against Istio's CRD as Kubeflow ships it, the proxy-version match (kgd decides only when
 * the input shows the Istio version), and the order in which the trace meets Istio's RBAC filter and an
 * EnvoyFilter's ext_authz around it (listener_builder.go: the authz filters come before fault, cors and the router).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { ENVOY_FILTER_SCHEMA } from '../../src/model/envoyfilter.js';
import { parseManifestText } from '../../src/load/parse.js';
import { buildSnapshot } from '../../src/platform/build.js';
import { chainFilters, filterKind, patchMatchesChain } from '../../src/platform/istio/envoyfilter.js';
import { trace, traceSnapshot } from '../../src/trace/index.js';
import { defaultStack, docs, type Obj } from '../helpers/manifests.js';
import { SHARED } from '../helpers/paths.js';

const HCM = 'envoy.filters.network.http_connection_manager';
const ef = (spec: Obj): Obj => ({ apiVersion: 'networking.istio.io/v1alpha3', kind: 'EnvoyFilter', metadata: { name: 'f', namespace: 'istio-system' }, spec });
const extAuthz = { name: 'envoy.filters.http.ext_authz', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.http.ext_authz.v3.ExtAuthz' } };

describe('EnvoyFilter schema table', () => {
  it('matches the properties of Istio\'s EnvoyFilter CRD at each level (corpus: Kubeflow\'s Istio 1.29 CRDs)', () => {
    const text = readFileSync(join(SHARED, 'corpus', 'kubeflow', 'common_istio_istio-crds_base.yaml'), 'utf8');
    const crd = parseAllDocuments(text).map((d) => d.toJS() as Obj).find((d) => d?.['kind'] === 'CustomResourceDefinition' && ((d['spec'] as Obj)['names'] as Obj)['kind'] === 'EnvoyFilter')!;
    const spec = (((((crd['spec'] as Obj)['versions'] as Obj[])[0]!['schema'] as Obj)['openAPIV3Schema'] as Obj)['properties'] as Obj)['spec'] as Obj;
    const props = (o: Obj) => Object.keys(o['properties'] as Obj).sort();
    const cp = ((spec['properties'] as Obj)['configPatches'] as Obj)['items'] as Obj;
    const match = (cp['properties'] as Obj)['match'] as Obj;
    const listener = (match['properties'] as Obj)['listener'] as Obj;
    const fc = (listener['properties'] as Obj)['filterChain'] as Obj;
    const filter = (fc['properties'] as Obj)['filter'] as Obj;
    const got = { spec: props(spec), configPatch: props(cp), match: props(match), listener: props(listener), filterChain: props(fc), filter: props(filter) };
    const want = Object.fromEntries(Object.entries(ENVOY_FILTER_SCHEMA).map(([k, v]) => [k, [...v].sort()]));
    assert.deepEqual(got, want);
  });
});

describe('EnvoyFilter patches: what kgd decides and what it leaves undecided', () => {
  const chain = { port: 8081, listenerName: '0.0.0.0_8081', sni: [] };
  const patchOf = (match: Obj, versions: Obj = {}) => {
    const s = buildSnapshot(parseManifestText('f.yaml', docs(ef({ configPatches: [{ applyTo: 'HTTP_FILTER', match, patch: { operation: 'INSERT_FIRST', value: extAuthz } }] }))).resources, versions);
    return patchMatchesChain(s, s.list('EnvoyFilter')[0]!.patches[0]!, chain).match;
  };
  it('proxyVersion: decided against a version the input shows (pilot/pkg/model/envoyfilter.go proxyMatch), undecided otherwise', () => {
    assert.equal(patchOf({ context: 'GATEWAY', proxy: { proxyVersion: '^1\\.18.*' } }), 'unknown');
    assert.equal(patchOf({ context: 'GATEWAY', proxy: { proxyVersion: '^1\\.18.*' } }, { versions: { istio: '1.18.2' } }), 'yes');
    assert.equal(patchOf({ context: 'GATEWAY', proxy: { proxyVersion: '^1\\.18.*' } }, { versions: { istio: '1.29.1' } }), 'no');
    assert.equal(patchOf({ context: 'GATEWAY', proxy: { metadata: { ROUTER_MODE: 'sni-dnat' } } }, { versions: { istio: '1.29.1' } }), 'unknown');
  });
  it('listener name and context (listener_patch.go listenerMatch, patchContextMatch)', () => {
    assert.equal(patchOf({ context: 'GATEWAY', listener: { name: '0.0.0.0_8081' } }), 'yes');
    assert.equal(patchOf({ context: 'GATEWAY', listener: { name: '0.0.0.0_8080' } }), 'no');
    assert.equal(patchOf({ context: 'SIDECAR_INBOUND' }), 'no');
    assert.equal(patchOf({}), 'yes', 'no context: ANY');
  });
  it('filter kinds by type URL first, then by name', () => {
    assert.equal(filterKind('my-auth', 'envoy.extensions.filters.http.ext_authz.v3.ExtAuthz'), 'ext_authz');
    assert.equal(filterKind('envoy.filters.http.lua', undefined), 'lua');
    assert.equal(filterKind('x', 'envoy.extensions.filters.http.oauth2.v3.OAuth2'), 'oauth2');
    assert.equal(filterKind('x', 'envoy.extensions.filters.http.header_mutation.v3.HeaderMutation'), 'other');
  });
});

describe('trace: Istio\'s RBAC filter and an EnvoyFilter\'s ext_authz, in chain order', () => {
  const denyAll = { apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name: 'deny-all', namespace: 'istio-system' }, spec: { selector: { matchLabels: { istio: 'ingressgateway' } }, action: 'DENY', rules: [{}] } };
  const isvc = { apiVersion: 'serving.kserve.io/v1beta1', kind: 'InferenceService', metadata: { name: 'iris', namespace: 'models' }, spec: { predictor: { sklearn: { storageUri: 'gs://x' } } } };
  const run = (op: Obj) => {
    const patch = { applyTo: 'HTTP_FILTER', match: { context: 'GATEWAY', listener: { filterChain: { filter: { name: HCM, ...('sub' in op ? { subFilter: { name: op['sub'] } } : {}) } } } }, patch: { operation: op['operation'], value: extAuthz } };
    const s = traceSnapshot(parseManifestText('t.yaml', docs(defaultStack(), denyAll, isvc, ef({ workloadSelector: { labels: { istio: 'ingressgateway' } }, configPatches: [patch] }))).resources);
    const chainNames = chainFilters(s, { namespace: 'istio-system', labels: { istio: 'ingressgateway', app: 'istio-ingressgateway' } }, { port: 8081, listenerName: '0.0.0.0_8081', sni: [] }).filters.map((f) => f.name);
    return { chainNames, r: trace(s, { url: 'http://iris.models.svc.cluster.local/v1/models/iris:predict', from: { namespace: 'default', labels: {}, sidecar: false } }) };
  };
  it('inserted first: the auth server answers before RBAC (302/401)', () => {
    const { chainNames, r } = run({ operation: 'INSERT_FIRST' });
    assert.deepEqual(chainNames, ['envoy.filters.http.ext_authz', 'envoy.filters.http.rbac', 'envoy.filters.http.fault', 'envoy.filters.http.cors', 'envoy.filters.http.router']);
    assert.equal(r.outcome, '302/401', r.verdict);
  });
  it('inserted before the router: RBAC denies first (403)', () => {
    const { chainNames, r } = run({ operation: 'INSERT_BEFORE', sub: 'envoy.filters.http.router' });
    assert.deepEqual(chainNames, ['envoy.filters.http.rbac', 'envoy.filters.http.fault', 'envoy.filters.http.cors', 'envoy.filters.http.ext_authz', 'envoy.filters.http.router']);
    assert.equal(r.outcome, '403', r.verdict);
  });
  it('appended after the router (ADD): never runs; the trace notes that Envoy rejects the listener', () => {
    const { r } = run({ operation: 'ADD' });
    assert.equal(r.outcome, '403', r.verdict);
    assert.ok(r.hops.some((h) => h.step === 'filters' && /after the router/.test(h.summary)));
  });
});
