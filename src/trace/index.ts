import type { Resource } from '../load/resource.js';
import { buildSnapshot } from '../snapshot/build.js';
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
export function traceAll(snapshot: Snapshot): TraceAllRow[] {
  const cfg = kserveIngressConfig(snapshot);
  const rows: TraceAllRow[] = [];
  const isvcs = [...snapshot.list('InferenceService')].sort((a, b) => `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`));
  for (const i of isvcs) {
    const path = `/v1/models/${i.name}:predict`;
    const internal = `http://${i.name}.${i.namespace}.svc.${snapshot.clusterDomain}${path}`;
    rows.push({ isvc: `${i.namespace}/${i.name}`, kind: 'internal', url: internal, result: simulate(snapshot, { url: internal, from: { namespace: i.namespace, labels: {}, sidecar: false } }, { locations: false }) });
    if (!i.clusterLocal && cfg.status === 'ok') {
      const external = `http://${kserveExternalHost(i, cfg)}${path}`;
      rows.push({ isvc: `${i.namespace}/${i.name}`, kind: 'external', url: external, result: simulate(snapshot, { url: external }, { locations: false }) });
    }
  }
  return rows;
}

export type { TraceRequest, TraceResult } from './types.js';
