import type { Resource } from '../../load/resource.js';
import { makeDerived } from '../../load/derived.js';
import type { KnativeServing } from '../../model/knative.js';
import { parse as parseYaml } from 'yaml';
import { knativeGatewayConfig, operatorIstioConfig } from './effective.js';
import { parseServiceHost } from './config-istio.js';
import type { Snapshot } from '../../snapshot/snapshot.js';
import { DEFAULT_GATEWAY_SELECTOR, shippedGateway, shippedLocalService } from './shipped.js';

/** The operator release that started reading the structured `local-gateways` namespace (operator#2217). */
const STRUCTURED_NAMESPACE_SINCE: readonly [number, number] = [1, 21];

export function parseMinorVersion(v: string | undefined): [number, number] | undefined {
  const m = v ? /^v?(\d+)\.(\d+)/.exec(v) : null;
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

function atLeast(v: [number, number] | undefined, min: readonly [number, number]): boolean {
  if (!v) return true; // no spec.version: the operator installs its newest release
  return v[0] > min[0] || (v[0] === min[0] && v[1] >= min[1]);
}

/**
 * Where the operator puts the `knative-local-gateway` Service (ingress_service.go resolveGatewayNamespace):
 * the `namespace` of a structured `local-gateways` entry named knative-local-gateway (operator ≥ 1.21),
 * else the second label of the legacy `local-gateway.<ks-ns>.knative-local-gateway` value, else istio-system.
 */
export function operatorLocalServiceNamespace(ks: KnativeServing): { namespace: string; from: 'structured' | 'legacy' | 'default' } {
  const cfg = operatorIstioConfig(ks)?.data ?? {};
  const list = cfg['local-gateways'];
  if (list && atLeast(parseMinorVersion(ks.version), STRUCTURED_NAMESPACE_SINCE)) {
    try {
      const entries = parseYaml(list) as unknown;
      if (Array.isArray(entries)) {
        const e = entries.find((x) => x && typeof x === 'object' && (x as Record<string, unknown>)['name'] === 'knative-local-gateway') as Record<string, unknown> | undefined;
        if (e && typeof e['namespace'] === 'string' && e['namespace']) return { namespace: e['namespace'], from: 'structured' };
      }
    } catch {
      // An unparsable list is reported by the config-istio rules; fall through as the operator would.
    }
  }
  const legacy = cfg[`local-gateway.${ks.namespace}.knative-local-gateway`];
  const second = legacy?.split('.')[1];
  if (second) return { namespace: second, from: 'legacy' };
  return { namespace: 'istio-system', from: 'default' };
}

/** Whether applyOperator may rewrite this resource (and so needs its parsed object). */
export function operatorMayRewrite(r: Resource): boolean {
  if (r.group === 'networking.istio.io' && r.kind === 'Gateway') return r.name === 'knative-local-gateway' || r.name === 'knative-ingress-gateway';
  return r.group === '' && r.kind === 'Service' && r.name === 'knative-local-gateway';
}

function withSelector(r: Resource, selector: Readonly<Record<string, string>>): Resource {
  const spec = { ...((r.object['spec'] as Record<string, unknown>) ?? {}), selector: { ...selector } };
  return { ...r, object: { ...r.object, spec } };
}

/**
 * What the Knative operator does to the gateway resources for a KnativeServing: it installs net-istio's
 * Gateways and `knative-local-gateway` Service when they are absent, and rewrites the selector of those
 * exact names (never of custom-named ones) from spec.ingress.istio.<gateway>.selector.
 * Returns the resource list as the cluster would hold it after reconciliation.
 */
export function applyOperator(resources: readonly Resource[], ks: KnativeServing): Resource[] {
  if (!ks.istioEnabled) return [...resources];
  const localSel = ks.localGatewayOverride?.selector && Object.keys(ks.localGatewayOverride.selector).length ? ks.localGatewayOverride.selector : undefined;
  const ingressSel = ks.ingressGatewayOverride?.selector && Object.keys(ks.ingressGatewayOverride.selector).length ? ks.ingressGatewayOverride.selector : undefined;
  const svcNs = operatorLocalServiceNamespace(ks).namespace;
  const isIstioGateway = (r: Resource) => r.group === 'networking.istio.io' && r.kind === 'Gateway';
  const find = (pred: (r: Resource) => boolean) => resources.findIndex(pred);
  const out = [...resources];
  const ksLabel = `KnativeServing ${ks.namespace}/${ks.name}`;

  const targets: { name: string; sel: Readonly<Record<string, string>> | undefined; kind: 'local' | 'ingress'; key: string }[] = [
    { name: 'knative-local-gateway', sel: localSel, kind: 'local', key: 'knative-local-gateway' },
    { name: 'knative-ingress-gateway', sel: ingressSel, kind: 'ingress', key: 'knative-ingress-gateway' },
  ];
  for (const t of targets) {
    const i = find((r) => isIstioGateway(r) && r.namespace === ks.namespace && r.name === t.name);
    if (i >= 0) {
      if (t.sel) out[i] = withSelector(out[i]!, t.sel);
    } else {
      out.push(makeDerived(shippedGateway(t.kind, ks.namespace, t.sel ?? DEFAULT_GATEWAY_SELECTOR), `installed by the Knative operator for ${ksLabel}`, { resource: ks.res, path: t.sel ? ['spec', 'ingress', 'istio', t.key, 'selector'] : ['spec'] }));
    }
  }
  const si = find((r) => r.group === '' && r.kind === 'Service' && r.namespace === svcNs && r.name === 'knative-local-gateway');
  if (si >= 0) {
    if (localSel) out[si] = withSelector(out[si]!, localSel);
  } else {
    out.push(makeDerived(shippedLocalService(svcNs, localSel ?? DEFAULT_GATEWAY_SELECTOR), `installed by the Knative operator for ${ksLabel}`, { resource: ks.res, path: localSel ? ['spec', 'ingress', 'istio', 'knative-local-gateway', 'selector'] : ['spec'] }));
  }
  return out;
}

/**
 * The operator ≥ 1.21 pitfall: it places the `knative-local-gateway` Service in the namespace of the
 * structured entry (the Gateway's namespace for net-istio), while `service` names that Service in another
 * namespace, where nothing creates it.
 */
export function operatorMisplacesLocalService(snapshot: Snapshot):
  | { serviceHost: string; operatorNamespace: string; serviceNamespace: string; serviceName: string; ks: KnativeServing; key: string }
  | undefined {
  const cfg = knativeGatewayConfig(snapshot);
  const ks = cfg.knativeServing;
  const local = cfg.localDefault;
  if (!ks || !ks.istioEnabled || cfg.status !== 'ok' || !local) return undefined;
  const host = parseServiceHost(local.service, snapshot.clusterDomain);
  if (!host || host.name !== 'knative-local-gateway') return undefined;
  const op = operatorLocalServiceNamespace(ks);
  if (op.namespace === host.namespace) return undefined;
  if (snapshot.get('Service', host.namespace, host.name)) return undefined;
  return { serviceHost: local.service, operatorNamespace: op.namespace, serviceNamespace: host.namespace, serviceName: host.name, ks, key: local.key };
}
