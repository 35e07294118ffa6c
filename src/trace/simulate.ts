import { locate } from '../load/locate.js';
import { displayName, type Resource } from '../load/resource.js';
import type { Service, Workload } from '../model/core.js';
import { formatLabels } from '../model/label-selector.js';
import { istioConfigOrder, type HttpRoute, type VirtualService } from '../model/istio.js';
import { formatPath, type FieldPath } from '../shared/path.js';
import type { Snapshot } from '../snapshot/snapshot.js';
import { assumedPeer, peerOf, type Peer } from '../platform/istio/identity.js';
import { clientTls } from '../platform/istio/mtls.js';
import { chainFilters, gatewayChain } from '../platform/istio/envoyfilter.js';
import { aroundIstioAuth, filterStage } from './stages/filters.js';
import { securityStage } from './stages/security.js';
import type { StageContext } from './stages/context.js';
import { activatorWorkload, gatewayHopSecurity, revisionFirstHop, revisionPaths, revisionPeer, sidecarHopSecurity, type SecuredHop } from '../platform/security-path.js';
import { hostMatches, stripPort } from '../platform/istio/hosts.js';
import { gatewayWorkloads, listenersFor, resolveTargetPort } from '../platform/istio/listeners.js';
import { ingressVerdict, type PodRef } from '../platform/k8s/network-policy.js';
import { knativeGatewayConfig } from '../platform/knative/effective.js';
import { revisionBackendPort } from '../platform/knative/derive.js';
import { runRules } from '../engine/run.js';
import vsStaleGateways from '../rules/vs-stale-gateways.js';
import { chooseDestination, destinationFqdn, destinationPort, expandShort, routeAtGateway, type HttpRequest } from '../platform/istio/gateway-routing.js';
import { routeAtSidecar } from './sidecar-routing.js';
import type { Hop, Outcome, TraceRequest, TraceResult } from './types.js';

const MAX_HOPS = 12;

interface Caller extends PodRef {
  readonly name: string;
  readonly sidecar: boolean;
  /** Who Istio's security sees: identity and proxy. */
  readonly peer: Peer;
}

/** Where a hop happened; file:line only when asked (it re-parses the document; `trace --all` leaves it out). */
function hopAt(withLocation: boolean, r: Resource, path: FieldPath = []): Pick<Hop, 'resource' | 'path' | 'location' | 'derivedFrom'> {
  return { resource: displayName(r), path: path.length ? formatPath(path) : undefined, location: withLocation ? locate(r, path) : undefined, derivedFrom: r.derivedFrom };
}

function parseUrl(raw: string): { scheme: string; host: string; port: number; path: string } {
  const withScheme = /^[a-z]+:\/\//i.test(raw) ? raw : `http://${raw}`;
  let u: URL;
  try {
    u = new URL(withScheme);
  } catch {
    throw new TraceInputError(`not a URL: ${raw}`);
  }
  const scheme = u.protocol.replace(':', '');
  if (scheme !== 'http') throw new TraceInputError(`only http:// is traced (in-cluster KServe traffic is plain HTTP); got ${scheme}://`);
  return { scheme, host: u.hostname, port: u.port ? Number(u.port) : 80, path: (u.pathname || '/') + u.search };
}

/** Bad trace arguments: the CLI reports them as usage errors. */
export class TraceInputError extends Error {}

function parseHeaders(lines: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const l of lines) {
    const i = l.indexOf(':');
    if (i <= 0) throw new TraceInputError(`a header is "Name: value", not "${l}"`);
    out[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
  }
  return out;
}

/** Finds the Service a DNS name resolves to inside the cluster, following the resolver's search path. */
function resolveService(s: Snapshot, host: string, callerNs: string): Service | undefined {
  for (const fq of expandShort(host.toLowerCase(), callerNs, s.clusterDomain)) {
    const suffix = `.svc.${s.clusterDomain}`;
    if (!fq.endsWith(suffix)) continue;
    const [name, ns] = fq.slice(0, -suffix.length).split('.');
    if (name && ns) {
      const svc = s.get('Service', ns, name);
      if (svc) return svc;
    }
  }
  return undefined;
}

function isClusterName(host: string, clusterDomain: string): boolean {
  const h = host.toLowerCase();
  return h.endsWith(`.svc.${clusterDomain}`) || h.endsWith('.svc') || h.split('.').length <= 2;
}

/** Destination hosts of Knative's VirtualServices: revision Services, which Knative creates at run time. */
function revisionHosts(s: Snapshot): Set<string> {
  return s.memo('revision-hosts', () => {
    const out = new Set<string>();
    for (const vs of s.list('VirtualService')) {
      if (!('networking.internal.knative.dev/ingress' in vs.labels)) continue;
      for (const r of vs.http) for (const d of r.route) out.add(d.host.toLowerCase());
    }
    return out;
  });
}

