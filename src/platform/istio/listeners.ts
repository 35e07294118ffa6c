import { istioConfigOrder, type Gateway, type GatewayServer } from '../../model/istio.js';
import type { Service, ServicePort, Workload } from '../../model/core.js';
import { matchesMap } from '../../model/label-selector.js';
import type { Snapshot } from '../../snapshot/snapshot.js';

/** Istio's label on a Service that opts it out of Gateway port translation (added for Knative). */
export const DISABLE_PORT_TRANSLATION_LABEL = 'experimental.istio.io/disable-gateway-port-translation';

const HTTP_PROTOCOLS = new Set(['HTTP', 'HTTP2', 'GRPC', 'GRPC-WEB', 'HTTP_PROXY']);

function isHttpProtocol(p: string | undefined): boolean {
  return p !== undefined && HTTP_PROTOCOLS.has(p);
}

/**
 * A server Istio serves as plain-text HTTP: an HTTP-family protocol, whatever its `tls` block says
 * (`tls.httpsRedirect` there only makes its virtual hosts answer 301). Istio: pkg/config/gateway IsHTTPServer.
 */
export function isPlainHttpServer(s: GatewayServer): boolean {
  return isHttpProtocol(s.protocol);
}

/** The TLS mode Istio applies: a `tls` block without `mode` is PASSTHROUGH, the enum's zero value. */
export function serverTlsMode(s: GatewayServer): string | undefined {
  return s.tls ? (s.tlsMode ?? 'PASSTHROUGH') : undefined;
}

/** An HTTPS server whose TLS the gateway terminates (IsHTTPSServerWithTLSTermination): its own route configuration. */
export function isHttpsTerminating(s: GatewayServer): boolean {
  const mode = serverTlsMode(s);
  return s.protocol === 'HTTPS' && mode !== undefined && mode !== 'PASSTHROUGH' && mode !== 'AUTO_PASSTHROUGH';
}

/** A server with TLS settings and a protocol other than HTTP (IsTLSServer): it shares its port through SNI. */
export function isTlsServer(s: GatewayServer): boolean {
  return s.tls && !isHttpProtocol(s.protocol);
}

// Istio's server hosts after sanitizeServerHostNamespace: `./h` becomes `<ns>/h`, `*/h` becomes `h`, and `*/*` leaves only `*`.
export function sanitizedServerHosts(s: GatewayServer, namespace: string): string[] {
  const out: string[] = [];
  for (const h of s.hosts) {
    const slash = h.indexOf('/');
    if (slash < 0) out.push(h);
    else if (h.slice(0, slash) === '.') out.push(`${namespace}/${h.slice(slash + 1)}`);
    else if (h.slice(0, slash) === '*') {
      if (h.slice(slash + 1) === '*') return ['*'];
      out.push(h.slice(slash + 1));
    } else out.push(h);
  }
  return out;
}

/** The SNI names of a TLS server's filter chain (GetSNIHostsForServer); empty when one of them is `*` (no SNI match). */
export function sniHosts(s: GatewayServer, namespace: string): string[] {
  const names = [...new Set(sanitizedServerHosts(s, namespace).map((h) => (h.includes('/') ? h.slice(h.indexOf('/') + 1) : h)))].sort();
  return names.includes('*') ? [] : names;
}

/** A Gateway server as it is bound on one workload: the Envoy listener port it ends up on. */
export interface BoundServer {
  readonly gateway: Gateway;
  readonly server: GatewayServer;
  readonly listenerPort: number;
  /** The Service port that translated the server port to `listenerPort`, if any. */
  readonly translatedBy: { readonly service: Service; readonly port: ServicePort } | undefined;
}

/** Several Services (without the opt-out label) map a Gateway server port to different target ports. */
export interface TranslationAmbiguity {
  readonly gateway: Gateway;
  readonly server: GatewayServer;
  readonly candidates: readonly { readonly service: Service; readonly port: ServicePort; readonly targetPort: number }[];
}

/**
 * A server Istio drops from a listener (pilot/pkg/model/gateway.go mergeGateways): its protocol cannot merge
 * with the plain-text server already there, or (TLS servers, and HTTP servers with a `tls` block) one of its
 * hosts is already an SNI name of an earlier server on that port.
 */
export interface ProtocolConflict {
  readonly listenerPort: number;
  readonly kept: BoundServer;
  readonly dropped: BoundServer;
  readonly reason: 'protocol' | 'tls-host';
}

export interface WorkloadListeners {
  readonly workload: Workload;
  readonly gateways: readonly Gateway[];
  readonly byPort: ReadonlyMap<number, readonly BoundServer[]>;
  readonly ambiguities: readonly TranslationAmbiguity[];
  readonly conflicts: readonly ProtocolConflict[];
}

/** Resolves a Service targetPort (number or container port name) against a workload's containers. */
export function resolveTargetPort(targetPort: number | string, w: Workload): number | undefined {
  if (typeof targetPort === 'number') return targetPort;
  return w.containerPorts.find((p) => p.name === targetPort)?.containerPort;
}

/** Heuristic for "this workload is an Istio gateway proxy", used only for Gateways with an empty selector. */
export function looksLikeGatewayProxy(w: Workload): boolean {
  return (
    (w.annotations['inject.istio.io/templates'] ?? '').includes('gateway') ||
    /gateway/.test(w.labels['istio'] ?? '') ||
    /gateway/.test(w.labels['app'] ?? '')
  );
}

