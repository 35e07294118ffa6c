import type { Resource } from '../load/resource.js';
import type { FieldPath } from '../shared/path.js';
import type { FieldReader } from './reader.js';
import { readTargetRefList, type PolicyTargetRef } from './istio.js';

/**
 * The fields of `networking.istio.io/v1alpha3` EnvoyFilter that Istio's CRD schema knows, per level
 * (istio/api networking/v1alpha3/envoy_filter.proto; the CRD is structural and does not preserve unknown
 * fields). A key outside these is refused by `kubectl apply` with strict field validation (the default from
 * Kubernetes 1.27) and otherwise dropped by the API server — so it limits nothing.
 */
export const ENVOY_FILTER_SCHEMA: Readonly<Record<string, readonly string[]>> = {
  spec: ['workloadSelector', 'targetRefs', 'configPatches', 'priority'],
  configPatch: ['applyTo', 'match', 'patch'],
  match: ['context', 'proxy', 'listener', 'routeConfiguration', 'cluster', 'waypoint'],
  listener: ['portNumber', 'portName', 'filterChain', 'listenerFilter', 'name'],
  filterChain: ['name', 'sni', 'transportProtocol', 'applicationProtocols', 'filter', 'destinationPort'],
  filter: ['name', 'subFilter'],
};

/** A key the schema does not know (see ENVOY_FILTER_SCHEMA), where it was written. */
export interface StrayKey {
  readonly path: FieldPath;
  readonly key: string;
  /** The level it was found at, and the level that does know it (e.g. `listener` beside `match`). */
  readonly level: string;
  readonly belongsIn: string | undefined;
}

export interface EnvoyFilterListenerMatch {
  readonly portNumber: number | undefined;
  readonly name: string | undefined;
  readonly filterChain: {
    readonly name: string | undefined;
    readonly sni: string | undefined;
    readonly transportProtocol: string | undefined;
    readonly applicationProtocols: string | undefined;
    readonly destinationPort: number | undefined;
    /** filter.name (a network filter) and filter.subFilter.name (an HTTP filter inside the HTTP connection manager). */
    readonly filter: string | undefined;
    readonly subFilter: string | undefined;
  } | undefined;
}

export type EnvoyFilterContext = 'ANY' | 'SIDECAR_INBOUND' | 'SIDECAR_OUTBOUND' | 'GATEWAY' | 'WAYPOINT';

export interface EnvoyFilterPatch {
  readonly index: number;
  readonly applyTo: string | undefined;
  readonly context: EnvoyFilterContext;
  readonly listener: EnvoyFilterListenerMatch | undefined;
  /** match.proxy: a proxyVersion regex and node metadata the proxy must carry. */
  readonly proxyVersion: string | undefined;
  readonly proxyMetadata: Readonly<Record<string, string>> | undefined;
  readonly operation: string | undefined;
  /** patch.value.name and its typed_config type URL (for an HTTP filter: which filter it is). */
  readonly valueName: string | undefined;
  readonly valueType: string | undefined;
}

export interface EnvoyFilter {
  readonly res: Resource;
  readonly namespace: string;
  readonly name: string;
  /** spec.workloadSelector.labels; undefined: every workload of the namespace (of the mesh, in the root namespace). */
  readonly selector: Readonly<Record<string, string>> | undefined;
  readonly targetRefs: readonly PolicyTargetRef[];
  readonly targetsRefs: boolean;
  readonly priority: number;
  readonly created: number | undefined;
  readonly patches: readonly EnvoyFilterPatch[];
  readonly strayKeys: readonly StrayKey[];
}

const CONTEXTS: readonly EnvoyFilterContext[] = ['ANY', 'SIDECAR_INBOUND', 'SIDECAR_OUTBOUND', 'GATEWAY', 'WAYPOINT'];

/** Where a stray key does belong, when it names another level of the schema (`listener` written beside `match`). */
function belongsIn(key: string): string | undefined {
  for (const [level, keys] of Object.entries(ENVOY_FILTER_SCHEMA)) if (keys.includes(key)) return level;
  if (key === 'workloadLabels') return 'spec.workloadSelector.labels';
  return undefined;
}

