import type { Resource } from '../../load/resource.js';
import { makeDerived } from '../../load/derived.js';
import type { GatewayOverride, KnativeServing } from '../../model/knative.js';
import { decodeAs, decodeYamlV2, type StructSchema } from '../../shared/go-decode.js';
import { applyOver, SERVICE_MERGE_KEYS } from '../k8s/apply.js';
import { behaves, versionOf } from '../versions.js';
import { knativeGatewayConfig, knativeServingOf } from './effective.js';
import { parseServiceHost } from './config-istio.js';
import type { ComponentVersions, Snapshot } from '../../snapshot/snapshot.js';
import { DEFAULT_GATEWAY_SELECTOR, shippedGateway, shippedLocalService } from './shipped.js';
import { formatLabels, matchesMap } from '../../model/label-selector.js';

/** The spec.config key the operator reads for config-istio: both, `istio` first, then `config-istio` (ingress_service.go). */
const ISTIO_CONFIG_KEYS = ['istio', 'config-istio'] as const;

/** The operator's `localGatewayConfig` (ingress_service.go), as sigs.k8s.io/yaml decodes it. */
const LOCAL_GATEWAY_SCHEMA: StructSchema = { name: 'string', namespace: 'string', service: 'string' };

/** fromStructuredGateways: the namespace of the first entry named knative-local-gateway ('' when none or unreadable). */
function structuredNamespace(raw: string | undefined): string {
  if (raw === undefined) return '';
  const doc = decodeYamlV2(raw);
  if (!doc.ok) return '';
  const decoded = decodeAs(doc.value, { list: { struct: LOCAL_GATEWAY_SCHEMA } }, 'the list', { scalarsToStrings: true });
  if (decoded.error) return '';
  const e = ((decoded.value ?? []) as Record<string, unknown>[]).find((g) => g['name'] === 'knative-local-gateway');
  return (e?.['namespace'] as string | undefined) ?? '';
}

/**
 * Where the operator puts the `knative-local-gateway` Service (ingress_service.go IngressServiceTransform):
 * istio-system, then for spec.config `istio` and then `config-istio` (each present one in turn, the later
 * winning): the `namespace` of a structured `local-gateways` entry named knative-local-gateway (operator ≥ 1.21),
 * else the second label of the legacy `local-gateway.<ks-ns>.knative-local-gateway` value.
 */
export function operatorLocalServiceNamespace(ks: KnativeServing, versions: ComponentVersions | undefined): string {
  let namespace = 'istio-system';
  for (const key of ISTIO_CONFIG_KEYS) {
    const cfg = ks.config[key];
    if (!cfg) continue;
    const structured = behaves('operator-structured-gateway-namespace', versions ?? {}) ? structuredNamespace(cfg['local-gateways']) : '';
    const legacy = cfg[`local-gateway.${ks.namespace}.knative-local-gateway`]?.split('.')[1];
    namespace = structured || legacy || namespace;
  }
  return namespace;
}

/** Whether applyOperator may rewrite this resource (and so needs its parsed object). */
export function operatorMayRewrite(r: Resource): boolean {
  if (r.group === 'networking.istio.io' && r.kind === 'Gateway') return r.name === 'knative-local-gateway' || r.name === 'knative-ingress-gateway';
  return r.group === '' && r.kind === 'Service' && r.name === 'knative-local-gateway';
}

/**
 * Whether the operator has already applied this object: it sets a controller ownerReference to the
 * KnativeServing on everything it installs (pkg/reconciler/common/transformers.go InjectOwner, since 1.0). Such
 * an object read from a cluster is the operator's real result and is kept as it is; kgd predicts only the rest.
 */
export function reconciledByOperator(r: Resource): boolean {
  return r.controllerKind === 'KnativeServing';
}

/** The override's selector when it sets one (the operator ignores an empty map). */
const overrideSelector = (o: GatewayOverride | undefined) => (o?.selector && Object.keys(o.selector).length > 0 ? o.selector : undefined);

