/**
 * Incremental evaluation for the webhook (issue #16): which of the cluster's objects a change can affect, so that
 * the before/after check runs on those and not on the whole cluster.
 *
 * The cluster is split in three (`Partitioner`, per namespace):
 * - **shared**: what every path reads — the platform's namespaces (gateways, config-istio, KServe's config, the
 *   gateway pods and Services, root-namespace policies: any namespace with no InferenceService or Knative Service,
 *   and any namespace holding a Gateway, KnativeServing, IstioOperator or a platform ConfigMap), cluster-scoped
 *   objects (of the Namespaces, only the platform's), and objects that reach across namespaces from anywhere
 *   (DestinationRules, EnvoyFilters, VirtualServices with a wildcard host, workloads a Gateway selector picks);
 * - per workload namespace, the **namespace-wide** objects (policies, ConfigMaps, objects of no InferenceService);
 * - per InferenceService, its **unit**: the InferenceService and the objects KServe and Knative make for it (the
 *   label `serving.kserve.io/inferenceservice`, else the longest InferenceService name the object's name starts with,
 *   as `<isvc>-predictor-00001-deployment`).
 * A change to a unit's object is checked on shared + its Namespace and namespace-wide objects + its unit + the units
 * whose VirtualServices share a host with it + one witness unit; a change to a namespace-wide object or a Namespace on
 * shared + that namespace; anything else (a shared object) on the whole cluster, or on a spread sample of units when
 * the whole is over the budget (evaluator.ts). test/webhook-scope.test.ts compares scoped and whole-cluster answers.
 */
import { resourceKey, type Resource } from '../load/resource.js';
import { classify, type KnownKind } from '../model/kinds.js';
import type { ResourceStore } from './store.js';

