/**
 * deriveKServe and deriveKnative skip an InferenceService when the input already has every object its derivation
 * can make, named by kserveObjectNames / knativeObjectNames. Those lists must cover what the derivations make:
 * checked here on every example, on a generated cluster, and on names long enough for Knative's hashed child names.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadSources } from '../src/load/sources.js';
import { parseManifestText } from '../src/load/parse.js';
import { buildSnapshot } from '../src/platform/build.js';
import { deriveKServe, knativeDomainKeys, kserveObjectNames, kserveObjects } from '../src/platform/kserve/derive.js';
import { deriveKnative, isvcComponentRoute, knativeObjectNames, knativeObjects } from '../src/platform/knative/derive.js';
import { kserveIngressConfig } from '../src/platform/kserve/ingress-config.js';
import { knativeGatewayConfig } from '../src/platform/knative/effective.js';
import { knativeDomainConfig } from '../src/platform/knative/domain.js';
import { versionOf } from '../src/platform/versions.js';
import type { Snapshot } from '../src/snapshot/snapshot.js';
import type { Resource } from '../src/load/resource.js';
import { generateCluster } from '../scripts/gen-cluster.js';
import { fromRoot } from './helpers/paths.js';

const kindName = (o: Record<string, unknown>) => `${String(o['kind'])}/${(o['metadata'] as { name: string }).name}`;

/** Every object both derivations make for every InferenceService of the snapshot, against the names they list; how many were checked. */
function checkNames(s: Snapshot): number {
  let checked = 0;
  const ks = kserveIngressConfig(s);
  const kn = knativeGatewayConfig(s);
  const domains = knativeDomainConfig(s);
  for (const isvc of s.list('InferenceService')) {
    if (ks.status === 'ok') {
      const listed = new Set(kserveObjectNames(isvc).map(([k, n]) => `${k}/${n}`));
      for (const o of kserveObjects(isvc, ks, domains, knativeDomainKeys(s), s.clusterDomain)) {
        assert.ok(listed.has(kindName(o)), `KServe makes ${kindName(o)} for ${isvc.name}, not in kserveObjectNames`);
        checked++;
      }
    }
    if (kn.status === 'ok') {
      for (const c of isvc.components) {
        const route = isvcComponentRoute(isvc, c, versionOf('kserve', s.versions));
        const listed = new Set(knativeObjectNames(route).map(([k, n]) => `${k}/${n}`));
        for (const o of knativeObjects(route, kn, domains, s.clusterDomain)) {
          assert.ok(listed.has(kindName(o)), `Knative makes ${kindName(o)} for ${route.name}, not in knativeObjectNames`);
          checked++;
        }
      }
    }
  }
  return checked;
}

function generated(isvcs: number): Resource[] {
  const docs: string[] = [];
  generateCluster({ isvcs, namespaces: 2, broken: 0 }, (d) => docs.push(d));
  return parseManifestText('gen.yaml', docs.map((d) => `---\n${d}`).join('')).resources;
}

describe('derivation names', () => {
  it('cover every object the derivations make, on every example and a generated cluster', async () => {
    let checked = 0;
    for (const ex of ['custom-gateway-broken', 'custom-gateway-fixed', 'kubeflow', 'article']) {
      const { resources } = await loadSources([fromRoot('examples', ex)]);
      checked += checkNames(buildSnapshot(resources));
    }
    checked += checkNames(buildSnapshot(generated(6)));
    assert.ok(checked >= 30, `only ${checked} objects checked`);
  });

  it('cover Knative\'s hashed child names of long Routes', () => {
    // A 50-character InferenceService name: `<name>-predictor-ingress` is over 63 characters, so Knative hashes it.
    const long = 'a'.repeat(50);
    const isvcDoc = `---\napiVersion: serving.kserve.io/v1beta1\nkind: InferenceService\nmetadata:\n  name: ${long}\n  namespace: team-0\nspec:\n  predictor:\n    sklearn:\n      storageUri: gs://x\n`;
    const s = buildSnapshot([...generated(1), ...parseManifestText('long.yaml', isvcDoc).resources]);
    const route = isvcComponentRoute(s.list('InferenceService').find((i) => i.name === long)!, 'predictor', versionOf('kserve', s.versions));
    const names = knativeObjectNames(route).map(([, n]) => n);
    assert.ok(names.every((n) => n.length <= 63) && !names.includes(`${route.name}-ingress`), `a hashed name is listed: ${names.join(', ')}`);
    assert.ok(deriveKnative(s).some((r) => names.includes(r.name)), 'the long Route\'s objects are derived');
    assert.ok(checkNames(s) > 0);
  });

  it('the skip changes nothing: a missing object is still derived, and only it', () => {
    const all = generated(2);
    const s = buildSnapshot(all);
    assert.deepEqual([...deriveKServe(s), ...deriveKnative(s)].map((r) => r.name), [], 'the generated cluster has every object');
    for (const gone of ['VirtualService', 'Service'] as const) {
      const isvc = s.list('InferenceService')[0]!;
      const without = all.filter((r) => !(r.kind === gone && r.name === isvc.name && r.namespace === isvc.namespace));
      assert.equal(without.length, all.length - 1, `the cluster has ${gone} ${isvc.name}`);
      const derived = deriveKServe(buildSnapshot(without));
      assert.deepEqual(derived.map((r) => `${r.kind}/${r.namespace}/${r.name}`), [`${gone}/${isvc.namespace}/${isvc.name}`]);
    }
    const isvc = s.list('InferenceService')[0]!;
    for (const [kind, name] of knativeObjectNames(isvcComponentRoute(isvc, 'predictor', versionOf('kserve', s.versions)))) {
      const without = all.filter((r) => !(r.kind === kind && r.group === (kind === 'Service' ? '' : 'networking.istio.io') && r.name === name && r.namespace === isvc.namespace));
      assert.equal(without.length, all.length - 1, `the cluster has ${kind} ${name}`);
      assert.deepEqual(deriveKnative(buildSnapshot(without)).map((r) => `${r.kind}/${r.namespace}/${r.name}`), [`${kind}/${isvc.namespace}/${name}`]);
    }
  });
});
