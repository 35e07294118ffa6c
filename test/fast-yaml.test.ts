/**
 * The fast parse (src/load/fast-yaml.ts: js-yaml with the `yaml` library's scalar rules) against the `yaml` library
 * alone (ParseOptions.parser 'yaml', the reference): the same resources — values, names, and origins (offsets, line,
 * column) — and the same problems, on every corpus kgd is tested with: the examples, the real upstream and Kubeflow
 * manifests in ../shared/corpus, a generated cluster with injected mistakes, and hand-written edge cases.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { parseManifestText, type ParseResult } from '../src/load/parse.js';
import { coreScalarTests, fastDocument, fastJson } from '../src/load/fast-yaml.js';
import { locate } from '../src/load/locate.js';
import type { FieldPath } from '../src/shared/path.js';
import { generateCluster } from '../scripts/gen-cluster.js';
import { fromRoot, SHARED } from './helpers/paths.js';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : /\.(ya?ml|json)$/.test(f) ? [p] : [];
  });
}

/** Positions findings ask for: the resource, a few fields, one missing field (its deepest ancestor). */
const PATHS: FieldPath[] = [[], ['kind'], ['metadata', 'name'], ['metadata', 'labels'], ['spec'], ['spec', 'no', 'such']];

/**
 * `ranges`: compare the documents' offsets too. Items of a JSON List are their own documents on the fast path
 * (read back alone), so for them only what findings see is compared: the positions of fields.
 */
const view = (r: ParseResult, ranges: boolean) => ({
  resources: r.resources.map((x) => ({
    id: `${x.apiVersion} ${x.kind} ${x.namespace ?? ''}/${x.name}`, object: JSON.stringify(x.object),
    ...(ranges ? { start: x.origin?.start, end: x.origin?.end, line: x.origin?.line, column: x.origin?.column } : {}),
    at: PATHS.map((p) => locate(x, p)),
  })),
  problems: r.problems.map((p) => JSON.stringify(p, (k, v: unknown) => (k === 'resource' ? undefined : v))),
});

function same(name: string, text: string, ranges = true): void {
  const fast = view(parseManifestText(name, text), ranges);
  const slow = view(parseManifestText(name, text, { parser: 'yaml' }), ranges);
  assert.deepEqual(fast, slow, name);
}

