import { istioConfigOrder, type Gateway, type GatewayServer, type HttpMatch, type HttpRoute, type StringMatch, type VirtualService } from '../../model/istio.js';
import type { Service, Workload } from '../../model/core.js';
import type { Snapshot } from '../../snapshot/snapshot.js';
import { isHttpsTerminating, isPlainHttpServer, listenersFor, sanitizedServerHosts, serverTlsMode, sniHosts, type BoundServer } from './listeners.js';
import { MESH_GATEWAY, resolveGatewayRef } from './gateway-ref.js';
import { hostMatches, parseServerHost, stripPort } from './hosts.js';

/** An HTTP request as a gateway's Envoy sees it. */
export interface HttpRequest {
  /** The Host / :authority header, possibly with a port. */
  readonly authority: string;
  readonly path: string;
  readonly method: string;
  /** Lower-cased names. */
  readonly headers: Readonly<Record<string, string>>;
  /** The TLS handshake the client makes first; absent for plain text. `mtls`: it presents the mesh's certificate. */
  readonly tls?: { readonly mode: 'tls' | 'mtls'; readonly sni: string | undefined };
}

/** One Envoy route: a VirtualService http route with one of its matches (undefined: the route has none). */
export interface EnvoyRoute {
  readonly vs: VirtualService;
  readonly route: HttpRoute;
  readonly match: HttpMatch | undefined;
  readonly gateway: Gateway;
  readonly server: GatewayServer;
}

/** One Envoy virtual host on a gateway listener: a domain and the routes of the VirtualServices bound to it. */
export interface VirtualHost {
  /** The primary domain (Istio collapses virtual hosts with identical routes into one with several domains). */
  readonly domain: string;
  readonly domains: readonly string[];
  /** Istio's name for it: `<domain>:<server port>`, or `blackhole:<port>` when the listener has no route at all. */
  readonly name: string;
  readonly routes: readonly EnvoyRoute[];
  /** An HTTP server's `tls.httpsRedirect` covers this host: plain-text requests get a 301 to https. */
  readonly requireTls: boolean;
}

/**
 * One filter chain of a gateway listener, as Istio builds them (pilot/pkg/networking/core/gateway.go
 * buildGatewayTCPBasedFilterChains): one plain-text HTTP connection manager for all the HTTP servers on the
 * port, one TLS-terminating connection manager per HTTPS server (matched by SNI), and a TCP chain for a
 * passthrough or TCP server — only when some VirtualService has tls/tcp routes for it (a simplification:
 * kgd does not route L4 traffic).
 */
export type FilterChain =
  | { readonly kind: 'http'; readonly servers: readonly BoundServer[]; readonly sni: readonly string[]; readonly routeConfig: string }
  | { readonly kind: 'https'; readonly servers: readonly [BoundServer]; readonly sni: readonly string[]; readonly mtls: boolean; readonly routeConfig: string }
  | { readonly kind: 'tcp'; readonly servers: readonly [BoundServer]; readonly sni: readonly string[] };

export type GatewayRouting =
  | { readonly kind: 'no-listener'; readonly port: number }
  | { readonly kind: 'not-http'; readonly port: number; readonly servers: readonly BoundServer[] }
  /** No filter chain takes the connection (SNI matches none, or several equally). */
  | { readonly kind: 'no-filter-chain'; readonly port: number; readonly servers: readonly BoundServer[]; readonly multiple: boolean }
  /** The chain's TLS and the client's disagree: plain text to TLS, TLS to plain text, a missing or unwanted mesh certificate. */
  | { readonly kind: 'tls-mismatch'; readonly port: number; readonly servers: readonly BoundServer[]; readonly error: 'invalid TLS' | 'invalid mTLS' | 'protocol error' }
  /** The virtual host requires TLS (httpsRedirect): a plain-text request is answered 301. */
  | { readonly kind: 'https-redirect'; readonly port: number; readonly servers: readonly BoundServer[]; readonly routeConfig: string; readonly virtualHost: VirtualHost }
  | { readonly kind: 'no-virtual-host'; readonly port: number; readonly servers: readonly BoundServer[]; readonly routeConfig: string; readonly domains: readonly string[] }
  | { readonly kind: 'no-route'; readonly port: number; readonly servers: readonly BoundServer[]; readonly routeConfig: string; readonly virtualHost: VirtualHost }
  | {
      readonly kind: 'routed';
      readonly port: number;
      readonly servers: readonly BoundServer[];
      readonly routeConfig: string;
      readonly virtualHost: VirtualHost;
      readonly vs: VirtualService;
      readonly route: HttpRoute;
      readonly gateway: Gateway;
      readonly server: GatewayServer;
    };

