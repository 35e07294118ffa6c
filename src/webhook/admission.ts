/**
 * The decision of `kgd webhook` (issue #16) for one AdmissionReview: the cluster as it would be after the change is
 * checked beside the cluster as it is, and only the findings the change introduces count. This module is the decision
 * alone (no server, no cache): the caller gives the cluster's resources as the webhook's cache holds them.
 *
 * AdmissionReview fields: admission.k8s.io/v1 (k8s.io/api/admission/v1 types.go): request.uid, kind, operation,
 * namespace, name, object, oldObject, dryRun; response.uid, allowed, status, warnings.
 */
import { checkResources, type CheckOptions } from '../check.js';
import { toResource } from '../load/cluster.js';
import { resourceKey, type Resource } from '../load/resource.js';
import { classify } from '../model/kinds.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { Severity } from '../diagnostics/catalog.js';
import { SEVERITY_RANK } from '../diagnostics/diagnostic.js';

export interface AdmissionRequest {
  readonly uid: string;
  readonly kind: { readonly group: string; readonly version: string; readonly kind: string };
  readonly operation: 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';
  readonly namespace?: string;
  readonly name?: string;
  readonly object?: Record<string, unknown> | null;
  readonly oldObject?: Record<string, unknown> | null;
  readonly dryRun?: boolean;
}

export interface AdmissionResponse {
  readonly uid: string;
  readonly allowed: boolean;
  readonly warnings?: string[];
  readonly status?: { readonly code: number; readonly message: string };
}

export interface AdmissionReview {
  readonly apiVersion: string;
  readonly kind: 'AdmissionReview';
  readonly request?: AdmissionRequest;
  readonly response?: AdmissionResponse;
}

export interface AdmissionOptions {
  /** Deny (instead of allow with warnings) when an introduced finding is at or above this severity. */
  readonly denyOn?: 'error' | 'warning';
  /** Options of the two checks (the webhook sees the whole cluster: `complete` defaults to true). */
  readonly check?: CheckOptions;
}

/** The request's object as a resource (its namespace from the request when the object leaves it out, as on create). */
function requestResource(req: AdmissionRequest, object: Record<string, unknown>): Resource {
  const apiVersion = req.kind.group ? `${req.kind.group}/${req.kind.version}` : req.kind.version;
  const metadata = { ...((object['metadata'] ?? {}) as Record<string, unknown>) };
  if (metadata['namespace'] === undefined && req.namespace) metadata['namespace'] = req.namespace;
  if (metadata['name'] === undefined && req.name) metadata['name'] = req.name;
  return toResource({ ...object, metadata }, apiVersion, req.kind.kind);
}

/** Whether kgd's rules read this kind at all (other kinds are admitted without a check). */
export function readsKind(kind: AdmissionRequest['kind']): boolean {
  return classify({ group: kind.group, version: kind.version, kind: kind.kind }) !== undefined;
}

/** The changed object before (as the cache has it) and after the request (absent when deleted or unknown). */
export function requestStates(req: AdmissionRequest, existing: (key: string) => Resource | undefined): { key: string; before?: Resource; after?: Resource } {
  const object = req.operation === 'DELETE' ? req.oldObject : req.object;
  const changed = object
    ? requestResource(req, object)
    : { group: req.kind.group, kind: req.kind.kind, namespace: req.namespace || undefined, name: req.name ?? '' };
  const key = resourceKey(changed);
  const before = existing(key) ?? (req.operation !== 'CREATE' && req.oldObject ? requestResource(req, req.oldObject) : undefined);
  const after = req.operation === 'DELETE' || !object ? undefined : (changed as Resource);
  return { key, ...(before ? { before } : {}), ...(after ? { after } : {}) };
}

/** The cluster after the request: the object added or replaced (create, update) or gone (delete). */
export function applyRequest(current: readonly Resource[], req: AdmissionRequest): Resource[] {
  const { key, after } = requestStates(req, () => undefined);
  return replaced(current, key, after);
}

/** `current` with the object of `key` replaced in place (its order kept), added at the end, or removed. */
export function replaced(current: readonly Resource[], key: string, after: Resource | undefined): Resource[] {
  const out: Resource[] = [];
  let done = false;
  for (const r of current) {
    if (resourceKey(r) !== key) out.push(r);
    else if (after && !done) { out.push(after); done = true; }
  }
  if (after && !done) out.push(after);
  return out;
}

/**
 * What makes a finding the same before and after: code, resource and field. Not the message: findings that sum up
 * many objects ("every KIngress on Gateway … (24: …)") reword themselves when an unrelated object comes or goes.
 */
const findingKey = (d: Diagnostic) => `${d.code}\u0000${d.resource ?? ''}\u0000${d.path ?? ''}`;

