/**
 * Places the graph with ELK's layered (Sugiyama) algorithm (elkjs: Eclipse Layout Kernel compiled to JavaScript),
 * left to right in the direction requests flow, edges routed orthogonally around the nodes with their labels
 * placed by ELK. The result is plain numbers: the same for `kgd graph -o svg` and the page of `kgd serve`.
 */
import elkModule from 'elkjs/lib/elk.bundled.js';
import type { ELK as ElkApi, ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api.js';
import { nodeLines, edgeText, CHAR_W, LINE_H, PAD } from './lines.js';
import type { Graph, GraphEdge, GraphNode } from './model.js';

export interface Box {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

export interface PlacedNode extends GraphNode {
  readonly box: Box;
}

export interface PlacedEdge extends GraphEdge {
  /** The polyline, start to end. */
  readonly points: readonly { readonly x: number; readonly y: number }[];
  readonly labelBox: Box | undefined;
}

export interface LaidOutGraph extends Omit<Graph, 'nodes' | 'edges'> {
  readonly nodes: PlacedNode[];
  readonly edges: PlacedEdge[];
  readonly width: number;
  readonly height: number;
}

// elkjs is CommonJS with `exports.default`: Node's ESM loader and bundlers hand back the module or its default.
type ElkConstructor = new () => ElkApi;
const ELK = ((elkModule as unknown as { default?: ElkConstructor }).default ?? (elkModule as unknown as ElkConstructor));
const elk = new ELK();

function sizeOf(lines: readonly string[]): { w: number; h: number } {
  return { w: Math.ceil(Math.max(...lines.map((l) => l.length)) * CHAR_W + 2 * PAD), h: lines.length * LINE_H + 2 * PAD };
}

export async function layoutGraph(graph: Graph): Promise<LaidOutGraph> {
  const elkGraph: ElkNode = {
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.edgeRouting': 'ORTHOGONAL',
      'elk.layered.spacing.nodeNodeBetweenLayers': '70',
      'elk.spacing.nodeNode': '28',
      'elk.spacing.edgeLabel': '4',
      'elk.edgeLabels.placement': 'CENTER',
      'elk.layered.nodePlacement.strategy': 'NETWORK_SIMPLEX',
      'elk.padding': '[top=16,left=16,bottom=16,right=16]',
    },
    children: graph.nodes.map((n) => ({ id: n.id, width: sizeOf(nodeLines(n, graph.findings)).w, height: sizeOf(nodeLines(n, graph.findings)).h })),
    edges: graph.edges.map((e): ElkExtendedEdge => {
      const text = edgeText(e, graph.findings);
      return { id: e.id, sources: [e.from], targets: [e.to], labels: [{ text, width: text.length * CHAR_W * 0.9 + 8, height: LINE_H }] };
    }),
  };
  const out = await elk.layout(elkGraph);
  const placed = new Map((out.children ?? []).map((c) => [c.id, c]));
  const edges = new Map((out.edges ?? []).map((e) => [e.id, e]));
  const nodes: PlacedNode[] = graph.nodes.map((n) => {
    const c = placed.get(n.id)!;
    return { ...n, box: { x: c.x ?? 0, y: c.y ?? 0, w: c.width ?? 0, h: c.height ?? 0 } };
  });
  const placedEdges: PlacedEdge[] = graph.edges.map((e) => {
    const le = edges.get(e.id) as ElkExtendedEdge | undefined;
    const s = le?.sections?.[0];
    const points = s ? [s.startPoint, ...(s.bendPoints ?? []), s.endPoint] : [];
    const l = le?.labels?.[0];
    return { ...e, points, labelBox: l && l.x !== undefined ? { x: l.x, y: l.y ?? 0, w: l.width ?? 0, h: l.height ?? 0 } : undefined };
  });
  return { ...graph, nodes, edges: placedEdges, width: Math.ceil(out.width ?? 0), height: Math.ceil(out.height ?? 0) };
}
