import type { Command } from 'commander';
import { checkCluster, checkPaths } from '../../check.js';
import { exitCodeFor, parseFailOn, parseFormat, render, useColor } from '../output.js';
import { rules } from '../../rules/index.js';
import { UsageError } from '../errors.js';
import { collectList, parseVersions } from '../versions.js';
import { catalog, type Severity } from '../../diagnostics/catalog.js';
import { IgnoreSyntaxError, parseIgnore, type IgnoreEntry, type SuppressedDiagnostic } from '../../engine/suppress.js';
import { findProjectFile, loadProject } from '../project.js';
import { addClusterOptions, clusterOptions, NAMESPACE_HELP } from '../cluster-flags.js';
import { addThreadsOption, threadsOf } from '../threads.js';

/** How the folder walk's reasons for leaving a path out read in the one stderr line. */
const SKIP_NOUNS: Readonly<Record<string, string>> = {
  'a dependency folder': 'dependency folder(s)',
  'a broken symbolic link': 'broken symbolic link(s)',
  'a link back to a folder already read': 'link(s) back to a folder already read',
  'a link to a file already read': 'link(s) to a file already read',
};

interface CheckFlags {
  threads?: string;
  output: string;
  failOn: string;
  assumeDefaults?: boolean;
  complete?: boolean;
  clusterDomain: string;
  namespace?: string;
  allNamespaces?: boolean;
  rule?: string[];
  disable?: string[];
  severity?: string[];
  quiet?: boolean;
  cluster?: boolean;
  kubeconfig?: string;
  context?: string;
  namespaces?: string[];
  versions?: string[];
  ignore?: string[];
  showSuppressed?: boolean;
}

