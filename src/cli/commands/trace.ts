import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { trace, traceAllIsvcWidth, traceAllRows, traceSnapshot, type TraceAllRow } from '../../trace/index.js';
import { TraceInputError } from '../../trace/simulate.js';
import { parseFrom } from '../../trace/from.js';
import { formatTraceJson, formatTraceText, writeTraceAllJson, writeTraceAllText } from '../../report/trace.js';
import { UsageError } from '../errors.js';
import { readinessOf } from '../../trace/probe.js';
import { probeJson, probeText } from '../../report/probe.js';
import { collectList } from '../versions.js';
import { readInput } from './graph.js';
import { useColor } from '../output.js';
import { traceToDot, traceToMermaid } from '../../graph/text.js';
import { addClusterOptions, NAMESPACE_HELP } from '../cluster-flags.js';
import { addThreadsOption } from '../threads.js';

interface TraceFlags {
  threads?: string;
  header?: string[];
  request?: string;
  from?: string;
  sidecar?: boolean;
  serviceAccount?: string;
  activator?: string;
  all?: boolean;
  probe?: string;
  output: string;
  clusterDomain: string;
  namespace?: string;
  namespaces?: string[];
  allNamespaces?: boolean;
  assumeDefaults?: boolean;
  complete?: boolean;
  cluster?: boolean;
  kubeconfig?: string;
  context?: string;
  versions?: string[];
}

