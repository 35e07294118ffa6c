/**
 * Istio's AuthorizationPolicy evaluation for one request arriving at one workload, three-valued where the
 * input cannot decide (source IPs, extension providers). Each step follows Istio's code or documentation:
 *
 * - which policies apply: pilot/pkg/model/authorization.go ListAuthorizationPolicies (the root namespace and
 *   the workload's namespace) and pilot/pkg/model/policyattachment.go ShouldAttachPolicy (a selector's
 *   matchLabels must be a subset of the pod's labels; a policy with targetRefs is ignored by sidecars and
 *   classic gateways, and applies to a Gateway API gateway's pods when it names that Gateway);
 * - order: CUSTOM, then DENY, then ALLOW (pilot/pkg/security/authz/builder/builder.go `build`; istio.io
 *   "Authorization Policy" reference: "If there are any CUSTOM policies that match the request, evaluate and
 *   deny the request if the evaluation result is deny. If there are any DENY policies that match the request,
 *   deny the request. If there are no ALLOW policies for the workload, allow the request. If any of the ALLOW
 *   policies match the request, allow the request. Deny the request.");
 * - matching: pilot/pkg/security/authz/model/generator.go and matcher/ (principals are `spiffe://` + value,
 *   `*` = any authenticated peer, `prefix*`/`*suffix`; namespaces by the `/ns/<ns>/` part of the principal; hosts
 *   compared with :authority case-insensitively; request principals and `request.auth.*` come from a JWT,
 *   which in-cluster calls do not carry);
 * - trust domains: pilot/pkg/security/trustdomain/bundle.go (a principal in `cluster.local`, the mesh's trust
 *   domain or an alias stands for each of them);
 * - what Envoy logs: builder.go policyName `ns[<ns>]-policy[<name>]-rule[<i>]`, inside Envoy's RBAC filter
 *   detail `rbac_access_denied_matched_policy[...]` (`[none]` when no ALLOW policy matched).
 */
import type { AuthorizationPolicy } from '../../model/istio.js';
import type { Labels } from '../../model/label-selector.js';
import { meshSecurity, providerServiceFound, type ExtAuthzProvider, type MeshSecurity } from './mesh.js';
import type { Snapshot } from '../../snapshot/snapshot.js';

/** Three-valued: yes, no, or the input cannot tell. */
export type Tri = 'yes' | 'no' | 'unknown';

export function and(...xs: Tri[]): Tri {
  if (xs.includes('no')) return 'no';
  if (xs.includes('unknown')) return 'unknown';
  return 'yes';
}

export function or(xs: readonly Tri[]): Tri {
  if (xs.includes('yes')) return 'yes';
  if (xs.includes('unknown')) return 'unknown';
  return 'no';
}

const not = (x: Tri): Tri => (x === 'yes' ? 'no' : x === 'no' ? 'yes' : 'unknown');

/** The request as it arrives at the workload's proxy. */
export interface AuthzRequest {
  /**
   * The peer's identity: a principal (`<td>/ns/<ns>/sa/<sa>`) when it arrives over Istio mTLS, `null` over
   * plain text (no peer identity), `undefined` when the input cannot tell which.
   */
  readonly principal: string | null | undefined;
  /** The Host (:authority) as received. */
  readonly authority: string;
  readonly path: string;
  readonly method: string;
  /** Request headers, names lower-case. In-cluster calls carry no `kubeflow-userid` and no JWT. */
  readonly headers: Readonly<Record<string, string>>;
  /** The port the workload receives the request on (the container port). */
  readonly port: number;
  /** SNI of the connection: Istio mTLS sets one the input cannot always predict; plain text has none. */
  readonly sni?: string | null;
}

/** Where Istio's policies are looked up for a workload. */
export interface AuthzTarget {
  readonly namespace: string;
  readonly labels: Labels;
}

const GATEWAY_NAME_LABEL = 'gateway.networking.k8s.io/gateway-name';

