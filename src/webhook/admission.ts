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
import type { Resource } from '../load/resource.js';
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

const identity = (r: Pick<Resource, 'group' | 'kind' | 'namespace' | 'name'>) => `${r.group}/${r.kind}/${r.namespace ?? ''}/${r.name}`;

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

/** The cluster after the request: the object added or replaced (create, update) or gone (delete). */
export function applyRequest(current: readonly Resource[], req: AdmissionRequest): Resource[] {
  const object = req.operation === 'DELETE' ? req.oldObject : req.object;
  const changed = object
    ? requestResource(req, object)
    : { group: req.kind.group, kind: req.kind.kind, namespace: req.namespace || undefined, name: req.name ?? '' };
  const id = identity(changed);
  const rest = current.filter((r) => identity(r) !== id);
  return req.operation === 'DELETE' || !object ? rest : [...rest, changed as Resource];
}

const findingKey = (d: Diagnostic) => `${d.code}\u0000${d.resource ?? ''}\u0000${d.path ?? ''}\u0000${d.message}`;

/** Findings of the cluster after the request that the cluster before it does not have (as many times as they are new). */
export function introducedFindings(current: readonly Resource[], req: AdmissionRequest, options: CheckOptions = {}): Diagnostic[] {
  const check = (rs: readonly Resource[]) => checkResources(rs, { complete: true, ...options }).diagnostics;
  const before = new Map<string, number>();
  for (const d of check(current)) before.set(findingKey(d), (before.get(findingKey(d)) ?? 0) + 1);
  const out: Diagnostic[] = [];
  for (const d of check(applyRequest(current, req))) {
    const n = before.get(findingKey(d)) ?? 0;
    if (n > 0) before.set(findingKey(d), n - 1);
    else out.push(d);
  }
  return out;
}

/** One line for kubectl: code, resource, symptom, what is wrong and the fix. */
export function warningLine(d: Diagnostic): string {
  const oneLine = (s: string) => s.replace(/\s*\n\s*/g, ' ').trim();
  return oneLine(`kgd ${d.code} ${d.resource ?? '(cluster)'} (${d.symptom}): ${d.message} Fix: ${d.fix}`);
}

const atLeast = (d: Diagnostic, s: Severity) => SEVERITY_RANK[d.severity] <= SEVERITY_RANK[s];

/**
 * The AdmissionReview answer for a request, given the cluster as it is. Introduced errors and warnings become
 * admission warnings; with `denyOn`, those at or above it deny the request (status 403 listing them). A kind the
 * rules do not read, and CONNECT, are admitted without a check. A dry run is answered the same way.
 */
export function admit(review: AdmissionReview, current: readonly Resource[], options: AdmissionOptions = {}): AdmissionReview {
  const req = review.request;
  if (!req) throw new Error('an AdmissionReview without a request');
  const answer = (response: AdmissionResponse): AdmissionReview => ({ apiVersion: review.apiVersion || 'admission.k8s.io/v1', kind: 'AdmissionReview', response });
  if (req.operation === 'CONNECT' || !readsKind(req.kind)) return answer({ uid: req.uid, allowed: true });
  const found = introducedFindings(current, req, options.check).filter((d) => atLeast(d, 'warning'));
  const lines = found.map(warningLine);
  const denying = options.denyOn ? found.filter((d) => atLeast(d, options.denyOn!)) : [];
  if (denying.length > 0) {
    return answer({
      uid: req.uid, allowed: false, warnings: lines,
      status: { code: 403, message: `kgd: this change introduces ${denying.length} finding${denying.length === 1 ? '' : 's'} at or above ${options.denyOn}: ${denying.map(warningLine).join('; ')}` },
    });
  }
  return answer(lines.length > 0 ? { uid: req.uid, allowed: true, warnings: lines } : { uid: req.uid, allowed: true });
}
