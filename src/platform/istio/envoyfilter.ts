/**
 * EnvoyFilters on a gateway's HTTP listeners, as istiod applies them (pilot/pkg/model/envoyfilter.go,
 * push_context.go EnvoyFilters, pilot/pkg/networking/core/envoyfilter/listener_patch.go): which EnvoyFilters
 * attach to the pods, which HTTP_FILTER patches match a listener's filter chain, and the HTTP filters the chain
 * then holds — the ones kgd can see. Istio's own chain is modelled only where kgd knows it: the router (last),
 * fault and cors (always on an HTTP chain), and the RBAC and ext_authz filters AuthorizationPolicies add; a patch
 * anchored on any other filter is undecided.
 */
import type { EnvoyFilter, EnvoyFilterPatch } from '../../model/envoyfilter.js';
import type { Snapshot } from '../../snapshot/snapshot.js';
import { behaves, versionOf } from '../versions.js';
import { policyApplies, policyCandidates, type AuthzTarget } from './authz.js';
import { meshSecurity, providerServiceFound } from './mesh.js';
import { isHttpsTerminating, isPlainHttpServer, sniHosts, type BoundServer } from './listeners.js';

const HCM = 'envoy.filters.network.http_connection_manager';
const ROUTER = 'envoy.filters.http.router';
const EXT_AUTHZ = 'envoy.filters.http.ext_authz';
const RBAC = 'envoy.filters.http.rbac';

/** Envoy's deprecated filter names (Envoy 1.14) that Istio before 1.19 also matched (istio/istio#45675). */
const DEPRECATED: Readonly<Record<string, string>> = {
  'envoy.http_connection_manager': HCM,
  'envoy.router': ROUTER,
  'envoy.ext_authz': EXT_AUTHZ,
  'envoy.cors': 'envoy.filters.http.cors',
  'envoy.fault': 'envoy.filters.http.fault',
  'envoy.lua': 'envoy.filters.http.lua',
};

export type FilterKind = 'ext_authz' | 'lua' | 'rbac' | 'oauth2' | 'jwt_authn' | 'wasm' | 'other';

/** What an HTTP filter is, from its typed_config type or its name. */
export function filterKind(name: string | undefined, type: string | undefined): FilterKind {
  const t = `${type ?? ''} ${name ?? ''}`;
  if (/ext_authz|ExtAuthz/.test(t)) return 'ext_authz';
  if (/\.lua|\bLua\b|lua\.v3/.test(t)) return 'lua';
  if (/rbac|RBAC/.test(t)) return 'rbac';
  if (/oauth2|OAuth2/.test(t)) return 'oauth2';
  if (/jwt_authn|JwtAuthentication/.test(t)) return 'jwt_authn';
  if (/wasm|Wasm/.test(t)) return 'wasm';
  return 'other';
}

/** One gateway filter chain kgd can match patches against. */
export interface GatewayChain {
  /** The listener port (after Service port translation) and Istio's listener name. */
  readonly port: number;
  readonly listenerName: string;
  /** Server names of an HTTPS server's chain; empty for plain HTTP (no FilterChainMatch). */
  readonly sni: readonly string[];
}

/** The chain a bound gateway server lands on, if it has an HTTP connection manager (plain HTTP or terminated HTTPS). */
export function gatewayChain(b: BoundServer): GatewayChain | undefined {
  if (!isPlainHttpServer(b.server) && !isHttpsTerminating(b.server)) return undefined;
  return { port: b.listenerPort, listenerName: `${b.server.bind ?? '0.0.0.0'}_${b.listenerPort}`, sni: isHttpsTerminating(b.server) ? sniHosts(b.server, b.gateway.namespace) : [] };
}

type Tri = 'yes' | 'no' | 'unknown';

/** An HTTP filter on the chain: Istio's own or one a patch put there. */
export interface ChainFilter {
  readonly name: string;
  readonly by: { readonly filter: EnvoyFilter; readonly patch: EnvoyFilterPatch } | undefined;
  readonly kind: FilterKind;
}

