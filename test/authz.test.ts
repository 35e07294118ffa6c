/**
 * Istio security on the in-cluster path, end to end (issue #12's done-when): a Kubeflow profile namespace with
 * an InferenceService behind the local gateway. examples/kubeflow holds the layout with the allowance profile
 * owners add; without it the trace predicts 403 at the predictor pods, naming the policy and what Envoy logs —
 * through the activator and straight to the pods — and `kgd check` reports the same hop. `kgd generate
 * local-gateway` on that input writes the allowance for the new gateway, and the trace then predicts 200.
 *
 * Policies as Kubeflow writes them: global-deny-all (kubeflow/manifests common/istio/istio-install), activator-
 * service (common/knative/knative-serving), ns-owner-access-istio (kubeflow/dashboard components/profile-controller/
 * controllers/profile_controller.go getAuthorizationPolicy), the m2m-auth overlay's DENY on the cluster-local-gateway
 * (common/istio/cluster-local-gateway/overlays/m2m-auth/cluster-local-gateway-authorizationpolicy-deny.yaml).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { checkResources } from '../src/check.js';
import { generateLocalGateway, type LocalGatewaySpec } from '../src/generate/local-gateway.js';
import { bundleToYaml } from '../src/generate/render.js';
import { parseManifestText } from '../src/load/parse.js';
import type { Resource } from '../src/load/resource.js';
import { buildSnapshot } from '../src/platform/build.js';
import { trace, traceSnapshot } from '../src/trace/index.js';
import type { TraceRequest } from '../src/trace/types.js';
import { fromRoot } from './helpers/paths.js';
import { routingFindings } from './helpers/findings.js';

const example = readFileSync(fromRoot('examples', 'kubeflow', 'kubeflow.yaml'), 'utf8');
/** examples/kubeflow without the allowance the profile owner adds. */
const brokenText = (() => {
  const i = example.indexOf('# What profile owners add');
  const j = example.indexOf('---', i);
  assert.ok(i > 0 && j > i, 'examples/kubeflow/kubeflow.yaml still has the allowance block');
  return example.slice(0, i) + example.slice(j + 4);
})();
const resources = (text: string): Resource[] => parseManifestText('kubeflow.yaml', text).resources;
const URL = 'http://sklearn-iris.kubeflow-user-example-com.svc.cluster.local/v1/models/sklearn-iris:predict';
const run = (rs: readonly Resource[], activator: TraceRequest['activator'], from = 'kubeflow') => trace(traceSnapshot(rs), { url: URL, activator, from: { namespace: from, labels: {}, sidecar: false } });

