import { defineRule } from '../engine/define-rule.js';
import { displayName } from '../load/resource.js';
import { filterChains, isCatchAll, virtualHosts, type EnvoyRoute } from '../platform/istio/gateway-routing.js';
import { gatewayWorkloads, listenersFor } from '../platform/istio/listeners.js';

const matchKey = (r: EnvoyRoute) => JSON.stringify(r.match ?? {});

/** The first route of a kind seen so far, and the first of another VirtualService than that one (with their positions). */
type Earliest = { route: EnvoyRoute; at: number }[];

function remember(e: Earliest, route: EnvoyRoute, at: number): void {
  if (e.length === 0 || (e.length === 1 && e[0]!.route.vs !== route.vs)) e.push({ route, at });
}

function firstOther(e: Earliest, vs: EnvoyRoute['vs']): { route: EnvoyRoute; at: number } | undefined {
  return e.find((x) => x.route.vs !== vs);
}

function earlier(a: { route: EnvoyRoute; at: number } | undefined, b: { route: EnvoyRoute; at: number } | undefined): EnvoyRoute | undefined {
  return a && (!b || a.at < b.at) ? a.route : b?.route;
}

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
          for (const vh of virtualHosts(s, chain.servers, chain.routeConfig).vhosts) {
            // The winner of a route is the first route before it, of another VirtualService, that is a catch-all or
            // has the very same match: the first two of each kind (of different VirtualServices) are all it takes.
            const catchAlls: Earliest = [];
            const byMatch = new Map<string, Earliest>();
            vh.routes.forEach((r, j) => {
              const mk = matchKey(r);
              const sameMatch = byMatch.get(mk) ?? [];
              const winner = earlier(firstOther(catchAlls, r.vs), firstOther(sameMatch, r.vs));
              if (isCatchAll(r.match)) remember(catchAlls, r, j);
              remember(sameMatch, r, j);
              byMatch.set(mk, sameMatch);
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
