import { isKnativeMode } from '../platform/kserve/deployment-mode.js';
import { parse as yamlParse, stringify as yamlStringify } from 'yaml';
import type { Snapshot } from '../snapshot/snapshot.js';
import { DISABLE_PORT_TRANSLATION_LABEL, listenersFor } from '../platform/istio/listeners.js';
import { chainFilters } from '../platform/istio/envoyfilter.js';
import type { EnvoyFilter } from '../model/envoyfilter.js';
import {
  DEFAULT_LOCAL_GATEWAY, defaultEntries, EXTERNAL_GATEWAYS_KEY, LEGACY_EXTERNAL_PREFIX, LEGACY_LOCAL_PREFIX, LOCAL_GATEWAYS_KEY, parseConfigIstio,
} from '../platform/knative/config-istio.js';
import { CONFIG_ISTIO, KNATIVE_SYSTEM_NAMESPACE, knativeGatewayConfig, knativeServingOf, operatorIstioConfig } from '../platform/knative/effective.js';
import { LOCAL_GATEWAY_PORT } from '../platform/knative/shipped.js';
import { isDns1123Subdomain } from '../shared/k8s-names.js';
import { INFERENCESERVICE_CONFIG, INGRESS_KEY, KSERVE_DEFAULT_INGRESS, kserveIngressConfig, parseKServeIngress } from '../platform/kserve/ingress-config.js';
import { ANY_CALLER, ingressVerdict, type PodRef } from '../platform/k8s/network-policy.js';
import { authorize, plainInferenceCall } from '../platform/istio/authz.js';
import { principalOf, type Peer } from '../platform/istio/identity.js';
import { activatorPeer, activatorWorkload, inferenceServicePaths } from '../platform/security-path.js';
import { formatLabels, matchesMap } from '../model/label-selector.js';

/** What `kgd generate local-gateway` is asked for (flags or a spec file). */
export interface LocalGatewaySpec {
  /** Name of the Gateway, its Service and (with withDeployment) its Deployment. In the Kubeflow flavour: of the Deployment only. */
  readonly name: string;
  /** Namespace of the gateway pods, their Service and (custom flavour) the Gateway. */
  readonly namespace: string;
  /** Labels of the gateway pods: the Gateway's and the Service's selector. */
  readonly selector: Readonly<Record<string, string>>;
  /** How Knative Serving is installed: by the Knative operator (KnativeServing CR) or from manifests (config-istio ConfigMap). */
  readonly knative: 'operator' | 'manifests';
  readonly kserveNamespace: string;
  /** The Gateway's HTTP server port; the Service maps port 80 to it. */
  readonly port: number;
  readonly clusterDomain: string;
  readonly withDeployment: boolean;
  /** `custom`: a Gateway and Service of its own name. `kubeflow`: re-point Knative's own knative-local-gateway, as Kubeflow does. */
  readonly flavour: 'custom' | 'kubeflow';
}

export const DEFAULT_SPEC: Omit<LocalGatewaySpec, 'name' | 'namespace' | 'selector'> = {
  knative: 'manifests',
  kserveNamespace: 'kserve',
  port: LOCAL_GATEWAY_PORT,
  clusterDomain: 'cluster.local',
  withDeployment: false,
  flavour: 'custom',
};

/** A spec that cannot give a working configuration: said, not generated. */
export class SpecError extends Error {}

export interface GeneratedObject {
  readonly object: Record<string, unknown>;
  /** Why it is in the bundle, one line (written as a comment above it). */
  readonly why: string;
  /** The object already exists in an install (ConfigMaps, KnativeServing, Knative's own gateway): a patch in a kustomize overlay. */
  readonly existing?: boolean;
}

export interface Bundle {
  readonly spec: LocalGatewaySpec;
  readonly objects: readonly GeneratedObject[];
  /** Things the user has to do by hand (never guessed). */
  readonly notes: readonly string[];
  /** Values for KServe's Helm chart (kserve.controller.gateway.localGateway). */
  readonly helmValues: Record<string, unknown>;
}

