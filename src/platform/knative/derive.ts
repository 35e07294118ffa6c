import { makeDerived } from '../../load/derived.js';
import type { Resource } from '../../load/resource.js';
import { matchesSelector } from '../../model/label-selector.js';
import type { InferenceService } from '../../model/kserve.js';
import type { Snapshot } from '../../snapshot/snapshot.js';
import { parse as parseYaml } from 'yaml';
import { defaultEntries, type KnativeGatewayEntry } from './config-istio.js';
import { knativeGatewayConfig, type KnativeGatewayConfig } from './effective.js';

/** The three cluster-local forms net-istio expands a `name.ns.svc.<domain>` host into. */
export function expandedHosts(name: string, namespace: string, clusterDomain: string): string[] {
  return [`${name}.${namespace}`, `${name}.${namespace}.svc`, `${name}.${namespace}.svc.${clusterDomain}`];
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
  return out;
}

/** The gateways a KIngress with these labels uses: entries whose selector matches, else the defaults. */
export function gatewaysFor(entries: readonly KnativeGatewayEntry[], labels: Readonly<Record<string, string>>, data: Readonly<Record<string, string>>): string[] {
  const withSelector = entries.filter((e) => e.hasSelector && selectorMatches(e, labels, data));
  const chosen = withSelector.length > 0 ? withSelector : defaultEntries(entries);
  return [...new Set(chosen.map((e) => `${e.namespace}/${e.name}`))].sort();
}

function selectorMatches(e: KnativeGatewayEntry, labels: Readonly<Record<string, string>>, data: Readonly<Record<string, string>>): boolean {
  if (!e.innerPath) return false;
  try {
    const list = parseYaml(data[e.key] ?? '') as Record<string, unknown>[];
    const raw = list[e.innerPath[0] as number]?.['labelSelector'] as { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values?: string[] }[] } | undefined;
    if (!raw) return false;
    return matchesSelector({ matchLabels: raw.matchLabels ?? {}, matchExpressions: (raw.matchExpressions ?? []).map((x) => ({ key: x.key, operator: x.operator, values: x.values ?? [] })) }, labels);
  } catch {
    return false;
  }
}

/** The name of the first Revision of a Knative Service, which is what a fresh install routes to. */
export function firstRevision(ksvc: string): string {
  return `${ksvc}-00001`;
}

/**
 * What Knative Serving and net-istio create for one Knative Service (a KServe component): the Route's
 * ExternalName Service to config-istio's local `service`, the `<route>-ingress` VirtualService bound to
 * the local gateways (and external ones unless cluster-local) and the `<route>-mesh` VirtualService.
 */
export function knativeObjects(ksvc: string, namespace: string, labels: Readonly<Record<string, string>>, clusterLocal: boolean, cfg: KnativeGatewayConfig, clusterDomain: string, domain: string): Record<string, unknown>[] {
  // With the cluster domain as the route domain (Knative >= 1.8 default without config-domain) a route is cluster-local.
  const internalOnly = clusterLocal || domain === `svc.${clusterDomain}`;
  const local = gatewaysFor(cfg.parsed.local, labels, cfg.data);
  const external = internalOnly ? [] : gatewaysFor(cfg.parsed.external, labels, cfg.data);
  const localHosts = expandedHosts(ksvc, namespace, clusterDomain);
  const externalHosts = internalOnly ? [] : [`${ksvc}.${namespace}.${domain}`];
  const revision = firstRevision(ksvc);
  const destination = { destination: { host: `${revision}.${namespace}.svc.${clusterDomain}`, port: { number: 80 } }, weight: 100, headers: { request: { set: { 'Knative-Serving-Namespace': namespace, 'Knative-Serving-Revision': revision } } } };
  const route = (hosts: string[], gateways: string[]) => ({
    match: distinctHostPrefixes(hosts, clusterDomain).map((p) => ({ authority: { prefix: p }, gateways })),
    route: [destination],
    retries: {},
  });
  const http = [
    ...(local.length ? [route(localHosts, local)] : []),
    ...(externalHosts.length && external.length ? [route(externalHosts, external)] : []),
  ];
  const out: Record<string, unknown>[] = [];
  const privateService = cfg.localDefault?.service;
  if (privateService) out.push({ apiVersion: 'v1', kind: 'Service', metadata: { name: ksvc, namespace }, spec: { type: 'ExternalName', externalName: privateService, sessionAffinity: 'None' } });
  if (http.length) {
    out.push({
      apiVersion: 'networking.istio.io/v1beta1', kind: 'VirtualService',
      metadata: { name: `${ksvc}-ingress`, namespace, labels: { 'networking.internal.knative.dev/ingress': ksvc } },
      spec: { hosts: [...new Set([...(local.length ? localHosts : []), ...externalHosts])], gateways: [...new Set([...local, ...external])].sort(), http },
    });
  }
  out.push({
    apiVersion: 'networking.istio.io/v1beta1', kind: 'VirtualService',
    metadata: { name: `${ksvc}-mesh`, namespace, labels: { 'networking.internal.knative.dev/ingress': ksvc } },
    spec: { hosts: localHosts, gateways: ['mesh'], http: [{ match: distinctHostPrefixes(localHosts, clusterDomain).map((p) => ({ authority: { prefix: p }, gateways: ['mesh'] })), route: [destination], retries: {} }] },
  });
  return out;
}

/** Knative resources for every component of every InferenceService, where the input lacks them. */
export function deriveKnative(snapshot: Snapshot, domain = 'example.com'): Resource[] {
  const cfg = knativeGatewayConfig(snapshot);
  if (cfg.status !== 'ok') return [];
  const out: Resource[] = [];
  for (const isvc of snapshot.list('InferenceService')) {
    if (isvc.deploymentMode && isvc.deploymentMode !== 'Serverless') continue;
    for (const c of isvc.components) {
      const ksvc = `${isvc.name}-${c}`;
      for (const o of knativeObjects(ksvc, isvc.namespace, isvcComponentLabels(isvc, c), isvc.clusterLocal, cfg, snapshot.clusterDomain, domain)) {
        if (!snapshot.hasObject(o)) out.push(makeDerived(o, `derived: what Knative creates for the ${c} of InferenceService ${isvc.namespace}/${isvc.name}`, { resource: isvc.res, path: ['spec', c] }));
      }
    }
  }
  return out;
}

/** Labels Knative's KIngress would carry for a KServe component (used for config-istio labelSelectors). */
export function isvcComponentLabels(isvc: InferenceService, component: string): Record<string, string> {
  return { ...isvc.labels, 'serving.kserve.io/inferenceservice': isvc.name, component, 'serving.knative.dev/service': `${isvc.name}-${component}` };
}
