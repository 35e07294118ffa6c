/**
 * What the graph is drawn from: `kgd check`'s findings and `kgd trace --all`'s traces of the same resources, each
 * computed by the command's own code (checkResources, traceSnapshot + traceAllRows), so the picture, `check` and
 * `trace` never disagree.
 */
import { checkResources } from '../check.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { sortDiagnostics } from '../diagnostics/diagnostic.js';
import { problemToDiagnostic } from '../engine/run.js';
import type { InputProblem } from '../load/problem.js';
import type { Resource } from '../load/resource.js';
import type { Snapshot, SnapshotOptions } from '../snapshot/snapshot.js';
import { traceAllRows, traceSnapshot, type TraceAllRow } from '../trace/index.js';
import { buildGraph, type Graph, type GraphOptions } from './model.js';

export interface Analysis {
  readonly diagnostics: Diagnostic[];
  /** The trace snapshot (controllers' objects derived): trace one URL against it. */
  readonly snapshot: Snapshot;
  readonly rows: TraceAllRow[];
}

export function analyze(resources: readonly Resource[], problems: readonly InputProblem[], options: SnapshotOptions): Analysis {
  const { diagnostics } = checkResources(resources, options);
  const snapshot = traceSnapshot(resources, options);
  return { diagnostics: sortDiagnostics([...problems.map(problemToDiagnostic), ...diagnostics]), snapshot, rows: [...traceAllRows(snapshot)] };
}

export function graphOf(a: Analysis, options: GraphOptions = {}): Graph {
  return buildGraph(a.snapshot, a.rows, a.diagnostics, options);
}