function stray(r: FieldReader, path: FieldPath, level: string, out: StrayKey[]): void {
  const o = r.obj(path);
  if (!o) return;
  for (const key of Object.keys(o)) {
    if (!ENVOY_FILTER_SCHEMA[level]!.includes(key)) out.push({ path: [...path, key], key, level, belongsIn: belongsIn(key) });
  }
}

export function readEnvoyFilter(r: FieldReader, namespace: string): EnvoyFilter {
  const strayKeys: StrayKey[] = [];
  stray(r, ['spec'], 'spec', strayKeys);
  const patches = r.mapList(['spec', 'configPatches'], (p, index): EnvoyFilterPatch => {
    stray(r, p, 'configPatch', strayKeys);
    const m = [...p, 'match'];
    stray(r, m, 'match', strayKeys);
    const l = [...m, 'listener'];
    stray(r, l, 'listener', strayKeys);
    stray(r, [...l, 'filterChain'], 'filterChain', strayKeys);
    stray(r, [...l, 'filterChain', 'filter'], 'filter', strayKeys);
    const context = (r.str([...m, 'context']) ?? 'ANY').toUpperCase();
    if (!(CONTEXTS as readonly string[]).includes(context)) r.bad([...m, 'context'], CONTEXTS.join(', '), context);
    const fc = [...l, 'filterChain'];
    return {
      index,
      applyTo: r.str([...p, 'applyTo'])?.toUpperCase(),
      context: ((CONTEXTS as readonly string[]).includes(context) ? context : 'ANY') as EnvoyFilterContext,
      listener: r.has(l)
        ? {
          portNumber: r.int([...l, 'portNumber']),
          name: r.str([...l, 'name']),
          filterChain: r.has(fc)
            ? {
              name: r.str([...fc, 'name']),
              sni: r.str([...fc, 'sni']),
              transportProtocol: r.str([...fc, 'transportProtocol']),
              applicationProtocols: r.str([...fc, 'applicationProtocols']),
              destinationPort: r.int([...fc, 'destinationPort']),
              filter: r.str([...fc, 'filter', 'name']),
              subFilter: r.str([...fc, 'filter', 'subFilter', 'name']),
            }
            : undefined,
        }
        : undefined,
      proxyVersion: r.str([...m, 'proxy', 'proxyVersion']),
      proxyMetadata: r.strMap([...m, 'proxy', 'metadata']),
      operation: r.str([...p, 'patch', 'operation'])?.toUpperCase(),
      valueName: r.str([...p, 'patch', 'value', 'name']),
      valueType: typeUrl(r, [...p, 'patch', 'value']),
    };
  }) ?? [];
  // EnvoyFilter never had the legacy singular targetRef (pilot/pkg/model/envoyfilter.go GetTargetRef).
  const refs = readTargetRefList(r);
  return {
    res: r.resource,
    namespace,
    name: r.resource.name,
    selector: r.has(['spec', 'workloadSelector']) ? { ...(r.strMap(['spec', 'workloadSelector', 'labels']) ?? {}) } : undefined,
    targetRefs: refs,
    targetsRefs: refs.length > 0 || r.has(['spec', 'targetRefs']),
    priority: r.int(['spec', 'priority']) ?? 0,
    created: r.timestamp(['metadata', 'creationTimestamp']),
    patches,
    strayKeys,
  };
}

/** `typed_config`/`typedConfig` `@type` (or a TypedStruct's `type_url`), without the type.googleapis.com/ prefix. */
function typeUrl(r: FieldReader, value: FieldPath): string | undefined {
  const o = r.obj(value);
  const tc = (o?.['typed_config'] ?? o?.['typedConfig']) as Record<string, unknown> | undefined;
  if (!tc || typeof tc !== 'object') return undefined;
  let t = typeof tc['@type'] === 'string' ? tc['@type'] : undefined;
  if (t && /udpa\.type\.v1\.TypedStruct|xds\.type\.v3\.TypedStruct/.test(t) && typeof tc['type_url'] === 'string') t = tc['type_url'];
  return t?.replace(/^type\.googleapis\.com\//, '');
}