export function registerTrace(program: Command, io: { stdout: NodeJS.WriteStream; stderr: NodeJS.WriteStream; setExit: (n: number) => void }): void {
  const command = program
    .command('trace')
    .description('Follow one request hop by hop (DNS, Services, gateway listeners, Gateway servers, VirtualServices, rewrites, policies) and predict its status.')
    .argument('[url]', 'the URL to trace, e.g. http://sklearn-iris.online-serving.svc.cluster.local/v1/models/sklearn-iris:predict')
    .argument('[paths...]', 'manifest files or folders (default: the current folder); "-" reads stdin')
    .option('-H, --header <header>', 'request header, "Name: value" (repeatable; a Host header changes routing)', collectList)
    .option('-X, --request <method>', 'HTTP method', 'POST')
    .option('--from <ns[/labels]>', 'the calling pod: its namespace and labels, e.g. kubeflow-user/app=notebook', 'default')
    .option('--sidecar', 'the caller has an Istio sidecar (routes by VirtualServices bound to mesh first, sends mTLS where Istio would)')
    .option('--service-account <name>', "the caller's ServiceAccount (its identity over mTLS)", 'default')
    .option('--activator <path>', 'behind the gateway: in (through the activator: scaled to zero or kept by target-burst-capacity), out (straight to the pods), or both', 'both')
    .option('--all', 'trace the internal and external URL of every InferenceService (give no URL: every argument is a path)')
    .option('--probe <namespace/name>', 'predict readiness instead: net-istio\'s probes for this InferenceService or Knative Service, through kgd\'s gateway simulation (give no URL: every argument is a path)')
    .option('-o, --output <format>', 'text, json, or (one URL) mermaid or dot: the hops as a flowchart for docs and chat', 'text')
    .option('--cluster-domain <domain>', 'the cluster DNS domain', 'cluster.local')
    .option('-n, --namespace <ns>', NAMESPACE_HELP)
    .option('--assume-defaults', 'fill in upstream defaults for what the input lacks')
    .option('--complete', 'the input is the whole cluster: assume nothing a default install has (--cluster implies it)')
    .option('--versions <list>', 'versions the cluster runs, e.g. net-istio=1.21,kserve=0.13 (repeatable; default: the newest kgd models)', collectList);
  addThreadsOption(command);
  addClusterOptions(command, { what: 'read the live cluster (kubeconfig) instead of files', hasNamespaceOption: true })
    .addHelpText('after', '\nExit status: 0 the request is predicted to succeed (with --all: every request; with --probe: every KIngress Ready), 1 it fails, 2 usage or input error, 3 internal error.\nExamples:\n  kgd trace http://sklearn-iris.online-serving.svc.cluster.local/v1/models/sklearn-iris:predict examples/custom-gateway-broken\n  kgd trace --all examples/kubeflow\n  kgd trace --probe kubeflow-user-example-com/sklearn-iris examples/kubeflow\n\nResources the input lacks but a controller would create (KServe\'s and Knative\'s VirtualServices and\nExternalName Services, the Knative operator\'s gateway) are derived and marked as such.')
    .action(async (url: string | undefined, pathArgs: string[] | undefined, flags: TraceFlags, cmd: Command) => {
      const paths = pathArgs ?? [];
      if (!['text', 'json', 'mermaid', 'dot'].includes(flags.output)) throw new UsageError(`unknown output format "${flags.output}" (use text, json, mermaid or dot)`);
      const pathsOnly = flags.all === true || flags.probe !== undefined;
      if (pathsOnly && (flags.output === 'mermaid' || flags.output === 'dot')) throw new UsageError(`-o ${flags.output} draws one trace: give a URL (kgd graph draws every InferenceService)`);
      if (flags.all && flags.probe !== undefined) throw new UsageError('--all and --probe do not go together');
      const inputs = pathsOnly ? [...(url ? [url] : []), ...paths] : paths;
      if (!pathsOnly && !url) throw new UsageError('trace needs a URL (or --all, or --probe)');
      if (!pathsOnly && url && !/^[a-z]+:\/\//i.test(url) && existsSync(url)) {
        throw new UsageError(`the first argument is the URL to trace, but "${url}" is a file or folder (did you mean --all, or forget the URL?)`);
      }
      const input = await readInput(inputs, flags, cmd, io.stderr);
      const snapshot = traceSnapshot(input.resources, input.options).compact();
      const color = useColor(io.stdout);
      if (flags.probe !== undefined) {
        const m = /^([a-z0-9-]+)\/([a-z0-9.-]+)$/.exec(flags.probe) ?? /^()([a-z0-9.-]+)$/.exec(flags.probe);
        if (!m) throw new UsageError(`--probe takes <namespace>/<name> of an InferenceService or Knative Service, not "${flags.probe}"`);
        const all = readinessOf(snapshot, { namespace: m[1] || (flags.namespace ?? 'default'), name: m[2]! });
        if (all.length === 0) throw new UsageError(`no InferenceService (in Knative mode) or Knative Service ${m[1] || (flags.namespace ?? 'default')}/${m[2]} in the input`);
        io.stdout.write(flags.output === 'json' ? `${JSON.stringify(probeJson(all), null, 2)}\n` : probeText(all));
        io.setExit(all.every((r) => r.condition === 'Ready') ? 0 : 1);
        return;
      }
      if (flags.all) {
        let allOk = true;
        const onRow = (r: TraceAllRow) => (allOk &&= r.result.outcome === '200');
        if (flags.output === 'json') writeTraceAllJson(traceAllRows(snapshot), (s) => io.stdout.write(s), onRow);
        else writeTraceAllText(traceAllRows(snapshot), (s) => io.stdout.write(s), { color, onRow, isvcWidth: traceAllIsvcWidth(snapshot) });
        io.setExit(allOk ? 0 : 1);
        return;
      }
      const activator = flags.activator ?? 'both';
      if (activator !== 'in' && activator !== 'out' && activator !== 'both') throw new UsageError(`--activator takes in, out or both, not "${activator}"`);
      let result;
      try {
        const from = parseFrom(flags.from);
        result = trace(snapshot, { url: url!, method: flags.request, headers: flags.header ?? [], activator, from: { ...from, sidecar: flags.sidecar ?? false, serviceAccount: flags.serviceAccount } });
      } catch (e) {
        if (e instanceof TraceInputError) throw new UsageError(e.message);
        throw e;
      }
      io.stdout.write(flags.output === 'json' ? formatTraceJson(result) : flags.output === 'mermaid' ? traceToMermaid(result) : flags.output === 'dot' ? traceToDot(result) : formatTraceText(result, { color }));
      io.setExit(result.outcome === '200' ? 0 : 1);
    });
}