/**
 * Follows one request through DNS, Services, gateway listeners, Gateway servers, VirtualServices and
 * rewrites, as Kubernetes, Istio, Knative and KServe would route it, and predicts its status.
 */
export function simulate(s: Snapshot, input: TraceRequest, options: { locations?: boolean } = {}): TraceResult {
  const at = (r: Resource, path: FieldPath = []) => hopAt(options.locations ?? true, r, path);
  const url = parseUrl(input.url);
  const headers = parseHeaders(input.headers ?? []);
  const from = input.from ?? { namespace: 'default', labels: {}, sidecar: false };
  const callerName = `a pod in ${from.namespace}${Object.keys(from.labels).length ? ` (${formatLabels(from.labels)})` : ''}`;
  let caller: Caller = {
    namespace: from.namespace, labels: from.labels, name: callerName, sidecar: from.sidecar,
    peer: assumedPeer(s, { name: callerName, namespace: from.namespace, labels: from.labels, serviceAccount: from.serviceAccount, sidecar: from.sidecar }, 'the caller'),
  };
  // Go's HTTP client (net-istio's prober) sends the URL's host as written, `:80` included.
  const explicitPort = input.direct !== undefined || url.port !== 80;
  let req: HttpRequest = { authority: headers['host'] ?? (explicitPort ? `${url.host}:${url.port}` : url.host), path: url.path, method: input.method ?? 'POST', headers };
  let host = url.host;
  let port = url.port;
  // Who looks the next name up: the caller's resolver (DNS, CNAMEs) or a gateway's Envoy (a route destination).
  let resolvedBy: 'dns' | 'envoy' = 'dns';
  const hops: Hop[] = [];
  const finish = (outcome: Outcome, verdict: string, fix?: string): TraceResult => ({
    request: { url: input.url, authority: req.authority, path: url.path, from: caller.name },
    hops, outcome, verdict, fix,
    derived: [...new Set(hops.filter((h) => h.derivedFrom && h.resource).map((h) => h.resource!))].sort(),
    stale: staleVirtualServices(s),
  });
  const stage: StageContext = { hops, at, finish };

  // A caller with a sidecar: its Envoy matches the Host as sent against the virtual hosts Istio builds for the
  // port (VirtualServices bound to `mesh`, Services by their names as seen from the caller's namespace).
  if (from.sidecar) {
    const m = routeAtSidecar(s, from.namespace, port, req, s.clusterDomain);
    if (m.kind === 'passthrough') {
      hops.push({ step: 'sidecar', verdict: 'note', summary: `no Service serves HTTP on port ${port}: the caller's sidecar passes the connection to its original destination` });
    } else if (m.kind === 'no-route') {
      hops.push({ step: 'sidecar', verdict: 'fail', summary: `the caller's sidecar matches virtual host ${m.virtualHost.name} for Host "${req.authority}", and none of its routes: 404 NR route_not_found` });
      const first = m.virtualHost.routes.find((r) => r.kind === 'vs');
      return finish('404', `the caller's sidecar has virtual host ${m.virtualHost.name} for Host "${stripPort(req.authority)}" but no route matches it (authority, path or headers): 404`,
        first?.kind === 'vs' ? `Send the Host VirtualService ${first.vs.namespace}/${first.vs.name} matches (its authority match is written for the full name), or widen its match.` : undefined);
    } else if (m.route.kind === 'allow_any') {
      hops.push({ step: 'sidecar', verdict: 'note', summary: `Host "${stripPort(req.authority)}" matches no virtual host of the caller's sidecar on port ${port}: allow_any passes it to the address DNS gave` });
    } else if (m.route.kind === 'default') {
      hops.push({ step: 'sidecar', verdict: 'ok', summary: `the caller's sidecar routes Host "${stripPort(req.authority)}" to Service ${m.route.service.service.namespace}/${m.route.service.service.name} (virtual host ${m.virtualHost.name})`, ...at(m.route.service.service.res) });
      host = m.route.service.host;
      resolvedBy = 'envoy';
    } else {
      const { vs, route } = m.route;
      hops.push({ step: 'sidecar', verdict: 'ok', summary: `the caller's sidecar matches VirtualService ${vs.namespace}/${vs.name} (mesh) route ${route.index} in virtual host ${m.virtualHost.name}`, ...at(vs.res, ['spec', 'http', route.index]) });
      const dest = m.route.destination;
      if (!dest) return finish('503', `VirtualService ${vs.namespace}/${vs.name} route ${route.index} has no destination`);
      req = rewrite(req, route);
      host = dest.host;
      port = dest.port;
      resolvedBy = 'envoy';
    }
  }

  // Traffic to an external name enters through the external ingress gateway Service.
  if (!input.direct && !isClusterName(host, s.clusterDomain)) {
    const ext = knativeGatewayConfig(s).externalDefault;
    hops.push({ step: 'dns', verdict: 'note', summary: `${host} is not an in-cluster name; assuming it resolves to the external ingress (${ext?.service ?? 'unknown'})` });
    if (!ext) return finish('unknown', `${host} is outside the cluster and no external gateway is configured`);
    host = ext.service;
    caller = { ...caller, name: 'an external client', namespace: 'kgd-external-client', labels: {}, peer: { ...caller.peer, name: 'an external client', namespace: 'kgd-external-client', labels: {}, proxy: 'none', why: 'outside the mesh', istioTlsMode: false } };
  }

  let direct = input.direct;
  for (let i = 0; i < MAX_HOPS; i++) {
    let svc: Service | undefined;
    let sp: Service['ports'][number] | undefined;
    let w: Workload;
    let target: number;
    if (direct) {
      w = direct.workload;
      target = direct.port;
      hops.push({ step: 'service', verdict: 'ok', summary: `${direct.why}: ${displayName(w.res)} pod port ${target}, Host "${req.authority}"`, ...at(w.res) });
      direct = undefined;
    } else {
      svc = resolveService(s, host, caller.namespace);
      if (!svc) {
        const target = expandShort(host, caller.namespace, s.clusterDomain)[0] ?? host;
        if (revisionHosts(s).has(target.toLowerCase())) return revisionHop(target);
        if (resolvedBy === 'dns') {
          hops.push({ step: 'dns', verdict: 'fail', summary: `${host} does not resolve: no Service ${target} in the input` });
          return finish('unresolvable', `${host} does not resolve`, `Create the Service, or check the InferenceService name and namespace.`);
        }
        hops.push({ step: 'destination', verdict: 'fail', summary: `no Service ${target}: Envoy has no cluster for it (503 NC)` });
        return finish('503', `the destination ${target} is not a Service`, `Point the route at an existing Service.`);
      }
      if (svc.type === 'ExternalName' || svc.externalName) {
        hops.push({ step: 'dns', verdict: 'ok', summary: `${host} is an ExternalName (CNAME) to ${svc.externalName}`, ...at(svc.res, ['spec', 'externalName']) });
        if (!svc.externalName) return finish('unresolvable', `Service ${svc.namespace}/${svc.name} is an ExternalName without a name`);
        host = svc.externalName;
        continue;
      }
      sp = svc.ports.find((p) => p.port === port);
      if (!sp) {
        hops.push({ step: 'service', verdict: 'fail', summary: `Service ${svc.namespace}/${svc.name} has no port ${port}: connection refused`, ...at(svc.res, ['spec', 'ports']) });
        return finish('503', `Service ${svc.namespace}/${svc.name} has no port ${port}`, `Add port ${port} to Service ${svc.namespace}/${svc.name}.`);
      }
      // Knative's revision Services have no selector: the SKS points their endpoints at the activator or the pods.
      if ((!svc.selector || Object.keys(svc.selector).length === 0) && svc.labels['serving.knative.dev/revision']) {
        return revisionHop(`${svc.name}.${svc.namespace}.svc.${s.clusterDomain}`);
      }
      const pods = svc.selector && Object.keys(svc.selector).length ? s.workloadsMatching(svc.selector, svc.namespace) : [];
      const endpoints = s.get('Endpoints', svc.namespace, svc.name);
      if (pods.length === 0 || (endpoints && endpoints.readyAddresses === 0)) {
        hops.push({ step: 'service', verdict: 'fail', summary: `Service ${svc.namespace}/${svc.name} has no endpoints (selector ${formatLabels(svc.selector ?? {})} matches no ready pod)`, ...at(svc.res, ['spec', 'selector']) });
        return finish('503', `no pods behind Service ${svc.namespace}/${svc.name}: 503 (no healthy upstream / connection refused)`, `Make the selector of Service ${svc.namespace}/${svc.name} match the gateway pods.`);
      }
      w = pods[0]!;
      const resolved = resolveTargetPort(sp.targetPort, w);
      if (resolved === undefined) {
        hops.push({ step: 'service', verdict: 'fail', summary: `port ${port} targets the port name "${String(sp.targetPort)}", which ${displayName(w.res)} does not define`, ...at(svc.res, ['spec', 'ports', sp.index, 'targetPort']) });
        return finish('503', `targetPort "${String(sp.targetPort)}" of Service ${svc.namespace}/${svc.name} does not exist on its pods`);
      }
      target = resolved;
      hops.push({ step: 'service', verdict: 'ok', summary: `Service ${svc.namespace}/${svc.name}:${port} → ${displayName(w.res)} pod port ${target}`, ...at(svc.res, ['spec', 'ports', sp.index]) });
    }
    const np = ingressVerdict(s, caller, w, target);
    if (!np.allowed) {
      const p = np.isolating[0]!;
      hops.push({ step: 'network-policy', verdict: 'fail', summary: `NetworkPolicy ${p.namespace}/${p.name} drops ${caller.name} → ${displayName(w.res)}:${target}`, ...at(p.res, ['spec', 'ingress']) });
      return finish('504', `NetworkPolicy ${p.namespace}/${p.name} silently drops the traffic: the caller times out (504)`, `Allow ingress from ${caller.name} on port ${target} in NetworkPolicy ${p.namespace}/${p.name}.`);
    }
    const isGateway = gatewayWorkloads(s).includes(w) || listenersFor(s, w).gateways.length > 0;
    // Dialled directly (the prober): no Service name, so no Istio client settings for one.
    const svcHost = svc ? `${svc.name}.${svc.namespace}.svc.${s.clusterDomain}` : stripPort(req.authority);
    const entry = svc ? `Service ${svc.namespace}/${svc.name}:${port}` : `pod port ${target}`;
    if (!isGateway) {
      const dest = peerOf(s, w);
      const sec = sidecarHopSecurity(s, caller.peer, dest, { host: svcHost, port, serviceNamespace: svc?.namespace ?? w.namespace }, target, req);
      const failed = securityStage(stage, sec, caller.peer, dest, target);
      if (failed) return failed;
      hops.push({ step: 'destination', verdict: 'ok', summary: `reached ${displayName(w.res)} on port ${target}` });
      return finish(sec.verdict === 'undecided' ? 'unknown' : '200', sec.verdict === 'undecided' ? `reaches ${displayName(w.res)}, but whether its AuthorizationPolicies admit the call cannot be decided from the input` : `reaches ${displayName(w.res)}`);
    }
    // What the client's proxy sends to the gateway pods: Istio mTLS only when a DestinationRule asks for it or
    // the pods carry the sidecar's tlsMode label (auto mTLS); the gateway's Envoy identifies the peer only then.
    const gwPeer = peerOf(s, w, true);
    const tls = clientTls(s, caller.peer, svcHost, port, svc?.namespace ?? w.namespace, gwPeer, target);
    const sent: HttpRequest = tls.mode === 'mtls' ? { ...req, tls: { mode: 'mtls', sni: `outbound_.${port}_._.${svcHost}` } } : tls.mode === 'tls' ? { ...req, tls: { mode: 'tls', sni: svcHost } } : req;
    if (tls.mode !== 'plain' || tls.rule) hops.push({ step: 'mtls', verdict: 'note', summary: tls.why, ...(tls.rule ? at(tls.rule.res, ['spec', 'trafficPolicy']) : {}) });
    const routing = routeAtGateway(s, w, target, sent);
    // KGD1406: a server port two Services translate to different pod ports. Istio binds it to the first
    // Service's targetPort in its service order, which the input cannot show for certain: say which one kgd took.
    for (const a of listenersFor(s, w).ambiguities) {
      if (!a.candidates.some((c) => c.targetPort === target)) continue;
      const taken = a.candidates[0]!;
      const others = a.candidates.filter((c) => c.targetPort !== taken.targetPort).map((c) => `${c.targetPort} (Service ${c.service.namespace}/${c.service.name})`);
      const here = taken.targetPort === target ? 'this listener' : `pod port ${taken.targetPort}, not this listener`;
      hops.push({ step: 'listener', verdict: 'note', summary: `ambiguous (KGD1406): server port ${a.server.portNumber} of Gateway ${a.gateway.namespace}/${a.gateway.name} is translated by Service ${taken.service.namespace}/${taken.service.name} to ${taken.targetPort} and by others to ${others.join(', ')}; Istio takes the first Service in its order (creation time), kgd took ${taken.service.namespace}/${taken.service.name}, so the server is on ${here}; with the Services created in the other order it would be on ${others.join(' or ')}`, ...at(a.gateway.res, ['spec', 'servers', a.server.index, 'port', 'number']) });
    }
    if (routing.kind === 'no-listener') {
      const ports = [...listenersFor(s, w).byPort.keys()].sort((a, b) => a - b);
      hops.push({ step: 'listener', verdict: 'fail', summary: `no Envoy listener on ${displayName(w.res)} port ${target} (listeners: ${ports.join(', ') || 'none'})`, ...(svc && sp ? at(svc.res, ['spec', 'ports', sp.index, 'targetPort']) : at(w.res)) });
      return finish('503', `nothing listens on pod port ${target} of the gateway: connection refused (503)`, svc ? `Make port ${port} of Service ${svc.namespace}/${svc.name} target a port a Gateway server listens on (${ports.join(', ') || 'none'}).` : `Make the gateway's Service port for this server target a port a Gateway server listens on (${ports.join(', ') || 'none'}).`);
    }
    if (routing.kind === 'not-http') {
      hops.push({ step: 'listener', verdict: 'fail', summary: `the listener on port ${target} serves ${routing.servers.map((b) => b.server.protocol).join(', ')}, not plain HTTP` });
      return finish('503', `the listener on port ${target} is not plain HTTP`);
    }
    if (routing.kind === 'no-filter-chain' || routing.kind === 'tls-mismatch') {
      const first = routing.servers[0]!;
      const servers = routing.servers.map((b) => `${b.gateway.namespace}/${b.gateway.name} ${b.server.protocol ?? ''}${b.server.tls ? ` (tls ${b.server.tlsMode ?? 'PASSTHROUGH'})` : ''}`.trim()).join(', ');
      const why = routing.kind === 'no-filter-chain'
        ? (routing.multiple ? 'several filter chains match the connection equally' : `no filter chain takes a connection ${req.tls?.sni ? `with SNI "${req.tls.sni}"` : 'without SNI'}`)
        : routing.error === 'invalid TLS' ? 'it expects TLS and the caller speaks plain text'
        : routing.error === 'protocol error' ? 'it expects plain text and the caller speaks TLS'
        : 'the caller\'s certificate does not fit the server\'s TLS mode (ISTIO_MUTUAL needs the mesh\'s client certificate, other modes do not take it)';
      hops.push({ step: 'listener', verdict: 'fail', summary: `the listener on ${displayName(w.res)} port ${target} (${servers}) refuses the connection: ${why}`, ...at(first.gateway.res, ['spec', 'servers', first.server.index]) });
      return finish('503', `the gateway's listener on port ${target} refuses the connection: ${why} (connection reset, 503)`,
        `Send the request to a port whose Gateway server matches how it is sent (plain HTTP to an HTTP server), or change server ${first.server.index} of Gateway ${first.gateway.namespace}/${first.gateway.name}.`);
    }
    const gwNames = [...new Set(routing.servers.map((b) => `${b.gateway.namespace}/${b.gateway.name}`))].join(', ');
    hops.push({ step: 'listener', verdict: 'ok', summary: `Envoy listener 0.0.0.0_${target} on ${displayName(w.res)} serves Gateway ${gwNames}`, ...at(routing.servers[0]!.gateway.res, ['spec', 'servers', routing.servers[0]!.server.index]) });
    // The HTTP filters run in chain order before the router: Istio's RBAC and ext_authz filters (a denied request
    // gets 403 whatever its route) and what EnvoyFilters put around them.
    const chain = gatewayChain(routing.servers[0]!);
    const cf = chain ? chainFilters(s, w, chain) : undefined;
    const { before, after } = aroundIstioAuth(cf);
    const filterOptions = { ports: { local: target, others: [...listenersFor(s, w).byPort.keys()].filter((p) => p !== target) }, headers: req.headers };
    const filterFailed = filterStage(stage, cf, before, { ...filterOptions, first: true });
    if (filterFailed) return filterFailed;
    const gwSec = gatewayHopSecurity(s, caller.peer, gwPeer, target, req, sent.tls?.mode === 'mtls');
    const gwFailed = securityStage(stage, gwSec, caller.peer, gwPeer, target);
    if (gwFailed) return gwFailed;
    const laterFailed = filterStage(stage, cf, after, { ...filterOptions, first: false });
    if (laterFailed) return laterFailed;
    // Istio gives a listener without any routable host a `blackhole` virtual host: same 404 as no virtual host.
    const blackhole = routing.kind === 'no-route' && routing.virtualHost.name.startsWith('blackhole:');
    if (routing.kind === 'no-virtual-host' || blackhole) {
      const first = routing.servers[0]!;
      const domains = routing.kind === 'no-virtual-host' ? routing.domains : [];
      hops.push({ step: 'virtual-host', verdict: 'fail', summary: `no virtual host for "${stripPort(req.authority)}" (domains: ${domains.join(', ') || 'none'}): 404 NR route_not_found`, ...at(first.gateway.res, ['spec', 'servers', first.server.index, 'hosts']) });
      const sent = stripPort(req.authority).toLowerCase();
      // Envoy matches the Host as sent. A short name the caller's resolver expanded (DNS search path) reaches
      // the gateway as written, and the gateway's virtual hosts hold the full name.
      const literal = virtualServicesFor(s, req.authority, caller.namespace, false);
      const expanded = virtualServicesFor(s, req.authority, caller.namespace).filter((vs) => !literal.includes(vs));
      const fullName = expandShort(sent, caller.namespace, s.clusterDomain)[0] ?? sent;
      if (literal.length === 0 && expanded.length > 0 && domains.includes(fullName)) {
        const vs = expanded[0]!;
        hops.push({ step: 'virtual-host', verdict: 'note', summary: `Host "${sent}" is sent as written: DNS expanded it to ${fullName} to find the address, but Envoy matches the Host header literally, and VirtualService ${vs.namespace}/${vs.name} routes only "${fullName}"`, ...at(vs.res, ['spec', 'hosts']) });
        return finish('404', `Host "${sent}" is a short name: the resolver found the gateway, but the gateway's virtual hosts hold "${fullName}" and Envoy compares the Host header as sent: 404 (route_not_found)`,
          `Call http://${fullName}/… (or send the header "Host: ${fullName}"); short names only work where a VirtualService lists them.`);
      }
      const elsewhere = [...literal, ...expanded].filter((vs) => vs.gatewaysWritten);
      const owner = elsewhere[0];
      if (owner) {
        const bound = owner.gateways.filter((g) => g !== 'mesh').join(', ');
        hops.push({ step: 'virtual-host', verdict: 'note', summary: `VirtualService ${owner.namespace}/${owner.name} has this host, but is bound to ${bound}, which is not served on ${displayName(w.res)} port ${target}`, ...at(owner.res, ['spec', 'gateways']) });
        return finish('404', `Host "${stripPort(req.authority)}" is routed by VirtualService ${owner.namespace}/${owner.name} on ${bound}, but ${entry} lands on the listener of ${gwNames}: 404 (route_not_found)`,
          svc ? `Make Service ${svc.namespace}/${svc.name} port ${port} reach the listener of ${bound} (same pods, its server's port), or bind the VirtualService to ${gwNames}.` : `Make the Service the prober finds reach the listener of ${bound} (same pods, its server's port), or bind the VirtualService to ${gwNames}.`);
      }
      return finish('404', `Host "${stripPort(req.authority)}" matches no VirtualService bound to ${gwNames} on this port: 404 (route_not_found)`, domains.length === 0
        ? `Bind a VirtualService for "${stripPort(req.authority)}" to Gateway ${gwNames}, or send the request to the gateway that has it.`
        : `Make a VirtualService bound to ${gwNames} cover "${stripPort(req.authority)}", and the server hosts admit it.`);
    }
    if (routing.kind === 'https-redirect') {
      hops.push({ step: 'virtual-host', verdict: 'fail', summary: `virtual host ${routing.virtualHost.domain} requires TLS (tls.httpsRedirect): plain HTTP gets 301 to https` });
      return finish('301', `the Gateway server for "${stripPort(req.authority)}" sets tls.httpsRedirect: a plain-HTTP request is redirected (301)`, 'Remove tls.httpsRedirect from the Gateway server that in-cluster calls use, or call it over https.');
    }
    if (routing.kind === 'no-route') {
      hops.push({ step: 'route', verdict: 'fail', summary: `virtual host ${routing.virtualHost.domain} has no route matching authority "${req.authority}" path "${req.path}": 404 NR` });
      return finish('404', `no route of virtual host ${routing.virtualHost.domain} matches: 404 (route_not_found)`);
    }
    hops.push({ step: 'route', verdict: 'ok', summary: `virtual host ${routing.virtualHost.domain} → VirtualService ${routing.vs.namespace}/${routing.vs.name} route ${routing.route.index}`, ...at(routing.vs.res, ['spec', 'http', routing.route.index]) });
    if (routing.route.hasRedirect) return finish('301', `VirtualService ${routing.vs.namespace}/${routing.vs.name} redirects`);
    const dest = chooseDestination(routing.route);
    if (!dest) {
      if (routing.route.hasDirectResponse) return finish('unknown', `VirtualService ${routing.vs.namespace}/${routing.vs.name} answers directly`);
      return finish('503', `route ${routing.route.index} of VirtualService ${routing.vs.namespace}/${routing.vs.name} has no destination`);
    }
    req = rewrite(req, routing.route);
    host = destinationFqdn(dest.host, routing.vs.namespace, s.clusterDomain);
    port = destinationPort(s, dest, host, routing.server.portNumber);
    hops.push({ step: 'destination', verdict: 'ok', summary: `→ ${host}:${port} with Host "${req.authority}" (cluster outbound|${port}||${host})`, ...at(routing.vs.res, ['spec', 'http', routing.route.index, 'route']) });
    caller = { namespace: w.namespace, labels: w.labels, containerPorts: w.containerPorts, name: displayName(w.res), sidecar: true, peer: gwPeer };
    resolvedBy = 'envoy';
  }
  return finish('unknown', `more than ${MAX_HOPS} hops: a routing loop?`);

  function revisionHop(target: string): TraceResult {
    // The activator and queue-proxy port for the revision Service port the route chose (80, 81 h2c, 443 TLS).
    const ACTIVATOR_PORT = revisionBackendPort(port);
    const QUEUE_PROXY_PORT = ACTIVATOR_PORT;
    const systemNs = knativeGatewayConfig(s).systemNamespace;
    const activator: PodRef = activatorWorkload(s, systemNs) ?? { namespace: systemNs, labels: { app: 'activator', role: 'activator' } };
    const [rev, ns] = target.split('.');
    const ksvc = (rev ?? '').replace(/-\d{5}$/, '');
    const pod: PodRef = { namespace: ns ?? '', labels: { 'serving.knative.dev/revision': rev ?? '', 'serving.knative.dev/service': ksvc, 'serving.knative.dev/configuration': ksvc } };
    const toActivator = ingressVerdict(s, caller, activator, ACTIVATOR_PORT);
    const toPod = ingressVerdict(s, caller, pod, QUEUE_PROXY_PORT);
    const activatorToPod = ingressVerdict(s, activator, pod, QUEUE_PROXY_PORT);
    if (!toActivator.allowed) {
      const p = toActivator.isolating[0]!;
      hops.push({ step: 'network-policy', verdict: 'fail', summary: `NetworkPolicy ${p.namespace}/${p.name} drops ${caller.name} → activator:${ACTIVATOR_PORT} (needed while the revision is scaled to zero or in proxy mode)`, ...at(p.res, ['spec', 'ingress']) });
      return finish('504', `NetworkPolicy ${p.namespace}/${p.name} drops the gateway's traffic to the activator: timeout / 504`, `Allow ${caller.name} to reach the activator on port ${ACTIVATOR_PORT}.`);
    }
    // A network probe (K-Network-Probe: probe, net-istio's prober) is answered by the first Knative component it
    // reaches, the activator or the queue-proxy, with the hash it carries (knative.dev/networking pkg/http/probe
    // NewHandler): it never goes on to the user container. At creation the activator is in the path (no spare
    // capacity yet; target-burst-capacity keeps it there), unless --activator out says otherwise.
    if ((req.headers['k-network-probe'] ?? '') === 'probe') {
      const out = input.activator === 'out';
      if (out && !toPod.allowed) {
        const p = toPod.isolating[0]!;
        hops.push({ step: 'network-policy', verdict: 'fail', summary: `NetworkPolicy ${p.namespace}/${p.name} drops ${caller.name} → revision ${rev} queue-proxy:${QUEUE_PROXY_PORT}`, ...at(p.res, ['spec', 'ingress']) });
        return finish('504', `NetworkPolicy ${p.namespace}/${p.name} drops the gateway's traffic to the revision pods: timeout`, `Allow ${caller.name} to reach the revision pods on port ${QUEUE_PROXY_PORT}.`);
      }
      const first = revisionFirstHop(s, caller.peer, () => revisionPeer(s, ns ?? '', ksvc), target, ns ?? '', req, port, out ? 'direct' : 'activator');
      const r = securityStage(stage, first.security, first.from, first.to, first.port);
      if (r) return r;
      const who = out ? `the queue-proxy of revision ${rev}` : 'the activator';
      hops.push({ step: 'revision', verdict: 'ok', summary: `${who} answers the network probe itself with its K-Network-Hash (it does not reach the model container)` });
      return finish('200', `${who} answers the probe (200 with the hash)`);
    }
    if (!toPod.allowed && !activatorToPod.allowed) {
      const p = toPod.isolating[0]!;
      hops.push({ step: 'network-policy', verdict: 'fail', summary: `NetworkPolicy ${p.namespace}/${p.name} drops traffic to revision ${rev} from both the gateway and the activator`, ...at(p.res, ['spec', 'ingress']) });
      return finish('504', `NetworkPolicy ${p.namespace}/${p.name} isolates the revision pods: timeout / 504`, `Allow ingress to the revision pods from the gateway and from knative-serving.`);
    }
    hops.push({ step: 'revision', verdict: 'ok', summary: `Knative revision ${rev} in ${ns} (via the activator when scaled to zero, else its pods on port ${QUEUE_PROXY_PORT})` });
    // Istio security behind the gateway, on both ways Knative delivers: through the activator (scaled to zero, or
    // kept in the path by target-burst-capacity, 200 by default) and straight to the pods.
    const podPeer = revisionPeer(s, ns ?? '', ksvc);
    const paths = revisionPaths(s, caller.peer, podPeer, target, ns ?? '', req, port);
    const firstBad = (p: readonly SecuredHop[]) => p.find((h) => h.security.verdict === 'handshake' || h.security.verdict === 'deny' || h.security.verdict === 'external');
    const undecided = (p: readonly SecuredHop[]) => p.some((h) => h.security.verdict === 'undecided');
    const mode = input.activator ?? 'both';
    const viaBad = mode === 'out' ? undefined : firstBad(paths.viaActivator);
    const directBad = mode === 'in' ? undefined : firstBad(paths.direct);
    const describe = (p: readonly SecuredHop[]) => p.map((h) => `${h.from.name} → ${h.to.name}: ${h.security.verdict === 'ok' ? 'admitted' : h.security.verdict}`).join('; ');
    if (viaBad || directBad) {
      const bad = (viaBad ?? directBad)!;
      const which = mode !== 'both' ? (mode === 'in' ? 'through the activator (--activator in)' : 'straight to the pods (--activator out)')
        : viaBad && directBad ? 'on both paths (through the activator and straight to the pods)'
        : viaBad ? 'while the activator is in the path (scaled to zero, or target-burst-capacity keeps it there); straight to the pods it would pass'
        : 'once Knative takes the activator out of the path (enough spare capacity); through the activator it passes';
      hops.push({ step: 'revision', verdict: 'note', summary: mode === 'in' ? `through the activator: ${describe(paths.viaActivator)}` : mode === 'out' ? `straight to the pods: ${describe(paths.direct)}` : `through the activator: ${describe(paths.viaActivator)}. Straight to the pods: ${describe(paths.direct)}` });
      const r = securityStage(stage, bad.security, bad.from, bad.to, bad.port);
      if (r) return { ...r, verdict: `${r.verdict} — ${which}` };
    }
    for (const h of mode === 'out' ? paths.direct : paths.viaActivator) securityStage(stage, h.security, h.from, h.to, h.port);
    if ((mode !== 'out' && undecided(paths.viaActivator)) || (mode !== 'in' && undecided(paths.direct))) {
      return finish('unknown', `reaches revision ${rev} in ${ns}, but whether Istio's AuthorizationPolicies behind the gateway admit it cannot be decided from the input`);
    }
    return finish('200', `reaches revision ${rev} in ${ns}`);
  }
}

