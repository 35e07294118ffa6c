import type { Resource } from '../load/resource.js';
import { EMPTY_MAP, type FieldReader } from './reader.js';
import { readLabelSelector, type LabelSelector, type Labels } from './label-selector.js';

export interface ServicePort {
  readonly index: number;
  readonly name: string | undefined;
  readonly port: number;
  /** Defaults to `port`, as the API server does. */
  readonly targetPort: number | string;
  readonly protocol: string;
}

export interface Service {
  readonly res: Resource;
  readonly namespace: string;
  readonly name: string;
  readonly type: string;
  readonly labels: Labels;
  /** undefined: no selector (endpoints are managed by hand, or it is an ExternalName). */
  readonly selector: Labels | undefined;
  readonly ports: readonly ServicePort[];
  readonly externalName: string | undefined;
  /** spec.clusterIP, when set to an address (not `None`). */
  readonly clusterIP: string | undefined;
}

export function readService(r: FieldReader, namespace: string): Service {
  const ports =
    r.mapList(['spec', 'ports'], (p, index) => {
      const port = r.int([...p, 'port']);
      if (port === undefined) return undefined;
      return {
        index,
        name: r.str([...p, 'name']),
        port,
        targetPort: r.intOrString([...p, 'targetPort']) ?? port,
        protocol: (r.str([...p, 'protocol']) ?? 'TCP').toUpperCase(),
      };
    }) ?? [];
  return {
    res: r.resource,
    namespace,
    name: r.resource.name,
    type: r.str(['spec', 'type']) ?? 'ClusterIP',
    labels: r.strMap(['metadata', 'labels']) ?? EMPTY_MAP,
    selector: r.strMap(['spec', 'selector']),
    ports,
    externalName: r.str(['spec', 'externalName']),
    clusterIP: ((ip) => (ip && ip !== 'None' ? ip : undefined))(r.str(['spec', 'clusterIP'])),
  };
}

export interface ContainerPort {
  readonly name: string | undefined;
  readonly containerPort: number;
}

/** A Pod, or the pod template of a Deployment/StatefulSet/DaemonSet/ReplicaSet: what selectors match. */
export interface Workload {
  readonly res: Resource;
  readonly namespace: string;
  readonly labels: Labels;
  readonly annotations: Labels;
  readonly containerPorts: readonly ContainerPort[];
  /** The container images (spec.containers[].image), for the versions they carry in their tags. */
  readonly images: readonly string[];
  /** True for a Pod, false for a template (which stands for the pods it would make). */
  readonly isPod: boolean;
  readonly replicas: number | undefined;
  /** spec.serviceAccountName (or the older spec.serviceAccount); undefined: Kubernetes uses `default`. */
  readonly serviceAccount: string | undefined;
}

export function readWorkload(r: FieldReader, namespace: string, isPod: boolean): Workload {
  const meta = isPod ? ['metadata'] : ['spec', 'template', 'metadata'];
  const spec = isPod ? ['spec'] : ['spec', 'template', 'spec'];
  const containerPorts: ContainerPort[] = [];
  const images: string[] = [];
  r.mapList([...spec, 'containers'], (cp) => {
    const image = r.str([...cp, 'image']);
    if (image) images.push(image);
    r.mapList([...cp, 'ports'], (pp) => {
      const containerPort = r.int([...pp, 'containerPort']);
      if (containerPort !== undefined) containerPorts.push({ name: r.str([...pp, 'name']), containerPort });
      return undefined;
    });
    return undefined;
  });
  return {
    res: r.resource,
    namespace,
    labels: r.strMap([...meta, 'labels']) ?? EMPTY_MAP,
    annotations: r.strMap([...meta, 'annotations']) ?? EMPTY_MAP,
    containerPorts,
    images,
    isPod,
    replicas: isPod ? undefined : r.int(['spec', 'replicas']),
    serviceAccount: r.str([...spec, 'serviceAccountName']) ?? r.str([...spec, 'serviceAccount']),
  };
}

export interface EndpointsInfo {
  readonly res: Resource;
  readonly namespace: string;
  /** The Service these endpoints belong to. */
  readonly serviceName: string;
  readonly readyAddresses: number;
  /**
   * Endpoints' subsets: ready addresses (IPs) and named ports. Only from an Endpoints object; an EndpointSlice
   * has none here (net-istio's prober reads Endpoints, pkg/reconciler/ingress/lister.go).
   */
  readonly subsets?: readonly EndpointSubset[];
}

export interface EndpointSubset {
  readonly addresses: readonly string[];
  readonly ports: readonly { readonly name: string; readonly port: number }[];
}