const ISTIO_INJECT_TEMPLATE = 'gateway';
/** Knative's activator and queue-proxy listen for proxied requests on 8012. */
const KNATIVE_DATA_PORT = 8012;

export function validateSpec(spec: LocalGatewaySpec): void {
  const bad = (what: string) => {
    throw new SpecError(what);
  };
  if (!isDns1123Subdomain(spec.name) || spec.name.includes('.')) bad(`--name "${spec.name}" is not a valid Kubernetes name (lower-case letters, digits and '-')`);
  if (!isDns1123Subdomain(spec.namespace) || spec.namespace.includes('.')) bad(`--namespace "${spec.namespace}" is not a valid namespace name`);
  if (!isDns1123Subdomain(spec.kserveNamespace) || spec.kserveNamespace.includes('.')) bad(`--kserve-namespace "${spec.kserveNamespace}" is not a valid namespace name`);
  if (Object.keys(spec.selector).length === 0) bad('--selector needs at least one label (key=value): an empty selector would pick every pod');
  if (!Number.isInteger(spec.port) || spec.port < 1 || spec.port > 65535) bad(`--port ${spec.port} is not a port number`);
  if (spec.port === 80 || spec.port === 15021 || spec.port === 15090 || spec.port === 15020) {
    bad(`--port ${spec.port} is taken: ${spec.port === 80 ? '80 is the port of the external gateway\'s listener' : `${spec.port} is one of Istio's own ports on every gateway pod`}; keep the default ${LOCAL_GATEWAY_PORT} (Knative's local gateway port) or choose a free one`);
  }
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(spec.clusterDomain)) bad(`--cluster-domain "${spec.clusterDomain}" is not a DNS domain`);
  if (spec.flavour === 'kubeflow' && spec.knative === 'operator' && spec.port !== LOCAL_GATEWAY_PORT) {
    bad(`the Kubeflow flavour with the Knative operator keeps port ${LOCAL_GATEWAY_PORT}: the operator owns the knative-local-gateway Service and resets its ports to 80 → ${LOCAL_GATEWAY_PORT}`);
  }
}

/** The YAML list value of config-istio's `local-gateways`/`external-gateways`, as net-istio documents it. */
function gatewayList(entries: readonly { name: string; namespace: string; service: string; labelSelector?: unknown }[]): string {
  return yamlStringify(entries.map((e) => ({ name: e.name, namespace: e.namespace, service: e.service, ...(e.labelSelector ? { labelSelector: e.labelSelector } : {}) })), { lineWidth: 0 });
}

/**
 * config-istio data with `local` as the one default local gateway: the legacy keys (which may not sit
 * beside the list format) are carried over into lists, other local entries with a labelSelector and
 * every unrelated key are kept.
 */
export function configIstioWithLocal(current: Readonly<Record<string, string>>, local: { name: string; namespace: string; service: string }, systemNamespace: string, clusterDomain: string): Record<string, string> {
  const parsed = parseConfigIstio(current, systemNamespace, clusterDomain);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(current)) {
    if (k.startsWith(LEGACY_EXTERNAL_PREFIX) || k.startsWith(LEGACY_LOCAL_PREFIX) || k === LOCAL_GATEWAYS_KEY || k === EXTERNAL_GATEWAYS_KEY) continue;
    out[k] = v;
  }
  // Keep selector-bound local entries exactly as written (only list-format entries can have one).
  const keptLocal: Record<string, unknown>[] = [];
  if (parsed.format === 'list' && current[LOCAL_GATEWAYS_KEY]) {
    try {
      const raw = (yamlParse(current[LOCAL_GATEWAYS_KEY]) ?? []) as Record<string, unknown>[];
      for (const e of raw) if (e && typeof e === 'object' && e['labelSelector']) keptLocal.push(e);
    } catch {
      // An unparsable list is replaced whole: nothing in it was in effect (net-istio refused the ConfigMap).
    }
  }
  out[LOCAL_GATEWAYS_KEY] = gatewayList([local, ...(keptLocal as { name: string; namespace: string; service: string }[])]);
  const externalWritten = parsed.format === 'legacy' || (parsed.format === 'list' && EXTERNAL_GATEWAYS_KEY in current);
  if (externalWritten) {
    out[EXTERNAL_GATEWAYS_KEY] = parsed.format === 'list' ? current[EXTERNAL_GATEWAYS_KEY]! : gatewayList(parsed.external.map((e) => ({ name: e.name, namespace: e.namespace, service: e.service })));
  }
  return out;
}

/** KServe's `ingress` JSON with the local gateway settings replaced and every other key kept in place. */
export function kserveIngressWithLocal(currentText: string | undefined, localGateway: string, localGatewayService: string): string {
  const { values, issues } = parseKServeIngress(currentText);
  const base: Record<string, unknown> = currentText !== undefined && issues.length === 0 ? values : { ...KSERVE_DEFAULT_INGRESS };
  const out: Record<string, unknown> = { ...base, localGateway, localGatewayService };
  // An explicit knativeLocalGatewayService elsewhere would send the second hop to another gateway.
  if ('knativeLocalGatewayService' in out) out['knativeLocalGatewayService'] = localGatewayService;
  return JSON.stringify(out, null, 2);
}

/**
 * Every resource that must agree for KServe to use the local gateway of `spec`. With `current` (the
 * user's manifests or cluster), ConfigMaps and the KnativeServing are merged with what is there.
 */
export function generateLocalGateway(spec: LocalGatewaySpec, current?: Snapshot): Bundle {
  validateSpec(spec);
  const objects: GeneratedObject[] = [];
  const notes: string[] = [];
  const cd = spec.clusterDomain;
  const knCfg = current ? knativeGatewayConfig(current) : undefined;
  const systemNs = knCfg?.systemNamespace ?? KNATIVE_SYSTEM_NAMESPACE;
  const kubeflow = spec.flavour === 'kubeflow';
  // Kubeflow flavour: Knative's own names, re-pointed at the pods; custom: names of its own.
  const gatewayName = kubeflow ? DEFAULT_LOCAL_GATEWAY : spec.name;
  const gatewayNs = kubeflow ? systemNs : spec.namespace;
  const serviceName = kubeflow ? DEFAULT_LOCAL_GATEWAY : spec.name;
  const serviceNs = spec.namespace;
  const serviceFqdn = `${serviceName}.${serviceNs}.svc.${cd}`;
  const selector = { ...spec.selector };

  if (spec.withDeployment) objects.push(...gatewayDeployment(spec));

  const gateway = {
    apiVersion: 'networking.istio.io/v1beta1',
    kind: 'Gateway',
    metadata: { name: gatewayName, namespace: gatewayNs },
    spec: { selector, servers: [{ hosts: ['*'], port: { name: 'http', number: spec.port, protocol: 'HTTP' } }] },
  };
  const ks = current ? knativeServingOf(current) : undefined;
  const operatorOwnsGateway = kubeflow && spec.knative === 'operator';
  // The operator makes (and keeps) knative-local-gateway in istio-system itself, re-pointed by spec.ingress below.
  if (!(operatorOwnsGateway && serviceNs === 'istio-system')) {
    objects.push({
      existing: kubeflow && serviceNs === 'istio-system',
      why: `the local gateway's Service: port 80 to the Gateway's port ${spec.port}, used literally (port translation off) so the listener is ${spec.port}`,
      object: {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: serviceName, namespace: serviceNs, labels: { [DISABLE_PORT_TRANSLATION_LABEL]: 'true' } },
        spec: { type: 'ClusterIP', selector, ports: [{ name: 'http2', port: 80, protocol: 'TCP', targetPort: spec.port }] },
      },
    });
  }
  if (!operatorOwnsGateway) {
    objects.push({ existing: kubeflow, why: `the Istio Gateway both KServe's and Knative's VirtualServices bind to: HTTP on ${spec.port}, all hosts, on the pods ${formatLabels(selector)}`, object: gateway });
  }

  // Knative: which gateway its `-ingress` VirtualServices bind to, and which Service is the Route's backend.
  const localEntry = { name: gatewayName, namespace: gatewayNs, service: serviceFqdn };
  // Knative already uses this gateway: by its code defaults (no config at all), or by the current config.
  const effectiveLocal = knCfg?.status === 'ok' ? defaultEntries(knCfg.parsed.local)[0] : undefined;
  const knativeDefault = effectiveLocal
    ? effectiveLocal.name === localEntry.name && effectiveLocal.namespace === localEntry.namespace && effectiveLocal.service === localEntry.service
    : !knCfg?.configMap && !knCfg?.knativeServing && localEntry.name === DEFAULT_LOCAL_GATEWAY && localEntry.namespace === KNATIVE_SYSTEM_NAMESPACE && localEntry.service === `${DEFAULT_LOCAL_GATEWAY}.istio-system.svc.${cd}`;
  if (spec.knative === 'manifests') {
    const currentData = knCfg?.configMap?.data ?? {};
    if (!knativeDefault) {
      objects.push({
        existing: true,
        why: `Knative's local gateway (net-istio config-istio): ${gatewayNs}/${gatewayName} served through ${serviceFqdn}`,
        object: {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: CONFIG_ISTIO, namespace: systemNs, labels: { 'app.kubernetes.io/component': 'net-istio', 'app.kubernetes.io/name': 'knative-serving', 'networking.knative.dev/ingress-provider': 'istio' } },
          data: configIstioWithLocal(currentData, localEntry, systemNs, cd),
        },
      });
    }
  } else {
    const ksName = ks?.name ?? 'knative-serving';
    const ksNs = ks?.namespace ?? systemNs;
    const currentIstio = ks ? (operatorIstioConfig(ks) ?? { key: 'istio' as const, data: {} }) : { key: 'istio' as const, data: {} };
    const spec2: Record<string, unknown> = {};
    if (!knativeDefault) spec2['config'] = { [currentIstio.key]: configIstioWithLocal(currentIstio.data, localEntry, systemNs, cd) };
    if (kubeflow) spec2['ingress'] = { istio: { enabled: true, 'knative-local-gateway': { selector } } };
    if (Object.keys(spec2).length > 0) {
      objects.push({
        existing: true,
        why: kubeflow
          ? `the Knative operator re-points its knative-local-gateway Gateway and Service at the pods ${formatLabels(selector)}`
          : `Knative's local gateway, set through the operator (spec.config.${currentIstio.key} is merged into config-istio)`,
        object: { apiVersion: 'operator.knative.dev/v1beta1', kind: 'KnativeServing', metadata: { name: ksName, namespace: ksNs }, spec: spec2 },
      });
    }
    const cmData = knCfg?.configMap?.data ?? {};
    const legacy = Object.keys(cmData).filter((k) => k.startsWith(LEGACY_LOCAL_PREFIX) || k.startsWith(LEGACY_EXTERNAL_PREFIX));
    if (legacy.length > 0 && !knativeDefault) {
      notes.push(`config-istio in ${systemNs} holds legacy keys (${legacy.join(', ')}); the operator merges keys and never deletes one, so remove them by hand (kubectl edit configmap config-istio -n ${systemNs}) or net-istio refuses the mixed formats`);
    }
  }

  // KServe: its VirtualServices bind to localGateway and send the request to (knative)localGatewayService.
  const kserveCfg = current ? kserveIngressConfig(current) : undefined;
  const kserveNs = kserveCfg?.configMap?.namespace ?? spec.kserveNamespace;
  const currentIngress = kserveCfg?.configMap?.data[INGRESS_KEY];
  objects.push({
    existing: true,
    why: `KServe's ingress settings: VirtualServices bound to ${gatewayNs}/${gatewayName}, requests sent to ${serviceFqdn}`,
    object: {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: INFERENCESERVICE_CONFIG, namespace: kserveNs },
      data: { [INGRESS_KEY]: kserveIngressWithLocal(currentIngress, `${gatewayNs}/${gatewayName}`, serviceFqdn) },
    },
  });
  if (currentIngress === undefined) {
    notes.push(`no current inferenceservice-config was given: its ingress key is KServe's defaults plus the local gateway; apply it with server-side apply (kubectl apply --server-side --field-manager=kgd) so the ConfigMap's other keys stay, or pass your manifests to merge with`);
  }

  if (current && current.list('NetworkPolicy').length > 0) objects.push(...networkPolicyAllowances(spec, current, systemNs));
  if (current) {
    const authz = authorizationAllowance(spec, current);
    if (authz.object) objects.push(authz.object);
    if (authz.note) notes.push(authz.note);
    const behind = behindGatewayAllowances(spec, current);
    objects.push(...behind.objects);
    notes.push(...behind.notes);
    const auth = authFiltersLimited(spec, current);
    objects.push(...auth.objects);
    notes.push(...auth.notes);
  }

  return {
    spec,
    objects,
    notes,
    helmValues: { kserve: { controller: { gateway: { localGateway: { gateway: `${gatewayNs}/${gatewayName}`, gatewayService: serviceFqdn, knativeGatewayService: serviceFqdn } } } } },
  };
}

