import { istioConfigOrder, type Gateway, type GatewayServer } from '../../model/istio.js';
import type { Service, ServicePort, Workload } from '../../model/core.js';
import { matchesMap } from '../../model/label-selector.js';
import type { Snapshot } from '../../snapshot/snapshot.js';

/** Istio's label on a Service that opts it out of Gateway port translation (added for Knative). */
export const DISABLE_PORT_TRANSLATION_LABEL = 'experimental.istio.io/disable-gateway-port-translation';

const HTTP_PROTOCOLS = new Set(['HTTP', 'HTTP2', 'GRPC', 'GRPC-WEB', 'HTTP_PROXY']);

export function isPlainHttpServer(s: GatewayServer): boolean {
  return s.protocol !== undefined && HTTP_PROTOCOLS.has(s.protocol) && s.tlsMode === undefined;
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

/** Servers bound to the same listener whose protocols Istio cannot merge: one of them is dropped. */
export interface ProtocolConflict {
  readonly listenerPort: number;
  readonly kept: BoundServer;
  readonly dropped: BoundServer;
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
        const list = byPort.get(bound.listenerPort) ?? [];
        const current = list[0];
        if (current && isPlainHttpServer(current.server) !== isPlainHttpServer(server) && (current.server.bind ?? '') === (server.bind ?? '')) {
          conflicts.push({ listenerPort: bound.listenerPort, kept: current, dropped: bound });
          continue;
        }
        list.push(bound);
        byPort.set(bound.listenerPort, list);
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
