/**
 * Readiness prediction: net-istio's prober (src/platform/knative/prober.ts) with each probe routed through
 * kgd's own gateway simulation, and the condition the KIngress (and so the Route, the Knative Service and the
 * InferenceService) ends in.
 */
import { displayName } from '../load/resource.js';
import type { Workload } from '../model/core.js';
import type { Snapshot } from '../snapshot/snapshot.js';
import { isKnativeMode } from '../platform/kserve/deployment-mode.js';
import { isvcComponentRoute, revisionProtocol, type RouteInput } from '../platform/knative/derive.js';
import { knativeGatewayConfig } from '../platform/knative/effective.js';
import { PROBE_HEADERS, probeIngressFor, probePlan, type GatewayProbe, type ProbeIngress, type ProbePlan, type ServerProbe } from '../platform/knative/prober.js';
import { versionOf } from '../platform/versions.js';
import { appWorkload } from '../platform/security-path.js';
import { simulate } from './simulate.js';
import type { Outcome, TraceResult } from './types.js';

export type ProbeVerdict = 'success' | 'abandoned' | 'retry' | 'unknown';

export interface ProbeResult {
  readonly gateway: GatewayProbe;
  readonly server: ServerProbe;
  readonly workload: Workload;
  readonly podPort: number;
  readonly url: string;
  /** undefined for an HTTPS probe (kgd simulates plain HTTP only). */
  readonly trace: TraceResult | undefined;
  readonly verdict: ProbeVerdict;
}

/** The condition net-istio writes on the KIngress (Route IngressReady copies it). */
export type ReadinessCondition = 'Ready' | 'Uninitialized' | 'ReconcileIngressFailed' | 'unknown';

export interface Readiness {
  readonly plan: ProbePlan;
  readonly probes: readonly ProbeResult[];
  readonly condition: ReadinessCondition;
  /** One line: the condition and why. */
  readonly summary: string;
  /** Whether any probe goes to a local gateway (if not, Ready says nothing about the cluster-local path). */
  readonly localProbed: boolean;
  readonly notes: readonly string[];
}

/** What the prober makes of kgd's predicted answer (probeVerifier; a refused dial or a timeout is retried). */
export function verdictOf(outcome: Outcome): ProbeVerdict {
  switch (outcome) {
    case '200': return 'success';
    case '404': case '503': case '504': case 'unresolvable': return 'retry';
    case '403': case '302/401': case '301': return 'abandoned';
    default: return 'unknown';
  }
}

/** The prober runs in net-istio's controller pod (no sidecar: Knative's manifests disable injection). */
function proberCaller(s: Snapshot): { namespace: string; labels: Record<string, string>; sidecar: false } {
  const ns = knativeGatewayConfig(s).systemNamespace;
  const pod = appWorkload(s, ns, 'net-istio-controller');
  return { namespace: ns, labels: { ...(pod?.labels ?? { app: 'net-istio-controller' }) }, sidecar: false };
}

