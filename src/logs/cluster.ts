/**
 * `kgd logs --cluster`: the logs of the pods on the path, read through the API server (`pods/log`, a
 * subresource a separate, opt-in ClusterRole grants: deploy/clusterrole-logs.yaml), in parallel. A pod whose
 * logs cannot be read is reported and the rest goes on.
 */
import { Readable } from 'node:stream';
import type { KubeConfig } from '@kubernetes/client-node';
import { KubeHttpError, kubeGetText, kubeRequest } from '../load/kube-http.js';
import { formatLabels } from '../model/label-selector.js';
import type { LogSource } from './analyze.js';

export interface LogTarget {
  readonly component: string;
  readonly namespace: string;
  readonly selector: Readonly<Record<string, string>>;
  /** The container whose log to read; absent: the pod's first container. */
  readonly container?: string;
}

export interface FetchedLog {
  readonly pod: string;
  readonly container: string;
  readonly component: string;
  readonly path: string;
  readonly text?: string;
  readonly error?: string;
}

export interface FetchOptions {
  readonly sinceSeconds?: number;
  readonly tailLines?: number;
  readonly onProgress?: (done: number, total: number) => void;
}

interface PodList { items: { metadata: { name: string; namespace: string }; spec: { containers: { name: string }[]; nodeName?: string } }[] }

/** The path of one pods/log read, with the limits as query parameters (container by name). */
export function podLogPath(namespace: string, pod: string, container: string, o: FetchOptions): string {
  const q = new URLSearchParams({ container });
  if (o.sinceSeconds !== undefined) q.set('sinceSeconds', String(o.sinceSeconds));
  if (o.tailLines !== undefined) q.set('tailLines', String(o.tailLines));
  return `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}/log?${q.toString()}`;
}

export async function fetchLogs(kc: KubeConfig, targets: readonly LogTarget[], o: FetchOptions): Promise<{ logs: FetchedLog[]; notes: string[] }> {
  const notes: string[] = [];
  const jobs: { pod: string; namespace: string; container: string; component: string; scheduled: boolean }[] = [];
  await Promise.all(targets.map(async (t) => {
    try {
      const list = (await kubeRequest(kc, 'GET', `/api/v1/namespaces/${encodeURIComponent(t.namespace)}/pods?labelSelector=${encodeURIComponent(formatLabels(t.selector))}`)) as PodList;
      if (list.items.length === 0) notes.push(`${t.component}: no pod in ${t.namespace} matches ${formatLabels(t.selector)}`);
      for (const p of list.items) {
        const names = p.spec.containers.map((c) => c.name);
        const container = t.container && names.includes(t.container) ? t.container : names[0] ?? '';
        jobs.push({ pod: p.metadata.name, namespace: p.metadata.namespace, container, component: t.component, scheduled: !!p.spec.nodeName });
      }
    } catch (e) {
      notes.push(`${t.component}: cannot list pods in ${t.namespace} (${formatLabels(t.selector)}): ${(e as Error).message}`);
    }
  }));
  let done = 0;
  const logs = await Promise.all(jobs.map(async (j): Promise<FetchedLog> => {
    const path = podLogPath(j.namespace, j.pod, j.container, o);
    const base = { pod: `${j.namespace}/${j.pod}`, container: j.container, component: j.component, path };
    try {
      const text = await kubeGetText(kc, path);
      // The API server answers an empty log for a pod no node runs: say so rather than report "no failing line".
      if (text === '' && !j.scheduled) return { ...base, error: 'the pod is not scheduled on a node (Pending): there is no log' };
      return { ...base, text };
    } catch (e) {
      const why = e instanceof KubeHttpError ? `${e.status}: ${e.message}` : (e as Error).message;
      return { ...base, error: why };
    } finally {
      o.onProgress?.(++done, jobs.length);
    }
  }));
  return { logs, notes };
}

export function fetchedSources(logs: readonly FetchedLog[]): LogSource[] {
  return logs.filter((l) => l.text !== undefined).map((l) => ({ name: `${l.pod}/${l.container}`, component: l.component, stream: () => Readable.from([l.text!]) }));
}
