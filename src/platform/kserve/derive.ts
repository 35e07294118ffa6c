import { isKnativeMode } from './deployment-mode.js';
import { componentServiceName } from './names.js';
import { makeDerived } from '../../load/derived.js';
import type { Resource } from '../../load/resource.js';
import type { InferenceService } from '../../model/kserve.js';
import type { Snapshot } from '../../snapshot/snapshot.js';
import { isvcComponentRoute } from '../knative/derive.js';
import { domainNameFromTemplate, fqdnProblem, knativeDomainConfig, VISIBILITY_LABEL, type DomainConfig } from '../knative/domain.js';
import { isDns1123Subdomain } from '../../shared/k8s-names.js';
import { evaluateSimpleTemplate } from '../../shared/go-template.js';
import { behaves, versionOf } from '../versions.js';
import { kserveIngressConfig, type KServeIngressConfig } from './ingress-config.js';

/** Go's regexp.QuoteMeta. */
function quoteMeta(s: string): string {
  return s.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}

/**
 * KServe's authority regex (pkg/constants HostRegExp): any host with an optional port; before KServe 0.14 a
 * `.svc.<domain>` host also matched its short forms (`name.ns`, `name.ns.svc`). See versions.ts.
 */
export function kserveHostRegExp(host: string, clusterDomain: string, kserve: string): string {
  const port = '(?::\\d{1,5})?';
  const suffix = `.svc.${clusterDomain}`;
  if (behaves('kserve-host-regexp-exact', { kserve }) || !host.endsWith(suffix)) return `^${quoteMeta(host)}${port}$`;
  const prefix = quoteMeta(host.slice(0, -suffix.length));
  return `^${prefix}(${quoteMeta('.svc')}(${quoteMeta('.' + clusterDomain)})?)?${port}$`;
}

/** The component KServe sends traffic to: the transformer when there is one, else the predictor. */
export function kserveBackendComponent(isvc: InferenceService): 'transformer' | 'predictor' {
  return isvc.components.includes('transformer') ? 'transformer' : 'predictor';
}

export function kserveBackend(isvc: InferenceService, kserve?: string): string {
  return componentServiceName(isvc, kserveBackendComponent(isvc), kserve);
}

/** The KServe stop annotation (serving.kserve.io/stop, compared case-insensitively to "true"; KServe ≥ 0.15). */
export function isStopped(isvc: InferenceService, kserve: string): boolean {
  return behaves('kserve-stop-annotation', { kserve }) && (isvc.annotations['serving.kserve.io/stop'] ?? '').toLowerCase() === 'true';
}

/** Whether KServe has what it needs to create the VirtualService: the components' Ready conditions are not False/Unknown. */
export function componentsReady(isvc: InferenceService): { ready: boolean; waitingFor?: string } {
  const needed = ['PredictorReady', ...(isvc.components.includes('transformer') ? ['TransformerReady'] : []), ...(isvc.components.includes('explainer') ? ['ExplainerReady'] : [])];
  for (const type of needed) {
    const c = isvc.conditions.find((x) => x.type === type);
    if (c && c.status !== 'True') return { ready: false, waitingFor: type };
  }
  return { ready: true };
}

/**
 * The host KServe derives from the backend component's Knative URL (getServiceHost): the Route's host with
 * the first `-<component>` (or `-<component>-default`) taken out, e.g. `m-predictor.ns.example.com` →
 * `m.ns.example.com`. Undefined when kgd cannot evaluate Knative's domain template.
 */
export function kserveServiceHost(isvc: InferenceService, domains: DomainConfig, clusterDomain: string, kserve?: string): string | undefined {
  const comp = kserveBackendComponent(isvc);
  const host = componentHost(isvc, comp, domains, clusterDomain, kserve);
  return typeof host === 'string' ? withoutComponent(host, comp) : undefined;
}

