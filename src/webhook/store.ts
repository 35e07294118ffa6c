/**
 * The webhook's copy of the cluster: every object of the kinds kgd reads, by identity and by namespace, with a
 * version that moves on every change (what the scope partition and the cached "before" findings are keyed by).
 * The watch (cache.ts) feeds it; tests and the benchmark fill it directly.
 */
import { resourceKey, type Resource } from '../load/resource.js';

export class ResourceStore {
  private readonly byKey = new Map<string, Resource>();
  private readonly byNamespace = new Map<string, Map<string, Resource>>();
  private readonly nsVersions = new Map<string, number>();
  private current = 0;
  private lastChange = Date.now();

  constructor(resources: Iterable<Resource> = []) {
    for (const r of resources) this.upsert(r);
  }

  /** Moves on with every upsert and removal. */
  get version(): number {
    return this.current;
  }

  /** When the store last changed (ms since the epoch). */
  get changedAt(): number {
    return this.lastChange;
  }

  /** Moves on with every change in that namespace ('' for cluster-scoped objects); 0 for a namespace never seen. */
  namespaceVersion(ns: string): number {
    return this.nsVersions.get(ns) ?? 0;
  }

  get size(): number {
    return this.byKey.size;
  }

  get(key: string): Resource | undefined {
    return this.byKey.get(key);
  }

  upsert(r: Resource): void {
    const key = resourceKey(r);
    this.byKey.set(key, r);
    const ns = r.namespace ?? '';
    let m = this.byNamespace.get(ns);
    if (!m) this.byNamespace.set(ns, (m = new Map()));
    m.set(key, r);
    this.touch(ns);
  }

  remove(r: Pick<Resource, 'group' | 'kind' | 'namespace' | 'name'>): void {
    const key = resourceKey(r);
    if (!this.byKey.delete(key)) return;
    const m = this.byNamespace.get(r.namespace ?? '');
    m?.delete(key);
    if (m?.size === 0) this.byNamespace.delete(r.namespace ?? '');
    this.touch(r.namespace ?? '');
  }

  /** Replaces everything of one kind (a watch's relist): what the new list lacks is gone. */
  replaceKind(group: string, kind: string, resources: readonly Resource[]): void {
    for (const r of this.byKey.values()) if (r.group === group && r.kind === kind) this.remove(r);
    for (const r of resources) this.upsert(r);
  }

  all(): Resource[] {
    return [...this.byKey.values()];
  }

  /** The namespaces that hold objects ('' for cluster-scoped ones). */
  namespaces(): string[] {
    return [...this.byNamespace.keys()];
  }

  inNamespace(ns: string): Iterable<Resource> {
    return this.byNamespace.get(ns)?.values() ?? [];
  }

  private touch(ns: string): void {
    this.current++;
    this.nsVersions.set(ns, this.current);
    this.lastChange = Date.now();
  }
}
