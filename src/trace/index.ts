import type { Resource } from '../load/resource.js';
import { buildSnapshot } from '../platform/build.js';
import type { Snapshot, SnapshotOptions } from '../snapshot/snapshot.js';
import { kserveIngressConfig } from '../platform/kserve/ingress-config.js';
import { kserveExternalHost } from '../platform/kserve/derive.js';
import { simulate } from './simulate.js';
import type { TraceRequest, TraceResult } from './types.js';

/** The snapshot trace works on: the input plus what the controllers would create for it. */
export function traceSnapshot(resources: readonly Resource[], options: SnapshotOptions = {}): Snapshot {
  return buildSnapshot(resources, { ...options, deriveControllers: true });
}

export function trace(snapshot: Snapshot, request: TraceRequest): TraceResult {
  return simulate(snapshot, request);
}

export interface TraceAllRow {
  readonly isvc: string;
  readonly kind: 'internal' | 'external';
  readonly url: string;
  readonly result: TraceResult;
}

/**
 * Hops carry no file:line here (finding them means re-parsing documents; trace one URL for that).
 * Every InferenceService's internal URL (from a pod without sidecar in its namespace) and, unless it is
 * cluster-local, its external URL (entering through the external gateway).
 */
/** Width of the widest `namespace/name` traceAllRows will give (for tables written as rows arrive). */
export function traceAllIsvcWidth(snapshot: Snapshot): number {
  let w = 0;
  for (const i of snapshot.list('InferenceService')) w = Math.max(w, i.namespace.length + 1 + i.name.length);
  return w;
}

export function* traceAllRows(snapshot: Snapshot): Generator<TraceAllRow> {
  const cfg = kserveIngressConfig(snapshot);
  const isvcs = [...snapshot.list('InferenceService')].sort((a, b) => `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`));
  for (const i of isvcs) {
    const path = `/v1/models/${i.name}:predict`;
    const internal = `http://${i.name}.${i.namespace}.svc.${snapshot.clusterDomain}${path}`;
    yield ({ isvc: `${i.namespace}/${i.name}`, kind: 'internal', url: internal, result: simulate(snapshot, { url: internal, from: { namespace: i.namespace, labels: {}, sidecar: false } }, { locations: false }) });
    const host = cfg.status === 'ok' ? kserveExternalHost(i, snapshot) : undefined;
    if (!i.clusterLocal && host !== undefined && host !== `${i.name}.${i.namespace}.svc.${snapshot.clusterDomain}`) {
      const external = `http://${host}${path}`;
      yield ({ isvc: `${i.namespace}/${i.name}`, kind: 'external', url: external, result: simulate(snapshot, { url: external }, { locations: false }) });
    }
  }
}

/** All of traceAllRows at once (tests, library callers; the CLI streams). */
export function traceAll(snapshot: Snapshot): TraceAllRow[] {
  return [...traceAllRows(snapshot)];
}

export type { TraceRequest, TraceResult } from './types.js';
