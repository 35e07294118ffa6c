import type { InputProblem } from '../load/problem.js';
import { displayName, resourceKey, type Resource } from '../load/resource.js';
import { CLUSTER_SCOPED, classify } from '../model/kinds.js';
import type { NamespaceInfo, Service, Workload } from '../model/core.js';
import { dropObject, viewOf, type Views, type ViewKind } from './views.js';
export type { Views, ViewKind } from './views.js';
import { matchesMap, type Labels } from '../model/label-selector.js';

export interface SnapshotOptions {
  /** Namespace for namespaced objects written without one (kubectl's default). @default 'default' */
  readonly defaultNamespace?: string;
  /** The Kubernetes cluster domain. @default 'cluster.local' */
  readonly clusterDomain?: string;
  /** Fill in upstream defaults for pieces the input lacks (config-istio, Knative's shipped gateway). @default false */
  readonly assumeDefaults?: boolean;
  /**
   * Add what KServe and Knative would create for each InferenceService (ExternalName Services and
   * VirtualServices) when the input lacks them, as `kgd trace` needs. @default false
   */
  readonly deriveControllers?: boolean;
  /** Versions of the controllers the input runs (net-istio, KServe, ...); absent ones are taken as the newest. */
  readonly versions?: ComponentVersions;
  /**
   * The input is the whole cluster (`--complete`, `--cluster`): what it lacks is absent. Otherwise objects every
   * default install has, that the input relies on without showing, are assumed (src/platform/install-defaults.ts).
   * @default false
   */
  readonly complete?: boolean;
}

/** Component → version, e.g. `{ kserve: '0.13.1' }` (src/platform/versions.ts decides what each changes). */
export type ComponentVersions = Partial<Readonly<Record<'netIstio' | 'kserve' | 'serving' | 'operator' | 'istio', string>>>;

/** Where a component's version came from: the command line, or a field of an object in the input. */
export interface VersionSource {
  readonly component: keyof ComponentVersions;
  readonly version: string;
  /** e.g. `--versions`, or `image tag of Deployment knative-serving/controller`. */
  readonly how: string;
  readonly resource: Resource | undefined;
}

const key = (ns: string, name: string) => `${ns}/${name}`;

function groupByNamespace<T extends { readonly namespace: string }>(items: readonly T[]): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const x of items) {
    const l = m.get(x.namespace);
    if (l) l.push(x);
    else m.set(x.namespace, [x]);
  }
  return m;
}

/**
 * An immutable index over the loaded resources: typed views by kind, lookups by namespace/name, and
 * label-selector queries. It holds no rule logic.
 */
export class Snapshot {
  readonly resources: readonly Resource[];
  problems: readonly InputProblem[];
  readonly clusterDomain: string;
  readonly assumeDefaults: boolean;
  /** The input is the whole cluster: a kind it has none of is absent, not merely left out. */
  readonly complete: boolean;
  versions: ComponentVersions;
  /** How each version in `versions` was found (empty for the ones kgd assumes: the newest it models). */
  versionSources: readonly VersionSource[] = [];
  private readonly views: { [K in ViewKind]: Views[K][] };
  private readonly byName = new Map<string, Map<string, unknown>>();
  private readonly memos = new Map<string, unknown>();

  /** The options this snapshot was built with (a rebuild with more resources keeps them). */
  readonly options: SnapshotOptions;

  constructor(resources: readonly Resource[], options: SnapshotOptions = {}) {
    this.options = options;
    const defaultNs = options.defaultNamespace ?? 'default';
    this.clusterDomain = options.clusterDomain ?? 'cluster.local';
    this.assumeDefaults = options.assumeDefaults ?? false;
    this.complete = options.complete ?? false;
    this.versions = options.versions ?? {};
    const problems: InputProblem[] = [];
    const views: { [K in ViewKind]: Views[K][] } = {
      Gateway: [], VirtualService: [], DestinationRule: [], AuthorizationPolicy: [], PeerAuthentication: [], EnvoyFilter: [], IstioOperator: [], Service: [], Workload: [], Endpoints: [], NetworkPolicy: [],
      Namespace: [], ConfigMap: [], KnativeServing: [], InferenceService: [], KnativeService: [], Route: [], KIngress: [],
    };
    const seen = new Map<string, Resource>();
    const kept: Resource[] = [];
    let duplicates = false;
    for (const res of resources) {
      const c = classify(res);
      if (c && !c.supported) {
        problems.push({ id: 'UnsupportedApiVersion', data: { apiVersion: res.apiVersion, kind: res.kind, versions: c.versions.join(', ') }, resource: res, path: ['apiVersion'] });
        kept.push(res);
        continue;
      }
      const ns = c && CLUSTER_SCOPED.has(c.kind) ? undefined : (res.namespace ?? (c ? defaultNs : res.namespace));
      const r: Resource = ns === res.namespace ? res : { ...res, namespace: ns };
      const ident = resourceKey(res, ns);
      const prev = seen.get(ident);
      if (prev) {
        duplicates = true;
        // The later one wins, as `kubectl apply` of the whole input would leave it.
        problems.push({ id: 'DuplicateResource', data: { resource: displayName(r), first: prev.origin ? `${prev.origin.file}` : 'derived' }, resource: r, path: ['metadata', 'name'] });
      }
      seen.set(ident, r);
      kept.push(r);
    }
    const final = duplicates ? kept.filter((r) => seen.get(resourceKey(r)) === r) : kept;
    for (const r of final) this.addView(r, views, problems);
    this.resources = final;
    this.views = views;
    this.problems = problems;
    for (const g of views.Gateway) this.index('Gateway', g.namespace, g.name, g);
    for (const s of views.Service) this.index('Service', s.namespace, s.name, s);
    for (const c of views.ConfigMap) this.index('ConfigMap', c.namespace, c.name, c);
    for (const e of views.Endpoints) this.index('Endpoints', e.namespace, e.serviceName, e);
    for (const v of views.VirtualService) this.index('VirtualService', v.namespace, v.name, v);
    for (const n of views.Namespace) this.index('Namespace', '', n.name, n);
    for (const k of views.KnativeService) this.index('KnativeService', k.namespace, k.name, k);
  }

