/**
 * Objects on the test API server (test/helpers/cluster.ts): the real CRDs kgd reads (Istio, KServe, Knative's
 * gateways, the Knative operator) and the objects of manifest folders, created as `kubectl create -f` would.
 */
import { KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { join } from 'node:path';
import { kubeRequest } from '../../src/load/kube-http.js';
import { collectionPath, resourceNames } from '../../src/load/cluster.js';
import { loadSources } from '../../src/load/sources.js';
import { classify } from '../../src/model/kinds.js';
import { SHARED } from './paths.js';

export const CRD_FILES = [
  join(SHARED, 'corpus', 'kubeflow', 'common_istio_istio-crds_base.yaml'),
  join(SHARED, 'corpus', 'kubeflow', 'applications_kserve_kserve.yaml'),
  join(SHARED, 'corpus', 'kubeflow', 'common_knative_knative-serving_overlays_gateways.yaml'),
  join(SHARED, 'corpus', 'upstream', 'operator-knativeservings-crd.yaml'),
];

/** Creates one object; a refusal names the object and the server's reason. */
export async function create(kc: KubeConfig, o: KubernetesObject): Promise<void> {
  try {
    // The object as written (raw JSON): client-node's typed models would drop wire names such as x-kubernetes-*.
    // Discovery is asked each time: the CRDs installed a moment ago must be seen.
    await kubeRequest(kc, 'POST', await collectionPath(resourceNames(kc), o.apiVersion!, o.kind!, o.metadata?.namespace), o);
  } catch (e) {
    throw new Error(`creating ${o.kind} ${o.metadata?.namespace ?? ''}/${o.metadata?.name}: ${(e as Error).message}`, { cause: e });
  }
}

export async function installCrds(kc: KubeConfig): Promise<void> {
  const crds = (await loadSources(CRD_FILES)).resources.filter((r) => r.kind === 'CustomResourceDefinition');
  for (const r of crds) await create(kc, r.object as KubernetesObject);
  // Custom resources can be created once every CRD is Established.
  for (const r of crds) {
    for (let i = 0; ; i++) {
      const got = await kubeRequest(kc, 'GET', `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${r.name}`);
      const conds = ((got as { status?: { conditions?: { type: string; status: string }[] } }).status?.conditions ?? []);
      if (conds.some((c) => c.type === 'Established' && c.status === 'True')) break;
      if (i > 100) throw new Error(`CRD ${r.name} never became Established`);
      await new Promise((res) => setTimeout(res, 100));
    }
  }
}

/** Namespaces the API server makes itself. */
const BUILT_IN_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/** Creates the objects of `paths` (namespaces first), as `kubectl create -f` would. */
export async function createAll(kc: KubeConfig, paths: string[]): Promise<void> {
  // Only what kgd reads: the rest (webhook configurations, cert-manager objects) needs controllers this server lacks.
  const resources = (await loadSources(paths)).resources.filter((r) => classify(r) !== undefined);
  const namespaces = new Set(resources.map((r) => r.namespace ?? 'default'));
  for (const r of resources) if (r.kind === 'Namespace') namespaces.delete(r.name);
  for (const ns of [...namespaces].filter((n) => !BUILT_IN_NAMESPACES.includes(n))) await create(kc, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  const ordered = [...resources].sort((a, b) => Number(b.kind === 'Namespace') - Number(a.kind === 'Namespace'));
  for (const r of ordered) {
    // The API server makes these itself.
    if (r.kind === 'Namespace' && BUILT_IN_NAMESPACES.includes(r.name)) continue;
    const { status: _s, ...object } = r.object as Record<string, unknown>;
    const meta = { ...(object['metadata'] as Record<string, unknown>), namespace: r.kind === 'Namespace' ? undefined : (r.namespace ?? 'default') };
    await create(kc, { ...object, metadata: meta } as KubernetesObject);
  }
}