export function registerCheck(program: Command, io: { stdout: NodeJS.WriteStream; stderr: NodeJS.WriteStream; setExit: (n: number) => void }): void {
  const command = program
    .command('check')
    .description('Find every inconsistency between config-istio, the KnativeServing CR, KServe\'s ingress config, the Istio Gateways and the gateway Services, with the symptom each causes and its fix.')
    .argument('[paths...]', 'manifest files or folders (.yaml, .yml, .json, read recursively); "-" reads stdin', ['.'])
    .option('-o, --output <format>', 'text, json, sarif (with partialFingerprints for code scanning) or junit (test reports in CI)', 'text')
    .option('--fail-on <severity>', 'exit 1 when a finding is at or above: error, warning, info or none', 'error')
    .option('--assume-defaults', 'fill in upstream defaults (config-istio, KServe ingress, Knative\'s local Gateway and Service) for what the input lacks')
    .option('--complete', 'the input is the whole cluster: report what it lacks instead of assuming what a default install has (--cluster and a kgd dump imply it, unless --namespaces or a kind could not be read)')
    .option('--cluster-domain <domain>', 'the cluster DNS domain', 'cluster.local')
    .option('-n, --namespace <ns>', NAMESPACE_HELP)
    .option('--rule <id>', 'run only this rule (repeatable; see `kgd rules`)', collectList)
    .option('--severity <code=level>', 'override a severity, e.g. KGD1304=error or KGD1111=off (repeatable)', collectList)
    .option('--versions <list>', 'versions the cluster runs, e.g. net-istio=1.21,kserve=0.13 (repeatable; default: the newest kgd models, see the README)', collectList)
    .option('--ignore <code[=Kind ns/name]>', 'suppress a code, everywhere or on one resource (repeatable; also the kgd.io/ignore annotation and .kgd.yaml)', collectList)
    .option('--show-suppressed', 'list the suppressed findings too')
    .option('-q, --quiet', 'leave out info findings (text output still counts them, and how many are checks that could not run)');
  addThreadsOption(command);
  addClusterOptions(command, { what: 'read the live cluster (kubeconfig) instead of files; needs only get/list, see deploy/clusterrole.yaml', hasNamespaceOption: true })
    .addHelpText('after', '\nExit status: 0 no finding at or above --fail-on, 1 findings, 2 usage or input error (a file that cannot be read or parsed, or no resources at all), 3 internal error.\nExamples:\n  kgd check examples/custom-gateway-broken\n  kubectl get gateway,virtualservice,svc,cm -A -o yaml | kgd check -\n  kgd check manifests/ -o sarif > kgd.sarif')
    .action(async (paths: string[], flags: CheckFlags, cmd: Command) => {
      const format = parseFormat(flags.output);
      const failOn = parseFailOn(flags.failOn);
      const known = new Set(rules.map((r) => r.id));
      for (const id of flags.rule ?? []) if (!known.has(id)) throw new UsageError(`unknown rule "${id}" (see \`kgd rules\`)`);
      // The project file (.kgd.yaml, from here upward): flags win; ignores add up.
      const projectFile = findProjectFile(process.cwd());
      const project = projectFile ? loadProject(projectFile) : undefined;
      for (const id of project?.rules ?? []) if (!known.has(id)) throw new UsageError(`${projectFile}: unknown rule "${id}" (see \`kgd rules\`)`);
      const severity: Record<string, Severity | 'off'> = { ...(project?.severity ?? {}) };
      const codes = new Set<string>(Object.values(catalog).map((d) => d.code));
      for (const e of project?.ignore ?? []) if (!codes.has(e.code)) throw new UsageError(`${e.source}: unknown code ${e.code} (see \`kgd rules\`)`);
      const ignore: IgnoreEntry[] = [...(project?.ignore ?? [])];
      for (const spec of flags.ignore ?? []) {
        try {
          const entry = parseIgnore(spec, '--ignore');
          if (!codes.has(entry.code)) throw new UsageError(`--ignore: unknown code ${entry.code} (see \`kgd rules\`)`);
          ignore.push(entry);
        } catch (e) {
          if (e instanceof IgnoreSyntaxError) throw new UsageError(e.message);
          throw e;
        }
      }
      const suppressed: SuppressedDiagnostic[] = [];
      for (const s of flags.severity ?? []) {
        const m = /^([A-Za-z0-9]+)=(error|warning|info|off)$/.exec(s);
        if (!m) throw new UsageError(`--severity takes CODE=error|warning|info|off, not "${s}"`);
        if (!Object.values(catalog).some((c) => c.code === m[1]!.toUpperCase())) throw new UsageError(`--severity: unknown code "${m[1]}" (see \`kgd rules\`)`);
        severity[m[1]!.toUpperCase()] = m[2] as Severity | 'off';
      }
      const showProgress = io.stderr.isTTY && format === 'text';
      let count = 0;
      // --complete says so; otherwise the source decides (a live cluster read whole, a complete kgd dump).
      const complete = flags.complete === true ? true : undefined;
      const clusterDomain = cmd.getOptionValueSource('clusterDomain') === 'default' && project?.clusterDomain ? project.clusterDomain : flags.clusterDomain;
      const options = { threads: threadsOf(flags), assumeDefaults: flags.assumeDefaults ?? false, complete, clusterDomain, defaultNamespace: flags.namespace ?? 'default', only: flags.rule ?? project?.rules, severity, versions: parseVersions(flags.versions), ignore, suppressed };
      const cluster = clusterOptions(flags, cmd, { onProgress: showProgress ? (m) => io.stderr.write(`\rreading… ${m}\x1b[K`) : undefined });
      if (flags.cluster && !(paths.length === 1 && paths[0] === '.')) throw new UsageError('--cluster reads the cluster; give no paths with it');
      if (cluster.note && !flags.quiet) io.stderr.write(`kgd: ${cluster.note}\n`);
      const result = flags.cluster
        ? await checkCluster(cluster, options)
        : await checkPaths(paths, { ...options, onFile: showProgress ? () => { if (++count % 50 === 0) io.stderr.write(`\rreading… ${count} files`); } : undefined });
      if (showProgress && flags.cluster) io.stderr.write('\r\x1b[K');
      if (showProgress && count >= 50) io.stderr.write('\r\x1b[K');
      // What the folder walk left out, in one line (stderr: the report itself stays the findings).
      const skipped = 'skipped' in result ? result.skipped ?? [] : [];
      if (skipped.length > 0 && !flags.quiet) {
        const byReason = new Map<string, string[]>();
        for (const x of skipped) {
          const paths = byReason.get(x.reason);
          if (paths) paths.push(x.path);
          else byReason.set(x.reason, [x.path]);
        }
        const parts = [...byReason].map(([why, ps]) => `${ps.length} ${SKIP_NOUNS[why] ?? `file(s) of ${why}`} (${ps.slice(0, 3).join(', ')}${ps.length > 3 ? ', …' : ''})`);
        io.stderr.write(`kgd: skipped ${parts.length > 1 ? `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}` : parts[0]}\n`);
      }
      const diags = flags.quiet ? result.diagnostics.filter((d) => d.severity !== 'info') : result.diagnostics;
      const dropped = result.diagnostics.filter((d) => d.severity === 'info' && flags.quiet);
      const quietDropped = { info: dropped.length, notRun: dropped.filter((d) => d.id === 'CheckSkipped').length };
      io.stdout.write(render(diags, format, { files: result.files, resources: result.resourceCount, color: useColor(io.stdout), suppressed, showSuppressed: flags.showSuppressed ?? false, quietDropped, rulesRun: options.only ?? rules.map((r) => r.id), failOn }));
      // Input that could not be read or parsed (KGD0001, KGD0004), or that holds no resource at all, is an input error:
      // exit 2 (the findings are still printed), so that `kgd check wrong-dir/` fails a CI job.
      const unreadable = result.diagnostics.some((d) => d.id === 'YamlSyntaxError' || d.id === 'FileUnreadable');
      const empty = !flags.cluster && result.resourceCount === 0;
      if (empty && format === 'text') io.stderr.write(`kgd: no Kubernetes resources in ${paths.join(' ')}\n`);
      io.setExit(unreadable || empty ? 2 : exitCodeFor(diags, failOn));
    });
}
