/**
 * The real Knative operator (knative.dev/operator cmd/operator, the version test/upstream/operator/go.mod pins)
 * against the test kube-apiserver, with kube-controller-manager for ClusterRole aggregation and garbage
 * collection. Each KnativeServing variant (selector and server overrides, spec.config.istio in both formats,
 * both config keys, objects already in the cluster) is created in turn; the Gateways, the
 * `knative-local-gateway` Service and config-istio the operator writes are compared with what kgd's snapshot
 * holds for the same input.
 */
import assert from 'node:assert/strict';
import { chmodSync, cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import semver from 'semver';
import { NEWEST } from '../src/platform/versions.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import { parseAllDocuments, stringify } from 'yaml';
import { kubeRequest } from '../src/load/kube-http.js';
import { objectPath, resourceNames } from '../src/load/cluster.js';
import { parseManifestText } from '../src/load/parse.js';
import { buildSnapshot } from '../src/platform/build.js';
import { knativeGatewayConfig } from '../src/platform/knative/effective.js';
import { DISABLE_PORT_TRANSLATION_LABEL } from '../src/platform/istio/listeners.js';
import { LAST_APPLIED_ANNOTATION } from '../src/platform/k8s/apply.js';
import { findGo, type TestCluster } from './helpers/cluster.js';
import { clusterWithCrds, create, oracleSkip, requiredInCi, startController, waitFor, type Controller } from './helpers/kube.js';
import { SHARED } from './helpers/paths.js';
import { knativeOperator, type OperatorVersion } from './helpers/upstream.js';
import type { ComponentVersions } from '../src/snapshot/snapshot.js';
import { canonical } from './upstream/compare.js';

/** A copy of an operator's kodata with each YAML file passed through `fix` (in the temp folder). */
function fixedKodata(kodata: string, fix: (text: string) => string): string {
  const out = join(mkdtempSync(join(tmpdir(), 'kgd-kodata-')), 'kodata');
  cpSync(kodata, out, { recursive: true });
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.yaml')) { chmodSync(p, 0o644); writeFileSync(p, fix(readFileSync(p, 'utf8'))); }
    }
  };
  walk(out);
  return out;
}

/** The Knative Serving release the KnativeServings ask for (one of the operator's bundled manifests). */
const SERVING_VERSION = '1.21';
type Obj = { metadata: { name: string; namespace?: string; labels?: Record<string, string> }; spec?: unknown };
const ISTIO_CRDS = join(SHARED, 'corpus', 'kubeflow', 'common_istio_istio-crds_base.yaml');

interface Variant {
  readonly name: string;
  readonly namespace?: string;
  readonly spec: Record<string, unknown>;
  /** Objects in the cluster (and in kgd's input, as read back) before the KnativeServing is created. */
  readonly before?: readonly Record<string, unknown>[];
  /** The objects were applied with `kubectl apply` (their own last-applied configuration); kgd gets the files. */
  readonly kubectlApply?: boolean;
}

const structured = (ns: string, svc: string) => `- name: knative-local-gateway\n  namespace: ${ns}\n  service: ${svc}\n`;

