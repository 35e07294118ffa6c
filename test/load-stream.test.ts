/**
 * Files are parsed a chunk at a time and documents read back by byte range for positions. These tests
 * hold that to the one-piece parse of the same text: same resources, same objects, same file:line:col.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ManifestParser, parseManifestText, type ParseResult } from '../src/load/parse.js';
import { MemorySource } from '../src/load/source-text.js';
import { loadSources } from '../src/load/sources.js';
import { locate } from '../src/load/locate.js';
import type { Resource } from '../src/load/resource.js';
import { SHARED, fromRoot } from './helpers/paths.js';

const dir = mkdtempSync(join(tmpdir(), 'kgd-stream-'));

function inChunks(file: string, text: string, size: number): ParseResult {
  const p = new ManifestParser(new MemorySource(file, text));
  for (let i = 0; i < text.length; i += size) p.push(text.slice(i, i + size));
  return p.end();
}

/** What a resource looks like to everything after loading: identity, object, and where its name is. */
function summary(r: ParseResult): unknown[] {
  return [
    ...r.resources.map((x: Resource) => ({
      id: `${x.kind} ${x.namespace ?? ''}/${x.name}`,
      object: x.object,
      at: locate(x, []),
      name: locate(x, ['metadata', 'name']),
    })),
    ...r.problems.map((p) => ({ id: p.id, data: p.data, location: p.location })),
  ];
}

const corpusFiles = [
  ...readdirSync(join(SHARED, 'corpus', 'kubeflow')).map((f) => join(SHARED, 'corpus', 'kubeflow', f)),
  ...readdirSync(join(SHARED, 'corpus', 'upstream')).map((f) => join(SHARED, 'corpus', 'upstream', f)),
  ...readdirSync(fromRoot('examples', 'custom-gateway-broken')).map((f) => fromRoot('examples', 'custom-gateway-broken', f)),
];

describe('chunked parsing', () => {
  for (const f of corpusFiles) {
    it(`${f.split('/').slice(-2).join('/')}: any chunk size gives the one-piece result`, () => {
      const text = readFileSync(f, 'utf8');
      const whole = summary(parseManifestText(f, text));
      for (const size of [5, 61, 4096]) assert.deepEqual(summary(inChunks(f, text, size)), whole, `chunks of ${size}`);
    });
  }

  it('a `---` split across chunks, a `---x` that is not a marker, and directives before a marker', () => {
    const text = [
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  k: |\n    ---x\n',
      '...\n%YAML 1.1\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n',
      '--- # comment on the marker line\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n',
      '---\r\napiVersion: v1\r\nkind: ConfigMap\r\nmetadata:\r\n  name: d\r\n',
    ].join('');
    const whole = parseManifestText('d.yaml', text);
    assert.deepEqual(whole.problems, []);
    assert.deepEqual(whole.resources.map((r) => r.name), ['a', 'b', 'c', 'd']);
    for (let size = 1; size <= 40; size++) assert.deepEqual(summary(inChunks('d.yaml', text, size)), summary(whole), `chunks of ${size}`);
  });

  it('syntax errors keep their file line in a later part', () => {
    const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: [b\n';
    const r = inChunks('e.yaml', text, 5);
    assert.deepEqual(r.problems, parseManifestText('e.yaml', text).problems);
    // The unclosed flow collection is reported where the input ends (line 9), not at a line of the part.
    assert.deepEqual(r.problems.map((p) => [p.id, p.location?.line]), [['YamlSyntaxError', 9], ['YamlSyntaxError', 9]]);
  });
});

describe('files read in chunks', () => {
  it('a file over several chunks, with a byte-order mark and non-ASCII text, locates fields as the in-memory parse does', async () => {
    const docs: string[] = [];
    for (let i = 0; i < 20000; i++) {
      docs.push(`apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\n  namespace: ns\n  annotations:\n    note: "größe ✓ ${'é'.repeat(i % 7)}"\ndata:\n  k: v${i}\n`);
    }
    // One huge List document in the middle, so that one document spans chunks.
    const items = Array.from({ length: 30000 }, (_, i) => `  - apiVersion: v1\n    kind: Service\n    metadata:\n      name: svc-${i}\n      namespace: ns\n`).join('');
    const text = [...docs.slice(0, 10000), `apiVersion: v1\nkind: List\nitems:\n${items}`, ...docs.slice(10000)].join('---\n');
    const file = join(dir, 'big.yaml');
    writeFileSync(file, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]));
    assert.ok(Buffer.byteLength(text) > 3 * 1024 * 1024, 'spans several 1 MiB chunks');

    const fromFile = await loadSources([file]);
    const inMemory = parseManifestText(file, text);
    assert.equal(fromFile.resources.length, 20000 + 30000);
    assert.deepEqual(fromFile.problems, []);
    const pick = [0, 1, 9999, 10000, 10001, 25000, 39999, 40000, 49999];
    const where = (r: Resource[]) => pick.map((i) => ({ name: r[i]!.name, at: locate(r[i]!, ['metadata', 'name']), note: locate(r[i]!, ['metadata', 'annotations', 'note']) }));
    assert.deepEqual(where(fromFile.resources), where(inMemory.resources));
    // And the position is right, not just equal: line of `  name: svc-0` in the file.
    const lines = text.split('\n');
    const svc0 = fromFile.resources.find((r) => r.name === 'svc-0')!;
    assert.equal(lines[locate(svc0, ['metadata', 'name'])!.line - 1], '      name: svc-0');
    const last = fromFile.resources.find((r) => r.name === 'cm-19999')!;
    const at = locate(last, ['metadata', 'annotations', 'note'])!;
    assert.equal(lines[at.line - 1]!.slice(at.column - 1), `note: "größe ✓ ${'é'.repeat(19999 % 7)}"`);
  });

  it('a file that turns out not to be UTF-8 after its first chunk gives only that problem', async () => {
    const good = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\n'.repeat(40000);
    const file = join(dir, 'late-binary.yaml');
    writeFileSync(file, Buffer.concat([Buffer.from(good), Buffer.from([0xc3, 0x28]), Buffer.from('\n')]));
    const r = await loadSources([file]);
    assert.deepEqual(r.resources, []);
    assert.deepEqual(r.problems.map((p) => [p.id, p.data['reason']]), [['FileUnreadable', 'it is not UTF-8 text (a binary file?)']]);
  });
});
