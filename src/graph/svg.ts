/**
 * A laid-out graph as one SVG document: `kgd graph -o svg` writes it, the page of `kgd serve` puts the same text in
 * the page. Every node and every edge with findings is focusable (tabindex, role=button); its accessible name
 * (`<title>`) is its visible text and its description (`<desc>`) where a trace fails on it and its findings;
 * `data-id` ties it back to the graph. Browser-safe: no Node imports.
 */
import type { LaidOutGraph, PlacedEdge, PlacedNode } from './layout.js';
import { edgeText, LINE_H, nodeDescription, nodeLines, nodeName, PAD, worstSeverity } from './lines.js';

export function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const STYLE = `
.kgd-graph { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", monospace; font-size: 12px; }
.kgd-graph .node rect { fill: #ffffff; stroke: #5f6b7a; stroke-width: 1.5; }
.kgd-graph .node.k-config rect { fill: #f3f0ff; }
.kgd-graph .node.k-gateway rect { fill: #e8f4ff; }
.kgd-graph .node.k-service rect { fill: #eefaf0; }
.kgd-graph .node.k-pods rect { fill: #fff8e6; }
.kgd-graph .node.k-isvc rect { fill: #fdf0f7; }
.kgd-graph .node.k-route rect { fill: #f2f6f8; }
.kgd-graph .node.derived rect { stroke-dasharray: 6 3; }
.kgd-graph .node.missing rect { stroke-dasharray: 2 3; fill: #fafafa; }
.kgd-graph .node.sev-error rect, .kgd-graph .node.failing rect { stroke: #c62828; stroke-width: 3; }
.kgd-graph .node.sev-warning rect { stroke: #a35d00; stroke-width: 3; }
.kgd-graph .node.sev-info rect { stroke: #1565c0; stroke-width: 2; }
.kgd-graph .node text.title { font-weight: bold; }
.kgd-graph .node text.bad { fill: #c62828; font-weight: bold; }
.kgd-graph .node text.warn { fill: #a35d00; font-weight: bold; }
.kgd-graph .node text.muted { fill: #5f6b7a; font-style: italic; }
.kgd-graph .edge path { fill: none; stroke: #5f6b7a; stroke-width: 1.5; }
.kgd-graph .edge.note path { stroke-dasharray: 4 4; }
.kgd-graph .edge.failing path, .kgd-graph .edge.sev-error path { stroke: #c62828; stroke-width: 2.5; }
.kgd-graph .edge.sev-warning path { stroke: #a35d00; stroke-width: 2.5; }
.kgd-graph .edge text { fill: #333; font-size: 11px; }
.kgd-graph .edge.failing text { fill: #c62828; font-weight: bold; }
.kgd-graph [tabindex]:focus { outline: none; }
.kgd-graph [tabindex]:focus rect, .kgd-graph [tabindex]:focus path { stroke: #000; stroke-width: 4; }
.kgd-graph .selected rect { stroke: #000; stroke-width: 4; }
`;

function lineClass(line: string): string {
  if (line.startsWith('✗')) return 'bad';
  if (line.startsWith('⚠')) return 'warn';
  if (line.startsWith('(')) return 'muted';
  return '';
}

function renderNode(n: PlacedNode, g: LaidOutGraph): string {
  const sev = worstSeverity(g.findings, n.findings);
  const cls = ['node', `k-${n.kind}`, n.derived ? 'derived' : '', n.missing ? 'missing' : '', sev ? `sev-${sev}` : '', n.failure ? 'failing' : ''].filter(Boolean).join(' ');
  const { x, y, w, h } = n.box;
  const lines = nodeLines(n, g.findings)
    .map((l, i) => `<text x="${PAD}" y="${PAD + (i + 1) * LINE_H - 4}" class="${i === 0 ? 'title' : lineClass(l)}">${escapeXml(l)}</text>`)
    .join('');
  const desc = nodeDescription(n, g.findings);
  return `<g class="${cls}" data-id="${escapeXml(n.id)}" transform="translate(${x},${y})" tabindex="0" role="button"><title>${escapeXml(nodeName(n, g.findings))}</title>${desc ? `<desc>${escapeXml(desc)}</desc>` : ''}<rect width="${w}" height="${h}" rx="6"/>${lines}</g>`;
}

function renderEdge(e: PlacedEdge, g: LaidOutGraph): string {
  if (e.points.length === 0) return '';
  const sev = worstSeverity(g.findings, e.findings);
  const cls = ['edge', e.note ? 'note' : '', e.failing ? 'failing' : '', sev ? `sev-${sev}` : ''].filter(Boolean).join(' ');
  const d = e.points.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x},${p.y}`).join(' ');
  const text = edgeText(e, g.findings);
  const label = e.labelBox ? `<text x="${e.labelBox.x + 4}" y="${e.labelBox.y + LINE_H - 4}">${escapeXml(text)}</text>` : '';
  const focus = e.findings.length > 0 || e.failing ? ' tabindex="0" role="button"' : '';
  const desc = [`from ${e.from} to ${e.to}`, ...e.findings.map((i) => `${g.findings[i]!.severity} ${g.findings[i]!.code}: ${g.findings[i]!.message}`)].join('. ');
  const marker = e.failing || sev === 'error' ? 'kgd-arrow-bad' : 'kgd-arrow';
  return `<g class="${cls}" data-id="${escapeXml(e.id)}"${focus}><title>${escapeXml(text)}</title><desc>${escapeXml(desc)}</desc><path d="${d}" marker-end="url(#${marker})"/>${label}</g>`;
}

export function renderSvg(g: LaidOutGraph, options: { title?: string } = {}): string {
  const title = options.title ?? 'kgd routing graph';
  const summary = `${g.nodes.length} nodes, ${g.edges.length} edges, ${g.findings.filter((f) => f.severity === 'error').length} errors, ${g.findings.filter((f) => f.severity === 'warning').length} warnings`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" class="kgd-graph" width="${g.width}" height="${g.height}" viewBox="0 0 ${g.width} ${g.height}" role="group" aria-label="${escapeXml(`${title}: ${summary}`)}">`,
    `<title>${escapeXml(title)}</title><desc>${escapeXml(summary)}</desc>`,
    `<style>${STYLE}</style>`,
    '<defs>',
    '<marker id="kgd-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#5f6b7a"/></marker>',
    '<marker id="kgd-arrow-bad" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#c62828"/></marker>',
    '</defs>',
    `<rect width="${g.width}" height="${g.height}" fill="#ffffff"/>`,
    ...g.edges.map((e) => renderEdge(e, g)),
    ...g.nodes.map((n) => renderNode(n, g)),
    '</svg>',
    '',
  ].join('\n');
}