export const VARIANTS: readonly Variant[] = [
  {
    name: 'a Gateway and config-istio already in the cluster',
    spec: {},
    before: [
      { apiVersion: 'networking.istio.io/v1beta1', kind: 'Gateway', metadata: { name: 'knative-local-gateway', namespace: 'knative-serving' }, spec: { selector: { app: 'mine' }, servers: [{ port: { number: 9090, name: 'http', protocol: 'HTTP' }, hosts: ['mine.example.com'] }] } },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'config-istio', namespace: 'knative-serving' }, data: { 'user-key': 'kept?' } },
    ],
  },
  { name: 'defaults', spec: {} },
  { name: 'selector overrides', spec: { ingress: { istio: { enabled: true, 'knative-local-gateway': { selector: { istio: 'local-gw' } }, 'knative-ingress-gateway': { selector: { app: 'ingress', istio: 'x' } } } } } },
  { name: 'legacy key moves the Service', spec: { config: { istio: { 'local-gateway.knative-serving.knative-local-gateway': 'knative-local-gateway.custom-ns.svc.cluster.local' } } } },
  { name: 'structured entry moves the Service', spec: { config: { istio: { 'local-gateways': structured('knative-serving', 'custom-local-gateway.istio-system.svc.cluster.local') } } } },
  { name: 'config-istio key without a namespace, istio key with one', spec: { config: { istio: { 'local-gateways': structured('ns-a', 'knative-local-gateway.ns-a.svc.cluster.local') }, 'config-istio': { 'enable-virtualservice-status': 'false' } } } },
  {
    name: 'a Service and Gateway already there, applied with kubectl (last-applied configuration)',
    before: [
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'knative-local-gateway', namespace: 'istio-system', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'knative-local-gateway', namespace: 'istio-system' }, spec: { selector: { app: 'mine' }, ports: [{ name: 'status', port: 15021, targetPort: 15021 }] } }) } }, spec: { selector: { app: 'mine', team: 'a' }, ports: [{ name: 'status', port: 15021, targetPort: 15021 }, { name: 'extra', port: 9000, targetPort: 9000 }] } },
      { apiVersion: 'networking.istio.io/v1beta1', kind: 'Gateway', metadata: { name: 'knative-ingress-gateway', namespace: 'knative-serving', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify({ spec: { selector: { app: 'mine' } } }) } }, spec: { selector: { app: 'mine', team: 'a' }, servers: [{ port: { number: 9090, name: 'http', protocol: 'HTTP' }, hosts: ['*'] }] } },
    ],
    spec: {},
  },
  { name: 'spec.ingress without istio.enabled', spec: { ingress: { istio: { 'knative-local-gateway': { selector: { istio: 'local' } } } } } },
  { name: 'servers override', spec: { ingress: { istio: { enabled: true, 'knative-local-gateway': { selector: { istio: 'local' }, servers: [{ port: { number: 8082, name: 'http', protocol: 'HTTP' }, hosts: ['*.svc.cluster.local'] }] } } } } },
  // Last: the operator refuses to move a KnativeServing across more than one minor version (VersionMigrationEligible).
  {
    name: 'manifest files applied with kubectl apply, kgd given the files',
    kubectlApply: true,
    before: [
      { apiVersion: 'networking.istio.io/v1beta1', kind: 'Gateway', metadata: { name: 'knative-local-gateway', namespace: 'knative-serving' }, spec: { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 8081, name: 'http', protocol: 'HTTP' }, hosts: ['*'] }] } },
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'knative-local-gateway', namespace: 'istio-system' }, spec: { selector: { istio: 'ingressgateway' }, ports: [{ name: 'http2', port: 80, targetPort: 8081 }, { name: 'status', port: 15021, targetPort: 15021 }] } },
    ],
    spec: { ingress: { istio: { enabled: true, 'knative-local-gateway': { selector: { app: 'ml-local-gateway' } } } } },
  },
  { name: 'Knative Serving 1.22 manifests', spec: { version: '1.22', ingress: { istio: { enabled: true, 'knative-local-gateway': { selector: { istio: 'local' } } } } } },
];

