import { loadSources, type LoadOptions } from './load/sources.js';
import { loadCluster, type ClusterOptions } from './load/cluster.js';
import type { Resource } from './load/resource.js';
import { buildSnapshot } from './platform/build.js';
import { prepareView } from './platform/build.js';
import { completeDumps, wholeClusterRead } from './load/dump-marker.js';
import type { Snapshot, SnapshotOptions } from './snapshot/snapshot.js';
import { runRules, type RunOptions } from './engine/run.js';
import { problemToDiagnostic } from './engine/run.js';
import { rules as allRules } from './rules/index.js';
import type { Diagnostic } from './diagnostics/diagnostic.js';
import { sortDiagnostics } from './diagnostics/diagnostic.js';

export interface CheckOptions extends SnapshotOptions, RunOptions, LoadOptions {
  /** Drop parsed objects after the snapshot is built (the resources are not used afterwards). @default false */
  readonly compact?: boolean;
}

export interface CheckResult {
  readonly diagnostics: Diagnostic[];
  readonly snapshot: Snapshot;
  readonly files: readonly string[];
  readonly resourceCount: number;
  /** What a folder walk left out, and why. */
  readonly skipped?: readonly { readonly path: string; readonly reason: string }[];
}

/** Checks already-loaded resources (the library entry point used by files, the cluster source and tests). */
export function checkResources(resources: readonly Resource[], options: CheckOptions = {}): { diagnostics: Diagnostic[]; snapshot: Snapshot } {
  const snapshot = buildSnapshot(resources, options);
  if (options.compact) snapshot.compact();
  // With nothing loaded, every rule would only say it could not run: the input problems say enough.
  if (resources.length === 0) return { diagnostics: runRules(snapshot, [], options), snapshot };
  return { diagnostics: runRules(snapshot, allRules, options), snapshot };
}

/** `kgd check --cluster`: the same rules over what a live API server holds. */
export async function checkCluster(cluster: ClusterOptions, options: CheckOptions = {}): Promise<CheckResult> {
  const loaded = await loadCluster(cluster);
  // The live cluster is the whole cluster, unless only some namespaces or not every kind could be read.
  const complete = options.complete ?? wholeClusterRead({ namespaces: cluster.namespaces, problems: loaded.problems });
  const { diagnostics, snapshot } = checkResources(loaded.resources, { compact: true, ...options, complete });
  const all = sortDiagnostics([...loaded.problems.map(problemToDiagnostic), ...diagnostics]);
  return { diagnostics: all, snapshot, files: [loaded.source], resourceCount: loaded.resources.length };
}

/** `kgd check` on files, folders and stdin. */
export async function checkPaths(paths: readonly string[], options: CheckOptions = {}): Promise<CheckResult> {
  // Each resource's view is read as it is parsed and its object dropped, so the parsed input never lives whole.
  const loaded = await loadSources(paths, { onResource: prepareView, ...options });
  // A `kgd dump` of a whole cluster says so in its first line: then it is complete too.
  const complete = options.complete ?? completeDumps(loaded.files);
  // The resources were loaded here and go nowhere else: their objects can go once the views exist.
  const { diagnostics, snapshot } = checkResources(loaded.resources, { compact: true, ...options, complete });
  const all = sortDiagnostics([...loaded.problems.map(problemToDiagnostic), ...diagnostics]);
  return { diagnostics: all, snapshot, files: loaded.files, resourceCount: loaded.resources.length, skipped: loaded.skipped };
}
