import type { Gateway, GatewayServer, HttpMatch, HttpRoute, StringMatch, VirtualService } from '../model/istio.js';
import type { Workload } from '../model/core.js';
import type { Snapshot } from '../snapshot/snapshot.js';
import { isPlainHttpServer, listenersFor, type BoundServer } from '../platform/istio/listeners.js';
import { MESH_GATEWAY, resolveGatewayRef } from '../platform/istio/gateway-ref.js';
import { hostMatches, parseServerHost, stripPort } from '../platform/istio/hosts.js';

/** An HTTP request as a gateway's Envoy sees it. */
export interface HttpRequest {
  /** The Host / :authority header, possibly with a port. */
  readonly authority: string;
  readonly path: string;
  readonly method: string;
  /** Lower-cased names. */
  readonly headers: Readonly<Record<string, string>>;
}

/** One Envoy virtual host on a gateway listener: a domain and the routes of the VirtualServices bound to it. */
export interface VirtualHost {
  readonly domain: string;
  /** The port number of the (first) Gateway server that produced it: Istio names the virtual host `<domain>:<port>`. */
  readonly serverPort: number;
  readonly routes: readonly { readonly vs: VirtualService; readonly route: HttpRoute; readonly gateway: Gateway }[];
}

export type GatewayRouting =
  | { readonly kind: 'no-listener'; readonly port: number }
  | { readonly kind: 'not-http'; readonly port: number; readonly servers: readonly BoundServer[] }
  | { readonly kind: 'no-virtual-host'; readonly port: number; readonly servers: readonly BoundServer[]; readonly domains: readonly string[] }
  | { readonly kind: 'no-route'; readonly port: number; readonly servers: readonly BoundServer[]; readonly virtualHost: VirtualHost }
  | {
      readonly kind: 'routed';
      readonly port: number;
      readonly servers: readonly BoundServer[];
      readonly virtualHost: VirtualHost;
      readonly vs: VirtualService;
      readonly route: HttpRoute;
      readonly gateway: Gateway;
      readonly server: GatewayServer;
    };

function gatewayKey(g: Gateway): string {
  return `${g.namespace}/${g.name}`;
}

/** Whether a VirtualService (spec.gateways) binds to this gateway. */
function bindsTo(vs: VirtualService, g: Gateway): boolean {
  return vs.gateways.some((ref) => ref !== MESH_GATEWAY && (({ namespace, name }) => namespace === g.namespace && name === g.name)(resolveGatewayRef(ref, vs.namespace)));
}

/** The match entries of a route that apply on this gateway (Istio drops matches naming other gateways). */
function matchesOn(route: HttpRoute, vs: VirtualService, gatewayName: string): HttpMatch[] | 'all' {
  if (route.match.length === 0) return 'all';
  const kept = route.match.filter((m) => !m.gateways || m.gateways.length === 0 || m.gateways.some((ref) => ref !== MESH_GATEWAY && (({ namespace, name }) => `${namespace}/${name}`)(resolveGatewayRef(ref, vs.namespace)) === gatewayName));
  return kept;
}

/** Istio orders VirtualServices by creation time, then name, then namespace; manifests have no times, so name. */
function vsOrder(a: VirtualService, b: VirtualService): number {
  return a.name.localeCompare(b.name) || a.namespace.localeCompare(b.namespace);
}

/**
 * The virtual hosts Istio builds for the plain-HTTP servers merged on one listener: for each server, each
 * VirtualService bound to its Gateway contributes, for every one of its hosts the server admits, a domain
 * (the more specific of the two) with its routes; equal domains merge in VirtualService order.
 */
export function buildVirtualHosts(snapshot: Snapshot, servers: readonly BoundServer[]): VirtualHost[] {
  const byDomain = new Map<string, { vs: VirtualService; route: HttpRoute; gateway: Gateway }[]>();
  const portOf = new Map<string, number>();
  const seen = new Set<string>();
  const vss = [...snapshot.list('VirtualService')].sort(vsOrder);
  for (const b of servers) {
    const serverHosts = b.server.hosts.map((h) => parseServerHost(h, b.gateway.namespace));
    for (const vs of vss) {
      if (!bindsTo(vs, b.gateway)) continue;
      for (const vsHost of vs.hosts) {
        for (const sh of serverHosts) {
          if (sh.namespace === '~' || (sh.namespace !== '*' && sh.namespace !== vs.namespace)) continue;
          let domain: string | undefined;
          if (hostMatches(sh.host, vsHost)) domain = vsHost;
          else if (hostMatches(vsHost, sh.host)) domain = sh.host;
          if (domain === undefined) continue;
          const key = `${domain}|${vs.namespace}/${vs.name}|${gatewayKey(b.gateway)}`;
          if (seen.has(key)) continue;
          seen.add(key);
          const list = byDomain.get(domain) ?? [];
          if (!portOf.has(domain)) portOf.set(domain, b.server.portNumber ?? b.listenerPort);
          for (const route of vs.http) {
            const m = matchesOn(route, vs, gatewayKey(b.gateway));
            if (m !== 'all' && m.length === 0) continue;
            list.push({ vs, route, gateway: b.gateway });
          }
          byDomain.set(domain, list);
        }
      }
    }
  }
  return [...byDomain.entries()].map(([domain, routes]) => ({ domain, serverPort: portOf.get(domain)!, routes }));
}

