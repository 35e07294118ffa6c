/**
 * Incremental evaluation for the webhook (issue #16): which of the cluster's objects a change can affect, so that
 * the before/after check runs on those and not on the whole cluster.
 *
 * The cluster is split in three (`partition`):
 * - **shared**: what every path reads — the platform's namespaces (gateways, config-istio, KServe's config, the
 *   gateway pods and Services, root-namespace policies: any namespace with no InferenceService or Knative Service,
 *   and any namespace holding a Gateway, KnativeServing, IstioOperator or a platform ConfigMap), cluster-scoped
 *   objects, and objects that reach across namespaces from anywhere (DestinationRules, EnvoyFilters, VirtualServices
 *   with a wildcard host, workloads a Gateway selector picks);
 * - per workload namespace, the **namespace-wide** objects (policies, ConfigMaps, objects of no InferenceService);
 * - per InferenceService, its **unit**: the InferenceService and the objects KServe and Knative make for it (the
 *   label `serving.kserve.io/inferenceservice`, else the longest InferenceService name the object's name starts with,
 *   as `<isvc>-predictor-00001-deployment`).
 * A change to a unit's object is checked on shared + its namespace-wide objects + its unit + the units whose
 * VirtualServices share a host with it; a change to a namespace-wide object on shared + its namespace; anything
 * else (a shared object) on the whole cluster. test/webhook-scope.test.ts compares scoped and whole-cluster answers.
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

export interface Partition {
  readonly version: number;
  /** Objects every scope includes. */
  readonly shared: readonly Resource[];
  readonly platformNamespaces: ReadonlySet<string>;
  /** Per workload namespace: its namespace-wide objects and its units. */
  readonly namespaces: ReadonlyMap<string, { readonly wide: Resource[]; readonly units: Map<string, Resource[]> }>;
  /** VirtualService host → the units (`ns/isvc`) whose VirtualServices name it. */
  readonly hostUnits: ReadonlyMap<string, ReadonlySet<string>>;
  /** Object key → its unit (`ns/isvc`). */
  readonly unitOf: ReadonlyMap<string, string>;
  readonly sharedKeys: ReadonlySet<string>;
}

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
    return selectors.some((sel) => Object.keys(sel).length > 0 && Object.entries(sel).every(([key, v]) => labels[key] === v));
  }
  return false;
}

/** The InferenceService an object of a workload namespace belongs to, if any. */
export function unitName(r: Resource, k: KnownKind | undefined, isvcs: ReadonlySet<string>, byLength: readonly string[]): string | undefined {
  if (!k || !UNIT_KINDS.has(k)) return undefined;
  if (k === 'InferenceService') return r.name;
  const label = labelsOf(r)[ISVC_LABEL] ?? podLabels(r)[ISVC_LABEL];
  if (typeof label === 'string' && isvcs.has(label)) return label;
  for (const n of byLength) if (r.name === n || r.name.startsWith(`${n}-`)) return n;
  return undefined;
}

/** Splits the store's objects (see the module comment); O(objects). */
export function partition(store: ResourceStore, extra: readonly Resource[] = []): Partition {
  const all = [...store.all(), ...extra];
  const kinds = new Map<Resource, KnownKind | undefined>();
  for (const r of all) kinds.set(r, kindOf(r));
  const selectors: Record<string, unknown>[] = [];
  const platform = new Set<string>();
  const hasServing = new Set<string>();
  for (const r of all) {
    const k = kinds.get(r);
    const ns = r.namespace ?? '';
    if (k === 'Gateway') {
      const sel = rec(rec(r.object['spec'])?.['selector']);
      if (sel) selectors.push(sel);
    }
    if (isPlatformObject(r, k)) platform.add(ns);
    if (k === 'InferenceService' || k === 'KnativeService' || k === 'Route') hasServing.add(ns);
  }
  for (const ns of store.namespaces()) if (!hasServing.has(ns)) platform.add(ns);
  for (const r of extra) if (!hasServing.has(r.namespace ?? '')) platform.add(r.namespace ?? '');
  platform.add('');
  const shared: Resource[] = [];
  const sharedKeys = new Set<string>();
  const namespaces = new Map<string, { wide: Resource[]; units: Map<string, Resource[]> }>();
  const isvcNames = new Map<string, Set<string>>();
  for (const r of all) if (kinds.get(r) === 'InferenceService' && !platform.has(r.namespace ?? '')) {
    const ns = r.namespace ?? '';
    if (!isvcNames.has(ns)) isvcNames.set(ns, new Set());
    isvcNames.get(ns)!.add(r.name);
  }
  const byLength = new Map([...isvcNames].map(([ns, s]) => [ns, [...s].sort((a, b) => b.length - a.length)]));
  const unitOf = new Map<string, string>();
  const hostUnits = new Map<string, Set<string>>();
  for (const r of all) {
    const k = kinds.get(r);
    const ns = r.namespace ?? '';
    if (platform.has(ns) || reachesOut(r, k, selectors)) {
      shared.push(r);
      sharedKeys.add(resourceKey(r));
      continue;
    }
    let n = namespaces.get(ns);
    if (!n) namespaces.set(ns, (n = { wide: [], units: new Map() }));
    const unit = unitName(r, k, isvcNames.get(ns) ?? new Set(), byLength.get(ns) ?? []);
    if (unit === undefined) {
      n.wide.push(r);
      continue;
    }
    let list = n.units.get(unit);
    if (!list) n.units.set(unit, (list = []));
    list.push(r);
    const id = `${ns}/${unit}`;
    unitOf.set(resourceKey(r), id);
    if (k === 'VirtualService') {
      for (const h of hostsOf(r)) {
        let s = hostUnits.get(h);
        if (!s) hostUnits.set(h, (s = new Set()));
        s.add(id);
      }
    }
  }
  return { version: store.version, shared, platformNamespaces: platform, namespaces, hostUnits, unitOf, sharedKeys };
}