function withoutComponent(host: string, comp: string): string {
  return host.includes('-default') ? host.replace(`-${comp}-default`, '') : host.replace(`-${comp}`, '');
}

/**
 * The host of a component's Knative Route (its URL, which KServe reads from the component's status): a string,
 * `undefined` when kgd cannot evaluate the domain template, or a problem when Knative cannot give the Route a
 * valid domain (config-domain refused, or a name too long for a DNS label): the component then never
 * becomes Ready.
 */
export function componentHost(isvc: InferenceService, component: string, domains: DomainConfig, clusterDomain: string, kserve?: string): string | undefined | { problem: string } {
  if (domains.error) return { problem: `Knative Serving refuses config-domain (${domains.error})` };
  const route = isvcComponentRoute(isvc, component, kserve);
  const host = domainNameFromTemplate(domains, route.name, route.namespace, route.labels, route.annotations, clusterDomain);
  if (host === undefined) return undefined;
  const problem = fqdnProblem(host);
  return problem ? { problem: `Knative cannot give Route ${route.namespace}/${route.name} a valid domain: ${problem}` } : host;
}

/** KServe's external host for messages and trace (the host-based URL). */
export function kserveExternalHost(isvc: InferenceService, snapshot: Snapshot): string | undefined {
  return kserveServiceHost(isvc, knativeDomainConfig(snapshot), snapshot.clusterDomain, versionOf('kserve', snapshot.versions));
}

/** GetAdditionalHosts: the service host's subdomain under each additional ingress domain, DNS-valid ones only. */
function additionalHosts(serviceHost: string, domainKeys: readonly string[], cfg: KServeIngressConfig): string[] {
  const dedupe = behaves('kserve-virtualservice-mesh-and-headers', { kserve: cfg.kserveVersion });
  let subdomain = '';
  for (const d of domainKeys) {
    if (serviceHost.endsWith(d)) {
      subdomain = serviceHost.slice(0, serviceHost.length - d.length);
      break;
    }
  }
  if (subdomain === '' || cfg.additionalIngressDomains.length === 0) return [];
  const out: string[] = [];
  const seen = new Set<string>();
  for (const d of cfg.additionalIngressDomains) {
    if (dedupe && seen.has(d)) continue;
    const host = `${subdomain}${d}`;
    if (!isDns1123Subdomain(host)) continue;
    out.push(host);
    seen.add(d);
  }
  return out;
}