/** What vs-stale-gateways says about the input: used VirtualServices may be out of date. */
function staleVirtualServices(s: Snapshot): string[] {
  return s.memo('stale-vs', () => runRules(s, [vsStaleGateways]).filter((d) => d.id === 'VirtualServiceStale').map((d) => `${d.resource}: ${d.message}`));
}

/** VirtualServices by exact host (lower-cased), and those with a wildcard host, built once per snapshot. */
function virtualServiceHosts(s: Snapshot): { exact: Map<string, VirtualService[]>; wildcard: VirtualService[] } {
  return s.memo('vs-hosts', () => {
    const exact = new Map<string, VirtualService[]>();
    const wildcard: VirtualService[] = [];
    for (const vs of s.list('VirtualService')) {
      let wild = false;
      for (const h of vs.hosts) {
        const p = h.toLowerCase();
        if (p.startsWith('*')) wild = true;
        else if (exact.get(p)?.push(vs) === undefined) exact.set(p, [vs]);
      }
      if (wild) wildcard.push(vs);
    }
    return { exact, wildcard };
  });
}

/**
 * VirtualServices (bound to gateways) whose hosts cover an authority, in Istio's order. Looked up by
 * host: a failing trace in a cluster of thousands must not scan every VirtualService.
 */
function virtualServicesFor(s: Snapshot, authority: string, callerNs: string, expand = true): VirtualService[] {
  const host = stripPort(authority).toLowerCase();
  const forms = expand ? [...new Set([host, ...expandShort(host, callerNs, s.clusterDomain)])] : [host];
  const index = virtualServiceHosts(s);
  const found = new Set<VirtualService>();
  for (const f of forms) for (const vs of index.exact.get(f) ?? []) found.add(vs);
  for (const vs of index.wildcard) if (vs.hosts.some((h) => forms.some((f) => hostMatches(h, f)))) found.add(vs);
  return [...found].sort(istioConfigOrder);
}

/** Applies a route's authority rewrite (rewrite.authority, or a Host in headers.request.set) and header sets. */
function rewrite(req: HttpRequest, route: HttpRoute): HttpRequest {
  const authority = route.rewriteAuthority ?? route.setHeaders['host'] ?? route.setHeaders[':authority'] ?? req.authority;
  const headers = { ...req.headers };
  for (const [k, v] of Object.entries(route.setHeaders)) if (k !== 'host' && k !== ':authority') headers[k] = v;
  return { ...req, authority, headers };
}