/** The gateway pods with Istio's gateway injection: the proxy image and config come from istiod's `gateway` template. */
function gatewayDeployment(spec: LocalGatewaySpec): GeneratedObject[] {
  const labels = { ...spec.selector };
  const meta = { name: spec.name, namespace: spec.namespace };
  return [
    { why: 'the gateway pods\' identity', object: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta } },
    {
      why: `the gateway pods, injected by istiod's "${ISTIO_INJECT_TEMPLATE}" template (image: auto)`,
      object: {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: meta,
        spec: {
          replicas: 2,
          selector: { matchLabels: labels },
          template: {
            metadata: { annotations: { 'inject.istio.io/templates': ISTIO_INJECT_TEMPLATE }, labels: { ...labels, 'sidecar.istio.io/inject': 'true' } },
            spec: {
              serviceAccountName: spec.name,
              containers: [{ name: 'istio-proxy', image: 'auto', ports: [{ containerPort: spec.port, name: 'http', protocol: 'TCP' }, { containerPort: 15021, name: 'status-port', protocol: 'TCP' }] }],
            },
          },
        },
      },
    },
    { why: 'keeps one gateway pod up during node drains', object: { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: meta, spec: { minAvailable: 1, selector: { matchLabels: labels } } } },
  ];
}

/**
 * AuthorizationPolicies behind the gateway: where the current policies (a Kubeflow profile's
 * `ns-owner-access-istio`, the mesh-wide `global-deny-all`) would refuse the new gateway's or the activator's
 * identity at the activator or at an InferenceService's pods, one ALLOW per namespace admits exactly those two
 * principals. Evaluated as `kgd check` does (src/platform/security-path.ts), assuming sidecars where the input
 * does not show them. A DENY policy is not overridden by an ALLOW, so that case is only said.
 */
