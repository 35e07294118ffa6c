import { isKnativeMode } from '../platform/kserve/deployment-mode.js';
import { defineRule } from '../engine/define-rule.js';
import { inputShowsGateways } from '../platform/install-defaults.js';
import { knativeGatewayConfig } from '../platform/knative/effective.js';
import { kserveGatewayRefs, kserveIngressConfig } from '../platform/kserve/ingress-config.js';

/**
 * KServe's ingressGateway: the Gateway its VirtualServices bind external hosts to (KServe's ingress reconciler
 * adds it to spec.gateways of every InferenceService that is not cluster-local; `../shared/domain/local-gateway.md`
 * §5.4). Its format is checked by kserve-ingress-config-invalid; here, that the Gateway exists.
 */
export default defineRule({
  id: 'kserve-ingress-gateway-ref',
  meta: {
    description: 'KServe ingressGateway must name an existing Gateway (external routes of InferenceServices bind to it).',
    inputs: ['ConfigMap', 'KnativeServing', 'Gateway', 'InferenceService'],
    emits: ['KServeIngressGatewayNotFound'],
  },
  check(ctx) {
    const s = ctx.snapshot;
    const cfg = kserveIngressConfig(s);
    if (cfg.status !== 'ok' || !cfg.configMap || cfg.enableGatewayApi || cfg.ingressGateway === '') return;
    const isvcs = s.list('InferenceService').filter((i) => isKnativeMode(s, i));
    const external = isvcs.filter((i) => !i.clusterLocal);
    // Only cluster-local InferenceServices: nothing binds to ingressGateway.
    if (isvcs.length > 0 && external.length === 0) return;
    if (!inputShowsGateways(s)) {
      ctx.skip('the input has no Istio Gateway', 'the Istio Gateway objects');
      return;
    }
    const value = cfg.ingressGateway;
    const { bare, refs } = kserveGatewayRefs(value, external.map((i) => i.namespace));
    const ext = knativeGatewayConfig(s).externalDefault;
    const extGw = ext ? s.get('Gateway', ext.namespace, ext.name) : undefined;
    const suggestionValue = extGw ? `${extGw.namespace}/${extGw.name}` : undefined;
    for (const r of refs) {
      if (s.get('Gateway', r.namespace, r.name)) continue;
      const users = external.filter((i) => !bare || i.namespace === r.namespace).map((i) => `${i.namespace}/${i.name}`);
      ctx.report({
        resource: cfg.configMap.res,
        path: cfg.path,
        innerPath: ['ingressGateway'],
        id: 'KServeIngressGatewayNotFound',
        data: {
          value,
          gateway: `${r.namespace}/${r.name}`,
          users: users.length ? ` (external routes of ${users.slice(0, 3).join(', ')}${users.length > 3 ? `, and ${users.length - 3} more` : ''} bind to it)` : '',
          suggestion: suggestionValue ? ` (config-istio's external gateway is ${suggestionValue})` : '',
        },
        ...(suggestionValue ? { repair: { summary: `set ingressGateway to "${suggestionValue}"`, edits: [{ resource: cfg.configMap.res, path: cfg.path, op: 'set' as const, inner: { key: 'ingressGateway' }, value: suggestionValue }] } } : {}),
      });
    }
  },
});
