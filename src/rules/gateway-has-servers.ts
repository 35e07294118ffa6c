import { defineRule } from '../engine/define-rule.js';
import { MESH_GATEWAY, resolveGatewayRef } from '../platform/istio/gateway-ref.js';

/**
 * A Gateway needs at least one server: Istio's validation refuses one without (pkg/config/validation ValidateGateway,
 * "gateway must have at least one server"), and one that got in without the webhook serves nothing. The VirtualServices
 * bound to it are named as related (KGD1502 reports each of them too). Istio's analyzer counterpart: the
 * VirtualService side of IST0132.
 */
export default defineRule({
  id: 'gateway-has-servers',
  meta: {
    description: 'A Gateway must have at least one server.',
    inputs: ['Gateway', 'VirtualService'],
    emits: ['GatewayWithoutServers'],
  },
  check(ctx) {
    const s = ctx.snapshot;
    for (const g of s.list('Gateway')) {
      if (g.servers.length > 0) continue;
      const bound = s.list('VirtualService').filter((vs) => vs.gatewaysWritten && vs.gateways.some((ref) => {
        if (ref === MESH_GATEWAY) return false;
        const r = resolveGatewayRef(ref, vs.namespace);
        return r.namespace === g.namespace && r.name === g.name;
      }));
      ctx.report({
        id: 'GatewayWithoutServers', resource: g.res, path: ['spec'],
        related: bound.map((vs) => ({ resource: vs.res, path: ['spec', 'gateways'] })),
        data: { bound: bound.length ? `; VirtualServices bound to it route nothing: ${bound.map((vs) => `${vs.namespace}/${vs.name}`).join(', ')}` : '' },
      });
    }
  },
});
