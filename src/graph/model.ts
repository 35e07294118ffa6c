/**
 * The routing graph `kgd graph` and `kgd serve` draw: per local gateway the five places that name it (Knative's
 * config-istio or KnativeServing, KServe's `ingress`, the Istio Gateway, the Service in front of the pods, the pods)
 * and the edges between them; per InferenceService the resources its requests cross, in the order `kgd trace --all`
 * follows them. Findings of `kgd check` sit on the node of their resource, or on the edge between their resource and
 * a related one when that edge is drawn. Plain data: no layout, no rendering (see layout.ts, svg.ts, text.ts).
 */
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { Severity } from '../diagnostics/catalog.js';
import { displayName } from '../load/resource.js';
import type { Snapshot } from '../snapshot/snapshot.js';
import { localObligations } from '../platform/local-path.js';
import { knativeGatewayConfig } from '../platform/knative/effective.js';
import { kserveIngressConfig } from '../platform/kserve/ingress-config.js';
import { parseServiceHost } from '../platform/knative/config-istio.js';
import { resolveGatewayRef } from '../platform/istio/gateway-ref.js';
import type { TraceAllRow } from '../trace/index.js';
import { succeeded, type Hop } from '../trace/types.js';

export { worstSeverity } from './lines.js';

export type NodeKind = 'config' | 'gateway' | 'service' | 'pods' | 'isvc' | 'route' | 'backend';

export interface GraphFinding {
  readonly code: string;
  readonly severity: Severity;
  readonly symptom: string;
  readonly message: string;
  readonly fix: string;
  readonly rule: string;
  readonly resource: string | null;
  readonly path: string | null;
  /** Where it is drawn: a node id, an edge id, or null (its resource is not in the graph). */
  readonly on: string | null;
  /** Its index in the diagnostics the graph was built from. */
  readonly diagnostic: number;
  /** `kgd fix` has a repair for it. */
  readonly repair: boolean;
}

export interface GraphNode {
  /** The resource's `Kind namespace/name` (or a made-up id for what is missing). */
  readonly id: string;
  readonly kind: NodeKind;
  /** First line: the Kind (or what is missing). */
  readonly title: string;
  /** Second line: namespace/name. */
  readonly name: string;
  /** Third line: the part it plays (e.g. "KServe localGatewayService"), if any. */
  readonly role?: string;
  /** The resource is not in the input: kgd made it as the controller would (and says which). */
  readonly derived?: string;
  /** The input names it but it does not exist. */
  readonly missing?: boolean;
  /** Indices into Graph.findings. */
  readonly findings: number[];
  /** An InferenceService's predicted outcomes, e.g. ["internal 404", "external 200"]. */
  readonly outcomes?: string[];
  /** A trace fails here: the hop's step and summary. */
  failure?: string;
}

export interface GraphEdge {
  readonly id: string;
  readonly from: string;
  readonly to: string;
  readonly label: string;
  /** A remark of the trace (e.g. a VirtualService that has the host but is bound elsewhere), not a hop taken. */
  readonly note?: boolean;
  readonly findings: number[];
  failing?: boolean;
}

export interface IsvcSummary {
  readonly name: string;
  readonly traces: readonly { readonly kind: 'internal' | 'external'; readonly url: string; readonly outcome: string; readonly failing?: { readonly step: string; readonly summary: string; readonly resource?: string } }[];
}

export interface Graph {
  readonly nodes: GraphNode[];
  readonly edges: GraphEdge[];
  readonly findings: GraphFinding[];
  /** Every InferenceService with its traces' outcomes (drawn or not). */
  readonly isvcs: IsvcSummary[];
  /** The InferenceServices drawn. */
  readonly drawn: string[];
}

export interface GraphOptions {
  /**
   * Which InferenceServices to draw (`namespace/name`); 'auto' (default): all when there are at most
   * AUTO_DRAW_LIMIT, else only those whose requests fail, up to that many. The rest are listed, not drawn.
   */
  readonly isvcs?: 'auto' | 'all' | readonly string[];
}