function behindGatewayAllowances(spec: LocalGatewaySpec, current: Snapshot): { objects: GeneratedObject[]; notes: string[] } {
  const objects: GeneratedObject[] = [];
  const notes: string[] = [];
  const gateway: Peer = { name: `the ${spec.name} gateway pods`, namespace: spec.namespace, labels: spec.selector, serviceAccount: spec.name, proxy: 'gateway', why: 'generated', istioTlsMode: false };
  const gatewayPrincipal = principalOf(current, gateway);
  const activator = activatorPeer(current);
  // By namespace; the activator gets a policy of its own (selector app=activator) so other Knative pods stay as they are.
  const byNamespace = new Map<string, Set<string>>();
  for (const isvc of current.list('InferenceService')) {
    if (!isKnativeMode(current, isvc)) continue;
    const paths = inferenceServicePaths(current, gateway, isvc, { assumeSidecar: true });
    for (const h of [...paths.viaActivator, ...paths.direct]) {
      const sec = h.security;
      if (sec.verdict !== 'deny' || !sec.authz?.policy || !sec.principal) continue;
      if (sec.authz.policy.action === 'DENY') {
        notes.push(`DENY policy ${sec.authz.policy.namespace}/${sec.authz.policy.name} refuses ${h.from.name} at ${h.to.name}: an ALLOW policy cannot override it; narrow rule ${sec.authz.rule} so ${sec.principal} is not matched`);
        continue;
      }
      // The first hop through the activator ends at the activator itself.
      const k = h === paths.viaActivator[0] ? `${h.to.namespace}|activator` : h.to.namespace;
      const set = byNamespace.get(k) ?? new Set<string>();
      set.add(sec.principal);
      byNamespace.set(k, set);
    }
  }
  for (const [k, principals] of [...byNamespace.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const [ns, which] = k.split('|') as [string, string | undefined];
    if (which === 'activator') {
      objects.push({
        why: `Istio would refuse (403) the new gateway's calls to Knative's activator; this ALLOW admits the gateway's principal there`,
        object: {
          apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name: `allow-${spec.name}-to-activator`, namespace: ns },
          spec: { action: 'ALLOW', selector: { matchLabels: { app: 'activator' } }, rules: [{ from: [{ source: { principals: [...principals].sort() } }] }] },
        },
      });
      continue;
    }
    const list = [...new Set([gatewayPrincipal, principalOf(current, activator), ...principals])].sort();
    objects.push({
      why: `Istio would refuse (403) the local gateway's and the activator's calls to the InferenceService pods in ${ns} (their AuthorizationPolicies admit neither identity); this ALLOW admits those two principals only`,
      object: {
        apiVersion: 'security.istio.io/v1',
        kind: 'AuthorizationPolicy',
        metadata: { name: `allow-${spec.name}-and-activator`, namespace: ns },
        spec: { action: 'ALLOW', rules: [{ from: [{ source: { principals: list } }] }] },
      },
    });
  }
  return { objects, notes };
}

