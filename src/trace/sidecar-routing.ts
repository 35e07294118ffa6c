import { istioConfigOrder, type HttpMatch, type HttpRoute, type VirtualService } from '../model/istio.js';
import type { Service } from '../model/core.js';
import type { Snapshot } from '../snapshot/snapshot.js';
import { MESH_GATEWAY } from '../platform/istio/gateway-ref.js';
import { hostMatches, stripPort } from '../platform/istio/hosts.js';
import { chooseDestination, destinationFqdn, isCatchAll, matchApplies, type HttpRequest } from '../platform/istio/gateway-routing.js';

/**
 * Outbound HTTP routing in an application's sidecar, as Istio builds it (pilot/pkg/networking/core/httproute.go
 * BuildSidecarOutboundVirtualHosts, route/route.go BuildSidecarVirtualHostWrapper) and Envoy applies it:
 * one listener `0.0.0.0_<port>` per port some Service serves HTTP on, its route configuration `<port>` with a
 * virtual host per VirtualService host and per Service (domains: the name, its short forms as seen from the
 * caller's namespace, its ClusterIP), then `allow_any` to the original destination. The Host header is
 * matched as sent: the resolver's search path never rewrites it.
 * Checked against Istio's own config pipeline and simulator by test/oracle.test.ts.
 */

/** A Service as Istio's registry holds it for one port. */
export interface MeshService {
  readonly service: Service;
  /** `<name>.<ns>.svc.<cluster-domain>`, lower-cased. */
  readonly host: string;
  /** The ExternalName target: Istio makes the Service an alias of it. */
  readonly alias: string | undefined;
  /** Hosts of ExternalName Services pointing at this one (Istio's Attributes.Aliases). */
  readonly aliases: readonly string[];
  readonly address: string | undefined;
}

/** One Envoy route in a sidecar virtual host. */
export type SidecarRoute =
  | {
      readonly kind: 'vs'; readonly vs: VirtualService; readonly route: HttpRoute; readonly match: HttpMatch | undefined;
      /** Where the route sends the request (an ExternalName destination resolved to its target), and its cluster. */
      readonly destination: { readonly host: string; readonly port: number } | undefined;
      readonly cluster: string;
    }
  | { readonly kind: 'default'; readonly service: MeshService; readonly cluster: string }
  | { readonly kind: 'allow_any'; readonly cluster: 'PassthroughCluster' };

export interface SidecarVirtualHost {
  readonly name: string;
  readonly domains: readonly string[];
  readonly routes: readonly SidecarRoute[];
}

export type SidecarRouting =
  /** No Service serves HTTP on the port: the virtual outbound listener passes the connection to its original destination. */
  | { readonly kind: 'passthrough'; readonly port: number }
  | { readonly kind: 'no-route'; readonly port: number; readonly virtualHost: SidecarVirtualHost }
  | { readonly kind: 'routed'; readonly port: number; readonly virtualHost: SidecarVirtualHost; readonly route: SidecarRoute };

/** Port names Istio reads as a protocol that is not HTTP (protocol selection by name prefix). */
const NOT_HTTP = new Set(['tcp', 'tls', 'https', 'mongo', 'mysql', 'redis', 'udp', 'sctp']);

/** Whether Istio treats a Service port as HTTP or sniffs it (IsHTTPOrSniffed): HTTP-family names, and unknown ones. */
function httpOrSniffed(name: string | undefined, protocol: string): boolean {
  if (protocol === 'UDP' || protocol === 'SCTP') return false;
  const prefix = (name ?? '').toLowerCase().split('-')[0] ?? '';
  return !NOT_HTTP.has(prefix);
}

/** The Services Istio's registry holds for `port`, by lower-cased host. */
function registry(snapshot: Snapshot, port: number, clusterDomain: string): Map<string, MeshService> {
  return snapshot.memo(`mesh-registry:${port}:${clusterDomain}`, () => {
    const hostOf = (s: Service) => `${s.name}.${s.namespace}.svc.${clusterDomain}`.toLowerCase();
    const aliasTarget = (s: Service) => (s.type === 'ExternalName' || s.externalName ? (s.externalName ?? '').toLowerCase() : undefined);
    const out = new Map<string, MeshService>();
    const services = snapshot.list('Service');
    // ExternalName Services by the host they point at (Istio's Attributes.Aliases of that Service), whatever their ports.
    const aliasesOf = new Map<string, string[]>();
    for (const x of services) {
      const target = aliasTarget(x);
      if (target !== undefined) aliasesOf.set(target, [...(aliasesOf.get(target) ?? []), hostOf(x)]);
    }
    for (const s of services) {
      if (!s.ports.some((p) => p.port === port && httpOrSniffed(p.name, p.protocol))) continue;
      const alias = aliasTarget(s);
      const host = hostOf(s);
      out.set(host, { service: s, host, alias, aliases: alias === undefined ? (aliasesOf.get(host) ?? []) : [], address: alias === undefined ? s.clusterIP : undefined });
    }
    return out;
  });
}

