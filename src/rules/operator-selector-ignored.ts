import { defineRule } from '../engine/define-rule.js';
import { knativeGatewayConfig } from '../platform/knative/effective.js';
import { DEFAULT_LOCAL_GATEWAY } from '../platform/knative/config-istio.js';

export default defineRule({
  id: 'operator-selector-ignored',
  meta: {
    description: "The operator's knative-local-gateway selector only reaches the Gateway and Service of that exact name.",
    inputs: ['KnativeServing', 'ConfigMap'],
    emits: ['OperatorSelectorIgnored'],
  },
  check(ctx) {
    const cfg = knativeGatewayConfig(ctx.snapshot);
    const ks = cfg.knativeServing;
    const sel = ks?.localGatewayOverride?.selector;
    if (!ks || !ks.istioEnabled || !sel || Object.keys(sel).length === 0 || cfg.status !== 'ok' || !cfg.localDefault) return;
    const gw = cfg.localDefault;
    if (gw.name === DEFAULT_LOCAL_GATEWAY && gw.namespace === ks.namespace) return;
    ctx.report({
      id: 'OperatorSelectorIgnored',
      resource: ks.res,
      path: ['spec', 'ingress', 'istio', 'knative-local-gateway', 'selector'],
      data: { gateway: `${gw.namespace}/${gw.name}` },
    });
  },
});
