/**
 * Input is partial: a manifest folder or a piped `kubectl get` rarely holds the whole cluster. Objects every
 * default install has, that the input's own configuration relies on and does not show, are assumed rather than
 * reported missing — unless the input is known to be complete (`--complete`, `--cluster`).
 */
import type { Resource } from '../load/resource.js';
import type { Snapshot } from '../snapshot/snapshot.js';
import { knativeGatewayConfig } from './knative/effective.js';
import { kserveIngressConfig } from './kserve/ingress-config.js';
import { resolveGatewayRef } from './istio/gateway-ref.js';
import { installedGatewayObjects, installedGateways } from './istio/install.js';
import { DEFAULT_GATEWAY_SELECTOR, shippedGateway, shippedLocalService } from './knative/shipped.js';

/** Why an assumed object is there (its `derivedFrom`). */
export const INSTALL_DEFAULT = 'assumed: a default install has it and the input does not show it (--complete: the input is the whole cluster)';

/** Whether kgd assumed this object because a default install has it (not read, not derived from a controller). */
export function isInstallDefault(res: Resource): boolean {
  return res.derivedFrom === INSTALL_DEFAULT;
}

/** Whether the input shows its Gateways: it is the whole cluster, or holds a Gateway a default install would not add. */
export function inputShowsGateways(snapshot: Snapshot): boolean {
  return snapshot.complete || snapshot.list('Gateway').some((g) => !isInstallDefault(g.res));
}

/** Istio's default ingress gateway pods and Service (the `default` profile: manifests/charts/gateway values). */
const ISTIO_INGRESS_LABELS = { app: 'istio-ingressgateway', istio: 'ingressgateway' };

function istioIngressDeployment(): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'istio-ingressgateway', namespace: 'istio-system', labels: { ...ISTIO_INGRESS_LABELS } },
    spec: {
      selector: { matchLabels: { ...ISTIO_INGRESS_LABELS } },
      template: {
        metadata: { labels: { ...ISTIO_INGRESS_LABELS } },
        spec: { containers: [{ name: 'istio-proxy', image: 'auto', ports: [{ name: 'status-port', containerPort: 15021 }, { name: 'http2', containerPort: 8080 }, { name: 'https', containerPort: 8443 }] }] },
      },
    },
  };
}

function istioIngressService(): Record<string, unknown> {
  return {
    apiVersion: 'v1', kind: 'Service', metadata: { name: 'istio-ingressgateway', namespace: 'istio-system', labels: { ...ISTIO_INGRESS_LABELS } },
    spec: {
      type: 'LoadBalancer', selector: { ...ISTIO_INGRESS_LABELS },
      ports: [{ name: 'status-port', port: 15021, targetPort: 15021 }, { name: 'http2', port: 80, targetPort: 8080 }, { name: 'https', port: 443, targetPort: 8443 }],
    },
  };
}

const isDefaultSelector = (s: Readonly<Record<string, string>> | undefined) => s !== undefined && Object.keys(s).length === 1 && s['istio'] === DEFAULT_GATEWAY_SELECTOR['istio'];

/**
 * What a default install would add to this input: Knative's shipped Gateways where config-istio (or KServe's
 * ingressGateway, whose default is net-istio's knative-ingress-gateway) names them
 * (`knative-serving/knative-ingress-gateway`, `knative-serving/knative-local-gateway`) and the input lacks them
 * and its `knative-local-gateway` Service where the local gateways name it (unless net-istio's installation or a
 * KnativeServing is in the input), and Istio's ingress gateway Deployment
 * and Service where a Gateway selects `istio: ingressgateway` and no workload in the input has that label
 * (unless Istio's installation is in the input).
 */