/** NetworkPolicies that let the new gateway pods through where the current policies isolate the pods on the path. */
function networkPolicyAllowances(spec: LocalGatewaySpec, current: Snapshot, systemNs: string): GeneratedObject[] {
  const out: GeneratedObject[] = [];
  const gw: PodRef = { namespace: spec.namespace, labels: spec.selector };
  const fromGateway = [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': spec.namespace } }, podSelector: { matchLabels: { ...spec.selector } } }];
  const policy = (name: string, namespace: string, podSelector: Record<string, unknown>, from: unknown[] | undefined, port: number, why: string): GeneratedObject => ({
    why,
    object: {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name, namespace },
      spec: { podSelector, policyTypes: ['Ingress'], ingress: [{ ...(from ? { from } : {}), ports: [{ port, protocol: 'TCP' }] }] },
    },
  });
  const activator: PodRef = activatorWorkload(current, systemNs) ?? { namespace: systemNs, labels: { app: 'activator', role: 'activator' } };
  if (!ingressVerdict(current, gw, activator, KNATIVE_DATA_PORT).allowed) {
    out.push(policy(`allow-${spec.name}-to-activator`, systemNs, { matchLabels: { app: 'activator' } }, fromGateway, KNATIVE_DATA_PORT, `lets the gateway pods reach Knative's activator on ${KNATIVE_DATA_PORT}`));
  }
  const namespaces = [...new Set(current.list('InferenceService').map((i) => i.namespace))].sort();
  for (const ns of namespaces) {
    const isvcPod: PodRef = { namespace: ns, labels: { 'serving.kserve.io/inferenceservice': 'any', component: 'predictor' } };
    if (ingressVerdict(current, gw, isvcPod, KNATIVE_DATA_PORT).allowed) continue;
    out.push(policy(`allow-${spec.name}-to-inferenceservices`, ns, { matchExpressions: [{ key: 'serving.kserve.io/inferenceservice', operator: 'Exists' }] }, fromGateway, KNATIVE_DATA_PORT, `lets the gateway pods reach the InferenceService pods in ${ns} (queue-proxy, ${KNATIVE_DATA_PORT})`));
  }
  if (!ingressVerdict(current, ANY_CALLER, gw, spec.port).allowed) {
    out.push(policy(`allow-callers-to-${spec.name}`, spec.namespace, { matchLabels: { ...spec.selector } }, undefined, spec.port, `lets in-cluster callers reach the gateway pods on ${spec.port}`));
  }
  return out;
}

