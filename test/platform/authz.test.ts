/**
 * Istio security as kgd evaluates it (src/platform/istio/{authz,mtls,identity}.ts), one table per evaluation
 * rule, each citing the Istio source or documentation it follows. Istio sources are read at the commit the
 * oracle module pins (istio.io/istio v0.0.0-20260827124520-eed52ebb66ad, test/oracle/go.mod).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { authorize, plainInferenceCall, type AuthzRequest } from '../../src/platform/istio/authz.js';
import { clientTls, serverMtls, sidecarHandshake } from '../../src/platform/istio/mtls.js';
import { assumedPeer, principalOf, sidecarInjected, type Peer } from '../../src/platform/istio/identity.js';
import { meshSecurity } from '../../src/platform/istio/mesh.js';
import { parseManifestText } from '../../src/load/parse.js';
import { buildSnapshot } from '../../src/platform/build.js';
import type { Snapshot } from '../../src/snapshot/snapshot.js';
import { activatorPeer } from '../../src/platform/security-path.js';
import { docs, type Obj } from '../helpers/manifests.js';

const ap = (ns: string, name: string, spec: Obj): Obj => ({ apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name, namespace: ns }, spec });
const pa = (ns: string, name: string, spec: Obj, created?: string): Obj => ({ apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { name, namespace: ns, ...(created ? { creationTimestamp: created } : {}) }, spec });
const snap = (...objs: Obj[]): Snapshot => buildSnapshot(parseManifestText('t.yaml', docs(...objs)).resources);
const POD = { namespace: 'team', labels: { app: 'model' } };
const GW_P = 'cluster.local/ns/istio-system/sa/gw';
const req = (over: Partial<AuthzRequest> = {}): AuthzRequest => ({ principal: GW_P, authority: 'model.team.svc.cluster.local', path: '/v1/models/m:predict?x=1', method: 'POST', headers: {}, port: 8012, sni: undefined, ...over });

interface Row { readonly name: string; readonly policies: Obj[]; readonly req?: Partial<AuthzRequest>; readonly pod?: { namespace: string; labels: Record<string, string> }; readonly want: 'allow' | 'deny' | 'external' | 'undecided'; readonly details?: string; readonly extra?: Obj[] }

function table(title: string, source: string, rows: Row[]): void {
  describe(`${title} (${source})`, () => {
    for (const r of rows) it(r.name, () => {
      const d = authorize(snap(...r.policies, ...(r.extra ?? [])), r.pod ?? POD, req(r.req));
      assert.equal(d.decision, r.want, d.reason);
      if (r.details) assert.equal(d.envoyDetails, r.details);
    });
  });
}

const allowAll = (ns = 'team', name = 'allow-all'): Obj => ap(ns, name, { rules: [{}] });

table('which policies apply to a workload', 'pilot/pkg/model/authorization.go ListAuthorizationPolicies, pilot/pkg/model/policyattachment.go ShouldAttachPolicy', [
  { name: 'no policy: allow', policies: [], want: 'allow' },
  { name: 'namespace-wide ALLOW with no rules in the workload namespace denies', policies: [ap('team', 'deny-all', {})], want: 'deny', details: 'rbac_access_denied_matched_policy[none]' },
  { name: 'root-namespace policy without selector applies mesh-wide (Kubeflow global-deny-all)', policies: [ap('istio-system', 'global-deny-all', {})], want: 'deny' },
  { name: 'a policy in a third namespace does not apply', policies: [ap('other', 'deny-all', {})], want: 'allow' },
  { name: 'root-namespace policy with a selector applies to matching pods in every namespace', policies: [ap('istio-system', 'x', { selector: { matchLabels: { app: 'model' } } })], want: 'deny' },
  { name: 'selector that is not a subset of the pod labels: not applied', policies: [ap('team', 'x', { selector: { matchLabels: { app: 'other' } } })], want: 'allow' },
  { name: 'targetRefs: ignored by a sidecar', policies: [ap('team', 'x', { targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'gw' }] })], want: 'allow' },
  { name: 'targetRefs naming the Gateway API gateway of the pod: applied', pod: { namespace: 'team', labels: { 'gateway.networking.k8s.io/gateway-name': 'gw' } }, policies: [ap('team', 'x', { targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'gw' }] })], want: 'deny' },
  { name: 'targetRefs naming another gateway: not applied', pod: { namespace: 'team', labels: { 'gateway.networking.k8s.io/gateway-name': 'gw' } }, policies: [ap('team', 'x', { targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'other' }] })], want: 'allow' },
]);

table('action order: CUSTOM, then DENY, then ALLOW', 'istio.io/latest/docs/reference/config/security/authorization-policy/ and pilot/pkg/security/authz/builder/builder.go build()', [
  { name: 'a matching DENY wins over a matching ALLOW', policies: [allowAll(), ap('team', 'deny-it', { action: 'DENY', rules: [{}] })], want: 'deny', details: 'rbac_access_denied_matched_policy[ns[team]-policy[deny-it]-rule[0]]' },
  { name: 'DENY without rules never matches', policies: [ap('team', 'deny-it', { action: 'DENY' })], want: 'allow' },
  { name: 'one matching ALLOW among several is enough (ALLOW policies add up)', policies: [ap('istio-system', 'global-deny-all', {}), allowAll()], want: 'allow' },
  { name: 'ALLOW with rules: [{}] admits everything', policies: [ap('team', 'x', { rules: [{}] })], want: 'allow' },
  { name: 'ALLOW with an empty rules list admits nothing', policies: [ap('team', 'x', { rules: [] })], want: 'deny' },
  { name: 'a matching CUSTOM policy: the extension provider decides (undecided)', policies: [allowAll(), ap('team', 'ext', { action: 'CUSTOM', provider: { name: 'oauth2-proxy' }, rules: [{}] })], want: 'undecided' },
  { name: 'a CUSTOM policy whose rules do not match is skipped', policies: [allowAll(), ap('team', 'ext', { action: 'CUSTOM', provider: { name: 'oauth2-proxy' }, rules: [{ to: [{ operation: { paths: ['/login'] } }] }] })], want: 'allow' },
  { name: 'AUDIT policies do not decide', policies: [ap('team', 'audit', { action: 'AUDIT', rules: [{}] })], want: 'allow' },
  { name: 'the second DENY rule names itself in the log', policies: [ap('team', 'deny-it', { action: 'DENY', rules: [{ to: [{ operation: { paths: ['/x'] } }] }, { to: [{ operation: { methods: ['POST'] } }] }] })], want: 'deny', details: 'rbac_access_denied_matched_policy[ns[team]-policy[deny-it]-rule[1]]' },
]);

const MESH_OAUTH2 = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'istio', namespace: 'istio-system' }, data: { mesh: 'extensionProviders:\n- name: oauth2-proxy\n  envoyExtAuthzHttp:\n    service: oauth2-proxy.oauth2-proxy.svc.cluster.local\n    port: 80\n' } };
const custom = (provider: string, rules: Obj[] = [{}]) => ap('istio-system', 'oauth2', { action: 'CUSTOM', provider: { name: provider }, rules });
table('CUSTOM: ext_authz providers', 'pilot/pkg/security/authz/builder/builder.go (CUSTOM filters first; getBadCustomDenyRules), extauthz.go; istio.io "External Authorization"', [
  { name: 'a defined provider gets a call without credentials: 401 or 302 from the provider', extra: [MESH_OAUTH2], policies: [custom('oauth2-proxy')], want: 'external' },
  { name: 'with a Cookie or Authorization header the provider decides (undecided)', extra: [MESH_OAUTH2], req: { headers: { cookie: 'session=x' } }, policies: [custom('oauth2-proxy')], want: 'undecided' },
  { name: 'rules limited to the external host: in-cluster Host not matched, allowed', extra: [MESH_OAUTH2], policies: [custom('oauth2-proxy', [{ to: [{ operation: { hosts: ['*.example.com'] } }] }])], want: 'allow' },
  { name: 'a provider mesh config does not define: Istio denies what the policy matches (fail closed)', extra: [MESH_OAUTH2], policies: [custom('missing')], want: 'deny', details: 'rbac_access_denied_matched_policy[istio-ext-authz-missing-ns[istio-system]-policy[oauth2]-rule[0]-deny-due-to-bad-CUSTOM-action]' },
  { name: 'mesh config not in the input: the provider is unknown, undecided', policies: [custom('missing')], want: 'undecided' },
]);

describe('CUSTOM: the provider\'s service (model.LookupCluster in pilot/pkg/model/telemetry_logging.go; extauthz.go parses providers with it)', () => {
  const OAUTH2_SVC = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'oauth2-proxy', namespace: 'oauth2-proxy' }, spec: { ports: [{ port: 80 }] } };
  const decide = (complete: boolean, ...extra: Obj[]) => authorize(buildSnapshot(parseManifestText('t.yaml', docs(MESH_OAUTH2, custom('oauth2-proxy'), ...extra)).resources, { complete }), { namespace: 'istio-system', labels: {} }, plainInferenceCall(8081));
  it('a whole cluster without the service: the provider is in error and Istio denies (fail closed)', () => {
    const d = decide(true);
    assert.equal(d.decision, 'deny');
    assert.equal(d.envoyDetails, 'rbac_access_denied_matched_policy[istio-ext-authz-oauth2-proxy-ns[istio-system]-policy[oauth2]-rule[0]-deny-due-to-bad-CUSTOM-action]');
  });
  it('a whole cluster with the service: the provider answers', () => assert.equal(decide(true, OAUTH2_SVC).decision, 'external'));
  it('partial input without the service: assumed to exist, and said so', () => {
    const d = decide(false);
    assert.equal(d.decision, 'external');
    assert.match(d.reason, /kgd assumes its service oauth2-proxy\.oauth2-proxy\.svc\.cluster\.local exists/);
  });
});

table('source: principals, namespaces, serviceAccounts', 'pilot/pkg/security/authz/model/generator.go srcPrincipalGenerator, srcNamespaceGenerator, serviceAccountRegex; matcher/string.go StringMatcherWithPrefix', [
  { name: 'exact principal over mTLS', policies: [ap('team', 'x', { rules: [{ from: [{ source: { principals: [GW_P] } }] }] })], want: 'allow' },
  { name: 'principal prefix with *', policies: [ap('team', 'x', { rules: [{ from: [{ source: { principals: ['cluster.local/ns/istio-system/*'] } }] }] })], want: 'allow' },
  { name: 'principal suffix with *', policies: [ap('team', 'x', { rules: [{ from: [{ source: { principals: ['*/sa/gw'] } }] }] })], want: 'allow' },
  { name: '* needs an authenticated peer: plain text does not match', req: { principal: null }, policies: [ap('team', 'x', { rules: [{ from: [{ source: { principals: ['*'] } }] }] })], want: 'deny' },
  { name: 'notPrincipals matches plain text (no principal to exclude)', req: { principal: null }, policies: [ap('team', 'x', { rules: [{ from: [{ source: { notPrincipals: ['*'] } }] }] })], want: 'allow' },
  { name: 'namespaces matches /ns/<ns>/ of the principal', policies: [ap('team', 'x', { rules: [{ from: [{ source: { namespaces: ['istio-system'] } }] }] })], want: 'allow' },
  { name: 'namespaces with a wildcard', policies: [ap('team', 'x', { rules: [{ from: [{ source: { namespaces: ['istio-*'] } }] }] })], want: 'allow' },
  { name: 'namespaces need mTLS: plain text is refused', req: { principal: null }, policies: [ap('team', 'x', { rules: [{ from: [{ source: { namespaces: ['istio-system'] } }] }] })], want: 'deny' },
  { name: 'serviceAccounts ns/sa form', policies: [ap('team', 'x', { rules: [{ from: [{ source: { serviceAccounts: ['istio-system/gw'] } }] }] })], want: 'allow' },
  { name: 'serviceAccounts bare name is in the policy namespace', policies: [ap('team', 'x', { rules: [{ from: [{ source: { serviceAccounts: ['gw'] } }] }] })], want: 'deny' },
  { name: 'an unknown peer (input cannot tell mTLS) leaves principals undecided', req: { principal: undefined }, policies: [ap('team', 'x', { rules: [{ from: [{ source: { principals: [GW_P] } }] }] })], want: 'undecided' },
  { name: 'ipBlocks depend on the caller address: undecided', policies: [ap('team', 'x', { rules: [{ from: [{ source: { ipBlocks: ['10.0.0.0/8'] } }] }] })], want: 'undecided' },
  { name: 'requestPrincipals need a JWT, which in-cluster calls lack', policies: [ap('team', 'x', { rules: [{ from: [{ source: { requestPrincipals: ['*'] } }] }] })], want: 'deny' },
  { name: 'notRequestPrincipals ["*"] matches a call without JWT (Kubeflow m2m-auth DENY)', policies: [allowAll(), ap('team', 'require-jwt', { action: 'DENY', rules: [{ from: [{ source: { notRequestPrincipals: ['*'] } }], to: [{ operation: { notPaths: ['/healthz', '/ready', '/wait-for-drain', '/metrics', '/stats/prometheus'] } }] }] })], want: 'deny', details: 'rbac_access_denied_matched_policy[ns[team]-policy[require-jwt]-rule[0]]' },
  { name: 'm2m-auth DENY spares the probe paths', req: { path: '/healthz' }, policies: [allowAll(), ap('team', 'require-jwt', { action: 'DENY', rules: [{ from: [{ source: { notRequestPrincipals: ['*'] } }], to: [{ operation: { notPaths: ['/healthz', '/ready', '/wait-for-drain', '/metrics', '/stats/prometheus'] } }] }] })], want: 'allow' },
  { name: 'two fields of one source must both match', policies: [ap('team', 'x', { rules: [{ from: [{ source: { principals: [GW_P], namespaces: ['team'] } }] }] })], want: 'deny' },
  { name: 'any of several sources', policies: [ap('team', 'x', { rules: [{ from: [{ source: { namespaces: ['team'] } }, { source: { principals: [GW_P] } }] }] })], want: 'allow' },
]);