function gatewayKey(g: Gateway): string {
  return `${g.namespace}/${g.name}`;
}

function refersTo(ref: string, vsNamespace: string, g: Gateway): boolean {
  if (ref === MESH_GATEWAY) return false;
  const r = resolveGatewayRef(ref, vsNamespace);
  return r.namespace === g.namespace && r.name === g.name;
}

/** Whether a VirtualService binds to this gateway (spec.gateways only, as Istio indexes them). */
function bindsTo(vs: VirtualService, g: Gateway): boolean {
  return vs.gateways.some((ref) => refersTo(ref, vs.namespace, g));
}

/** Istio orders VirtualServices by creation time, then name, then namespace (manifests usually have no times). */
const vsOrder = istioConfigOrder;

/** A match Envoy treats as catch-all: path `/` (or none) and no header matcher (an authority match is one). */
export function isCatchAll(m: HttpMatch | undefined): boolean {
  if (!m) return true;
  if (m.authority || Object.keys(m.headers).length > 0) return false;
  if (!m.uri) return true;
  return ('prefix' in m.uri && m.uri.prefix === '/') || ('regex' in m.uri && m.uri.regex === '.*');
}

/**
 * The Envoy routes Istio builds from one VirtualService for one gateway server (BuildHTTPRoutesForVirtualService):
 * one per match that applies to this gateway and server port, in order, stopping after a catch-all.
 */
function routesFor(vs: VirtualService, g: Gateway, server: GatewayServer): EnvoyRoute[] {
  const out: EnvoyRoute[] = [];
  for (const route of vs.http) {
    if (route.match.length === 0) {
      out.push({ vs, route, match: undefined, gateway: g, server });
      break;
    }
    let catchAll = false;
    for (const m of route.match) {
      if (m.gateways && m.gateways.length > 0 && !m.gateways.some((ref) => refersTo(ref, vs.namespace, g))) continue;
      if (m.port !== undefined && m.port !== server.portNumber) continue;
      out.push({ vs, route, match: m, gateway: g, server });
      if (isCatchAll(m)) {
        catchAll = true;
        break;
      }
    }
    if (catchAll) break;
  }
  return out;
}

/**
 * The VirtualServices bound to each Gateway (by `namespace/name`), in Istio's order, with how many of their
 * `spec.gateways` references name it: Istio indexes a VirtualService once per reference, so two references to one
 * Gateway (`gw.ns` and `ns/gw`) add its routes twice (harmless for matching; kept so route configurations agree).
 */
function boundVirtualServices(snapshot: Snapshot): ReadonlyMap<string, readonly { vs: VirtualService; times: number }[]> {
  return snapshot.memo('virtual-services-by-gateway', () => {
    const byGateway = new Map<string, { vs: VirtualService; times: number }[]>();
    for (const vs of [...snapshot.list('VirtualService')].sort(vsOrder)) {
      const times = new Map<string, number>();
      for (const ref of vs.gateways) {
        if (ref === MESH_GATEWAY) continue;
        const r = resolveGatewayRef(ref, vs.namespace);
        const key = `${r.namespace}/${r.name}`;
        times.set(key, (times.get(key) ?? 0) + 1);
      }
      for (const [key, n] of times) {
        const list = byGateway.get(key);
        if (list) list.push({ vs, times: n });
        else byGateway.set(key, [{ vs, times: n }]);
      }
    }
    return byGateway;
  });
}

/**
 * The virtual hosts of one route configuration, built once per snapshot for every workload whose listener merges
 * the same servers (the gateway's replicas, its Deployment and its pods), and indexed for Envoy's choice.
 */
export function virtualHosts(snapshot: Snapshot, servers: readonly BoundServer[], routeConfig: string): { vhosts: VirtualHost[]; pick: (authority: string) => VirtualHost | undefined } {
  const key = servers.map((b) => `${gatewayKey(b.gateway)}#${b.gateway.servers.indexOf(b.server)}@${b.listenerPort}`).join(',');
  return snapshot.memo(`vhosts:${routeConfig}:${key}`, () => vhostTable(buildVirtualHosts(snapshot, servers)));
}