const pick = (o: Readonly<Record<string, unknown>>, keys: readonly string[]) => Object.fromEntries(keys.filter((k) => o[k] !== undefined && o[k] !== null).map((k) => [k, o[k]]));
const SERVER_KEYS = ['port', 'bind', 'hosts', 'tls', 'name', 'defaultEndpoint'];
const PORT_KEYS = ['number', 'protocol', 'name', 'targetPort'];
const TLS_KEYS = ['httpsRedirect', 'mode', 'serverCertificate', 'privateKey', 'caCertificates', 'credentialName', 'subjectAltNames', 'verifyCertificateSpki', 'verifyCertificateHash', 'minProtocolVersion', 'maxProtocolVersion', 'cipherSuites'];

/** The operator's servers override as it converts it into Istio's Server (istio.go toIstioServers: known fields only). */
function overrideServers(servers: readonly Readonly<Record<string, unknown>>[]): Record<string, unknown>[] {
  return servers.map((s) => {
    const out = pick(s, SERVER_KEYS);
    if (out['port'] && typeof out['port'] === 'object') out['port'] = pick(out['port'] as Record<string, unknown>, PORT_KEYS);
    if (out['tls'] && typeof out['tls'] === 'object') out['tls'] = pick(out['tls'] as Record<string, unknown>, TLS_KEYS);
    return out;
  });
}

/**
 * What the Knative operator does to the gateway resources for a KnativeServing: it applies net-istio's
 * Gateways and `knative-local-gateway` Service with the selector (and servers) from
 * spec.ingress.istio.<gateway> — only to those exact names, never to custom-named ones — over whatever is
 * in the cluster, merging as manifestival does (src/platform/k8s/apply.ts: keys it does not set stay unless
 * the last-applied configuration had them; a manifest file is taken as applied with `kubectl apply`).
 * Returns the resource list as the cluster would hold it after reconciliation.
 */
export function applyOperator(resources: readonly Resource[], ks: KnativeServing, versions?: ComponentVersions): Resource[] {
  if (!ks.istioEnabled) return [...resources];
  const svcNs = operatorLocalServiceNamespace(ks, versions);
  const isIstioGateway = (r: Resource) => r.group === 'networking.istio.io' && r.kind === 'Gateway';
  const out = [...resources];
  const ksLabel = `KnativeServing ${ks.namespace}/${ks.name}`;
  const origin = (key: string, o: GatewayOverride | undefined): { resource: Resource; path: string[] } => ({
    resource: ks.res,
    path: overrideSelector(o) ? ['spec', 'ingress', 'istio', key, 'selector'] : o?.servers ? ['spec', 'ingress', 'istio', key, 'servers'] : ['spec'],
  });

  const targets = [
    { name: 'knative-local-gateway', o: ks.localGatewayOverride, kind: 'local' as const },
    { name: 'knative-ingress-gateway', o: ks.ingressGatewayOverride, kind: 'ingress' as const },
  ];
  // Operators 1.10–1.12 (before the 1.10.8/1.11.12 backports) skip the overrides for the v1beta1 Gateways they install.
  const gatewayOverrides = !behaves('operator-gateway-override-skipped', versions ?? {});
  for (const t of targets) {
    const desired = shippedGateway(t.kind, ks.namespace, (gatewayOverrides ? overrideSelector(t.o) : undefined) ?? DEFAULT_GATEWAY_SELECTOR);
    if (gatewayOverrides && t.o?.servers) (desired['spec'] as Record<string, unknown>)['servers'] = overrideServers(t.o.servers);
    const i = out.findIndex((r) => isIstioGateway(r) && r.namespace === ks.namespace && r.name === t.name);
    if (i >= 0 && reconciledByOperator(out[i]!)) continue;
    if (i >= 0) out[i] = { ...out[i]!, object: applyOver(out[i]!.object, desired) };
    else out.push(makeDerived(desired, `installed by the Knative operator for ${ksLabel}`, origin(t.name, t.o)));
  }
  // Before operator 1.8 the Service keeps net-istio's selector whatever the KnativeServing says.
  const serviceOverride = behaves('operator-local-service-selector', versions ?? {}) ? overrideSelector(ks.localGatewayOverride) : undefined;
  const desiredSvc = shippedLocalService(svcNs, serviceOverride ?? DEFAULT_GATEWAY_SELECTOR, versions ?? {});
  const si = out.findIndex((r) => r.group === '' && r.kind === 'Service' && r.namespace === svcNs && r.name === 'knative-local-gateway');
  if (si >= 0 && reconciledByOperator(out[si]!)) return out;
  if (si >= 0) out[si] = { ...out[si]!, object: applyOver(out[si]!.object, desiredSvc, SERVICE_MERGE_KEYS) };
  else out.push(makeDerived(desiredSvc, `installed by the Knative operator for ${ksLabel}`, origin('knative-local-gateway', ks.localGatewayOverride)));
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
  const operatorNamespace = operatorLocalServiceNamespace(ks, snapshot.versions);
  if (operatorNamespace === host.namespace) return undefined;
  if (snapshot.get('Service', host.namespace, host.name)) return undefined;
  return { serviceHost: local.service, operatorNamespace, serviceNamespace: host.namespace, serviceName: host.name, ks, key: local.key };
}