/** What Istio's policy matcher reads of a workload-attached policy (AuthorizationPolicy, EnvoyFilter, ...). */
export type AttachablePolicy = Pick<AuthorizationPolicy, 'namespace' | 'selector' | 'targetRefs' | 'targetsRefs'>;

/**
 * Whether a policy applies to a workload: policies of its namespace and the root namespace, then
 * WorkloadPolicyMatcher.ShouldAttachPolicy (pilot/pkg/model/policyattachment.go), which AuthorizationPolicies
 * and EnvoyFilters share.
 */
export function policyApplies(p: AttachablePolicy, w: AuthzTarget, mesh: Pick<MeshSecurity, 'rootNamespace'>): boolean {
  if (p.namespace !== w.namespace && p.namespace !== mesh.rootNamespace) return false;
  const gatewayName = w.labels[GATEWAY_NAME_LABEL];
  const selected = (): boolean => p.selector === undefined || Object.entries(p.selector).every(([k, v]) => w.labels[k] === v);
  if (gatewayName === undefined) return p.targetsRefs ? false : selected();
  if (!p.targetsRefs) return selected(); // ENABLE_SELECTOR_BASED_K8S_GATEWAY_POLICY defaults to true
  return p.targetRefs.some((r) => p.namespace === w.namespace && (r.namespace === undefined || r.namespace === '' || r.namespace === w.namespace)
    && r.group === 'gateway.networking.k8s.io' && r.kind === 'Gateway' && r.name === gatewayName);
}

/** Istio's `*`, `prefix*`, `*suffix` or exact match (matcher.StringMatcher / HeaderMatcher). */
function glob(pattern: string, value: string, ignoreCase = false): boolean {
  const p = ignoreCase ? pattern.toLowerCase() : pattern;
  const v = ignoreCase ? value.toLowerCase() : value;
  if (p === '*') return v.length > 0;
  if (p.startsWith('*')) return v.endsWith(p.slice(1));
  if (p.endsWith('*')) return v.startsWith(p.slice(0, -1));
  return p === v;
}

function strings(v: unknown): string[] | undefined {
  return Array.isArray(v) ? v.map((x) => String(x)) : undefined;
}

/** A policy principal with its trust domain replaced as Istio's trust-domain bundle does. */
function principalMatches(value: string, principal: string, mesh: MeshSecurity): boolean {
  const parts = value.split('/');
  if (parts.length === 5 && parts[0] !== '*') {
    const td = parts[0]!;
    const domains = [mesh.trustDomain, ...mesh.trustDomainAliases];
    if (td === 'cluster.local' || domains.includes(td)) {
      return domains.some((d) => glob([d, ...parts.slice(1)].join('/'), principal));
    }
  }
  return glob(value, principal);
}

function namespaceMatches(value: string, principal: string): boolean {
  const re = new RegExp(`^.*/ns/${value.split('*').map((x) => x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}/.*$`);
  return re.test(principal);
}

