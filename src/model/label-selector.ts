import type { FieldReader } from './reader.js';
import type { FieldPath } from '../shared/path.js';
import { isDns1123Subdomain } from '../shared/k8s-names.js';

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

const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** k8s.io/apimachinery validation.IsQualifiedName: `[prefix/]name`; a reason, or undefined when valid. */
export function qualifiedNameProblem(key: string): string | undefined {
  const parts = key.split('/');
  let name = key;
  if (parts.length === 2) {
    const [prefix, n] = parts as [string, string];
    if (prefix.length === 0) return `prefix part of "${key}" must be non-empty`;
    if (!isDns1123Subdomain(prefix)) return `prefix part of "${key}" must be a DNS-1123 subdomain`;
    name = n;
  } else if (parts.length > 2) {
    return `"${key}" must have at most one "/"`;
  }
  if (name.length === 0) return `name part of "${key}" must be non-empty`;
  if (name.length > 63) return `name part of "${key}" must be no more than 63 characters`;
  if (!LABEL_NAME.test(name)) return `name part of "${key}" must consist of alphanumeric characters, '-', '_' or '.', and start and end with an alphanumeric character`;
  return undefined;
}

/** validation.IsValidLabelValue. */
export function labelValueProblem(value: string): string | undefined {
  if (value.length > 63) return `label value "${value}" must be no more than 63 characters`;
  if (!LABEL_VALUE.test(value)) return `label value "${value}" must be empty or consist of alphanumeric characters, '-', '_' or '.', and start and end with an alphanumeric character`;
  return undefined;
}

/**
 * What metav1.LabelSelectorAsSelector refuses (labels.NewRequirement for each matchLabels pair and
 * expression): invalid keys or values, unknown operators, In/NotIn without values, Exists/DoesNotExist with.
 */
export function labelSelectorProblem(sel: { readonly matchLabels?: Readonly<Record<string, string>>; readonly matchExpressions?: readonly { readonly key?: string; readonly operator?: string; readonly values?: readonly string[] }[] }): string | undefined {
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) {
    const p = qualifiedNameProblem(k) ?? labelValueProblem(v);
    if (p) return p;
  }
  for (const e of sel.matchExpressions ?? []) {
    const op = e.operator ?? '';
    if (!OPERATORS.has(op)) return `"${op}" is not a valid label selector operator`;
    const p = qualifiedNameProblem(e.key ?? '');
    if (p) return p;
    const n = e.values?.length ?? 0;
    if ((op === 'In' || op === 'NotIn') && n === 0) return `for 'in', 'notin' operators, values set can't be empty`;
    if ((op === 'Exists' || op === 'DoesNotExist') && n > 0) return `values set must be empty for exists and does not exist`;
    for (const v of e.values ?? []) {
      const q = labelValueProblem(v);
      if (q) return q;
    }
  }
  return undefined;
}
