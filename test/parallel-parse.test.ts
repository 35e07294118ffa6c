/**
 * Parsing in worker threads (src/load/parallel-parse.ts) gives exactly what the main thread alone gives: the same
 * resources in the same order (values, names, origins: offsets, line, column, and the source they read back from),
 * the same problems, the same onResource calls — on files, folders and stdin, ASCII or not, with a byte-order mark,
 * with syntax errors, cut into many parts.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadSources, type LoadOptions, type LoadResult } from '../src/load/sources.js';
import { locate } from '../src/load/locate.js';
import { ParsePool } from '../src/load/parallel-parse.js';
import { generateCluster } from '../scripts/gen-cluster.js';
import { fromRoot, SHARED } from './helpers/paths.js';

const dir = mkdtempSync(join(tmpdir(), 'kgd-parallel-'));

function view(r: LoadResult, seen: string[]) {
  return {
    seen,
    files: r.files,
    resources: r.resources.map((x) => ({
      id: `${x.apiVersion} ${x.kind} ${x.namespace ?? ''}/${x.name}`, object: x.object, controllerKind: x.controllerKind, ignore: x.ignore,
      origin: x.origin && { file: x.origin.file, start: x.origin.start, end: x.origin.end, line: x.origin.line, column: x.origin.column, base: x.origin.base, text: x.origin.source.slice(x.origin.start, x.origin.end) },
      // A position a finding would ask for: read back from the source the origin names.
      where: locate(x, ['metadata', 'name']),
    })),
    problems: r.problems.map((p) => JSON.stringify(p)),
  };
}

async function load(paths: string[], threads: number, extra: LoadOptions = {}) {
  const seen: string[] = [];
  const r = await loadSources(paths, { threads, parallelMinBytes: 0, onResource: (x) => seen.push(`${x.kind}/${x.name}`), ...extra });
  return view(r, seen);
}

async function same(paths: string[], extra: LoadOptions = {}): Promise<number> {
  const before = ParsePool.partsSent;
  const one = await load(paths, 1, extra);
  assert.equal(ParsePool.partsSent, before, 'threads 1 sends nothing to workers');
  const sent = ParsePool.partsSent;
  const two = await load(paths, 2, extra);
  assert.ok(ParsePool.partsSent > sent, 'threads 2 parses in workers');
  const three = await load(paths, 3, extra);
  assert.deepEqual(two, one);
  assert.deepEqual(three, one);
  return one.resources.length;
}

describe('parsing in worker threads', () => {
  it('gives the main thread\'s result on the examples and ../shared/corpus', async () => {
    assert.ok(await same([fromRoot('examples'), join(SHARED, 'corpus')]) > 100);
  });

  it('gives the main thread\'s result on a generated cluster cut into many parts', async () => {
    const file = join(dir, 'cluster.yaml');
    const docs: string[] = [];
    generateCluster({ isvcs: 800, namespaces: 9, broken: 12 }, (d) => docs.push(`---\n${d}`));
    writeFileSync(file, docs.join(''));
    assert.ok(docs.join('').length > 4 * 1024 * 1024, 'more than four parts');
    assert.ok(await same([file]) > 8000);
  });

  it('keeps byte offsets and lines right with a byte-order mark, non-ASCII text, CRLF and syntax errors', async () => {
    const file = join(dir, 'mixed.yaml');
    const doc = (i: number) => `apiVersion: v1\r\nkind: ConfigMap\r\nmetadata: {name: cm-${i}, namespace: ünï}\r\ndata: {text: "${'ä🙂'.repeat(i % 50)}${'x'.repeat(20_000)}"}\r\n`;
    const parts = Array.from({ length: 200 }, (_, i) => (i % 37 === 5 ? 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: broken\n' : doc(i)));
    writeFileSync(file, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(parts.join('---\n'))]));
    assert.ok(await same([file]) > 190);
  });

  it('gives the main thread\'s result for values JSON cannot carry (YAML 1.1 sets, ordered maps, binary, -0)', async () => {
    const file = join(dir, 'tagged.yaml');
    const tagged = (i: number) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: tagged-${i}}\ndata:\n  set: !!set {a, b}\n  omap: !!omap [{x: 1}, {y: 2}]\n  bin: !!binary aGVsbG8=\n  zero: -0\n`;
    const plain = (i: number) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: plain-${i}}\ndata: {pad: "${'p'.repeat(30_000)}"}\n`;
    writeFileSync(file, Array.from({ length: 300 }, (_, i) => (i % 50 === 7 ? tagged(i) : plain(i))).join('---\n'));
    assert.ok(await same([file]) === 300);
  });

  it('gives the main thread\'s result on stdin', async () => {
    const docs: string[] = [];
    generateCluster({ isvcs: 300, namespaces: 3, broken: 4 }, (d) => docs.push(`---\n${d}`));
    const text = `${docs.join('')}---\nkind: Broken\nmetadata: [\n`;
    assert.ok(await same(['-'], { readStdin: async () => Buffer.from(text) }) > 3000);
  });
});
