import type { InputProblem } from '../load/problem.js';
import type { Resource } from '../load/resource.js';
import { FieldReader } from '../model/reader.js';
import { classify, CLUSTER_SCOPED, type KnownKind } from '../model/kinds.js';
import { readAuthorizationPolicy, readDestinationRule, readGateway, readPeerAuthentication, readVirtualService, type AuthorizationPolicy, type DestinationRule, type Gateway, type PeerAuthentication, type VirtualService } from '../model/istio.js';
import {
  readConfigMap, readEndpoints, readEndpointSlice, readNamespace, readNetworkPolicy, readService, readWorkload,
  type ConfigMapInfo, type EndpointsInfo, type NamespaceInfo, type NetworkPolicy, type Service, type Workload,
} from '../model/core.js';
import { readEnvoyFilter, type EnvoyFilter } from '../model/envoyfilter.js';
import { readIstioOperator, type IstioOperator } from '../model/istio-operator.js';
import { readKnativeObject, readKnativeServing, type KnativeObject, type KnativeServing } from '../model/knative.js';
import { readInferenceService, type InferenceService } from '../model/kserve.js';
import { detachDeep } from '../shared/strings.js';

/** What `list(kind)` returns for each kind. */
export interface Views {
  Gateway: Gateway;
  VirtualService: VirtualService;
  DestinationRule: DestinationRule;
  AuthorizationPolicy: AuthorizationPolicy;
  PeerAuthentication: PeerAuthentication;
  EnvoyFilter: EnvoyFilter;
  IstioOperator: IstioOperator;
  Service: Service;
  Workload: Workload;
  Endpoints: EndpointsInfo;
  NetworkPolicy: NetworkPolicy;
  Namespace: NamespaceInfo;
  ConfigMap: ConfigMapInfo;
  KnativeServing: KnativeServing;
  InferenceService: InferenceService;
  KnativeService: KnativeObject;
  Route: KnativeObject;
  KIngress: KnativeObject;
}
export type ViewKind = keyof Views;

export type AnyView = { [K in ViewKind]: { kind: K; view: Views[K] } }[ViewKind];

/** The typed view of one supported resource (namespace already resolved), or undefined for kinds kgd ignores. */
export function readView(res: Resource, problems: InputProblem[]): Views[ViewKind] | undefined {
  const c = classify(res);
  if (!c) return undefined; // unsupported versions are reported by the snapshot and still read as best we can
  const r = new FieldReader(res, problems);
  const ns = res.namespace ?? '';
  switch (c.kind as KnownKind) {
    case 'Gateway': return readGateway(r, ns);
    case 'VirtualService': return readVirtualService(r, ns);
    case 'AuthorizationPolicy': return readAuthorizationPolicy(r, ns);
    case 'PeerAuthentication': return readPeerAuthentication(r, ns);
    case 'EnvoyFilter': return readEnvoyFilter(r, ns);
    case 'IstioOperator': return readIstioOperator(r, ns);
    case 'Service': return readService(r, ns);
    case 'Pod': return readWorkload(r, ns, true);
    case 'Deployment': case 'StatefulSet': case 'DaemonSet': case 'ReplicaSet':
      return readWorkload(r, ns, false);
    case 'Endpoints': return readEndpoints(r, ns);
    case 'EndpointSlice': return readEndpointSlice(r, ns);
    case 'NetworkPolicy': return readNetworkPolicy(r, ns);
    case 'Namespace': return readNamespace(r);
    case 'ConfigMap': return readConfigMap(r, ns);
    case 'KnativeServing': return readKnativeServing(r, ns);
    case 'InferenceService': return readInferenceService(r, ns);
    case 'KnativeService': return readKnativeObject(r, ns);
    case 'Route': return readKnativeObject(r, ns);
    case 'KIngress': return readKnativeObject(r, ns);
    case 'DestinationRule': return readDestinationRule(r, ns);
  }
}

/**
 * Views already read, by resource (null: a kind kgd ignores); filled while loading so a parsed object can
 * go before the next document is read. The few resources whose reading found problems keep them beside.
 */
const prebuilt = new WeakMap<Resource, Views[ViewKind] | null>();
const prebuiltProblems = new WeakMap<Resource, readonly InputProblem[]>();

/**
 * The view of a resource, read once per resource object: snapshots are rebuilt after the operator and
 * controller passes, and resources (immutable) are shared between them.
 */
export function viewOf(res: Resource, problems: InputProblem[]): AnyView | undefined {
  let view = prebuilt.get(res);
  if (view === undefined) {
    const own: InputProblem[] = [];
    view = readView(res, own) ?? null;
    prebuilt.set(res, view);
    if (own.length > 0) prebuiltProblems.set(res, own);
  }
  for (const x of prebuiltProblems.get(res) ?? []) problems.push(x);
  return view === null ? undefined : ({ kind: viewKindOf(res)!, view } as AnyView);
}

function viewKindOf(res: Resource): ViewKind | undefined {
  const c = classify(res);
  if (!c) return undefined;
  switch (c.kind) {
    case 'Pod': case 'Deployment': case 'StatefulSet': case 'DaemonSet': case 'ReplicaSet': return 'Workload';
    case 'EndpointSlice': return 'Endpoints';
    default: return c.kind;
  }
}

/**
 * Makes a loader hook that builds the view of a freshly loaded resource and then drops its parsed object,
 * keeping only what locations need. Objects `keep` names (those a controller may rewrite: the platform layer
 * knows which), and namespaced objects written without a namespace (their view depends on the snapshot's
 * default namespace), keep their object: they are few. For loaders whose resources go nowhere but into one
 * snapshot (the CLI's), as a `LoadOptions.onResource`.
 */
export function viewPreparer(keep: (res: Resource) => boolean): (res: Resource) => void {
  return (res) => prepareView(res, keep);
}

function prepareView(res: Resource, keep: (res: Resource) => boolean): void {
  const c = classify(res);
  // The snapshot gives these a namespace (or takes theirs away), so their view is read there, from a copy;
  // the operator rewrites these. Both keep their object, detached from the file text (see detach).
  if ((c && c.supported && (res.namespace === undefined) !== CLUSTER_SCOPED.has(c.kind)) || keep(res)) {
    (res as { object: Readonly<Record<string, unknown>> }).object = detachDeep(res.object);
    return;
  }
  viewOf(res, []);
  dropObject(res);
}

const DROPPED = Object.freeze({});

/** Replaces a resource's parsed object once its view exists: nothing reads it afterwards. */
export function dropObject(res: Resource): void {
  (res as { object: Readonly<Record<string, unknown>> }).object = DROPPED;
}
