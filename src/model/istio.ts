import type { Resource } from '../load/resource.js';
import type { FieldPath } from '../shared/path.js';
import { compactMap, EMPTY_MAP, type FieldReader } from './reader.js';

export interface GatewayServer {
  readonly index: number;
  readonly portNumber: number | undefined;
  readonly portName: string | undefined;
  /** Upper-cased, as Istio compares protocols case-insensitively. */
  readonly protocol: string | undefined;
  /** The protocol as written: net-istio's prober compares it case-sensitively (HTTP, HTTP2, HTTPS). */
  readonly protocolWritten: string | undefined;
  readonly hosts: readonly string[];
  readonly bind: string | undefined;
  /** Whether the server has a `tls` block at all (Istio then checks its hosts for SNI duplicates). */
  readonly tls: boolean;
  /** `tls.mode` as written, upper-cased; a `tls` block without one is PASSTHROUGH (the enum's zero value). */
  readonly tlsMode: string | undefined;
  readonly httpsRedirect: boolean;
}

export interface Gateway {
  readonly res: Resource;
  readonly namespace: string;
  readonly name: string;
  /** undefined when the Gateway has no selector: Istio then selects no workload by label. */
  readonly selector: Readonly<Record<string, string>> | undefined;
  readonly servers: readonly GatewayServer[];
  /** metadata.creationTimestamp (ms since the epoch), when the input has a valid one: Istio orders configs by it first. */
  readonly created: number | undefined;
}

export function readGateway(r: FieldReader, namespace: string): Gateway {
  const servers =
    r.mapList(['spec', 'servers'], (p, index) => ({
      index,
      portNumber: r.int([...p, 'port', 'number']),
      portName: r.str([...p, 'port', 'name']),
      protocol: r.str([...p, 'port', 'protocol'])?.toUpperCase(),
      protocolWritten: r.str([...p, 'port', 'protocol']),
      hosts: r.strList([...p, 'hosts']) ?? [],
      bind: r.str([...p, 'bind']),
      tls: r.obj([...p, 'tls']) !== undefined,
      tlsMode: r.str([...p, 'tls', 'mode'])?.toUpperCase(),
      httpsRedirect: r.bool([...p, 'tls', 'httpsRedirect']) ?? false,
    })) ?? [];
  return { res: r.resource, namespace, name: r.resource.name, selector: r.strMap(['spec', 'selector']), servers, created: r.timestamp(['metadata', 'creationTimestamp']) };
}

/** Istio StringMatch: exactly one of exact, prefix, regex. */
export type StringMatch = { readonly exact: string } | { readonly prefix: string } | { readonly regex: string };

function readStringMatch(r: FieldReader, path: FieldPath): StringMatch | undefined {
  if (r.obj(path) === undefined) return undefined;
  const exact = r.str([...path, 'exact']);
  if (exact !== undefined) return { exact };
  const prefix = r.str([...path, 'prefix']);
  if (prefix !== undefined) return { prefix };
  const regex = r.str([...path, 'regex']);
  if (regex !== undefined) return { regex };
  return undefined;
}

export interface HttpMatch {
  readonly index: number;
  readonly gateways: readonly string[] | undefined;
  readonly authority: StringMatch | undefined;
  readonly uri: StringMatch | undefined;
  readonly headers: Readonly<Record<string, StringMatch>>;
  readonly port: number | undefined;
}

export interface HttpRouteDestination {
  readonly host: string;
  readonly port: number | undefined;
  readonly weight: number | undefined;
}

export interface HttpRoute {
  readonly index: number;
  readonly name: string | undefined;
  readonly match: readonly HttpMatch[];
  readonly route: readonly HttpRouteDestination[];
  readonly rewriteAuthority: string | undefined;
  /** headers.request.set (lower-cased keys); Istio turns a `Host` here into an authority rewrite. */
  readonly setHeaders: Readonly<Record<string, string>>;
  readonly hasDirectResponse: boolean;
  readonly hasRedirect: boolean;
}

export interface VirtualService {
  readonly res: Resource;
  readonly namespace: string;
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly hosts: readonly string[];
  /** spec.gateways as written; Istio treats an absent list as ['mesh']. */
  readonly gateways: readonly string[];
  readonly gatewaysWritten: boolean;
  readonly http: readonly HttpRoute[];
  /** Whether spec.tls or spec.tcp has routes: only those give a gateway's passthrough/TCP servers a filter chain. */
  readonly hasL4Routes: boolean;
  /** metadata.creationTimestamp (ms since the epoch), when the input has it. */
  readonly created: number | undefined;
}