table('trust domains', 'pilot/pkg/security/trustdomain/bundle.go ReplaceTrustDomainAliases', [
  {
    name: 'a cluster.local principal stands for the mesh trust domain',
    extra: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'istio', namespace: 'istio-system' }, data: { mesh: 'trustDomain: corp.example\n' } }],
    req: { principal: 'corp.example/ns/istio-system/sa/gw' },
    policies: [ap('team', 'x', { rules: [{ from: [{ source: { principals: [GW_P] } }] }] })], want: 'allow',
  },
  {
    name: 'a principal in another trust domain does not match',
    req: { principal: 'cluster.local/ns/istio-system/sa/gw' },
    policies: [ap('team', 'x', { rules: [{ from: [{ source: { principals: ['other.domain/ns/istio-system/sa/gw'] } }] }] })], want: 'deny',
  },
]);

table('to: hosts, ports, methods, paths', 'pilot/pkg/security/authz/model/generator.go hostGenerator (matcher.HostMatcher, case-insensitive), destPortGenerator, methodGenerator, pathGenerator', [
  { name: 'hosts compare with the Host case-insensitively', req: { authority: 'MODEL.team.svc.cluster.local' }, policies: [ap('team', 'x', { rules: [{ to: [{ operation: { hosts: ['model.team.svc.cluster.local'] } }] }] })], want: 'allow' },
  { name: 'hosts suffix wildcard', policies: [ap('team', 'x', { rules: [{ to: [{ operation: { hosts: ['*.svc.cluster.local'] } }] }] })], want: 'allow' },
  { name: 'hosts: a port in the Host is compared too', req: { authority: 'model.team.svc.cluster.local:80' }, policies: [ap('team', 'x', { rules: [{ to: [{ operation: { hosts: ['model.team.svc.cluster.local'] } }] }] })], want: 'deny' },
  { name: 'ports are the workload (container) port', policies: [ap('team', 'x', { rules: [{ to: [{ operation: { ports: ['8012'] } }] }] })], want: 'allow' },
  { name: 'ports: the Service port does not count', policies: [ap('team', 'x', { rules: [{ to: [{ operation: { ports: ['80'] } }] }] })], want: 'deny' },
  { name: 'methods', policies: [ap('team', 'x', { rules: [{ to: [{ operation: { methods: ['GET'] } }] }] })], want: 'deny' },
  { name: 'paths ignore the query string', policies: [ap('team', 'x', { rules: [{ to: [{ operation: { paths: ['/v1/models/m:predict'] } }] }] })], want: 'allow' },
  { name: 'paths prefix *', policies: [ap('team', 'x', { rules: [{ to: [{ operation: { paths: ['/v1/*'] } }] }] })], want: 'allow' },
  { name: 'paths suffix * (Kubeflow */api/kernels)', req: { path: '/notebook/team/nb/api/kernels', method: 'GET' }, policies: [ap('team', 'x', { rules: [{ to: [{ operation: { methods: ['GET'], paths: ['*/api/kernels'] } }] }] })], want: 'allow' },
  { name: 'path template {*} is one segment', policies: [ap('team', 'x', { rules: [{ to: [{ operation: { paths: ['/v1/models/{*}'] } }] }] })], want: 'allow' },
  { name: 'path template {*} does not span segments', policies: [ap('team', 'x', { rules: [{ to: [{ operation: { paths: ['/v1/{*}'] } }] }] })], want: 'deny' },
  { name: 'notPaths', policies: [ap('team', 'x', { rules: [{ to: [{ operation: { notPaths: ['/healthz'] } }] }] })], want: 'allow' },
]);

