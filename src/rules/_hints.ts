import { displayName } from '../load/resource.js';
import type { Workload } from '../model/core.js';
import { formatLabels, type Labels } from '../model/label-selector.js';

/** Names workloads whose labels carry one of the selector's values: the pods the user probably meant. */
export function selectorHint(selector: Labels, candidates: readonly Workload[]): string {
  const values = new Set(Object.values(selector));
  const near = candidates
    .map((w) => ({ w, labels: Object.fromEntries(Object.entries(w.labels).filter(([, v]) => values.has(v))) }))
    .filter((x) => Object.keys(x.labels).length > 0)
    .sort((a, b) => displayName(a.w.res).localeCompare(displayName(b.w.res)));
  const first = near[0];
  return first ? ` (${displayName(first.w.res)} has ${formatLabels(first.labels)})` : '';
}

export function describeWorkloads(ws: readonly Workload[]): string {
  const names = [...new Set(ws.map((w) => displayName(w.res)))].sort();
  return names.length <= 3 ? names.join(', ') : `${names.slice(0, 3).join(', ')} and ${names.length - 3} more`;
}
