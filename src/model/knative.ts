import type { Resource } from '../load/resource.js';
import { EMPTY_MAP, type FieldReader } from './reader.js';
import type { Labels } from './label-selector.js';

export interface GatewayOverride {
  readonly selector: Labels | undefined;
  /** spec.ingress.istio.<gateway>.servers as written (the operator replaces the Gateway's servers with them). */
  readonly servers: readonly Readonly<Record<string, unknown>>[] | undefined;
}

/** operator.knative.dev/v1beta1 KnativeServing: only the fields that shape the local gateway. */
export interface KnativeServing {
  readonly res: Resource;
  readonly namespace: string;
  readonly name: string;
  readonly version: string | undefined;
  /** status.version: the Serving release the operator installed. */
  readonly statusVersion: string | undefined;
  /** spec.config: ConfigMap name (with or without `config-`) → data to merge. */
  readonly config: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** Whether the operator installs and transforms net-istio (spec.ingress nil, or istio.enabled true). */
  readonly istioEnabled: boolean;
  readonly localGatewayOverride: GatewayOverride | undefined;
  readonly ingressGatewayOverride: GatewayOverride | undefined;
}

function readOverride(r: FieldReader, key: string, deprecated?: string): GatewayOverride | undefined {
  let path = ['spec', 'ingress', 'istio', key];
  // operator.knative.dev/v1alpha1 also had top-level overrides, used when spec.ingress.istio has none
  // (knative/operator pkg/reconciler/knativeserving/ingress/istio.go ingressGateway/localGateway, up to 1.x).
  if (r.obj(path) === undefined && deprecated && r.resource.version === 'v1alpha1' && r.obj(['spec', deprecated]) !== undefined) path = ['spec', deprecated];
  if (r.obj(path) === undefined) return undefined;
  const servers = r.raw([...path, 'servers']);
  const list = Array.isArray(servers) ? servers.filter((x): x is Record<string, unknown> => x !== null && typeof x === 'object' && !Array.isArray(x)) : undefined;
  return { selector: r.strMap([...path, 'selector']), servers: list && list.length > 0 ? list : undefined };
}

export function readKnativeServing(r: FieldReader, namespace: string): KnativeServing {
  const config: Record<string, Record<string, string>> = {};
  const cfg = r.obj(['spec', 'config']);
  if (cfg) for (const k of Object.keys(cfg)) {
    const m = r.strMap(['spec', 'config', k]);
    if (m) config[k] = m;
  }
  const ingressSet = r.obj(['spec', 'ingress']) !== undefined;
  const istioEnabled = !ingressSet || r.bool(['spec', 'ingress', 'istio', 'enabled']) === true;
  return {
    res: r.resource,
    namespace,
    name: r.resource.name,
    version: r.str(['spec', 'version']),
    statusVersion: r.str(['status', 'version']),
    config,
    istioEnabled,
    localGatewayOverride: readOverride(r, 'knative-local-gateway', 'cluster-local-gateway'),
    ingressGatewayOverride: readOverride(r, 'knative-ingress-gateway', 'knative-ingress-gateway'),
  };
}

export interface Condition {
  readonly type: string;
  readonly status: string;
  readonly reason: string | undefined;
  readonly message: string | undefined;
}

/** Knative Service, Route and KIngress: labels and status conditions are what kgd reads. */
export interface KnativeObject {
  readonly res: Resource;
  readonly namespace: string;
  readonly name: string;
  readonly labels: Labels;
  readonly annotations: Labels;
  readonly conditions: readonly Condition[];
  /** Knative Service: the port names of each container of spec.template (Serving reads the protocol off them). */
  readonly containerPorts: readonly (readonly string[])[] | undefined;
  /** Knative Service: status.latestReadyRevisionName. */
  readonly latestReadyRevision: string | undefined;
}

export function readKnativeObject(r: FieldReader, namespace: string): KnativeObject {
  const conditions =
    r.mapList(['status', 'conditions'], (p) => {
      const type = r.str([...p, 'type']);
      const status = r.str([...p, 'status']);
      if (!type || !status) return undefined;
      return { type, status, reason: r.str([...p, 'reason']), message: r.str([...p, 'message']) };
    }) ?? [];
  return {
    res: r.resource,
    namespace,
    name: r.resource.name,
    labels: r.strMap(['metadata', 'labels']) ?? EMPTY_MAP,
    annotations: r.strMap(['metadata', 'annotations']) ?? EMPTY_MAP,
    conditions,
    containerPorts: r.mapList(['spec', 'template', 'spec', 'containers'], (p) => r.mapList([...p, 'ports'], (pp) => r.str([...pp, 'name']) ?? '') ?? []),
    latestReadyRevision: r.str(['status', 'latestReadyRevisionName']),
  };
}
