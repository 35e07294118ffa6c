/**
 * net-istio's readiness prober, as upstream does it: which gateway pods it probes for a KIngress, with which
 * request, and what it makes of the answer. Sources (knative-extensions/net-istio, checked at 1.2.0 and 1.21.1,
 * unchanged between them): pkg/reconciler/ingress/lister.go (ListProbeTargets, listGatewayTargets) and
 * knative.dev/networking pkg/status/status.go (IsReady, probeVerifier). test/probe-oracle.test.ts runs both on
 * the same input.
 */
import type { EndpointSubset, Service, Workload } from '../../model/core.js';
import type { Gateway, GatewayServer } from '../../model/istio.js';
import { matchesMap } from '../../model/label-selector.js';
import type { Snapshot } from '../../snapshot/snapshot.js';
import { resolveTargetPort } from '../istio/listeners.js';
import { gatewaysFor, kingressRules, type RouteInput } from './derive.js';
import { knativeDomainConfig } from './domain.js';
import { knativeGatewayConfig } from './effective.js';
import { childName } from './names.js';

/** The headers every probe carries (knative.dev/networking pkg/http/header: UserAgentKey, ProbeKey, HashKey). */
export const PROBE_HEADERS = ['User-Agent: Knative-Ingress-Probe', 'K-Network-Probe: probe', 'K-Network-Hash: override'] as const;
/** status.go: probeTimeout 1 s, probeConcurrency 15, backoff 50 ms → 30 s (PROBE_MAX_RETRY_DELAY_SECONDS). */
export const PROBE_TIMEOUT_SECONDS = 1;

export interface ProbeIngress {
  readonly namespace: string;
  readonly name: string;
  /** What the KIngress stands for (an InferenceService component or a Knative Service). */
  readonly owner: string;
  /** Gateways (`ns/name`) per rule visibility, and each gateway's hosts (ingress.HostsPerVisibility, expanded). */
  readonly hostsByGateway: ReadonlyMap<string, readonly string[]>;
  readonly localGateways: readonly string[];
}

/** One server of a probed Gateway and what the prober does with it. */
export interface ServerProbe {
  readonly server: GatewayServer;
  /** Why the prober skips it (its own log line), or undefined when it probes it. */
  readonly skipped?: string;
  /** One per Endpoints subset that has the port (k8s.PortNumberForName): pod port and ready IPs. */
  readonly targets: readonly { readonly podPort: number | undefined; readonly ips: readonly string[] }[];
  /** Endpoints subsets without the Service port's name: net-istio logs "Skipping Subset ..." and probes nothing there. */
  readonly subsetSkips?: readonly string[];
}

export interface GatewayProbe {
  readonly gateway: string;
  readonly local: boolean;
  readonly resource?: Gateway;
  /** `sets.List(hosts)[0]`: the Host of every probe to this gateway, with `:<server port>`. */
  readonly host: string;
  /** Services whose labels match the Gateway's selector, in any namespace (serviceLister.List(selector)). */
  readonly candidates: readonly Service[];
  /** services[0]; with more than one candidate the informer's order decides, which the input cannot show. */
  readonly service?: Service;
  /** 'input': Endpoints in the input; 'assumed': none in a partial input, so the Service's pods stand for them. */
  readonly endpoints?: 'input' | 'assumed';
  /** The pods behind the Service (what the probes reach), for routing the probe through kgd's simulation. */
  readonly workloads: readonly Workload[];
  readonly servers: readonly ServerProbe[];
  /** The gateway is skipped whole (no Service): net-istio's log line. */
  readonly skipped?: string;
  /** ListProbeTargets fails here: the KIngress gets ReconcileIngressFailed. */
  readonly error?: string;
}

export interface ProbePlan {
  readonly ingress: ProbeIngress;
  readonly gateways: readonly GatewayProbe[];
  /** The first error ListProbeTargets returns (it stops there): ReconcileIngressFailed. */
  readonly error?: string;
  /** Number of pod IPs with work (IsReady: none means Ready at once); undefined when IPs are assumed. */
  readonly podIPs: number | undefined;
  /** Whether any probe is sent at all (known IPs, or assumed pods). */
  readonly probes: boolean;
}

