import type { Resource } from '../load/resource.js';
import { applyOperator } from '../platform/knative/operator.js';
import { knativeServingOf } from '../platform/knative/effective.js';
import { DEFAULT_GATEWAY_SELECTOR, shippedGateway, shippedLocalService } from '../platform/knative/shipped.js';
import { Snapshot, type SnapshotOptions } from './snapshot.js';

function derivedDefault(object: Record<string, unknown>): Resource {
  const meta = object['metadata'] as { name: string; namespace: string };
  const apiVersion = object['apiVersion'] as string;
  const slash = apiVersion.indexOf('/');
  return {
    apiVersion, group: slash < 0 ? '' : apiVersion.slice(0, slash), version: slash < 0 ? apiVersion : apiVersion.slice(slash + 1),
    kind: object['kind'] as string, name: meta.name, namespace: meta.namespace, object, origin: undefined,
    derivedFrom: 'upstream default assumed by --assume-defaults',
  };
}

/**
 * Builds the snapshot as the cluster would look once the controllers that own gateway resources have
 * acted: the Knative operator's installs and selector rewrites for a KnativeServing, and, with
 * `assumeDefaults`, net-istio's shipped local Gateway and Service where the input has neither.
 */
export function buildSnapshot(resources: readonly Resource[], options: SnapshotOptions = {}): Snapshot {
  const first = new Snapshot(resources, options);
  let effective: Resource[] | undefined;
  const ks = knativeServingOf(first);
  if (ks) effective = applyOperator(first.resources, ks);
  if (options.assumeDefaults && !ks) {
    const list = [...first.resources];
    const hasGw = first.get('Gateway', 'knative-serving', 'knative-local-gateway');
    const hasSvc = first.get('Service', 'istio-system', 'knative-local-gateway');
    if (!hasGw) list.push(derivedDefault(shippedGateway('local', 'knative-serving', DEFAULT_GATEWAY_SELECTOR)));
    if (!hasSvc) list.push(derivedDefault(shippedLocalService('istio-system', DEFAULT_GATEWAY_SELECTOR)));
    if (!hasGw || !hasSvc) effective = list;
  }
  if (!effective) return first;
  // Input problems were found on the first pass; keep them, since the second pass sees the same inputs.
  const second = new Snapshot(effective, options);
  return second.withProblems(first.problems);
}
