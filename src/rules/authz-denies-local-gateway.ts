import { defineRule } from '../engine/define-rule.js';
import { formatLabels } from '../model/label-selector.js';
import { plainCallVerdict } from '../platform/istio/authz.js';
import { gatewaySelects } from '../platform/istio/listeners.js';
import { localGateways } from '../platform/local-path.js';

export default defineRule({
  id: 'authz-denies-local-gateway',
  meta: {
    description: 'AuthorizationPolicies on the local gateway pods must let plain in-cluster calls through.',
    inputs: ['AuthorizationPolicy', 'Gateway', 'Workload', 'ConfigMap', 'KnativeServing'],
    emits: ['AuthorizationPolicyDeniesLocalGateway'],
  },
  check(ctx) {
    const s = ctx.snapshot;
    const policies = s.list('AuthorizationPolicy');
    if (policies.length === 0) return;
    const gateways = localGateways(s);
    const seen = new Set<string>();
    for (const w of s.list('Workload')) {
      if (!gateways.some((g) => gatewaySelects(g, w))) continue;
      const v = plainCallVerdict(policies, w);
      if (!v.denied || !v.by) continue;
      const k = `${v.by.namespace}/${v.by.name}`;
      if (seen.has(k)) continue;
      seen.add(k);
      ctx.report({
        id: 'AuthorizationPolicyDeniesLocalGateway',
        resource: v.by.res,
        path: v.by.action === 'DENY' ? ['spec', 'rules'] : ['spec'],
        data: { detail: `${v.reason}, so calls through the local gateway get 403`, gatewayLabels: formatLabels(w.labels['app'] ? { app: w.labels['app'] } : w.labels) },
      });
    }
  },
});
