import { defineRule } from '../engine/define-rule.js';
import { formatLabels } from '../model/label-selector.js';
import { gatewaySelects, gatewayWorkloads } from '../platform/istio/listeners.js';
import { selectorHint } from './_hints.js';
import { operatorOwnedSelector } from '../platform/knative/operator.js';
import { isInstallDefault } from '../platform/install-defaults.js';
import { disabledGatewayMatching, installedGateways } from '../platform/istio/install.js';
import { routedGateways } from '../platform/local-path.js';

export default defineRule({
  id: 'gateway-selects-no-workload',
  meta: {
    description: "A Gateway's selector must match gateway pods.",
    inputs: ['Gateway', 'Workload', 'Service', 'KnativeServing', 'ConfigMap', 'VirtualService', 'IstioOperator'],
    emits: ['GatewaySelectsNoWorkload', 'UnusedGatewaySelectsNoWorkload', 'GatewaySelectsDisabledGateway'],
  },
  check(ctx) {
    const gateways = ctx.snapshot.list('Gateway');
    if (gateways.length === 0) return;
    const candidates = gatewayWorkloads(ctx.snapshot);
    // An IstioOperator in the input shows which gateway pods the install has (none, when it disables them all).
    const install = installedGateways(ctx.snapshot);
    if (candidates.length === 0 && !ctx.snapshot.complete && install.length === 0) {
      ctx.skip('the input has no gateway pods (Pod, Deployment, StatefulSet or DaemonSet of an Istio gateway)', 'the gateway Deployments');
      return;
    }
    const all = ctx.snapshot.list('Workload');
    // Only assumed pods (a default install's ingress gateway): the input shows none of its own, so a selector
    // that matches none of those says nothing about the cluster.
    const onlyAssumed = !ctx.snapshot.complete && install.length === 0 && candidates.every((w) => isInstallDefault(w.res));
    for (const g of gateways) {
      if (all.some((w) => gatewaySelects(g, w))) continue;
      if (onlyAssumed) {
        ctx.skip('the input has no gateway pods of its own (only a default install\'s ingress gateway, assumed)', 'the gateway Deployments');
        continue;
      }
      const selector = g.selector ?? {};
      const disabled = disabledGatewayMatching(ctx.snapshot, selector);
      if (disabled) {
        const c = disabled.component;
        const field = c ? `spec.components.${disabled.kind}Gateways[${c.index}].enabled: true` : `an entry {name: ${disabled.name}, enabled: true} in spec.components.${disabled.kind}Gateways`;
        ctx.report({
          id: 'GatewaySelectsDisabledGateway', resource: g.res, path: ['spec', 'selector'],
          related: [{ resource: disabled.operator.res, path: c ? ['spec', 'components', `${disabled.kind}Gateways`, c.index] : ['spec'] }],
          data: {
            selector: formatLabels(selector), gateway: `${disabled.namespace}/${disabled.name}`, operator: `${disabled.operator.namespace}/${disabled.operator.name}`, why: disabled.why, field,
            others: install.filter((e) => e.enabled).map((e) => `${formatLabels(e.labels)} (${e.namespace}/${e.name})`).join(', ') || 'none',
          },
        });
        continue;
      }
      // The operator's Gateway: the fix is the KnativeServing field, which it copies onto the Gateway.
      const owner = operatorOwnedSelector(ctx.snapshot, g.res, 'the labels of the gateway pods');
      // A Gateway nothing routes through breaks no request: at most a warning.
      const used = routedGateways(ctx.snapshot).has(`${g.namespace}/${g.name}`);
      ctx.report({
        id: used ? 'GatewaySelectsNoWorkload' : 'UnusedGatewaySelectsNoWorkload',
        resource: g.res,
        path: ['spec', 'selector'],
        data: { selector: formatLabels(selector), hint: selectorHint(selector, candidates) },
        ...(owner ? { owner } : {}),
      });
    }
  },
});
