import type { Command } from 'commander';
import { loadConfig } from '../../load/cluster.js';
import { ClusterWatch } from '../../webhook/cache.js';
import { ServeState, type ServedInput } from '../../server/state.js';
import { BadRequest, startServeServer, webDir } from '../../server/server.js';
import { buildSnapshot } from '../../platform/build.js';
import { generateLocalGateway, SpecError } from '../../generate/local-gateway.js';
import { bundleToHelmValues, bundleToYaml } from '../../generate/render.js';
import { resolveSpec } from './generate.js';
import { UsageError, wholeNumber } from '../errors.js';
import { parseVersions } from '../versions.js';
import { addInputOptions, readInput, type InputFlags } from './graph.js';

interface ServeFlags extends InputFlags {
  port: string;
  host: string;
  settleMs: string;
}

/**
 * `/api/generate`: `kgd generate local-gateway` with these settings (its flags' names) and the served input as the
 * paths to merge with; what the command says as a usage error is a BadRequest with the same words.
 */
export function generateFor(settings: URLSearchParams, input: ServedInput): string {
  const output = settings.get('output') ?? 'yaml';
  if (output !== 'yaml' && output !== 'helm-values') throw new BadRequest(`output is yaml or helm-values, not "${output}"`);
  const opt = (k: string) => settings.get(k) || undefined;
  try {
    const spec = resolveSpec({ name: opt('name'), namespace: opt('namespace'), selector: opt('selector'), knative: opt('knative'), kserveNamespace: opt('kserveNamespace'), port: opt('port'), clusterDomain: opt('clusterDomain'), withDeployment: settings.get('withDeployment') === '1' ? true : undefined, flavour: opt('flavour'), output: 'yaml' }, undefined);
    const problem = input.problems.find((x) => x.id !== 'NoResources');
    if (problem) throw new BadRequest(`cannot merge with ${problem.location ? `${problem.location.file}:${problem.location.line}` : 'the input'}: ${problem.id} (run kgd check on it)`);
    const current = input.resources.length > 0 ? buildSnapshot(input.resources, { clusterDomain: spec.clusterDomain }) : undefined;
    const bundle = generateLocalGateway(spec, current);
    return output === 'yaml' ? bundleToYaml(bundle) : bundleToHelmValues(bundle);
  } catch (e) {
    if (e instanceof UsageError || e instanceof SpecError) throw new BadRequest(e.message);
    throw e;
  }
}

export function registerServe(program: Command, io: { stdout: NodeJS.WriteStream; stderr: NodeJS.WriteStream; setExit: (n: number) => void }): void {
  const command = program
    .command('serve')
    .description('A local web page: the routing graph with the findings on it, traces hop by hop, and the local-gateway generator as a form; with --cluster it follows the cluster live. Read-only.')
    .argument('[paths...]', 'manifest files or folders (default: the current folder); "-" reads stdin')
    .option('--port <port>', 'port to listen on (0: any free port)', '7878')
    .option('--host <address>', 'address to listen on (loopback by default; anything else shows your configuration to the network)', '127.0.0.1')
    .option('--settle-ms <ms>', 'with --cluster: wait this long after a change for more before analysing again', '300');
  addInputOptions(command, 'read and watch the live cluster (kubeconfig): the page updates when it changes', { watch: true })
    .addHelpText('after', '\nEndpoints: / (the page), /api/view, /api/trace, /api/generate, /api/docs/<code>, /api/fix, /api/events (server-sent events), /healthz, /metrics (Prometheus). GET only; nothing is written anywhere.\nStops on Ctrl-C or SIGTERM (exit 0).\nExamples:\n  kgd serve examples/custom-gateway-broken\n  kgd serve --cluster --context prod --port 8080')
    .action(async (paths: string[], flags: ServeFlags, cmd: Command) => {
      const port = wholeNumber('--port', flags.port, 0, 65535);
      if (!webDir()) throw new UsageError('kgd serve needs the page built beside it (dist/web): the npm package has it, the single executable does not; in a clone run npm run build:web');
      const settleMs = wholeNumber('--settle-ms', flags.settleMs, 0, 60_000);
      if (flags.cluster) {
        if (paths.length > 0) throw new UsageError('--cluster reads the cluster; give no paths with it');
        if (cmd.getOptionValueSource('namespace') === 'cli') throw new UsageError('serve --cluster watches every namespace: -n names the namespace of files\' resources written without one');
        const kc = loadConfig({ kubeconfig: flags.kubeconfig, context: flags.context });
        const source = `${kc.getCurrentContext()} (${kc.getCurrentCluster()?.server ?? ''})`;
        const errors: string[] = [];
        const w = new ClusterWatch(kc, { onError: (kind, error) => errors.push(`${kind}: ${error}`) });
        await w.start();
        const started = Date.now();
        while (!w.synced) {
          if (Date.now() - started > 120_000) {
            await w.stop();
            throw new UsageError(`could not list the cluster ${source} within 2 minutes${errors.length ? `: ${errors[errors.length - 1]}` : ''}`);
          }
          await new Promise((r) => setTimeout(r, 100));
        }
        const options = { clusterDomain: flags.clusterDomain, defaultNamespace: 'default', assumeDefaults: flags.assumeDefaults ?? false, complete: true, versions: parseVersions(flags.versions) };
        const read = (): ServedInput => ({ resources: w.store.all(), problems: [], options, source });
        const state = new ServeState(read(), true);
        // The store's version moves on every event; analyse again once it has been still for settleMs.
        let seen = w.store.version;
        let changedAt = 0;
        const poll = setInterval(() => {
          if (w.store.version !== seen) {
            seen = w.store.version;
            changedAt = Date.now();
          } else if (changedAt > 0 && Date.now() - changedAt >= settleMs) {
            changedAt = 0;
            // Fail safe: an analysis that throws keeps the last view and says so; the server goes on.
            try {
              state.update(read());
            } catch (e) {
              io.stderr.write(`${JSON.stringify({ level: 'error', msg: 'analysis failed; the page keeps the previous view', error: (e as Error).message })}\n`);
            }
          }
        }, 50);
        await serveUntilStopped(state, flags, port, io, async () => {
          clearInterval(poll);
          await w.stop();
        });
        return;
      }
      await serveUntilStopped(new ServeState(await readInput(paths, flags, cmd, io.stderr, true), false), flags, port, io, async () => {});
    });
}

async function serveUntilStopped(state: ServeState, flags: ServeFlags, port: number, io: { stdout: NodeJS.WriteStream; stderr: NodeJS.WriteStream; setExit: (n: number) => void }, stop: () => Promise<void>): Promise<void> {
  let server;
  try {
    server = await startServeServer({ host: flags.host, port, state, generate: generateFor, log: (l) => io.stderr.write(`${JSON.stringify(l)}\n`) });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'EADDRINUSE' || err.code === 'EADDRNOTAVAIL' || err.code === 'EACCES') throw new UsageError(`cannot listen on ${flags.host}:${port}: ${err.code}`);
    throw e;
  }
  io.stdout.write(`kgd serve: ${server.url} (${state.live ? 'following the cluster live' : 'files read once'}; Ctrl-C stops)\n`);
  await new Promise<void>((done) => {
    const end = () => void Promise.all([stop(), server.close()]).then(() => done());
    process.once('SIGTERM', end);
    process.once('SIGINT', end);
  });
  io.setExit(0);
}
