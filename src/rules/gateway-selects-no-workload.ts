import { defineRule } from '../engine/define-rule.js';
import { formatLabels } from '../model/label-selector.js';
import { gatewaySelects, gatewayWorkloads } from '../platform/istio/listeners.js';
import { selectorHint } from './_hints.js';
import { operatorOwnedSelector } from '../platform/knative/operator.js';

export default defineRule({
  id: 'gateway-selects-no-workload',
  meta: {
    description: "A Gateway's selector must match gateway pods.",
    inputs: ['Gateway', 'Workload', 'Service', 'KnativeServing'],
    emits: ['GatewaySelectsNoWorkload'],
  },
  check(ctx) {
    const gateways = ctx.snapshot.list('Gateway');
    if (gateways.length === 0) return;
    const candidates = gatewayWorkloads(ctx.snapshot);
    if (candidates.length === 0 && !ctx.snapshot.complete) {
      ctx.skip('the input has no gateway pods (Pod, Deployment, StatefulSet or DaemonSet of an Istio gateway)', 'the gateway Deployments');
      return;
    }
    const all = ctx.snapshot.list('Workload');
    for (const g of gateways) {
      if (all.some((w) => gatewaySelects(g, w))) continue;
      const selector = g.selector ?? {};
      // The operator's Gateway: the fix is the KnativeServing field, which it copies onto the Gateway.
      const owner = operatorOwnedSelector(ctx.snapshot, g.res, 'the labels of the gateway pods');
      ctx.report({
        id: 'GatewaySelectsNoWorkload',
        resource: g.res,
        path: ['spec', 'selector'],
        data: { selector: formatLabels(selector), hint: selectorHint(selector, candidates) },
        ...(owner ? { owner } : {}),
      });
    }
  },
});