export function readVirtualService(r: FieldReader, namespace: string): VirtualService {
  const gateways = r.strList(['spec', 'gateways']);
  const http =
    r.mapList(['spec', 'http'], (p, index) => {
      const match =
        r.mapList([...p, 'match'], (mp, mi) => {
          const headers: Record<string, StringMatch> = {};
          const h = r.obj([...mp, 'headers']);
          if (h) for (const k of Object.keys(h)) {
            const m = readStringMatch(r, [...mp, 'headers', k]);
            if (m) headers[k.toLowerCase()] = m;
          }
          return {
            index: mi,
            gateways: r.strList([...mp, 'gateways']),
            authority: readStringMatch(r, [...mp, 'authority']),
            uri: readStringMatch(r, [...mp, 'uri']),
            headers: compactMap(headers),
            port: r.int([...mp, 'port']),
          };
        }) ?? [];
      const route =
        r.mapList([...p, 'route'], (rp) => {
          const host = r.str([...rp, 'destination', 'host']);
          if (host === undefined) return undefined;
          return { host, port: r.int([...rp, 'destination', 'port', 'number']), weight: r.int([...rp, 'weight']) };
        }) ?? [];
      const setHeaders: Record<string, string> = {};
      for (const [k, v] of Object.entries(r.strMap([...p, 'headers', 'request', 'set']) ?? {})) setHeaders[k.toLowerCase()] = v;
      return {
        index,
        name: r.str([...p, 'name']),
        match,
        route,
        setHeaders: compactMap(setHeaders),
        rewriteAuthority: r.str([...p, 'rewrite', 'authority']),
        hasDirectResponse: r.has([...p, 'directResponse']),
        hasRedirect: r.has([...p, 'redirect']),
      };
    }) ?? [];
  return {
    res: r.resource,
    namespace,
    name: r.resource.name,
    labels: r.strMap(['metadata', 'labels']) ?? EMPTY_MAP,
    hosts: r.strList(['spec', 'hosts']) ?? [],
    gateways: gateways ?? ['mesh'],
    gatewaysWritten: gateways !== undefined,
    http,
    hasL4Routes: (r.listLength(['spec', 'tls']) ?? 0) > 0 || (r.listLength(['spec', 'tcp']) ?? 0) > 0,
    created: r.timestamp(['metadata', 'creationTimestamp']),
  };
}

export interface AuthorizationPolicy {
  readonly res: Resource;
  readonly namespace: string;
  readonly name: string;
  /** Workload selector (Istio reads only matchLabels); undefined means every workload in the namespace (or the mesh, in the root namespace). */
  readonly selector: Readonly<Record<string, string>> | undefined;
  /** spec.targetRefs plus the older spec.targetRef; empty when neither is set. */
  readonly targetRefs: readonly PolicyTargetRef[];
  readonly targetsRefs: boolean;
  readonly action: 'ALLOW' | 'DENY' | 'AUDIT' | 'CUSTOM';
  /** spec.provider.name of a CUSTOM policy (an extension provider in mesh config). */
  readonly provider: string | undefined;
  /** undefined: the `rules` field is absent. An ALLOW policy without rules allows nothing. */
  readonly rules: readonly AuthorizationRule[] | undefined;
}

export interface PolicyTargetRef {
  readonly group: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace: string | undefined;
}

/** One entry of `rules`, kept as written; platform/istio/authz.ts evaluates it. */
export interface AuthorizationRule {
  readonly index: number;
  readonly raw: Readonly<Record<string, unknown>>;
}

function readTargetRef(r: FieldReader, p: FieldPath): PolicyTargetRef | undefined {
  const name = r.str([...p, 'name']);
  const kind = r.str([...p, 'kind']);
  return name && kind ? { group: r.str([...p, 'group']) ?? '', kind, name, namespace: r.str([...p, 'namespace']) } : undefined;
}

/** spec.targetRefs (entries without a name or kind left out); policies and EnvoyFilters share it. */
export function readTargetRefList(r: FieldReader): PolicyTargetRef[] {
  return (r.mapList(['spec', 'targetRefs'], (p) => readTargetRef(r, p)) ?? []).filter((x): x is PolicyTargetRef => x !== undefined);
}

function readTargetRefs(r: FieldReader): PolicyTargetRef[] {
  const refs = readTargetRefList(r);
  const legacy = r.has(['spec', 'targetRef']) ? readTargetRef(r, ['spec', 'targetRef']) : undefined;
  return legacy ? [legacy, ...refs] : refs;
}

