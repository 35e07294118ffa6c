/**
 * `npm run bench:cluster -- [--isvcs 5000] [--runs 3] [--save]`: on a real API server (the integration tests'
 * kube-apiserver + etcd), creates N InferenceServices in 50 namespaces with the VirtualService KServe makes for
 * each, then times kgd reading the cluster (every kind its rules read, as `kgd check --cluster` does)
 * against `kubectl get` of the same kinds (`-A -o json`, kubectl from the same Kubernetes release).
 * Best of `runs`. Prints the ratio; writes bench/results/cluster.json with --save.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fail, saveResult, scriptArgs, wholeNumber } from './script-args.js';
import { KubeConfig } from '@kubernetes/client-node';
import { collectionPath, loadCluster, resourceNames } from '../src/load/cluster.js';
import { kubeRequest } from '../src/load/kube-http.js';
import { loadSources } from '../src/load/sources.js';
import { binary, findGo, startCluster } from '../test/helpers/cluster.js';
import { SHARED } from '../test/helpers/paths.js';

const values = scriptArgs('bench:cluster', { isvcs: { type: 'string', default: '5000' }, runs: { type: 'string', default: '3' }, save: { type: 'boolean', default: false } }, 'npm run bench:cluster -- [--isvcs 5000] [--runs 3] [--save]');
const n = wholeNumber('bench:cluster', 'isvcs', values.isvcs, 1);
const runs = wholeNumber('bench:cluster', 'runs', values.runs, 1);
const go = findGo();
if (!go) fail('bench:cluster', 'Go is needed to build the test API server and kubectl (none on the PATH or in /usr/local/go)');
const kubectl = binary('kubectl', go);
const cluster = await startCluster();
try {
  const kc = new KubeConfig();
  kc.loadFromFile(cluster.kubeconfig);
  let names = resourceNames(kc);
  const post = async (o: Record<string, unknown>) => {
    const path = await collectionPath(names, o['apiVersion'] as string, o['kind'] as string, (o['metadata'] as { namespace?: string }).namespace);
    await kubeRequest(kc, 'POST', path, o);
  };
  const crds = (await loadSources([join(SHARED, 'corpus', 'kubeflow', 'common_istio_istio-crds_base.yaml'), join(SHARED, 'corpus', 'kubeflow', 'applications_kserve_kserve.yaml')])).resources.filter((r) => r.kind === 'CustomResourceDefinition');
  for (const c of crds) await post(c.object as Record<string, unknown>);
  await new Promise((r) => setTimeout(r, 3000)); // CRDs established
  names = resourceNames(kc); // discovery again, now with the CRDs
  const namespaces = 50;
  for (let i = 0; i < namespaces; i++) await post({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: `team-${i}` } });
  const t0 = performance.now();
  // Create concurrently, a few at a time: the point is the listing, not the creating.
  const work: Record<string, unknown>[] = [];
  for (let i = 0; i < n; i++) {
    const ns = `team-${i % namespaces}`;
    const name = `model-${i}`;
    work.push({ apiVersion: 'serving.kserve.io/v1beta1', kind: 'InferenceService', metadata: { name, namespace: ns }, spec: { predictor: { model: { modelFormat: { name: 'sklearn' }, storageUri: 'gs://bucket/model' } } } });
    work.push({ apiVersion: 'networking.istio.io/v1beta1', kind: 'VirtualService', metadata: { name, namespace: ns }, spec: { hosts: [`${name}.${ns}.svc.cluster.local`], gateways: ['knative-serving/knative-local-gateway', 'mesh'], http: [{ match: [{ authority: { regex: `^${name}\\.${ns}(\\.svc(\\.cluster\\.local)?)?(?::\\d{1,5})?$` } }], route: [{ destination: { host: 'knative-local-gateway.istio-system.svc.cluster.local', port: { number: 80 } } }] }] } });
  }
  for (let i = 0; i < work.length; i += 16) await Promise.all(work.slice(i, i + 16).map(post));
  process.stderr.write(`created ${work.length} objects in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);

  const kinds = 'gateways.networking.istio.io,virtualservices.networking.istio.io,destinationrules.networking.istio.io,authorizationpolicies.security.istio.io,services,endpoints,pods,deployments,statefulsets,daemonsets,networkpolicies,namespaces,configmaps,inferenceservices.serving.kserve.io';
  const time = (f: () => Promise<void> | void) => async () => { const s = performance.now(); await f(); return performance.now() - s; };
  const kgd = time(async () => {
    const r = await loadCluster({ kubeconfig: cluster.kubeconfig });
    if (r.resources.filter((x) => x.kind === 'InferenceService').length !== n) throw new Error('kgd did not read every InferenceService');
  });
  const kctl = time(() => {
    const r = spawnSync(kubectl, ['--kubeconfig', cluster.kubeconfig, 'get', kinds, '-A', '-o', 'json'], { encoding: 'utf8', maxBuffer: 1 << 30 });
    if (r.status !== 0) throw new Error(`kubectl: ${r.stderr}`);
  });
  let kgdBest = Infinity;
  let kubectlBest = Infinity;
  for (let i = 0; i < runs; i++) {
    kgdBest = Math.min(kgdBest, await kgd());
    kubectlBest = Math.min(kubectlBest, await kctl());
  }
  const result = { isvcs: n, virtualServices: n, kgdListMs: Math.round(kgdBest), kubectlGetMs: Math.round(kubectlBest), ratio: Number((kgdBest / kubectlBest).toFixed(2)) };
  console.log(`n=${n}: kgd reads the cluster in ${result.kgdListMs} ms, kubectl get of the same kinds ${result.kubectlGetMs} ms: ratio ${result.ratio} (target < 3)`);
  saveResult('cluster.json', result, values.save);
  if (result.ratio >= 3) process.exitCode = 1;
} finally {
  await cluster.stop();
}
