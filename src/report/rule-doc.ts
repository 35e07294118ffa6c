import { catalog, type CatalogKey } from '../diagnostics/catalog.js';
import type { Rule } from '../engine/define-rule.js';

const SYMPTOM_DOC: Record<string, string> = {
  '404': '404 Not Found (Envoy `route_not_found`, response flag `NR`)',
  '503': '503 / connection refused / name not resolved',
  '504': '504 Gateway Timeout, or the call hangs until the client times out',
  '403': '403 Forbidden (`RBAC: access denied`)',
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
    `| Reported by | ${emitters.length ? emitters.join(', ') : 'the loader (`input`)'} |`,
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