/** A patch that may change the chain but kgd cannot say how (its anchor is a filter it cannot see, or MERGE). */
export interface UndecidedPatch {
  readonly filter: EnvoyFilter;
  readonly patch: EnvoyFilterPatch;
  readonly reason: string;
}

export interface ChainFilters {
  /** The chain in order, as far as kgd knows it (Istio filters it cannot see are left out). */
  readonly filters: readonly ChainFilter[];
  /** Filters patches added, in chain order, with the ones appended after the router (they never run). */
  readonly added: readonly (ChainFilter & { readonly afterRouter: boolean })[];
  /** Istio filters a patch removed or replaced, and filters a patch merged into. */
  readonly changed: readonly { readonly filter: EnvoyFilter; readonly patch: EnvoyFilterPatch; readonly target: string; readonly operation: string }[];
  readonly undecided: readonly UndecidedPatch[];
  /** Every EnvoyFilter attached to the pods, in the order istiod applies them. */
  readonly attached: readonly EnvoyFilter[];
}

/** The EnvoyFilters istiod applies to a proxy, in its order (priority, root namespace first, creation time, name). */
export function envoyFiltersFor(s: Snapshot, w: AuthzTarget): EnvoyFilter[] {
  const mesh = meshSecurity(s);
  const root = mesh.rootNamespace;
  const list = s.list('EnvoyFilter').filter((f) => policyApplies(f, w, mesh));
  return list.sort((a, b) => a.priority - b.priority
    || (a.namespace !== b.namespace && (a.namespace === root || b.namespace === root) ? (a.namespace === root ? -1 : 1) : 0)
    || (a.created ?? 0) - (b.created ?? 0)
    || (`${a.name}.${a.namespace}` < `${b.name}.${b.namespace}` ? -1 : `${a.name}.${a.namespace}` > `${b.name}.${b.namespace}` ? 1 : 0));
}

/** A filter name in a match, as the Istio version compares it with the generated (canonical) name. */
function nameMatches(s: Snapshot, matchName: string, filterName: string): boolean {
  if (matchName === filterName) return true;
  return behaves('istio-envoyfilter-deprecated-names', s.versions) && DEPRECATED[matchName] === filterName;
}

/** Whether a patch's proxy match holds for a proxy of the Istio version the input shows. */
function proxyMatches(s: Snapshot, p: EnvoyFilterPatch): Tri {
  if (p.proxyMetadata && Object.keys(p.proxyMetadata).length > 0) return 'unknown';
  if (!p.proxyVersion) return 'yes';
  if (!s.versionSources.some((v) => v.component === 'istio')) return 'unknown';
  let re: RegExp;
  try {
    re = new RegExp(p.proxyVersion);
  } catch {
    return 'unknown';
  }
  return re.test(versionOf('istio', s.versions)) ? 'yes' : 'no';
}

/** Whether a patch's listener match holds for a gateway chain (listenerMatch + filterChainMatch + the HCM name). */
export function patchMatchesChain(s: Snapshot, p: EnvoyFilterPatch, c: GatewayChain): { match: Tri; why: string } {
  if (p.context !== 'GATEWAY' && p.context !== 'ANY') return { match: 'no', why: `context ${p.context} is not GATEWAY` };
  const proxy = proxyMatches(s, p);
  if (proxy === 'no') return { match: 'no', why: `match.proxy.proxyVersion ${p.proxyVersion} does not match Istio ${versionOf('istio', s.versions)}` };
  const l = p.listener;
  if (l) {
    if (l.name !== undefined && l.name !== '' && l.name !== c.listenerName) return { match: 'no', why: `listener name ${l.name} is not ${c.listenerName}` };
    if (l.portNumber !== undefined && l.portNumber !== 0 && l.portNumber !== c.port) return { match: 'no', why: `portNumber ${l.portNumber} is not the listener's ${c.port}` };
    const fc = l.filterChain;
    if (fc) {
      if (fc.name !== undefined && fc.name !== '') return { match: 'no', why: `filterChain.name ${fc.name}: Istio names no gateway HTTP chain` };
      if (fc.sni !== undefined && fc.sni !== '' && !c.sni.includes(fc.sni)) return { match: 'no', why: `filterChain.sni ${fc.sni} is not a server name of this chain` };
      if (fc.transportProtocol || fc.applicationProtocols || (fc.destinationPort ?? 0) > 0) return { match: 'no', why: 'the gateway chain matches no transport protocol, application protocols or destination port' };
      if (fc.filter !== undefined && !nameMatches(s, fc.filter, HCM)) {
        const old = DEPRECATED[fc.filter] === HCM ? ` (a deprecated name Istio matches only before 1.19, istio/istio#45675; Istio ${versionOf('istio', s.versions)} generates ${HCM})` : '';
        return { match: 'no', why: `filter ${fc.filter} is not the HTTP connection manager${old}` };
      }
    }
  }
  if (proxy === 'unknown') return { match: 'unknown', why: p.proxyVersion ? `match.proxy.proxyVersion ${p.proxyVersion}: the input does not show the proxies' Istio version` : 'match.proxy.metadata: kgd does not see the proxies\' node metadata' };
  return { match: 'yes', why: '' };
}

