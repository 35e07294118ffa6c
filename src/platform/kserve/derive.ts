import { makeDerived } from '../../load/derived.js';
import type { Resource } from '../../load/resource.js';
import type { InferenceService } from '../../model/kserve.js';
import type { Snapshot } from '../../snapshot/snapshot.js';
import { kserveIngressConfig, type KServeIngressConfig } from './ingress-config.js';

function quoteMeta(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * KServe's authority regex (pkg/constants HostRegExp): a `.svc.<domain>` host also matches its short
 * forms; any host matches with or without a port.
 */
export function kserveHostRegExp(host: string, clusterDomain: string): string {
  const port = '(?::\\d{1,5})?';
  const suffix = `.svc.${clusterDomain}`;
  if (!host.endsWith(suffix)) return `^${quoteMeta(host)}${port}$`;
  const prefix = quoteMeta(host.slice(0, -suffix.length));
  return `^${prefix}(${quoteMeta('.svc')}(${quoteMeta('.' + clusterDomain)})?)?${port}$`;
}

/** The component KServe sends traffic to: the transformer when there is one, else the predictor. */
export function kserveBackend(isvc: InferenceService): string {
  return isvc.components.includes('transformer') ? `${isvc.name}-transformer` : `${isvc.name}-predictor`;
}

/** `{{ .Name }}-{{ .Namespace }}.{{ .IngressDomain }}`, KServe's default domainTemplate. */
export function kserveExternalHost(isvc: InferenceService, cfg: KServeIngressConfig): string {
  return `${isvc.name}-${isvc.namespace}.${cfg.ingressDomain}`;
}

/**
 * What KServe's ingress reconciler creates for a Serverless InferenceService
 * (pkg/controller/v1beta1/inferenceservice/reconcilers/ingress): the `<isvc>` ExternalName Service to
 * localGatewayService, and the `<isvc>` VirtualService on [localGateway, mesh(, ingressGateway)] that
 * sets Host to the component's cluster-local name and routes to knativeLocalGatewayService:80.
 */
export function kserveObjects(isvc: InferenceService, cfg: KServeIngressConfig, clusterDomain: string): Record<string, unknown>[] {
  const internalHost = `${isvc.name}.${isvc.namespace}.svc.${clusterDomain}`;
  const externalHost = kserveExternalHost(isvc, cfg);
  const internal = isvc.clusterLocal;
  const match: Record<string, unknown>[] = [{ authority: { regex: kserveHostRegExp(internalHost, clusterDomain) }, gateways: [cfg.localGateway, 'mesh'] }];
  if (!internal) match.push({ authority: { regex: kserveHostRegExp(externalHost, clusterDomain) }, gateways: [cfg.ingressGateway] });
  const route = (host: string, uriRegex?: string) => ({
    match: match.map((m) => (uriRegex ? { ...m, uri: { regex: uriRegex } } : m)),
    route: [{ destination: { host: cfg.knativeLocalGatewayService, port: { number: 80 } }, weight: 100 }],
    headers: { request: { set: { Host: `${host}.${isvc.namespace}.svc.${clusterDomain}`, 'KServe-Isvc-Name': isvc.name, 'KServe-Isvc-Namespace': isvc.namespace } } },
  });
  const http = [
    ...(isvc.components.includes('explainer') ? [route(`${isvc.name}-explainer`, '^/v1/models/[\\w-]+:explain$')] : []),
    route(kserveBackend(isvc)),
  ];
  return [
    { apiVersion: 'v1', kind: 'Service', metadata: { name: isvc.name, namespace: isvc.namespace }, spec: { type: 'ExternalName', externalName: cfg.localGatewayService, sessionAffinity: 'None' } },
    {
      apiVersion: 'networking.istio.io/v1beta1', kind: 'VirtualService',
      metadata: { name: isvc.name, namespace: isvc.namespace, labels: { ...isvc.labels } },
      spec: { hosts: internal ? [internalHost] : [internalHost, externalHost], gateways: internal ? [cfg.localGateway, 'mesh'] : [cfg.localGateway, 'mesh', cfg.ingressGateway], http },
    },
  ];
}

export function deriveKServe(snapshot: Snapshot): Resource[] {
  const cfg = kserveIngressConfig(snapshot);
  if (cfg.status !== 'ok' || cfg.disableIstioVirtualHost) return [];
  const out: Resource[] = [];
  for (const isvc of snapshot.list('InferenceService')) {
    if (isvc.deploymentMode && isvc.deploymentMode !== 'Serverless') continue;
    for (const o of kserveObjects(isvc, cfg, snapshot.clusterDomain)) {
      if (!snapshot.hasObject(o)) out.push(makeDerived(o, `derived: what KServe creates for InferenceService ${isvc.namespace}/${isvc.name}`, { resource: isvc.res, path: ['metadata', 'name'] }));
    }
  }
  return out;
}