table('when conditions', 'pilot/pkg/security/authz/model/model.go attribute keys; istio.io conditions reference', [
  { name: 'request.headers: an in-cluster call has no kubeflow-userid', policies: [ap('team', 'x', { rules: [{ when: [{ key: 'request.headers[kubeflow-userid]', values: ['user@example.com'] }] }] })], want: 'deny' },
  { name: 'request.headers: header names are case-insensitive', req: { headers: { 'kubeflow-userid': 'user@example.com' } }, policies: [ap('team', 'x', { rules: [{ when: [{ key: 'request.headers[Kubeflow-Userid]', values: ['user@example.com'] }] }] })], want: 'allow' },
  { name: 'request.headers notValues on an absent header match', policies: [ap('team', 'x', { rules: [{ when: [{ key: 'request.headers[x-block]', notValues: ['1'] }] }] })], want: 'allow' },
  { name: 'source.namespace (Kubeflow profile rule 1): another namespace', policies: [ap('team', 'x', { rules: [{ when: [{ key: 'source.namespace', values: ['team'] }] }] })], want: 'deny' },
  { name: 'source.namespace: the same namespace', req: { principal: 'cluster.local/ns/team/sa/default' }, policies: [ap('team', 'x', { rules: [{ when: [{ key: 'source.namespace', values: ['team'] }] }] })], want: 'allow' },
  { name: 'source.principal', policies: [ap('team', 'x', { rules: [{ when: [{ key: 'source.principal', values: [GW_P] }] }] })], want: 'allow' },
  { name: 'request.auth.claims need a JWT', policies: [ap('team', 'x', { rules: [{ when: [{ key: 'request.auth.claims[iss]', values: ['x'] }] }] })], want: 'deny' },
  { name: 'destination.port', policies: [ap('team', 'x', { rules: [{ when: [{ key: 'destination.port', values: ['8012'] }] }] })], want: 'allow' },
  { name: 'connection.sni on plain text: none', req: { principal: null, sni: null }, policies: [ap('team', 'x', { rules: [{ when: [{ key: 'connection.sni', values: ['*'] }] }] })], want: 'deny' },
  { name: 'source.ip: undecided', policies: [ap('team', 'x', { rules: [{ when: [{ key: 'source.ip', values: ['10.0.0.1'] }] }] })], want: 'undecided' },
  { name: 'an undecided DENY with a matching ALLOW stays undecided', policies: [allowAll(), ap('team', 'deny-it', { action: 'DENY', rules: [{ when: [{ key: 'remote.ip', values: ['10.0.0.1'] }] }] })], want: 'undecided' },
]);

