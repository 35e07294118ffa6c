import { defineRule } from '../engine/define-rule.js';
import { formatLabels } from '../model/label-selector.js';
import { authorize, plainInferenceCall } from '../platform/istio/authz.js';
import { gatewaySelects, listenersFor } from '../platform/istio/listeners.js';
import { localGateways } from '../platform/local-path.js';

export default defineRule({
  id: 'authz-denies-local-gateway',
  meta: {
    description: 'AuthorizationPolicies on the local gateway pods must let plain in-cluster calls through.',
    inputs: ['AuthorizationPolicy', 'Gateway', 'Workload', 'ConfigMap', 'KnativeServing', 'Service'],
    emits: ['AuthorizationPolicyDeniesLocalGateway', 'AuthProviderOnPath'],
  },
  check(ctx) {
    const s = ctx.snapshot;
    if (s.list('AuthorizationPolicy').length === 0) return;
    const gateways = localGateways(s);
    const seen = new Set<string>();
    for (const w of s.list('Workload')) {
      const serving = gateways.filter((g) => gatewaySelects(g, w));
      if (serving.length === 0) continue;
      // The port the local gateway's listener takes the call on (a policy's `ports` compares with it).
      const port = [...listenersFor(s, w).byPort.entries()].find(([, bs]) => bs.some((b) => serving.includes(b.gateway)))?.[0] ?? 8081;
      const v = authorize(s, w, plainInferenceCall(port));
      if ((v.decision !== 'deny' && v.decision !== 'external') || !v.policy) continue;
      const k = `${v.policy.namespace}/${v.policy.name}`;
      if (seen.has(k)) continue;
      seen.add(k);
      if (v.decision === 'external') {
        ctx.report({
          id: 'AuthProviderOnPath', resource: v.policy.res, path: ['spec', 'rules', v.rule ?? 0],
          data: {
            target: `the local gateway pods (${formatLabels(w.labels['app'] ? { app: w.labels['app'] } : w.labels)}, listener ${port})`,
            detail: `${v.reason} — every in-cluster call through the local gateway, and net-istio's probes`,
            advice: `Limit the rules of CUSTOM policy ${v.policy.namespace}/${v.policy.name} to the external traffic (to.operation.hosts of the external hosts, or to.operation.ports not including ${port}), or serve the local gateway from pods it does not select.`,
          },
        });
        continue;
      }
      ctx.report({
        id: 'AuthorizationPolicyDeniesLocalGateway',
        resource: v.policy.res,
        path: v.policy.action === 'DENY' ? ['spec', 'rules', v.rule ?? 0] : ['spec'],
        data: { detail: `${v.reason} for a plain in-cluster call (no peer identity, no JWT), so calls through the local gateway get 403 (${v.envoyDetails})`, gatewayLabels: formatLabels(w.labels['app'] ? { app: w.labels['app'] } : w.labels) },
      });
    }
  },
});