/**
 * What the KnativeServing asks the operator to give this object, when the operator owns it (it rewrites its
 * `knative-local-gateway`/`knative-ingress-gateway` Gateways and the `knative-local-gateway` Service on every
 * reconcile): the `spec.ingress.istio.<key>` override's selector, or net-istio's `istio: ingressgateway` when none is
 * set (`overridden` false) — whatever the operator's version. Undefined when no operator owns the object.
 */
export function operatorWants(snapshot: Snapshot, res: Resource): { readonly ks: KnativeServing; readonly key: string; readonly selector: Readonly<Record<string, string>>; readonly overridden: boolean } | undefined {
  const ks = knativeServingOf(snapshot);
  if (!ks || !ks.istioEnabled || !operatorMayRewrite(res)) return undefined;
  if (res.kind === 'Gateway' && res.namespace !== ks.namespace) return undefined;
  if (res.kind === 'Service' && res.namespace !== operatorLocalServiceNamespace(ks, snapshot.versions)) return undefined;
  const key = res.kind === 'Gateway' ? res.name : 'knative-local-gateway';
  const override = overrideSelector(key === 'knative-ingress-gateway' ? ks.ingressGatewayOverride : ks.localGatewayOverride);
  return { ks, key, selector: override ?? DEFAULT_GATEWAY_SELECTOR, overridden: override !== undefined };
}

/**
 * The KnativeServing field that decides this object's selector when the Knative operator owns it, with the fix to
 * give instead of one on the object (`selector`: what to set it to); undefined when no operator owns it.
 */
export function operatorOwnedSelector(snapshot: Snapshot, res: Resource, selector: string): { resource: Resource; path: string[]; fix: string } | undefined {
  const wants = operatorWants(snapshot, res);
  if (!wants) return undefined;
  const { ks, key } = wants;
  const field = `spec.ingress.istio.${key}.selector`;
  const ksName = `KnativeServing ${ks.namespace}/${ks.name}`;
  const operator = versionOf('operator', snapshot.versions);
  let fix = `The Knative operator rewrites ${res.kind} ${res.namespace}/${res.name} on every reconcile: set ${field} in ${ksName} to ${selector}.`;
  if (res.kind === 'Service' && !behaves('operator-local-service-selector', snapshot.versions)) fix = `The Knative operator ${operator} rewrites this Service and does not apply ${field} to it (knative/operator#1231): upgrade the operator to 1.8 or later, then set ${field} in ${ksName} to ${selector}.`;
  if (res.kind === 'Gateway' && behaves('operator-gateway-override-skipped', snapshot.versions)) fix = `The Knative operator ${operator} skips ${field} for the v1beta1 Gateways it installs (knative/operator#1469): upgrade it to 1.13 (or 1.10.8, 1.11.12) or later, then set ${field} in ${ksName} to ${selector}.`;
  // Read from a cluster, already applied, and still not what the KnativeServing asks: the field is set, the operator did not follow.
  const actual = res.kind === 'Gateway' ? snapshot.get('Gateway', res.namespace ?? '', res.name)?.selector : snapshot.get('Service', res.namespace ?? '', res.name)?.selector;
  if (reconciledByOperator(res) && !matchesMap(wants.selector, actual ?? {})) fix = `${ksName} already asks for ${formatLabels(wants.selector)} (${field}), but the operator has not applied it to ${res.kind} ${res.namespace}/${res.name} (KGD1204 says why); edits to the ${res.kind} itself are reverted.`;
  return { resource: ks.res, path: ['spec', 'ingress', 'istio', key, 'selector'], fix };
}
