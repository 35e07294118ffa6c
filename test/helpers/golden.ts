import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fromRoot } from './paths.js';

/**
 * Compares output with test/golden/<name>. Goldens change only on purpose: run `npm run test:update-golden`
 * (UPDATE_GOLDEN=1), review the diff, commit it.
 */
export function assertGolden(name: string, actual: string): void {
  const path = fromRoot('test', 'golden', name);
  if (process.env['UPDATE_GOLDEN'] === '1') {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual);
    return;
  }
  assert.ok(existsSync(path), `missing golden file test/golden/${name} (run npm run test:update-golden)`);
  assert.equal(actual, readFileSync(path, 'utf8'), `output differs from test/golden/${name}`);
}