export function gatewaySelects(g: Gateway, w: Workload): boolean {
  if (g.selector === undefined || Object.keys(g.selector).length === 0) return looksLikeGatewayProxy(w);
  return matchesMap(g.selector, w.labels);
}

/**
 * The listeners Istio builds on one gateway workload: every server of every Gateway that selects it,
 * on the port it resolves to. Port translation follows Istio's legacy selector mode: a Service that
 * selects the workload and exposes the server's port number moves the listener to that Service's
 * targetPort, unless the Service carries the opt-out label; with no such Service the number is used as is.
 */
export function listenersFor(snapshot: Snapshot, w: Workload): WorkloadListeners {
  return snapshot.memo(`listeners:${w.res.kind}:${w.namespace}/${w.res.name}`, () => {
    const gateways = snapshot.list('Gateway').filter((g) => gatewaySelects(g, w));
    const services = snapshot.servicesSelecting(w).filter((s) => !(DISABLE_PORT_TRANSLATION_LABEL in s.labels));
    const byPort = new Map<number, BoundServer[]>();
    const ambiguities: TranslationAmbiguity[] = [];
    const conflicts: ProtocolConflict[] = [];
    // Per listener port: the plain-text server that decides what merges, and the hosts TLS servers claimed.
    const plain = new Map<number, BoundServer>();
    const tlsHosts = new Map<number, Map<string, { bind: string; by: BoundServer }>>();
    // Istio merges a proxy's Gateways in config order: creation time, then name, then namespace.
    const sorted = [...gateways].sort(istioConfigOrder);
    for (const gateway of sorted) {
      for (const server of gateway.servers) {
        if (server.portNumber === undefined) continue;
        const candidates: { service: Service; port: ServicePort; targetPort: number }[] = [];
        for (const service of services) {
          for (const port of service.ports) {
            if (port.port !== server.portNumber) continue;
            const tp = resolveTargetPort(port.targetPort, w);
            if (tp !== undefined) candidates.push({ service, port, targetPort: tp });
          }
        }
        const distinct = new Set(candidates.map((c) => c.targetPort));
        if (distinct.size > 1) ambiguities.push({ gateway, server, candidates });
        const first = candidates[0];
        const bound: BoundServer = {
          gateway,
          server,
          listenerPort: first ? first.targetPort : server.portNumber,
          translatedBy: first ? { service: first.service, port: first.port } : undefined,
        };
        const port = bound.listenerPort;
        const bind = server.bind ?? '';
        if (server.tls) {
          const known = tlsHosts.get(port) ?? new Map<string, { bind: string; by: BoundServer }>();
          tlsHosts.set(port, known);
          const hosts = sanitizedServerHosts(server, gateway.namespace);
          const dup = hosts.map((h) => known.get(h)).find((k) => k !== undefined && k.bind === bind);
          if (dup) {
            conflicts.push({ listenerPort: port, kept: dup.by, dropped: bound, reason: 'tls-host' });
            continue;
          }
          for (const h of hosts) known.set(h, { bind, by: bound });
        }
        const list = byPort.get(port) ?? [];
        const current = plain.get(port);
        if (current) {
          // canMergeProtocols: onto a plain-text server only HTTP merges, and onto HTTP only HTTP (same bind).
          const cp = current.server.protocol;
          const mergeable = (isHttpProtocol(cp) || cp === server.protocol) && isHttpProtocol(server.protocol);
          if (!mergeable && (current.server.bind ?? '') === bind) {
            conflicts.push({ listenerPort: port, kept: current, dropped: bound, reason: 'protocol' });
            continue;
          }
        } else if (!isTlsServer(server)) {
          // The first plain-text server on the port, even after TLS servers: they share the listener.
          plain.set(port, bound);
        }
        list.push(bound);
        byPort.set(port, list);
      }
    }
    return { workload: w, gateways: sorted, byPort, ambiguities, conflicts };
  });
}

/** What a request to `service:port` lands on, for each pod (or pod template) the Service selects. */
export interface ServiceReach {
  readonly service: Service;
  readonly port: ServicePort | undefined;
  readonly workloads: readonly {
    readonly workload: Workload;
    /** undefined when a named targetPort does not exist on the workload's containers. */
    readonly targetPort: number | undefined;
    readonly servers: readonly BoundServer[];
  }[];
}

export function reachThroughService(snapshot: Snapshot, service: Service, portNumber = 80): ServiceReach {
  const port = service.ports.find((p) => p.port === portNumber);
  const selected = service.selector && Object.keys(service.selector).length > 0 ? snapshot.workloadsMatching(service.selector, service.namespace) : [];
  const workloads = selected.map((workload) => {
    const targetPort = port ? resolveTargetPort(port.targetPort, workload) : undefined;
    const servers = targetPort === undefined ? [] : (listenersFor(snapshot, workload).byPort.get(targetPort) ?? []);
    return { workload, targetPort, servers };
  });
  return { service, port, workloads };
}

/** Workloads that are, or look like, Istio gateway proxies: selected by some Gateway, or labelled like one. */
export function gatewayWorkloads(snapshot: Snapshot): Workload[] {
  return snapshot.memo('gateway-workloads', () =>
    snapshot.list('Workload').filter((w) => looksLikeGatewayProxy(w) || snapshot.list('Gateway').some((g) => g.selector && Object.keys(g.selector).length > 0 && matchesMap(g.selector, w.labels))),
  );
}
