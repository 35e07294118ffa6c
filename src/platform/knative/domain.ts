import type { Snapshot } from '../../snapshot/snapshot.js';

/**
 * The domain Knative gives external routes (config-domain): the key with an empty value (no selector).
 * Without one, Knative ≥ 1.8 uses `svc.<cluster-domain>`, which makes every route cluster-local.
 */
export function knativeDomain(snapshot: Snapshot): string {
  const cm = snapshot.list('ConfigMap').find((c) => c.name === 'config-domain' && c.namespace === 'knative-serving') ?? snapshot.list('ConfigMap').find((c) => c.name === 'config-domain');
  const keys = Object.entries(cm?.data ?? {}).filter(([k, v]) => !k.startsWith('_') && v.trim() === '').map(([k]) => k).sort();
  return keys[0] ?? `svc.${snapshot.clusterDomain}`;
}
