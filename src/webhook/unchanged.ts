/**
 * Whether an update leaves everything kgd's rules read as it was: the rules read typed views of objects (snapshot
 * views), never the objects themselves — except the few the Knative operator may rewrite, whose objects are kept.
 * An update whose two views (and reading problems, ignore annotations and controller) are equal cannot change a
 * finding, so the webhook answers it without a check (labels, most annotations, status churn of unread fields,
 * kubectl's last-applied annotation).
 */
import type { InputProblem } from '../load/problem.js';
import type { Resource } from '../load/resource.js';
import { operatorMayRewrite } from '../platform/knative/operator.js';
import { readView } from '../snapshot/views.js';

/** Structural equality that skips the links back to the resource (`res`, `resource`). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return Number.isNaN(a) && Number.isNaN(b);
  if (Array.isArray(a) !== Array.isArray(b) || Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  if (a instanceof Map) {
    const m = b as Map<unknown, unknown>;
    return a.size === m.size && [...a].every(([k, v]) => m.has(k) && sameValue(v, m.get(k)));
  }
  if (a instanceof Set) {
    const s = b as Set<unknown>;
    return a.size === s.size && [...a].every((v) => s.has(v));
  }
  if (a instanceof RegExp) return String(a) === String(b);
  const ka = Object.keys(a).filter((k) => k !== 'res' && k !== 'resource');
  const kb = Object.keys(b).filter((k) => k !== 'res' && k !== 'resource');
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

export function sameForRules(a: Resource, b: Resource): boolean {
  if (operatorMayRewrite(a) || operatorMayRewrite(b)) return false;
  if (a.namespace !== b.namespace || a.controllerKind !== b.controllerKind || !sameValue(a.ignore, b.ignore)) return false;
  const pa: InputProblem[] = [];
  const pb: InputProblem[] = [];
  const va = readView(a, pa);
  const vb = readView(b, pb);
  return va !== undefined && vb !== undefined && sameValue(va, vb) && sameValue(pa, pb);
}
