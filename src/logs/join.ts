/**
 * Ties log groups to the configuration: given manifests or `--cluster`, an Envoy group's request is traced
 * (`kgd trace` on its Host and path), a probe group is matched to kgd's readiness prediction, and a component
 * line about a Knative revision or route is tied to the findings in its namespace.
 */
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { stripPort } from '../platform/istio/hosts.js';
import type { Snapshot } from '../snapshot/snapshot.js';
import { readinessOf, type Readiness } from '../trace/probe.js';
import { simulate } from '../trace/simulate.js';
import type { LogGroup } from './analyze.js';

export interface Joined {
  /** One line each: what kgd's trace, readiness prediction or findings say about this group. */
  readonly explanations: readonly string[];
  /** Finding codes tied to the group. */
  readonly findings: readonly string[];
}

export function joinGroups(groups: readonly LogGroup[], snapshot: Snapshot, diagnostics: readonly Diagnostic[]): Map<LogGroup, Joined> {
  const out = new Map<LogGroup, Joined>();
  let readiness: Readiness[] | undefined;
  const probesFor = (host: string) => (readiness ??= readinessOf(snapshot)).filter((r) => r.plan.gateways.some((g) => g.host === stripPort(host)));
  const inNamespace = (ns: string) => diagnostics.filter((d) => d.severity !== 'info' && (d.resource ?? '').split(' ')[1]?.startsWith(`${ns}/`));
  for (const g of groups) {
    const explanations: string[] = [];
    const findings: string[] = [];
    if (g.kind === 'envoy' && g.subject && g.subject !== '-') {
      if ((g.userAgent ?? '').startsWith('Knative-Ingress-Probe')) {
        for (const r of probesFor(g.subject)) explanations.push(`kgd predicts for KIngress ${r.plan.ingress.namespace}/${r.plan.ingress.name}: ${r.summary}`);
      } else {
        try {
          const t = simulate(snapshot, { url: `http://${g.subject}${g.path && g.path !== '-' ? g.path : '/'}`, method: 'POST' }, { locations: false });
          const same = t.outcome === g.code || (t.outcome === '302/401' && (g.code === '302' || g.code === '401'));
          explanations.push(`${same ? 'kgd trace predicts the same' : `kgd trace predicts ${t.outcome} for this Host from a pod without sidecar`}: ${t.verdict}${t.fix ? ` — fix: ${t.fix}` : ''}`);
        } catch {
          // A Host kgd cannot turn into a URL (a bare IP with a port is fine; garbage is not): nothing to add.
        }
      }
    }
    if (g.kind === 'component') {
      const url = /Probing of (https?:\/\/\S+?)(,| )/.exec(g.message ?? '')?.[1];
      if (url) {
        const host = new URL(url).host;
        for (const r of probesFor(host)) explanations.push(`kgd predicts for KIngress ${r.plan.ingress.namespace}/${r.plan.ingress.name}: ${r.summary}`);
      }
      const ns = g.knativeKey?.split('/')[0];
      if (ns) for (const d of inNamespace(ns)) findings.push(`${d.code} ${d.resource}: ${d.message}`);
    }
    if (explanations.length || findings.length) out.set(g, { explanations, findings });
  }
  return out;
}