/** Beyond this many InferenceServices a drawing stops being readable (and its layout fast): draw the failing ones. */
export const AUTO_DRAW_LIMIT = 12;


function splitName(id: string): { title: string; name: string } {
  const i = id.indexOf(' ');
  return i < 0 ? { title: id, name: '' } : { title: id.slice(0, i), name: id.slice(i + 1) };
}

function kindOf(title: string): NodeKind {
  switch (title) {
    case 'ConfigMap':
    case 'KnativeServing':
      return 'config';
    case 'Gateway':
      return 'gateway';
    case 'Service':
      return 'service';
    case 'InferenceService':
      return 'isvc';
    case 'VirtualService':
      return 'route';
    case 'Deployment':
    case 'StatefulSet':
    case 'DaemonSet':
    case 'Pod':
    case 'ReplicaSet':
      return 'pods';
    default:
      return 'backend';
  }
}

class Builder {
  readonly nodes = new Map<string, GraphNode>();
  readonly edges = new Map<string, GraphEdge>();

  node(id: string, extra: Partial<Omit<GraphNode, 'id' | 'findings'>> = {}): GraphNode {
    const had = this.nodes.get(id);
    if (had) {
      // A role or derivation learnt later (the same Service met as a platform point and as a hop) is kept.
      if (extra.role && !had.role) (had as { role?: string }).role = extra.role;
      return had;
    }
    const { title, name } = splitName(id);
    const n: GraphNode = { id, kind: extra.kind ?? kindOf(title), title: extra.title ?? title, name: extra.name ?? name, findings: [], ...stripUndefined(extra) };
    this.nodes.set(id, n);
    return n;
  }

  edge(from: string, to: string, label: string, extra: { note?: boolean } = {}): GraphEdge {
    const id = `${from} -> ${to}${extra.note ? ' (note)' : ''}`;
    const had = this.edges.get(id);
    if (had) {
      if (!had.label.split(', ').includes(label)) (had as { label: string }).label = `${had.label}, ${label}`;
      return had;
    }
    const e: GraphEdge = { id, from, to, label, findings: [], ...(extra.note ? { note: true } : {}) };
    this.edges.set(id, e);
    return e;
  }
}

function stripUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

function selectorText(sel: Readonly<Record<string, string>> | undefined): string {
  if (!sel) return 'no selector';
  const s = Object.entries(sel).map(([k, v]) => `${k}=${v}`).join(',');
  return s || 'empty selector';
}

