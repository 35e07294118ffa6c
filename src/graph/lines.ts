/**
 * The words on each node and edge, shared by the layout (their size), the SVG, Mermaid and DOT renderers and the
 * page: severity is always written out beside its colour (✗ error, ⚠ warning, ℹ info), so colour is never the
 * only signal. Browser-safe: no Node imports.
 */
import type { Severity } from '../diagnostics/catalog.js';
import type { GraphEdge, GraphFinding, GraphNode } from './model.js';

export const CHAR_W = 7.2;
export const LINE_H = 16;
export const PAD = 8;

export const SEVERITY_MARK = { error: '✗', warning: '⚠', info: 'ℹ' } as const;

/** "✗ 2 errors (404) ⚠ 1 warning (not-ready)": each severity's count and the symptoms it causes; '' when none. */
export function findingsBadge(findings: readonly GraphFinding[], indices: readonly number[]): string {
  const count = { error: 0, warning: 0, info: 0 };
  const symptoms = { error: new Set<string>(), warning: new Set<string>(), info: new Set<string>() };
  for (const i of indices) {
    count[findings[i]!.severity]++;
    symptoms[findings[i]!.severity].add(findings[i]!.symptom);
  }
  return (['error', 'warning', 'info'] as const)
    .filter((s) => count[s] > 0)
    .map((s) => `${SEVERITY_MARK[s]} ${count[s]} ${s}${count[s] === 1 ? '' : 's'}${s === 'info' ? '' : ` (${[...symptoms[s]].sort().join(', ')})`}`)
    .join(' ');
}

export function nodeLines(n: GraphNode, findings: readonly GraphFinding[]): string[] {
  const lines = [n.title, n.name];
  if (n.role) lines.push(n.role);
  if (n.outcomes) lines.push(n.outcomes.join(' · '));
  if (n.missing) lines.push('(not in the input)');
  else if (n.derived) lines.push('(derived, not in the input)');
  if (n.failure) lines.push(`✗ trace fails: ${n.failure.split(':')[0]}`);
  const badge = findingsBadge(findings, n.findings);
  if (badge) lines.push(badge);
  return lines.filter((l) => l !== '');
}

export function edgeText(e: GraphEdge, findings: readonly GraphFinding[]): string {
  const badge = findingsBadge(findings, e.findings);
  return [e.failing ? `✗ ${e.label}` : e.label, badge].filter(Boolean).join(' ');
}

/** A node's accessible name: exactly its visible lines (WCAG 2.5.3, label in name). */
export function nodeName(n: GraphNode, findings: readonly GraphFinding[]): string {
  return nodeLines(n, findings).join(' ');
}

/** A node's accessible description: where a trace fails on it, then each finding's severity, code and message. */
export function nodeDescription(n: GraphNode, findings: readonly GraphFinding[]): string {
  const parts: string[] = [];
  if (n.failure) parts.push(`trace fails here: ${n.failure}`);
  for (const i of n.findings) parts.push(`${findings[i]!.severity} ${findings[i]!.code}: ${findings[i]!.message}`);
  return parts.join('. ');
}

/** The worst severity among `indices`, or undefined. */
export function worstSeverity(findings: readonly GraphFinding[], indices: readonly number[]): Severity | undefined {
  let worst: Severity | undefined;
  const rank = { error: 0, warning: 1, info: 2 } as const;
  for (const i of indices) {
    const s = findings[i]!.severity;
    if (worst === undefined || rank[s] < rank[worst]) worst = s;
  }
  return worst;
}
