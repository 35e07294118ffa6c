/**
 * JUnit XML for CI systems that show test reports (GitLab, Jenkins, Azure Pipelines): one test suite per rule
 * that ran, one test case per finding — a failure when the finding is at or above --fail-on, else a passing case
 * with the finding as its output — and one passing case for a rule with no findings, so the report lists what was
 * checked. Input problems are the suite `input`.
 */
import { XMLBuilder } from 'fast-xml-parser';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { Severity } from '../diagnostics/catalog.js';
import { SEVERITY_RANK } from '../diagnostics/diagnostic.js';

/** Characters XML 1.0 does not allow, even escaped. */
// eslint-disable-next-line no-control-regex
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;
const clean = (s: string) => s.replace(NOT_XML, '\uFFFD');

function where(d: Diagnostic): string {
  return d.location ? `${d.location.file}:${d.location.line}:${d.location.column}` : '(no file)';
}

export function formatJunit(diags: readonly Diagnostic[], rulesRun: readonly string[], failOn: Severity | 'none'): string {
  const fails = (d: Diagnostic) => failOn !== 'none' && SEVERITY_RANK[d.severity] <= SEVERITY_RANK[failOn];
  const byRule = new Map<string, Diagnostic[]>(rulesRun.map((r) => [r, []]));
  for (const d of diags) {
    const list = byRule.get(d.rule);
    if (list) list.push(d);
    else byRule.set(d.rule, [d]);
  }
  const suites = [...byRule].map(([rule, ds]) => {
    const cases = ds.length === 0
      ? [{ '@_name': `${rule}: no findings`, '@_classname': `kgd.${rule}` }]
      : ds.map((d) => {
        const text = clean(`${where(d)} ${d.severity} ${d.code} [${d.symptom}] ${d.resource ?? ''}\n${d.message}\nfix: ${d.fix}`);
        const name = clean(`${d.code} ${d.resource ?? (d.location?.file ?? '')}${d.path ?? ''}`);
        return fails(d)
          ? { '@_name': name, '@_classname': `kgd.${rule}`, '@_file': d.location?.file, failure: { '@_message': clean(d.message), '@_type': `${d.severity} ${d.code}`, '#text': text } }
          : { '@_name': name, '@_classname': `kgd.${rule}`, '@_file': d.location?.file, 'system-out': text };
      });
    return { '@_name': rule, '@_tests': cases.length, '@_failures': ds.filter(fails).length, '@_errors': 0, testcase: cases };
  });
  const total = suites.reduce((n, s) => n + s['@_tests'], 0);
  const failures = suites.reduce((n, s) => n + s['@_failures'], 0);
  const builder = new XMLBuilder({ ignoreAttributes: false, format: true, indentBy: '  ', suppressEmptyNode: true, processEntities: true });
  return `<?xml version="1.0" encoding="UTF-8"?>\n${builder.build({ testsuites: { '@_name': 'kgd check', '@_tests': total, '@_failures': failures, '@_errors': 0, testsuite: suites } }) as string}`;
}