describe('PeerAuthentication: the mode a sidecar enforces (pilot/pkg/security/authn/policy_applier.go ComposePeerAuthentication)', () => {
  const mode = (objs: Obj[], port = 8012, labels: Record<string, string> = { app: 'model' }) => serverMtls(snap(...objs), { namespace: 'team', labels }, port).mode;
  it('default PERMISSIVE', () => assert.equal(mode([]), 'PERMISSIVE'));
  it('mesh-wide STRICT in the root namespace', () => assert.equal(mode([pa('istio-system', 'default', { mtls: { mode: 'STRICT' } })]), 'STRICT'));
  it('namespace policy overrides the mesh', () => assert.equal(mode([pa('istio-system', 'default', { mtls: { mode: 'STRICT' } }), pa('team', 'ns', { mtls: { mode: 'PERMISSIVE' } })]), 'PERMISSIVE'));
  it('UNSET inherits', () => assert.equal(mode([pa('istio-system', 'default', { mtls: { mode: 'STRICT' } }), pa('team', 'ns', { mtls: { mode: 'UNSET' } })]), 'STRICT'));
  it('workload policy overrides the namespace', () => assert.equal(mode([pa('team', 'ns', { mtls: { mode: 'STRICT' } }), pa('team', 'wl', { selector: { matchLabels: { app: 'model' } }, mtls: { mode: 'DISABLE' } })]), 'DISABLE'));
  it('port-level on a workload policy', () => assert.equal(mode([pa('team', 'wl', { selector: { matchLabels: { app: 'model' } }, mtls: { mode: 'STRICT' }, portLevelMtls: { 8012: { mode: 'PERMISSIVE' } } })]), 'PERMISSIVE'));
  it('port-level UNSET takes the workload mode', () => assert.equal(mode([pa('team', 'wl', { selector: { matchLabels: { app: 'model' } }, mtls: { mode: 'STRICT' }, portLevelMtls: { 8012: { mode: 'UNSET' } } })]), 'STRICT'));
  it('a root-namespace policy with a selector is ignored', () => assert.equal(mode([pa('istio-system', 'wl', { selector: { matchLabels: { app: 'model' } }, mtls: { mode: 'STRICT' } })]), 'PERMISSIVE'));
  it('of two namespace policies the oldest wins', () => assert.equal(mode([pa('team', 'b', { mtls: { mode: 'STRICT' } }, '2024-01-02T00:00:00Z'), pa('team', 'a', { mtls: { mode: 'DISABLE' } }, '2024-01-01T00:00:00Z')]), 'DISABLE'));
});

