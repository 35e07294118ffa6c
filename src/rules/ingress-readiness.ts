import { defineRule } from '../engine/define-rule.js';
import { displayName } from '../load/resource.js';
import { formatLabels } from '../model/label-selector.js';
import { withControllers } from '../platform/build.js';
import { eachReadiness, type Readiness } from '../trace/probe.js';

/** At most this many KIngress names in a message; the count says how many there are. */
const NAMES = 3;
const names = (xs: readonly string[]) => `${xs.slice(0, NAMES).join(', ')}${xs.length > NAMES ? `, … ${xs.length - NAMES} more` : ''}`;

/**
 * net-istio's prober predicted for every KIngress kgd knows (a Knative-mode InferenceService component, or a
 * Knative Service in the input): src/platform/knative/prober.ts (checked against net-istio's own lister and
 * status.Prober by test/probe-oracle.test.ts), each probe routed through kgd's gateway simulation. Findings are
 * grouped per Gateway and cause: thousands of InferenceServices on one broken gateway are one finding.
 */
export default defineRule({
  id: 'ingress-readiness',
  meta: {
    description: 'net-istio\'s readiness probe must be able to succeed, and should cover the gateways the routes use.',
    inputs: ['ConfigMap', 'KnativeServing', 'InferenceService', 'KnativeService', 'Gateway', 'Service', 'Endpoints', 'Workload', 'VirtualService', 'NetworkPolicy', 'AuthorizationPolicy'],
    emits: ['IngressNeverReady', 'IngressReconcileFails', 'GatewayNotProbed', 'ProberServiceAmbiguous', 'ProbeAbandoned'],
  },
  check(ctx) {
    const s = withControllers(ctx.snapshot);
    const groups = new Map<string, { first: Readiness; extra: Record<string, string>; ingresses: string[]; kind: 'never' | 'reconcile' | 'unprobed' | 'abandoned' }>();
    const add = (key: string, kind: 'never' | 'reconcile' | 'unprobed' | 'abandoned', r: Readiness, extra: Record<string, string>) => {
      const g = groups.get(key);
      const name = `${r.plan.ingress.namespace}/${r.plan.ingress.name}`;
      if (g) g.ingresses.push(name);
      else groups.set(key, { first: r, extra, ingresses: [name], kind });
    };
    const ambiguous = new Map<string, Readiness['plan']['gateways'][number]>();
    // One KIngress at a time, keeping only what the findings need: at 10,000 InferenceServices the predictions
    // (each with its probes' hops) must not all be held at once.
    for (const r of eachReadiness(s)) {
      for (const g of r.plan.gateways) if (g.candidates.length > 1) ambiguous.set(g.gateway, g);
      if (r.condition === 'ReconcileIngressFailed') {
        const g = r.plan.gateways.find((x) => x.error)!;
        // A Gateway config-istio names that does not exist has its own finding (KGD1104).
        if (!g.resource) continue;
        add(`reconcile:${g.gateway}`, 'reconcile', r, { gateway: g.gateway, error: r.plan.error ?? '', service: g.service ? `${g.service.namespace}/${g.service.name}` : 'none' });
        continue;
      }
      if (r.condition === 'Uninitialized') {
        const p = r.probes.find((x) => x.verdict === 'retry')!;
        add(`never:${p.gateway.gateway}:${p.trace?.outcome}:${p.trace?.hops.at(-1)?.step}:${p.trace?.hops.at(-1)?.resource ?? ''}`, 'never', r, {
          gateway: p.gateway.gateway, url: p.url, pod: `${displayName(p.workload.res)}:${p.podPort}`, outcome: p.trace?.outcome ?? '', why: p.trace?.verdict ?? '',
          fix: p.trace?.fix ?? 'Make the probe\'s path answer: see `kgd trace --probe` for the hop that fails.',
        });
      }
      for (const p of r.probes.filter((x) => x.verdict === 'abandoned')) {
        add(`abandoned:${p.gateway.gateway}:${p.trace?.outcome}`, 'abandoned', r, { gateway: p.gateway.gateway, url: p.url, outcome: p.trace?.outcome ?? '', why: p.trace?.verdict ?? '' });
      }
      for (const g of r.plan.gateways) {
        if (!g.resource || r.probes.some((p) => p.gateway === g)) continue;
        const why = g.skipped ? `no Service carries its selector's labels ${formatLabels(g.resource.selector ?? {})} (net-istio logs "${g.skipped}")`
          : g.servers.length === 0 ? 'it has no server'
          : g.servers.map((v) => v.skipped ? `server ${v.server.index}: ${v.skipped}` : `server ${v.server.index}: the Endpoints of Service ${g.service!.namespace}/${g.service!.name} have no ready address for it`).join('; ');
        const port = g.resource.servers.find((v) => v.protocolWritten === 'HTTP' || v.protocolWritten === 'HTTP2')?.portNumber ?? g.resource.servers[0]?.portNumber ?? 0;
        add(`unprobed:${g.gateway}`, 'unprobed', r, { gateway: g.gateway, role: g.local ? 'local' : 'external', why, selector: formatLabels(g.resource.selector ?? {}) || '(the Gateway has no selector)', port: String(port) });
      }
    }
    for (const g of ambiguous.values()) {
      ctx.report({
        id: 'ProberServiceAmbiguous', resource: g.resource!.res, path: ['spec', 'selector'],
        related: g.candidates.map((c) => ({ resource: c.res, path: ['metadata', 'labels'] })),
        data: { count: String(g.candidates.length), gateway: g.gateway, services: g.candidates.map((c) => `${c.namespace}/${c.name}`).join(', ') },
      });
    }
    for (const { first, extra, ingresses, kind } of groups.values()) {
      const gw = first.plan.gateways.find((g) => g.gateway === extra['gateway']);
      const resource = gw?.resource?.res;
      if (!resource) continue;
      const data = { ...extra, count: String(ingresses.length), ingresses: names(ingresses) };
      if (kind === 'never') ctx.report({ id: 'IngressNeverReady', resource, path: ['spec', 'servers'], data });
      else if (kind === 'reconcile') ctx.report({ id: 'IngressReconcileFails', resource: gw.service?.res ?? resource, path: gw.service ? ['spec', 'selector'] : ['spec', 'selector'], related: [{ resource, path: ['spec', 'selector'] }], data });
      else if (kind === 'abandoned') ctx.report({ id: 'ProbeAbandoned', resource, path: ['spec', 'servers'], data });
      else ctx.report({ id: 'GatewayNotProbed', resource, path: ['spec', 'selector'], data });
    }
  },
});