export function readEndpoints(r: FieldReader, namespace: string): EndpointsInfo {
  let ready = 0;
  const subsets: EndpointSubset[] = [];
  r.mapList(['subsets'], (p) => {
    ready += r.listLength([...p, 'addresses']) ?? 0;
    const addresses: string[] = [];
    r.mapList([...p, 'addresses'], (a) => {
      addresses.push(r.str([...a, 'ip']) ?? '');
      return undefined;
    });
    const ports: { name: string; port: number }[] = [];
    r.mapList([...p, 'ports'], (q) => {
      const port = r.int([...q, 'port']);
      if (port !== undefined) ports.push({ name: r.str([...q, 'name']) ?? '', port });
      return undefined;
    });
    subsets.push({ addresses, ports });
    return undefined;
  });
  return { res: r.resource, namespace, serviceName: r.resource.name, readyAddresses: ready, subsets };
}

export function readEndpointSlice(r: FieldReader, namespace: string): EndpointsInfo {
  let ready = 0;
  r.mapList(['endpoints'], (p) => {
    if (r.bool([...p, 'conditions', 'ready']) !== false) ready += (r.strList([...p, 'addresses']) ?? []).length;
    return undefined;
  });
  const serviceName = (r.strMap(['metadata', 'labels']) ?? {})['kubernetes.io/service-name'] ?? r.resource.name;
  return { res: r.resource, namespace, serviceName, readyAddresses: ready };
}

export interface NetworkPolicyPeer {
  readonly podSelector: LabelSelector | undefined;
  readonly namespaceSelector: LabelSelector | undefined;
  readonly ipBlock: boolean;
}

export interface NetworkPolicyPort {
  readonly port: number | string | undefined;
  readonly endPort: number | undefined;
  readonly protocol: string;
}

export interface NetworkPolicyIngressRule {
  readonly index: number;
  /** undefined or empty: from everywhere. */
  readonly from: readonly NetworkPolicyPeer[] | undefined;
  /** undefined or empty: every port. */
  readonly ports: readonly NetworkPolicyPort[] | undefined;
}

export interface NetworkPolicy {
  readonly res: Resource;
  readonly namespace: string;
  readonly name: string;
  readonly podSelector: LabelSelector;
  /** True when the policy isolates the selected pods for ingress. */
  readonly isolatesIngress: boolean;
  readonly ingress: readonly NetworkPolicyIngressRule[];
}

export function readNetworkPolicy(r: FieldReader, namespace: string): NetworkPolicy {
  const podSelector = readLabelSelector(r, ['spec', 'podSelector']) ?? { matchLabels: {}, matchExpressions: [] };
  const policyTypes = r.strList(['spec', 'policyTypes']);
  // Without policyTypes, Kubernetes assumes Ingress always (and Egress only when egress rules are present).
  const isolatesIngress = policyTypes ? policyTypes.includes('Ingress') : true;
  const ingress =
    r.mapList(['spec', 'ingress'], (p, index) => ({
      index,
      from: r.mapList([...p, 'from'], (fp) => ({
        podSelector: readLabelSelector(r, [...fp, 'podSelector']),
        namespaceSelector: readLabelSelector(r, [...fp, 'namespaceSelector']),
        ipBlock: r.has([...fp, 'ipBlock']),
      })),
      ports: r.mapList([...p, 'ports'], (pp) => ({
        port: r.intOrString([...pp, 'port']),
        endPort: r.int([...pp, 'endPort']),
        protocol: (r.str([...pp, 'protocol']) ?? 'TCP').toUpperCase(),
      })),
    })) ?? [];
  return { res: r.resource, namespace, name: r.resource.name, podSelector, isolatesIngress, ingress };
}

export interface NamespaceInfo {
  readonly name: string;
  readonly labels: Labels;
  readonly res: Resource | undefined;
}

export function readNamespace(r: FieldReader): NamespaceInfo {
  const labels = { ...(r.strMap(['metadata', 'labels']) ?? {}) };
  // The API server sets this label on every namespace; manifests rarely write it.
  labels['kubernetes.io/metadata.name'] = r.resource.name;
  return { name: r.resource.name, labels, res: r.resource };
}

export interface ConfigMapInfo {
  readonly res: Resource;
  readonly namespace: string;
  readonly name: string;
  readonly labels: Labels;
  readonly data: Readonly<Record<string, string>>;
  /** Data keys whose value is not a string (KGD0007 says so; the API server refuses the ConfigMap). */
  readonly badKeys?: readonly string[];
}

export function readConfigMap(r: FieldReader, namespace: string): ConfigMapInfo {
  const rawData = r.raw(['data']);
  const badKeys = rawData !== null && typeof rawData === 'object' && !Array.isArray(rawData)
    ? Object.entries(rawData as Record<string, unknown>).filter(([, v]) => typeof v !== 'string' && v !== null).map(([k]) => k)
    : [];
  return {
    res: r.resource,
    namespace,
    name: r.resource.name,
    labels: r.strMap(['metadata', 'labels']) ?? EMPTY_MAP,
    data: r.strMap(['data']) ?? EMPTY_MAP,
    ...(badKeys.length > 0 ? { badKeys } : {}),
  };
}