  private index(kind: ViewKind, ns: string, name: string, v: unknown): void {
    let m = this.byName.get(kind);
    if (!m) this.byName.set(kind, (m = new Map()));
    m.set(key(ns, name), v);
  }

  private addView(res: Resource, views: { [K in ViewKind]: Views[K][] }, problems: InputProblem[]): void {
    const v = viewOf(res, problems);
    if (v) (views[v.kind] as unknown[]).push(v.view);
  }

  list<K extends ViewKind>(kind: K): readonly Views[K][] {
    return this.views[kind];
  }

  get<K extends 'Gateway' | 'Service' | 'ConfigMap' | 'Endpoints' | 'VirtualService' | 'KnativeService'>(kind: K, namespace: string, name: string): Views[K] | undefined {
    return this.byName.get(kind)?.get(key(namespace, name)) as Views[K] | undefined;
  }

  /** Whether the input already holds this Service or VirtualService (given as a plain object, as controllers write it). */
  hasObject(o: Readonly<Record<string, unknown>>): boolean {
    const m = o['metadata'] as { name: string; namespace: string };
    const kind = o['kind'] === 'Service' ? 'Service' : 'VirtualService';
    return this.get(kind, m.namespace, m.name) !== undefined;
  }

  /** Labels of a namespace: from its Namespace object, or just the name label the API server always sets. */
  namespaceLabels(name: string): Labels {
    const n = this.byName.get('Namespace')?.get(key('', name)) as NamespaceInfo | undefined;
    return n?.labels ?? { 'kubernetes.io/metadata.name': name };
  }

  /** Workloads (pods and pod templates) whose labels match a map selector, optionally in one namespace. */
  workloadsMatching(selector: Labels, namespace?: string): Workload[] {
    const pool = namespace === undefined ? this.list('Workload') : (this.workloadsByNamespace().get(namespace) ?? []);
    return pool.filter((w) => matchesMap(selector, w.labels));
  }

  private workloadsByNamespace(): Map<string, Workload[]> {
    return this.memo('workloads-by-namespace', () => groupByNamespace(this.list('Workload')));
  }

  private servicesByNamespace(): Map<string, Service[]> {
    return this.memo('services-by-namespace', () => groupByNamespace(this.list('Service')));
  }

  /** Services in the workload's namespace whose selector picks it. */
  servicesSelecting(w: Workload): Service[] {
    return (this.servicesByNamespace().get(w.namespace) ?? []).filter((s) => s.selector !== undefined && Object.keys(s.selector).length > 0 && matchesMap(s.selector, w.labels));
  }

  /**
   * Drops the parsed objects of the resources once their typed views exist: rules, traces and locations
   * only need the views and the origins, and the objects are most of the memory on large inputs. Only for
   * snapshots that own their resources (the CLI's); a library caller that keeps using its resources must not.
   */
  compact(): this {
    for (const r of this.resources) dropObject(r);
    return this;
  }

  /** Replaces the input problems (used when a snapshot is rebuilt from already-checked resources). */
  withProblems(problems: readonly InputProblem[]): this {
    this.problems = problems;
    return this;
  }

  /** Sets the versions the platform layer found (detected from the input, or given). */
  withVersions(sources: readonly VersionSource[]): this {
    this.versionSources = sources;
    this.versions = Object.fromEntries(sources.map((x) => [x.component, x.version]));
    return this;
  }

  /**
   * The first view of `kind` whose key (by `keyOf`, undefined for none) is `key`: what `list(kind).find(...)` gives,
   * through an index built once per snapshot under `index` (a name unique to that `keyOf`).
   */
  firstBy<K extends ViewKind>(kind: K, index: string, keyOf: (v: Views[K]) => string | undefined, key: string): Views[K] | undefined {
    const m = this.memo(`first-by:${kind}:${index}`, () => {
      const out = new Map<string, Views[K]>();
      for (const v of this.list(kind)) {
        const k = keyOf(v);
        if (k !== undefined && !out.has(k)) out.set(k, v);
      }
      return out;
    });
    return m.get(key);
  }

  /** Caches a derived value (effective config, listener maps) for the life of the snapshot. */
  memo<T>(name: string, compute: () => T): T {
    if (this.memos.has(name)) return this.memos.get(name) as T;
    const v = compute();
    this.memos.set(name, v);
    return v;
  }
}
