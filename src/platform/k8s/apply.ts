/**
 * What an object becomes when a controller applies its desired state over the live object the way
 * manifestival does (the Knative operator's apply: github.com/manifestival/manifestival internal/patch):
 * a three-way merge of the last-applied configuration (the `kubectl.kubernetes.io/last-applied-configuration`
 * annotation, if any), the desired object and the live one. Maps merge key by key; keys the live object has
 * and the desired one does not stay, unless the last-applied configuration had them; lists are replaced —
 * except lists with a strategic merge key on built-in types (a Service's `ports`, merged by `port`).
 */
export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';

type Json = unknown;
type JsonObject = Record<string, unknown>;

const isObject = (v: Json): v is JsonObject => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Strategic merge keys by dotted path (built-in kinds only; custom resources get JSON merge patches). */
export type MergeKeys = Readonly<Record<string, string>>;
export const SERVICE_MERGE_KEYS: MergeKeys = { 'spec.ports': 'port' };

function merge(original: Json, desired: Json, live: Json, path: string, keys: MergeKeys): Json {
  if (isObject(desired) && isObject(live)) {
    const out: JsonObject = { ...live };
    for (const [k, v] of Object.entries(desired)) out[k] = merge(isObject(original) ? original[k] : undefined, v, live[k], path ? `${path}.${k}` : k, keys);
    if (isObject(original)) for (const k of Object.keys(original)) if (!(k in desired)) delete out[k];
    return out;
  }
  const key = keys[path];
  if (key && Array.isArray(desired) && Array.isArray(live)) {
    const id = (x: Json) => (isObject(x) ? String(x[key]) : undefined);
    const wanted = new Map(desired.map((x) => [id(x), x]));
    const before = new Set(Array.isArray(original) ? original.map(id) : []);
    const out: Json[] = [];
    const seen = new Set<string | undefined>();
    for (const x of live) {
      const k = id(x);
      seen.add(k);
      if (wanted.has(k)) out.push(merge(Array.isArray(original) ? original.find((o) => id(o) === k) : undefined, wanted.get(k), x, path, {}));
      else if (!before.has(k)) out.push(x);
    }
    for (const x of desired) if (!seen.has(id(x))) out.push(x);
    return out;
  }
  return desired;
}

/**
 * The last-applied configuration the merge starts from: the annotation when the object has one; none for an
 * object read from an API server without it (created, or applied server-side: the keys it has and the desired
 * object lacks then stay); and for a manifest file without it (no `resourceVersion`), the file itself, as
 * `kubectl apply` would record it (the operator's desired state then replaces it).
 */
function lastApplied(live: JsonObject): Json {
  const meta = live['metadata'] as JsonObject | undefined;
  const raw = (meta?.['annotations'] as Record<string, unknown> | undefined)?.[LAST_APPLIED_ANNOTATION];
  if (typeof raw === 'string') {
    try {
      return JSON.parse(raw) as Json;
    } catch {
      return undefined;
    }
  }
  return meta?.['resourceVersion'] !== undefined ? undefined : live;
}

/** The live object after the desired one was applied over it (see the module comment and lastApplied). */
export function applyOver(live: JsonObject, desired: JsonObject, keys: MergeKeys = {}): JsonObject {
  return merge(lastApplied(live), desired, live, '', keys) as JsonObject;
}
