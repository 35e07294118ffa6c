import { styleText } from 'node:util';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { SuppressedDiagnostic } from '../engine/suppress.js';

export interface TextOptions {
  /** Colour output (only on a TTY, and not when NO_COLOR is set). @default false */
  readonly color?: boolean;
  /** Print the fix under each finding. @default true */
  readonly showFix?: boolean;
  /** Findings a suppression left out: counted; listed with showSuppressed. */
  readonly suppressed?: readonly SuppressedDiagnostic[];
  readonly showSuppressed?: boolean;
  /** What -q left out: info findings, and how many of them say a check could not run. */
  readonly quietDropped?: { readonly info: number; readonly notRun: number };
}

const SYMPTOM_TEXT: Record<string, string> = {
  '404': '404', '503': '503', '504': '504/timeout', '403': '403', dns: 'DNS', 'not-ready': 'not Ready', input: 'input', degraded: 'partial check',
};

function where(d: Diagnostic): string {
  return d.location ? `${d.location.file}:${d.location.line}:${d.location.column}` : '(no file)';
}

/** Human-readable report, grouped by resource (input problems by file), in the diagnostics' order. */
export function formatText(diags: readonly Diagnostic[], options: TextOptions = {}): string {
  // The caller decided about colour (TTY, NO_COLOR); styleText must not second-guess it.
  const c = (style: Parameters<typeof styleText>[0], s: string) => (options.color ? styleText(style, s, { validateStream: false }) : s);
  const sev = (d: Diagnostic) => (d.severity === 'error' ? c('red', 'error') : d.severity === 'warning' ? c('yellow', 'warning') : c('blue', 'info'));
  const groups = new Map<string, Diagnostic[]>();
  for (const d of diags) {
    const key = d.resource ?? (d.location ? d.location.file : 'general');
    const list = groups.get(key) ?? [];
    list.push(d);
    groups.set(key, list);
  }
  const lines: string[] = [];
  for (const [key, list] of groups) {
    const derived = list[0]?.derivedFrom ? c('dim', ` (not in the input: ${list[0].derivedFrom})`) : '';
    lines.push(c('bold', key) + derived);
    for (const d of list) {
      lines.push(`  ${where(d)}  ${sev(d)}  ${c('dim', d.code)}  ${c('magenta', `[${SYMPTOM_TEXT[d.symptom] ?? d.symptom}]`)}  ${d.message}`);
      if (d.path) lines.push(c('dim', `      at ${d.path}`));
      if (options.showFix !== false) lines.push(`      ${c('green', 'fix:')} ${d.fix}`);
      for (const r of d.related) lines.push(c('dim', `      see ${r.resource}${r.location ? ` (${r.location.file}:${r.location.line})` : ''}`));
    }
    lines.push('');
  }
  const n = (s: string) => diags.filter((d) => d.severity === s).length;
  const [e, w, i] = [n('error'), n('warning'), n('info')];
  if (diags.length === 0) lines.push(c('green', 'No problems found.'));
  else lines.push(c(e > 0 ? 'red' : 'yellow', `${diags.length} finding${diags.length === 1 ? '' : 's'}: ${e} error${e === 1 ? '' : 's'}, ${w} warning${w === 1 ? '' : 's'}, ${i} info`));
  const q = options.quietDropped;
  if (q && q.info > 0) {
    lines.push(c('dim', `-q left out ${q.info} info finding${q.info === 1 ? '' : 's'}${q.notRun > 0 ? `, ${q.notRun} of them a check that could not run on this input` : ''} (run without -q to see them)`));
  }
  const sup = options.suppressed ?? [];
  if (sup.length > 0 && options.showSuppressed) {
    lines.push('', c('bold', `Suppressed (${sup.length}):`));
    for (const d of sup) lines.push(`  ${where(d)}  ${c('dim', d.code)}  ${d.resource ?? ''}  ${d.message}  ${c('dim', `(${d.suppressed.by}${d.suppressed.reason ? `: ${d.suppressed.reason}` : ''})`)}`);
  } else if (sup.length > 0) lines.push(c('dim', `${sup.length} suppressed (--show-suppressed lists them)`));
  return lines.join('\n') + '\n';
}
