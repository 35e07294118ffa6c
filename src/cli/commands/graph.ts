import type { Command } from 'commander';
import { loadSources } from '../../load/sources.js';
import { loadCluster } from '../../load/cluster.js';
import { prepareView } from '../../platform/build.js';
import { completeDumps, wholeClusterRead } from '../../load/dump-marker.js';
import type { SnapshotOptions } from '../../snapshot/snapshot.js';
import type { Resource } from '../../load/resource.js';
import type { InputProblem } from '../../load/problem.js';
import { analyze, graphOf } from '../../graph/analyze.js';
import { isvcFails } from '../../graph/model.js';
import { layoutGraph } from '../../graph/layout.js';
import { renderSvg } from '../../graph/svg.js';
import { graphToDot, graphToMermaid } from '../../graph/text.js';
import { UsageError } from '../errors.js';
import { collectList, parseVersions } from '../versions.js';
import { addClusterOptions, clusterOptions, NAMESPACE_HELP, type ClusterFlags } from '../cluster-flags.js';
import { addThreadsOption, threadsOf } from '../threads.js';

/** The input options `kgd graph` and `kgd serve` share with `kgd trace`. */
export interface InputFlags extends ClusterFlags {
  threads?: string;
  clusterDomain: string;
  assumeDefaults?: boolean;
  complete?: boolean;
  versions?: string[];
}

/** `watch`: the cluster is watched whole (kgd serve): no -A/--namespaces, and -n is for files only. */
export function addInputOptions(cmd: Command, what: string, opts: { watch?: boolean } = {}): Command {
  cmd
    .option('--cluster-domain <domain>', 'the cluster DNS domain', 'cluster.local')
    .option('-n, --namespace <ns>', opts.watch ? 'namespace for resources written without one (default: "default"); --cluster watches every namespace' : NAMESPACE_HELP)
    .option('--assume-defaults', 'fill in upstream defaults for what the input lacks')
    .option('--complete', 'the input is the whole cluster: assume nothing a default install has (--cluster implies it)')
    .option('--versions <list>', 'versions the cluster runs, e.g. net-istio=1.21,kserve=0.13 (repeatable; default: the newest kgd models)', collectList);
  addThreadsOption(cmd);
  if (opts.watch) return cmd.option('--cluster', what).option('--kubeconfig <file>', 'kubeconfig for --cluster (default: $KUBECONFIG, ~/.kube/config, or in-cluster)').option('--context <name>', 'kubeconfig context for --cluster');
  return addClusterOptions(cmd, { what, hasNamespaceOption: true });
}

export interface Input {
  readonly resources: readonly Resource[];
  readonly problems: readonly InputProblem[];
  readonly options: SnapshotOptions;
  readonly source: string;
}

/**
 * Reads files or the cluster as `kgd trace` does; the snapshot options that go with what was read. `keepObjects`:
 * keep each parsed object (patches and merges need them; otherwise only the views the rules read are kept).
 */
export async function readInput(paths: readonly string[], flags: InputFlags, cmd: Command, stderr: NodeJS.WriteStream, keepObjects = false): Promise<Input> {
  if (flags.cluster && paths.length > 0) throw new UsageError('--cluster reads the cluster; give no paths with it');
  const cluster = clusterOptions(flags, cmd);
  if (cluster.note) stderr.write(`kgd: ${cluster.note}\n`);
  const inputs = paths.length > 0 ? paths : ['.'];
  const loaded = flags.cluster ? await loadCluster(cluster) : await loadSources(inputs, { ...(keepObjects ? {} : { onResource: prepareView }), threads: threadsOf(flags) });
  const complete = flags.complete === true || ('files' in loaded ? completeDumps(loaded.files) : wholeClusterRead(loaded));
  return {
    resources: loaded.resources,
    problems: loaded.problems,
    source: 'files' in loaded ? inputs.join(' ') : loaded.source,
    options: { clusterDomain: flags.clusterDomain, defaultNamespace: flags.namespace ?? 'default', assumeDefaults: flags.assumeDefaults ?? false, complete, versions: parseVersions(flags.versions) },
  };
}

interface GraphFlags extends InputFlags {
  output: string;
  isvc?: string[];
  allIsvcs?: boolean;
}

export function registerGraph(program: Command, io: { stdout: NodeJS.WriteStream; stderr: NodeJS.WriteStream; setExit: (n: number) => void }): void {
  const command = program
    .command('graph')
    .description('Draw the routing path: per local gateway the five places that name it (Knative\'s config, KServe\'s ingress, the Gateway, its Service, the pods) and per InferenceService the resources its requests cross, with check\'s findings and trace\'s failing hops on them.')
    .argument('[paths...]', 'manifest files or folders (default: the current folder); "-" reads stdin')
    .option('-o, --output <format>', 'mermaid (Markdown renders it), dot (Graphviz), svg (laid out by kgd, no other tool needed) or json (the laid-out graph)', 'mermaid')
    .option('--isvc <namespace/name>', 'draw this InferenceService (repeatable; default: all when there are at most 12, else those whose requests fail)', collectList)
    .option('--all-isvcs', 'draw every InferenceService');
  addInputOptions(command, 'read the live cluster (kubeconfig) instead of files')
    .addHelpText('after', '\nDrawn as derived (dashed): what the controllers would create and the input lacks. Severity is written on each node (✗ error, ⚠ warning, ℹ info), not only coloured.\nExit status: 0 no error and no failing request (drawn or not), 1 there is one, 2 usage or input error, 3 internal error.\nExamples:\n  kgd graph examples/custom-gateway-broken > path.mmd\n  kgd graph -o svg examples/custom-gateway-broken > path.svg\n  kgd graph --cluster -o dot | dot -Tpng > path.png')
    .action(async (paths: string[], flags: GraphFlags, cmd: Command) => {
      if (!['mermaid', 'dot', 'svg', 'json'].includes(flags.output)) throw new UsageError(`unknown output format "${flags.output}" (use mermaid, dot, svg or json)`);
      if (flags.allIsvcs && flags.isvc) throw new UsageError('--all-isvcs and --isvc do not go together');
      for (const i of flags.isvc ?? []) if (!/^[a-z0-9-]+\/[a-z0-9.-]+$/.test(i)) throw new UsageError(`--isvc takes <namespace>/<name>, not "${i}"`);
      const input = await readInput(paths, flags, cmd, io.stderr);
      const analysis = analyze(input.resources, input.problems, input.options);
      const graph = graphOf(analysis, { isvcs: flags.allIsvcs ? 'all' : flags.isvc ?? 'auto' });
      const unknown = (flags.isvc ?? []).filter((i) => !graph.drawn.includes(i));
      if (unknown.length) throw new UsageError(`no InferenceService ${unknown.join(', ')} in the input`);
      if (flags.output === 'mermaid') io.stdout.write(graphToMermaid(graph));
      else if (flags.output === 'dot') io.stdout.write(graphToDot(graph));
      else {
        const laid = await layoutGraph(graph);
        io.stdout.write(flags.output === 'svg' ? renderSvg(laid) : `${JSON.stringify(laid, null, 2)}\n`);
      }
      const bad = graph.findings.some((f) => f.severity === 'error') || graph.isvcs.some(isvcFails);
      io.setExit(bad ? 1 : 0);
    });
}
