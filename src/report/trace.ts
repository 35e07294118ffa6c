import { styleText } from 'node:util';
import type { TraceAllRow } from '../trace/index.js';
import type { TraceResult } from '../trace/types.js';

type Paint = (style: Parameters<typeof styleText>[0], s: string) => string;

function painter(color: boolean): Paint {
  return (style, s) => (color ? styleText(style, s, { validateStream: false }) : s);
}

const OK = new Set(['200', '301']);

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
  const good = OK.has(r.outcome);
  lines.push('');
  lines.push(`${c(good ? 'green' : 'red', `${good ? 'OK' : 'FAIL'} ${r.outcome}`)}: ${r.verdict}`);
  if (r.fix) lines.push(`${c('green', 'fix:')} ${r.fix}`);
  for (const st of r.stale) lines.push(c('yellow', `stale: ${st}`));
  if (r.derived.length) lines.push(c('dim', `derived (not in the input, made as the controllers would): ${r.derived.join(', ')}`));
  return lines.join('\n') + '\n';
}

export function formatTraceAllText(rows: readonly TraceAllRow[], options: { color?: boolean } = {}): string {
  const c = painter(options.color ?? false);
  if (rows.length === 0) return 'No InferenceService in the input.\n';
  const header = ['INFERENCESERVICE', 'PATH', 'OUTCOME', 'WHERE'];
  const body = rows.map((r) => {
    const failed = r.result.hops.find((h) => h.verdict === 'fail');
    return [r.isvc, r.kind, r.result.outcome, failed ? `${failed.step}: ${failed.summary}` : r.result.verdict];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const fmt = (cols: string[]) => cols.map((x, i) => (i === cols.length - 1 ? x : x.padEnd(widths[i]!))).join('  ');
  const out = [c('bold', fmt(header)), ...body.map((b) => (OK.has(b[2]!) ? fmt(b) : c('red', fmt(b))))];
  const bad = rows.filter((r) => !OK.has(r.result.outcome)).length;
  out.push('', `${rows.length} request${rows.length === 1 ? '' : 's'} traced, ${bad} failing`);
  return out.join('\n') + '\n';
}

export function formatTraceJson(value: TraceResult | readonly TraceAllRow[]): string {
  return JSON.stringify({ schemaVersion: 1, ...(Array.isArray(value) ? { traces: value } : { trace: value }) }, null, 2) + '\n';
}
