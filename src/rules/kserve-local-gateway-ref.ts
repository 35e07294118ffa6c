import { defineRule } from '../engine/define-rule.js';
import { inputShowsGateways } from '../platform/install-defaults.js';
import { knativeGatewayConfig } from '../platform/knative/effective.js';
import { kserveGatewayRefs, kserveIngressConfig } from '../platform/kserve/ingress-config.js';

export default defineRule({
  id: 'kserve-local-gateway-ref',
  meta: {
    description: 'KServe localGateway must be written as namespace/name and name an existing Gateway.',
    inputs: ['ConfigMap', 'KnativeServing', 'Gateway', 'InferenceService'],
    emits: ['KServeLocalGatewayLegacyForm', 'KServeLocalGatewayNotFound', 'KServeLocalGatewayUnset'],
  },
  check(ctx) {
    const cfg = kserveIngressConfig(ctx.snapshot);
    if (cfg.status !== 'ok' || !cfg.configMap) return;
    const res = cfg.configMap.res;
    const value = cfg.localGateway;
    const kn = knativeGatewayConfig(ctx.snapshot).localDefault;
    const suggestion = kn ? `${kn.namespace}/${kn.name}` : 'knative-serving/knative-local-gateway';
    const at = { resource: res, path: cfg.path, innerPath: ['localGateway'] };
    if (value === '') {
      const how = cfg.localGatewayKeyPresent ? 'sets localGateway to ""' : 'has no localGateway key';
      ctx.report({ ...at, id: 'KServeLocalGatewayUnset', data: { how, suggestion }, repair: { summary: `set localGateway to "${suggestion}"`, edits: [{ resource: res, path: cfg.path, op: 'set', inner: { key: 'localGateway' }, value: suggestion }] } });
      return;
    }
    const { bare, refs } = kserveGatewayRefs(value, ctx.snapshot.list('InferenceService').map((i) => i.namespace));
    if (!bare && refs[0]!.legacyForm) {
      const resolved = `${refs[0]!.namespace}/${refs[0]!.name}`;
      ctx.report({ ...at, id: 'KServeLocalGatewayLegacyForm', data: { value, resolved }, repair: { summary: `write localGateway as "${resolved}"`, edits: [{ resource: res, path: cfg.path, op: 'set', inner: { key: 'localGateway' }, value: resolved }] } });
    }
    if (!inputShowsGateways(ctx.snapshot)) {
      ctx.skip('the input has no Istio Gateway', 'the Istio Gateway objects');
      return;
    }
    if (bare && refs.length === 0) {
      ctx.report({ ...at, id: 'KServeLocalGatewayNotFound', data: { value, gateway: `${value} in each InferenceService's namespace`, suggestion } });
      return;
    }
    for (const r of refs) {
      if (ctx.snapshot.get('Gateway', r.namespace, r.name)) continue;
      ctx.report({ ...at, id: 'KServeLocalGatewayNotFound', data: { value, gateway: `${r.namespace}/${r.name}`, suggestion } });
    }
  },
});
