import { isKnativeMode } from '../kserve/deployment-mode.js';
import { componentServiceName } from '../kserve/names.js';
import { versionOf } from '../versions.js';
import { makeDerived } from '../../load/derived.js';
import type { Resource } from '../../load/resource.js';
import { matchesSelector, type LabelRequirement } from '../../model/label-selector.js';
import type { InferenceService } from '../../model/kserve.js';
import type { Snapshot } from '../../snapshot/snapshot.js';
import { defaultEntries, type KnativeGatewayEntry } from './config-istio.js';
import { domainNameFromTemplate, fqdnProblem, knativeDomainConfig, lookupDomainForLabels, VISIBILITY_LABEL, type DomainConfig } from './domain.js';
import { knativeGatewayConfig, type KnativeGatewayConfig } from './effective.js';
import { childName } from './names.js';

/** net-istio's probe header (knative.dev/networking header.HashKey) and the value that selects the probe route. */
export const PROBE_HASH_HEADER = 'K-Network-Hash';
/** net-istio sets the SHA-256 of the KIngress (its spec, namespace and name); kgd does not compute it. */
export const PROBE_HASH_VALUE = '(sha256 of the KIngress)';

/** Each `name.ns.svc.<domain>` host with its short forms `name.ns` and `name.ns.svc` (knative.dev/networking ingress.ExpandedHosts), sorted. */
function expandHosts(hosts: readonly string[], clusterDomain: string): string[] {
  const suffix = `.svc.${clusterDomain}`;
  const out = new Set<string>();
  for (const h of hosts) {
    out.add(h);
    if (h.endsWith(suffix)) {
      const base = h.slice(0, -suffix.length);
      out.add(base);
      out.add(`${base}.svc`);
    }
  }
  return [...out].sort();
}

/**
 * net-istio matches authorities by prefix: the host without `.svc.<domain>`, so `name.ns` also accepts
 * the longer forms and a `:port` suffix (virtual_service.go hostPrefix, getDistinctHostPrefixes).
 */
export function distinctHostPrefixes(hosts: readonly string[], clusterDomain: string): string[] {
  const suffix = `.svc.${clusterDomain}`;
  const out: string[] = [];
  for (const h of [...hosts].sort()) {
    const p = h.endsWith(suffix) ? h.slice(0, -suffix.length) : h;
    if (!out.some((e) => p.startsWith(e))) out.push(p);
  }
  return out.sort();
}

function entryMatches(e: KnativeGatewayEntry, labels: Readonly<Record<string, string>>): boolean {
  if (!e.selector) return false;
  const exprs = (e.selector.matchExpressions ?? []).map((x) => ({ key: x.key ?? '', operator: (x.operator ?? 'In') as LabelRequirement['operator'], values: x.values ?? [] }));
  // metav1.LabelSelectorAsSelector: an empty selector matches everything.
  return matchesSelector({ matchLabels: e.selector.matchLabels ?? {}, matchExpressions: exprs }, labels);
}

/** The gateways a KIngress with these labels uses (GatewaysFromContext): entries whose selector matches, else the defaults. */
export function gatewaysFor(entries: readonly KnativeGatewayEntry[], labels: Readonly<Record<string, string>>): KnativeGatewayEntry[] {
  const withSelector = entries.filter((e) => entryMatches(e, labels));
  return withSelector.length > 0 ? withSelector : defaultEntries(entries);
}

const qualified = (es: readonly KnativeGatewayEntry[]) => [...new Set(es.map((e) => `${e.namespace}/${e.name}`))].sort();

/** The name of the first Revision of a Knative Service (`<ksvc>-00001`, through kmeta.ChildName). */
export function firstRevision(ksvc: string): string {
  return childName(ksvc, '-00001');
}

/** The name net-istio gives a Route's `-ingress` VirtualService (KIngress named after the Route, both through kmeta.ChildName). */
export function ingressVirtualServiceName(route: string): string {
  return childName(childName(route, ''), '-ingress');
}

/** A Knative Route as kgd derives it: name, namespace and labels (the Knative Service's). */
export interface RouteInput {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  /** The revision's protocol (Serving's Revision.GetProtocol); HTTP/1 unless its serving container's first port is named h2c. */
  readonly protocol: 'http1' | 'h2c';
  /** The revision all traffic goes to, when the input says (the Knative Service's latestReadyRevisionName); else `<route>-00001`. */
  readonly revision?: string | undefined;
}

/**
 * Serving's Revision.GetProtocol: the serving container (the only one, else the first with ports) whose first
 * port is named `h2c` makes the revision HTTP/2 cleartext.
 */
