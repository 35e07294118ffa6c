import type { Command } from 'commander';
import { checkResources } from '../../check.js';
import { loadCluster, loadConfig } from '../../load/cluster.js';
import { loadSources } from '../../load/sources.js';
import { prepareView } from '../../platform/build.js';
import { kserveIngressConfig } from '../../platform/kserve/ingress-config.js';
import { knativeGatewayConfig } from '../../platform/knative/effective.js';
import type { Snapshot } from '../../snapshot/snapshot.js';
import { traceSnapshot } from '../../trace/index.js';
import { analyzeLogs, fileSource, type LogReport, type LogSource } from '../../logs/analyze.js';
import { fetchedSources, fetchLogs, type FetchedLog, type LogTarget } from '../../logs/cluster.js';
import { FormatError } from '../../logs/envoy-format.js';
import { joinGroups, type Joined } from '../../logs/join.js';
import { formatLogsJson, formatLogsText } from '../../report/logs.js';
import { UsageError } from '../errors.js';
import { addClusterOptions, clusterOptions, type ClusterFlags } from '../cluster-flags.js';
import { wholeClusterRead } from '../../load/dump-marker.js';
import { collectList, parseVersions } from '../versions.js';
import { THREADS_HELP, threadsOf } from '../threads.js';

interface LogsFlags extends ClusterFlags {
  threads?: string;
  format?: string;
  manifests?: string[];
  output: string;
  since?: string;
  tail?: string;
  versions?: string[];
  clusterDomain: string;
}

/** `90s`, `15m`, `2h`, `1d` → seconds. */
export function parseSince(v: string): number {
  const m = /^(\d+)([smhd]?)$/.exec(v);
  if (!m) throw new UsageError(`--since takes a duration such as 30s, 15m, 2h or 1d, not "${v}"`);
  return Number(m[1]) * ({ '': 1, s: 1, m: 60, h: 3600, d: 86400 } as Record<string, number>)[m[2]!]!;
}

/** The pods on the path, as the cluster's own configuration names them. */
export function logTargets(s: Snapshot): LogTarget[] {
  const out: LogTarget[] = [];
  const cfg = kserveIngressConfig(s);
  const fqdn = cfg.status === 'ok' ? cfg.localGatewayService : '';
  const [svcName, svcNs] = fqdn.split('.');
  const svc = svcName && svcNs ? s.get('Service', svcNs, svcName) : undefined;
  if (svc?.selector && Object.keys(svc.selector).length) out.push({ component: 'local-gateway', namespace: svc.namespace, selector: svc.selector, container: 'istio-proxy' });
  const sys = knativeGatewayConfig(s).systemNamespace;
  out.push({ component: 'activator', namespace: sys, selector: { app: 'activator' }, container: 'activator' });
  out.push({ component: 'net-istio', namespace: sys, selector: { app: 'net-istio-controller' }, container: 'controller' });
  if (cfg.configMap) out.push({ component: 'kserve-controller', namespace: cfg.configMap.res.namespace ?? 'kserve', selector: { 'control-plane': 'kserve-controller-manager' }, container: 'manager' });
  return out;
}

