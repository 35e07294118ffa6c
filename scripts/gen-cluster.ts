/**
 * A deterministic generator of large, realistic KServe-on-Knative clusters for the benchmark:
 * `npm run gen:cluster -- --isvcs N --namespaces M [--broken K] [--out FILE]`.
 * Every InferenceService comes with what KServe, Knative Serving and net-istio create for it (the
 * VirtualServices are made by kgd's models of those controllers, which test/upstream.test.ts checks against
 * KServe's and net-istio's own code on a sample of this output), on a Kubeflow-style local gateway.
 * K mistakes of known kinds are injected; the list of what should be found goes to FILE.expected.json.
 */
import { NEWEST } from '../src/platform/versions.js';
import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { scriptArgs, wholeNumber } from './script-args.js';
import { stringify } from 'yaml';
import { kserveObjects } from '../src/platform/kserve/derive.js';
import { knativeObjects, firstRevision, isvcComponentRoute } from '../src/platform/knative/derive.js';
import { parseConfigDomain } from '../src/platform/knative/domain.js';
import { parseConfigIstio } from '../src/platform/knative/config-istio.js';
import type { KnativeGatewayConfig } from '../src/platform/knative/effective.js';
import type { KServeIngressConfig } from '../src/platform/kserve/ingress-config.js';
import type { InferenceService } from '../src/model/kserve.js';
import type { CatalogKey } from '../src/diagnostics/catalog.js';
import type { Resource } from '../src/load/resource.js';

export interface Injection {
  readonly kind: 'missing-gateway' | 'stale-knative-vs' | 'deny-all-namespace' | 'not-ready';
  /** The finding that must report it: code and resource. */
  readonly id: CatalogKey;
  readonly resource: string;
  /**
   * Findings that follow from this mistake on other objects or under other codes (a VirtualService bound to a
   * Gateway that is not there is also stale; a KIngress whose VirtualService left the local gateway never passes
   * the probe): code and resource. Any finding that is neither an injection nor one of these is a false finding.
   */
  readonly consequences: readonly { readonly id: CatalogKey; readonly resource: string }[];
}

/** The findings that no injected mistake explains (the benchmark fails on any). */
export function falseFindings<T extends { readonly id: string; readonly resource?: string | null }>(findings: readonly T[], injections: readonly Injection[]): T[] {
  const explained = new Set<string>();
  for (const i of injections) for (const e of [i, ...i.consequences]) explained.add(`${e.id}\0${e.resource}`);
  return findings.filter((f) => !explained.has(`${f.id}\0${f.resource ?? ''}`));
}

export interface ClusterOptions {
  readonly isvcs: number;
  readonly namespaces: number;
  readonly broken: number;
}

const CD = 'cluster.local';
const DOMAIN = 'example.com';
const GW = { app: 'cluster-local-gateway', istio: 'cluster-local-gateway' };
const INGRESS = { app: 'istio-ingressgateway', istio: 'ingressgateway' };

const KNATIVE = 'gcr.io/knative-releases/knative.dev';

/** The Deployment with these images in its pod, beside its istio-proxy (or instead of it, without a sidecar). */
function withImages(d: Record<string, unknown>, images: string[], sidecar = true): Record<string, unknown> {
  const pod = ((d['spec'] as { template: { spec: { containers: { name: string; image: string }[] } } }).template.spec);
  pod.containers = [...images.map((image) => ({ name: image.split('/').pop()!.split(':')[0]!, image })), ...(sidecar ? pod.containers : [])];
  return d;
}

