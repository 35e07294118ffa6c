import { defineRule } from '../engine/define-rule.js';
import { parseServiceHost } from '../platform/knative/config-istio.js';
import { knativeGatewayConfig } from '../platform/knative/effective.js';
import { kserveIngressConfig } from '../platform/kserve/ingress-config.js';

export default defineRule({
  id: 'kserve-local-service-not-found',
  meta: {
    description: "KServe's localGatewayService and knativeLocalGatewayService must name existing Services.",
    inputs: ['ConfigMap', 'KnativeServing', 'Service'],
    emits: ['KServeLocalServiceNotFound', 'ServiceHostOutsideClusterDomain'],
  },
  check(ctx) {
    const cfg = kserveIngressConfig(ctx.snapshot);
    if (cfg.status !== 'ok' || !cfg.configMap) return;
    const kn = knativeGatewayConfig(ctx.snapshot).localDefault;
    const suggestion = kn?.service ?? `knative-local-gateway.istio-system.svc.${ctx.snapshot.clusterDomain}`;
    const keys = [['localGatewayService', cfg.localGatewayService]] as [string, string][];
    if (cfg.knativeLocalGatewayServiceSet) keys.push(['knativeLocalGatewayService', cfg.knativeLocalGatewayService]);
    for (const [key, value] of keys) {
      if (!value) continue;
      const at = { resource: cfg.configMap.res, path: cfg.path, innerPath: [key] };
      const host = parseServiceHost(value, ctx.snapshot.clusterDomain);
      if (!host || !host.inClusterDomain) {
        ctx.report({ ...at, id: 'ServiceHostOutsideClusterDomain', data: { service: value, clusterDomain: ctx.snapshot.clusterDomain } });
        continue;
      }
      if (ctx.snapshot.list('Service').length === 0 && !ctx.snapshot.complete) {
        ctx.skip('the input has no Service', 'the gateway Services (istio-system)');
        return;
      }
      if (ctx.snapshot.get('Service', host.namespace, host.name)) continue;
      ctx.report({ ...at, id: 'KServeLocalServiceNotFound', data: { key, value, namespace: host.namespace, name: host.name, suggestion } });
    }
  },
});
