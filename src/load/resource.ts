import type { FieldPath } from '../shared/path.js';
import { intern } from '../shared/strings.js';
import type { SourceText } from './source-text.js';

/** Where a resource came from: enough to turn a field path back into file:line:col. */
export interface Origin {
  readonly file: string;
  /** Offsets of the document in the source (its units): it is read and parsed again, alone, when a finding needs a position. */
  readonly start: number;
  readonly end: number;
  /** 1-based line and column of `start`. */
  readonly line: number;
  readonly column: number;
  readonly source: SourceText;
  /** Path from the document root to this resource (non-empty for items of a `kind: List`). */
  readonly base: FieldPath;
}

/** A Kubernetes object as loaded, untyped. Typed views live in src/model. */
export interface Resource {
  readonly apiVersion: string;
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly name: string;
  /** undefined for cluster-scoped objects and for namespaced objects written without a namespace. */
  readonly namespace: string | undefined;
  readonly object: Readonly<Record<string, unknown>>;
  /** undefined for resources kgd derived itself (see `derivedFrom`). */
  readonly origin: Origin | undefined;
  /** Why kgd made this resource up, e.g. "installed by the Knative operator for KnativeServing knative-serving/knative-serving". */
  readonly derivedFrom?: string;
  /** For derived resources: the field of an input resource that caused kgd to derive it (used for locations). */
  readonly anchor?: { readonly resource: Resource; readonly path: FieldPath };
  /** The kind of the object's controller (its ownerReference with `controller: true`), e.g. `KnativeServing`. */
  readonly controllerKind?: string;
  /** What its annotations ask kgd to leave out (kept apart like controllerKind: objects are dropped after loading). */
  readonly ignore?: ResourceIgnore;
}

/**
 * `kgd.io/ignore: "KGD1111,KGD1404 # why"` (the reason after `#`, or in `kgd.io/ignore-reason`), and Istio's
 * `galley.istio.io/analyze-suppress: "IST0162,IST0145"` (or `*`), which kgd honours for the codes that mirror Istio's.
 */
export interface ResourceIgnore {
  readonly codes: readonly string[];
  readonly istio: readonly string[];
  readonly reason: string | undefined;
}

export const IGNORE_ANNOTATION = 'kgd.io/ignore';
export const IGNORE_REASON_ANNOTATION = 'kgd.io/ignore-reason';
export const ISTIO_SUPPRESS_ANNOTATION = 'galley.istio.io/analyze-suppress';

/** The `ignore` field of a loaded resource, from its annotations. Spread into the resource. */
export function ignoreOf(object: Readonly<Record<string, unknown>>): { ignore?: ResourceIgnore } {
  const a = (object['metadata'] as { annotations?: unknown } | undefined)?.annotations;
  if (!a || typeof a !== 'object') return {};
  const ann = a as Record<string, unknown>;
  const own = typeof ann[IGNORE_ANNOTATION] === 'string' ? (ann[IGNORE_ANNOTATION] as string) : undefined;
  const istio = typeof ann[ISTIO_SUPPRESS_ANNOTATION] === 'string' ? (ann[ISTIO_SUPPRESS_ANNOTATION] as string) : undefined;
  if (own === undefined && istio === undefined) return {};
  const [list = '', ...why] = (own ?? '').split('#');
  const split = (v: string) => v.split(/[\s,]+/).map((x) => x.trim().toUpperCase()).filter((x) => x !== '');
  const reason = why.join('#').trim() || (typeof ann[IGNORE_REASON_ANNOTATION] === 'string' ? (ann[IGNORE_REASON_ANNOTATION] as string) : undefined);
  return { ignore: { codes: split(list), istio: split(istio ?? ''), reason } };
}

/**
 * The `controllerKind` field of a loaded resource: the kind of its object's controller ownerReference, if it has
 * one (kept apart: objects are dropped after loading). Spread into the resource.
 */
export function controllerOf(object: Readonly<Record<string, unknown>>): { controllerKind?: string } {
  const refs = (object['metadata'] as { ownerReferences?: unknown } | undefined)?.ownerReferences;
  if (!Array.isArray(refs)) return {};
  const c = refs.find((o): o is { kind: string } => typeof o === 'object' && o !== null && (o as { controller?: unknown }).controller === true && typeof (o as { kind?: unknown }).kind === 'string');
  return c ? { controllerKind: intern(c.kind) } : {};
}

export interface Location {
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based. */
  readonly column: number;
}

export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.indexOf('/');
  return i < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

/** An object's identity in a cluster: API group, kind, namespace and name (the version is not part of it). */
export function resourceKey(r: Pick<Resource, 'group' | 'kind' | 'namespace' | 'name'>, namespace: string | undefined = r.namespace): string {
  return `${r.group}/${r.kind}/${namespace ?? ''}/${r.name}`;
}

/** `Kind ns/name`, or `Kind name` when cluster-scoped: the display form used in every report. */
export function displayName(r: Pick<Resource, 'kind' | 'namespace' | 'name'>): string {
  return r.namespace ? `${r.kind} ${r.namespace}/${r.name}` : `${r.kind} ${r.name}`;
}
