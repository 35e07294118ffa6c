import { defineRule } from '../engine/define-rule.js';
import { knativeGatewayConfig } from '../platform/knative/effective.js';
import { LEGACY_LOCAL_PREFIX, parseServiceHost } from '../platform/knative/config-istio.js';
import { operatorMisplacesLocalService } from '../platform/knative/operator.js';

export default defineRule({
  id: 'knative-local-service-not-found',
  meta: {
    description: "config-istio's local gateway `service` must name an existing Service in the cluster domain.",
    inputs: ['ConfigMap', 'KnativeServing', 'Service'],
    emits: ['KnativeLocalServiceNotFound', 'ServiceHostOutsideClusterDomain'],
  },
  check(ctx) {
    const cfg = knativeGatewayConfig(ctx.snapshot);
    if (cfg.status !== 'ok') return;
    const misplaced = operatorMisplacesLocalService(ctx.snapshot);
    for (const e of cfg.parsed.local) {
      // The removed `local-gateway.mesh` key has its own finding (config-istio-stale-mesh-key).
      if (e.name === 'mesh' && e.key.startsWith(LEGACY_LOCAL_PREFIX)) continue;
      const at = cfg.origin(e.key);
      if (!at) continue;
      const innerPath = e.innerPath ? [...e.innerPath, 'service'] : undefined;
      const host = parseServiceHost(e.service, ctx.snapshot.clusterDomain);
      if (!host || !host.inClusterDomain) {
        ctx.report({ id: 'ServiceHostOutsideClusterDomain', resource: at.resource, path: at.path, innerPath, data: { service: e.service, clusterDomain: ctx.snapshot.clusterDomain } });
        continue;
      }
      if (ctx.snapshot.list('Service').length === 0 && !ctx.snapshot.complete) {
        ctx.skip('the input has no Service', 'the gateway Services (istio-system)');
        return;
      }
      if (ctx.snapshot.get('Service', host.namespace, host.name)) continue;
      if (misplaced && misplaced.serviceHost === e.service) continue; // KGD1202 says why
      ctx.report({ id: 'KnativeLocalServiceNotFound', resource: at.resource, path: at.path, innerPath, data: { service: e.service, namespace: host.namespace, name: host.name } });
    }
  },
});
