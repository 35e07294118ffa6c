import type { FieldReader } from './reader.js';
import type { FieldPath } from '../shared/path.js';

export interface LabelRequirement {
  readonly key: string;
  readonly operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  readonly values: readonly string[];
}

/** metav1.LabelSelector. An empty selector (no labels, no expressions) selects everything. */
export interface LabelSelector {
  readonly matchLabels: Readonly<Record<string, string>>;
  readonly matchExpressions: readonly LabelRequirement[];
}

export type Labels = Readonly<Record<string, string>>;

export function selectorFromMap(m: Labels): LabelSelector {
  return { matchLabels: m, matchExpressions: [] };
}

/** Matches labels against a selector, with Kubernetes' semantics for each operator. */
export function matchesSelector(sel: LabelSelector, labels: Labels): boolean {
  for (const [k, v] of Object.entries(sel.matchLabels)) if (labels[k] !== v) return false;
  for (const req of sel.matchExpressions) {
    const has = Object.prototype.hasOwnProperty.call(labels, req.key);
    const val = labels[req.key];
    switch (req.operator) {
      case 'In':
        if (!has || !req.values.includes(val!)) return false;
        break;
      case 'NotIn':
        if (has && req.values.includes(val!)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
    }
  }
  return true;
}

/** A plain map selector (Service.spec.selector, Istio Gateway.spec.selector): every pair must match. */
export function matchesMap(sel: Labels, labels: Labels): boolean {
  for (const [k, v] of Object.entries(sel)) if (labels[k] !== v) return false;
  return true;
}

export function formatLabels(m: Labels): string {
  const e = Object.entries(m).sort(([a], [b]) => a.localeCompare(b));
  return e.length === 0 ? '{}' : e.map(([k, v]) => `${k}=${v}`).join(',');
}

const OPERATORS = new Set(['In', 'NotIn', 'Exists', 'DoesNotExist']);

/**
 * Reads a metav1.LabelSelector. Invalid operators or values are reported and make the selector
 * undefined, as the API server would refuse it.
 */
export function readLabelSelector(r: FieldReader, path: FieldPath): LabelSelector | undefined {
  if (r.obj(path) === undefined) return undefined;
  const matchLabels = r.strMap([...path, 'matchLabels']) ?? {};
  let ok = true;
  const matchExpressions =
    r.mapList([...path, 'matchExpressions'], (p) => {
      const key = r.str([...p, 'key']);
      const operator = r.str([...p, 'operator']);
      const values = r.strList([...p, 'values']) ?? [];
      if (operator !== undefined && !OPERATORS.has(operator)) r.bad([...p, 'operator'], 'one of In, NotIn, Exists, DoesNotExist', operator);
      if (key === undefined || operator === undefined || !OPERATORS.has(operator)) {
        ok = false;
        return undefined;
      }
      return { key, operator: operator as LabelRequirement['operator'], values };
    }) ?? [];
  return ok ? { matchLabels, matchExpressions } : undefined;
}