/** Kinds whose objects belong to one InferenceService when their names or labels say so. */
const UNIT_KINDS: ReadonlySet<KnownKind> = new Set(['InferenceService', 'KnativeService', 'Route', 'KIngress', 'VirtualService', 'Service', 'Endpoints', 'EndpointSlice', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Pod']);
/** Kinds that make their namespace part of the platform. */
const PLATFORM_KINDS: ReadonlySet<KnownKind> = new Set(['Gateway', 'KnativeServing', 'IstioOperator']);
/** Kinds that can reach other namespaces from any namespace (hosts, workload selectors in the root namespace). */
const REACHING_KINDS: ReadonlySet<KnownKind> = new Set(['DestinationRule', 'EnvoyFilter']);
/** ConfigMaps Knative, net-istio, KServe and Istio read (their namespace is the platform's). */
const PLATFORM_CONFIGMAP = /^(config-[a-z-]+|inferenceservice-config|istio(-.*)?|mesh(-.*)?)$/;
const WORKLOAD_KINDS: ReadonlySet<KnownKind> = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Pod']);
const ISVC_LABEL = 'serving.kserve.io/inferenceservice';

type Obj = Record<string, unknown>;
const rec = (v: unknown): Obj | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined);
const labelsOf = (r: Resource): Record<string, unknown> => rec(rec(r.object['metadata'])?.['labels']) ?? {};

/** The labels of the pods a workload object runs (its own for a Pod). */
function podLabels(r: Resource): Record<string, unknown> {
  if (r.kind === 'Pod') return labelsOf(r);
  return rec(rec(rec(rec(r.object['spec'])?.['template'])?.['metadata'])?.['labels']) ?? {};
}

function hostsOf(r: Resource): string[] {
  const hosts = rec(r.object['spec'])?.['hosts'];
  return Array.isArray(hosts) ? hosts.filter((h): h is string => typeof h === 'string') : [];
}

const kindOf = (r: Resource): KnownKind | undefined => classify(r)?.kind;

/** A Gateway's selector (a label map; empty selects nothing here) against a pod's labels. */
const selectorMatches = (sel: Record<string, unknown>, labels: Record<string, unknown>) => Object.keys(sel).length > 0 && Object.entries(sel).every(([key, v]) => labels[key] === v);

/** Whether the object alone makes its namespace the platform's. */
function isPlatformObject(r: Resource, k: KnownKind | undefined): boolean {
  return (k !== undefined && PLATFORM_KINDS.has(k)) || (k === 'ConfigMap' && PLATFORM_CONFIGMAP.test(r.name));
}

/** Whether the object reaches other namespaces wherever it is. */
function reachesOut(r: Resource, k: KnownKind | undefined, selectors: readonly Record<string, unknown>[]): boolean {
  if (k && REACHING_KINDS.has(k)) return true;
  if (k === 'VirtualService') return hostsOf(r).some((h) => h.includes('*'));
  if (k && WORKLOAD_KINDS.has(k) && selectors.length > 0) {
    const labels = podLabels(r);
    return selectors.some((sel) => selectorMatches(sel, labels));
  }
  return false;
}

/**
 * The InferenceService an object of a workload namespace belongs to, if any: its label, else the longest name in
 * `isvcs` that is the object's name or a prefix of it ending before a '-'.
 */
export function unitName(r: Resource, k: KnownKind | undefined, isvcs: ReadonlySet<string>): string | undefined {
  if (!k || !UNIT_KINDS.has(k)) return undefined;
  if (k === 'InferenceService') return r.name;
  const label = labelsOf(r)[ISVC_LABEL] ?? podLabels(r)[ISVC_LABEL];
  if (typeof label === 'string' && isvcs.has(label)) return label;
  for (let end = r.name.length; end > 0; end = r.name.lastIndexOf('-', end - 1)) {
    const prefix = r.name.slice(0, end);
    if (isvcs.has(prefix)) return prefix;
  }
  return undefined;
}

export interface Scope {
  /** What was chosen: `cluster`, `namespace NS` or `InferenceService NS/NAME (+N sharing hosts)`. */
  readonly label: string;
  /** A key for caching the "before" findings of this scope. */
  readonly key: string;
  /** The versions of what the scope holds: a cached "before" is good while the stamp is the same. */
  readonly stamp: string;
  /** The objects of the scope as the cluster has them. */
  readonly resources: readonly Resource[];
}

interface Summary {
  readonly version: number;
  /** Holds a platform object (or is the cluster scope). */
  readonly platform: boolean;
  /** Holds an InferenceService, Knative Service or Route. */
  readonly serving: boolean;
  readonly selectors: readonly Record<string, unknown>[];
}

interface NamespacePart {
  readonly version: number;
  readonly selectorsKey: string;
  /** Objects that reach across namespaces: shared. */
  readonly reaching: readonly Resource[];
  readonly wide: readonly Resource[];
  readonly units: ReadonlyMap<string, readonly Resource[]>;
  /** VirtualService host → the units (InferenceService names) here that name it. */
  readonly hostUnits: ReadonlyMap<string, ReadonlySet<string>>;
  readonly reachingKeys: ReadonlySet<string>;
}

/**
 * The split, kept per namespace and redone only for namespaces whose objects changed (the store's per-namespace
 * versions): a change in one team's namespace costs that namespace, not the cluster.
 */
export class Partitioner {
  private readonly summaries = new Map<string, Summary>();
  private readonly parts = new Map<string, NamespacePart>();

  constructor(private readonly store: ResourceStore) {}

  private summary(ns: string): Summary {
    const version = this.store.namespaceVersion(ns);
    const hit = this.summaries.get(ns);
    if (hit && hit.version === version) return hit;
    let platform = ns === '';
    let serving = false;
    const selectors: Record<string, unknown>[] = [];
    for (const r of this.store.inNamespace(ns)) {
      const k = kindOf(r);
      if (isPlatformObject(r, k)) platform = true;
      if (k === 'InferenceService' || k === 'KnativeService' || k === 'Route') serving = true;
      if (k === 'Gateway') {
        const sel = rec(rec(r.object['spec'])?.['selector']);
        if (sel) selectors.push(sel);
      }
    }
    const s = { version, platform, serving, selectors };
    this.summaries.set(ns, s);
    return s;
  }

  /** The platform's namespaces and every Gateway selector. */
  private platform(): { namespaces: Set<string>; selectors: Record<string, unknown>[]; selectorsKey: string } {
    const namespaces = new Set<string>(['']);
    const selectors: Record<string, unknown>[] = [];
    for (const ns of this.store.namespaces()) {
      const s = this.summary(ns);
      if (s.platform || !s.serving) namespaces.add(ns);
      selectors.push(...s.selectors);
    }
    return { namespaces, selectors, selectorsKey: JSON.stringify(selectors) };
  }

  private part(ns: string, selectors: readonly Record<string, unknown>[], selectorsKey: string): NamespacePart {
    const version = this.store.namespaceVersion(ns);
    const hit = this.parts.get(ns);
    if (hit && hit.version === version && hit.selectorsKey === selectorsKey) return hit;
    const objects = [...this.store.inNamespace(ns)];
    const isvcs = new Set(objects.filter((r) => kindOf(r) === 'InferenceService').map((r) => r.name));
    const reaching: Resource[] = [];
    const reachingKeys = new Set<string>();
    const wide: Resource[] = [];
    const units = new Map<string, Resource[]>();
    const hostUnits = new Map<string, Set<string>>();
    for (const r of objects) {
      const k = kindOf(r);
      if (reachesOut(r, k, selectors)) {
        reaching.push(r);
        reachingKeys.add(resourceKey(r));
        continue;
      }
      const unit = unitName(r, k, isvcs);
      if (unit === undefined) {
        wide.push(r);
        continue;
      }
      let list = units.get(unit);
      if (!list) units.set(unit, (list = []));
      list.push(r);
      if (k === 'VirtualService') {
        for (const h of hostsOf(r)) {
          let s = hostUnits.get(h);
          if (!s) hostUnits.set(h, (s = new Set()));
          s.add(unit);
        }
      }
    }
    const p = { version, selectorsKey, reaching, reachingKeys, wide, units, hostUnits };
    this.parts.set(ns, p);
    return p;
  }

  private cached?: { version: number; platform: Set<string>; selectors: Record<string, unknown>[]; parts: Map<string, NamespacePart>; shared: Resource[]; sharedStamp: string };

  /**
   * The platform's namespaces, every workload namespace's split and the shared objects, for the store as it is (one
   * pass over the namespaces per store version; the splits themselves are redone only where a namespace changed).
   */
  private overview() {
    if (this.cached && this.cached.version === this.store.version) return this.cached;
    const store = this.store;
    const { namespaces: platform, selectors, selectorsKey } = this.platform();
    const workload = [...store.namespaces()].filter((n) => !platform.has(n)).sort();
    const parts = new Map(workload.map((n) => [n, this.part(n, selectors, selectorsKey)]));
    const shared: Resource[] = [];
    // Cluster-scoped objects: all but the Namespaces of workload namespaces (a change cannot reach the policies
    // read by their names; the scope's own are added by scopeFor).
    for (const r of store.inNamespace('')) if (kindOf(r) !== 'Namespace' || platform.has(r.name)) shared.push(r);
    for (const p of platform) if (p !== '') shared.push(...store.inNamespace(p));
    for (const p of parts.values()) shared.push(...p.reaching);
    // The versions the shared objects come from: the platform's namespaces and those with objects reaching out.
    const at = (x: string) => `${x}@${store.namespaceVersion(x)}`;
    const sharedStamp = `${[...platform].map(at).join(',')}|${workload.filter((w) => parts.get(w)!.reaching.length > 0).map(at).join(',')}`;
    this.cached = { version: store.version, platform, selectors, parts, shared, sharedStamp };
    return this.cached;
  }

  /** Splits every namespace now (after the first sync), so that the first admission does not pay for it. */
  warm(): void {
    this.overview();
  }

  /** The whole cluster as a scope. */
  whole(): Scope {
    return { label: 'cluster', key: 'cluster', stamp: String(this.store.version), resources: this.store.all() };
  }

  /**
   * A sample of the whole cluster for a change to a shared object that is too big to check whole: the shared
   * objects and up to `units` InferenceServices, spread over the workload namespaces (each with its Namespace and
   * namespace-wide objects). Findings on shared objects are those of the whole cluster when the InferenceServices
   * are alike; findings on InferenceServices are those of the sample.
   */
  sample(units: number): Scope & { readonly sampled: { readonly units: number; readonly of: number } } {
    const store = this.store;
    const o = this.overview();
    const parts = [...o.parts];
    const resources: Resource[] = [...o.shared];
    const total = parts.reduce((n, [, p]) => n + p.units.size, 0);
    // Round-robin over the namespaces, so the sample spreads.
    const picked = new Map<string, string[]>();
    let taken = 0;
    for (let round = 0; taken < units && taken < total; round++) {
      for (const [ns, p] of parts) {
        const name = [...p.units.keys()].sort()[round];
        if (name === undefined || taken >= units) continue;
        if (!picked.has(ns)) picked.set(ns, []);
        picked.get(ns)!.push(name);
        taken++;
      }
    }
    for (const [ns, names] of picked) {
      const p = o.parts.get(ns)!;
      const own = store.get(resourceKey({ group: '', kind: 'Namespace', namespace: undefined, name: ns }));
      if (own) resources.push(own);
      resources.push(...p.wide);
      for (const n of names) resources.push(...(p.units.get(n) ?? []));
    }
    return { label: `cluster, sampled: ${taken} of ${total} InferenceServices`, key: `sample:${units}`, stamp: String(store.version), resources, sampled: { units: taken, of: total } };
  }

  /**
   * The objects a change to `changed` (its old and new states; either may be absent) can affect. The changed object
   * itself is looked at in both states: a change that moves an object out of a unit, into the platform or to a
   * wildcard host widens the scope.
   */
  scopeFor(changed: { readonly before?: Resource; readonly after?: Resource }): Scope {
    const store = this.store;
    const whole = () => this.whole();
    const states = [changed.before, changed.after].filter((r): r is Resource => r !== undefined);
    if (states.length === 0) return whole();
    const first = states[0]!;
    const k = kindOf(first);
    const ns = first.namespace ?? '';
    // A Namespace object: its labels matter to policies in it (and to the platform's, which are shared anyway).
    const target = k === 'Namespace' ? first.name : ns;
    const { platform, selectors, parts, shared, sharedStamp } = this.overview();
    if (platform.has(target)) return whole();
    const n = parts.get(target);
    for (const r of states) {
      const rk = kindOf(r);
      if (isPlatformObject(r, rk) || n?.reachingKeys.has(resourceKey(r))) return whole();
      if (rk === 'VirtualService' && hostsOf(r).some((h) => h.includes('*'))) return whole();
      if (rk && REACHING_KINDS.has(rk)) return whole();
      // A workload that a Gateway selector picks (or would) is a gateway: shared.
      if (rk && WORKLOAD_KINDS.has(rk) && selectors.some((sel) => selectorMatches(sel, podLabels(r)))) return whole();
    }
    // What the answer depends on: the platform's namespaces and the ones in the scope (their versions).
    const stampOf = (nss: Iterable<string>) => `${sharedStamp}|${[...nss].map((x) => `${x}@${store.namespaceVersion(x)}`).join(',')}`;
    const namespaceObject = (name: string) => store.get(resourceKey({ group: '', kind: 'Namespace', namespace: undefined, name }));
    const namespaceScope = (): Scope => {
      const own = namespaceObject(target);
      const resources = [...shared, ...(own ? [own] : []), ...(n?.wide ?? []), ...[...(n?.units.values() ?? [])].flat()];
      return { label: `namespace ${target}`, key: `ns:${target}`, stamp: stampOf([target]), resources };
    };
    if (k === 'Namespace' || !n) return namespaceScope();
    // Every state must fall in one unit (an InferenceService being created makes its own unit).
    const names = new Set(n.units.keys());
    for (const r of states) if (kindOf(r) === 'InferenceService') names.add(r.name);
    const units = new Set<string>();
    for (const r of states) {
      const u = unitName(r, kindOf(r), names);
      if (u === undefined) return namespaceScope();
      units.add(u);
    }
    if (units.size !== 1) return namespaceScope();
    const unit = [...units][0]!;
    const self = `${target}/${unit}`;
    const members = new Set([self]);
    // A witness: one other InferenceService (of this namespace, else of any), so that findings the platform has for
    // every InferenceService ("every KIngress on the Gateway fails") are in the "before" side of a new one too.
    const witness = [...n.units.keys()].find((u) => u !== unit) ?? [...parts].flatMap(([other, m]) => [...m.units.keys()].map((u) => `${other}/${u}`)).find((id) => id !== self);
    if (witness) members.add(witness.includes('/') ? witness : `${target}/${witness}`);
    // Units whose VirtualServices name a host this unit's (or the changed object's) VirtualServices name.
    const hosts = new Set<string>();
    for (const r of [...(n.units.get(unit) ?? []), ...states]) if (kindOf(r) === 'VirtualService') for (const h of hostsOf(r)) hosts.add(h);
    const sharing = new Set<string>();
    for (const h of hosts) for (const [other, p] of parts) for (const u of p.hostUnits.get(h) ?? []) if (`${other}/${u}` !== self) sharing.add(`${other}/${u}`);
    for (const u of sharing) members.add(u);
    const resources: Resource[] = [...shared];
    const sorted = [...members].sort();
    const memberNamespaces = [...new Set(sorted.map((m) => m.slice(0, m.indexOf('/'))))];
    // Each member's Namespace and namespace-wide objects (its policies) come with it.
    for (const other of memberNamespaces) {
      const own = namespaceObject(other);
      if (own) resources.push(own);
      resources.push(...(parts.get(other)?.wide ?? []));
    }
    for (const m of sorted) {
      const slash = m.indexOf('/');
      resources.push(...(parts.get(m.slice(0, slash))?.units.get(m.slice(slash + 1)) ?? []));
    }
    return { label: `InferenceService ${self}${sharing.size > 0 ? ` (+${sharing.size} sharing hosts)` : ''}`, key: `unit:${sorted.join(',')}`, stamp: stampOf(memberNamespaces), resources };
  }
}