/**
 * Istio denies calls to workloads that only ALLOW policies cover when none of their rules match (Kubeflow's
 * mesh-wide `global-deny-all`): the new pods get an ALLOW of their own, as Kubeflow gives its
 * cluster-local-gateway. A DENY policy is not overridden by an ALLOW, so that case is only said.
 */
function authorizationAllowance(spec: LocalGatewaySpec, current: Snapshot): { object?: GeneratedObject; note?: string } {
  const v = authorize(current, { namespace: spec.namespace, labels: spec.selector }, plainInferenceCall(spec.port));
  if (v.decision !== 'deny') return {};
  if (v.policy?.action === 'DENY') return { note: `${v.reason}: an ALLOW policy cannot override it; narrow that DENY policy so the gateway pods ${formatLabels(spec.selector)} are reachable` };
  return {
    object: {
      why: `Istio would refuse (403) calls to the new pods: ${v.reason}; this ALLOW admits them, as Kubeflow's cluster-local-gateway has`,
      object: {
        apiVersion: 'security.istio.io/v1',
        kind: 'AuthorizationPolicy',
        metadata: { name: spec.name, namespace: spec.namespace },
        spec: { action: 'ALLOW', rules: [{}], selector: { matchLabels: { ...spec.selector } } },
      },
    },
  };
}

