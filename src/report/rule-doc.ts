import { catalog, type CatalogKey } from '../diagnostics/catalog.js';
import type { Rule } from '../engine/define-rule.js';
import { rules as allRules } from '../rules/index.js';

export const SYMPTOM_DOC: Readonly<Record<string, string>> = {
  '404': '404 Not Found (Envoy `route_not_found`, response flag `NR`)',
  '503': '503 / connection refused / name not resolved',
  '504': '504 Gateway Timeout, or the call hangs until the client times out',
  '403': '403 Forbidden (`RBAC: access denied`)',
  '401': '401 Unauthorized, or 302 to a login page (an auth provider in front of the workload)',
  dns: 'the name does not resolve (curl: `Could not resolve host`; 503 through a sidecar)',
  'not-ready': 'InferenceService / Route not Ready (KIngress `ReconcileIngressFailed`, `Uninitialized`, or `IngressNotConfigured`)',
  input: 'part of the input is not checked',
  degraded: 'no outage by itself; a check was skipped or a setting has no effect',
};

/** The docs page of one code; docs/rules/<CODE>.md is this text (a test keeps them equal). */
export function ruleDoc(key: CatalogKey, rules: readonly Rule[]): string {
  const d = catalog[key];
  const emitters = rules.filter((r) => r.meta.emits.includes(key)).map((r) => `\`${r.id}\``);
  const ph = (s: string) => s.replace(/\{\{(\w+)\}\}/g, '<$1>');
  return [
    `# ${d.code} ${key}`,
    '',
    `**${d.title}**`,
    '',
    `| | |`,
    `|---|---|`,
    `| Severity | ${d.severity} |`,
    `| Symptom | ${SYMPTOM_DOC[d.symptom]} |`,
    `| Reported by | ${emitters.length ? emitters.join(', ') : key === 'CheckSkipped' ? 'any rule that cannot run on the input' : 'the loader (rule `input`)'} |`,
    '',
    '## What it means',
    '',
    d.description,
    '',
    '## Message',
    '',
    `> ${ph(d.message)}`,
    '',
    '## How to fix',
    '',
    ph(d.fix),
    '',
  ].join('\n');
}

/** Every docs/rules file by name: one page per code plus the index. */
export function renderDocs(): Record<string, string> {
  const keys = (Object.keys(catalog) as CatalogKey[]).sort((a, b) => catalog[a].code.localeCompare(catalog[b].code));
  const out: Record<string, string> = {};
  for (const k of keys) out[`${catalog[k].code}.md`] = ruleDoc(k, allRules);
  out['README.md'] = [
    '# Diagnostic codes',
    '',
    'Generated from `src/diagnostics/catalog.ts` by `npm run docs`. `kgd explain <CODE>` prints the same pages.',
    '',
    '| Code | Name | Severity | Symptom | Title |',
    '|---|---|---|---|---|',
    ...keys.map((k) => `| [${catalog[k].code}](${catalog[k].code}.md) | ${k} | ${catalog[k].severity} | ${catalog[k].symptom} | ${catalog[k].title} |`),
    '',
  ].join('\n');
  return out;
}

export const RULES_START = '<!-- rules-table:start (npm run docs) -->';
export const RULES_END = '<!-- rules-table:end -->';

/** The README's table of rules, from each rule's meta and the catalog (codes, and symptoms by first appearance). */
export function renderRulesTable(rules: readonly Rule[] = allRules): string {
  const rows = rules.map((r) => {
    const codes = r.meta.emits.map((k) => `[${catalog[k].code}](docs/rules/${catalog[k].code}.md)`).join(', ');
    const symptoms = [...new Set(r.meta.emits.map((k) => catalog[k].symptom))].join(', ');
    return `| \`${r.id}\` | ${r.meta.description.replace(/\|/g, '\\|')} | ${codes} | ${symptoms} |`;
  });
  return ['| rule | checks | codes | symptoms |', '|---|---|---|---|', ...rows].join('\n');
}

/** The README with its rules table replaced by the generated one. */
export function withRulesTable(readme: string): string {
  const a = readme.indexOf(RULES_START);
  const b = readme.indexOf(RULES_END);
  if (a < 0 || b < a) throw new Error('README.md has no rules table markers');
  return `${readme.slice(0, a + RULES_START.length)}\n${renderRulesTable()}\n${readme.slice(b)}`;
}
