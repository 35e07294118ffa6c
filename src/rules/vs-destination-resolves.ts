import { defineRule } from '../engine/define-rule.js';
import { destinationFqdn, destinationService } from '../platform/istio/gateway-routing.js';
import { MESH_GATEWAY, resolveGatewayRef } from '../platform/istio/gateway-ref.js';

/**
 * A VirtualService's route destinations must name a Service that exists, and name a port when that Service has
 * several. Istio's analyzer: pkg/config/analysis/analyzers/virtualservice/destinationhosts.go (IST0101 for a host
 * that resolves to nothing, IST0112 VirtualServiceDestinationPortSelectorRequired). At run time a port-less
 * destination takes the Service's only port, else the Gateway server's port number (route.GetDestinationCluster):
 * kgd says which, and whether the Service has it. A missing host is claimed only on a whole cluster, and never for
 * Knative's revision Services (created at run time) or hosts outside the cluster domain (ServiceEntries, which kgd
 * does not read, may define them).
 */
export default defineRule({
  id: 'vs-destination-resolves',
  meta: {
    description: 'VirtualService destinations must name an existing Service, with a port when it has several.',
    inputs: ['VirtualService', 'Service', 'Gateway'],
    emits: ['VirtualServiceDestinationNotFound', 'VirtualServiceDestinationPortRequired'],
  },
  check(ctx) {
    const s = ctx.snapshot;
    const suffix = `.svc.${s.clusterDomain}`;
    for (const vs of s.list('VirtualService')) {
      // Knative's VirtualServices route to revision Services Knative creates at run time.
      if ('networking.internal.knative.dev/ingress' in vs.labels) continue;
      const serverPorts = [...new Set(vs.gateways.filter((g) => g !== MESH_GATEWAY).flatMap((ref) => {
        const r = resolveGatewayRef(ref, vs.namespace);
        return s.get('Gateway', r.namespace, r.name)?.servers.map((sv) => sv.portNumber).filter((p): p is number => p !== undefined) ?? [];
      }))].sort((a, b) => a - b);
      for (const route of vs.http) {
        route.route.forEach((d, i) => {
          const fqdn = destinationFqdn(d.host, vs.namespace, s.clusterDomain).toLowerCase();
          const svc = destinationService(s, fqdn);
          const path = ['spec', 'http', route.index, 'route', i, 'destination'];
          if (!svc) {
            if (s.complete && fqdn.endsWith(suffix) && fqdn.split('.').length === suffix.split('.').length + 1) {
              ctx.report({ id: 'VirtualServiceDestinationNotFound', resource: vs.res, path: [...path, 'host'], data: { host: d.host, fqdn, route: String(route.index) } });
            }
            return;
          }
          if (d.port !== undefined || svc.ports.length <= 1) return;
          const ports = svc.ports.map((p) => p.port);
          const missing = serverPorts.filter((p) => !ports.includes(p));
          ctx.report({
            id: 'VirtualServiceDestinationPortRequired', resource: vs.res, path,
            related: [{ resource: svc.res, path: ['spec', 'ports'] }],
            data: {
              host: d.host, service: `${svc.namespace}/${svc.name}`, ports: ports.join(', '), route: String(route.index),
              outcome: serverPorts.length === 0 ? "a sidecar picks the port the call was made to" : missing.length
                ? `on server port ${missing.join(', ')} the Service has no such port: no cluster, 503 (NC)` : `the server port (${serverPorts.join(', ')}) happens to be one of them`,
            },
          });
        });
      }
    }
  },
});
