import { locate } from '../load/locate.js';
import type { InputProblem } from '../load/problem.js';
import { displayName, type Resource } from '../load/resource.js';
import { suppressionOf, type IgnoreEntry, type SuppressedDiagnostic } from './suppress.js';
import { catalog, placeholders, type Severity } from '../diagnostics/catalog.js';
import { makeDiagnostic, sortDiagnostics, type Diagnostic } from '../diagnostics/diagnostic.js';
import { formatPath } from '../shared/path.js';
import type { Snapshot } from '../snapshot/snapshot.js';
import type { Report, Rule, RuleContext } from './define-rule.js';

export interface RunOptions {
  /** Run only these rule ids. */
  readonly only?: readonly string[];
  /** Per-code or per-key severity overrides, e.g. { KGD1304: 'error' }. */
  readonly severity?: Readonly<Record<string, Severity | 'off'>>;
  /** `--ignore` and project-file entries (annotations on the resources are always honoured). */
  readonly ignore?: readonly IgnoreEntry[];
  /** Receives the findings a suppression left out (counted and listed by the CLI). */
  readonly suppressed?: SuppressedDiagnostic[];
}

/** A bug in a rule (it reported a code it did not declare, or left a placeholder unfilled). */
export class RuleContractError extends Error {}

export function problemToDiagnostic(p: InputProblem): Diagnostic {
  return makeDiagnostic(p.id, p.data, {
    rule: 'input',
    resource: p.resource ? displayName(p.resource) : undefined,
    path: p.path ? formatPath(p.path) : undefined,
    location: p.location ?? (p.resource ? locate(p.resource, p.path ?? []) : undefined),
    derivedFrom: p.resource?.derivedFrom,
    related: [],
  });
}

function severityFor(options: RunOptions, key: string, code: string): Severity | 'off' | undefined {
  return options.severity?.[code] ?? options.severity?.[key];
}

export function reportToDiagnostic(rule: Rule, r: Report, sev?: Severity): Diagnostic {
  if (!rule.meta.emits.includes(r.id)) throw new RuleContractError(`rule ${rule.id} reported ${r.id}, which is not in meta.emits`);
  const data = r.data ?? {};
  const def = catalog[r.id];
  for (const k of [...placeholders(def.message), ...placeholders(def.fix)]) {
    if (data[k] === undefined) throw new RuleContractError(`rule ${rule.id} reported ${r.id} without data.${k}`);
  }
  const d = makeDiagnostic(
    r.id,
    data,
    {
      rule: rule.id,
      resource: displayName(r.resource),
      path: r.path ? formatPath(r.path) + (r.innerPath && r.innerPath.length ? ` → ${formatPath(r.innerPath)}` : '') : undefined,
      location: locate(r.resource, r.path ?? [], r.innerPath),
      derivedFrom: r.resource.derivedFrom,
      related: [...(r.related ?? []), ...(r.owner ? [r.owner] : [])].map((x) => ({ resource: displayName(x.resource), location: locate(x.resource, x.path ?? []) })),
      ...(r.repair ? { repair: r.repair } : {}),
    },
    sev,
  );
  // A fix on an object its controller rewrites would not last: name the field the user owns.
  return r.owner ? { ...d, fix: r.owner.fix } : d;
}

/** Runs rules over a snapshot and returns every finding (input problems included), sorted. */
export function runRules(snapshot: Snapshot, rules: readonly Rule[], options: RunOptions = {}): Diagnostic[] {
  const out: Diagnostic[] = [];
  const push = (d: Diagnostic, res?: Resource) => {
    const s = severityFor(options, d.id, d.code);
    if (s === 'off') return;
    const finding = s ? { ...d, severity: s } : d;
    const why = suppressionOf(finding, res, options.ignore ?? []);
    if (why) options.suppressed?.push({ ...finding, suppressed: why });
    else out.push(finding);
  };
  for (const p of snapshot.problems) push(problemToDiagnostic(p), p.resource);
  for (const rule of rules) {
    if (options.only && !options.only.includes(rule.id)) continue;
    for (const f of ruleFindings(snapshot, rule)) push(f.d, f.res);
  }
  return sortDiagnostics(out);
}

/**
 * What one rule reports on a snapshot, before severities and suppressions: computed once per snapshot and rule
 * (a trace asks for vs-stale-gateways' findings after `check` ran it).
 */
function ruleFindings(snapshot: Snapshot, rule: Rule): readonly Finding[] {
  let byRule = FINDINGS.get(snapshot);
  if (!byRule) FINDINGS.set(snapshot, (byRule = new Map()));
  const known = byRule.get(rule);
  if (known) return known;
  const found: Finding[] = [];
  const skipped = new Set<string>();
  const ctx: RuleContext = {
    snapshot,
    report: (r) => found.push({ d: reportToDiagnostic(rule, r), res: r.resource }),
    skip: (reason, needs) => {
      if (skipped.has(reason)) return;
      skipped.add(reason);
      found.push({ d: makeDiagnostic('CheckSkipped', { rule: rule.id, reason, needs }, { rule: rule.id, resource: undefined, path: undefined, location: undefined, derivedFrom: undefined, related: [] }), res: undefined });
    },
  };
  rule.check(ctx);
  byRule.set(rule, found);
  return found;
}

interface Finding { readonly d: Diagnostic; readonly res: Resource | undefined }
const FINDINGS = new WeakMap<Snapshot, Map<Rule, readonly Finding[]>>();