/**
 * The virtual hosts Istio builds for the plain-HTTP servers merged on one listener
 * (buildGatewayHTTPRouteConfig): for each server, each VirtualService bound to its Gateway that yields
 * routes contributes them to a virtual host per host it shares with the server (the more specific of the
 * two); equal hosts merge, catch-all routes move last, and a listener without any gets `blackhole`.
 */
export function buildVirtualHosts(snapshot: Snapshot, servers: readonly BoundServer[]): VirtualHost[] {
  // A domain's routes: while only one VirtualService gave them, its (shared, never changed) array; `own` once merged.
  const byDomain = new Map<string, { port: number; routes: EnvoyRoute[]; own: boolean; requireTls: boolean }>();
  // Istio builds a VirtualService's routes once per gateway and reuses them for every server and host.
  const cache = new Map<Gateway, Map<VirtualService, EnvoyRoute[]>>();
  const bound = boundVirtualServices(snapshot);
  for (const b of servers) {
    const port = b.server.portNumber ?? b.listenerPort;
    const serverHosts = b.server.hosts.map((h) => parseServerHost(h, b.gateway.namespace));
    const redirect = b.server.tls && b.server.httpsRedirect;
    let built = cache.get(b.gateway);
    if (!built) cache.set(b.gateway, (built = new Map()));
    for (const { vs, times } of bound.get(gatewayKey(b.gateway)) ?? []) {
      const shared: string[] = [];
      for (const sh of serverHosts) {
        if (sh.namespace === '~' || (sh.namespace !== '*' && sh.namespace !== vs.namespace)) continue;
        for (const vsHost of vs.hosts) {
          const h = hostMatches(vsHost, sh.host) ? sh.host : hostMatches(sh.host, vsHost) ? vsHost : undefined;
          if (h !== undefined && !shared.includes(h.toLowerCase())) shared.push(h.toLowerCase());
        }
      }
      if (shared.length === 0) continue;
      let repeated = built.get(vs);
      if (!repeated) {
        const routes = routesFor(vs, b.gateway, b.server);
        repeated = times === 1 ? routes : Array.from({ length: times }, () => routes).flat();
        built.set(vs, repeated);
      }
      if (repeated.length === 0) continue; // Istio omits a VirtualService with no route for this gateway
      for (const domain of shared) {
        const vh = byDomain.get(domain);
        if (!vh) byDomain.set(domain, { port, routes: repeated, own: false, requireTls: redirect });
        else {
          if (vh.own) vh.routes.push(...repeated);
          else {
            vh.routes = [...vh.routes, ...repeated];
            vh.own = true;
          }
          if (redirect) vh.requireTls = true;
        }
      }
    }
    // httpsRedirect: every server host (as written, namespace part included) gets a virtual host requiring TLS.
    if (redirect) {
      for (const raw of sanitizedServerHosts(b.server, b.gateway.namespace)) {
        const domain = raw.toLowerCase();
        const vh = byDomain.get(domain);
        if (vh) vh.requireTls = true;
        else byDomain.set(domain, { port, routes: [], own: true, requireTls: true });
      }
    }
  }
  if (byDomain.size === 0) {
    return [{ domain: '*', domains: ['*'], name: `blackhole:${servers[0]?.server.portNumber ?? 0}`, routes: [], requireTls: false }];
  }
  // Virtual hosts with the very same routes (and TLS requirement) collapse into the most specific one
  // (collapseDuplicateRoutes): each is compared with the last one seen with the same routes.
  const collapsed: { name: string; domains: string[]; routes: EnvoyRoute[]; requireTls: boolean }[] = [];
  const byRoutes = new Map<string, (typeof collapsed)[number]>();
  const ids = new Map<EnvoyRoute, number>();
  const idOf = (r: EnvoyRoute) => ids.get(r) ?? (ids.set(r, ids.size), ids.size - 1);
  // The signature of a shared array is the same for every domain it went to: computed once.
  const sharedSig = new Map<EnvoyRoute[], string>();
  const sigOf = (routes: EnvoyRoute[]) => routes.map(idOf).join(',');
  for (const domain of [...byDomain.keys()].sort(moreSpecificFirst)) {
    const v = byDomain.get(domain)!;
    let sig = v.own ? sigOf(v.routes) : sharedSig.get(v.routes);
    if (sig === undefined) sharedSig.set(v.routes, (sig = sigOf(v.routes)));
    const same = byRoutes.get(sig);
    if (same && same.requireTls === v.requireTls) same.domains.push(domain);
    else {
      const entry = { name: `${domain}:${v.port}`, domains: [domain], routes: v.routes, requireTls: v.requireTls };
      byRoutes.set(sig, entry);
      collapsed.push(entry);
    }
  }
  return collapsed.map((v) => ({
    domain: v.domains[0]!,
    domains: v.domains,
    name: v.name,
    routes: [...v.routes.filter((r) => !isCatchAll(r.match)), ...v.routes.filter((r) => isCatchAll(r.match))],
    requireTls: v.requireTls,
  }));
}