/**
 * Auth filters on the pods the local gateway would use (Kubeflow's AuthService EnvoyFilter, oauth2-proxy's CUSTOM
 * AuthorizationPolicy) answer in-cluster calls without credentials with 401 or a redirect. The bundle limits them to
 * the pods' other listeners: an EnvoyFilter patch gets `match.listener.portNumber` (one copy per other port, and a
 * `listener` key written beside `match` moved into it); a CUSTOM policy's operations get `notPorts` with the local
 * port. Both are written as the whole object, changed only there, and said in the notes.
 */
function authFiltersLimited(spec: LocalGatewaySpec, current: Snapshot): { objects: GeneratedObject[]; notes: string[] } {
  const objects: GeneratedObject[] = [];
  const notes: string[] = [];
  const existing = current.list('Workload').filter((w) => w.namespace === spec.namespace && matchesMap(spec.selector, w.labels));
  // The pods' own labels when they exist (an EnvoyFilter may select any of them), else the selector's.
  const pods = { namespace: spec.namespace, labels: existing[0]?.labels ?? spec.selector };
  const otherPorts = [...new Set(existing.flatMap((w) => [...listenersFor(current, w).byPort.keys()]))].filter((p) => p !== spec.port).sort((a, b) => a - b);
  const cf = chainFilters(current, pods, { port: spec.port, listenerName: `0.0.0.0_${spec.port}`, sni: [] });
  const byFilter = new Map<EnvoyFilter, Set<number>>();
  for (const a of cf.added) {
    if (a.afterRouter || (a.kind !== 'ext_authz' && a.kind !== 'oauth2')) continue;
    const set = byFilter.get(a.by!.filter) ?? new Set<number>();
    set.add(a.by!.patch.index);
    byFilter.set(a.by!.filter, set);
  }
  for (const [f, indexes] of byFilter) {
    const where = `EnvoyFilter ${f.namespace}/${f.name}`;
    if (otherPorts.length === 0) {
      notes.push(`${where} puts an auth filter on every listener of the pods ${formatLabels(spec.selector)}, which serve only the local gateway here: in-cluster calls would get 401 or a redirect. Limit configPatches[${[...indexes].join(', ')}] with match.listener.portNumber to the listener it is meant for, or give the local gateway pods that its workloadSelector does not select`);
      continue;
    }
    const obj = structuredClone(f.res.object) as Record<string, unknown>;
    const specObj = obj['spec'] as { configPatches: Record<string, unknown>[] };
    const patches: Record<string, unknown>[] = [];
    specObj.configPatches.forEach((cp, i) => {
      if (!indexes.has(i)) { patches.push(cp); return; }
      const { listener: stray, ...rest } = cp as { listener?: Record<string, unknown> } & Record<string, unknown>;
      const match = { ...((rest['match'] as Record<string, unknown> | undefined) ?? {}) };
      const listener = { ...((stray ?? {}) as Record<string, unknown>), ...((match['listener'] as Record<string, unknown> | undefined) ?? {}) };
      for (const port of otherPorts) patches.push({ ...rest, match: { ...match, listener: { ...listener, portNumber: port } } });
    });
    specObj.configPatches = patches;
    const { metadata } = obj as { metadata: Record<string, unknown> };
    obj['metadata'] = { name: metadata['name'], namespace: metadata['namespace'], ...(metadata['labels'] ? { labels: metadata['labels'] } : {}), ...(metadata['annotations'] ? { annotations: metadata['annotations'] } : {}) };
    objects.push({ existing: true, why: `${where} put its auth filter on port ${spec.port} too, where the local gateway takes in-cluster calls (401 or a redirect without credentials); limited here to the pods' other listeners (${otherPorts.join(', ')}) with match.listener.portNumber`, object: obj });
    notes.push(`${where}: configPatches[${[...indexes].join(', ')}] limited to listener${otherPorts.length > 1 ? 's' : ''} ${otherPorts.join(', ')} so the auth filter stays off the local gateway's port ${spec.port}; review it with the team that owns the filter`);
  }
  // CUSTOM AuthorizationPolicies: what the local gateway's listener would hand to an ext_authz provider.
  const v = authorize(current, pods, plainInferenceCall(spec.port));
  if (v.decision === 'external' && v.policy) {
    const p = v.policy;
    const obj = structuredClone(p.res.object) as Record<string, unknown>;
    const rules = ((obj['spec'] as Record<string, unknown>)['rules'] as Record<string, unknown>[] | undefined) ?? [];
    const port = String(spec.port);
    for (const r of rules) {
      const to = (r['to'] as { operation?: Record<string, unknown> }[] | undefined) ?? [{ operation: {} }];
      r['to'] = to.map((t) => ({ ...t, operation: { ...(t.operation ?? {}), notPorts: [...new Set([...((t.operation?.['notPorts'] as string[] | undefined) ?? []), port])] } }));
    }
    const { metadata } = obj as { metadata: Record<string, unknown> };
    obj['metadata'] = { name: metadata['name'], namespace: metadata['namespace'], ...(metadata['labels'] ? { labels: metadata['labels'] } : {}) };
    objects.push({ existing: true, why: `CUSTOM policy ${p.namespace}/${p.name} would send in-cluster calls on port ${spec.port} to ext_authz provider ${v.provider?.name ?? p.provider ?? ''} (401 or a redirect without credentials); its operations get notPorts ${port}`, object: obj });
    notes.push(`AuthorizationPolicy ${p.namespace}/${p.name} (CUSTOM): every rule now excludes port ${spec.port} (to.operation.notPorts), so the local gateway's listener stays out of the external login flow`);
  }
  return { objects, notes };
}