/** Istio's routes for one VirtualService on the mesh gateway and a listener port (BuildHTTPRoutesForVirtualService). */
function meshRoutes(vs: VirtualService, port: number): { route: HttpRoute; match: HttpMatch | undefined }[] {
  const out: { route: HttpRoute; match: HttpMatch | undefined }[] = [];
  for (const route of vs.http) {
    if (route.match.length === 0) {
      out.push({ route, match: undefined });
      break;
    }
    let catchAll = false;
    for (const m of route.match) {
      if (m.gateways && m.gateways.length > 0 && !m.gateways.includes(MESH_GATEWAY)) continue;
      if (m.port !== undefined && m.port !== port) continue;
      out.push({ route, match: m });
      if (!m.authority && Object.keys(m.headers).length === 0 && (!m.uri || ('prefix' in m.uri && m.uri.prefix === '/'))) {
        catchAll = true;
        break;
      }
    }
    if (catchAll) break;
  }
  return out;
}

/** GetDestinationCluster: the destination port, else the Service's one port, else the listener's; an alias goes to its target. */
function destination(route: HttpRoute, vs: VirtualService, reg: ReadonlyMap<string, MeshService>, port: number, clusterDomain: string): { host: string; port: number } | undefined {
  const dest = chooseDestination(route);
  if (!dest) return undefined;
  const host = destinationFqdn(dest.host, vs.namespace, clusterDomain).toLowerCase();
  return { host: reg.get(host)?.alias ?? host, port: dest.port ?? port };
}

/** The kube short forms of a host as seen from a caller namespace (generateAltVirtualHostsForKubernetesService). */
function altHosts(host: string, callerNamespace: string, clusterDomain: string): string[] {
  const out = [`${host}.`];
  if (!host.endsWith(`.svc.${clusterDomain}`)) return out;
  const ih = host.indexOf('.svc.');
  const ns = host.indexOf('.');
  if (ns + 1 >= host.length || ns + 1 > ih) return out;
  if (host.slice(ns + 1, ih) === callerNamespace) out.push(host.slice(0, ns), `${host.slice(0, ih)}.svc`, host.slice(0, ih));
  else out.push(host.slice(0, ih), `${host.slice(0, ih)}.svc`);
  return out;
}

function isMeshBound(vs: VirtualService): boolean {
  return vs.gateways.includes(MESH_GATEWAY);
}

