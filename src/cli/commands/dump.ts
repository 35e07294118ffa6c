import type { Command } from 'commander';
import { loadCluster } from '../../load/cluster.js';
import { displayName } from '../../load/resource.js';
import { objectToYaml, yamlStream } from '../../generate/yaml-out.js';
import { UsageError } from '../errors.js';
import { addClusterOptions, clusterOptions, type ClusterFlags } from '../cluster-flags.js';
import { COMPLETE_MARK, DUMP_HEADER, wholeClusterRead } from '../../load/dump-marker.js';

interface DumpFlags extends ClusterFlags {
  output: string;
}

export function registerDump(program: Command, io: { stdout: NodeJS.WriteStream; stderr: NodeJS.WriteStream; setExit: (n: number) => void }): void {
  const command = program
    .command('dump')
    .description('Write what kgd reads from the cluster as one YAML stream (or a JSON List), so a snapshot can be shared and checked offline with `kgd check FILE`. Secrets are never read.')
    .option('-o, --output <format>', 'yaml or json', 'yaml');
  addClusterOptions(command, { what: 'read the live cluster (required: dump has no other source)', hasNamespaceOption: false })
    .addHelpText('after', '\nExit status: 0 written (kinds that could not be read are listed on stderr), 2 usage error or the cluster is unreachable, 3 internal error.\nExample:\n  kgd dump --cluster --context prod > prod.yaml && kgd check prod.yaml')
    .action(async (flags: DumpFlags, cmd: Command) => {
      if (!flags.cluster) throw new UsageError('dump reads the cluster: pass --cluster');
      if (flags.output !== 'yaml' && flags.output !== 'json') throw new UsageError(`unknown output format "${flags.output}" (use yaml or json)`);
      const progress = io.stderr.isTTY ? (m: string) => io.stderr.write(`\rreading… ${m}\x1b[K`) : undefined;
      const cluster = clusterOptions(flags, cmd, { onProgress: progress });
      if (cluster.note) io.stderr.write(`kgd: ${cluster.note}\n`);
      const loaded = await loadCluster(cluster);
      if (progress) io.stderr.write('\r\x1b[K');
      for (const p of loaded.problems) io.stderr.write(`kgd: not in the dump: ${p.data['kind']}: ${p.data['reason']}\n`);
      const sorted = [...loaded.resources].sort((a, b) => displayName(a).localeCompare(displayName(b)) || a.apiVersion.localeCompare(b.apiVersion));
      if (flags.output === 'json') io.stdout.write(JSON.stringify({ apiVersion: 'v1', kind: 'List', items: sorted.map((r) => r.object) }, null, 2) + '\n');
      // The header says whether this is the whole cluster as kgd reads it: `kgd check` then assumes nothing.
      else io.stdout.write(`${DUMP_HEADER} ${loaded.source}${wholeClusterRead(loaded) ? ` ${COMPLETE_MARK}` : ''}\n` + yamlStream(sorted.map((r) => objectToYaml(r.object))));
      io.setExit(0);
    });
}
