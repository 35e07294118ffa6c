import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseManifestText } from '../src/load/parse.js';
import { buildSnapshot } from '../src/platform/build.js';
import type { Snapshot, SnapshotOptions, ViewKind } from '../src/snapshot/snapshot.js';
import { runRules } from '../src/engine/run.js';
import type { Rule } from '../src/engine/define-rule.js';
import type { CatalogKey } from '../src/diagnostics/catalog.js';
import type { Diagnostic } from '../src/diagnostics/diagnostic.js';
import { withoutAssumptions } from './helpers/findings.js';

/** Dedents a template literal so manifests can be written indented inside tests. */
export function yaml(strings: TemplateStringsArray, ...values: unknown[]): string {
  let text = strings.reduce((acc, s, i) => acc + s + (i < values.length ? String(values[i]) : ''), '');
  text = text.replace(/^\n/, '');
  const indents = text.split('\n').filter((l) => l.trim()).map((l) => /^ */.exec(l)![0].length);
  const min = indents.length ? Math.min(...indents) : 0;
  return text.split('\n').map((l) => l.slice(min)).join('\n');
}

export interface ExpectedError {
  readonly id: CatalogKey;
  /** `Kind ns/name` */
  readonly resource?: string;
  readonly line?: number;
  /** Substring the message must contain. */
  readonly message?: string;
  readonly data?: Readonly<Record<string, string>>;
}

export interface ValidCase {
  readonly name: string;
  readonly manifests: string;
  readonly options?: SnapshotOptions;
}

export interface InvalidCase extends ValidCase {
  readonly errors: readonly ExpectedError[];
}

const SNAPSHOT_METHODS_KINDS: Record<string, ViewKind[]> = {
  workloadsMatching: ['Workload'],
  servicesSelecting: ['Service'],
  namespaceLabels: ['Namespace'],
};

/** Wraps a snapshot so that every kind a rule reads is recorded (to compare with meta.inputs). */
function recording(snapshot: Snapshot, read: Set<string>): Snapshot {
  return new Proxy(snapshot, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver);
      if (typeof v !== 'function') return v;
      return (...args: unknown[]) => {
        if (prop === 'list' || prop === 'get') read.add(String(args[0]));
        for (const k of SNAPSHOT_METHODS_KINDS[String(prop)] ?? []) read.add(k);
        return (v as (...a: unknown[]) => unknown).apply(receiver, args);
      };
    },
  });
}

function runOne(rule: Rule, c: ValidCase): { diags: Diagnostic[]; read: Set<string> } {
  const parsed = parseManifestText('test.yaml', c.manifests);
  assert.deepEqual(parsed.problems.map((p) => p.id), [], `${c.name}: the test manifests do not parse`);
  const read = new Set<string>();
  // A case's manifests are the whole cluster unless it says otherwise (options.complete: false tests what a
  // partial input assumes): a rule is tested on exactly what the case gives it.
  const snapshot = recording(buildSnapshot(parsed.resources, { complete: true, ...c.options }), read);
  // The input-level note on assumed versions is not the rule's (test/platform/detect-versions.test.ts has it).
  return { diags: withoutAssumptions(runRules(snapshot, [rule])), read };
}

/**
 * ESLint's RuleTester, for manifests: every valid case yields nothing; every invalid case yields exactly
 * the listed findings (codes from meta.emits, placeholders filled), and the rule reads only meta.inputs.
 */
export class RuleTester {
  run(rule: Rule, cases: { valid: readonly ValidCase[]; invalid: readonly InvalidCase[] }): void {
    describe(`rule ${rule.id}`, () => {
      const names = [...cases.valid, ...cases.invalid].map((c) => c.name);
      it('has no duplicate case names', () => assert.equal(new Set(names).size, names.length));
      it('has valid and invalid cases', () => {
        assert.ok(cases.valid.length > 0, 'no valid case');
        assert.ok(cases.invalid.length > 0, 'no invalid case');
      });
      it('covers every code it emits', () => {
        const covered = new Set(cases.invalid.flatMap((c) => c.errors.map((e) => e.id)));
        for (const id of rule.meta.emits) assert.ok(covered.has(id), `no invalid case reports ${id}`);
      });
      cases.valid.forEach((c, i) => {
        it(`valid[${i}] ${c.name}`, () => {
          const { diags, read } = runOne(rule, c);
          assert.deepEqual(diags.map((d) => `${d.code} ${d.resource}: ${d.message}`), [], `valid[${i}] "${c.name}" reported findings`);
          for (const k of read) assert.ok(rule.meta.inputs.includes(k as ViewKind), `rule read ${k}, which is not in meta.inputs`);
        });
      });
      cases.invalid.forEach((c, i) => {
        it(`invalid[${i}] ${c.name}`, () => {
          assert.ok(c.errors.length > 0, `invalid[${i}] lists no error`);
          const { diags, read } = runOne(rule, c);
          const label = `invalid[${i}] "${c.name}"`;
          assert.equal(diags.length, c.errors.length, `${label}: expected ${c.errors.length} finding(s), got:\n${diags.map((d) => `  ${d.code} ${d.resource} ${d.message}`).join('\n')}`);
          const remaining = [...diags];
          for (const e of c.errors) {
            const idx = remaining.findIndex(
              (d) =>
                d.id === e.id &&
                (e.resource === undefined || d.resource === e.resource) &&
                (e.line === undefined || d.location?.line === e.line) &&
                (e.message === undefined || d.message.includes(e.message)) &&
                Object.entries(e.data ?? {}).every(([k, v]) => d.data[k] === v),
            );
            assert.ok(idx >= 0, `${label}: no finding matches ${JSON.stringify(e)}; got:\n${diags.map((d) => `  ${d.id} ${d.resource} line ${d.location?.line}: ${d.message} ${JSON.stringify(d.data)}`).join('\n')}`);
            const d = remaining.splice(idx, 1)[0]!;
            assert.ok(d.id === 'CheckSkipped' || rule.meta.emits.includes(d.id), `${label}: ${d.id} not in meta.emits`);
            assert.ok(!/\{\{\w+\}\}/.test(d.message + d.fix), `${label}: unfilled placeholder in "${d.message}" / "${d.fix}"`);
          }
          for (const k of read) assert.ok(rule.meta.inputs.includes(k as ViewKind), `rule read ${k}, which is not in meta.inputs`);
        });
      });
    });
  }
}
