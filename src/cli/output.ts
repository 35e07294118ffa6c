import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { SuppressedDiagnostic } from '../engine/suppress.js';
import { formatJson } from '../report/json.js';
import { formatSarif } from '../report/sarif.js';
import { formatText } from '../report/text.js';
import { formatJunit } from '../report/junit.js';
import { UsageError } from './errors.js';
import type { Severity } from '../diagnostics/catalog.js';
import { SEVERITY_RANK } from '../diagnostics/diagnostic.js';

export type OutputFormat = 'text' | 'json' | 'sarif' | 'junit';

export function parseFormat(v: string): OutputFormat {
  if (v === 'text' || v === 'json' || v === 'sarif' || v === 'junit') return v;
  throw new UsageError(`unknown output format "${v}" (use text, json, sarif or junit)`);
}

export function parseFailOn(v: string): Severity | 'none' {
  if (v === 'error' || v === 'warning' || v === 'info' || v === 'none') return v;
  throw new UsageError(`unknown --fail-on "${v}" (use error, warning, info or none)`);
}

/** Colour only for a terminal, and never when NO_COLOR is set (https://no-color.org). */
export function useColor(stream: NodeJS.WriteStream): boolean {
  return Boolean(stream.isTTY) && !process.env['NO_COLOR'] && process.env['TERM'] !== 'dumb';
}

export function render(diags: readonly Diagnostic[], format: OutputFormat, meta: { files?: readonly string[]; resources?: number; color: boolean; suppressed?: readonly SuppressedDiagnostic[]; showSuppressed?: boolean; quietDropped?: { info: number; notRun: number }; rulesRun?: readonly string[]; failOn?: Severity | 'none' }): string {
  if (format === 'json') return formatJson(diags, meta);
  if (format === 'junit') return formatJunit(diags, meta.rulesRun ?? [], meta.failOn ?? 'error');
  if (format === 'sarif') return formatSarif(diags, meta.suppressed);
  return formatText(diags, { color: meta.color, suppressed: meta.suppressed, showSuppressed: meta.showSuppressed, quietDropped: meta.quietDropped });
}

/** Exit 1 when any finding is at or above the threshold. */
export function exitCodeFor(diags: readonly Diagnostic[], failOn: Severity | 'none'): 0 | 1 {
  if (failOn === 'none') return 0;
  return diags.some((d) => SEVERITY_RANK[d.severity] <= SEVERITY_RANK[failOn]) ? 1 : 0;
}
