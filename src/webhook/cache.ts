/**
 * The webhook's watch of the cluster: every kind `kgd check --cluster` reads (same discovery, same read-only RBAC:
 * deploy/clusterrole.yaml), listed in pages and then watched from the list's resourceVersion through client-node's
 * `Watch`, into a ResourceStore. A watch that ends is resumed from the last resourceVersion seen (bookmarks keep it
 * fresh); one the server has compacted away (410 Gone) or that fails is listed again, with a growing pause.
 */
import { Watch, type KubeConfig } from '@kubernetes/client-node';
import { groupPath, listedKinds, resourceNames, toResource } from '../load/cluster.js';
import { kubeRequest } from '../load/kube-http.js';
import { ResourceStore } from './store.js';

const PAGE = 500;
const MAX_PAUSE_MS = 30_000;

export interface WatchEvents {
  /** A kind's first list is in the store. */
  onSynced?(kind: string, objects: number): void;
  /** A list or watch failed (it is retried). */
  onError?(kind: string, error: string): void;
}

type Obj = Record<string, unknown>;
/** A kind's name in `pending`. */
const kindId = (apiVersion: string, kind: string) => `${apiVersion}/${kind}`;

export class ClusterWatch {
  readonly store = new ResourceStore();
  private readonly pending = new Set<string>();
  private readonly aborts = new Map<string, AbortController>();
  private stopped = false;
  private kindsTotal = 0;
  private lastSync = 0;

  constructor(private readonly kc: KubeConfig, private readonly events: WatchEvents = {}) {}

  /** Every kind listed once (the webhook is ready from then on). */
  get synced(): boolean {
    return this.kindsTotal > 0 && this.pending.size === 0;
  }

  /** When an event or list last reached the store (ms since the epoch; 0 before the first). */
  get lastUpdate(): number {
    return Math.max(this.lastSync, this.synced ? this.store.changedAt : 0);
  }

  /** Starts the lists and watches; resolves when discovery is done (not when synced: see `synced`). */
  async start(): Promise<void> {
    const server = this.kc.getCurrentCluster()?.server ?? '';
    const kinds = await listedKinds(this.kc, server);
    const plural = resourceNames(this.kc);
    this.kindsTotal = kinds.length;
    for (const k of kinds) this.pending.add(kindId(k.apiVersion, k.kind));
    for (const k of kinds) {
      void (async () => {
        const r = await plural(k.apiVersion, k.kind).catch(() => undefined);
        if (!r) {
          this.pending.delete(kindId(k.apiVersion, k.kind));
          return;
        }
        await this.run(k.apiVersion, k.group, k.kind, `${groupPath(k.apiVersion)}/${r.name}`);
      })();
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const a of this.aborts.values()) a.abort();
  }

  /** List, then watch, for one kind; forever until stopped. */
  private async run(apiVersion: string, group: string, kind: string, path: string): Promise<void> {
    const id = kindId(apiVersion, kind);
    let pause = 500;
    let rv: string | undefined;
    while (!this.stopped) {
      try {
        if (!rv) {
          const items: Obj[] = [];
          let cont: string | undefined;
          do {
            const page = (await kubeRequest(this.kc, 'GET', `${path}?limit=${PAGE}${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`)) as { items: Obj[]; metadata?: { continue?: string; resourceVersion?: string } };
            items.push(...page.items);
            cont = page.metadata?.continue || undefined;
            rv = page.metadata?.resourceVersion;
          } while (cont);
          this.store.replaceKind(group, kind, items.map((it) => toResource(it, apiVersion, kind)));
          this.lastSync = Date.now();
          if (this.pending.delete(id)) this.events.onSynced?.(kind, items.length);
        }
        const gone = await this.watchOnce(path, rv!, apiVersion, kind, (v) => { rv = v; });
        if (gone) rv = undefined;
        pause = 500;
      } catch (e) {
        if (this.stopped) return;
        this.events.onError?.(kind, (e as Error)?.message ?? String(e));
        rv = undefined;
        await new Promise((r) => setTimeout(r, pause));
        pause = Math.min(MAX_PAUSE_MS, pause * 2);
      }
    }
  }

  /** One watch request; resolves when the server ends it (true: the resourceVersion is gone, list again). */
  private watchOnce(path: string, rv: string, apiVersion: string, kind: string, seen: (rv: string) => void): Promise<boolean> {
    return new Promise((resolve, reject) => {
      let gone = false;
      const onEvent = (phase: string, obj: Obj) => {
        const version = (obj?.['metadata'] as { resourceVersion?: string } | undefined)?.resourceVersion;
        if (phase === 'ERROR') {
          if ((obj as { code?: number })?.code === 410) gone = true;
          return;
        }
        if (version) seen(version);
        if (phase === 'BOOKMARK') return;
        const r = toResource(obj, apiVersion, kind);
        if (phase === 'DELETED') this.store.remove(r);
        else this.store.upsert(r);
      };
      new Watch(this.kc)
        .watch(path, { resourceVersion: rv, allowWatchBookmarks: true }, onEvent, (err: unknown) => {
          this.aborts.delete(path);
          if (err && !this.stopped && !(err instanceof Error && err.name === 'AbortError')) {
            const code = (err as { statusCode?: number; code?: number }).statusCode ?? (err as { code?: number }).code;
            if (code === 410) resolve(true);
            else reject(err);
          } else resolve(gone);
        })
        .then((abort) => {
          if (this.stopped) abort.abort();
          else this.aborts.set(path, abort);
        }, reject);
    });
  }
}