/** The five config points of every local gateway: who names which Gateway and Service, and the pods they select. */
function addPlatform(b: Builder, snapshot: Snapshot): void {
  const kn = knativeGatewayConfig(snapshot);
  const ks = kserveIngressConfig(snapshot);
  if (kn.knativeServing) b.node(displayName(kn.knativeServing.res), { role: 'Knative operator', ...derivedOf(kn.knativeServing.res) });
  if (kn.configMap) b.node(displayName(kn.configMap.res), { role: "Knative's gateways", ...derivedOf(kn.configMap.res) });
  if (kn.knativeServing && kn.configMap) b.edge(displayName(kn.knativeServing.res), displayName(kn.configMap.res), 'operator writes');
  if (ks.configMap) b.node(displayName(ks.configMap.res), { role: "KServe's ingress", ...derivedOf(ks.configMap.res) });
  const gateway = (namespace: string, name: string) => {
    const g = snapshot.get('Gateway', namespace, name);
    return b.node(`Gateway ${namespace}/${name}`, g ? derivedOf(g.res) : { missing: true }).id;
  };
  const service = (host: string, role: string) => {
    const p = parseServiceHost(host, snapshot.clusterDomain);
    if (!p) return undefined;
    const svc = snapshot.get('Service', p.namespace, p.name);
    return b.node(`Service ${p.namespace}/${p.name}`, { role, ...(svc ? derivedOf(svc.res) : { missing: true }) }).id;
  };
  // Knative's local gateway and its Service, from config-istio or the KnativeServing that sets the key.
  const local = kn.status === 'ok' ? kn.localDefault : undefined;
  const origin = local ? kn.origin(local.key) : undefined;
  if (local && origin) {
    const from = b.node(displayName(origin.resource), derivedOf(origin.resource)).id;
    b.edge(from, gateway(local.namespace, local.name), 'local gateway');
    const svc = service(local.service, "Knative's local gateway service");
    if (svc) b.edge(from, svc, 'local gateway service');
  }
  // KServe's localGateway and the Services its VirtualServices send to.
  if (ks.status === 'ok' && ks.configMap) {
    const from = displayName(ks.configMap.res);
    if (ks.localGateway) {
      const r = resolveGatewayRef(ks.localGateway, '');
      if (r.namespace) b.edge(from, gateway(r.namespace, r.name), 'localGateway');
    }
    const svc = ks.localGatewayService ? service(ks.localGatewayService, 'KServe localGatewayService') : undefined;
    if (svc) b.edge(from, svc, 'localGatewayService');
    const kls = ks.knativeLocalGatewayServiceSet ? service(ks.knativeLocalGatewayService, 'KServe knativeLocalGatewayService') : undefined;
    if (kls) b.edge(from, kls, 'knativeLocalGatewayService');
  }
  // The pods behind each Gateway and Service the local path needs.
  const podsFor = (selector: Readonly<Record<string, string>> | undefined, namespace: string | undefined, owner: string) => {
    const found = selector && Object.keys(selector).length > 0 ? snapshot.workloadsMatching(selector, namespace) : [];
    if (found.length === 0) {
      const where = `${selectorText(selector)}${namespace ? ` in ${namespace}` : ''}`;
      const id = b.node(`no pods: ${where}`, { kind: 'pods', title: 'no pods match', name: where, missing: true }).id;
      b.edge(owner, id, 'selects').failing = true;
      return;
    }
    for (const w of found.filter((x) => !x.isPod || found.length === 1)) b.edge(owner, b.node(displayName(w.res), derivedOf(w.res)).id, 'selects');
  };
  for (const o of localObligations(snapshot)) {
    if (o.gateway) podsFor(o.gateway.selector, undefined, `Gateway ${o.gatewayNamespace}/${o.gatewayName}`);
    if (o.service && o.service.selector) podsFor(o.service.selector, o.service.namespace, `Service ${o.serviceNamespace}/${o.serviceName}`);
  }
}

function derivedOf(r: { derivedFrom?: string }): { derived?: string } {
  return r.derivedFrom ? { derived: r.derivedFrom } : {};
}

/** trace's revision hop: "Knative revision <name> in <namespace> (…)" (src/trace/simulate.ts). */
const REVISION_HOP = /^Knative revision (\S+) in (\S+) /;

/** One trace's resources in the order it crosses them, ending at the revision it reaches. */
function addTrace(b: Builder, isvcId: string, row: TraceAllRow): void {
  let prev = isvcId;
  let first = true;
  const hops: readonly Hop[] = row.result.hops;
  for (const h of hops) {
    // The last hop, the revision, names no resource in the input: drawn as the end of the chain.
    const revision = h.step === 'revision' && h.verdict === 'ok' && !h.resource ? REVISION_HOP.exec(h.summary) : null;
    if (revision) {
      const n = b.node(`Revision ${revision[2]}/${revision[1]}`, { kind: 'backend', role: 'via the activator or to its pods' });
      b.edge(prev, n.id, first ? `${row.kind}: revision` : 'revision');
      prev = n.id;
      continue;
    }
    if (!h.resource) {
      if (h.verdict === 'fail') b.nodes.get(prev)!.failure ??= `${h.step}: ${h.summary}`;
      continue;
    }
    const derived = h.derivedFrom ? { derived: h.derivedFrom } : {};
    if (h.verdict === 'note') {
      if (h.resource !== prev) b.edge(prev, b.node(h.resource, derived).id, h.step, { note: true });
      continue;
    }
    const n = b.node(h.resource, derived);
    if (h.resource !== prev) {
      const e = b.edge(prev, n.id, first ? `${row.kind}: ${h.step}` : h.step);
      if (h.verdict === 'fail') e.failing = true;
      prev = n.id;
      first = false;
    }
    if (h.verdict === 'fail') n.failure ??= `${h.step}: ${h.summary}`;
  }
}