export function installDefaults(snapshot: Snapshot): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const cfg = knativeGatewayConfig(snapshot);
  const selectors = snapshot.list('Gateway').map((g) => g.selector);
  const workloads = snapshot.list('Workload');
  // A layer whose installation is in the input ships these objects with it: then their absence is real.
  // net-istio's: its controller; a KnativeServing (the operator installs them itself, or, with another ingress, none).
  const netIstioInstalled = workloads.some((w) => ['net-istio-controller', 'net-istio-webhook'].includes(w.res.name) || w.labels['app.kubernetes.io/component'] === 'net-istio');
  // Istio's: istiod or an IstioOperator (which may turn the ingress gateway off: see #19).
  const istioInstalled = workloads.some((w) => w.res.name === 'istiod' || w.labels['app'] === 'istiod') || snapshot.resources.some((r) => r.kind === 'IstioOperator');
  // KServe's ingressGateway (its shipped default is net-istio's knative-ingress-gateway) counts like an external entry.
  const kserveIngress = kserveIngressConfig(snapshot);
  const kserveRef = kserveIngress.status === 'ok' && !kserveIngress.enableGatewayApi && kserveIngress.ingressGateway.includes('/') ? resolveGatewayRef(kserveIngress.ingressGateway, '') : undefined;
  const kserveEntries = kserveRef ? [{ namespace: kserveRef.namespace, name: kserveRef.name }] : [];
  if ((cfg.status === 'ok' || kserveEntries.length > 0) && !netIstioInstalled && snapshot.list('KnativeServing').length === 0) {
    for (const e of [...(cfg.status === 'ok' ? [...cfg.parsed.local, ...cfg.parsed.external] : []), ...kserveEntries]) {
      if (e.namespace !== 'knative-serving' || snapshot.get('Gateway', e.namespace, e.name)) continue;
      const kind = e.name === 'knative-local-gateway' ? 'local' : e.name === 'knative-ingress-gateway' ? 'ingress' : undefined;
      if (!kind || out.some((o) => (o['metadata'] as { name: string }).name === e.name)) continue;
      out.push(shippedGateway(kind, 'knative-serving', DEFAULT_GATEWAY_SELECTOR));
      selectors.push(DEFAULT_GATEWAY_SELECTOR);
    }
    // net-istio's knative-local-gateway Service, where config-istio's local gateways name it.
    const shippedHost = `knative-local-gateway.istio-system.svc.${snapshot.clusterDomain}`;
    if (cfg.status === 'ok' && cfg.parsed.local.some((e) => e.service === shippedHost) && !snapshot.get('Service', 'istio-system', 'knative-local-gateway')) {
      out.push(shippedLocalService('istio-system', DEFAULT_GATEWAY_SELECTOR, snapshot.versions));
    }
  }
  if (!istioInstalled && selectors.some(isDefaultSelector) && !workloads.some((w) => w.labels['istio'] === 'ingressgateway')) {
    out.push(istioIngressDeployment());
    if (!snapshot.get('Service', 'istio-system', 'istio-ingressgateway')) out.push(istioIngressService());
  }
  return out;
}

/**
 * The gateway Deployments and Services the input's IstioOperator installs and the input does not show (real
 * objects of that name win): each with why it is there.
 */
export function istioOperatorObjects(snapshot: Snapshot): { object: Record<string, unknown>; why: string }[] {
  const out: { object: Record<string, unknown>; why: string }[] = [];
  for (const g of installedGateways(snapshot)) {
    if (!g.enabled) continue;
    const why = `rendered from IstioOperator ${g.operator.namespace}/${g.operator.name} (${g.component ? `spec.components.${g.kind}Gateways[${g.component.index}]` : `the ${g.operator.profile} profile`}), as Istio's installer would create it; the input does not show it`;
    for (const o of installedGatewayObjects(g)) {
      const kind = o['kind'] === 'Service' ? 'Service' : 'Workload';
      const exists = kind === 'Service' ? snapshot.get('Service', g.namespace, g.name) : snapshot.list('Workload').some((w) => w.namespace === g.namespace && w.res.name === g.name);
      if (!exists) out.push({ object: o, why });
    }
  }
  return out;
}