function base(): Record<string, unknown>[] {
  const deploy = (name: string, ns: string, labels: Record<string, string>) => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: ns }, spec: { replicas: 2, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'istio-proxy', image: 'docker.io/istio/proxyv2:1.29.1' }] } } } });
  return [
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'config-istio', namespace: 'knative-serving', labels: { 'app.kubernetes.io/component': 'net-istio', 'app.kubernetes.io/name': 'knative-serving' } }, data: { 'gateway.kubeflow.kubeflow-gateway': `istio-ingressgateway.istio-system.svc.${CD}` } },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'config-domain', namespace: 'knative-serving' }, data: { [DOMAIN]: '' } },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'inferenceservice-config', namespace: 'kubeflow' }, data: { ingress: JSON.stringify({ ingressGateway: 'kubeflow/kubeflow-gateway', localGateway: 'knative-serving/knative-local-gateway', localGatewayService: `knative-local-gateway.istio-system.svc.${CD}`, ingressDomain: DOMAIN }, null, 2) } },
    { apiVersion: 'networking.istio.io/v1beta1', kind: 'Gateway', metadata: { name: 'knative-local-gateway', namespace: 'knative-serving' }, spec: { selector: GW, servers: [{ port: { number: 8081, name: 'http', protocol: 'HTTP' }, hosts: ['*'] }] } },
    { apiVersion: 'networking.istio.io/v1beta1', kind: 'Gateway', metadata: { name: 'kubeflow-gateway', namespace: 'kubeflow' }, spec: { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['*'] }] } },
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'knative-local-gateway', namespace: 'istio-system', labels: { 'experimental.istio.io/disable-gateway-port-translation': 'true' } }, spec: { selector: GW, ports: [{ name: 'http2', port: 80, targetPort: 8081 }] } },
    // Port 8081 as well, so that net-istio's prober finds the local Gateway's server on a Service labelled as its selector.
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'cluster-local-gateway', namespace: 'istio-system', labels: GW }, spec: { selector: GW, ports: [{ name: 'http2', port: 80, targetPort: 8080 }, { name: 'http-local', port: 8081, targetPort: 8081 }] } },
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'istio-ingressgateway', namespace: 'istio-system', labels: INGRESS }, spec: { selector: INGRESS, ports: [{ name: 'http2', port: 80, targetPort: 8080 }] } },
    deploy('cluster-local-gateway', 'istio-system', GW),
    deploy('istio-ingressgateway', 'istio-system', INGRESS),
    // The controllers, with the image tags kgd reads their versions from (else it says which it assumed), and the
    // activator with a sidecar as Kubeflow runs it.
    withImages(deploy('activator', 'knative-serving', { app: 'activator', role: 'activator' }), [`${KNATIVE}/serving/cmd/activator:v${NEWEST.serving}`]),
    withImages(deploy('controller', 'knative-serving', { app: 'controller' }), [`${KNATIVE}/serving/cmd/controller:v${NEWEST.serving}`], false),
    withImages(deploy('net-istio-controller', 'knative-serving', { app: 'net-istio-controller' }), [`${KNATIVE}/net-istio/cmd/controller:v${NEWEST.netIstio}`], false),
    withImages(deploy('kserve-controller-manager', 'kubeflow', { 'control-plane': 'kserve-controller-manager' }), [`kserve/kserve-controller:v${NEWEST.kserve}`], false),
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'knative-serving', labels: { 'istio-injection': 'enabled' } } },
    // Under global-deny-all every sidecar needs an ALLOW policy: the activator takes requests from the gateways.
    { apiVersion: 'security.istio.io/v1beta1', kind: 'AuthorizationPolicy', metadata: { name: 'activator-from-gateways', namespace: 'knative-serving' }, spec: { action: 'ALLOW', selector: { matchLabels: { app: 'activator' } }, rules: [{ from: [{ source: { namespaces: ['istio-system'] } }] }] } },
    { apiVersion: 'security.istio.io/v1beta1', kind: 'AuthorizationPolicy', metadata: { name: 'global-deny-all', namespace: 'istio-system' }, spec: {} },
    { apiVersion: 'security.istio.io/v1beta1', kind: 'AuthorizationPolicy', metadata: { name: 'cluster-local-gateway', namespace: 'istio-system' }, spec: { action: 'ALLOW', rules: [{}], selector: { matchLabels: GW } } },
    { apiVersion: 'security.istio.io/v1beta1', kind: 'AuthorizationPolicy', metadata: { name: 'istio-ingressgateway', namespace: 'istio-system' }, spec: { action: 'ALLOW', rules: [{}], selector: { matchLabels: INGRESS } } },
    { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'allow-istio-gateways-to-activator', namespace: 'knative-serving' }, spec: { podSelector: { matchLabels: { app: 'activator' } }, policyTypes: ['Ingress'], ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'istio-system' } }, podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['istio-ingressgateway', 'cluster-local-gateway'] }] } }], ports: [{ port: 8012, protocol: 'TCP' }] }] } },
  ];
}

