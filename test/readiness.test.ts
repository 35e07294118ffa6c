/**
 * Readiness predictions for the bundled examples and the real Kubeflow manifests, and `kgd trace --probe`.
 * The prober model is checked against net-istio's own code by test/probe-oracle.test.ts; here the predictions
 * themselves are stated.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { loadSources } from '../src/load/sources.js';
import { parseManifestText } from '../src/load/parse.js';
import { traceSnapshot } from '../src/trace/index.js';
import { readinessOf } from '../src/trace/probe.js';
import { configIstio, docs, gateway, isvc, kserveConfig, KSERVE_DEFAULT_INGRESS } from './helpers/manifests.js';
import { fromRoot, ROOT, SHARED } from './helpers/paths.js';

async function predictions(paths: string[], extra = '') {
  const loaded = await loadSources(paths);
  const more = extra ? parseManifestText('extra.yaml', extra).resources : [];
  return readinessOf(traceSnapshot([...loaded.resources, ...more]));
}

describe('readiness: what net-istio\'s prober makes of the examples', () => {
  for (const ex of ['custom-gateway-broken', 'custom-gateway-fixed']) {
    it(`examples/${ex}: Ready through the external gateway; the custom local gateway is never probed (no Service carries app=custom-gateway)`, async () => {
      const [r, ...rest] = await predictions([fromRoot('examples', ex)]);
      assert.equal(rest.length, 0);
      assert.equal(r!.condition, 'Ready');
      assert.equal(r!.localProbed, false);
      const local = r!.plan.gateways.find((g) => g.gateway === 'istio-system/custom-gateway')!;
      assert.equal(local.skipped, 'Skipping Gateway istio-system/custom-gateway because it has no corresponding Service');
      assert.deepEqual(r!.probes.map((p) => `${p.gateway.gateway} ${p.url} ${p.trace?.outcome}`), ['knative-serving/knative-ingress-gateway http://sklearn-iris-predictor.online-serving.example.com:80/healthz 200']);
    });
  }

  it('examples/kubeflow: Ready through kubeflow-gateway; the local gateway\'s 8081 server is skipped (cluster-local-gateway has ports 15020 and 80 only)', async () => {
    const [r] = await predictions([fromRoot('examples', 'kubeflow')]);
    assert.equal(r!.condition, 'Ready');
    assert.equal(r!.localProbed, false);
    const local = r!.plan.gateways.find((g) => g.local)!;
    assert.deepEqual(local.servers.map((v) => v.skipped), ['Skipping Server "http" because Service istio-system/cluster-local-gateway doesn\'t contain a port 8081']);
  });

  it('the real Kubeflow manifests (shared corpus) with one InferenceService: the same, on the upstream files', async () => {
    const all = await predictions([`${SHARED}/corpus/kubeflow`], docs(isvc('kubeflow-user-example-com', 'iris')));
    assert.equal(all.length, 1);
    const r = all[0]!;
    assert.equal(r.localProbed, false, r.summary);
    assert.match(r.plan.gateways.find((g) => g.local)!.servers.map((v) => v.skipped ?? '').join(), /doesn't contain a port 8081/);
    assert.deepEqual(r.probes.map((p) => p.gateway.gateway), ['kubeflow/kubeflow-gateway']);
    // Kubeflow's ingress gateway requires a login (oauth2-proxy / AuthService): if the probe is turned away, the
    // prober abandons it and the KIngress is Ready anyway; if it passes, Ready. Either way: Ready.
    assert.equal(r.condition, 'Ready', r.summary);
  });

  it('the prober\'s Service lookup finds nothing on any gateway: Ready without a single probe (upstream: no work items, IsReady is true at once)', () => {
    const stack = docs(configIstio(), kserveConfig(KSERVE_DEFAULT_INGRESS), gateway('knative-serving', 'knative-local-gateway', { app: 'nobody' }), gateway('knative-serving', 'knative-ingress-gateway', { app: 'nobody' }, [{ port: 80 }]), isvc('models', 'iris'));
    const [r] = readinessOf(traceSnapshot(parseManifestText('stack.yaml', stack).resources));
    assert.equal(r!.condition, 'Ready');
    assert.equal(r!.probes.length, 0);
    assert.match(r!.summary, /^Ready without a single probe/);
  });
});

describe('kgd trace --probe', () => {
  const kgd = (args: string[]) => spawnSync(process.execPath, [fromRoot('bin', 'kgd.js'), ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '' } });

  it('text: the prediction, each gateway, the skipped server and the probe\'s hops; exit 0 when Ready', () => {
    const r = kgd(['trace', '--probe', 'kubeflow-user-example-com/sklearn-iris', 'examples/kubeflow']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /prediction: Ready/);
    assert.match(r.stdout, /the local gateway is not probed: Ready says nothing about the cluster-local path/);
    assert.match(r.stdout, /probe GET http:\/\/sklearn-iris-predictor\.kubeflow-user-example-com\.example\.com:80\/healthz → Deployment istio-system\/istio-ingressgateway:8080: 200/);
    assert.match(r.stdout, /the activator answers the network probe itself/);
  });

  it('json: one entry per KIngress with the condition; an unknown name is a usage error (exit 2)', () => {
    const r = kgd(['trace', '--probe', 'online-serving/sklearn-iris', 'examples/custom-gateway-broken', '-o', 'json']);
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { kingress: string; condition: string; localGatewayProbed: boolean }[];
    assert.deepEqual(out.map((x) => [x.kingress, x.condition, x.localGatewayProbed]), [['online-serving/sklearn-iris-predictor', 'Ready', false]]);
    const bad = kgd(['trace', '--probe', 'nope/nothing', 'examples/kubeflow']);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /no InferenceService \(in Knative mode\) or Knative Service nope\/nothing/);
  });
});