describe('the fast parse gives what the yaml library gives', () => {
  it('on the examples and every file of ../shared/corpus', () => {
    const all = [...files(fromRoot('examples')), ...files(join(SHARED, 'corpus'))];
    assert.ok(all.length > 20);
    for (const f of all) same(f, readFileSync(f, 'utf8'));
  });

  it('on a generated cluster of 300 InferenceServices with injected mistakes', () => {
    const docs: string[] = [];
    generateCluster({ isvcs: 300, namespaces: 7, broken: 12 }, (d) => docs.push(`---\n${d}`));
    same('generated.yaml', docs.join(''));
  });

  it('on edge cases: leading comments, empty and null documents, anchors, tags, merge keys, errors, 1.1 scalars, CRLF', () => {
    const cases = [
      '# lead\n\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\n# only a comment\n---\n---\nnull\n--- \napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: &m {name: a}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: *m\n',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {a: !!str 123, b: on, c: 0777, d: 1:20, e: 2001-12-14, f: yes, g: 0o17, h: .5}\n',
      'base: &b {x: 1}\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  <<: *b\n  name: a\n',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {a: 1, a: 2}\n',
      'apiVersion: v1\r\nkind: ConfigMap\r\nmetadata:\r\n  name: crlf\r\n',
      '%YAML 1.1\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n...\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n',
      '- not\n- an object\n---\n"a string"\n---\n42\n',
      'apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: a, namespace: x}\n  data: {k: "v"}\n',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata:\n  block: |\n    --- not a marker inside a block? it is indented\n    x: y\n  folded: >-\n    a\n    b\n',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ünïcödé, namespace: "ns"}\ndata: {emoji: "🙂", "quoted key": x}\n',
      '  apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: indented}\n',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\nspec: {w: .inf}\n',
      '--- apiVersion: v1\n',
      'apiVersion: v1\nkind: Service\nmetadata: {name: s, labels: &l {app: x}}\nspec: {selector: *l, ports: [{port: 80}]}\n---\nkind: Deployment\napiVersion: apps/v1\nmetadata: {name: d}\nspec: {selector: {matchLabels: &m {app: x}}, template: {metadata: {labels: *m}}}\n',
      `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb}\ndata:\n  a0: &a0 [x, x]\n${Array.from({ length: 14 }, (_, i) => `  a${i + 1}: &a${i + 1} [*a${i}, *a${i}]`).join('\n')}\n`,
      // Tags and explicit keys where the lexer finds them, and the same characters as text (CEL rules in CRDs).
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata:\n  ? complex\n  : v\n',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {d: [x, !t y]}\n',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {e: &x !!str 12, f: *x}\n',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata:\n  - !!int "7"\n',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata:\n  rule: self.all(k, !has(k)) || ! x\n  quoted: "a, !b ? c"\n  block: |\n    ? not a key\n    !not a tag, !has(x)\n  multi: \'(has(a)\n    ? !has(b) : true)\'\n',
    ];
    for (const [i, c] of cases.entries()) same(`case-${i}.yaml`, c);
    const cel = cases.at(-1)!;
    assert.notEqual(fastDocument(cel, 0, cel.length), undefined, 'CEL text takes the fast path');
    for (const tagged of cases.slice(-5, -1)) assert.equal(fastDocument(tagged, 0, tagged.length), undefined, tagged);
  });

  it('resolves scalars by the yaml library\'s own tests, which the first-character gate was read off', () => {
    // If the library changes these, MAY_RESOLVE in src/load/fast-yaml.ts must be read off them again.
    assert.deepEqual(coreScalarTests(), [
      '^(?:~|[Nn]ull|NULL)?$', '^(?:Y|y|[Yy]es|YES|[Tt]rue|TRUE|[Oo]n|ON)$', '^(?:N|n|[Nn]o|NO|[Ff]alse|FALSE|[Oo]ff|OFF)$',
      '^[-+]?0b[0-1_]+$', '^[-+]?0[0-7_]+$', '^[-+]?[0-9][0-9_]*$', '^[-+]?0x[0-9a-fA-F_]+$',
      '^(?:[-+]?\\.(?:inf|Inf|INF)|\\.nan|\\.NaN|\\.NAN)$', '^[-+]?(?:[0-9][0-9_]*)?(?:\\.[0-9_]*)?[eE][-+]?[0-9]+$', '^[-+]?(?:[0-9][0-9_]*)?\\.[0-9_]*$',
      '^[-+]?0o[0-7_]+$',
    ]);
    same('gate.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {a: e5, b: E-3, c: .5e1, d: ~, e: Off, f: +12, g: -.inf, h: 0b11, i: x1, j: "", k: NULL}\n');
  });

  it('on JSON: a List as kubectl get -o json writes it, escapes, numbers, a repeated key, comments, JSON after YAML', () => {
    const docs: Record<string, unknown>[] = [];
    generateCluster({ isvcs: 40, namespaces: 3, broken: 4 }, (d) => docs.push(parseYaml(d) as Record<string, unknown>));
    const list = JSON.stringify({ apiVersion: 'v1', kind: 'List', items: docs, metadata: { resourceVersion: '' } }, null, 4);
    const plain = [
      list,
      '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a"},"data":{"q":"say \\"x\\": y","k":"a\\\\","u":"\\u00e9\\n","n":"1e3"},"n":[1e3,-0,1.0,12345678901234567890]}',
      '\n\n{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "spaced"}}\n\n',
      '[{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "in-a-list"}}]',
    ];
    for (const [i, c] of plain.entries()) {
      assert.notEqual(fastJson(c, 0, c.length), undefined, `case ${i} takes the JSON path`);
      same(`json-${i}.json`, c, i > 0);
    }
    // Items found by the scanner: one span per item, each the item's own JSON (nested Lists and odd items too).
    const odd = JSON.stringify({ kind: 'List', apiVersion: 'v1', items: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a]"[' }, data: { k: '{"items": [1,2]}' } }, { kind: 'ConfigMapList', apiVersion: 'v1', items: [{ metadata: { name: 'nested' } }] }, 42, { apiVersion: 'v1', kind: 'ConfigMap', metadata: {} }] }, null, 1);
    const spans = fastJson(odd, 0, odd.length)!.items!;
    assert.deepEqual(spans.map(([a, b]) => JSON.parse(odd.slice(a, b)) as unknown), (JSON.parse(odd) as { items: unknown[] }).items);
    same('json-odd.json', odd, false);
    assert.deepEqual(fastJson(list, 0, list.length)!.items!.length, docs.length);
    const yamlOnly = [
      '\n  {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "indented"}}\n',
      '{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a", "name": "b"}}',
      '# a comment\n{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "after-comment"}}',
      '{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "trailing",}}',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\n{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "b"}}\n',
      '{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "unterminated}}',
    ];
    for (const [i, c] of yamlOnly.entries()) same(`json-yaml-${i}.json`, c);
    assert.equal(fastJson(yamlOnly[0]!, 0, yamlOnly[0]!.length), undefined, 'a repeated key is left to the yaml library');
  });
});
