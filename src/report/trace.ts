import { styleText } from 'node:util';
import type { TraceAllRow } from '../trace/index.js';
import { succeeded, type TraceResult } from '../trace/types.js';

type Paint = (style: Parameters<typeof styleText>[0], s: string) => string;

function painter(color: boolean): Paint {
  return (style, s) => (color ? styleText(style, s, { validateStream: false }) : s);
}

/** The hop list of one trace, then a one-line verdict (and the fix when it fails). */
export function formatTraceText(r: TraceResult, options: { color?: boolean } = {}): string {
  const c = painter(options.color ?? false);
  const lines = [c('bold', `${r.request.url}`) + c('dim', `  (Host ${r.request.authority}, from ${r.request.from})`)];
  r.hops.forEach((h, i) => {
    const mark = h.verdict === 'ok' ? c('green', '✓') : h.verdict === 'fail' ? c('red', '✗') : c('blue', '·');
    lines.push(`${String(i + 1).padStart(3)}. ${mark} ${h.step.padEnd(14)} ${h.summary}`);
    const where = [h.resource, h.path, h.location ? `${h.location.file}:${h.location.line}` : undefined].filter(Boolean).join('  ');
    if (where) lines.push(c('dim', `        ${where}${h.derivedFrom ? `  (${h.derivedFrom})` : ''}`));
  });
  const good = succeeded(r.outcome);
  lines.push('');
  lines.push(`${c(good ? 'green' : 'red', `${good ? 'OK' : 'FAIL'} ${r.outcome}`)}: ${r.verdict}`);
  if (r.fix) lines.push(`${c('green', 'fix:')} ${r.fix}`);
  for (const st of r.stale) lines.push(c('yellow', `stale: ${st}`));
  if (r.derived.length) lines.push(c('dim', `derived (not in the input, made as the controllers would): ${r.derived.join(', ')}`));
  return lines.join('\n') + '\n';
}

/** Widest value of the PATH and OUTCOME columns ('internal'/'external', 'unresolvable'). */
const KIND_WIDTH = 8;
const OUTCOME_WIDTH = 12;

/**
 * The `--all` table, written as rows arrive: a cluster's worth of traces never lives in memory at once.
 * Column widths are fixed up front (the INFERENCESERVICE column from `isvcWidth`, the widest name the
 * caller will trace), so no row has to wait for the last. `onRow` sees each full row (exit status).
 */
export function writeTraceAllText(
  rows: Iterable<TraceAllRow>,
  write: (s: string) => void,
  options: { color?: boolean; isvcWidth: number; onRow?: (r: TraceAllRow) => void },
): void {
  const c = painter(options.color ?? false);
  const widths = [Math.max('INFERENCESERVICE'.length, options.isvcWidth), KIND_WIDTH, OUTCOME_WIDTH];
  const fmt = (cols: string[]) => cols.map((x, i) => (i === cols.length - 1 ? x : x.padEnd(widths[i]!))).join('  ');
  let buffer = '';
  const emit = (line: string) => {
    buffer += line + '\n';
    if (buffer.length > 64 * 1024) {
      write(buffer);
      buffer = '';
    }
  };
  let total = 0;
  let bad = 0;
  for (const r of rows) {
    options.onRow?.(r);
    if (total++ === 0) emit(c('bold', fmt(['INFERENCESERVICE', 'PATH', 'OUTCOME', 'WHERE'])));
    const failed = r.result.hops.find((h) => h.verdict === 'fail');
    const line = fmt([r.isvc, r.kind, r.result.outcome, failed ? `${failed.step}: ${failed.summary}` : r.result.verdict]);
    const ok = succeeded(r.result.outcome);
    if (!ok) bad++;
    emit(ok ? line : c('red', line));
  }
  if (total === 0) emit('No InferenceService in the input.');
  else emit(`\n${total} request${total === 1 ? '' : 's'} traced, ${bad} failing`);
  write(buffer);
}

/**
 * The `--all` JSON document, written row by row; byte for byte what formatTraceJson gives for the same rows.
 */
export function writeTraceAllJson(rows: Iterable<TraceAllRow>, write: (s: string) => void, onRow?: (r: TraceAllRow) => void): void {
  let n = 0;
  for (const r of rows) {
    onRow?.(r);
    write((n++ === 0 ? '{\n  "schemaVersion": 1,\n  "traces": [\n' : ',\n') + '    ' + JSON.stringify(r, null, 2).replace(/\n/g, '\n    '));
  }
  write(n === 0 ? '{\n  "schemaVersion": 1,\n  "traces": []\n}\n' : '\n  ]\n}\n');
}

export function formatTraceJson(value: TraceResult | readonly TraceAllRow[]): string {
  return JSON.stringify({ schemaVersion: 1, ...(Array.isArray(value) ? { traces: value } : { trace: value }) }, null, 2) + '\n';
}