/** Some request of this InferenceService fails. */
export function isvcFails(s: IsvcSummary): boolean {
  return s.traces.some((t) => !succeeded(t.outcome));
}

/** The graph of `snapshot` (a trace snapshot: controllers' objects derived) with `diagnostics` placed on it. */
export function buildGraph(snapshot: Snapshot, rows: readonly TraceAllRow[], diagnostics: readonly Diagnostic[], options: GraphOptions = {}): Graph {
  const b = new Builder();
  addPlatform(b, snapshot);
  const byIsvc = new Map<string, TraceAllRow[]>();
  for (const r of rows) {
    const list = byIsvc.get(r.isvc) ?? [];
    list.push(r);
    byIsvc.set(r.isvc, list);
  }
  const isvcs: IsvcSummary[] = [...byIsvc].map(([name, list]): IsvcSummary => ({
    name,
    traces: list.map((r) => {
      const f = r.result.hops.find((h) => h.verdict === 'fail');
      return { kind: r.kind, url: r.url, outcome: r.result.outcome, ...(f ? { failing: { step: f.step, summary: f.summary, ...(f.resource ? { resource: f.resource } : {}) } } : {}) };
    }),
  }));
  const want = options.isvcs ?? 'auto';
  const drawn =
    want === 'all' ? isvcs.map((s) => s.name)
    : want === 'auto' ? (isvcs.length <= AUTO_DRAW_LIMIT ? isvcs : isvcs.filter(isvcFails).slice(0, AUTO_DRAW_LIMIT)).map((s) => s.name)
    : want.filter((n) => byIsvc.has(n));
  for (const name of drawn) {
    const id = `InferenceService ${name}`;
    const s = isvcs.find((x) => x.name === name)!;
    b.node(id, { kind: 'isvc', outcomes: s.traces.map((t) => `${t.kind} ${t.outcome}`) });
    for (const r of byIsvc.get(name)!) addTrace(b, id, r);
  }
  const findings: GraphFinding[] = [];
  for (const [index, d] of diagnostics.entries()) {
    if (d.rule === 'input' && d.severity === 'info') continue;
    const i = findings.length;
    let on: string | null = null;
    if (d.resource && b.nodes.has(d.resource)) {
      // On the edge to a related resource when one is drawn (the relation is what is wrong), else on the node.
      const other = d.related.map((r) => r.resource).find((r) => b.edges.has(`${d.resource} -> ${r}`) || b.edges.has(`${r} -> ${d.resource}`));
      const edge = other ? (b.edges.get(`${d.resource} -> ${other}`) ?? b.edges.get(`${other} -> ${d.resource}`)) : undefined;
      if (edge) {
        edge.findings.push(i);
        on = edge.id;
      } else {
        b.nodes.get(d.resource)!.findings.push(i);
        on = d.resource;
      }
    }
    findings.push({ code: d.code, severity: d.severity, symptom: d.symptom, message: d.message, fix: d.fix, rule: d.rule, resource: d.resource ?? null, path: d.path ?? null, on, diagnostic: index, repair: d.repair !== undefined });
  }
  return { nodes: [...b.nodes.values()], edges: [...b.edges.values()], findings, isvcs, drawn };
}