describe('the real Knative operator against the test API server', () => {
  const go = findGo();
  const skip = oracleSkip('the operator and the API server');
  if (requiredInCi(skip, 'the operator oracle')) return;
  let cluster: TestCluster | undefined;
  let operator: Controller | undefined;
  /** Every operator run's output, written to a file at the end. */
  let log = '';
  let kc: KubeConfig;
  let opVersion = '';
  let kodata = '';
  let startOperator: () => Controller = () => { throw new Error('the operator was not built'); };
  /** Starts one operator binary against the test cluster, reading its release manifests from `kodata`. */
  const operatorRunner = (op: { binary: string; kodata: string }) => (): Controller => startController(op.binary, ['--kubeconfig', cluster!.kubeconfig], { SYSTEM_NAMESPACE: 'knative-operator', POD_NAME: 'knative-operator-test', METRICS_DOMAIN: 'knative.dev/operator', CONFIG_LOGGING_NAME: 'config-logging', CONFIG_OBSERVABILITY_NAME: 'config-observability', KO_DATA_PATH: op.kodata, KUBERNETES_MIN_VERSION: '' }, 2_000_000);
  /** Stops the operator at once (an unfinished reconcile would only re-apply the same objects) and frees its leader leases. */
  const stopOperator = async () => {
    const run = operator;
    operator = undefined;
    if (!run) return;
    await run.stop('SIGKILL');
    log += run.log();
    await kubeRequest(kc, 'DELETE', '/apis/coordination.k8s.io/v1/namespaces/knative-operator/leases');
  };

  before(async () => {
    if (skip) return;
    const op = knativeOperator(go!);
    opVersion = op.version;
    kodata = op.kodata;
    ({ cluster, kc } = await clusterWithCrds([ISTIO_CRDS], { controllerManager: true, admissionWebhooks: false }));
    const base = join(op.kodata, '..', '..', '..', 'config');
    // The operator's CRDs, without the conversion webhook (nothing here serves it; only v1beta1 is used).
    for (const f of ['operator.knative.dev_knativeservings.yaml', 'operator.knative.dev_knativeeventings.yaml']) {
      for (const d of parseAllDocuments(readFileSync(join(base, 'crd', 'bases', f), 'utf8'))) {
        const o = d.toJS() as KubernetesObject & { spec: Record<string, unknown> };
        delete o.spec['conversion'];
        await create(kc, o);
      }
    }
    for (const ns of ['knative-operator', 'knative-serving', 'istio-system', 'custom-ns', 'ns-a']) await create(kc, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    for (const f of ['config-logging-configmap.yaml', 'config-observability-configmap.yaml']) {
      for (const d of parseAllDocuments(readFileSync(join(base, 'manager', f), 'utf8'))) await create(kc, { ...(d.toJS() as KubernetesObject), metadata: { ...(d.toJS() as KubernetesObject).metadata, namespace: 'knative-operator' } });
    }
    await waitFor('the Gateway resource to be served', 60, async () => kubeRequest(kc, 'GET', '/apis/networking.istio.io/v1beta1/gateways'));
    startOperator = operatorRunner(op);
  }, { timeout: 60 * 60 * 1000 });

  after(async () => {
    await stopOperator();
    if (log) writeFileSync(join(tmpdir(), 'kgd-knative-operator.log'), log);
    await cluster?.stop();
  });

  it(`the operator run is the release kgd models as the newest (${NEWEST.operator})`, { skip }, () => {
    // Each operator release bundles the Serving manifests of its own minor and the three before it.
    const bundled = readdirSync(join(kodata, 'knative-serving')).sort((a, b) => semver.compare(a, b));
    assert.equal(semver.major(bundled.at(-1)!) + '.' + semver.minor(bundled.at(-1)!), semver.major(NEWEST.operator) + '.' + semver.minor(NEWEST.operator), `operator ${opVersion} bundles Serving ${bundled.join(', ')}`);
  });

  /**
   * One KnativeServing variant: the objects it names put in the cluster, the KnativeServing applied, one operator run
   * until it is Ready; then the Gateways, `knative-local-gateway` Services and config-istio the operator wrote are
   * compared with kgd's snapshot of the same input at `opts.versions`. Returns the differences and how many were compared.
   */
  const compareVariant = async (t: { diagnostic: (m: string) => void }, v: Variant, opts: { serving: string; start: () => Controller; versions?: ComponentVersions }): Promise<{ diffs: string[]; compared: number }> => {
    const names = resourceNames(kc);
    const diffs: string[] = [];
    let compared = 0;
    const ns = v.namespace ?? 'knative-serving';
    // A clean slate for the objects compared (the rest of the install stays and is re-applied).
    const gwList = (await kubeRequest(kc, 'GET', `/apis/networking.istio.io/v1beta1/gateways`)) as { items: KubernetesObject[] };
    const svcList = (await kubeRequest(kc, 'GET', `/api/v1/services?fieldSelector=metadata.name%3Dknative-local-gateway`)) as { items: KubernetesObject[] };
    // (The garbage collector may be deleting some of them already, after a KnativeServing was replaced.)
    for (const o of gwList.items) await kubeRequest(kc, 'DELETE', `/apis/networking.istio.io/v1beta1/namespaces/${o.metadata!.namespace}/gateways/${o.metadata!.name}`).catch(() => undefined);
    for (const o of svcList.items) await kubeRequest(kc, 'DELETE', `/api/v1/namespaces/${o.metadata!.namespace}/services/${o.metadata!.name}`).catch(() => undefined);
    await kubeRequest(kc, 'DELETE', `/api/v1/namespaces/${ns}/configmaps/config-istio`).catch(() => undefined);
    // kgd reads what was in the cluster (as `kgd dump` would give it), or the manifest files when the variant says so.
    const input: Record<string, unknown>[] = [];
    for (const o of v.before ?? []) {
      const meta = o['metadata'] as { name: string; namespace: string; annotations?: Record<string, string> };
      const applied = v.kubectlApply ? { ...o, metadata: { ...meta, annotations: { ...meta.annotations, [LAST_APPLIED_ANNOTATION]: JSON.stringify(o) } } } : o;
      await create(kc, applied as KubernetesObject);
      const path = await objectPath(names, o['apiVersion'] as string, o['kind'] as string, meta.namespace, meta.name);
      input.push(v.kubectlApply ? o : (await kubeRequest(kc, 'GET', path)) as Record<string, unknown>);
    }
    const ks = { apiVersion: 'operator.knative.dev/v1beta1', kind: 'KnativeServing', metadata: { name: 'knative-serving', namespace: ns }, spec: { version: opts.serving, ...v.spec } };
    const t0 = Date.now();
    // One KnativeServing, its spec replaced per variant (deleting it would let the garbage collector remove
    // what it owns while the next variant runs); one operator run per variant, so nothing of the previous
    // variant is re-applied after the slate was cleaned.
    const ksPath = await objectPath(names, 'operator.knative.dev/v1beta1', 'KnativeServing', ns, 'knative-serving');
    const current = (await kubeRequest(kc, 'GET', ksPath).catch(() => undefined)) as { metadata: { resourceVersion: string } } | undefined;
    if (current) await kubeRequest(kc, 'PUT', ksPath, { ...ks, metadata: { ...ks.metadata, resourceVersion: current.metadata.resourceVersion } });
    else await create(kc, ks as KubernetesObject);
    const run = opts.start();
    operator = run;
    // No kubelet here: the operator waits for its Deployments, so the test marks them available, as a node would.
    try {
      await waitFor(`KnativeServing "${v.name}" installed (operator log: ${join(tmpdir(), 'kgd-knative-operator.log')})`, 120, async () => {
        const deps = (await kubeRequest(kc, 'GET', `/apis/apps/v1/namespaces/${ns}/deployments`)) as { items: { metadata: { name: string; generation: number }; status?: { observedGeneration?: number } }[] };
        for (const d of deps.items.filter((x) => x.status?.observedGeneration !== x.metadata.generation)) {
          const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
          await kubeRequest(kc, 'PATCH', `/apis/apps/v1/namespaces/${ns}/deployments/${d.metadata.name}/status`, { status: { observedGeneration: d.metadata.generation, replicas: 1, readyReplicas: 1, availableReplicas: 1, updatedReplicas: 1, conditions: [{ type: 'Available', status: 'True', lastTransitionTime: now, lastUpdateTime: now, reason: 'Test', message: 'marked by the test' }] } }, 'application/merge-patch+json');
        }
        const got = (await kubeRequest(kc, 'GET', ksPath)) as { metadata: { generation: number }; status?: { observedGeneration?: number; conditions?: { type: string; status: string }[] } };
        const reconciled = run.log().includes('"Reconcile succeeded"');
        return reconciled && got.status?.observedGeneration === got.metadata.generation && got.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ? true : undefined;
      });
    } catch (e) {
      // Never leave an operator running into the next test (it would hold the leader lease); show why it stalled.
      await stopOperator();
      const tail = run.log().split('\n').filter((l) => /"(error|warn)"|Reconcile|failed/i.test(l)).slice(-8).join('\n');
      throw new Error(`${(e as Error).message}\n${tail}`, { cause: e });
    }
    await stopOperator();
    const errors = run.log().split('\n').filter((l) => l.includes('"Reconcile error"'));
    assert.deepEqual(errors, [], `${v.name}: the operator failed a reconcile`);
    const theirGws = ((await kubeRequest(kc, 'GET', `/apis/networking.istio.io/v1beta1/gateways`)) as { items: Obj[] }).items;
    const theirSvcs = ((await kubeRequest(kc, 'GET', `/api/v1/services?fieldSelector=metadata.name%3Dknative-local-gateway`)) as { items: Obj[] }).items;
    const theirCm = (await kubeRequest(kc, 'GET', `/api/v1/namespaces/${ns}/configmaps/config-istio`).catch(() => undefined)) as { data?: Record<string, string> } | undefined;

    const snap = buildSnapshot(parseManifestText(`${v.name}.yaml`, [...input, ks].map((d) => stringify(d)).join('---\n')).resources, opts.versions ? { versions: opts.versions } : {});
    const ourGws = snap.list('Gateway').map((g) => g.res.object as Obj);
    const ourSvcs = snap.list('Service').filter((x) => x.name === 'knative-local-gateway').map((x) => x.res.object as Obj);
    const key = (o: Obj) => `${o.metadata.namespace}/${o.metadata.name}`;
    // What the API server adds (cluster IPs, protocols, session affinity) is not the operator's: the
    // Service is compared on selector, ports and type.
    const view = (o: Obj, kind: string) => {
      const spec = o.spec as { selector?: unknown; type?: string; ports?: { name?: string; port: number; targetPort?: unknown }[] } & Record<string, unknown>;
      const shown = kind === 'Service' ? { selector: spec.selector, type: spec.type, ports: spec.ports?.map((p) => ({ name: p.name, port: p.port, targetPort: p.targetPort })) } : spec;
      return JSON.stringify(canonical({ spec: shown, translation: o.metadata.labels?.[DISABLE_PORT_TRANSLATION_LABEL] }));
    };
    for (const [kind, theirs, ours] of [['Gateway', theirGws, ourGws], ['Service', theirSvcs, ourSvcs]] as const) {
      const a = new Map(theirs.map((o) => [key(o), view(o, kind)]));
      const b = new Map(ours.map((o) => [key(o), view(o, kind)]));
      for (const k of new Set([...a.keys(), ...b.keys()])) {
        compared++;
        if (a.get(k) !== b.get(k)) diffs.push(`${v.name}: ${kind} ${k}:\n    operator ${a.get(k) ?? '(none)'}\n    kgd      ${b.get(k) ?? '(none)'}`);
      }
    }
    const { _example: _e, ...theirData } = theirCm?.data ?? {};
    const ourData = knativeGatewayConfig(snap).data;
    compared++;
    if (!theirCm !== !snap.list('KnativeServing')[0]?.istioEnabled) diffs.push(`${v.name}: the operator ${theirCm ? 'installed' : 'did not install'} net-istio; kgd says it ${snap.list('KnativeServing')[0]?.istioEnabled ? 'does' : 'does not'}`);
    else if (JSON.stringify(canonical(theirData)) !== JSON.stringify(canonical(ourData))) diffs.push(`${v.name}: config-istio data:\n    operator ${JSON.stringify(canonical(theirData))}\n    kgd      ${JSON.stringify(canonical(ourData))}`);
    t.diagnostic(`${v.name}: ${Date.now() - t0} ms`);
    return { diffs, compared };
  };

  it(`${VARIANTS.length} KnativeServings: the Gateways, Service and config-istio the operator writes are kgd's`, { skip, timeout: 30 * 60 * 1000 }, async (t) => {
    const diffs: string[] = [];
    let compared = 0;
    for (const v of VARIANTS) {
      const r = await compareVariant(t, v, { serving: SERVING_VERSION, start: startOperator });
      diffs.push(...r.diffs);
      compared += r.compared;
    }
    t.diagnostic(`${compared} objects written by the Knative operator ${opVersion} (release ${NEWEST.operator}) compared with kgd's`);
    assert.deepEqual(diffs, []);
  });

  // The versioned operator rows, run on both sides: releases before the change, each on the Serving it installs.
  const OLD: readonly { release: OperatorVersion; serving: string; row: string; kodataFix?: (text: string) => string; check: (gws: Obj[], svcs: Obj[]) => string | undefined }[] = [
    // Newest first: each release's CRDs (DomainMapping's stored versions) must accept what the one before stored.
    {
      release: '1.12.0', serving: '1.12', row: 'operator-gateway-override-skipped (knative/operator#1469)',
      // 1.10–1.12 skip the overrides for the v1beta1 Gateways of Serving >= 1.10; the Service still gets its selector.
      check: (gws, svcs) => gws.some((g) => g.metadata.name === 'knative-local-gateway' && JSON.stringify((g.spec as { selector?: unknown }).selector) === JSON.stringify({ istio: 'ingressgateway' })) && JSON.stringify((svcs[0]?.spec as { selector?: unknown } | undefined)?.selector) === JSON.stringify({ istio: 'local-gw' }) ? undefined : 'the Gateway should keep istio: ingressgateway and the Service take the override',
    },
    {
      release: '1.7.0', serving: '1.7', row: 'operator-local-service-selector (knative/operator#1231)',
      // Serving 1.7's HorizontalPodAutoscalers are autoscaling/v2beta2, which today's API server no longer serves: the
      // operator's manifests are copied with autoscaling/v2 (same fields here); its gateway code is untouched.
      kodataFix: (text: string) => text.replaceAll('apiVersion: autoscaling/v2beta2', 'apiVersion: autoscaling/v2'),
      // Before 1.8 the Service keeps net-istio's selector while the Gateway gets the override.
      check: (gws, svcs) => JSON.stringify((svcs[0]?.spec as { selector?: unknown } | undefined)?.selector) === JSON.stringify({ istio: 'ingressgateway' }) && gws.some((g) => g.metadata.name === 'knative-local-gateway' && JSON.stringify((g.spec as { selector?: unknown }).selector) === JSON.stringify({ istio: 'local-gw' })) ? undefined : 'the Service should keep istio: ingressgateway and the Gateway take the override',
    },
  ];
  for (const old of OLD) {
    it(`the Knative operator ${old.release} (Serving ${old.serving}): what it writes is what kgd derives at that release — row ${old.row}`, { skip, timeout: 30 * 60 * 1000 }, async (t) => {
      const built = knativeOperator(go!, old.release);
      const op = { ...built, kodata: old.kodataFix ? fixedKodata(built.kodata, old.kodataFix) : built.kodata };
      // A fresh KnativeServing: an operator refuses one that another release already moved to a newer Serving.
      const ksPath = `/apis/operator.knative.dev/v1beta1/namespaces/knative-serving/knativeservings/knative-serving`;
      await kubeRequest(kc, 'DELETE', ksPath).catch(() => undefined);
      // Its finalizer waits for an operator (none runs between tests): drop it; the garbage collector takes what it owned.
      await kubeRequest(kc, 'PATCH', ksPath, { metadata: { finalizers: null } }, 'application/merge-patch+json').catch(() => undefined);
      await waitFor('the previous KnativeServing to be gone', 120, async () => ((await kubeRequest(kc, 'GET', ksPath).catch(() => 'gone')) === 'gone' ? true : undefined));
      const start = operatorRunner(op);
      const variant = VARIANTS.find((v) => v.name === 'selector overrides')!;
      const versions = { operator: old.release, serving: `${old.serving}.0` };
      const r = await compareVariant(t, variant, { serving: old.serving, start, versions });
      const gws = ((await kubeRequest(kc, 'GET', '/apis/networking.istio.io/v1beta1/gateways')) as { items: Obj[] }).items;
      const svcs = ((await kubeRequest(kc, 'GET', '/api/v1/services?fieldSelector=metadata.name%3Dknative-local-gateway')) as { items: Obj[] }).items;
      t.diagnostic(`${r.compared} objects written by the Knative operator ${op.version} compared with kgd's at operator ${old.release}`);
      assert.equal(old.check(gws, svcs), undefined, `the operator ${old.release} shows the row's behaviour`);
      assert.deepEqual(r.diffs, []);
    });
  }
});