/** How many times each finding occurs (the "before" side of a comparison, cacheable per cluster state). */
export function findingCounts(resources: readonly Resource[], options: CheckOptions = {}): Map<string, number> {
  const counts = new Map<string, number>();
  for (const d of checkResources(resources, { complete: true, ...options }).diagnostics) counts.set(findingKey(d), (counts.get(findingKey(d)) ?? 0) + 1);
  return counts;
}

/** Findings of `after` that `before` (its finding counts) does not have, as many times as they are new. */
export function introducedBetween(before: ReadonlyMap<string, number>, after: readonly Resource[], options: CheckOptions = {}): Diagnostic[] {
  const left = new Map(before);
  const out: Diagnostic[] = [];
  for (const d of checkResources(after, { complete: true, ...options }).diagnostics) {
    const n = left.get(findingKey(d)) ?? 0;
    if (n > 0) left.set(findingKey(d), n - 1);
    else out.push(d);
  }
  return out;
}

/** Findings of the cluster after the request that the cluster before it does not have (as many times as they are new). */
export function introducedFindings(current: readonly Resource[], req: AdmissionRequest, options: CheckOptions = {}): Diagnostic[] {
  return introducedBetween(findingCounts(current, options), applyRequest(current, req), options);
}

/** One line for kubectl: code, resource, symptom, what is wrong and the fix. */
export function warningLine(d: Diagnostic): string {
  const oneLine = (s: string) => s.replace(/\s*\n\s*/g, ' ').trim();
  return oneLine(`kgd ${d.code} ${d.resource ?? '(cluster)'} (${d.symptom}): ${d.message} Fix: ${d.fix}`);
}

/**
 * The API server keeps warnings whole while they total at most 4,096 characters; past that it cuts every one to 256
 * and drops the rest (k8s.io/apiserver pkg/endpoints/filters/warning.go: truncateAtTotalRunes, truncateItemRunes).
 * kgd shortens them itself, so that what is cut is the end of a message and the last line says how many were left out.
 */
export function fitWarnings(lines: readonly string[]): string[] {
  const runes = (s: string) => [...s].length;
  if (lines.reduce((n, l) => n + runes(l), 0) <= 4096) return [...lines];
  const cut = (l: string) => (runes(l) <= 256 ? l : `${[...l].slice(0, 255).join('')}…`);
  const max = 16;
  if (lines.length <= max) return lines.map(cut);
  return [...lines.slice(0, max - 1).map(cut), `kgd: ${lines.length - (max - 1)} more findings (kgd check --cluster lists them all)`];
}

const atLeast = (d: Diagnostic, s: Severity) => SEVERITY_RANK[d.severity] <= SEVERITY_RANK[s];

/** Whether a request is checked at all: CONNECT and kinds the rules do not read are admitted without a check. */
export function checked(req: AdmissionRequest): boolean {
  return req.operation !== 'CONNECT' && readsKind(req.kind);
}

/**
 * The AdmissionReview answer for a request from the findings it introduces. Errors and warnings become admission
 * warnings; with `denyOn`, those at or above it deny the request (status 403 listing them). `notes` are extra
 * warnings (that kgd could not decide, and why).
 */
export function respond(review: AdmissionReview, found: readonly Diagnostic[], denyOn?: 'error' | 'warning', notes: readonly string[] = []): AdmissionReview {
  const req = review.request!;
  const answer = (response: AdmissionResponse): AdmissionReview => ({ apiVersion: review.apiVersion || 'admission.k8s.io/v1', kind: 'AdmissionReview', response });
  // Errors first: when the API server's limit cuts, the worst survive.
  const counted = found.filter((d) => atLeast(d, 'warning')).sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity]);
  const lines = fitWarnings([...counted.map(warningLine), ...notes]);
  const denying = denyOn ? counted.filter((d) => atLeast(d, denyOn)) : [];
  if (denying.length > 0) {
    return answer({
      uid: req.uid, allowed: false, warnings: lines,
      status: { code: 403, message: `kgd: this change introduces ${denying.length} finding${denying.length === 1 ? '' : 's'} at or above ${denyOn}: ${denying.map(warningLine).join('; ')}` },
    });
  }
  return answer(lines.length > 0 ? { uid: req.uid, allowed: true, warnings: lines } : { uid: req.uid, allowed: true });
}

/**
 * The answer for a request checked against the whole of `current` (no cache, no scope: the reference the webhook's
 * scoped evaluation is tested against). A dry run is answered the same way.
 */
export function admit(review: AdmissionReview, current: readonly Resource[], options: AdmissionOptions = {}): AdmissionReview {
  const req = review.request;
  if (!req) throw new Error('an AdmissionReview without a request');
  if (!checked(req)) return respond(review, []);
  return respond(review, introducedFindings(current, req, options.check), options.denyOn);
}