/** KServe's pathTemplate for one InferenceService (`{{ .Name }}`/`{{ .Namespace }}`), as GenerateUrlPath checks it. */
function urlPath(template: string, isvc: InferenceService): string | undefined | null {
  const out = evaluateSimpleTemplate(template, (action) => (action === '.Name' ? isvc.name : action === '.Namespace' ? isvc.namespace : undefined));
  if (out === undefined) return undefined; // a template kgd cannot evaluate
  if (!out.startsWith('/') || /[\s#]/.test(out)) return null; // url.ParseRequestURI would refuse it: no VirtualService
  return out.split('?')[0]!;
}

export interface KServeDerivation {
  readonly objects: Record<string, unknown>[];
  /** Why KServe makes no VirtualService (or kgd cannot say what it makes), when that is so. */
  readonly note?: string;
}

/**
 * What KServe's ingress reconciler creates for a Serverless InferenceService
 * (pkg/controller/v1beta1/inferenceservice/reconcilers/ingress/ingress_reconciler.go createIngress and
 * reconcileExternalService): the `<isvc>` ExternalName Service to localGatewayService, and — once the
 * components are Ready — the `<isvc>` VirtualService on [localGateway, mesh(, ingressGateway)] that sets Host
 * to the backend component's cluster-local name and routes to knativeLocalGatewayService:80.
 * Checked against KServe's own createIngress at 0.13.1 and 0.16.0 by test/upstream.test.ts.
 */
export function kserveDerivation(isvc: InferenceService, cfg: KServeIngressConfig, domains: DomainConfig, domainKeys: readonly string[], clusterDomain: string): KServeDerivation {
  const kserve = cfg.kserveVersion;
  if (isStopped(isvc, kserve)) return { objects: [], note: 'the InferenceService is stopped (serving.kserve.io/stop), so KServe removes its VirtualService and Service' };
  const objects: Record<string, unknown>[] = [
    { apiVersion: 'v1', kind: 'Service', metadata: { name: isvc.name, namespace: isvc.namespace }, spec: { type: 'ExternalName', externalName: cfg.localGatewayService, sessionAffinity: 'None' } },
  ];
  const ready = componentsReady(isvc);
  if (!ready.ready) return { objects, note: `KServe creates the VirtualService only when ${ready.waitingFor} is True` };
  const backend = kserveBackendComponent(isvc);
  let backendHost: string | undefined;
  for (const c of isvc.components) {
    const h = componentHost(isvc, c, domains, clusterDomain, cfg.kserveVersion);
    if (h && typeof h === 'object') return { objects, note: `${h.problem}, so the ${c} never becomes Ready and KServe creates no VirtualService` };
    if (c === backend) backendHost = h;
  }
  if (!isvc.components.includes(backend)) {
    // No spec for the backend (KServe refuses that): its Route's host all the same, as kgd derived it before.
    const h = componentHost(isvc, backend, domains, clusterDomain, cfg.kserveVersion);
    backendHost = typeof h === 'string' ? h : undefined;
  }
  const serviceHost = backendHost === undefined ? undefined : withoutComponent(backendHost, backend);
  if (serviceHost === undefined) return { objects, note: "kgd cannot evaluate Knative's domain-template, so it does not derive KServe's VirtualService" };
  const internalHost = `${isvc.name}.${isvc.namespace}.svc.${clusterDomain}`;
  const internal = isvc.labels[VISIBILITY_LABEL] === 'cluster-local' || serviceHost === internalHost;
  const extra = internal ? [] : additionalHosts(serviceHost, domainKeys, cfg);
  const re = (h: string) => kserveHostRegExp(h, clusterDomain, kserve);
  const v014 = behaves('kserve-virtualservice-mesh-and-headers', { kserve });
  const localGateways = v014 ? [cfg.localGateway, 'mesh'] : [cfg.localGateway];
  const matches = (uri?: Record<string, string>) => {
    const m: Record<string, unknown>[] = [{ ...(uri ? { uri } : {}), authority: { regex: re(internalHost) }, gateways: localGateways }];
    if (!internal) {
      m.push({ ...(uri ? { uri } : {}), authority: { regex: re(serviceHost) }, gateways: [cfg.ingressGateway] });
      const seen = new Set(m.map((x) => (x['authority'] as { regex: string }).regex + '|' + (x['gateways'] as string[]).join(',')));
      for (const h of extra) {
        const k = re(h) + '|' + cfg.ingressGateway;
        if (v014 && seen.has(k)) continue;
        seen.add(k);
        m.push({ ...(uri ? { uri } : {}), authority: { regex: re(h) }, gateways: [cfg.ingressGateway] });
      }
    }
    return m;
  };
  const headers = (component: string) => ({ request: { set: { Host: `${componentServiceName(isvc, component, cfg.kserveVersion)}.${isvc.namespace}.svc.${clusterDomain}`, ...(v014 ? { 'KServe-Isvc-Name': isvc.name, 'KServe-Isvc-Namespace': isvc.namespace } : {}) } } });
  const destination = [{ destination: { host: cfg.knativeLocalGatewayService, port: { number: 80 } }, weight: 100 }];
  const http: Record<string, unknown>[] = [];
  if (isvc.components.includes('explainer')) http.push({ match: matches({ regex: '^/v1/models/[\\w-]+:explain$' }), route: destination, headers: headers('explainer') });
  http.push({ match: matches(), route: destination, headers: headers(backend) });
  const hosts = [internalHost];
  const gateways = [...localGateways];
  if (!internal) {
    hosts.push(serviceHost);
    gateways.push(cfg.ingressGateway);
  }
  if (cfg.pathTemplate !== '') {
    const path = urlPath(cfg.pathTemplate, isvc);
    if (path === undefined) return { objects, note: "kgd cannot evaluate KServe's pathTemplate, so it does not derive KServe's VirtualService" };
    if (path === null) return { objects, note: "KServe's pathTemplate does not render to a URL path for this InferenceService, so KServe creates no VirtualService" };
    const p = path.replace(/\/$/, '');
    const authority = { regex: re(cfg.ingressDomain) };
    if (v014 && isvc.components.includes('explainer')) {
      http.push({ match: [{ uri: { regex: `${p}(/v1/models/[\\w-]+:explain)$` }, authority, gateways: [cfg.ingressGateway] }], rewrite: { uriRegexRewrite: { match: `${p}(/v1/models/[\\w-]+:explain)$`, rewrite: '\\1' } }, route: destination, headers: headers('explainer') });
    }
    http.push({ match: [{ uri: { prefix: `${p}/` }, authority, gateways: [cfg.ingressGateway] }, { uri: { exact: p }, authority, gateways: [cfg.ingressGateway] }], rewrite: { uri: '/' }, route: destination, headers: headers(backend) });
    hosts.push(cfg.ingressDomain);
  }
  for (const h of extra) if (!v014 || !hosts.includes(h)) hosts.push(h);
  objects.push({
    apiVersion: 'networking.istio.io/v1beta1', kind: 'VirtualService',
    metadata: { name: isvc.name, namespace: isvc.namespace, labels: { ...isvc.labels } },
    spec: { hosts, gateways, http },
  });
  return { objects };
}

/** The objects of kserveDerivation (kept for callers that need only them). */
export function kserveObjects(isvc: InferenceService, cfg: KServeIngressConfig, domains: DomainConfig, domainKeys: readonly string[], clusterDomain: string): Record<string, unknown>[] {
  return kserveDerivation(isvc, cfg, domains, domainKeys, clusterDomain).objects;
}

/** The keys of config-domain, which KServe lists as Knative's domains (getDomainList). */
export function knativeDomainKeys(snapshot: Snapshot): string[] {
  const cm = snapshot.list('ConfigMap').find((c) => c.name === 'config-domain' && c.namespace === 'knative-serving');
  return Object.keys(cm?.data ?? {}).sort();
}

/**
 * The Services and VirtualServices kserveDerivation can make for an InferenceService (by kind and name): when the
 * input has them all, there is nothing to derive and the derivation is skipped (test/derive-names.test.ts checks it).
 */
export function kserveObjectNames(isvc: { readonly name: string }): readonly ['Service' | 'VirtualService', string][] {
  return [['Service', isvc.name], ['VirtualService', isvc.name]];
}

export function deriveKServe(snapshot: Snapshot): Resource[] {
  const cfg = kserveIngressConfig(snapshot);
  if (cfg.status !== 'ok' || cfg.disableIstioVirtualHost) return [];
  const domains = knativeDomainConfig(snapshot);
  const keys = knativeDomainKeys(snapshot);
  const out: Resource[] = [];
  for (const isvc of snapshot.list('InferenceService')) {
    if (!isKnativeMode(snapshot, isvc)) continue;
    if (kserveObjectNames(isvc).every(([kind, name]) => snapshot.get(kind, isvc.namespace, name))) continue;
    for (const o of kserveObjects(isvc, cfg, domains, keys, snapshot.clusterDomain)) {
      if (!snapshot.hasObject(o)) out.push(makeDerived(o, `derived: what KServe creates for InferenceService ${isvc.namespace}/${isvc.name}`, { resource: isvc.res, path: ['metadata', 'name'] }));
    }
  }
  return out;
}