function serviceAccountMatches(value: string, principal: string, policyNs: string): boolean {
  const i = value.indexOf('/');
  const [ns, sa] = i >= 0 ? [value.slice(0, i), value.slice(i + 1)] : [policyNs, value];
  const q = (x: string) => x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^.+/ns/${q(ns)}/(.+/|)sa/${q(sa)}(/.+)?$`).test(principal);
}

/** A field that needs the peer's principal: plain text matches none of its values; unknown stays unknown. */
function byPrincipal(req: AuthzRequest, test: (principal: string) => boolean): Tri {
  if (req.principal === undefined) return 'unknown';
  if (req.principal === null) return 'no';
  return test(req.principal) ? 'yes' : 'no';
}

function anyOf(values: string[] | undefined, one: (v: string) => Tri): Tri | undefined {
  return values ? or(values.map(one)) : undefined;
}

interface Ctx {
  readonly req: AuthzRequest;
  readonly mesh: MeshSecurity;
  readonly policyNs: string;
}

function sourceField(key: string, v: string, c: Ctx): Tri {
  switch (key) {
    case 'principals': return byPrincipal(c.req, (p) => principalMatches(v, p, c.mesh));
    case 'namespaces': return byPrincipal(c.req, (p) => namespaceMatches(v, p));
    case 'serviceAccounts': return byPrincipal(c.req, (p) => serviceAccountMatches(v, p, c.policyNs));
    case 'requestPrincipals': return 'no'; // no JWT on in-cluster calls
    default: return 'unknown'; // ipBlocks, remoteIpBlocks: the caller's address is not in the input
  }
}

function pathOnly(path: string): string {
  const q = path.search(/[?#]/);
  return q >= 0 ? path.slice(0, q) : path;
}

/** Istio path templates (`{*}` one segment, `{**}` any rest), else the `*` glob. */
function pathMatches(pattern: string, path: string): boolean {
  if (pattern.includes('{*}') || pattern.includes('{**}')) {
    const re = pattern.split('/').map((seg) => (seg === '{**}' ? '.*' : seg === '{*}' ? '[^/]+' : seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('/');
    return new RegExp(`^${re}$`).test(path);
  }
  return glob(pattern, path);
}

function operationField(key: string, v: string, c: Ctx): Tri {
  const r = c.req;
  switch (key) {
    case 'hosts': return glob(v, r.authority, true) ? 'yes' : 'no';
    case 'ports': return Number(v) === r.port ? 'yes' : 'no';
    case 'methods': return glob(v, r.method) ? 'yes' : 'no';
    case 'paths': return pathMatches(v, pathOnly(r.path)) ? 'yes' : 'no';
    default: return 'unknown';
  }
}

function fieldsMatch(obj: Readonly<Record<string, unknown>>, one: (key: string, v: string) => Tri): Tri {
  const parts: Tri[] = [];
  for (const [k, raw] of Object.entries(obj)) {
    const values = strings(raw);
    if (!values) continue;
    const negated = /^not[A-Z]/.test(k);
    const key = negated ? k[3]!.toLowerCase() + k.slice(4) : k;
    const m = anyOf(values, (v) => one(key, v));
    if (m !== undefined) parts.push(negated ? not(m) : m);
  }
  return and(...parts);
}

function headerValue(headers: Readonly<Record<string, string>>, name: string): string | undefined {
  return headers[name.toLowerCase()];
}

function conditionValue(key: string, v: string, c: Ctx): Tri {
  const r = c.req;
  const header = /^request\.headers\[(.+)\]$/.exec(key);
  if (header) {
    const got = headerValue(r.headers, header[1]!);
    return got !== undefined && glob(v, got) ? 'yes' : 'no';
  }
  switch (key) {
    case 'source.principal': return byPrincipal(r, (p) => principalMatches(v, p, c.mesh));
    case 'source.namespace': return byPrincipal(r, (p) => namespaceMatches(v, p));
    case 'source.serviceAccount': return byPrincipal(r, (p) => serviceAccountMatches(v, p, c.policyNs));
    case 'destination.port': return Number(v) === r.port ? 'yes' : 'no';
    case 'connection.sni':
      if (r.sni === null) return 'no';
      return r.sni === undefined ? 'unknown' : glob(v, r.sni) ? 'yes' : 'no';
  }
  if (key.startsWith('request.auth.')) return 'no'; // no JWT on in-cluster calls
  return 'unknown'; // source.ip, remote.ip, destination.ip, experimental.envoy.filters.*
}

/** Whether one rule of a policy matches the request (from AND to AND when; within each, any entry). */
export function ruleMatches(raw: Readonly<Record<string, unknown>>, req: AuthzRequest, mesh: MeshSecurity, policyNs: string): Tri {
  const c: Ctx = { req, mesh, policyNs };
  const list = (k: string) => (Array.isArray(raw[k]) && (raw[k] as unknown[]).length > 0 ? (raw[k] as unknown[]) : undefined);
  const obj = (x: unknown, k: string): Readonly<Record<string, unknown>> => {
    const v = x && typeof x === 'object' ? (x as Record<string, unknown>)[k] : undefined;
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : {};
  };
  const from = list('from');
  const to = list('to');
  const when = list('when');
  const fromTri = from ? or(from.map((f) => fieldsMatch(obj(f, 'source'), (k, v) => sourceField(k, v, c)))) : 'yes';
  const toTri = to ? or(to.map((t) => fieldsMatch(obj(t, 'operation'), (k, v) => operationField(k, v, c)))) : 'yes';
  const whenTri = when
    ? and(...when.map((cond) => {
      const o = (cond && typeof cond === 'object' ? cond : {}) as Record<string, unknown>;
      const key = String(o['key'] ?? '');
      const values = strings(o['values']);
      const notValues = strings(o['notValues']);
      const parts: Tri[] = [];
      if (values) parts.push(or(values.map((v) => conditionValue(key, v, c))));
      if (notValues) parts.push(not(or(notValues.map((v) => conditionValue(key, v, c)))));
      return and(...parts);
    }))
    : 'yes';
  return and(fromTri, toTri, whenTri);
}

/** Istio's name for one rule of a policy, as Envoy logs it (builder.go policyName). */
export function policyId(p: AuthorizationPolicy, rule: number): string {
  return `ns[${p.namespace}]-policy[${p.name}]-rule[${rule}]`;
}

export interface AuthzDecision {
  /**
   * allow; deny (403); external: a CUSTOM policy hands the request to an ext_authz provider, which answers a
   * request without credentials with 401 or a redirect to its login (302); undecided (the input cannot tell).
   */
  readonly decision: 'allow' | 'deny' | 'external' | 'undecided';
  /** The policy that decided a deny: the DENY policy that matched, or the first ALLOW policy that applies. */
  readonly policy: AuthorizationPolicy | undefined;
  readonly rule: number | undefined;
  /** Every policy that applies to the workload, in Istio's order (CUSTOM, DENY, ALLOW). */
  readonly applicable: readonly AuthorizationPolicy[];
  /** True when the deny comes from ALLOW policies that have no rules at all (they allow nothing). */
  readonly allowsNothing: boolean;
  /** What Envoy's RBAC filter writes as response code details on a deny. */
  readonly envoyDetails: string | undefined;
  /** One sentence: which policy decided and why. */
  readonly reason: string;
  /** For `external`: the provider the CUSTOM policy names. */
  readonly provider?: ExtAuthzProvider;
}

/** pilot/pkg/security/authz/builder/extauthz.go badCustomActionSuffix. */
const BAD_CUSTOM_SUFFIX = '-deny-due-to-bad-CUSTOM-action';

/** Headers that carry credentials to an ext_authz provider (a session cookie, a bearer token, an API token). */
const CREDENTIAL_HEADERS = ['authorization', 'cookie', 'x-auth-token'];

/**
 * The AuthorizationPolicies that can apply in `namespace` (its own and the root namespace's), in input order: what
 * policyApplies would keep of the whole list, found through an index by namespace.
 */
export function policyCandidates(s: Snapshot, namespace: string, rootNamespace: string): readonly AuthorizationPolicy[] {
  const byNs = s.memo('authz-policies-by-namespace', () => {
    const m = new Map<string, { p: AuthorizationPolicy; i: number }[]>();
    s.list('AuthorizationPolicy').forEach((p, i) => {
      const l = m.get(p.namespace);
      if (l) l.push({ p, i });
      else m.set(p.namespace, [{ p, i }]);
    });
    return m;
  });
  const own = byNs.get(namespace) ?? [];
  const root = namespace === rootNamespace ? [] : (byNs.get(rootNamespace) ?? []);
  if (root.length === 0) return own.map((x) => x.p);
  if (own.length === 0) return root.map((x) => x.p);
  return [...own, ...root].sort((a, b) => a.i - b.i).map((x) => x.p);
}

/** Evaluates the AuthorizationPolicies that apply to a workload with a proxy, for one request. */
export function authorize(s: Snapshot, w: AuthzTarget, req: AuthzRequest): AuthzDecision {
  const mesh = meshSecurity(s);
  const all = policyCandidates(s, w.namespace, mesh.rootNamespace).filter((p) => policyApplies(p, w, mesh));
  const byAction = (a: AuthorizationPolicy['action']) => all.filter((p) => p.action === a);
  const applicable = [...byAction('CUSTOM'), ...byAction('DENY'), ...byAction('ALLOW')];
  const base = { applicable, allowsNothing: false, envoyDetails: undefined, rule: undefined, policy: undefined };
  const undecided: string[] = [];
  const matchOf = (p: AuthorizationPolicy): { tri: Tri; rule?: number } => {
    let unknown: number | undefined;
    for (const r of p.rules ?? []) {
      const t = ruleMatches(r.raw, req, mesh, p.namespace);
      if (t === 'yes') return { tri: 'yes', rule: r.index };
      if (t === 'unknown' && unknown === undefined) unknown = r.index;
    }
    return unknown === undefined ? { tri: 'no' } : { tri: 'unknown', rule: unknown };
  };
  // CUSTOM (builder.go, extauthz.go): a matching request goes to the policy's ext_authz provider; a provider the mesh
  // config does not define makes Istio generate deny rules instead (getBadCustomDenyRules: fail closed).
  for (const p of byAction('CUSTOM')) {
    const m = matchOf(p);
    if (m.tri === 'no') continue;
    const name = p.provider ?? '';
    const provider = mesh.extAuthz.get(name);
    if (m.tri === 'yes' && !provider && mesh.source && !mesh.extensionProviders.includes(name)) {
      // The deny rule keeps the CUSTOM rule's name with the provider prefix and the bad-action suffix (builder.go
      // policyName, getBadCustomDenyRules).
      return { ...base, decision: 'deny', policy: p, rule: m.rule, envoyDetails: `rbac_access_denied_matched_policy[istio-ext-authz-${name ? `${name}-` : ''}${policyId(p, m.rule!)}${BAD_CUSTOM_SUFFIX}]`, reason: `CUSTOM policy ${p.namespace}/${p.name} names extension provider "${name}", which mesh config (ConfigMap ${mesh.source.namespace}/${mesh.source.name}) does not define, so Istio denies what the policy matches (fail closed)` };
    }
    // A provider whose service istiod cannot find is in error, and the policy denies like an undefined one.
    const found = provider ? providerServiceFound(s, provider) : 'unknown';
    if (m.tri === 'yes' && provider && found === 'no') {
      return { ...base, decision: 'deny', policy: p, rule: m.rule, envoyDetails: `rbac_access_denied_matched_policy[istio-ext-authz-${name}-${policyId(p, m.rule!)}${BAD_CUSTOM_SUFFIX}]`, reason: `CUSTOM policy ${p.namespace}/${p.name} names extension provider "${name}", whose service ${provider.service} is not in the cluster (istiod's LookupCluster fails), so Istio denies what the policy matches (fail closed)` };
    }
    if (m.tri === 'yes' && provider && !CREDENTIAL_HEADERS.some((h) => req.headers[h] !== undefined)) {
      const assumed = found === 'unknown' ? `; kgd assumes its service ${provider.service} exists (it is not in the input; without it Istio would deny instead)` : '';
      return { ...base, decision: 'external', policy: p, rule: m.rule, provider, reason: `CUSTOM policy ${p.namespace}/${p.name} rule ${m.rule} sends the request to ext_authz provider ${name} (${provider.service}${provider.port ? `:${provider.port}` : ''}); it carries no credentials (no Authorization, Cookie or X-Auth-Token header), so the provider answers 401 or redirects to its login (302)${assumed}` };
    }
    undecided.push(`CUSTOM policy ${p.namespace}/${p.name} ${m.tri === 'yes' ? 'sends the request' : 'may send the request'} to extension provider ${name || '(none named)'}, which decides${provider ? '' : mesh.source ? '' : ' (mesh config is not in the input)'}`);
  }
  // Istio puts every DENY rule into one RBAC filter; Envoy keeps a filter's policies in a std::map
  // (source/extensions/filters/common/rbac/engine_impl.h) and logs the first that matches in byte order.
  const denyMatches: { p: AuthorizationPolicy; rule: number; id: string }[] = [];
  for (const p of byAction('DENY')) {
    for (const r of p.rules ?? []) {
      const t = ruleMatches(r.raw, req, mesh, p.namespace);
      if (t === 'yes') denyMatches.push({ p, rule: r.index, id: policyId(p, r.index) });
      else if (t === 'unknown') undecided.push(`whether DENY policy ${p.namespace}/${p.name} rule ${r.index} matches depends on what the input does not show (source address, SNI or an unknown attribute)`);
    }
  }
  if (denyMatches.length > 0) {
    const d = denyMatches.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))[0]!;
    return { ...base, decision: 'deny', policy: d.p, rule: d.rule, envoyDetails: `rbac_access_denied_matched_policy[${d.id}]`, reason: `DENY policy ${d.p.namespace}/${d.p.name} rule ${d.rule} matches` };
  }
  const allows = byAction('ALLOW');
  if (allows.length === 0) {
    return undecided.length ? { ...base, decision: 'undecided', reason: undecided.join('; ') } : { ...base, decision: 'allow', reason: 'no ALLOW policy applies and no DENY policy matches' };
  }
  let unknownAllow: AuthorizationPolicy | undefined;
  for (const p of allows) {
    const m = matchOf(p);
    if (m.tri === 'yes') {
      return undecided.length ? { ...base, decision: 'undecided', reason: undecided.join('; ') } : { ...base, decision: 'allow', policy: p, rule: m.rule, reason: `ALLOW policy ${p.namespace}/${p.name} rule ${m.rule} matches` };
    }
    if (m.tri === 'unknown') unknownAllow ??= p;
  }
  if (unknownAllow) {
    undecided.push(`whether ALLOW policy ${unknownAllow.namespace}/${unknownAllow.name} matches depends on what the input does not show (source address, SNI or an unknown attribute)`);
    return { ...base, decision: 'undecided', reason: undecided.join('; ') };
  }
  const names = allows.map((p) => `${p.namespace}/${p.name}`).join(', ');
  const allowsNothing = allows.every((p) => (p.rules ?? []).length === 0);
  const why = allowsNothing
    ? `the only ALLOW ${allows.length > 1 ? 'policies' : 'policy'} here (${names}) ${allows.length > 1 ? 'have' : 'has'} no rules, so ${allows.length > 1 ? 'they allow' : 'it allows'} nothing`
    : allows.length > 1 ? `ALLOW policies ${names} apply and none of their rules matches` : `ALLOW policy ${names} applies and none of its rules matches`;
  // The policy to point at: the workload's own (selector, then namespace-wide) before the mesh-wide ones, and
  // one with rules before a rule-less deny-all (that one is meant to be paired with allowances).
  const rank = (p: AuthorizationPolicy) => (p.namespace === mesh.rootNamespace ? 2 : 0) + (p.selector === undefined ? 1 : 0) + ((p.rules ?? []).length === 0 ? 4 : 0);
  const primary = [...allows].sort((a, b) => rank(a) - rank(b))[0];
  return { ...base, decision: 'deny', policy: primary, allowsNothing, envoyDetails: 'rbac_access_denied_matched_policy[none]', reason: why };
}

/** The request a plain in-cluster call makes at a gateway (no peer identity, no JWT): for rules without a trace. */
export function plainInferenceCall(port: number, authority = 'example.svc.cluster.local'): AuthzRequest {
  return { principal: null, authority, path: '/v1/models/model:predict', method: 'POST', headers: {}, port, sni: null };
}