export function readAuthorizationPolicy(r: FieldReader, namespace: string): AuthorizationPolicy {
  const action = (r.str(['spec', 'action']) ?? 'ALLOW').toUpperCase();
  const rulesLen = r.listLength(['spec', 'rules']);
  const rules =
    rulesLen === undefined ? undefined : (r.mapList(['spec', 'rules'], (p, index) => ({ index, raw: r.obj(p) ?? {} })) ?? []);
  const validActions = ['ALLOW', 'DENY', 'AUDIT', 'CUSTOM'];
  if (!validActions.includes(action)) r.bad(['spec', 'action'], 'ALLOW, DENY, AUDIT or CUSTOM', action);
  const targetRefs = readTargetRefs(r);
  return {
    res: r.resource,
    namespace,
    name: r.resource.name,
    selector: r.has(['spec', 'selector']) ? { ...(r.strMap(['spec', 'selector', 'matchLabels']) ?? {}) } : undefined,
    targetRefs,
    targetsRefs: targetRefs.length > 0 || r.has(['spec', 'targetRef']) || r.has(['spec', 'targetRefs']),
    action: (validActions.includes(action) ? action : 'ALLOW') as AuthorizationPolicy['action'],
    provider: r.str(['spec', 'provider', 'name']),
    rules,
  };
}

/** Istio's mutual TLS modes for a workload's inbound traffic; UNSET inherits from the parent policy. */
export type MtlsMode = 'STRICT' | 'PERMISSIVE' | 'DISABLE' | 'UNSET';

export interface PeerAuthentication {
  readonly res: Resource;
  readonly namespace: string;
  readonly name: string;
  readonly selector: Readonly<Record<string, string>> | undefined;
  readonly mode: MtlsMode | undefined;
  /** portLevelMtls by container port (Istio applies it only to policies with a selector). */
  readonly portModes: ReadonlyMap<number, MtlsMode>;
  /** metadata.creationTimestamp (ms): of several policies at one level, Istio takes the oldest. */
  readonly created: number | undefined;
}

const MTLS_MODES = ['STRICT', 'PERMISSIVE', 'DISABLE', 'UNSET'];

export function readPeerAuthentication(r: FieldReader, namespace: string): PeerAuthentication {
  const mode = (p: FieldPath): MtlsMode | undefined => {
    const m = r.str(p)?.toUpperCase();
    if (m === undefined) return undefined;
    if (!MTLS_MODES.includes(m)) {
      r.bad(p, 'STRICT, PERMISSIVE, DISABLE or UNSET', m);
      return undefined;
    }
    return m as MtlsMode;
  };
  const portModes = new Map<number, MtlsMode>();
  const levels = r.obj(['spec', 'portLevelMtls']);
  for (const port of Object.keys(levels ?? {})) {
    const m = mode(['spec', 'portLevelMtls', port, 'mode']);
    if (/^\d+$/.test(port) && m) portModes.set(Number(port), m);
  }
  return {
    res: r.resource,
    namespace,
    name: r.resource.name,
    selector: r.has(['spec', 'selector']) ? { ...(r.strMap(['spec', 'selector', 'matchLabels']) ?? {}) } : undefined,
    mode: mode(['spec', 'mtls', 'mode']),
    portModes,
    created: r.timestamp(['metadata', 'creationTimestamp']),
  };
}

export interface DestinationRule {
  readonly res: Resource;
  readonly namespace: string;
  readonly name: string;
  readonly host: string | undefined;
  /** trafficPolicy.tls.mode, upper-cased (ISTIO_MUTUAL, DISABLE, ...). */
  readonly tlsMode: string | undefined;
  /** trafficPolicy.portLevelSettings[].tls.mode by Service port. */
  readonly portTlsModes: ReadonlyMap<number, string>;
  /** spec.exportTo as written; undefined: exported to every namespace. */
  readonly exportTo: readonly string[] | undefined;
}

export function readDestinationRule(r: FieldReader, namespace: string): DestinationRule {
  const portTlsModes = new Map<number, string>();
  r.mapList(['spec', 'trafficPolicy', 'portLevelSettings'], (p) => {
    const port = r.int([...p, 'port', 'number']);
    const mode = r.str([...p, 'tls', 'mode'])?.toUpperCase();
    if (port !== undefined && mode) portTlsModes.set(port, mode);
    return undefined;
  });
  return {
    res: r.resource, namespace, name: r.resource.name, host: r.str(['spec', 'host']),
    tlsMode: r.str(['spec', 'trafficPolicy', 'tls', 'mode'])?.toUpperCase(), portTlsModes, exportTo: r.strList(['spec', 'exportTo']),
  };
}

/** Go's byte-wise string order (cmp.Compare), not the locale's. */
export function goCompare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Istio's config order (pilot/pkg/model sortConfigByCreationTime): creation time first (an object without one
 * is the oldest), then name, then namespace.
 */
export function istioConfigOrder(a: ConfigOrderKey, b: ConfigOrderKey): number {
  return (a.created ?? 0) - (b.created ?? 0) || goCompare(a.name, b.name) || goCompare(a.namespace, b.namespace);
}

interface ConfigOrderKey {
  readonly created: number | undefined;
  readonly name: string;
  readonly namespace: string;
}
