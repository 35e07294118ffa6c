/**
 * What `kgd serve` shows: the analysis of the input (check's findings, trace's traces), recomputed when a live
 * cluster changes, with a version number the page's live updates follow. Laid-out graphs are kept per
 * selection of InferenceServices for the current version only.
 */
import { analyze, graphOf, type Analysis } from '../graph/analyze.js';
import { layoutGraph, type LaidOutGraph } from '../graph/layout.js';
import { isvcFails } from '../graph/model.js';
import type { InputProblem } from '../load/problem.js';
import type { Resource } from '../load/resource.js';
import type { SnapshotOptions } from '../snapshot/snapshot.js';

export interface ServedInput {
  readonly resources: readonly Resource[];
  readonly problems: readonly InputProblem[];
  readonly options: SnapshotOptions;
  readonly source: string;
}

export interface View {
  readonly version: number;
  readonly source: string;
  readonly live: boolean;
  readonly updatedAt: string;
  readonly analysisMs: number;
  readonly summary: { readonly errors: number; readonly warnings: number; readonly infos: number; readonly isvcs: number; readonly failing: number };
  readonly graph: LaidOutGraph;
}

const LAYOUTS_KEPT = 16;

export class ServeState {
  private current: { input: ServedInput; analysis: Analysis; version: number; at: Date; ms: number };
  private layouts = new Map<string, Promise<LaidOutGraph>>();
  private readonly listeners = new Set<(version: number) => void>();

  constructor(input: ServedInput, readonly live: boolean) {
    this.current = this.compute(input, 1);
  }

  private compute(input: ServedInput, version: number) {
    const t0 = performance.now();
    const analysis = analyze(input.resources, input.problems, input.options);
    return { input, analysis, version, at: new Date(), ms: Math.round(performance.now() - t0) };
  }

  get version(): number {
    return this.current.version;
  }

  /** How long the last analysis took (ms). */
  get analysisMsLast(): number {
    return this.current.ms;
  }

  get analysis(): Analysis {
    return this.current.analysis;
  }

  get input(): ServedInput {
    return this.current.input;
  }

  /** A new input (the cluster changed): analysed at once, then every listener told. */
  update(input: ServedInput): void {
    this.current = this.compute(input, this.current.version + 1);
    this.layouts = new Map();
    for (const l of this.listeners) l(this.current.version);
  }

  onChange(listener: (version: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The view with these InferenceServices drawn ('auto': as `kgd graph` chooses). */
  async view(isvcs: 'auto' | 'all' | readonly string[]): Promise<View> {
    const c = this.current;
    const key = typeof isvcs === 'string' ? isvcs : JSON.stringify([...isvcs].sort());
    let layout = this.layouts.get(key);
    if (!layout) {
      const layouts = this.layouts;
      layout = layoutGraph(graphOf(c.analysis, { isvcs }));
      if (layouts.size >= LAYOUTS_KEPT) layouts.delete(layouts.keys().next().value!);
      layouts.set(key, layout);
      // A layout that failed is not kept: the next request tries again.
      layout.catch(() => layouts.delete(key));
    }
    const graph = await layout;
    const count = (s: string) => graph.findings.filter((f) => f.severity === s).length;
    return {
      version: c.version,
      source: c.input.source,
      live: this.live,
      updatedAt: c.at.toISOString(),
      analysisMs: c.ms,
      summary: { errors: count('error'), warnings: count('warning'), infos: count('info'), isvcs: graph.isvcs.length, failing: graph.isvcs.filter(isvcFails).length },
      graph,
    };
  }
}