describe('what a client sends, and whether the server takes it (auto mTLS: injection-template.yaml sets security.istio.io/tlsMode=istio, gateway-injection-template.yaml does not)', () => {
  const s0 = snap();
  const peer = (proxy: Peer['proxy'], ns = 'team', tlsMode = proxy === 'sidecar'): Peer => ({ name: `${proxy} pod`, namespace: ns, labels: { app: 'model' }, serviceAccount: 'default', proxy, why: 'test', istioTlsMode: tlsMode });
  const dr = (mode: string, host = 'model.team.svc.cluster.local'): Obj => ({ apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name: 'dr', namespace: 'team' }, spec: { host, trafficPolicy: { tls: { mode } } } });
  it('no proxy: plain text', () => assert.equal(clientTls(s0, peer('none'), 'model.team.svc.cluster.local', 80, 'team', peer('sidecar'), 8012).mode, 'plain'));
  it('sidecar to sidecar: auto mTLS', () => assert.equal(clientTls(s0, peer('sidecar'), 'model.team.svc.cluster.local', 80, 'team', peer('sidecar'), 8012).mode, 'mtls'));
  it('sidecar to a gateway pod: plain text (no tlsMode label)', () => assert.equal(clientTls(s0, peer('sidecar'), 'gw.istio-system.svc.cluster.local', 80, 'istio-system', peer('gateway', 'istio-system'), 8081).mode, 'plain'));
  it('a DestinationRule ISTIO_MUTUAL sends mTLS to a gateway', () => assert.equal(clientTls(snap(dr('ISTIO_MUTUAL', 'gw.istio-system.svc.cluster.local')), peer('sidecar'), 'gw.istio-system.svc.cluster.local', 80, 'istio-system', peer('gateway', 'istio-system'), 8081).mode, 'mtls'));
  it('a DestinationRule DISABLE sends plain text to a sidecar', () => assert.equal(clientTls(snap(dr('DISABLE')), peer('sidecar'), 'model.team.svc.cluster.local', 80, 'team', peer('sidecar'), 8012).mode, 'plain'));
  it('auto mTLS respects a server that disables mTLS', () => assert.equal(clientTls(snap(pa('team', 'mtls-off', { mtls: { mode: 'DISABLE' } })), peer('sidecar'), 'model.team.svc.cluster.local', 80, 'team', peer('sidecar'), 8012).mode, 'plain'));
  it('meshConfig.enableAutoMtls false: plain text', () => assert.equal(clientTls(snap({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'istio', namespace: 'istio-system' }, data: { mesh: 'enableAutoMtls: false\n' } }), peer('sidecar'), 'model.team.svc.cluster.local', 80, 'team', peer('sidecar'), 8012).mode, 'plain'));
  it('STRICT refuses plain text', () => {
    const s = snap(pa('team', 'strict', { mtls: { mode: 'STRICT' } }));
    assert.equal(sidecarHandshake(s, peer('sidecar'), 8012, clientTls(s, peer('none'), 'model.team.svc.cluster.local', 80, 'team', peer('sidecar'), 8012)).ok, false);
  });
  it('PERMISSIVE takes plain text', () => assert.equal(sidecarHandshake(s0, peer('sidecar'), 8012, clientTls(s0, peer('none'), 'h', 80, 'team', peer('sidecar'), 8012)).ok, true));
  it('mTLS to a pod without sidecar fails', () => assert.equal(sidecarHandshake(s0, peer('none'), 8012, { mode: 'mtls', why: 'test', rule: undefined }).ok, false));
});