export function registerLogs(program: Command, io: { stdout: NodeJS.WriteStream; stderr?: NodeJS.WriteStream; setExit: (n: number) => void }): void {
  const command = program
    .command('logs')
    .description('Explain failing lines of Envoy access logs (Istio TEXT or JSON, or --format) and of Knative\'s activator, queue-proxy, net-istio and KServe\'s controller: the hop, what the flags mean, and with manifests or --cluster the kgd finding or trace that explains them.')
    .argument('[files...]', 'log files; "-" reads stdin')
    .option('--format <envoy-format>', 'the Envoy access-log format the proxies use, when not Istio\'s default (meshConfig.accessLogFormat)')
    .option('-f, --manifests <path>', 'manifests to explain the lines with (repeatable): failing requests are traced, probe lines predicted', collectList)
    .option('-o, --output <format>', 'text or json', 'text')
    .option('--since <duration>', 'with --cluster: only lines newer than this (sinceSeconds), e.g. 15m', '1h')
    .option('--tail <lines>', 'with --cluster: at most this many lines per container (tailLines)', '5000')
    .option('--versions <list>', 'versions the cluster runs (as for check)', collectList)
    .option('--cluster-domain <domain>', 'the cluster DNS domain', 'cluster.local')
    .option('--threads <n>', THREADS_HELP);
  addClusterOptions(command, { what: 'read the logs of the local gateway pods, the activator, net-istio and KServe\'s controller through the API server (needs deploy/clusterrole-logs.yaml), and the cluster\'s configuration to explain them', hasNamespaceOption: false })
    .addHelpText('after', '\nExit status: 0 no failing line, 1 failing lines found, 2 usage or input error (with --cluster: no log could be read), 3 internal error.\nExamples:\n  kubectl logs -n istio-system deploy/knative-local-gateway | kgd logs - -f examples/kubeflow\n  kgd logs --cluster --since 30m\n\nFiles are read line by line: memory does not grow with their size.')
    .action(async (files: string[], flags: LogsFlags, cmd: Command) => {
      const threads = threadsOf(flags);
      if (flags.output !== 'text' && flags.output !== 'json') throw new UsageError(`-o takes text or json, not "${flags.output}"`);
      if (!flags.cluster) clusterOptions(flags, cmd, {}, { namespaceIsClusterOnly: true }); // cluster flags without --cluster: a usage error
      if (flags.cluster && files.length > 0) throw new UsageError('--cluster reads the logs from the cluster; give no files with it');
      if (!flags.cluster && files.length === 0) throw new UsageError('logs needs files ("-" for stdin) or --cluster');
      const tail = Number(flags.tail);
      if (!Number.isInteger(tail) || tail <= 0) throw new UsageError(`--tail takes a positive whole number, not "${flags.tail}"`);
      const since = parseSince(flags.since ?? '1h');
      const tty = process.stderr.isTTY === true;
      let snapshot: Snapshot | undefined;
      let sources: LogSource[] = files.map(fileSource);
      let fetched: FetchedLog[] = [];
      const notes: string[] = [];
      const options = { clusterDomain: flags.clusterDomain, versions: parseVersions(flags.versions) };
      if (flags.cluster) {
        const cluster = clusterOptions(flags, cmd);
        if (cluster.note) process.stderr.write(`kgd: ${cluster.note}\n`);
        const loaded = await loadCluster(cluster);
        snapshot = traceSnapshot(loaded.resources, { ...options, complete: wholeClusterRead(loaded) });
        const kc = loadConfig({ kubeconfig: flags.kubeconfig, context: flags.context });
        const r = await fetchLogs(kc, logTargets(snapshot), { sinceSeconds: since, tailLines: tail, onProgress: tty ? (d, t) => process.stderr.write(`\rreading logs ${d}/${t}`) : undefined });
        if (tty) process.stderr.write('\n');
        fetched = r.logs;
        notes.push(...r.notes);
        for (const l of fetched) if (l.error) notes.push(`cannot read the log of ${l.pod} (container ${l.container}): ${l.error}`);
        sources = fetchedSources(fetched);
      } else if (flags.manifests?.length) {
        const loaded = await loadSources(flags.manifests, { onResource: prepareView, threads });
        snapshot = traceSnapshot(loaded.resources, options);
      }
      let report: LogReport;
      try {
        report = await analyzeLogs(sources, { format: flags.format, onProgress: tty ? (n) => process.stderr.write(`\r${n.toLocaleString('en')} lines`) : undefined });
      } catch (e) {
        if (e instanceof FormatError) throw new UsageError(`--format: ${e.message}`);
        const err = e as NodeJS.ErrnoException;
        if (err.code === 'ENOENT' || err.code === 'EISDIR' || err.code === 'EACCES') throw new UsageError(`cannot read ${err.path ?? 'a log file'}: ${err.code === 'ENOENT' ? 'no such file' : err.code === 'EISDIR' ? 'a folder, not a file' : 'permission denied'}`);
        throw e;
      }
      if (tty && report.lines >= 100_000) process.stderr.write('\n');
      let joined = new Map<(typeof report.groups)[number], Joined>();
      if (snapshot) joined = joinGroups(report.groups, snapshot, checkResources(snapshot.resources, options).diagnostics);
      io.stdout.write(flags.output === 'json' ? formatLogsJson(report, joined, notes, fetched) : formatLogsText(report, joined, notes));
      // Logs were asked of the cluster and none could be read: nothing was checked (an input error, exit 2).
      const noneRead = flags.cluster === true && fetched.every((f) => f.error !== undefined);
      io.setExit(noneRead ? 2 : report.groups.some((g) => g.failing) || report.ungrouped > 0 ? 1 : 0);
    });
}
