import { defineRule } from '../engine/define-rule.js';
import { MESH_GATEWAY, resolveGatewayRef } from '../platform/istio/gateway-ref.js';

export default defineRule({
  id: 'vs-gateway-not-found',
  meta: {
    description: 'Every Gateway a VirtualService binds to must exist.',
    inputs: ['VirtualService', 'Gateway'],
    emits: ['VirtualServiceGatewayNotFound'],
  },
  check(ctx) {
    const vss = ctx.snapshot.list('VirtualService');
    if (vss.length === 0) return;
    if (ctx.snapshot.list('Gateway').length === 0 && !ctx.snapshot.complete) {
      ctx.skip('the input has no Istio Gateway', 'the Istio Gateway objects');
      return;
    }
    for (const vs of vss) {
      const refs: { ref: string; path: (string | number)[] }[] = [];
      if (vs.gatewaysWritten) vs.gateways.forEach((ref, i) => refs.push({ ref, path: ['spec', 'gateways', i] }));
      for (const h of vs.http) for (const m of h.match) m.gateways?.forEach((ref, i) => refs.push({ ref, path: ['spec', 'http', h.index, 'match', m.index, 'gateways', i] }));
      const seen = new Set<string>();
      for (const { ref, path } of refs) {
        if (ref === MESH_GATEWAY || seen.has(ref)) continue;
        seen.add(ref);
        const r = resolveGatewayRef(ref, vs.namespace);
        if (ctx.snapshot.get('Gateway', r.namespace, r.name)) continue;
        ctx.report({ id: 'VirtualServiceGatewayNotFound', resource: vs.res, path, data: { ref, gateway: `${r.namespace}/${r.name}` } });
      }
    }
  },
});