/** Envoy's virtual host choice: exact domain, then the longest suffix wildcard, then `*`. */
export function pickVirtualHost(vhosts: readonly VirtualHost[], authority: string): VirtualHost | undefined {
  const host = stripPort(authority).toLowerCase();
  const exact = vhosts.find((v) => v.domain.toLowerCase() === host);
  if (exact) return exact;
  const wild = vhosts
    .filter((v) => v.domain.startsWith('*.') && hostMatches(v.domain, host))
    .sort((a, b) => b.domain.length - a.domain.length)[0];
  return wild ?? vhosts.find((v) => v.domain === '*');
}

function regexFullMatch(re: string, value: string): boolean {
  let flags = '';
  let src = re;
  if (src.startsWith('(?i)')) {
    flags = 'i';
    src = src.slice(4);
  }
  try {
    return new RegExp(`^(?:${src})$`, flags).test(value);
  } catch {
    return false; // Istio rejects invalid regexes; such a match never applies
  }
}

export function stringMatches(m: StringMatch, value: string | undefined): boolean {
  if (value === undefined) return false;
  if ('exact' in m) return value === m.exact;
  if ('prefix' in m) return value.startsWith(m.prefix);
  return regexFullMatch(m.regex, value);
}

function matchApplies(m: HttpMatch, req: HttpRequest, listenerPort: number): boolean {
  if (m.authority && !stringMatches(m.authority, req.authority)) return false;
  if (m.uri && !stringMatches(m.uri, req.path.split('?')[0]!)) return false;
  if (m.port !== undefined && m.port !== listenerPort) return false;
  for (const [name, hm] of Object.entries(m.headers)) if (!stringMatches(hm, req.headers[name])) return false;
  return true;
}

/** Routes a request that reached `port` on a gateway workload, as its Envoy would. */
export function routeAtGateway(snapshot: Snapshot, w: Workload, port: number, req: HttpRequest): GatewayRouting {
  const all = listenersFor(snapshot, w).byPort.get(port) ?? [];
  if (all.length === 0) return { kind: 'no-listener', port };
  const servers = all.filter((b) => isPlainHttpServer(b.server));
  if (servers.length === 0) return { kind: 'not-http', port, servers: all };
  const vhosts = buildVirtualHosts(snapshot, servers);
  const vh = pickVirtualHost(vhosts, req.authority);
  if (!vh) return { kind: 'no-virtual-host', port, servers, domains: vhosts.map((v) => v.domain).sort() };
  for (const r of vh.routes) {
    const m = matchesOn(r.route, r.vs, gatewayKey(r.gateway));
    const ok = m === 'all' || m.some((x) => matchApplies(x, req, port));
    if (!ok) continue;
    const server = servers.find((b) => b.gateway === r.gateway)!.server;
    return { kind: 'routed', port, servers, virtualHost: vh, vs: r.vs, route: r.route, gateway: r.gateway, server };
  }
  return { kind: 'no-route', port, servers, virtualHost: vh };
}

/** Routing for a caller's sidecar: VirtualServices bound to `mesh` whose hosts cover the request host. */
export function routeInMesh(snapshot: Snapshot, req: HttpRequest, port: number, clusterDomain: string, callerNamespace: string): { vs: VirtualService; route: HttpRoute } | undefined {
  const host = stripPort(req.authority).toLowerCase();
  const fq = (h: string, ns: string) => (h.includes('.') || h === '*' ? h : `${h}.${ns}.svc.${clusterDomain}`);
  const candidates = [...snapshot.list('VirtualService')]
    .filter((vs) => vs.gateways.includes(MESH_GATEWAY))
    .filter((vs) => vs.hosts.some((h) => {
      const full = fq(h, vs.namespace).toLowerCase();
      return hostMatches(full, host) || expandShort(host, callerNamespace, clusterDomain).some((x) => hostMatches(full, x));
    }))
    .sort(vsOrder);
  for (const vs of candidates) {
    for (const route of vs.http) {
      const m = route.match.filter((x) => !x.gateways || x.gateways.length === 0 || x.gateways.includes(MESH_GATEWAY));
      if (route.match.length > 0 && m.length === 0) continue;
      if (route.match.length === 0 || m.some((x) => matchApplies(x, req, port))) return { vs, route };
    }
  }
  return undefined;
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
  const base = { ...none, listener: `0.0.0.0_${port}`, routeConfig: `http.${port}` };
  if (r.kind === 'not-http') return { ...base, routeConfig: '', error: 'no filter chains matched' };
  if (r.kind === 'no-virtual-host') return { ...base, error: 'no virtual host matched' };
  const vh = `${r.virtualHost.domain}:${r.virtualHost.serverPort}`;
  if (r.kind === 'no-route') return { ...base, virtualHost: vh, error: 'no route matched' };
  const dest = [...r.route.route].sort((a, b) => (b.weight ?? 100) - (a.weight ?? 100))[0];
  const host = dest ? (dest.host.includes('.') ? dest.host : `${dest.host}.${r.vs.namespace}.svc.${clusterDomain}`) : '';
  return { ...base, virtualHost: vh, route: r.route.name ?? '', cluster: dest ? `outbound|${dest.port ?? 80}||${host}` : '' };
}