/**
 * Istio's own HTTP filters kgd can vouch for on a gateway chain: AuthorizationPolicies' ext_authz (CUSTOM with a
 * provider mesh config defines) and RBAC (ALLOW/DENY, or CUSTOM naming an undefined provider), then fault, cors
 * and the router (pilot/pkg/networking/core/listener_builder.go buildHTTPConnectionManager). Filters that depend
 * on the version or on telemetry (metadata exchange, grpc_stats, alpn, stats) are not in it.
 */
function istioChain(s: Snapshot, w: AuthzTarget): { filters: ChainFilter[]; absent: Set<string> } {
  const mesh = meshSecurity(s);
  const policies = policyCandidates(s, w.namespace, mesh.rootNamespace).filter((p) => policyApplies(p, w, mesh));
  // A CUSTOM policy whose provider istiod resolves gets an ext_authz filter; one naming an undefined provider, or
  // one whose service is not in the cluster, gets deny rules in an RBAC filter (fail closed).
  const providerOk = (p: (typeof policies)[number]): boolean => {
    const provider = p.provider !== undefined ? mesh.extAuthz.get(p.provider) : undefined;
    return provider !== undefined && providerServiceFound(s, provider) !== 'no';
  };
  const custom = policies.filter((p) => p.action === 'CUSTOM');
  const local = policies.some((p) => p.action === 'ALLOW' || p.action === 'DENY');
  const audit = policies.some((p) => p.action === 'AUDIT');
  const own = (name: string): ChainFilter => ({ name, by: undefined, kind: filterKind(name, undefined) });
  const filters: ChainFilter[] = [];
  const absent = new Set<string>();
  // The CUSTOM builder's filters come first: an RBAC filter (shadow rules marking what goes to the provider, or the
  // deny rules), then ext_authz when a provider resolves; then the local builder's RBAC filter.
  if (custom.length > 0) filters.push(own(RBAC));
  if (custom.some(providerOk)) filters.push(own(EXT_AUTHZ)); else absent.add(EXT_AUTHZ);
  if (local) filters.push(own(RBAC));
  else if (custom.length === 0 && !audit) absent.add(RBAC);
  filters.push(own('envoy.filters.http.fault'), own('envoy.filters.http.cors'), own(ROUTER));
  return { filters, absent };
}

