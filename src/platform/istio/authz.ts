import type { AuthorizationPolicy } from '../../model/istio.js';
import type { Workload } from '../../model/core.js';
import { matchesSelector } from '../../model/label-selector.js';

/** Istio's root namespace: policies there without a selector apply to the whole mesh. */
export const ISTIO_ROOT_NAMESPACE = 'istio-system';

/** Three-valued: does a rule match a plain in-cluster inference call (no JWT, POST to a model path)? */
export type Tri = 'yes' | 'no' | 'unknown';

const SAMPLE_PATH = '/v1/models/model:predict';
const SAMPLE_METHOD = 'POST';

function and(...xs: Tri[]): Tri {
  if (xs.includes('no')) return 'no';
  if (xs.includes('unknown')) return 'unknown';
  return 'yes';
}

function or(xs: Tri[]): Tri {
  if (xs.length === 0) return 'yes';
  if (xs.includes('yes')) return 'yes';
  if (xs.includes('unknown')) return 'unknown';
  return 'no';
}

/** Istio's string match for paths and methods: exact, `prefix*`, `*suffix`, or `*`. */
function globMatch(pattern: string, value: string): boolean {
  if (pattern === '*') return true;
  if (pattern.endsWith('*')) return value.startsWith(pattern.slice(0, -1));
  if (pattern.startsWith('*')) return value.endsWith(pattern.slice(1));
  return pattern === value;
}

function strings(v: unknown): string[] | undefined {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined;
}

function sourceMatches(source: Record<string, unknown>): Tri {
  const parts: Tri[] = [];
  for (const [k, v] of Object.entries(source)) {
    if (k === 'requestPrincipals') parts.push('no'); // a call without a token has no request principal
    else if (k === 'notRequestPrincipals') parts.push(strings(v)?.includes('*') ? 'yes' : 'unknown');
    else parts.push('unknown'); // principals, namespaces, ipBlocks: depend on the caller
  }
  return and(...parts);
}

function operationMatches(op: Record<string, unknown>): Tri {
  const parts: Tri[] = [];
  const paths = strings(op['paths']);
  const notPaths = strings(op['notPaths']);
  const methods = strings(op['methods']);
  const notMethods = strings(op['notMethods']);
  if (paths) parts.push(paths.some((p) => globMatch(p, SAMPLE_PATH)) ? 'yes' : 'no');
  if (notPaths) parts.push(notPaths.some((p) => globMatch(p, SAMPLE_PATH)) ? 'no' : 'yes');
  if (methods) parts.push(methods.some((m) => globMatch(m, SAMPLE_METHOD)) ? 'yes' : 'no');
  if (notMethods) parts.push(notMethods.some((m) => globMatch(m, SAMPLE_METHOD)) ? 'no' : 'yes');
  for (const k of Object.keys(op)) if (!['paths', 'notPaths', 'methods', 'notMethods'].includes(k)) parts.push('unknown');
  return and(...parts);
}

export function ruleMatchesPlainCall(raw: Readonly<Record<string, unknown>>): Tri {
  const from = Array.isArray(raw['from']) ? raw['from'] : undefined;
  const to = Array.isArray(raw['to']) ? raw['to'] : undefined;
  const when = Array.isArray(raw['when']) ? raw['when'] : undefined;
  const fromTri = from ? or(from.map((f) => sourceMatches(((f as Record<string, unknown>)?.['source'] ?? {}) as Record<string, unknown>))) : 'yes';
  const toTri = to ? or(to.map((t) => operationMatches(((t as Record<string, unknown>)?.['operation'] ?? {}) as Record<string, unknown>))) : 'yes';
  const whenTri = when
    ? and(...when.map((c) => (/^request\.auth\./.test(String((c as Record<string, unknown>)?.['key'] ?? '')) ? 'no' as Tri : 'unknown' as Tri)))
    : 'yes';
  return and(fromTri, toTri, whenTri);
}

export function policyApplies(p: AuthorizationPolicy, w: Workload): boolean {
  if (p.targetsRefs) return false; // bound to a Gateway API resource or Service: not evaluated here
  const inScope = p.namespace === w.namespace || p.namespace === ISTIO_ROOT_NAMESPACE;
  if (!inScope) return false;
  if (!p.selector) return p.namespace === w.namespace || p.namespace === ISTIO_ROOT_NAMESPACE;
  return matchesSelector(p.selector, w.labels);
}

export interface AuthzVerdict {
  readonly denied: boolean;
  readonly by: AuthorizationPolicy | undefined;
  readonly reason: string;
}

/** Whether Istio would refuse (403) a plain in-cluster call arriving at this workload. */
export function plainCallVerdict(policies: readonly AuthorizationPolicy[], w: Workload): AuthzVerdict {
  const applicable = policies.filter((p) => policyApplies(p, w));
  for (const p of applicable.filter((x) => x.action === 'DENY')) {
    if ((p.rules ?? []).some((r) => ruleMatchesPlainCall(r.raw) === 'yes')) {
      return { denied: true, by: p, reason: `DENY policy ${p.namespace}/${p.name} matches plain in-cluster calls (no JWT) to model paths` };
    }
  }
  const allows = applicable.filter((x) => x.action === 'ALLOW');
  if (allows.length === 0) return { denied: false, by: undefined, reason: '' };
  const any = or(allows.flatMap((p) => (p.rules ?? []).map((r) => ruleMatchesPlainCall(r.raw))).concat(allows.every((p) => (p.rules ?? []).length === 0) ? ['no'] : []));
  if (any === 'no') {
    const names = allows.map((p) => `${p.namespace}/${p.name}`).sort().join(', ');
    return { denied: true, by: allows[0], reason: `ALLOW policies ${names} apply to the gateway pods, and none of their rules admits a plain in-cluster call` };
  }
  return { denied: false, by: undefined, reason: '' };
}