/** knative.dev/networking ingress.ExpandedHosts for one host. */
function expanded(host: string, clusterDomain: string): string[] {
  const out = new Set([host]);
  for (const suffix of [`.${clusterDomain}`, `.svc.${clusterDomain}`]) {
    if (!host.endsWith(suffix)) continue;
    const th = host.slice(0, -suffix.length);
    if (th.includes('.')) out.add(th);
  }
  return [...out];
}

/** The KIngress Knative makes for a Route (a KServe component's Knative Service, or a Knative Service). */
export function probeIngressFor(s: Snapshot, route: RouteInput, owner: string): ProbeIngress | undefined {
  const cfg = knativeGatewayConfig(s);
  if (cfg.status !== 'ok') return undefined;
  const rules = kingressRules(route, knativeDomainConfig(s), s.clusterDomain);
  if (!rules) return undefined;
  const labels = { ...route.labels, 'serving.knative.dev/route': route.name, 'serving.knative.dev/routeNamespace': route.namespace };
  const local = gatewaysFor(cfg.parsed.local, labels).map((e) => `${e.namespace}/${e.name}`);
  const external = gatewaysFor(cfg.parsed.external, labels).map((e) => `${e.namespace}/${e.name}`);
  const hosts = new Map<string, Set<string>>();
  for (const rule of rules) {
    for (const g of rule.visibility === 'ClusterLocal' ? local : external) {
      const set = hosts.get(g) ?? new Set<string>();
      for (const h of rule.hosts) for (const x of expanded(h, s.clusterDomain)) set.add(x);
      hosts.set(g, set);
    }
  }
  return {
    namespace: route.namespace, name: childName(route.name, ''), owner,
    hostsByGateway: new Map([...hosts].map(([g, set]) => [g, [...set].sort()])),
    localGateways: local,
  };
}

/** Go's sort.Strings order (bytes), which the prober uses for gateway names and hosts. */
const byteOrder = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Why net-istio's prober skips a server, in its log's words, or undefined when it probes it (lister.go). */
function serverSkip(server: GatewayServer, service: Service): string | undefined {
  const name = server.portName ?? '';
  const proto = server.protocolWritten ?? '';
  if (proto === 'HTTP' || proto === 'HTTP2') {
    if (server.tls && server.httpsRedirect) return `Server "${name}" redirects to HTTPS (ignored)`;
  } else if (proto === 'HTTPS') {
    if (server.tlsMode === 'MUTUAL') return `Skipping Server "${name}" because HTTPS with TLS mode MUTUAL is not supported`;
  } else {
    return `Skipping Server "${name}" because protocol "${proto}" is not supported`;
  }
  if (!service.ports.some((p) => p.port === server.portNumber)) {
    return `Skipping Server "${name}" because Service ${service.namespace}/${service.name} doesn't contain a port ${server.portNumber ?? 0}`;
  }
  return undefined;
}

/** k8s.PortNumberForName: the subset's port with that name. */
function subsetPort(sub: EndpointSubset, portName: string): number | undefined {
  return sub.ports.find((p) => p.name === portName)?.port;
}

function gatewayProbe(s: Snapshot, gatewayName: string, hosts: readonly string[], local: boolean): GatewayProbe {
  // What the prober finds for a Gateway is the same for every KIngress on it; only the Host differs.
  const state = s.memo(`probe-gateway:${gatewayName}`, () => gatewayState(s, gatewayName));
  return { ...state, local, host: hosts[0] ?? '' };
}

