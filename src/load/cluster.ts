import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { KubeHttpError, kubeRequest } from './kube-http.js';
import { knownKinds } from '../model/kinds.js';
import type { InputProblem } from './problem.js';
import { controllerOf, ignoreOf, splitApiVersion, type Resource } from './resource.js';
import { InputError } from './sources.js';

export interface ClusterOptions {
  /** Path of a kubeconfig; default: $KUBECONFIG, ~/.kube/config, or the in-cluster service account. */
  readonly kubeconfig?: string;
  readonly context?: string;
  /**
   * Read namespaced objects from these namespaces only (for credentials that may not list cluster-wide, or
   * to read less). They must include the namespaces of the gateways and of Knative's and KServe's config.
   */
  readonly namespaces?: readonly string[];
  /** Progress lines for a person watching (stderr on a TTY). */
  readonly onProgress?: (message: string) => void;
}

export interface ClusterLoadResult {
  readonly resources: Resource[];
  readonly problems: InputProblem[];
  /** `context (server)`, for reports. */
  readonly source: string;
  /** The kubeconfig used, for writes (kgd fix --cluster --apply). */
  readonly kubeConfig: KubeConfig;
  /** The namespaces namespaced objects were read from; undefined: every namespace. */
  readonly namespaces?: readonly string[] | undefined;
}

/** Kinds kgd does not need from a cluster: ReplicaSets (their Deployments say the same) and EndpointSlices (Endpoints do). */
const NOT_LISTED = new Set(['ReplicaSet', 'EndpointSlice']);
const PAGE = 500;

/** The in-cluster service account client-node falls back to (its loadFromCluster). */
const SERVICE_ACCOUNT_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

export function loadConfig(o: ClusterOptions): KubeConfig {
  const kc = new KubeConfig();
  // client-node, finding nothing, would talk to http://localhost:8080; say what was looked for instead.
  const home = join(homedir(), '.kube', 'config');
  if (!o.kubeconfig && !process.env['KUBECONFIG'] && !existsSync(home) && !(process.env['KUBERNETES_SERVICE_HOST'] && existsSync(SERVICE_ACCOUNT_TOKEN))) {
    throw new InputError(`no kubeconfig found (looked in $KUBECONFIG, which is unset, in ${home}, and for an in-cluster service account): pass --kubeconfig FILE or set KUBECONFIG`);
  }
  try {
    if (o.kubeconfig) kc.loadFromFile(o.kubeconfig);
    else kc.loadFromDefault();
  } catch (e) {
    throw new InputError(`cannot read the kubeconfig${o.kubeconfig ? ` ${o.kubeconfig}` : ''}: ${(e as Error).message}`);
  }
  if (o.context) {
    if (!kc.getContextObject(o.context)) throw new InputError(`no context "${o.context}" in the kubeconfig (have: ${kc.getContexts().map((c) => c.name).join(', ') || 'none'})`);
    kc.setCurrentContext(o.context);
  }
  if (!kc.getCurrentCluster()) throw new InputError('the kubeconfig has no current cluster (use --context, or --kubeconfig)');
  return kc;
}

function status(e: unknown): number | undefined {
  return e instanceof KubeHttpError ? e.status : undefined;
}

/** One line for an error that stops the whole load: the server is not there, or will not have us. */
function fatal(e: unknown, server: string): InputError | undefined {
  const code = status(e);
  if (code === 401) return new InputError(`the API server ${server} refused the credentials (401 Unauthorized): the token or certificate is wrong or expired`);
  if (code === undefined) {
    const err = e as { code?: string; message?: string };
    return new InputError(`cannot reach the API server ${server}: ${err?.code ?? err?.message ?? String(e)}`);
  }
  return undefined;
}

/** Discovery of resource names (plurals) per apiVersion, asked once per group version. */
export function resourceNames(kc: KubeConfig): (apiVersion: string, kind: string) => Promise<{ name: string; namespaced: boolean } | undefined> {
  const cache = new Map<string, Promise<Map<string, { name: string; namespaced: boolean }>>>();
  return async (apiVersion, kind) => {
    let p = cache.get(apiVersion);
    if (!p) {
      p = (kubeRequest(kc, 'GET', groupPath(apiVersion)) as Promise<{ resources: { name: string; kind: string; namespaced: boolean }[] }>)
        .then((l) => new Map(l.resources.filter((r) => !r.name.includes('/')).map((r) => [r.kind, { name: r.name, namespaced: r.namespaced }])));
      cache.set(apiVersion, p);
    }
    return (await p).get(kind);
  };
}

