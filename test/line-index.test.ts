import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LineIndex, positionIn } from '../src/load/source-text.js';

describe('LineIndex', () => {
  it('gives positionIn\'s line and column for offsets asked in order, backwards, repeated, on newlines and past the end', () => {
    const text = 'a: 1\n\nb:\n  - c\n---\nd: "x\\ny"\n\n\n';
    const index = new LineIndex(text, 7);
    const offsets = [0, 3, 4, 5, 6, 6, 10, 2, 15, 16, text.length - 1, text.length, 1, text.length + 3, 9];
    for (const o of offsets) assert.deepEqual(index.position(o), positionIn(text, o, 7, 1), `offset ${o}`);
  });

  it('agrees with positionIn at every offset of a text with long and empty lines', () => {
    const text = ['', 'x'.repeat(300), '', 'key: value', '  nested: [1, 2]', '', ''].join('\n');
    const index = new LineIndex(text, 1);
    for (let o = 0; o <= text.length; o++) assert.deepEqual(index.position(o), positionIn(text, o, 1, 1), `offset ${o}`);
  });
});
