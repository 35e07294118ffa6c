import { defineRule } from '../engine/define-rule.js';
import { displayName } from '../load/resource.js';
import { buildVirtualHosts, filterChains, isCatchAll, type EnvoyRoute } from '../platform/istio/gateway-routing.js';
import { gatewayWorkloads, listenersFor } from '../platform/istio/listeners.js';

const matchKey = (r: EnvoyRoute) => JSON.stringify(r.match ?? {});

/**
 * Several VirtualServices for one host on one gateway listener (bound to the same Gateway, or to Gateways whose HTTP
 * servers Istio merges on that port): Istio puts their routes into one virtual host in VirtualService order
 * (creation time, then name) with catch-all routes moved last (pilot/pkg/networking/core/gateway.go
 * buildGatewayHTTPRouteConfig, the same model `kgd trace` routes with and the Istio oracle checks). A route of one
 * VirtualService behind another's catch-all — or behind the very same match — never matches: the requests meant for
 * it get the other VirtualService's answer (a 404 from the wrong backend, typically). Istio's analyzer flags the
 * related case of sidecars (IST0109 ConflictingMeshGatewayVirtualServiceHosts); on gateways it merges silently.
 */
export default defineRule({
  id: 'vs-routes-shadowed',
  meta: {
    description: 'A VirtualService\'s routes on a gateway must not be shadowed by another VirtualService for the same host.',
    inputs: ['VirtualService', 'Gateway', 'Workload', 'Service'],
    emits: ['VirtualServiceRoutesShadowed'],
  },
  check(ctx) {
    const s = ctx.snapshot;
    if (s.list('VirtualService').length < 2) return;
    const seen = new Set<string>();
    for (const w of gatewayWorkloads(s)) {
      for (const port of listenersFor(s, w).byPort.keys()) {
        for (const chain of filterChains(s, w, port)) {
          if (chain.kind === 'tcp') continue;
          for (const vh of buildVirtualHosts(s, chain.servers)) {
            const routes = vh.routes;
            routes.forEach((r, j) => {
              const winner = routes.slice(0, j).find((e) => e.vs !== r.vs && (isCatchAll(e.match) || matchKey(e) === matchKey(r)));
              if (!winner) return;
              const key = `${r.vs.namespace}/${r.vs.name}#${r.route.index}|${winner.vs.namespace}/${winner.vs.name}|${vh.domain}`;
              if (seen.has(key)) return;
              seen.add(key);
              ctx.report({
                id: 'VirtualServiceRoutesShadowed', resource: r.vs.res, path: ['spec', 'http', r.route.index],
                related: [{ resource: winner.vs.res, path: ['spec', 'http', winner.route.index] }],
                data: {
                  route: String(r.route.index), host: vh.domain, port: String(port), pods: displayName(w.res),
                  winner: `${winner.vs.namespace}/${winner.vs.name}`, winnerRoute: String(winner.route.index),
                  why: isCatchAll(winner.match) ? 'a catch-all route' : 'the same match',
                },
              });
            });
          }
        }
      }
    }
  },
});
