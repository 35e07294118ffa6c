import type { Resource } from '../load/resource.js';

/** The kinds kgd understands, by the name rules use. Anything else is kept and ignored. */
export type KnownKind =
  | 'Gateway'
  | 'VirtualService'
  | 'DestinationRule'
  | 'AuthorizationPolicy'
  | 'PeerAuthentication'
  | 'EnvoyFilter'
  | 'IstioOperator'
  | 'Service'
  | 'Endpoints'
  | 'EndpointSlice'
  | 'Pod'
  | 'Deployment'
  | 'StatefulSet'
  | 'DaemonSet'
  | 'ReplicaSet'
  | 'NetworkPolicy'
  | 'Namespace'
  | 'ConfigMap'
  | 'KnativeServing'
  | 'InferenceService'
  | 'KnativeService'
  | 'Route'
  | 'KIngress';

interface KindDef {
  readonly group: string;
  readonly kind: string;
  readonly versions: readonly string[];
}

const KINDS: Record<KnownKind, KindDef> = {
  Gateway: { group: 'networking.istio.io', kind: 'Gateway', versions: ['v1alpha3', 'v1beta1', 'v1'] },
  VirtualService: { group: 'networking.istio.io', kind: 'VirtualService', versions: ['v1alpha3', 'v1beta1', 'v1'] },
  DestinationRule: { group: 'networking.istio.io', kind: 'DestinationRule', versions: ['v1alpha3', 'v1beta1', 'v1'] },
  AuthorizationPolicy: { group: 'security.istio.io', kind: 'AuthorizationPolicy', versions: ['v1beta1', 'v1'] },
  PeerAuthentication: { group: 'security.istio.io', kind: 'PeerAuthentication', versions: ['v1beta1', 'v1'] },
  EnvoyFilter: { group: 'networking.istio.io', kind: 'EnvoyFilter', versions: ['v1alpha3'] },
  IstioOperator: { group: 'install.istio.io', kind: 'IstioOperator', versions: ['v1alpha1'] },
  Service: { group: '', kind: 'Service', versions: ['v1'] },
  Endpoints: { group: '', kind: 'Endpoints', versions: ['v1'] },
  EndpointSlice: { group: 'discovery.k8s.io', kind: 'EndpointSlice', versions: ['v1'] },
  Pod: { group: '', kind: 'Pod', versions: ['v1'] },
  Deployment: { group: 'apps', kind: 'Deployment', versions: ['v1'] },
  StatefulSet: { group: 'apps', kind: 'StatefulSet', versions: ['v1'] },
  DaemonSet: { group: 'apps', kind: 'DaemonSet', versions: ['v1'] },
  ReplicaSet: { group: 'apps', kind: 'ReplicaSet', versions: ['v1'] },
  NetworkPolicy: { group: 'networking.k8s.io', kind: 'NetworkPolicy', versions: ['v1'] },
  Namespace: { group: '', kind: 'Namespace', versions: ['v1'] },
  ConfigMap: { group: '', kind: 'ConfigMap', versions: ['v1'] },
  KnativeServing: { group: 'operator.knative.dev', kind: 'KnativeServing', versions: ['v1alpha1', 'v1beta1'] },
  InferenceService: { group: 'serving.kserve.io', kind: 'InferenceService', versions: ['v1beta1'] },
  KnativeService: { group: 'serving.knative.dev', kind: 'Service', versions: ['v1'] },
  Route: { group: 'serving.knative.dev', kind: 'Route', versions: ['v1'] },
  KIngress: { group: 'networking.internal.knative.dev', kind: 'Ingress', versions: ['v1alpha1'] },
};

/** Old API groups of a known kind, read as that kind: KFServing's InferenceServices (KServe before 0.7). */
const OLD_GROUPS: readonly (KindDef & { readonly as: KnownKind })[] = [
  { group: 'serving.kubeflow.org', kind: 'InferenceService', versions: ['v1alpha2', 'v1beta1'], as: 'InferenceService' },
];

const BY_GROUP_KIND = new Map<string, KnownKind>(
  (Object.entries(KINDS) as [KnownKind, KindDef][]).map(([k, d]) => [`${d.group}/${d.kind}`, k]),
);
const OLD_BY_GROUP_KIND = new Map(OLD_GROUPS.map((d) => [`${d.group}/${d.kind}`, d]));

export type KindMatch = { kind: KnownKind; supported: true } | { kind: KnownKind; supported: false; versions: readonly string[] } | undefined;

/** Every kind kgd reads: API group, kind and the versions it understands (newest last). */
export function knownKinds(): readonly (KindDef & { readonly name: KnownKind })[] {
  return (Object.entries(KINDS) as [KnownKind, KindDef][]).map(([name, d]) => ({ name, ...d }));
}

/** Which known kind a resource is, and whether its apiVersion is one kgd reads. */
export function classify(r: Pick<Resource, 'group' | 'version' | 'kind'>): KindMatch {
  const old = OLD_BY_GROUP_KIND.get(`${r.group}/${r.kind}`);
  if (old) return old.versions.includes(r.version) ? { kind: old.as, supported: true } : { kind: old.as, supported: false, versions: old.versions };
  const k = BY_GROUP_KIND.get(`${r.group}/${r.kind}`);
  if (!k) return undefined;
  const def = KINDS[k];
  return def.versions.includes(r.version) ? { kind: k, supported: true } : { kind: k, supported: false, versions: def.versions };
}

/** Kinds that only exist inside a namespace; a file may omit the namespace (kubectl's default applies). */
export const CLUSTER_SCOPED: ReadonlySet<KnownKind> = new Set(['Namespace']);
