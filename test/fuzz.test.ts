import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { parseManifestText } from '../src/load/parse.js';
import { checkResources } from '../src/check.js';
import { problemToDiagnostic } from '../src/engine/run.js';
import { formatText } from '../src/report/text.js';
import { formatSarif } from '../src/report/sarif.js';
import { fromRoot } from './helpers/paths.js';

const examples = ['custom-gateway-broken', 'custom-gateway-fixed', 'kubeflow'].flatMap((d) =>
  readdirSync(fromRoot('examples', d)).map((f) => readFileSync(fromRoot('examples', d, f), 'utf8')),
);
const corpus = examples.join('---\n');

/** Runs the whole pipeline; any exception is a bug. */
function checkText(text: string): void {
  const parsed = parseManifestText('fuzz.yaml', text);
  const { diagnostics } = checkResources(parsed.resources);
  const all = [...parsed.problems.map(problemToDiagnostic), ...diagnostics];
  for (const d of all) {
    assert.match(d.code, /^KGD\d{4}$/);
    assert.ok(!/\{\{\w+\}\}/.test(d.message), d.message);
  }
  formatText(all);
  formatSarif(all);
}

const anyValue = fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.string(), { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 5 }), fc.string(), { maxKeys: 3 }));

/** Replaces the value at a random path of a random object with a random value (wrong types in every field). */
function mutateObjects(docs: Record<string, unknown>[], pick: number, depthPicks: number[], value: unknown): void {
  const doc = docs[pick % docs.length];
  if (!doc) return;
  let cur: unknown = doc;
  for (let i = 0; i < depthPicks.length; i++) {
    if (cur === null || typeof cur !== 'object') return;
    const keys = Object.keys(cur as object);
    if (keys.length === 0) return;
    const k = keys[depthPicks[i]! % keys.length]!;
    const next = (cur as Record<string, unknown>)[k];
    if (i === depthPicks.length - 1 || next === null || typeof next !== 'object') {
      (cur as Record<string, unknown>)[k] = value;
      return;
    }
    cur = next;
  }
}

describe('fuzz: random mutations of the examples never crash kgd', () => {
  it('text mutations (deleted, inserted and swapped characters and lines)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(corpus.length), fc.nat(40), fc.string({ maxLength: 8 })), { minLength: 1, maxLength: 6 }), (edits) => {
        let text = corpus;
        for (const [at, del, ins] of edits) text = text.slice(0, at) + ins + text.slice(at + del);
        checkText(text);
      }),
      { numRuns: 150, seed: 42 },
    );
  });
  it('value mutations (a random field of a random resource gets a random value)', () => {
    const parsed = parseManifestText('x.yaml', corpus).resources.map((r) => r.object as Record<string, unknown>);
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(), fc.array(fc.nat(), { minLength: 1, maxLength: 6 }), anyValue), { minLength: 1, maxLength: 5 }), (muts) => {
        const docs = structuredClone(parsed);
        for (const [pick, path, value] of muts) mutateObjects(docs, pick, path, value);
        checkText(docs.map((d) => stringify(d)).join('---\n'));
      }),
      { numRuns: 300, seed: 7 },
    );
  });
});
