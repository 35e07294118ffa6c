/**
 * `kgd trace --probe`: what net-istio's prober does for each KIngress of an InferenceService or Knative Service,
 * as text or JSON.
 */
import { displayName } from '../load/resource.js';
import { PROBE_HEADERS } from '../platform/knative/prober.js';
import type { Readiness } from '../trace/probe.js';

export function probeJson(all: readonly Readiness[]): unknown {
  return all.map((r) => ({
    kingress: `${r.plan.ingress.namespace}/${r.plan.ingress.name}`,
    owner: r.plan.ingress.owner,
    condition: r.condition,
    summary: r.summary,
    localGatewayProbed: r.localProbed,
    error: r.plan.error,
    notes: r.notes,
    gateways: r.plan.gateways.map((g) => ({
      gateway: g.gateway, role: g.local ? 'local' : 'external', host: g.host,
      service: g.service ? `${g.service.namespace}/${g.service.name}` : undefined,
      candidates: g.candidates.map((c) => `${c.namespace}/${c.name}`),
      endpoints: g.endpoints, skipped: g.skipped, error: g.error,
      servers: g.servers.map((v) => ({ index: v.server.index, port: v.server.portNumber, protocol: v.server.protocolWritten, skipped: v.skipped, subsetSkips: v.subsetSkips ?? [], targets: v.targets })),
    })),
    probes: r.probes.map((p) => ({ gateway: p.gateway.gateway, url: p.url, headers: [...PROBE_HEADERS], pod: `${displayName(p.workload.res)}:${p.podPort}`, verdict: p.verdict, outcome: p.trace?.outcome, why: p.trace?.verdict, fix: p.trace?.fix, hops: p.trace?.hops ?? [] })),
  }));
}

export function probeText(all: readonly Readiness[]): string {
  const out: string[] = [];
  if (all.length === 0) out.push('No KIngress to predict: no InferenceService in Knative mode or Knative Service matches.');
  for (const r of all) {
    out.push(`KIngress ${r.plan.ingress.namespace}/${r.plan.ingress.name} (${r.plan.ingress.owner})`);
    out.push(`  prediction: ${r.summary}`);
    if (!r.localProbed) out.push(`  the local gateway is not probed: Ready says nothing about the cluster-local path`);
    for (const g of r.plan.gateways) {
      out.push(`  Gateway ${g.gateway} (${g.local ? 'local' : 'external'}), probe Host ${g.host}:<port>`);
      if (g.error) out.push(`    error: ${g.error}`);
      if (g.skipped) out.push(`    skipped: ${g.skipped}`);
      if (g.service) out.push(`    Service ${g.service.namespace}/${g.service.name}${g.candidates.length > 1 ? ` (1 of ${g.candidates.length} with the selector's labels)` : ''}, Endpoints ${g.endpoints === 'input' ? 'from the input' : 'assumed (the Service\'s pods)'}`);
      for (const v of g.servers) {
        if (v.skipped) out.push(`    server ${v.server.index} (${v.server.protocolWritten ?? '?'} ${v.server.portNumber ?? '?'}): ${v.skipped}`);
        else out.push(`    server ${v.server.index} (${v.server.protocolWritten} ${v.server.portNumber}): ${v.targets.length ? v.targets.map((t) => `pod port ${t.podPort}${t.ips.length ? ` [${t.ips.join(', ')}]` : ''}`).join('; ') : 'no subset has the port'}${v.subsetSkips?.length ? `; ${v.subsetSkips.join('; ')}` : ''}`);
      }
    }
    for (const p of r.probes) {
      out.push(`  probe GET ${p.url} → ${displayName(p.workload.res)}:${p.podPort}: ${p.trace?.outcome ?? 'not simulated'} (${p.verdict})`);
      for (const h of p.trace?.hops ?? []) out.push(`    ${h.verdict === 'fail' ? '✗' : h.verdict === 'ok' ? '✓' : '·'} ${h.step}: ${h.summary}`);
      if (p.verdict === 'retry' && p.trace?.fix) out.push(`    fix: ${p.trace.fix}`);
    }
    for (const n of r.notes) out.push(`  note: ${n}`);
    out.push('');
  }
  return `${out.join('\n')}\n`;
}