/** Istio's host order (host.MoreSpecific): non-wildcards first, then longer first, then alphabetical. */
function moreSpecificFirst(a: string, b: string): number {
  const aw = a.startsWith('*');
  const bw = b.startsWith('*');
  if (aw !== bw) return aw ? 1 : -1;
  if (a.length !== b.length) return b.length - a.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Envoy's virtual host choice: exact domain, then the longest suffix wildcard, then `*`. Ports are ignored. */
export function pickVirtualHost(vhosts: readonly VirtualHost[], authority: string): VirtualHost | undefined {
  const host = stripPort(authority).toLowerCase();
  const exact = vhosts.find((v) => v.domains.includes(host));
  if (exact) return exact;
  let best: { vh: VirtualHost; len: number } | undefined;
  for (const v of vhosts) for (const d of v.domains) {
    if (d.startsWith('*.') && hostMatches(d, host) && (!best || d.length > best.len)) best = { vh: v, len: d.length };
  }
  return best?.vh ?? vhosts.find((v) => v.domains.includes('*'));
}

/** Virtual hosts indexed for Envoy's choice: exact domains in a map, wildcard suffixes longest first. */
function vhostTable(vhosts: VirtualHost[]): { vhosts: VirtualHost[]; pick: (authority: string) => VirtualHost | undefined } {
  const exact = new Map<string, VirtualHost>();
  const wild: { suffix: string; vh: VirtualHost }[] = [];
  let star: VirtualHost | undefined;
  for (const v of vhosts) for (const d of v.domains) {
    if (d === '*') star ??= v;
    else if (d.startsWith('*.')) wild.push({ suffix: d.slice(1), vh: v });
    else if (!exact.has(d)) exact.set(d, v);
  }
  wild.sort((a, b) => b.suffix.length - a.suffix.length);
  return {
    vhosts,
    pick: (authority) => {
      const host = stripPort(authority).toLowerCase();
      return exact.get(host) ?? wild.find((x) => host.endsWith(x.suffix) && host.length > x.suffix.length)?.vh ?? star;
    },
  };
}

/** Compiled patterns; bounded, since KServe writes one authority regex per InferenceService and each compiled regex holds code. */
const regexCache = new Map<string, RegExp | null>();
const REGEX_CACHE_LIMIT = 1024;

/** RE2-style whole-string match, as Envoy's safe_regex; compiled once per pattern. */
function regexFullMatch(re: string, value: string): boolean {
  let compiled = regexCache.get(re);
  if (compiled === undefined) {
    const insensitive = re.startsWith('(?i)');
    try {
      compiled = new RegExp(`^(?:${insensitive ? re.slice(4) : re})$`, insensitive ? 'i' : '');
    } catch {
      compiled = null; // Istio rejects invalid regexes; such a match never applies
    }
    if (regexCache.size >= REGEX_CACHE_LIMIT) regexCache.clear();
    regexCache.set(re, compiled);
  }
  return compiled !== null && compiled.test(value);
}

export function stringMatches(m: StringMatch, value: string | undefined): boolean {
  if (value === undefined) return false;
  if ('exact' in m) return value === m.exact;
  if ('prefix' in m) return value.startsWith(m.prefix);
  return regexFullMatch(m.regex, value);
}

/** Whether a request meets a match's authority, uri and headers (gateways and port decide earlier). */
export function matchApplies(m: HttpMatch, req: HttpRequest): boolean {
  if (m.authority && !stringMatches(m.authority, req.authority)) return false;
  if (m.uri && !stringMatches(m.uri, req.path.split('?')[0]!)) return false;
  for (const [name, hm] of Object.entries(m.headers)) if (!stringMatches(hm, req.headers[name])) return false;
  return true;
}

/** The filter chains of a workload's listener on `port`, in Istio's order (see FilterChain). */
export function filterChains(snapshot: Snapshot, w: Workload, port: number): readonly FilterChain[] {
  return snapshot.memo(`chains:${w.res.kind}:${w.namespace}/${w.res.name}:${port}`, () => {
    const all = listenersFor(snapshot, w).byPort.get(port) ?? [];
    const chains: FilterChain[] = [];
    const http = all.filter((b) => isPlainHttpServer(b.server));
    if (http.length > 0) chains.push({ kind: 'http', servers: http, sni: [], routeConfig: `http.${port}` });
    for (const b of all) {
      if (isPlainHttpServer(b.server)) continue;
      const sni = b.server.tls ? sniHosts(b.server, b.gateway.namespace) : [];
      if (isHttpsTerminating(b.server)) {
        const routeConfig = `https.${b.server.portNumber ?? port}.${b.server.portName ?? ''}.${b.gateway.name}.${b.gateway.namespace}`;
        chains.push({ kind: 'https', servers: [b], sni, mtls: serverTlsMode(b.server) === 'ISTIO_MUTUAL', routeConfig });
      } else if (snapshot.list('VirtualService').some((vs) => vs.hasL4Routes && bindsTo(vs, b.gateway))) {
        chains.push({ kind: 'tcp', servers: [b], sni });
      }
    }
    return chains;
  });
}

/**
 * Envoy's filter chain choice on the SNI (server_names): an exact name first, then the longest wildcard that
 * covers it; with no match, the chains that name no server. Only when no chain names one, all of them stay.
 */
function chainsForSni(chains: readonly FilterChain[], sni: string | undefined): FilterChain[] {
  if (!chains.some((c) => c.sni.length > 0)) return [...chains];
  let best = 0;
  let picked: FilterChain[] = [];
  for (const c of chains) {
    let rank = 0;
    for (const name of c.sni) {
      if (sni !== undefined && name === sni) rank = Number.MAX_SAFE_INTEGER;
      else if (sni !== undefined && name.startsWith('*') && hostMatches(name, sni)) rank = Math.max(rank, name.length);
    }
    if (rank > best) {
      best = rank;
      picked = [c];
    } else if (rank > 0 && rank === best) picked.push(c);
  }
  return picked.length > 0 ? picked : chains.filter((c) => c.sni.length === 0);
}

/** Routes a request that reached `port` on a gateway workload, as its Envoy would. */
export function routeAtGateway(snapshot: Snapshot, w: Workload, port: number, req: HttpRequest): GatewayRouting {
  const all = listenersFor(snapshot, w).byPort.get(port) ?? [];
  const chains = filterChains(snapshot, w, port);
  // Istio omits a listener it has no filter chain for.
  if (all.length === 0 || chains.length === 0) return { kind: 'no-listener', port };
  const picked = chainsForSni(chains, req.tls?.sni);
  if (picked.length !== 1) return { kind: 'no-filter-chain', port, servers: all, multiple: picked.length > 1 };
  const chain = picked[0]!;
  if (chain.kind === 'tcp') return { kind: 'not-http', port, servers: chain.servers };
  if (chain.kind === 'https') {
    if (!req.tls) return { kind: 'tls-mismatch', port, servers: chain.servers, error: 'invalid TLS' };
    if (chain.mtls !== (req.tls.mode === 'mtls')) return { kind: 'tls-mismatch', port, servers: chain.servers, error: 'invalid mTLS' };
  } else if (req.tls) return { kind: 'tls-mismatch', port, servers: chain.servers, error: 'protocol error' };
  const servers = chain.servers;
  const routeConfig = chain.routeConfig;
  const table = virtualHosts(snapshot, servers, routeConfig);
  const vh = table.pick(req.authority);
  if (!vh) return { kind: 'no-virtual-host', port, servers, routeConfig, domains: table.vhosts.map((v) => v.domain).sort() };
  if (vh.requireTls && !req.tls) return { kind: 'https-redirect', port, servers, routeConfig, virtualHost: vh };
  const hit = vh.routes.find((r) => !r.match || matchApplies(r.match, req));
  if (!hit) return { kind: 'no-route', port, servers, routeConfig, virtualHost: vh };
  return { kind: 'routed', port, servers, routeConfig, virtualHost: vh, vs: hit.vs, route: hit.route, gateway: hit.gateway, server: hit.server };
}

/** The FQDN forms a short in-cluster name stands for, as the resolver search path expands it. */
export function expandShort(host: string, callerNamespace: string, clusterDomain: string): string[] {
  const parts = host.split('.');
  if (host.endsWith(`.svc.${clusterDomain}`)) return [host];
  if (parts.length === 1) return [`${host}.${callerNamespace}.svc.${clusterDomain}`];
  if (parts.length === 2) return [`${host}.svc.${clusterDomain}`];
  if (parts.length === 3 && parts[2] === 'svc') return [`${host}.${clusterDomain}`];
  return [host];
}

/** The destination a route sends most traffic to (the heaviest weight; unweighted counts as 100). */
export function chooseDestination(route: HttpRoute): HttpRoute['route'][number] | undefined {
  return [...route.route].sort((a, b) => (b.weight ?? 100) - (a.weight ?? 100))[0];
}

/** Istio resolves a short destination host in the VirtualService's namespace (ResolveShortnameToFQDN). */
export function destinationFqdn(host: string, vsNamespace: string, clusterDomain: string): string {
  return host.includes('.') ? host : `${host}.${vsNamespace}.svc.${clusterDomain}`;
}

/** The Service a destination FQDN names, if the input has it (`<name>.<namespace>.svc.<cluster domain>`). */
export function destinationService(snapshot: Snapshot, fqdn: string): Service | undefined {
  const suffix = `.svc.${snapshot.clusterDomain}`;
  if (!fqdn.endsWith(suffix)) return undefined;
  const [name, ns, extra] = fqdn.slice(0, -suffix.length).split('.');
  return name && ns && extra === undefined ? snapshot.get('Service', ns, name) : undefined;
}

/**
 * The port of a route's cluster (route.GetDestinationCluster): the destination's port; without one, the Service's
 * only port; else the Gateway server's port number (which a multi-port Service may not have: then no cluster, 503).
 */
export function destinationPort(snapshot: Snapshot, dest: { readonly port?: number | undefined }, fqdn: string, serverPort: number | undefined): number {
  if (dest.port !== undefined) return dest.port;
  const svc = destinationService(snapshot, fqdn);
  if (svc && svc.ports.length === 1) return svc.ports[0]!.port;
  return serverPort ?? 80;
}

/** The result of one call, named the way Istio's simulator names what it matched (for the oracle test). */
export interface GatewayCallResult {
  readonly listener: string;
  readonly routeConfig: string;
  readonly virtualHost: string;
  readonly route: string;
  readonly cluster: string;
  readonly error: string;
}

export function gatewayCall(snapshot: Snapshot, w: Workload, port: number, req: HttpRequest, clusterDomain: string): GatewayCallResult {
  const r = routeAtGateway(snapshot, w, port, req);
  const none = { listener: '', routeConfig: '', virtualHost: '', route: '', cluster: '', error: '' };
  if (r.kind === 'no-listener') return { ...none, error: 'no listener matched' };
  const base = { ...none, listener: `0.0.0.0_${port}` };
  if (r.kind === 'not-http') return { ...base, error: 'a TCP proxy chain (kgd does not route L4 traffic)' };
  if (r.kind === 'no-filter-chain') return { ...base, error: r.multiple ? 'multiple filter chains matched' : 'no filter chains matched' };
  if (r.kind === 'tls-mismatch') return { ...base, error: r.error };
  const withRc = { ...base, routeConfig: r.routeConfig };
  if (r.kind === 'no-virtual-host') return { ...withRc, error: 'no virtual host matched' };
  if (r.kind === 'https-redirect') return { ...withRc, virtualHost: r.virtualHost.name, error: 'tls required, sending 301' };
  if (r.kind === 'no-route') return { ...withRc, virtualHost: r.virtualHost.name, error: 'no route matched' };
  const dest = chooseDestination(r.route);
  const host = dest ? destinationFqdn(dest.host, r.vs.namespace, clusterDomain) : '';
  return { ...withRc, virtualHost: r.virtualHost.name, route: r.route.name ?? '', cluster: dest ? `outbound|${destinationPort(snapshot, dest, host, r.server.portNumber)}||${host}` : '' };
}