export function revisionProtocol(containers: readonly (readonly string[])[] | undefined): 'http1' | 'h2c' {
  if (!containers) return 'http1';
  const serving = containers.length === 1 ? containers[0] : containers.find((c) => c.length > 0);
  return serving?.[0] === 'h2c' ? 'h2c' : 'http1';
}

/**
 * The pod port behind a revision Service port (knative/serving pkg/networking constants, serverlessservice
 * resources): 80 → 8012 (HTTP/1), 81 → 8013 (h2c), 443 → 8112 (system-internal TLS); the activator listens on the same.
 */
export function revisionBackendPort(servicePort: number): number {
  return servicePort === 81 ? 8013 : servicePort === 443 ? 8112 : 8012;
}

/** The revision Service port Serving's KIngress sends to (MakeIngress): 443 with system-internal TLS, 81 for h2c, else 80. */
export function revisionPort(protocol: 'http1' | 'h2c', systemInternalTls: boolean): number {
  return systemInternalTls ? 443 : protocol === 'h2c' ? 81 : 80;
}

interface Rule {
  readonly visibility: 'ClusterLocal' | 'ExternalIP';
  readonly hosts: readonly string[];
}

/**
 * The rules of the KIngress Knative Serving builds for a Route with all traffic on its first revision
 * (pkg/reconciler/route/resources/ingress.go makeIngressSpec): a ClusterLocal rule with the expanded
 * `<route>.<ns>.svc.<domain>` hosts, and an ExternalIP rule with the config-domain host unless the route is
 * cluster-local (visibility label, or its domain is `svc.<cluster-domain>`).
 */
export function kingressRules(route: RouteInput, domains: DomainConfig, clusterDomain: string): Rule[] | undefined {
  const local = domainNameFromTemplate(domains, route.name, route.namespace, { ...route.labels, [VISIBILITY_LABEL]: 'cluster-local' }, route.annotations, clusterDomain);
  if (local === undefined || fqdnProblem(local)) return undefined;
  const rules: Rule[] = [{ visibility: 'ClusterLocal', hosts: expandHosts([local], clusterDomain) }];
  const clusterLocal = lookupDomainForLabels(domains, route.labels, clusterDomain) === `svc.${clusterDomain}`;
  if (!clusterLocal) {
    const { [VISIBILITY_LABEL]: _dropped, ...rest } = route.labels;
    const external = domainNameFromTemplate(domains, route.name, route.namespace, rest, route.annotations, clusterDomain);
    if (external === undefined || fqdnProblem(external)) return undefined;
    rules.push({ visibility: 'ExternalIP', hosts: [external] });
  }
  return rules;
}

/**
 * What Knative Serving and net-istio create for one Route (a KServe component's Knative Service): the Route's
 * ExternalName Service to the private load balancer (config-istio's default local `service`), the
 * `<kingress>-ingress` VirtualService on the gateways of each rule's visibility and the `<kingress>-mesh`
 * VirtualService, each rule preceded by net-istio's probe route (pkg/reconciler/ingress/resources/virtual_service.go).
 * Checked against Serving's MakeIngress and net-istio's MakeVirtualServices by test/upstream.test.ts.
 */
