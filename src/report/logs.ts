/** `kgd logs` output: failing groups, most frequent first, each with its hop, meaning and what kgd ties it to. */
import type { LogGroup, LogReport } from '../logs/analyze.js';
import type { FetchedLog } from '../logs/cluster.js';
import type { Joined } from '../logs/join.js';

const when = (g: LogGroup) => (g.first.time && g.last.time && g.first.time !== g.last.time ? `${g.first.time} … ${g.last.time}` : g.first.time ?? '');

export function formatLogsText(r: LogReport, joined: ReadonlyMap<LogGroup, Joined>, notes: readonly string[]): string {
  const out: string[] = [];
  for (const n of notes) out.push(`note: ${n}`);
  for (const g of r.groups) {
    const head = g.kind === 'envoy'
      ? `${g.code} ${g.flags ?? '-'}${g.details && g.details !== '-' ? ` ${g.details}` : ''}  Host "${g.subject}"${g.path && g.path !== '-' ? ` ${g.path}` : ''}`
      : `${g.component} ${g.level || 'log'}: ${g.message}${g.knativeKey ? ` (${g.knativeKey})` : ''}`;
    out.push(`${head}  ×${g.count}${when(g) ? `  ${when(g)}` : ''}`);
    out.push(`  first at ${g.first.source}:${g.first.line}; hop: ${g.hop}`);
    for (const m of g.meaning) out.push(`  ${m}`);
    const j = joined.get(g);
    for (const e of j?.explanations ?? []) out.push(`  → ${e}`);
    for (const f of j?.findings ?? []) out.push(`  → finding ${f}`);
    out.push('');
  }
  const fmts = Object.entries(r.formats).map(([k, v]) => `${k} ${v.toLocaleString('en')}`).join(', ');
  const failing = r.groups.filter((g) => g.failing).length;
  out.push(`${r.lines.toLocaleString('en')} lines: ${r.envoyLines.toLocaleString('en')} Envoy access${fmts ? ` (${fmts})` : ''}, ${r.componentLines.toLocaleString('en')} component, ${r.otherLines.toLocaleString('en')} other; ${failing} failing group(s)${r.groups.length > failing ? `, ${r.groups.length - failing} informative` : ''}${r.ungrouped ? `, ${r.ungrouped.toLocaleString('en')} failing lines past the group limit` : ''}.`);
  if (failing === 0) out.push('No failing line.');
  return `${out.join('\n')}\n`;
}

export function formatLogsJson(r: LogReport, joined: ReadonlyMap<LogGroup, Joined>, notes: readonly string[], fetched: readonly FetchedLog[]): string {
  return `${JSON.stringify({
    lines: r.lines, envoyLines: r.envoyLines, componentLines: r.componentLines, otherLines: r.otherLines, ungrouped: r.ungrouped, formats: r.formats, codes: r.codes, notes,
    fetched: fetched.map((f) => ({ pod: f.pod, container: f.container, component: f.component, path: f.path, ok: f.error === undefined, error: f.error })),
    groups: r.groups.map((g) => {
      const { key: _key, ...rest } = g;
      return { ...rest, explanations: joined.get(g)?.explanations ?? [], findings: joined.get(g)?.findings ?? [] };
    }),
  }, null, 2)}\n`;
}
