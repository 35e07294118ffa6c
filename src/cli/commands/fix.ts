import type { Command } from 'commander';
import { existsSync, statSync } from 'node:fs';
import { renderKind } from '../../load/render.js';
import { createInterface } from 'node:readline/promises';
import { checkCluster, checkPaths } from '../../check.js';
import { loadConfig } from '../../load/cluster.js';
import { applyRepairs } from '../../fix/apply.js';
import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import { objectToYaml, yamlStream } from '../../generate/yaml-out.js';
import { planFixes, writeRepairs, type FixPlan } from '../../fix/plan.js';
import { UsageError } from '../errors.js';
import { addClusterOptions, clusterOptions, NAMESPACE_HELP } from '../cluster-flags.js';
import { addThreadsOption, threadsOf } from '../threads.js';

interface FixFlags {
  threads?: string;
  output: string;
  write?: boolean;
  clusterDomain: string;
  namespace?: string;
  namespaces?: string[];
  allNamespaces?: boolean;
  assumeDefaults?: boolean;
  complete?: boolean;
  cluster?: boolean;
  kubeconfig?: string;
  context?: string;
  apply?: boolean;
  yes?: boolean;
  forceConflicts?: boolean;
}

/** Asks on the terminal; anything but y/yes is no. */
async function confirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

const where = (d: Diagnostic) => (d.location ? `${d.location.file}:${d.location.line}` : '(no file)');

function formatText(plan: FixPlan): string {
  const out: string[] = [];
  if (plan.repairs.length === 0) out.push(plan.suggestions.length === 0 && plan.refused.length === 0 ? 'No problems found.' : 'No finding has a single safe repair.');
  for (const r of plan.repairs) {
    out.push(`${r.name}`);
    for (const d of r.diagnostics) out.push(`  ${where(d)}  ${d.code}  ${d.repair!.summary}`);
    const meta = r.resource.object['metadata'] as { name: string; namespace?: string };
    out.push(`  JSON Patch: kubectl patch ${r.resource.kind.toLowerCase()} ${meta.name}${meta.namespace ? ` -n ${meta.namespace}` : ''} --type json -p '${JSON.stringify(r.jsonPatch)}'`);
    out.push('  Strategic merge (kubectl apply --server-side --field-manager=kgd -f -):');
    out.push(...objectToYaml(r.mergePatch).trimEnd().split('\n').map((l) => `    ${l}`));
    out.push('');
  }
  if (plan.refused.length) {
    out.push('Not repaired (no safe way to make the change):');
    for (const x of plan.refused) out.push(`  ${where(x.diagnostic)}  ${x.diagnostic.code}  ${x.diagnostic.resource ?? ''}: ${x.reason}`);
    out.push('');
  }
  if (plan.suggestions.length) {
    out.push('Suggestions (more than one possible repair; kgd picks none):');
    for (const d of plan.suggestions) out.push(`  ${where(d)}  ${d.code}  ${d.resource ?? ''}: ${d.fix}`);
    out.push('');
  }
  return out.join('\n') + '\n';
}

function formatJson(plan: FixPlan): string {
  return JSON.stringify({
    schemaVersion: 1,
    repairs: plan.repairs.map((r) => ({
      resource: r.name,
      file: r.resource.origin?.file ?? null,
      findings: r.diagnostics.map((d) => ({ code: d.code, location: d.location ?? null, summary: d.repair!.summary })),
      jsonPatch: r.jsonPatch,
      mergePatch: r.mergePatch,
    })),
    refused: plan.refused.map((x) => ({ code: x.diagnostic.code, resource: x.diagnostic.resource ?? null, location: x.diagnostic.location ?? null, reason: x.reason })),
    suggestions: plan.suggestions.map((d) => ({ code: d.code, resource: d.resource ?? null, location: d.location ?? null, fix: d.fix })),
  }, null, 2) + '\n';
}