export function knativeObjects(route: RouteInput, cfg: KnativeGatewayConfig, domains: DomainConfig, clusterDomain: string): Record<string, unknown>[] {
  const rules = kingressRules(route, domains, clusterDomain);
  if (!rules) return [];
  const ingLabels = { ...route.labels, 'serving.knative.dev/route': route.name, 'serving.knative.dev/routeNamespace': route.namespace };
  const localGateways = gatewaysFor(cfg.parsed.local, ingLabels);
  const gateways = {
    ClusterLocal: qualified(localGateways),
    ExternalIP: qualified(gatewaysFor(cfg.parsed.external, ingLabels)),
  };
  const ingName = childName(route.name, '');
  const revision = route.revision ?? firstRevision(route.name);
  const split = { destination: { host: `${revision}.${route.namespace}.svc.${clusterDomain}`, port: { number: revisionPort(route.protocol, domains.systemInternalTls) } }, weight: 100, headers: { request: { set: { 'Knative-Serving-Namespace': route.namespace, 'Knative-Serving-Revision': revision } } } };
  const allHosts = rules.flatMap((r) => r.hosts);
  const spec = (hosts: readonly string[], gatewaysOf: (v: Rule['visibility']) => readonly string[]) => {
    const http: Record<string, unknown>[] = [];
    const used = new Set<string>();
    for (const rule of rules) {
      const these = hosts.filter((h) => rule.hosts.includes(h));
      if (these.length === 0) continue;
      const gws = [...gatewaysOf(rule.visibility)];
      gws.forEach((g) => used.add(g));
      const matches = (probe: boolean) => distinctHostPrefixes(these, clusterDomain).map((p) => ({ gateways: gws, authority: { prefix: p }, ...(probe ? { headers: { [PROBE_HASH_HEADER]: { exact: 'override' } } } : {}) }));
      http.push({ match: matches(true), route: [split], retries: {}, headers: { request: { set: { [PROBE_HASH_HEADER]: PROBE_HASH_VALUE } } } });
      http.push({ match: matches(false), route: [split], retries: {} });
    }
    return { hosts: [...hosts], gateways: [...used].sort(), http };
  };
  const labels = { 'networking.internal.knative.dev/ingress': ingName };
  const out: Record<string, unknown>[] = [];
  // The private load balancer: the first local gateway this KIngress uses (ingress.go gatewayServiceURL).
  const privateService = localGateways[0]?.service;
  if (privateService) out.push({ apiVersion: 'v1', kind: 'Service', metadata: { name: route.name, namespace: route.namespace }, spec: { type: 'ExternalName', externalName: privateService, sessionAffinity: 'None' } });
  const required = rules.reduce((n, r) => n + gateways[r.visibility].length, 0);
  if (required > 0) {
    out.push({ apiVersion: 'networking.istio.io/v1beta1', kind: 'VirtualService', metadata: { name: childName(ingName, '-ingress'), namespace: route.namespace, labels }, spec: spec(expandHosts(allHosts, clusterDomain), (v) => gateways[v]) });
  }
  const localSuffix = `.svc.${clusterDomain}`;
  let meshHosts = [...new Set(allHosts.filter((h) => h.endsWith(localSuffix)))].sort();
  if (gateways.ClusterLocal.length > 0) meshHosts = expandHosts(meshHosts, clusterDomain);
  if (meshHosts.length > 0) {
    out.push({ apiVersion: 'networking.istio.io/v1beta1', kind: 'VirtualService', metadata: { name: childName(ingName, '-mesh'), namespace: route.namespace, labels }, spec: spec(meshHosts, () => ['mesh']) });
  }
  return out;
}

/**
 * The Services and VirtualServices knativeObjects can make for a Route (by kind and name): when the input has them
 * all, there is nothing to derive and the derivation is skipped (test/derive-names.test.ts checks the list).
 */
export function knativeObjectNames(route: { readonly name: string }): readonly ['Service' | 'VirtualService', string][] {
  const ingName = childName(route.name, '');
  return [['Service', route.name], ['VirtualService', childName(ingName, '-ingress')], ['VirtualService', childName(ingName, '-mesh')]];
}

/** Knative resources for every component of every InferenceService, where the input lacks them. */
export function deriveKnative(snapshot: Snapshot): Resource[] {
  const cfg = knativeGatewayConfig(snapshot);
  if (cfg.status !== 'ok') return [];
  const domains = knativeDomainConfig(snapshot);
  if (domains.error) return [];
  const out: Resource[] = [];
  for (const isvc of snapshot.list('InferenceService')) {
    if (!isKnativeMode(snapshot, isvc)) continue;
    for (const c of isvc.components) {
      let route = isvcComponentRoute(isvc, c, versionOf('kserve', snapshot.versions));
      if (knativeObjectNames(route).every(([kind, name]) => snapshot.get(kind, route.namespace, name))) continue;
      // The Knative Service itself, when the input has it: its containers and its ready revision beat kgd's guesses.
      const ksvc = snapshot.get('KnativeService', route.namespace, route.name);
      if (ksvc) route = { ...route, protocol: ksvc.containerPorts ? revisionProtocol(ksvc.containerPorts) : route.protocol, revision: ksvc.latestReadyRevision };
      for (const o of knativeObjects(route, cfg, domains, snapshot.clusterDomain)) {
        if (!snapshot.hasObject(o)) out.push(makeDerived(o, `derived: what Knative creates for the ${c} of InferenceService ${isvc.namespace}/${isvc.name}`, { resource: isvc.res, path: ['spec', c] }));
      }
    }
  }
  return out;
}

/** Labels Knative's KIngress would carry for a KServe component (used for config-istio labelSelectors). */
export function isvcComponentLabels(isvc: InferenceService, component: string, kserve?: string): Record<string, string> {
  return { ...isvc.labels, 'serving.kserve.io/inferenceservice': isvc.name, component, 'serving.knative.dev/service': componentServiceName(isvc, component, kserve) };
}

/** The Route of a KServe component's Knative Service (`<isvc>-<component>`), as kgd assumes KServe labels it. */
export function isvcComponentRoute(isvc: InferenceService, component: string, kserve?: string): RouteInput {
  return { name: componentServiceName(isvc, component, kserve), namespace: isvc.namespace, labels: isvcComponentLabels(isvc, component, kserve), annotations: {}, protocol: revisionProtocol(isvc.containerPorts[component as keyof InferenceService['containerPorts']]) };
}
