import { defineRule } from '../engine/define-rule.js';
import { MESH_GATEWAY, resolveGatewayRef } from '../platform/istio/gateway-ref.js';
import { hostsIntersect, parseServerHost } from '../platform/istio/hosts.js';

export default defineRule({
  id: 'vs-hosts-not-admitted',
  meta: {
    description: "A VirtualService's hosts must be admitted by a server of each Gateway it binds to.",
    inputs: ['VirtualService', 'Gateway'],
    emits: ['VirtualServiceHostsNotAdmitted'],
  },
  check(ctx) {
    for (const vs of ctx.snapshot.list('VirtualService')) {
      if (!vs.gatewaysWritten || vs.hosts.length === 0) continue;
      vs.gateways.forEach((ref, i) => {
        if (ref === MESH_GATEWAY) return;
        const r = resolveGatewayRef(ref, vs.namespace);
        const g = ctx.snapshot.get('Gateway', r.namespace, r.name);
        if (!g) return; // KGD1501
        // A Gateway without servers admits nothing (and is itself KGD1410).
        const serverHosts = g.servers.flatMap((s) => s.hosts);
        const admitted = vs.hosts.some((h) =>
          serverHosts.some((raw) => {
            const sh = parseServerHost(raw, g.namespace);
            return (sh.namespace === '*' || sh.namespace === vs.namespace) && hostsIntersect(sh.host, h);
          }),
        );
        if (admitted) return;
        ctx.report({
          id: 'VirtualServiceHostsNotAdmitted',
          resource: vs.res,
          path: ['spec', 'gateways', i],
          related: [{ resource: g.res, path: ['spec', 'servers'] }],
          data: { hosts: vs.hosts.map((h) => JSON.stringify(h)).join(', '), gateway: `${g.namespace}/${g.name}`, serverHosts: serverHosts.map((h) => JSON.stringify(h)).join(', ') || 'none' },
        });
      });
    }
  },
});