export function registerFix(program: Command, io: { stdout: NodeJS.WriteStream; stderr: NodeJS.WriteStream; setExit: (n: number) => void }): void {
  const command = program
    .command('fix')
    .description('Repair what kgd check finds, where there is exactly one safe repair: as JSON Patch and strategic-merge patches, or (--write) in the files themselves, changing only the repaired fields. Findings with several possible repairs are listed as suggestions.')
    .argument('[paths...]', 'manifest files or folders (default: the current folder, except with --write, which needs them named); "-" reads stdin (patches only, nothing to write)')
    .option('-o, --output <format>', 'text (patches and suggestions), json, or yaml (the strategic-merge patches as one stream)', 'text')
    .option('--write', 'edit the files in place (only the repaired fields change); without it nothing is written')
    .option('--cluster-domain <domain>', 'the cluster DNS domain', 'cluster.local')
    .option('-n, --namespace <ns>', NAMESPACE_HELP)
    .option('--assume-defaults', 'fill in upstream defaults for what the input lacks')
    .option('--complete', 'the input is the whole cluster: assume nothing a default install has (--cluster implies it)')
    .option('--apply', 'with --cluster: dry-run every repair on the server (dryRun=All), show the diff, then apply by server-side apply (field manager "kgd") after confirmation')
    .option('-y, --yes', 'with --apply: do not ask (required when stdin is not a terminal)')
    .option('--force-conflicts', 'with --apply: take over fields another field manager owns (otherwise a conflict is reported and nothing is changed)');
  addThreadsOption(command);
  addClusterOptions(command, { what: 'repair the live cluster (kubeconfig) instead of files: shows the patches; with --apply sends them', hasNamespaceOption: true })
    .addHelpText('after', '\nExit status: 0 nothing left to repair by hand, 1 findings remain (suggestions or refused repairs), 2 usage or input error, 3 internal error.\nExamples:\n  kgd fix examples/custom-gateway-broken\n  kgd fix manifests/ -o yaml | kubectl apply --server-side --field-manager=kgd -f -\n  kgd fix --write manifests/')
    .action(async (paths: string[], flags: FixFlags, cmd: Command) => {
      if (!['text', 'json', 'yaml'].includes(flags.output)) throw new UsageError(`unknown output format "${flags.output}" (use text, json or yaml)`);
      // A command that writes never defaults to the current folder.
      if (flags.write && paths.length === 0) throw new UsageError('--write edits files in place: name them (e.g. kgd fix --write manifests/); it never defaults to the current folder');
      const rendered = flags.write ? paths.find((p) => existsSync(p) && statSync(p).isDirectory() && renderKind(p)) : undefined;
      if (rendered) throw new UsageError(`--write edits files, and ${rendered} is rendered (${renderKind(rendered)}): drop --write to get the patches, and make the change in its sources`);
      if (flags.write && paths.includes('-')) throw new UsageError('--write edits files; standard input has none (drop --write to get patches)');
      if (flags.apply && !flags.cluster) throw new UsageError('--apply changes a live cluster: add --cluster (for files, use --write)');
      if (flags.cluster && flags.write) throw new UsageError('--write edits files; with --cluster use --apply');
      if (flags.cluster && paths.length > 0) throw new UsageError('--cluster reads the cluster; give no paths with it');
      const inputs = paths.length > 0 ? paths : ['.'];
      const cluster = clusterOptions(flags, cmd);
      if (cluster.note) io.stderr.write(`kgd: ${cluster.note}\n`);
      if ((flags.yes || flags.forceConflicts) && !flags.apply) throw new UsageError('--yes and --force-conflicts go with --apply');
      // Objects are kept (no compaction): patches are computed against them.
      const checkOptions = { threads: threadsOf(flags), clusterDomain: flags.clusterDomain, defaultNamespace: flags.namespace ?? 'default', assumeDefaults: flags.assumeDefaults ?? false, complete: flags.complete === true ? true : undefined, compact: false, onResource: undefined };
      const result = flags.cluster
        ? await checkCluster(cluster, checkOptions)
        : await checkPaths(inputs, checkOptions);
      const plan = planFixes(result.diagnostics);
      if (flags.output === 'json') io.stdout.write(formatJson(plan));
      else if (flags.output === 'yaml') io.stdout.write(yamlStream(plan.repairs.map((r) => objectToYaml(r.mergePatch, `kgd fix: ${r.diagnostics.map((d) => `${d.code} ${d.repair!.summary}`).join('; ')}`))));
      else io.stdout.write(formatText(plan));
      let refusedWrites = 0;
      if (flags.write) {
        const w = writeRepairs(plan.repairs);
        for (const f of w.written) io.stderr.write(`wrote ${f}\n`);
        for (const x of w.refused) io.stderr.write(`not written: ${x.repair.name}: ${x.reason}\n`);
        refusedWrites = w.refused.length;
      }
      let notApplied = 0;
      if (flags.apply && plan.repairs.length > 0) {
        const kc = loadConfig({ kubeconfig: flags.kubeconfig, context: flags.context });
        const dry = await applyRepairs(kc, plan.repairs, { dryRun: true, force: flags.forceConflicts ?? false });
        for (const o of dry) io.stderr.write(o.status === 'would-apply' ? o.diff : `${o.repair.name}: ${o.status}: ${o.message}\n`);
        const ready = dry.filter((o) => o.status === 'would-apply').map((o) => o.repair);
        notApplied = dry.length - ready.length;
        if (ready.length > 0) {
          const go = flags.yes || (process.stdin.isTTY && io.stderr.isTTY ? await confirm(`Apply ${ready.length} repair${ready.length === 1 ? '' : 's'} to the cluster? [y/N] `) : false);
          if (!go) {
            if (!flags.yes && !process.stdin.isTTY) throw new UsageError('nothing applied: the server accepted the dry run above; pass --yes to apply without a terminal to confirm on');
            io.stderr.write('nothing applied\n');
            notApplied += ready.length;
          } else {
            for (const o of await applyRepairs(kc, ready, { dryRun: false, force: flags.forceConflicts ?? false })) {
              io.stderr.write(`${o.repair.name}: ${o.status}${o.status === 'applied' ? ` (resourceVersion ${o.resourceVersion})` : `: ${o.message}`}\n`);
              if (o.status !== 'applied') notApplied++;
            }
          }
        }
      }
      io.setExit(plan.suggestions.length + plan.refused.length + refusedWrites + notApplied > 0 ? 1 : 0);
    });
}
