/**
 * The cluster options every command that can read a live cluster takes, with kubectl's spelling: `--cluster`,
 * `--kubeconfig`, `--context`, `-n/--namespace`, `-A/--all-namespaces` and `--namespaces`.
 *
 * With --cluster, every namespace is read by default (`-A` says so explicitly). `-n NS` reads namespaced objects
 * only from NS and from the namespaces the platform lives in (PLATFORM_NAMESPACES: a gateway, config-istio or
 * KServe's config elsewhere is added with --namespaces); the read is then not the whole cluster, so kgd assumes
 * what it did not read instead of reporting it missing. Without --cluster, `-n` is the namespace of resources
 * written without one, as for `kubectl apply -n`.
 */
import type { Command } from 'commander';
import type { ClusterOptions } from '../load/cluster.js';
import { UsageError } from './errors.js';

/** Where Knative Serving, net-istio, Istio's gateways and KServe live in default and Kubeflow installs. */
export const PLATFORM_NAMESPACES = ['istio-system', 'knative-serving', 'kserve', 'kubeflow'] as const;

export interface ClusterFlags {
  cluster?: boolean;
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  namespaces?: string[];
  allNamespaces?: boolean;
}

const splitList = (v: string, prev: string[] | undefined) => [...(prev ?? []), ...v.split(',').map((x) => x.trim()).filter(Boolean)];

/** Adds the cluster options (and `-n` when the command has no `-n` of its own). */
export function addClusterOptions(cmd: Command, opts: { what: string; hasNamespaceOption: boolean }): Command {
  cmd
    .option('--cluster', opts.what)
    .option('--kubeconfig <file>', 'kubeconfig for --cluster (default: $KUBECONFIG, ~/.kube/config, or in-cluster)')
    .option('--context <name>', 'kubeconfig context for --cluster');
  if (!opts.hasNamespaceOption) cmd.option('-n, --namespace <ns>', `with --cluster: read namespaced objects only from this namespace and the platform's (${PLATFORM_NAMESPACES.join(', ')})`);
  return cmd
    .option('-A, --all-namespaces', 'with --cluster: read every namespace (the default)')
    .option('--namespaces <ns>', 'with --cluster: read namespaced objects only from these namespaces (repeatable, or comma-separated; include those of the gateways and of Knative\'s and KServe\'s config)', splitList);
}

/** The help text of a command's own `-n` when it also reads clusters. */
export const NAMESPACE_HELP = `namespace for resources written without one (default: "default"); with --cluster: read namespaced objects only from it and the platform's (${PLATFORM_NAMESPACES.join(', ')})`;

/**
 * What to read from the cluster, from the flags; a usage error for flags that do not go together. `cmd` tells
 * whether `-n` was given on the command line (it has a default for files).
 */
export function clusterOptions(flags: ClusterFlags, cmd: Command, extra: Pick<ClusterOptions, 'onProgress'> = {}, opts: { namespaceIsClusterOnly?: boolean } = {}): ClusterOptions & { note?: string } {
  const nGiven = flags.namespace !== undefined && cmd.getOptionValueSource('namespace') === 'cli';
  if (!flags.cluster) {
    // A command whose -n came from addClusterOptions (no files to give a namespace to) has no other use for it.
    if (opts.namespaceIsClusterOnly && (nGiven || flags.kubeconfig || flags.context || flags.namespaces || flags.allNamespaces)) throw new UsageError('-n, -A, --namespaces, --kubeconfig and --context go with --cluster');
    if (flags.kubeconfig || flags.context || flags.namespaces || flags.allNamespaces) throw new UsageError('--kubeconfig, --context, --namespaces and -A go with --cluster');
    return {};
  }
  if (flags.allNamespaces && (nGiven || flags.namespaces)) throw new UsageError('-A reads every namespace: it does not go with -n or --namespaces');
  let namespaces: string[] | undefined = flags.namespaces;
  let note: string | undefined;
  if (nGiven) {
    namespaces = [...new Set([flags.namespace!, ...PLATFORM_NAMESPACES, ...(flags.namespaces ?? [])])];
    note = `reading namespace ${flags.namespace} and the platform's ${PLATFORM_NAMESPACES.join(', ')}${flags.namespaces?.length ? ` and ${flags.namespaces.join(', ')}` : ''} (a gateway or config elsewhere: add it with --namespaces); what was not read is assumed, not reported`;
  }
  return { kubeconfig: flags.kubeconfig, context: flags.context, ...(namespaces ? { namespaces } : {}), ...extra, ...(note ? { note } : {}) };
}
