import { hasCredentials, localGatewayFilterAdvice, type ChainFilters } from '../../platform/istio/envoyfilter.js';
import type { TraceResult } from '../types.js';
import type { StageContext } from './context.js';

/**
 * The HTTP filters EnvoyFilters put on a gateway's filter chain (`added`, in chain order; src/platform/istio/
 * envoyfilter.ts decides which) and — with the first group — what they replaced or removed and the patches kgd
 * could not decide. An auth filter (ext_authz, OAuth2) stops a call without credentials: 302/401.
 */
export function filterStage(ctx: StageContext, cf: ChainFilters | undefined, added: ChainFilters['added'], o: { first: boolean; ports: { local: number; others: number[] }; headers: Readonly<Record<string, string>> }): TraceResult | undefined {
  if (!cf) return undefined;
  const { hops, at, finish } = ctx;
  const patchAt = (f: { res: Parameters<StageContext['at']>[0] }, index: number) => at(f.res, ['spec', 'configPatches', index]);
  if (o.first) {
    for (const c of cf.changed) hops.push({ step: 'filters', verdict: 'note', summary: `EnvoyFilter ${c.filter.namespace}/${c.filter.name} configPatches[${c.patch.index}] ${c.operation === 'REMOVE' ? 'removes' : c.operation === 'REPLACE' ? 'replaces' : 'merges into'} Istio's ${c.target} on this listener: it may change this request`, ...patchAt(c.filter, c.patch.index) });
    for (const u of cf.undecided) hops.push({ step: 'filters', verdict: 'note', summary: `EnvoyFilter ${u.filter.namespace}/${u.filter.name} configPatches[${u.patch.index}] may put ${u.patch.valueName ?? 'a filter'} on this listener: ${u.reason}`, ...patchAt(u.filter, u.patch.index) });
    for (const a of cf.added.filter((x) => x.afterRouter)) hops.push({ step: 'filters', verdict: 'note', summary: `EnvoyFilter ${a.by!.filter.namespace}/${a.by!.filter.name} configPatches[${a.by!.patch.index}] appends ${a.name} after the router: Envoy rejects such a listener (KGD1611); the pods keep the last listener they accepted`, ...patchAt(a.by!.filter, a.by!.patch.index) });
  }
  for (const a of added) {
    const { filter, patch } = a.by!;
    const where = patchAt(filter, patch.index);
    const what = `EnvoyFilter ${filter.namespace}/${filter.name} configPatches[${patch.index}] puts ${a.name} (${a.kind}) on this listener`;
    if (a.kind === 'ext_authz' || a.kind === 'oauth2') {
      if (hasCredentials(o.headers)) {
        hops.push({ step: 'filters', verdict: 'note', summary: `${what}; the request carries credentials, so the auth server decides`, ...where });
        continue;
      }
      hops.push({ step: 'filters', verdict: 'fail', summary: `${what}; the request carries no credentials (no Authorization, Cookie or X-Auth-Token header)`, ...where });
      return finish('302/401', `${what}: without credentials the auth server answers 401 or redirects to its login (302)`, localGatewayFilterAdvice(filter, patch, o.ports.local, o.ports.others));
    }
    hops.push({ step: 'filters', verdict: 'note', summary: `${what}: it may change this request (kgd does not evaluate ${a.kind} filters)`, ...where });
  }
  return undefined;
}

/** The filters EnvoyFilters added before Istio's own auth filters (RBAC, ext_authz) and after them, the router excluded. */
export function aroundIstioAuth(cf: ChainFilters | undefined): { before: ChainFilters['added']; after: ChainFilters['added'] } {
  if (!cf) return { before: [], after: [] };
  const authAt = cf.filters.findIndex((f) => !f.by && (f.kind === 'rbac' || f.kind === 'ext_authz'));
  const running = cf.added.filter((a) => !a.afterRouter);
  const before = running.filter((a) => authAt < 0 || cf.filters.findIndex((f) => f.by === a.by) < authAt);
  return { before, after: running.filter((a) => !before.includes(a)) };
}