/** The HTTP filters of one gateway chain on pods `w` after the EnvoyFilters that attach to them. */
export function chainFilters(s: Snapshot, w: AuthzTarget, c: GatewayChain): ChainFilters {
  const attached = envoyFiltersFor(s, w);
  const { filters: base, absent } = istioChain(s, w);
  const chain: ChainFilter[] = [...base];
  const added: (ChainFilter & { afterRouter: boolean })[] = [];
  const changed: { filter: EnvoyFilter; patch: EnvoyFilterPatch; target: string; operation: string }[] = [];
  const undecided: UndecidedPatch[] = [];
  // Patches are applied EnvoyFilter by EnvoyFilter in istiod's order, each to the chain the earlier ones left.
  for (const filter of attached) {
    for (const patch of filter.patches) {
      if (patch.applyTo !== 'HTTP_FILTER' || !patch.operation) continue;
      const m = patchMatchesChain(s, patch, c);
      if (m.match === 'no') continue;
      if (m.match === 'unknown') {
        undecided.push({ filter, patch, reason: m.why });
        continue;
      }
      const op = patch.operation;
      const sub = patch.listener?.filterChain?.filter !== undefined ? patch.listener.filterChain.subFilter : undefined;
      const item: ChainFilter = { name: patch.valueName ?? '(unnamed)', by: { filter, patch }, kind: filterKind(patch.valueName, patch.valueType) };
      const at = sub === undefined ? -1 : chain.findIndex((f) => nameMatches(s, sub, f.name));
      // Whether the anchor is surely absent: Istio does not put it there and no earlier patch did.
      const anchorAbsent = sub !== undefined && at < 0 && (absent.has(DEPRECATED[sub] ?? sub) || absent.has(sub));
      const anchorUnknown = sub !== undefined && at < 0 && !anchorAbsent;
      const undecidedAnchor = (): void => { undecided.push({ filter, patch, reason: `it is anchored on ${sub}, which kgd cannot see on this chain (Istio adds it depending on version, telemetry and policies)` }); };
      if (op === 'ADD' || (op === 'INSERT_AFTER' && sub === undefined)) {
        chain.push(item);
        continue;
      }
      if (op === 'INSERT_FIRST' || (op === 'INSERT_BEFORE' && sub === undefined)) {
        chain.unshift(item);
        continue;
      }
      if (op === 'INSERT_BEFORE' || op === 'INSERT_AFTER') {
        if (anchorUnknown) { undecidedAnchor(); continue; }
        if (at < 0) continue;
        chain.splice(op === 'INSERT_BEFORE' ? at : at + 1, 0, item);
        continue;
      }
      if (op === 'REPLACE' || op === 'REMOVE') {
        if (sub === undefined) continue; // Istio ignores both without a filter to act on
        if (anchorUnknown) { undecidedAnchor(); continue; }
        if (at < 0) continue;
        changed.push({ filter, patch, target: chain[at]!.name, operation: op });
        if (op === 'REPLACE') chain[at] = item; else for (let i = chain.length - 1; i >= 0; i--) if (nameMatches(s, sub, chain[i]!.name)) chain.splice(i, 1);
        continue;
      }
      if (op === 'MERGE') {
        if (sub !== undefined && at >= 0) changed.push({ filter, patch, target: chain[at]!.name, operation: op });
        else if (sub === undefined || anchorUnknown) undecided.push({ filter, patch, reason: 'MERGE changes the configuration of filters kgd cannot see' });
      }
    }
  }
  const router = chain.findIndex((f) => f.name === ROUTER && f.by === undefined);
  chain.forEach((f, i) => { if (f.by) added.push({ ...f, afterRouter: router >= 0 && i > router }); });
  return { filters: chain, added, changed, undecided, attached };
}

/** Credentials an ext_authz auth server may accept: without any, Kubeflow's AuthService and oauth2-proxy answer 302 or 401. */
export function hasCredentials(headers: Readonly<Record<string, string>>): boolean {
  return Object.keys(headers).some((h) => ['authorization', 'cookie', 'x-auth-token'].includes(h.toLowerCase()));
}

/** The fix for a patch that acts on the local gateway's listener: the fields of the EnvoyFilter the user owns. */
export function localGatewayFilterAdvice(f: EnvoyFilter, p: EnvoyFilterPatch, localPort: number, otherPorts: readonly number[] = []): string {
  const target = otherPorts.length ? `the external gateway's listener (${otherPorts.join(' or ')})` : 'the external gateway\'s listener';
  return `Limit configPatches[${p.index}] of EnvoyFilter ${f.namespace}/${f.name} to ${target} with match.listener.portNumber (inside match, not beside it), so port ${localPort} keeps no such filter; or serve the local gateway from pods its workloadSelector does not select (kgd generate local-gateway).`;
}
