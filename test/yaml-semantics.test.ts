/**
 * YAML semantics (issue #18): kgd reads manifests as Kubernetes does — kubectl decodes `-f` files with
 * apimachinery's YAMLOrJSONDecoder, which converts each document with sigs.k8s.io/yaml (a fork of go-yaml v2: YAML
 * 1.1 scalars such as `on`/`yes` are booleans). Kubernetes' own decoder is the oracle here (the KServe 0.20.0 oracle
 * binary calls it: op manifestDecode); every scalar below must come out of kgd's parser as it comes out of it.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { parseManifestText } from '../src/load/parse.js';
import { ask, findGo, kserveOracle } from './helpers/upstream.js';
import { checkResources } from '../src/check.js';

/** Plain scalars whose type differs between YAML 1.1 and 1.2, or between parsers. */
export const SCALARS = [
  'on', 'off', 'yes', 'no', 'y', 'n', 'Y', 'N', 'True', 'TRUE', 'true', 'False', 'ON', 'Off', 'YES', 'No',
  '0777', '0o17', '-0o17', '0o1_7', '0o', '0o8', '0x1F', '0b101', '1_000', '+12', '-0', '012', '08', '1e3', '1.5e+3', '.5', '1.', '.inf', '-.Inf', '.nan', '.NaN',
  '1:20', '190:20:30', '1:20.5', '-1:20', '~', 'null', 'Null', 'NULL', '', '=', '<<',
  '2001-12-14', '2001-12-14t21:59:43.10-05:00', '2026-11-26T10:00:00Z', '2001-12-14 21:59:43.10 -5',
  '"on"', "'yes'", '"0777"', '!!str 123', '!!int "42"',
  '12345678901234567890', '0.1', '-1.5', '9007199254740993',
];

/** JSON as both sides write it (Go's encoding/json for the oracle; dates as RFC 3339 strings). */
const norm = (v: unknown): unknown => JSON.parse(JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? Number(x) : x)));

const go = findGo();
const skip = process.env['KGD_SKIP_ORACLE'] === '1' ? 'KGD_SKIP_ORACLE=1' : !go ? 'Go is not installed (needed for the upstream oracle); CI runs this' : false;
if (skip && process.env['CI'] === 'true' && process.env['KGD_SKIP_ORACLE'] !== '1') throw new Error(`the YAML oracle must run in CI: ${skip}`);
if (skip) console.log(`# skipped the YAML semantics oracle: ${skip}`);

describe('YAML scalars read as Kubernetes reads them (apimachinery YAMLOrJSONDecoder via KServe 0.20.0\'s module)', { skip }, () => {
  let bin = '';
  before(() => { bin = kserveOracle('0.20.0', go!); }, { timeout: 60 * 60 * 1000 });

  for (const parser of ['fast', 'yaml'] as const) it(`each scalar: kgd's value equals Kubernetes', or both refuse the document (parser: ${parser})`, () => {
    const docs = SCALARS.map((s) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: scalars\n  namespace: default\nspec:\n  k: ${s}\n`);
    const theirs = ask<{ objects?: Record<string, unknown>[]; error?: string }>(bin, docs.map((text) => ({ op: 'manifestDecode', text })));
    const diffs = SCALARS.flatMap((s, i) => {
      const parsed = parseManifestText('scalars.yaml', docs[i]!, { parser });
      const refused = theirs[i]!.error !== undefined;
      const ours = parsed.resources[0] ? norm((parsed.resources[0].object['spec'] as Record<string, unknown>)['k'] ?? null) : undefined;
      if (refused) return parsed.resources.length === 0 || parsed.problems.length > 0 ? [] : [`${JSON.stringify(s)}: kgd reads ${JSON.stringify(ours)}, Kubernetes refuses it (${theirs[i]!.error})`];
      const k8s = norm((theirs[i]!.objects![0]!['spec'] as Record<string, unknown>)['k'] ?? null);
      return JSON.stringify(ours) === JSON.stringify(k8s) ? [] : [`${JSON.stringify(s)}: kgd ${JSON.stringify(ours)}, Kubernetes ${JSON.stringify(k8s)}`];
    });
    assert.deepEqual(diffs, []);
  });
});

describe('what that means for findings (no oracle needed)', () => {
  it('an unquoted date or 1:20 in a ConfigMap is the string Kubernetes stores, not a wrong type (it was KGD0007 before)', () => {
    const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: default}\ndata:\n  since: 2001-12-14\n  ratio: 1:20\n  at: 2026-11-26T10:00:00Z\n';
    const parsed = parseManifestText('cm.yaml', text);
    assert.deepEqual(parsed.resources[0]!.object['data'], { since: '2001-12-14', ratio: '1:20', at: '2026-11-26T10:00:00Z' });
    assert.deepEqual(checkResources(parsed.resources).diagnostics.filter((d) => d.code === 'KGD0007'), []);
  });
  it('a document with .inf is refused as kubectl refuses it (KGD0001), the others are read', () => {
    const r = parseManifestText('x.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {}\nspec: {weight: .inf}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n');
    assert.deepEqual(r.resources.map((x) => x.name), ['b']);
    assert.equal(r.problems[0]!.id, 'YamlSyntaxError');
    assert.equal(r.problems[0]!.location!.line, 1);
  });
});