function gatewayState(s: Snapshot, gatewayName: string): Omit<GatewayProbe, 'local' | 'host'> {
  const [ns, name] = gatewayName.split('/') as [string, string];
  const base = { gateway: gatewayName, candidates: [], workloads: [], servers: [] };
  const gw = s.get('Gateway', ns, name);
  if (!gw) return { ...base, error: `failed to get Gateway "${gatewayName}": gateway.networking.istio.io "${name}" not found` };
  // labels.SelectorFromSet: a Gateway without a selector matches every Service.
  const candidates = s.list('Service').filter((svc) => matchesMap(gw.selector ?? {}, svc.labels)).sort((a, b) => byteOrder(`${a.namespace}/${a.name}`, `${b.namespace}/${b.name}`));
  if (candidates.length === 0) return { ...base, resource: gw, skipped: `Skipping Gateway ${gatewayName} because it has no corresponding Service` };
  const service = candidates[0]!;
  const ep = s.get('Endpoints', service.namespace, service.name);
  const workloads = service.selector && Object.keys(service.selector).length ? s.workloadsMatching(service.selector, service.namespace) : [];
  if (!ep && s.complete) return { ...base, resource: gw, candidates, service, workloads, error: `failed to list the probing URLs of Gateway "${gatewayName}": failed to get Endpoints: endpoints "${service.name}" not found` };
  const seen = new Set<string>();
  const servers: ServerProbe[] = [];
  for (const server of gw.servers) {
    const skipped = serverSkip(server, service);
    const key = `${server.protocolWritten ?? ''}/${server.portNumber ?? 0}`;
    if (skipped) {
      servers.push({ server, skipped, targets: [] });
      continue;
    }
    if (seen.has(key)) {
      servers.push({ server, skipped: `same protocol and port as an earlier server (${key})`, targets: [] });
      continue;
    }
    seen.add(key);
    // k8s.NameForPortNumber: the Service port's name (an unnamed port has the name "").
    const sp = service.ports.find((p) => p.port === server.portNumber)!;
    const portName = sp.name ?? '';
    if (ep?.subsets) {
      const targets: { podPort: number; ips: string[] }[] = [];
      const subsetSkips: string[] = [];
      for (const sub of ep.subsets) {
        const p = subsetPort(sub, portName);
        if (p === undefined) subsetSkips.push(`Skipping Subset [${sub.addresses.join(' ')}] because it doesn't contain a port name "${portName}"`);
        else targets.push({ podPort: p, ips: [...new Set(sub.addresses)].sort() });
      }
      servers.push({ server, targets, subsetSkips });
    } else {
      // No Endpoints in a partial input: the Service's pods stand for them (the Endpoints controller's work).
      const ports = [...new Set(workloads.map((w) => resolveTargetPort(sp.targetPort, w)))];
      servers.push({ server, targets: ports.map((p) => ({ podPort: p, ips: [] })) });
    }
  }
  return { ...base, resource: gw, candidates, service, endpoints: ep?.subsets ? 'input' : 'assumed', workloads, servers };
}

/** ListProbeTargets for one KIngress: every gateway it uses, in the prober's order, up to its first error. */
export function probePlan(s: Snapshot, ing: ProbeIngress): ProbePlan {
  const gateways: GatewayProbe[] = [];
  let error: string | undefined;
  for (const g of [...ing.hostsByGateway.keys()].sort(byteOrder)) {
    const p = gatewayProbe(s, g, ing.hostsByGateway.get(g) ?? [], ing.localGateways.includes(g));
    gateways.push(p);
    if (p.error) {
      error = p.error;
      break;
    }
  }
  const ips = new Set<string>();
  let assumed = false;
  for (const g of gateways) {
    for (const sv of g.servers) {
      for (const t of sv.targets) {
        for (const ip of t.ips) ips.add(ip);
        if (g.endpoints === 'assumed' && g.workloads.length > 0) assumed = true;
      }
    }
  }
  return { ingress: ing, gateways, error, podIPs: assumed ? undefined : ips.size, probes: assumed || ips.size > 0 };
}

/** The KIngresses kgd knows: each Knative-mode InferenceService component, and Knative Services in the input. */
export function probeIngresses(s: Snapshot, routes: readonly { route: RouteInput; owner: string }[]): ProbeIngress[] {
  return routes.map((r) => probeIngressFor(s, r.route, r.owner)).filter((x): x is ProbeIngress => x !== undefined);
}

/**
 * What the prober makes of a probe's answer (probeVerifier): 200 with the KIngress hash or without the header,
 * and any status but 404/503, end probing ("abandoned" counts as success); 404, 503, another hash, a refused
 * dial or a timeout are retried for ever.
 */
export function probeAnswerVerdict(answer: { status?: number; hash?: 'match' | 'none' | 'other'; connection?: 'refused' | 'timeout' }): 'success' | 'abandoned' | 'retry' {
  if (answer.connection) return 'retry';
  const status = answer.status ?? 0;
  if (status === 200) return answer.hash === 'other' ? 'retry' : answer.hash === 'none' ? 'abandoned' : 'success';
  if (status === 404 || status === 503) return 'retry';
  return 'abandoned';
}
