import type { Resource } from '../load/resource.js';
import type { Gateway } from '../model/istio.js';
import type { Service } from '../model/core.js';
import type { FieldPath } from '../shared/path.js';
import type { Snapshot } from '../snapshot/snapshot.js';
import { resolveGatewayRef } from './istio/gateway-ref.js';
import { parseServiceHost } from './knative/config-istio.js';
import { knativeGatewayConfig } from './knative/effective.js';
import { kserveIngressConfig } from './kserve/ingress-config.js';

/**
 * One requirement of the in-cluster path: requests sent to `service` port 80 must land on pods that
 * serve `gateway`. The three come from config-istio (Knative's own routes), KServe's localGatewayService
 * (hop 1: KServe's VirtualService) and KServe's knativeLocalGatewayService (hop 2: Knative's VirtualService).
 */
export interface LocalObligation {
  readonly role: string;
  readonly serviceHost: string;
  readonly serviceNamespace: string;
  readonly serviceName: string;
  readonly service: Service | undefined;
  readonly gatewayNamespace: string;
  readonly gatewayName: string;
  readonly gateway: Gateway | undefined;
  /** Where the service host was written. */
  readonly origin: { readonly resource: Resource; readonly path: FieldPath; readonly innerPath?: FieldPath } | undefined;
}

export function normalizeHost(h: string): string {
  return (h.endsWith('.') ? h.slice(0, -1) : h).toLowerCase();
}

export function localObligations(snapshot: Snapshot): LocalObligation[] {
  return snapshot.memo('local-obligations', () => {
    const out: LocalObligation[] = [];
    const kn = knativeGatewayConfig(snapshot);
    const ks = kserveIngressConfig(snapshot);
    const add = (role: string, host: string, gwNs: string, gwName: string, origin: LocalObligation['origin']) => {
      const parsed = parseServiceHost(host, snapshot.clusterDomain);
      if (!parsed) return;
      out.push({
        role,
        serviceHost: host,
        serviceNamespace: parsed.namespace,
        serviceName: parsed.name,
        service: snapshot.get('Service', parsed.namespace, parsed.name),
        gatewayNamespace: gwNs,
        gatewayName: gwName,
        gateway: snapshot.get('Gateway', gwNs, gwName),
        origin,
      });
    };
    const local = kn.status === 'ok' ? kn.localDefault : undefined;
    if (local) {
      const o = kn.origin(local.key);
      add("Knative's local gateway service", local.service, local.namespace, local.name, o ? { ...o, innerPath: local.innerPath ? [...local.innerPath, 'service'] : undefined } : undefined);
    }
    if (ks.status === 'ok') {
      const origin = (key: string) => (ks.configMap ? { resource: ks.configMap.res, path: ks.path, innerPath: [key] } : undefined);
      if (ks.localGateway && ks.localGatewayService) {
        const gw = resolveGatewayRef(ks.localGateway, '');
        if (gw.namespace) add('KServe localGatewayService', ks.localGatewayService, gw.namespace, gw.name, origin('localGatewayService'));
      }
      if (ks.knativeLocalGatewayServiceSet && local) {
        add('KServe knativeLocalGatewayService', ks.knativeLocalGatewayService, local.namespace, local.name, origin('knativeLocalGatewayService'));
      }
    }
    // The same Service and Gateway pair named twice is one obligation.
    const seen = new Set<string>();
    return out.filter((o) => {
      const k = `${normalizeHost(o.serviceHost)}|${o.gatewayNamespace}/${o.gatewayName}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
  });
}

/** Gateways on the local path: Knative's local gateway(s) and KServe's localGateway. */
export function localGateways(snapshot: Snapshot): Gateway[] {
  const out = new Map<string, Gateway>();
  const kn = knativeGatewayConfig(snapshot);
  if (kn.status === 'ok') for (const e of kn.parsed.local) {
    const g = snapshot.get('Gateway', e.namespace, e.name);
    if (g) out.set(`${g.namespace}/${g.name}`, g);
  }
  const ks = kserveIngressConfig(snapshot);
  if (ks.status === 'ok' && ks.localGateway) {
    const r = resolveGatewayRef(ks.localGateway, '');
    const g = r.namespace ? snapshot.get('Gateway', r.namespace, r.name) : undefined;
    if (g) out.set(`${g.namespace}/${g.name}`, g);
  }
  return [...out.values()].sort((a, b) => `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`));
}

/**
 * The Gateways something in the input routes through, as `namespace/name`: config-istio's local and external
 * entries (net-istio's defaults when config-istio is absent), KServe's ingressGateway and localGateway, and
 * every Gateway a VirtualService binds to.
 */
export function routedGateways(snapshot: Snapshot): ReadonlySet<string> {
  return snapshot.memo('routed-gateways', () => {
    const out = new Set<string>();
    const kn = knativeGatewayConfig(snapshot);
    for (const e of [...kn.parsed.local, ...kn.parsed.external]) out.add(`${e.namespace}/${e.name}`);
    const ks = kserveIngressConfig(snapshot);
    for (const ref of [ks.ingressGateway, ks.localGateway]) {
      if (!ref) continue;
      const r = resolveGatewayRef(ref, '');
      if (r.namespace) out.add(`${r.namespace}/${r.name}`);
    }
    for (const vs of snapshot.list('VirtualService')) {
      for (const g of vs.gateways) {
        if (g === 'mesh') continue;
        const r = resolveGatewayRef(g, vs.namespace);
        out.add(`${r.namespace}/${r.name}`);
      }
    }
    return out;
  });
}
