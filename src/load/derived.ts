import type { FieldPath } from '../shared/path.js';
import { splitApiVersion, type Resource } from './resource.js';

/**
 * A resource kgd made up because a controller would create it (the Knative operator, KServe, net-istio)
 * or because --assume-defaults asked for upstream defaults. `anchor` is the input field that caused it,
 * so reports about it still point at a file and line.
 */
export function makeDerived(object: Record<string, unknown>, why: string, anchor?: { resource: Resource; path: FieldPath }): Resource {
  const meta = object['metadata'] as { name: string; namespace?: string };
  const apiVersion = object['apiVersion'] as string;
  return {
    apiVersion,
    ...splitApiVersion(apiVersion),
    kind: object['kind'] as string,
    name: meta.name,
    namespace: meta.namespace,
    object,
    origin: undefined,
    derivedFrom: why,
    ...(anchor ? { anchor } : {}),
  };
}
