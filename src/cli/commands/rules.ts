import type { Command } from 'commander';
import { catalog, type CatalogKey } from '../../diagnostics/catalog.js';
import { rules } from '../../rules/index.js';
import { ruleDoc } from '../../report/rule-doc.js';
import { UsageError } from '../errors.js';
import { parseFormat } from '../output.js';

export function registerRules(program: Command, io: { stdout: NodeJS.WriteStream }): void {
  program
    .command('rules')
    .description('List the rules and the codes each one reports.')
    .option('-o, --output <format>', 'text or json', 'text')
    .action((flags: { output: string }) => {
      if (flags.output !== 'text' && flags.output !== 'json') throw new UsageError(`kgd rules prints text or json, not "${flags.output}"`);
      const format = parseFormat(flags.output);
      if (format === 'json') {
        const out = rules.map((r) => ({ id: r.id, description: r.meta.description, inputs: r.meta.inputs, codes: r.meta.emits.map((k) => ({ code: catalog[k].code, id: k, severity: catalog[k].severity, symptom: catalog[k].symptom, title: catalog[k].title })) }));
        io.stdout.write(JSON.stringify(out, null, 2) + '\n');
        return;
      }
      const lines: string[] = [];
      for (const r of rules) {
        lines.push(`${r.id}`);
        lines.push(`  ${r.meta.description}`);
        for (const k of r.meta.emits) lines.push(`  ${catalog[k].code}  ${catalog[k].severity.padEnd(7)}  ${catalog[k].symptom.padEnd(9)}  ${catalog[k].title}`);
        lines.push('');
      }
      io.stdout.write(lines.join('\n'));
    });

  program
    .command('explain')
    .description('Print the documentation of a diagnostic code (e.g. KGD1405), catalog name (e.g. GatewayHostsExcludeRoutes) or rule id (e.g. gateway-hosts-admit-routes: every code it reports).')
    .argument('<code>', 'a code such as KGD1405, or a rule id')
    .action((code: string) => {
      const key = (Object.keys(catalog) as CatalogKey[]).find((k) => catalog[k].code.toLowerCase() === code.toLowerCase() || k.toLowerCase() === code.toLowerCase());
      const rule = rules.find((r) => r.id === code.toLowerCase());
      if (!key && !rule) throw new UsageError(`unknown code or rule "${code}" (see \`kgd rules\`)`);
      io.stdout.write(key ? ruleDoc(key, rules) : rule!.meta.emits.map((k) => ruleDoc(k, rules)).join('\n'));
    });
}
