import { defineRule } from '../engine/define-rule.js';
import { formatLabels } from '../model/label-selector.js';
import type { EnvoyFilterPatch } from '../model/envoyfilter.js';
import { chainFilters, gatewayChain, localGatewayFilterAdvice, type ChainFilters } from '../platform/istio/envoyfilter.js';
import { gatewaySelects, listenersFor } from '../platform/istio/listeners.js';
import { localGateways } from '../platform/local-path.js';

const patchPath = (p: EnvoyFilterPatch) => ['spec', 'configPatches', p.index];

/**
 * EnvoyFilters on the pods and listeners that serve the local gateway: an auth filter there (Kubeflow's AuthService
 * ext_authz, Envoy's OAuth2 filter) answers in-cluster calls and net-istio's probes with 401 or a redirect; a filter
 * appended after the router makes Envoy reject the listener; anything else may change the request. Keys the
 * EnvoyFilter schema does not have are reported wherever they are: they limit nothing.
 */
export default defineRule({
  id: 'envoyfilter-on-local-gateway',
  meta: {
    description: 'HTTP filters EnvoyFilters add to the local gateway\'s listener must not stop in-cluster calls, and EnvoyFilters must use only fields their schema has.',
    inputs: ['EnvoyFilter', 'AuthorizationPolicy', 'Gateway', 'Workload', 'Service', 'ConfigMap', 'KnativeServing'],
    emits: ['EnvoyFilterAuthOnLocalGateway', 'EnvoyFilterBreaksListener', 'EnvoyFilterOnLocalGateway', 'EnvoyFilterKeyIgnored'],
  },
  check(ctx) {
    const s = ctx.snapshot;
    const filters = s.list('EnvoyFilter');
    if (filters.length === 0) return;
    for (const f of filters) {
      for (const k of f.strayKeys) {
        ctx.report({
          id: 'EnvoyFilterKeyIgnored', resource: f.res, path: k.path,
          data: { key: k.key, level: k.level, belongsIn: k.belongsIn ? ` (it belongs in ${k.belongsIn.includes('.') ? k.belongsIn : `${k.belongsIn}.${k.key}`})` : '' },
        });
      }
    }
    const gateways = localGateways(s);
    const seen = new Set<string>();
    for (const w of s.list('Workload')) {
      if (!gateways.some((g) => gatewaySelects(g, w))) continue;
      const pods = formatLabels(w.labels['app'] ? { app: w.labels['app'] } : w.labels);
      const ls = listenersFor(s, w);
      const localPorts = [...ls.byPort].filter(([, bs]) => bs.some((b) => gateways.includes(b.gateway))).map(([p]) => p);
      const otherPorts = [...ls.byPort.keys()].filter((p) => !localPorts.includes(p));
      for (const bound of ls.byPort.values()) {
        for (const b of bound) {
          if (!gateways.includes(b.gateway)) continue;
          const chain = gatewayChain(b);
          if (!chain) continue;
          const cf: ChainFilters = chainFilters(s, w, chain);
          const once = (key: string): boolean => { if (seen.has(key)) return false; seen.add(key); return true; };
          for (const a of cf.added) {
            const { filter, patch } = a.by!;
            const id = a.afterRouter ? 'EnvoyFilterBreaksListener' : a.kind === 'ext_authz' || a.kind === 'oauth2' ? 'EnvoyFilterAuthOnLocalGateway' : 'EnvoyFilterOnLocalGateway';
            if (!once(`${id}|${filter.namespace}/${filter.name}|${patch.index}|${chain.port}`)) continue;
            ctx.report({
              id, resource: filter.res, path: patchPath(patch),
              data: {
                filter: a.name, kind: a.kind, port: String(chain.port), pods,
                detail: `${patch.operation} on ${patch.listener?.portNumber ? `port ${patch.listener.portNumber}` : 'every listener of these pods (match.listener.portNumber is not set)'}`,
                advice: localGatewayFilterAdvice(filter, patch, chain.port, otherPorts),
              },
            });
          }
          for (const c of cf.changed) {
            if (!once(`changed|${c.filter.namespace}/${c.filter.name}|${c.patch.index}|${chain.port}`)) continue;
            ctx.report({ id: 'EnvoyFilterOnLocalGateway', resource: c.filter.res, path: patchPath(c.patch), data: { filter: c.target, kind: c.operation.toLowerCase(), port: String(chain.port), pods, detail: `${c.operation} of Istio's ${c.target}`, advice: localGatewayFilterAdvice(c.filter, c.patch, chain.port, otherPorts) } });
          }
          for (const u of cf.undecided) {
            if (!once(`undecided|${u.filter.namespace}/${u.filter.name}|${u.patch.index}|${chain.port}`)) continue;
            ctx.report({ id: 'EnvoyFilterOnLocalGateway', resource: u.filter.res, path: patchPath(u.patch), data: { filter: u.patch.valueName ?? '(unnamed)', kind: u.patch.operation?.toLowerCase() ?? 'patch', port: String(chain.port), pods, detail: `whether it applies is undecided: ${u.reason}`, advice: localGatewayFilterAdvice(u.filter, u.patch, chain.port, otherPorts) } });
          }
        }
      }
    }
  },
});
