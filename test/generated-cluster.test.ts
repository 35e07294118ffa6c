/**
 * The benchmark's cluster (scripts/gen-cluster.ts) is only a fair measure when kgd finds exactly what was injected
 * into it: every mistake, and nothing the mistakes do not explain (a false finding fails the benchmark too).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { checkPaths } from '../src/check.js';
import { falseFindings, generateCluster } from '../scripts/gen-cluster.js';

async function run(isvcs: number, namespaces: number, broken: number) {
  const docs: string[] = [];
  const injections = generateCluster({ isvcs, namespaces, broken }, (d) => docs.push(`---\n${d}`));
  const file = join(mkdtempSync(join(tmpdir(), 'kgd-gen-')), 'cluster.yaml');
  writeFileSync(file, docs.join(''));
  const { diagnostics } = await checkPaths([file]);
  return { injections, diagnostics };
}

describe('the generated benchmark cluster', () => {
  it('has no finding at all without injected mistakes', async () => {
    const { diagnostics } = await run(60, 4, 0);
    assert.deepEqual(diagnostics.map((d) => `${d.code} ${d.resource}: ${d.message}`), []);
  });

  it('has every injected mistake found and no finding they do not explain', async () => {
    const { injections, diagnostics } = await run(240, 8, 12);
    assert.equal(injections.length, 12);
    assert.deepEqual(new Set(injections.map((i) => i.kind)).size, 4);
    const missed = injections.filter((i) => !diagnostics.some((d) => d.id === i.id && d.resource === i.resource));
    assert.deepEqual(missed, []);
    assert.deepEqual(falseFindings(diagnostics, injections).map((d) => `${d.code} ${d.resource}: ${d.message}`), []);
  });

  it('counts a finding nothing explains as false', () => {
    const injections = generateCluster({ isvcs: 4, namespaces: 1, broken: 1 }, () => undefined);
    const extra = { id: 'AuthorizationPolicyAllowsNothing', resource: 'AuthorizationPolicy istio-system/global-deny-all' };
    assert.deepEqual(falseFindings([{ id: injections[0]!.id, resource: injections[0]!.resource }, extra], injections), [extra]);
  });
});