/** Writes the cluster to `out` document by document; returns the injected mistakes. */
export function generateCluster(opts: ClusterOptions, out: (doc: string) => void): Injection[] {
  const kserveCfg: KServeIngressConfig = {
    status: 'ok', configMap: undefined, ingressGateway: 'kubeflow/kubeflow-gateway', localGateway: 'knative-serving/knative-local-gateway', localGatewayKeyPresent: true,
    localGatewayService: `knative-local-gateway.istio-system.svc.${CD}`, knativeLocalGatewayService: `knative-local-gateway.istio-system.svc.${CD}`,
    knativeLocalGatewayServiceSet: false, ingressDomain: DOMAIN, disableIstioVirtualHost: false, enableGatewayApi: false, issues: [], path: [],
    ingressKeyPresent: true, additionalIngressDomains: [], pathTemplate: '', kserveVersion: NEWEST.kserve,
  };
  const data = { 'gateway.kubeflow.kubeflow-gateway': `istio-ingressgateway.istio-system.svc.${CD}` };
  const parsed = parseConfigIstio(data, 'knative-serving', CD);
  const knativeCfg = { status: 'ok', systemNamespace: 'knative-serving', data, parsed, localDefault: parsed.local[0], externalDefault: parsed.external[0] } as unknown as KnativeGatewayConfig;
  const emit = (o: Record<string, unknown>) => out(stringify(o));
  for (const o of base()) emit(o);
  const injections: Injection[] = [];
  // The plan: which InferenceService gets which mistake, evenly spread, rotating through the kinds.
  const kinds: Injection['kind'][] = ['missing-gateway', 'stale-knative-vs', 'deny-all-namespace', 'not-ready'];
  const plan = new Map<number, Injection['kind']>();
  const deniedNamespaces = new Set<number>();
  const nsOf = (i: number) => i % opts.namespaces;
  for (let k = 0; k < opts.broken && k < opts.isvcs; k++) {
    let i = Math.floor(((k + 0.5) * opts.isvcs) / opts.broken);
    const kind = kinds[k % kinds.length]!;
    // A denied namespace breaks all its InferenceServices: keep the other mistakes out of it.
    // A small cluster may have no free place left: then fewer mistakes are injected (the .expected.json lists them).
    let tries = 0;
    while (tries++ <= opts.isvcs && (plan.has(i) || deniedNamespaces.has(nsOf(i)) || (kind === 'deny-all-namespace' && [...plan.keys()].some((j) => nsOf(j) === nsOf(i))))) i = (i + 1) % opts.isvcs;
    if (tries > opts.isvcs + 1) break;
    plan.set(i, kind);
    if (kind === 'deny-all-namespace') deniedNamespaces.add(nsOf(i));
  }
  for (let n = 0; n < opts.namespaces; n++) {
    const ns = `team-${String(n).padStart(4, '0')}`;
    emit({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { 'istio-injection': 'enabled' } } });
    const from = deniedNamespaces.has(n)
      ? [{ podSelector: {} }]
      : [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'istio-system' } } }, { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'knative-serving' } } }, { podSelector: {} }];
    emit({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'allow-serving', namespace: ns }, spec: { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from }] } });
    // Under global-deny-all: the InferenceServices' pods take requests from the gateways and the activator.
    emit({ apiVersion: 'security.istio.io/v1beta1', kind: 'AuthorizationPolicy', metadata: { name: 'allow-serving', namespace: ns }, spec: { action: 'ALLOW', rules: [{ from: [{ source: { namespaces: ['istio-system', 'knative-serving'] } }] }] } });
  }
  for (let i = 0; i < opts.isvcs; i++) {
    const ns = `team-${String(i % opts.namespaces).padStart(4, '0')}`;
    const name = `model-${String(i).padStart(6, '0')}`;
    const broken = plan.get(i);
    const labels = { 'app.kubernetes.io/part-of': 'models', team: ns };
    const isvcObj = {
      apiVersion: 'serving.kserve.io/v1beta1', kind: 'InferenceService', metadata: { name, namespace: ns, labels },
      spec: { predictor: { model: { modelFormat: { name: 'sklearn' }, storageUri: `gs://models/${name}` } } },
      status: { conditions: [{ type: 'IngressReady', status: broken === 'not-ready' ? 'Unknown' : 'True', ...(broken === 'not-ready' ? { reason: 'Uninitialized', message: 'Waiting for load balancer to be ready' } : {}) }, { type: 'Ready', status: broken === 'not-ready' ? 'Unknown' : 'True' }] },
    };
    emit(isvcObj);
    if (broken === 'not-ready') injections.push({ kind: broken, id: 'KnativeNotReady', resource: `InferenceService ${ns}/${name}`, consequences: [] });
    const isvc = { res: {} as Resource, namespace: ns, name, labels, annotations: {}, components: ['predictor'], predictorName: undefined, clusterLocal: false, deploymentMode: undefined, statusDeploymentMode: undefined, conditions: [], containerPorts: {}, serviceAccounts: {} } as InferenceService;
    for (const o of kserveObjects(isvc, kserveCfg, parseConfigDomain({ [DOMAIN]: '' }, CD), [DOMAIN], CD)) {
      if (broken === 'missing-gateway' && o['kind'] === 'VirtualService') {
        (o['spec'] as { gateways: string[] }).gateways[0] = 'knative-serving/cluster-local-gateway';
        injections.push({ kind: broken, id: 'VirtualServiceGatewayNotFound', resource: `VirtualService ${ns}/${name}`, consequences: [{ id: 'VirtualServiceStale', resource: `VirtualService ${ns}/${name}` }] });
      }
      emit(o);
    }
    const ksvc = `${name}-predictor`;
    const rev = firstRevision(ksvc);
    for (const o of knativeObjects(isvcComponentRoute(isvc, 'predictor'), knativeCfg, parseConfigDomain({ [DOMAIN]: '' }, CD), CD)) {
      if (broken === 'stale-knative-vs' && (o['metadata'] as { name: string }).name === `${ksvc}-ingress`) {
        (o['spec'] as { gateways: string[] }).gateways = ['knative-serving/cluster-local-gateway', 'kubeflow/kubeflow-gateway'];
        injections.push({
          kind: broken, id: 'VirtualServiceStale', resource: `VirtualService ${ns}/${ksvc}-ingress`,
          consequences: [{ id: 'VirtualServiceGatewayNotFound', resource: `VirtualService ${ns}/${ksvc}-ingress` }, { id: 'IngressNeverReady', resource: 'Gateway knative-serving/knative-local-gateway' }],
        });
      }
      emit(o);
    }
    const podLabels = { 'serving.knative.dev/revision': rev, 'serving.knative.dev/service': ksvc, 'serving.knative.dev/configuration': ksvc, 'serving.kserve.io/inferenceservice': name, component: 'predictor' };
    emit({ apiVersion: 'serving.knative.dev/v1', kind: 'Service', metadata: { name: ksvc, namespace: ns, labels: { 'serving.kserve.io/inferenceservice': name } }, spec: { template: { spec: { containers: [{ image: 'kserve/sklearnserver' }] } } }, status: { conditions: [{ type: 'Ready', status: 'True' }] } });
    emit({ apiVersion: 'serving.knative.dev/v1', kind: 'Route', metadata: { name: ksvc, namespace: ns }, spec: { traffic: [{ revisionName: rev, percent: 100 }] }, status: { conditions: [{ type: 'Ready', status: 'True' }] } });
    emit({ apiVersion: 'v1', kind: 'Service', metadata: { name: rev, namespace: ns, labels: { 'serving.knative.dev/revision': rev } }, spec: { ports: [{ name: 'http', port: 80, targetPort: 8012 }] } });
    emit({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: `${rev}-deployment`, namespace: ns }, spec: { replicas: 1, selector: { matchLabels: { 'serving.knative.dev/revision': rev } }, template: { metadata: { labels: podLabels }, spec: { containers: [{ name: 'kserve-container', image: 'kserve/sklearnserver', ports: [{ name: 'user-port', containerPort: 8080 }] }, { name: 'queue-proxy', image: 'queue', ports: [{ name: 'http1', containerPort: 8012 }] }] } } } });
    if (broken === 'deny-all-namespace') injections.push({ kind: broken, id: 'NetworkPolicyBlocksPredictor', resource: `NetworkPolicy ${ns}/allow-serving`, consequences: [] });
  }
  return injections;
}

function main(): void {
  const values = scriptArgs('gen:cluster', { isvcs: { type: 'string', default: '1000' }, namespaces: { type: 'string', default: '10' }, broken: { type: 'string', default: '0' }, out: { type: 'string' } }, 'npm run gen:cluster -- [--isvcs N] [--namespaces M] [--broken K] [--out FILE]');
  const opts = { isvcs: wholeNumber('gen:cluster', 'isvcs', values.isvcs, 0), namespaces: wholeNumber('gen:cluster', 'namespaces', values.namespaces, 1), broken: wholeNumber('gen:cluster', 'broken', values.broken, 0) };
  // The folder of --out is made when missing (as `kubectl ... > dir/file` would not, but a generator should).
  if (values.out) mkdirSync(dirname(resolve(values.out)), { recursive: true });
  const fd = values.out ? openSync(values.out, 'w') : 1;
  const injections = generateCluster(opts, (doc) => writeSync(fd, `---\n${doc}`));
  if (values.out) {
    closeSync(fd);
    writeFileSync(`${values.out}.expected.json`, JSON.stringify(injections, null, 2));
  }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) main();