export function predictReadiness(s: Snapshot, ing: ProbeIngress): Readiness {
  const plan = probePlan(s, ing);
  const notes: string[] = [];
  const probes: ProbeResult[] = [];
  const from = proberCaller(s);
  for (const g of plan.gateways) {
    if (g.candidates.length > 1) notes.push(`${g.candidates.length} Services carry the labels of Gateway ${g.gateway}'s selector (${g.candidates.map((c) => `${c.namespace}/${c.name}`).join(', ')}): the prober takes the first its informer lists, which the input cannot show; kgd took ${g.service!.namespace}/${g.service!.name}`);
    if (g.endpoints === 'assumed') notes.push(`no Endpoints for Service ${g.service!.namespace}/${g.service!.name} in the input: assumed to be its pods' (${g.workloads.map((w) => displayName(w.res)).join(', ') || 'none in the input'})`);
    for (const sv of g.servers) {
      for (const t of sv.targets) {
        if (t.podPort === undefined) continue;
        const port = sv.server.portNumber ?? 0;
        const url = `${sv.server.protocolWritten === 'HTTPS' ? 'https' : 'http'}://${g.host}:${port}/healthz`;
        // Endpoints name IPs; kgd routes the probe through the workload behind the Service (all its pods share the config).
        const workloads = g.endpoints === 'input' && t.ips.length === 0 ? [] : g.workloads;
        for (const w of workloads) {
          if (sv.server.protocolWritten === 'HTTPS') {
            probes.push({ gateway: g, server: sv, workload: w, podPort: t.podPort, url, trace: undefined, verdict: 'unknown' });
            continue;
          }
          const trace = simulate(s, { url: `http://${g.host}:${port}/healthz`, method: 'GET', headers: [...PROBE_HEADERS], from, direct: { workload: w, port: t.podPort, why: `net-istio's prober dials the gateway pod directly (Endpoints of Service ${g.service!.namespace}/${g.service!.name}, port ${port} → ${t.podPort})` } }, { locations: false });
          probes.push({ gateway: g, server: sv, workload: w, podPort: t.podPort, url, trace, verdict: verdictOf(trace.outcome) });
        }
      }
    }
  }
  const localProbed = probes.some((p) => p.gateway.local);
  if (plan.error) {
    return { plan, probes, localProbed, notes, condition: 'ReconcileIngressFailed', summary: `ReconcileIngressFailed ("Ingress reconciliation failed"): ${plan.error}` };
  }
  if (!plan.probes || probes.length === 0) {
    const why = plan.gateways.map((g) => `${g.gateway}: ${g.skipped ?? (g.servers.map((x) => x.skipped ?? 'no ready address in the Endpoints').join('; ') || 'no server')}`).join('; ');
    return { plan, probes, localProbed, notes, condition: 'Ready', summary: `Ready without a single probe: the prober finds nothing to probe (${why || 'no gateway'}), so Ready says nothing about the path` };
  }
  const retry = probes.find((p) => p.verdict === 'retry');
  if (retry) {
    return { plan, probes, localProbed, notes, condition: 'Uninitialized', summary: `Uninitialized ("Waiting for load balancer to be ready") for ever: the probe ${retry.url} to ${displayName(retry.workload.res)}:${retry.podPort} (Gateway ${retry.gateway.gateway}) gets ${retry.trace?.outcome} — ${retry.trace?.verdict}; the prober retries 404, 503 and unanswered probes without end` };
  }
  if (probes.some((p) => p.verdict === 'unknown')) {
    const u = probes.find((p) => p.verdict === 'unknown')!;
    return { plan, probes, localProbed, notes, condition: 'unknown', summary: `undecided: the probe ${u.url} to ${displayName(u.workload.res)} ${u.trace ? `ends "${u.trace.verdict}"` : 'is HTTPS, which kgd does not simulate'}` };
  }
  const abandoned = probes.filter((p) => p.verdict === 'abandoned');
  if (abandoned.length) notes.push(`the prober "abandons" ${abandoned.map((p) => `${p.url} (${p.trace?.outcome})`).join(', ')} and counts it as success: Ready although requests on that path get ${abandoned[0]!.trace?.outcome}`);
  const not = plan.gateways.filter((g) => !probes.some((p) => p.gateway === g)).map((g) => g.gateway);
  return { plan, probes, localProbed, notes, condition: 'Ready', summary: `Ready: every probe is answered (${[...new Set(probes.map((p) => `${p.gateway.gateway} ${p.trace?.outcome}`))].join(', ')})${not.length ? `; not probed: ${not.join(', ')}` : ''}` };
}

/** The Routes behind an InferenceService (one per Knative-mode component) or a Knative Service. */
export function probeRoutes(s: Snapshot, target?: { namespace: string; name: string }): { route: RouteInput; owner: string }[] {
  const out: { route: RouteInput; owner: string }[] = [];
  const kserve = versionOf('kserve', s.versions);
  const taken = new Set<string>();
  for (const isvc of s.list('InferenceService')) {
    if (!isKnativeMode(s, isvc)) continue;
    for (const c of isvc.components) {
      const route = isvcComponentRoute(isvc, c, kserve);
      taken.add(`${route.namespace}/${route.name}`);
      if (target && !(target.namespace === isvc.namespace && (target.name === isvc.name || target.name === route.name))) continue;
      out.push({ route, owner: `the ${c} of InferenceService ${isvc.namespace}/${isvc.name}` });
    }
  }
  for (const k of s.list('KnativeService')) {
    if (taken.has(`${k.namespace}/${k.name}`)) continue;
    if (target && !(target.namespace === k.namespace && target.name === k.name)) continue;
    out.push({ route: { name: k.name, namespace: k.namespace, labels: k.labels, annotations: k.annotations, protocol: k.containerPorts ? revisionProtocol(k.containerPorts) : 'http1', revision: k.latestReadyRevision }, owner: `Knative Service ${k.namespace}/${k.name}` });
  }
  return out;
}

/** One prediction at a time (a caller over 10,000 InferenceServices need not hold them all). */
export function* eachReadiness(s: Snapshot, target?: { namespace: string; name: string }): Generator<Readiness> {
  for (const r of probeRoutes(s, target)) {
    const ing = probeIngressFor(s, r.route, r.owner);
    if (ing) yield predictReadiness(s, ing);
  }
}

export function readinessOf(s: Snapshot, target?: { namespace: string; name: string }): Readiness[] {
  return [...eachReadiness(s, target)];
}