describe('identity and sidecar injection (istio-discovery mutatingwebhook.yaml; pkg/kube/inject/webhook.go injectRequired)', () => {
  const ns = (name: string, labels: Record<string, string>): Obj => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });
  const cases: [string, Obj[], string, Record<string, string>, boolean | undefined][] = [
    ['namespace istio-injection=enabled', [ns('team', { 'istio-injection': 'enabled' })], 'team', {}, true],
    ['namespace enabled, pod opts out', [ns('team', { 'istio-injection': 'enabled' })], 'team', { 'sidecar.istio.io/inject': 'false' }, false],
    ['namespace disabled wins over the pod label', [ns('team', { 'istio-injection': 'disabled' })], 'team', { 'sidecar.istio.io/inject': 'true' }, false],
    ['namespace istio.io/rev', [ns('team', { 'istio.io/rev': 'canary' })], 'team', {}, true],
    ['unlabelled namespace, pod label inject=true', [ns('team', {})], 'team', { 'sidecar.istio.io/inject': 'true' }, true],
    ['unlabelled namespace, nothing on the pod', [ns('team', {})], 'team', {}, false],
    ['namespace not in the input: unknown', [], 'team', {}, undefined],
    ['kube-system never', [], 'kube-system', { 'sidecar.istio.io/inject': 'true' }, false],
  ];
  for (const [name, objs, namespace, labels, want] of cases) it(name, () => assert.equal(sidecarInjected(snap(...objs), namespace, labels).injected, want));
  it('principal: <trust domain>/ns/<ns>/sa/<sa>, trust domain and root namespace from the mesh ConfigMap', () => {
    const s = snap({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'istio', namespace: 'istio-system' }, data: { mesh: 'trustDomain: corp.example\nrootNamespace: mesh-root\n' } });
    assert.equal(principalOf(s, assumedPeer(s, { name: 'p', namespace: 'team', labels: {}, serviceAccount: 'runner' }, 'test')), 'corp.example/ns/team/sa/runner');
    assert.equal(meshSecurity(s).rootNamespace, 'mesh-root');
    assert.equal(principalOf(snap(), assumedPeer(snap(), { name: 'p', namespace: 'team', labels: {} }, 'test')), 'cluster.local/ns/team/sa/default');
  });
});

describe('the activator\'s identity by Serving release (row serving-activator-service-account, knative/serving#14133)', () => {
  const at = (serving: string) => principalOf(buildSnapshot([], { versions: { serving } }), activatorPeer(buildSnapshot([], { versions: { serving } })));
  it('1.10: runs as controller', () => assert.equal(at('1.10.2'), 'cluster.local/ns/knative-serving/sa/controller'));
  it('1.11: runs as activator', () => assert.equal(at('1.11.0'), 'cluster.local/ns/knative-serving/sa/activator'));
  it('a Deployment in the input wins over the release', () => {
    const s = snap({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'activator', namespace: 'knative-serving' }, spec: { selector: { matchLabels: { app: 'activator' } }, template: { metadata: { labels: { app: 'activator' } }, spec: { serviceAccountName: 'custom-sa', containers: [{ name: 'a', image: 'x' }] } } } });
    assert.equal(principalOf(s, activatorPeer(s)), 'cluster.local/ns/knative-serving/sa/custom-sa');
  });
});
