/**
 * The same pictures as text for docs and chat: Mermaid flowcharts (GitHub, GitLab and most wikis draw them) and
 * Graphviz DOT. The routing graph (`kgd graph -o mermaid|dot`) and one trace's hops (`kgd trace -o mermaid|dot`).
 * Severity is written in each label (✗ ⚠ ℹ) as well as coloured.
 */
import { succeeded, type TraceResult } from '../trace/types.js';
import { edgeText, nodeLines, worstSeverity } from './lines.js';
import type { Graph } from './model.js';

const COLOR = { error: '#c62828', warning: '#a35d00', info: '#1565c0' } as const;

/** A Mermaid string label: quotes and angle brackets as Mermaid's entity codes. */
function mm(s: string): string {
  return s.replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;');
}

function dot(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
}

const MERMAID_CLASSES = [
  `  classDef error stroke:${COLOR.error},stroke-width:3px`,
  `  classDef warning stroke:${COLOR.warning},stroke-width:3px`,
  `  classDef info stroke:${COLOR.info},stroke-width:2px`,
  '  classDef derived stroke-dasharray:6 3',
  '  classDef missing stroke-dasharray:2 3,fill:#fafafa',
];

export function graphToMermaid(g: Graph): string {
  const ids = new Map(g.nodes.map((n, i) => [n.id, `n${i}`]));
  const out = ['flowchart LR'];
  for (const n of g.nodes) out.push(`  ${ids.get(n.id)}["${nodeLines(n, g.findings).map(mm).join('<br/>')}"]`);
  const red: number[] = [];
  g.edges.forEach((e, i) => {
    const arrow = e.note ? '-.->' : '-->';
    out.push(`  ${ids.get(e.from)} ${arrow}|"${mm(edgeText(e, g.findings))}"| ${ids.get(e.to)}`);
    if (e.failing || worstSeverity(g.findings, e.findings) === 'error') red.push(i);
  });
  out.push(...MERMAID_CLASSES);
  for (const n of g.nodes) {
    const sev = n.failure ? 'error' : worstSeverity(g.findings, n.findings);
    const cls = [sev, n.missing ? 'missing' : n.derived ? 'derived' : undefined].filter(Boolean);
    for (const c of cls) out.push(`  class ${ids.get(n.id)} ${c}`);
  }
  if (red.length) out.push(`  linkStyle ${red.join(',')} stroke:${COLOR.error},stroke-width:3px`);
  return out.join('\n') + '\n';
}

export function graphToDot(g: Graph): string {
  const out = ['digraph kgd {', '  rankdir=LR;', '  node [shape=box, style=rounded, fontname="monospace", fontsize=11];', '  edge [fontname="monospace", fontsize=10];'];
  for (const n of g.nodes) {
    const sev = n.failure ? 'error' : worstSeverity(g.findings, n.findings);
    const style = ['rounded', n.missing ? 'dotted' : n.derived ? 'dashed' : ''].filter(Boolean).join(',');
    const attrs = [`label="${dot(nodeLines(n, g.findings).join('\n'))}"`, `style="${style}"`, ...(sev ? [`color="${COLOR[sev]}"`, 'penwidth=2.5'] : [])];
    out.push(`  "${dot(n.id)}" [${attrs.join(', ')}];`);
  }
  for (const e of g.edges) {
    const sev = e.failing ? 'error' : worstSeverity(g.findings, e.findings);
    const attrs = [`label="${dot(edgeText(e, g.findings))}"`, ...(e.note ? ['style=dashed'] : []), ...(sev ? [`color="${COLOR[sev]}"`, `fontcolor="${COLOR[sev]}"`, 'penwidth=2'] : [])];
    out.push(`  "${dot(e.from)}" -> "${dot(e.to)}" [${attrs.join(', ')}];`);
  }
  out.push('}');
  return out.join('\n') + '\n';
}

const MARK = { ok: '✓', fail: '✗', note: '·' } as const;

function hopLabel(r: TraceResult, i: number): string {
  const h = r.hops[i]!;
  return [`${i + 1}. ${MARK[h.verdict]} ${h.step}`, h.summary, h.resource ?? '', h.derivedFrom ? `(${h.derivedFrom})` : ''].filter(Boolean).join('\n');
}

/** One trace as a top-down chain: the request, each hop, the outcome; the failing hop in red. */
export function traceToMermaid(r: TraceResult): string {
  const lines = (s: string) => s.split('\n').map(mm).join('<br/>');
  const out = ['flowchart TD', `  req["${lines(`${r.request.url}\nHost ${r.request.authority}, from ${r.request.from}`)}"]`];
  r.hops.forEach((_, i) => out.push(`  h${i + 1}["${lines(hopLabel(r, i))}"]`));
  const ok = succeeded(r.outcome);
  out.push(`  out["${mm(`${ok ? 'OK' : 'FAIL'} ${r.outcome}: ${r.verdict}`)}"]`);
  const chain = ['req', ...r.hops.map((_, i) => `h${i + 1}`), 'out'];
  for (let i = 1; i < chain.length; i++) out.push(`  ${chain[i - 1]} --> ${chain[i]}`);
  out.push(...MERMAID_CLASSES.slice(0, 1), '  classDef ok stroke:#2e7d32,stroke-width:2px');
  r.hops.forEach((h, i) => {
    if (h.verdict === 'fail') out.push(`  class h${i + 1} error`);
  });
  out.push(`  class out ${ok ? 'ok' : 'error'}`);
  return out.join('\n') + '\n';
}

export function traceToDot(r: TraceResult): string {
  const ok = succeeded(r.outcome);
  const out = ['digraph trace {', '  rankdir=TB;', '  node [shape=box, style=rounded, fontname="monospace", fontsize=11];'];
  out.push(`  req [label="${dot(`${r.request.url}\nHost ${r.request.authority}, from ${r.request.from}`)}"];`);
  r.hops.forEach((h, i) => out.push(`  h${i + 1} [label="${dot(hopLabel(r, i))}"${h.verdict === 'fail' ? `, color="${COLOR.error}", penwidth=2.5` : ''}];`));
  out.push(`  out [label="${dot(`${ok ? 'OK' : 'FAIL'} ${r.outcome}: ${r.verdict}`)}", color="${ok ? '#2e7d32' : COLOR.error}", penwidth=2.5];`);
  const chain = ['req', ...r.hops.map((_, i) => `h${i + 1}`), 'out'];
  for (let i = 1; i < chain.length; i++) out.push(`  ${chain[i - 1]} -> ${chain[i]};`);
  out.push('}');
  return out.join('\n') + '\n';
}