/** The REST path of a kind's collection (in `namespace`, for namespaced kinds). */
export async function collectionPath(names: ReturnType<typeof resourceNames>, apiVersion: string, kind: string, namespace: string | undefined): Promise<string> {
  const r = await names(apiVersion, kind);
  if (!r) throw new InputError(`the API server does not serve ${kind} in ${apiVersion}`);
  return `${groupPath(apiVersion)}/${r.namespaced ? `namespaces/${namespace ?? 'default'}/` : ''}${r.name}`;
}

/** The REST path of one object. */
export async function objectPath(names: ReturnType<typeof resourceNames>, apiVersion: string, kind: string, namespace: string | undefined, name: string): Promise<string> {
  return `${await collectionPath(names, apiVersion, kind, namespace)}/${name}`;
}

export const groupPath = (apiVersion: string) => (apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`);

/** The kinds kgd reads that the API server serves, each at the newest version both know (fatal errors as InputError). */
export async function listedKinds(kc: KubeConfig, server: string): Promise<{ kind: string; name: string; group: string; apiVersion: string }[]> {
  const served = new Map<string, string[]>([['', ['v1']]]);
  try {
    const groups = (await kubeRequest(kc, 'GET', '/apis')) as { groups: { name: string; versions: { version: string }[] }[] };
    for (const g of groups.groups) served.set(g.name, g.versions.map((v) => v.version));
  } catch (e) {
    throw fatal(e, server) ?? new InputError(`API discovery failed on ${server}: ${(e as Error).message}`);
  }
  return knownKinds().filter((k) => !NOT_LISTED.has(k.name)).flatMap((k) => {
    const versions = served.get(k.group) ?? [];
    // The newest version both sides know.
    const version = [...k.versions].reverse().find((v) => versions.includes(v));
    return version ? [{ kind: k.kind, name: k.name, group: k.group, apiVersion: k.group ? `${k.group}/${version}` : version }] : [];
  });
}

/**
 * Reads every object kgd's rules look at from a live cluster: discovery first (absent CRDs are skipped,
 * not errors), then each kind listed in pages (`limit`/`continue`), kinds concurrently. A kind the
 * credentials may not list (403) is reported and the rest goes on. Secrets are never read.
 */
export async function loadCluster(o: ClusterOptions = {}): Promise<ClusterLoadResult> {
  const kc = loadConfig(o);
  const server = kc.getCurrentCluster()!.server;
  const source = `${kc.getCurrentContext()} (${server})`;
  const problems: InputProblem[] = [];
  const get = async <T>(path: string): Promise<T> => (await kubeRequest(kc, 'GET', path)) as T;
  const wanted = await listedKinds(kc, server);
  const pluralOf = resourceNames(kc);
  const lists = await Promise.all(wanted.map(async (k) => {
    const items: Record<string, unknown>[] = [];
    try {
      const r = await pluralOf(k.apiVersion, k.kind);
      if (!r) return [];
      const scopes = r.namespaced && o.namespaces?.length ? o.namespaces.map((ns) => `namespaces/${ns}/`) : [''];
      for (const scope of scopes) {
        let cont: string | undefined;
        do {
          const page = await get<{ items: Record<string, unknown>[]; metadata?: { continue?: string } }>(`${groupPath(k.apiVersion)}/${scope}${r.name}?limit=${PAGE}${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`);
          for (const it of page.items) items.push(it);
          cont = page.metadata?.continue || undefined;
        } while (cont);
      }
    } catch (e) {
      const f = fatal(e, server);
      if (f) throw f;
      const code = status(e);
      problems.push({ id: 'ClusterListFailed', data: { kind: `${k.kind} (${k.apiVersion})`, reason: code === 403 ? 'forbidden by RBAC (403); grant list on it, see deploy/clusterrole.yaml' : `HTTP ${code}: ${(e as Error).message}` } });
      return [];
    }
    o.onProgress?.(`${k.kind}: ${items.length}`);
    return items.map((it) => toResource(it, k.apiVersion, k.kind));
  }));
  problems.sort((a, b) => (a.data['kind'] ?? '').localeCompare(b.data['kind'] ?? ''));
  return { resources: lists.flat(), problems, source, kubeConfig: kc, namespaces: o.namespaces };
}

/** An object as the API server gives it (list items come without apiVersion and kind); managedFields are noise for kgd. */
export function toResource(item: Record<string, unknown>, apiVersion: string, kind: string): Resource {
  const { managedFields: _drop, ...metadata } = (item.metadata ?? {}) as Record<string, unknown>;
  const object = { ...item, apiVersion, kind, metadata };
  return {
    apiVersion,
    ...splitApiVersion(apiVersion),
    kind,
    name: String(metadata['name'] ?? ''),
    namespace: typeof metadata['namespace'] === 'string' ? metadata['namespace'] : undefined,
    object,
    origin: undefined,
    ...controllerOf(object),
    ...ignoreOf(object),
  };
}