/** The virtual hosts of a sidecar's route configuration `<port>` for a caller in `callerNamespace`; undefined when no listener. */
export function sidecarVirtualHosts(snapshot: Snapshot, callerNamespace: string, port: number, clusterDomain: string): SidecarVirtualHost[] | undefined {
  return snapshot.memo(`sidecar-vhosts:${callerNamespace}:${port}:${clusterDomain}`, () => {
    const reg = registry(snapshot, port, clusterDomain);
    // An ExternalName Service (an alias) makes no listener of its own.
    if (![...reg.values()].some((s) => s.alias === undefined)) return undefined;
    let vss = [...snapshot.list('VirtualService')].filter(isMeshBound).sort(istioConfigOrder);
    const allMesh = vss;
    // Istio's "hack to keep consistent with previous behavior": on ports other than 80 only VirtualServices with a Service host count.
    const hostsService = (h: string) => {
      const l = h.toLowerCase();
      return reg.has(l) || (l.startsWith('*') && [...reg.keys()].some((k) => hostMatches(l, k)));
    };
    if (port !== 80) vss = vss.filter((vs) => vs.hosts.some(hostsService));
    // Per Service host, the VirtualService that owns it (computeWildcardHostVirtualServiceIndex, MostSpecificHostMatch):
    // the first with that exact host, else the first with the most specific wildcard host covering it.
    const wildcardOwner = new Map<string, VirtualService>();
    const exactOwner = new Map<string, VirtualService>();
    const wildcards: { host: string; vs: VirtualService }[] = [];
    for (const vs of allMesh) for (const h of vs.hosts) {
      if (h.startsWith('*')) wildcards.push({ host: h, vs });
      else if (!exactOwner.has(h)) exactOwner.set(h, vs);
    }
    for (const svcHost of reg.keys()) {
      const exact = exactOwner.get(svcHost);
      if (exact) {
        wildcardOwner.set(svcHost, exact);
        continue;
      }
      let best: { vs: VirtualService; len: number } | undefined;
      for (const w of wildcards) if (hostMatches(w.host, svcHost) && (!best || w.host.length > best.len)) best = { vs: w.vs, len: w.host.length };
      if (best) wildcardOwner.set(svcHost, best.vs);
    }
    interface Wrapper { services: MeshService[]; vsHosts: string[]; routes: SidecarRoute[] }
    const wrappers: Wrapper[] = [];
    for (const vs of vss) {
      const built = meshRoutes(vs, port);
      if (built.length === 0) continue;
      const routes: SidecarRoute[] = built.map((r) => {
        const d = destination(r.route, vs, reg, port, clusterDomain);
        return { kind: 'vs', vs, route: r.route, match: r.match, destination: d, cluster: d ? `outbound|${d.port}||${d.host}` : '' };
      });
      const vsHosts: string[] = [];
      const services: MeshService[] = [];
      for (const h of vs.hosts) {
        if (h.startsWith('*')) continue;
        const svc = reg.get(h.toLowerCase());
        if (svc) services.push(svc);
        else vsHosts.push(h);
      }
      for (const h of vs.hosts) {
        if (!h.startsWith('*')) continue;
        const l = h.toLowerCase();
        let found = false;
        for (const [svcHost, svc] of reg) {
          if (!hostMatches(l, svcHost)) continue;
          found = true;
          if (wildcardOwner.get(svcHost) === vs) services.push(svc);
        }
        if (!found) vsHosts.push(l);
      }
      if (services.length === 0 && port !== 80) continue;
      // Istio sorts catch-all routes last in every virtual host (SortVHostRoutes), as on gateways.
      wrappers.push({ services, vsHosts, routes: sortCatchAllLast(routes) });
    }
    const claimed = new Set(wrappers.flatMap((w) => w.services.map((s) => s.host)));
    for (const svc of reg.values()) {
      if (claimed.has(svc.host) || svc.alias !== undefined) continue;
      wrappers.push({ services: [svc], vsHosts: [], routes: [{ kind: 'default', service: svc, cluster: `outbound|${port}||${svc.host}` }] });
    }
    const knownFqdn = new Set(wrappers.flatMap((w) => w.services.flatMap((s) => [`${s.host}:${port}`, s.host])));
    const names = new Set<string>();
    const taken = new Set<string>();
    const vhosts: SidecarVirtualHost[] = [];
    const add = (host: string, domains: string[], expanded: readonly string[], routes: readonly SidecarRoute[]) => {
      const name = `${host}:${port}`;
      if (names.has(name)) return;
      names.add(name);
      const kept: string[] = [];
      for (const d of domains) {
        if (taken.has(d.toLowerCase())) continue;
        if (expanded.includes(d) && knownFqdn.has(d)) continue;
        kept.push(d);
        taken.add(d.toLowerCase());
      }
      if (kept.length > 0) vhosts.push({ name, domains: kept, routes });
    };
    for (const w of wrappers) {
      if (w.routes.length === 0) continue;
      for (const h of w.vsHosts) add(h.toLowerCase(), [h.toLowerCase()], [], w.routes);
      for (const s of w.services) {
        const domains: string[] = [];
        const expanded: string[] = [];
        for (const h of [s.host, ...s.aliases]) {
          const alt = altHosts(h, callerNamespace, clusterDomain);
          domains.push(h, ...alt);
          expanded.push(...alt);
        }
        if (s.address) domains.push(s.address);
        add(s.host, domains, expanded, w.routes);
      }
    }
    vhosts.push({ name: 'allow_any', domains: ['*'], routes: [{ kind: 'allow_any', cluster: 'PassthroughCluster' }] });
    return vhosts;
  });
}

function sortCatchAllLast(routes: SidecarRoute[]): SidecarRoute[] {
  const catchAll = (r: SidecarRoute) => r.kind === 'vs' && isCatchAll(r.match);
  return [...routes.filter((r) => !catchAll(r)), ...routes.filter(catchAll)];
}

/** Envoy's virtual host choice with the port ignored: exact, longest `*.suffix`, longest `prefix.*`, then `*`. */
function pick(vhosts: readonly SidecarVirtualHost[], authority: string): SidecarVirtualHost | undefined {
  const host = stripPort(authority).toLowerCase();
  const exact = vhosts.find((v) => v.domains.some((d) => d.toLowerCase() === host));
  if (exact) return exact;
  let best: { v: SidecarVirtualHost; len: number } | undefined;
  for (const v of vhosts) for (const d of v.domains) {
    if (d.startsWith('*') && d !== '*' && host.length >= d.length && host.endsWith(d.slice(1)) && (!best || d.length > best.len)) best = { v, len: d.length };
  }
  if (best) return best.v;
  for (const v of vhosts) for (const d of v.domains) {
    if (d.endsWith('*') && d !== '*' && host.length >= d.length && host.startsWith(d.slice(0, -1)) && (!best || d.length > best.len)) best = { v, len: d.length };
  }
  return best?.v ?? vhosts.find((v) => v.domains.includes('*'));
}

/** Routes a request an application sends to `port` through its sidecar (outbound, iptables-captured). */
export function routeAtSidecar(snapshot: Snapshot, callerNamespace: string, port: number, req: HttpRequest, clusterDomain: string): SidecarRouting {
  const vhosts = sidecarVirtualHosts(snapshot, callerNamespace, port, clusterDomain);
  if (!vhosts) return { kind: 'passthrough', port };
  const vh = pick(vhosts, req.authority)!;
  const route = vh.routes.find((r) => r.kind !== 'vs' || !r.match || matchApplies(r.match, req));
  if (!route) return { kind: 'no-route', port, virtualHost: vh };
  return { kind: 'routed', port, virtualHost: vh, route };
}