describe('Kubeflow profile: 403 at the right hop, 200 with the allowance', () => {
  it('with the allowance (examples/kubeflow): 200 on both paths, check clean', () => {
    for (const a of ['in', 'out', 'both'] as const) assert.equal(run(resources(example), a).outcome, '200', a);
    assert.deepEqual(routingFindings(checkResources(resources(example)).diagnostics).map((d) => d.code), []);
  });
  it('through the activator: the predictor pods refuse the activator, naming ns-owner-access-istio and [none]', () => {
    const r = run(resources(brokenText), 'in');
    assert.equal(r.outcome, '403');
    const fail = r.hops.find((h) => h.verdict === 'fail')!;
    assert.equal(fail.step, 'authorization');
    assert.equal(fail.resource, 'AuthorizationPolicy kubeflow-user-example-com/ns-owner-access-istio');
    assert.match(fail.summary, /Deployment knative-serving\/activator arrives as cluster\.local\/ns\/knative-serving\/sa\/activator \(mTLS\)/);
    assert.match(fail.summary, /Envoy logs 403 rbac_access_denied_matched_policy\[none\]/);
    assert.match(r.verdict, /through the activator/);
    assert.match(r.fix ?? '', /principals \["cluster\.local\/ns\/knative-serving\/sa\/activator"\]/);
  });
  it('straight to the pods: the predictor pods refuse the gateway identity', () => {
    const r = run(resources(brokenText), 'out');
    assert.equal(r.outcome, '403');
    const fail = r.hops.find((h) => h.verdict === 'fail')!;
    assert.equal(fail.resource, 'AuthorizationPolicy kubeflow-user-example-com/ns-owner-access-istio');
    assert.match(fail.summary, /cluster\.local\/ns\/istio-system\/sa\/cluster-local-gateway-service-account \(mTLS\)/);
  });
  it('check reports the same two hops (KGD1605), and the gateway hops pass', () => {
    const d = checkResources(resources(brokenText)).diagnostics.filter((x) => x.severity === 'error');
    assert.deepEqual(d.map((x) => `${x.code} ${x.resource}`), ['KGD1605 AuthorizationPolicy kubeflow-user-example-com/ns-owner-access-istio', 'KGD1605 AuthorizationPolicy kubeflow-user-example-com/ns-owner-access-istio']);
    assert.ok(d.some((x) => x.message.includes('sa/activator')) && d.some((x) => x.message.includes('sa/cluster-local-gateway-service-account')));
  });
  it('a caller in the profile namespace with a sidecar is admitted at the pods by ns-owner-access-istio rule 1 only when it reaches them itself; through the gateway the gateway identity counts', () => {
    const r = trace(traceSnapshot(resources(brokenText)), { url: URL, activator: 'out', from: { namespace: 'kubeflow-user-example-com', labels: {}, sidecar: true } });
    assert.equal(r.outcome, '403');
  });
  it('kgd generate local-gateway writes the allowance for the new gateway and the activator; then 200 on both paths and check is clean', () => {
    const spec: LocalGatewaySpec = { name: 'ml-local-gateway', namespace: 'ml-gw', selector: { app: 'ml-local-gateway' }, knative: 'manifests', kserveNamespace: 'kubeflow', port: 8081, clusterDomain: 'cluster.local', withDeployment: true, flavour: 'custom' };
    const base = resources(brokenText);
    const bundle = generateLocalGateway(spec, buildSnapshot(base));
    const allowance = bundle.objects.find((o) => o.object['kind'] === 'AuthorizationPolicy' && (o.object['metadata'] as { namespace: string }).namespace === 'kubeflow-user-example-com');
    assert.ok(allowance, bundle.objects.map((o) => `${o.object['kind']} ${JSON.stringify(o.object['metadata'])}`).join('\n'));
    assert.deepEqual((allowance.object['spec'] as { rules: { from: { source: { principals: string[] } }[] }[] }).rules[0]!.from[0]!.source.principals,
      ['cluster.local/ns/knative-serving/sa/activator', 'cluster.local/ns/ml-gw/sa/ml-local-gateway']);
    const generated = parseManifestText('bundle.yaml', bundleToYaml(bundle)).resources;
    const key = (r: Resource) => `${r.group}/${r.kind}/${r.namespace ?? ''}/${r.name}`;
    const replaced = new Set(generated.map(key));
    const cluster = [...base.filter((r) => !replaced.has(key(r))), ...generated];
    for (const a of ['in', 'out'] as const) {
      const r = run(cluster, a);
      assert.equal(r.outcome, '200', `${a}: ${r.verdict}`);
      assert.ok(r.hops.some((h) => h.step === 'authorization' && h.verdict === 'ok' && h.summary.includes('allow-ml-local-gateway-and-activator')), a);
    }
    assert.deepEqual(routingFindings(checkResources(cluster).diagnostics).filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.resource}: ${d.message}`), []);
  });
});

describe('Kubeflow m2m-auth: a DENY on the cluster-local-gateway for calls without a JWT', () => {
  const m2m = `${example}
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: cluster-local-gateway-require-jwt
  namespace: istio-system
spec:
  selector:
    matchLabels: {app: cluster-local-gateway, istio: cluster-local-gateway}
  action: DENY
  rules:
  - from:
    - source:
        notRequestPrincipals: ["*"]
    to:
    - operation:
        notPaths: [/healthz, /ready, /wait-for-drain, /metrics, /stats/prometheus, "*/healthz", "*/ready"]
`;
  it('trace: 403 at the gateway, the DENY rule in Envoy\'s detail; check: KGD1604 on that rule', () => {
    const r = run(resources(m2m), 'both');
    assert.equal(r.outcome, '403');
    const fail = r.hops.find((h) => h.verdict === 'fail')!;
    assert.equal(fail.resource, 'AuthorizationPolicy istio-system/cluster-local-gateway-require-jwt');
    assert.match(fail.summary, /rbac_access_denied_matched_policy\[ns\[istio-system\]-policy\[cluster-local-gateway-require-jwt\]-rule\[0\]\]/);
    const d = checkResources(resources(m2m)).diagnostics.filter((x) => x.severity === 'error');
    assert.deepEqual(d.map((x) => `${x.code} ${x.resource} ${x.path ?? ''}`), ['KGD1604 AuthorizationPolicy istio-system/cluster-local-gateway-require-jwt .spec.rules[0]']);
  });
  it('the probe path /healthz passes the gateway', () => {
    const r = trace(traceSnapshot(resources(m2m)), { url: 'http://sklearn-iris.kubeflow-user-example-com.svc.cluster.local/healthz', from: { namespace: 'kubeflow', labels: {}, sidecar: false } });
    assert.notEqual(r.hops.find((h) => h.verdict === 'fail')?.step, 'authorization', r.verdict);
  });
});

describe('mTLS on the path', () => {
  it('an ISTIO_MUTUAL Gateway server: a plain caller is refused, a DestinationRule ISTIO_MUTUAL from a sidecar caller gets through', () => {
    const text = example.replace('port: {number: 8081, name: http, protocol: HTTP}\n      hosts: ["*"]', 'port: {number: 8081, name: https, protocol: HTTPS}\n      hosts: ["*"]\n      tls: {mode: ISTIO_MUTUAL}');
    assert.notEqual(text, example);
    const plain = run(resources(text), 'both');
    assert.equal(plain.outcome, '503');
    assert.match(plain.verdict, /plain text/);
    const dr = `${text}\n---\napiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: local-gw-mtls, namespace: istio-system}\nspec:\n  host: knative-local-gateway.istio-system.svc.cluster.local\n  trafficPolicy: {tls: {mode: ISTIO_MUTUAL}}\n`;
    const r = trace(traceSnapshot(resources(dr)), { url: URL, from: { namespace: 'kubeflow-user-example-com', labels: {}, sidecar: true } });
    assert.equal(r.outcome, '200', r.verdict);
    assert.ok(r.hops.some((h) => h.step === 'mtls' && /ISTIO_MUTUAL/.test(h.summary)));
  });
  it('STRICT in the profile with a DestinationRule DISABLE for its hosts: 503 at the pods, KGD1607', () => {
    const text = `${example}\n---\napiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata: {name: strict, namespace: kubeflow-user-example-com}\nspec: {mtls: {mode: STRICT}}\n---\napiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: no-mtls, namespace: istio-system}\nspec:\n  host: "*.kubeflow-user-example-com.svc.cluster.local"\n  trafficPolicy: {tls: {mode: DISABLE}}\n`;
    const r = run(resources(text), 'out');
    assert.equal(r.outcome, '503');
    assert.equal(r.hops.find((h) => h.verdict === 'fail')?.step, 'mtls');
    assert.ok(checkResources(resources(text)).diagnostics.some((d) => d.code === 'KGD1607'));
  });
});

describe('Kubeflow oauth2-proxy: a CUSTOM policy on the pods serving the local gateway (issue #19)', () => {
  // The policy as kubeflow/manifests common/oauth2-proxy/components/istio-external-auth writes it for the ingress
  // gateway, here selecting the pods that serve Knative's local gateway; the provider as Kubeflow's Istio mesh config
  // defines it (envoyExtAuthzHttp to oauth2-proxy.oauth2-proxy:80).
  const custom = (selector: string) => `${example}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: istio, namespace: istio-system}
data:
  mesh: |
    extensionProviders:
    - name: oauth2-proxy
      envoyExtAuthzHttp:
        service: oauth2-proxy.oauth2-proxy.svc.cluster.local
        port: 80
        headersToDownstreamOnDeny: [content-type, set-cookie]
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: istio-ingressgateway-oauth2-proxy, namespace: istio-system}
spec:
  action: CUSTOM
  provider: {name: oauth2-proxy}
  selector:
    matchLabels: {${selector}}
  rules:
  - when:
    - key: request.headers[authorization]
      notValues: ["*"]
    to:
    - operation:
        notPaths: [/dex/*, /dex/**, /oauth2/*]
`;
  it('trace: 302/401 at the gateway hop, naming the policy and the provider; check: KGD1609', () => {
    const text = custom('app: cluster-local-gateway');
    const r = run(resources(text), 'both');
    assert.equal(r.outcome, '302/401');
    const fail = r.hops.find((h) => h.verdict === 'fail')!;
    assert.equal(fail.step, 'authorization');
    assert.equal(fail.resource, 'AuthorizationPolicy istio-system/istio-ingressgateway-oauth2-proxy');
    assert.match(fail.summary, /ext_authz provider oauth2-proxy \(oauth2-proxy\.oauth2-proxy\.svc\.cluster\.local:80\)/);
    const d = checkResources(resources(text)).diagnostics.filter((x) => x.severity === 'error');
    assert.deepEqual(d.map((x) => `${x.code} ${x.resource} ${x.path ?? ''}`), ['KGD1609 AuthorizationPolicy istio-system/istio-ingressgateway-oauth2-proxy .spec.rules[0]']);
  });
  it('a call with an Authorization header: the rule does not match (Kubeflow leaves those to RequestAuthentication), 200', () => {
    const r = trace(traceSnapshot(resources(custom('app: cluster-local-gateway'))), { url: URL, headers: ['Authorization: Bearer x'], from: { namespace: 'kubeflow', labels: {}, sidecar: false } });
    assert.equal(r.outcome, '200', r.verdict);
  });
  it('limited to the ingress gateway pods (as Kubeflow ships it): the local path is clean', () => {
    const text = custom('app: istio-ingressgateway');
    assert.equal(run(resources(text), 'both').outcome, '200');
    assert.deepEqual(checkResources(resources(text)).diagnostics.filter((x) => x.severity === 'error').map((x) => x.code), []);
  });
});

describe('Kubeflow with the AuthService EnvoyFilter (issue #19\'s done-when): ext_authz on the pods serving the local gateway', () => {
  // Kubeflow's oidc-authservice filter (kubeflow/manifests common/oidc-client/oidc-authservice/base/envoy-filter.yaml):
  // ext_authz inserted into the HTTP connection manager of the gateway pods, every listener, context GATEWAY.
  const authservice = (selector: string, listener = '') => `${example}
---
apiVersion: networking.istio.io/v1alpha3
kind: EnvoyFilter
metadata: {name: authn-filter, namespace: istio-system}
spec:
  workloadSelector:
    labels: {${selector}}
  configPatches:
  - applyTo: HTTP_FILTER
    match:
      context: GATEWAY
      listener:
        ${listener}filterChain:
          filter:
            name: envoy.filters.network.http_connection_manager
    patch:
      operation: INSERT_BEFORE
      value:
        name: envoy.filters.http.ext_authz
        typed_config:
          '@type': type.googleapis.com/envoy.extensions.filters.http.ext_authz.v3.ExtAuthz
          http_service:
            server_uri:
              uri: http://authservice.istio-system.svc.cluster.local
              cluster: outbound|8080||authservice.istio-system.svc.cluster.local
              timeout: 10s
            authorization_request:
              allowed_headers:
                patterns: [{exact: authorization}, {exact: cookie}, {exact: x-auth-token}]
`;
  it('trace: 302/401 at the gateway hop, naming the EnvoyFilter; check: KGD1610 with the fix on its patch', () => {
    const text = authservice('app: cluster-local-gateway');
    const r = run(resources(text), 'both');
    assert.equal(r.outcome, '302/401', r.verdict);
    const fail = r.hops.find((h) => h.verdict === 'fail')!;
    assert.equal(fail.step, 'filters');
    assert.equal(fail.resource, 'EnvoyFilter istio-system/authn-filter');
    assert.match(fail.summary, /envoy\.filters\.http\.ext_authz \(ext_authz\)/);
    assert.match(r.fix ?? '', /match\.listener\.portNumber/);
    const d = checkResources(resources(text)).diagnostics.filter((x) => x.severity === 'error');
    assert.deepEqual(d.map((x) => `${x.code} ${x.resource} ${x.path ?? ''}`), ['KGD1610 EnvoyFilter istio-system/authn-filter .spec.configPatches[0]']);
  });
  it('with a session cookie the auth server decides: the trace goes on and says so', () => {
    const r = trace(traceSnapshot(resources(authservice('app: cluster-local-gateway'))), { url: URL, headers: ['Cookie: authservice_session=x'], from: { namespace: 'kubeflow', labels: {}, sidecar: false } });
    assert.equal(r.outcome, '200', r.verdict);
    assert.ok(r.hops.some((h) => h.step === 'filters' && /auth server decides/.test(h.summary)));
  });
  it('on the ingress gateway pods only (as Kubeflow ships it): the local path is clean', () => {
    const text = authservice('istio: ingressgateway');
    assert.equal(run(resources(text), 'both').outcome, '200');
    assert.deepEqual(checkResources(resources(text)).diagnostics.filter((x) => x.severity === 'error').map((x) => x.code), []);
  });
  it('limited to another listener port: the local path is clean', () => {
    const text = authservice('app: cluster-local-gateway', 'portNumber: 8443\n        ');
    assert.equal(run(resources(text), 'both').outcome, '200');
  });
});

