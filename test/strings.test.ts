import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { detach, intern } from '../src/shared/strings.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** JavaScript heap kept by 50 pieces cut from 50 texts of 1 MiB each, after the texts are dropped. */
function keptBy(cut: (s: string) => string): number {
  gc();
  const before = process.memoryUsage().heapUsed;
  const kept: string[] = [];
  for (let i = 0; i < 50; i++) {
    // A joined text is one flat string on the JavaScript heap; its slices are views into it.
    const text = Array<string>(1 << 18).fill(`ab${String.fromCharCode(97 + (i % 20))}d`).join('');
    kept.push(cut(text.slice(100, 140)));
  }
  gc();
  gc();
  assert.equal(kept.length, 50);
  return process.memoryUsage().heapUsed - before;
}

describe('detach', () => {
  it('keeps the value and lets the text it was cut from go (a plain slice keeps it)', () => {
    const plain = keptBy((s) => s);
    const detached = keptBy(detach);
    assert.ok(plain > 40e6, `a plain slice keeps the texts (${(plain / 1e6).toFixed(1)} MB): the measure works`);
    assert.ok(detached < 10e6, `detached pieces keep ${(detached / 1e6).toFixed(1)} MB`);
    for (const s of ['', 'short', 'exactly13char', 'a longer value with ünïcödé and 🚀 in it']) assert.equal(detach(s), s);
    assert.equal(intern('x'.repeat(20).slice(1)), 'x'.repeat(19));
  });
});
