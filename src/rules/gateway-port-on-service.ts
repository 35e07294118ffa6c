import { defineRule } from '../engine/define-rule.js';
import { displayName } from '../load/resource.js';
import { formatLabels } from '../model/label-selector.js';
import { listenersFor, resolveTargetPort } from '../platform/istio/listeners.js';

/**
 * Every Gateway server must be reachable through a Service: for the pods the Gateway selects, the Services that
 * select those pods (same namespace) must send some port to the listener the server ends up on (after Istio's port
 * translation and its opt-out label, src/platform/istio/listeners.ts). Otherwise the listener exists and nothing
 * routes to it. Istio's analyzer checks the server's port number against the Services' ports and target ports
 * (pkg/config/analysis/analyzers/gateway/gateway.go, IST0162 GatewayPortNotDefinedOnService); kgd checks the listener
 * each server is actually bound to, on every selected workload, in any namespace — on a whole cluster only.
 */
export default defineRule({
  id: 'gateway-port-on-service',
  meta: {
    description: 'Each Gateway server must land on a listener some Service of the selected pods sends traffic to (checked on a whole cluster: --cluster, --complete).',
    inputs: ['Gateway', 'Workload', 'Service'],
    emits: ['GatewayPortNotOnService'],
  },
  check(ctx) {
    const s = ctx.snapshot;
    const seen = new Set<string>();
    for (const w of s.list('Workload')) {
      const services = s.servicesSelecting(w);
      for (const [port, bound] of listenersFor(s, w).byPort) {
        const reached = services.some((svc) => svc.ports.some((p) => p.protocol.toUpperCase() === 'TCP' && resolveTargetPort(p.targetPort, w) === port));
        if (reached) continue;
        // Partial input usually leaves out a Service of the gateway pods (istio-ingressgateway's, typically): only a
        // whole cluster shows that none targets this listener. (A skip notice here would sit on nearly every folder.)
        if (!s.complete) continue;
        for (const b of bound) {
          const key = `${b.gateway.namespace}/${b.gateway.name}/${b.server.index}/${port}`;
          if (seen.has(key)) continue;
          seen.add(key);
          ctx.report({
            id: 'GatewayPortNotOnService', resource: b.gateway.res, path: ['spec', 'servers', b.server.index, 'port', 'number'],
            related: [{ resource: w.res }, ...services.map((svc) => ({ resource: svc.res, path: ['spec', 'ports'] }))],
            data: {
              server: String(b.server.portNumber), listener: b.listenerPort === b.server.portNumber ? `listener ${port}` : `listener ${port} (translated from ${b.server.portNumber} by Service ${b.translatedBy?.service.namespace}/${b.translatedBy?.service.name})`,
              pods: `${displayName(w.res)} (${formatLabels(w.labels['app'] ? { app: w.labels['app'] } : w.labels)})`,
              services: services.length ? services.map((svc) => `${svc.namespace}/${svc.name} (${svc.ports.map((p) => `${p.port}→${p.targetPort}`).join(', ')})`).join(', ') : 'none',
            },
          });
        }
      }
    }
  },
});