export interface Scope {
  /** What was chosen: `cluster`, `namespace NS` or `InferenceService NS/NAME (+N sharing hosts)`. */
  readonly label: string;
  /** A key for caching the "before" findings of this scope (with the store version). */
  readonly key: string;
  /** The objects of the scope as the cluster has them. */
  readonly resources: readonly Resource[];
}

/**
 * The objects a change to `changed` (its old and new states; either may be absent) can affect. The changed object
 * itself is looked at in both states: a change that moves an object out of a unit, into the platform or to a
 * wildcard host widens the scope.
 */
export function scopeFor(p: Partition, store: ResourceStore, changed: { readonly before?: Resource; readonly after?: Resource }): Scope {
  const whole = (): Scope => ({ label: 'cluster', key: 'cluster', resources: store.all() });
  const states = [changed.before, changed.after].filter((r): r is Resource => r !== undefined);
  if (states.length === 0) return whole();
  const first = states[0]!;
  const k = kindOf(first);
  const ns = first.namespace ?? '';
  // A Namespace object: its labels matter to policies in it (and to the platform's, which are shared anyway).
  const target = k === 'Namespace' ? first.name : ns;
  if (k === 'Namespace' ? p.platformNamespaces.has(target) || !p.namespaces.has(target) : ns === '') return whole();
  if (p.platformNamespaces.has(target)) return whole();
  for (const r of states) {
    const rk = kindOf(r);
    if (isPlatformObject(r, rk) || (rk !== 'Namespace' && p.sharedKeys.has(resourceKey(r)))) return whole();
    if (rk === 'VirtualService' && hostsOf(r).some((h) => h.includes('*'))) return whole();
    if (rk && REACHING_KINDS.has(rk)) return whole();
    if (rk && WORKLOAD_KINDS.has(rk)) {
      // A workload that a Gateway selector picks (or would) is a gateway: shared.
      const labels = podLabels(r);
      for (const g of p.shared) {
        if (kindOf(g) !== 'Gateway') continue;
        const sel = rec(rec(g.object['spec'])?.['selector']);
        if (sel && Object.keys(sel).length > 0 && Object.entries(sel).every(([key, v]) => labels[key] === v)) return whole();
      }
    }
  }
  const n = p.namespaces.get(target);
  const namespaceScope = (): Scope => {
    const resources = [...p.shared, ...(n?.wide ?? []), ...[...(n?.units.values() ?? [])].flat()];
    return { label: `namespace ${target}`, key: `ns:${target}`, resources };
  };
  if (k === 'Namespace' || !n) return namespaceScope();
  // Every state must fall in one unit (an InferenceService being created makes its own unit).
  const names = new Set(n.units.keys());
  for (const r of states) if (kindOf(r) === 'InferenceService') names.add(r.name);
  const byLength = [...names].sort((a, b) => b.length - a.length);
  const units = new Set<string>();
  for (const r of states) {
    const u = unitName(r, kindOf(r), names, byLength);
    if (u === undefined) return namespaceScope();
    units.add(u);
  }
  if (units.size !== 1) return namespaceScope();
  const unit = [...units][0]!;
  // Units whose VirtualServices name a host this unit's (or the changed object's) VirtualServices name.
  const members = new Set([`${target}/${unit}`]);
  // A witness: one other InferenceService (of this namespace, else of any), so that findings the platform has for
  // every InferenceService ("every KIngress on the Gateway fails") are in the "before" side of a new one too.
  const witness = [...n.units.keys()].find((u) => u !== unit) ?? [...p.namespaces].flatMap(([other, m]) => [...m.units.keys()].map((u) => `${other}/${u}`)).find((id) => id !== `${target}/${unit}`);
  if (witness) members.add(witness.includes('/') ? witness : `${target}/${witness}`);
  const hosts = new Set<string>();
  for (const r of [...(n.units.get(unit) ?? []), ...states]) if (kindOf(r) === 'VirtualService') for (const h of hostsOf(r)) hosts.add(h);
  const sharing = new Set<string>();
  for (const h of hosts) for (const u of p.hostUnits.get(h) ?? []) if (u !== `${target}/${unit}`) sharing.add(u);
  for (const u of sharing) members.add(u);
  const resources: Resource[] = [...p.shared];
  const sorted = [...members].sort();
  // Each member's namespace-wide objects (its policies) come with it.
  for (const other of new Set(sorted.map((m) => m.slice(0, m.indexOf('/'))))) resources.push(...(p.namespaces.get(other)?.wide ?? []));
  for (const m of sorted) {
    const slash = m.indexOf('/');
    resources.push(...(p.namespaces.get(m.slice(0, slash))?.units.get(m.slice(slash + 1)) ?? []));
  }
  return { label: `InferenceService ${target}/${unit}${sharing.size > 0 ? ` (+${sharing.size} sharing hosts)` : ''}`, key: `unit:${[...members].sort().join(',')}`, resources };
}
