/**
 * A deterministic generator of gateway routing scenarios for the Istio oracle: random Gateways, Services
 * (with and without port translation), VirtualServices and requests, rendered both for Istio's simulator
 * (ServiceEntries stand for the Services, as Istio's own gateway tests do) and for kgd (Services + a Pod).
 */
import { stringify } from 'yaml';
import { prng } from '../helpers/prng.js';

export interface GenTls { mode?: 'SIMPLE' | 'ISTIO_MUTUAL'; httpsRedirect?: boolean; credentialName?: string }
export interface GenServer { port: number; hosts: string[]; protocol: string; tls?: GenTls }
export interface GenGateway { ns: string; name: string; selected: boolean; servers: GenServer[]; created?: string }
export interface GenService { name: string; port: number; targetPort: number; noTranslate: boolean }
export interface GenMatch { authority?: Record<string, string>; uri?: Record<string, string>; headers?: Record<string, Record<string, string>>; gateways?: string[] }
export interface GenRoute { name: string; match: GenMatch[]; dest: { host: string; port: number | undefined } }
export interface GenVirtualService { ns: string; name: string; hosts: string[]; gateways: string[]; http: GenRoute[]; created?: string }
/** `tls`: absent for plain text, `tls` (no client certificate) or `mtls` (the mesh's), sending `sni`. */
export interface GenCall { port: number; host: string; path: string; headers: Record<string, string>; tls?: 'tls' | 'mtls'; sni?: string }

export interface Scenario {
  name: string;
  gateways: GenGateway[];
  services: GenService[];
  virtualServices: GenVirtualService[];
  calls: GenCall[];
  /** Backend Services of the destinations (one single-port, one with two ports), for port-less destinations. */
  backends: boolean;
}

/** Destination Services: a port-less destination takes a single-port Service's port, else the server's (route.GetDestinationCluster). */
const BACKENDS = [
  { name: 'backend', ns: 'ns-a', ports: [8080] },
  { name: 'model', ns: 'default', ports: [80, 8012] },
];

export const PROXY_LABELS = { istio: 'ingressgateway' };
export const PROXY_NAMESPACE = 'istio-system';


const NAMESPACES = ['istio-system', 'default', 'ns-a', 'knative-serving'];
const SERVER_HOSTS = ['*', '*.example.com', 'a.example.com', 'ns-a/*', './*', '*.svc.cluster.local', 'b.ns-a.svc.cluster.local', '*.ns-a', 'default/*.example.com', '*.a.example.com'];
const VS_HOSTS = ['a.example.com', '*.example.com', 'b.ns-a.svc.cluster.local', 'c.default.svc.cluster.local', 'x.a.example.com', 'svc-k.knative-serving.svc.cluster.local'];
const CALL_HOSTS = ['a.example.com', 'z.example.com', 'x.a.example.com', 'b.ns-a.svc.cluster.local', 'c.default.svc.cluster.local', 'other.org', 'svc-k.knative-serving.svc.cluster.local', 'b.ns-a', 'A.Example.com', 'a.example.com:80', 'b.ns-a.svc.cluster.local:8081', 'B.NS-A.svc.cluster.local', 'a.example.com:1234'];
const PATHS = ['/', '/v1/models/iris:predict', '/api/v2', '/v1/models/iris:explain'];
const PORTS = [80, 8080, 8081];

export function generateScenarios(count: number, seed = 20261125): Scenario[] {
  const rnd = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const chance = (p: number) => rnd() < p;
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  // Creation timestamps come from a second stream, so that adding them left every other choice as it was.
  const trnd = prng(seed ^ 0x7157);
  const stamp = () => ['2026-01-01T00:00:00Z', '2026-01-01T00:00:01Z', '2026-03-01T12:00:00Z'][Math.floor(trnd() * 3)]!;
  // TLS (HTTPS servers, httpsRedirect, TLS and mTLS calls) from a third stream, for the same reason.
  const srnd = prng(seed ^ 0x5e1f);
  const spick = <T>(xs: readonly T[]): T => xs[Math.floor(srnd() * xs.length)]!;
  // Port-less destinations and their Services from a fourth stream, for the same reason.
  const drnd = prng(seed ^ 0xd057);
  const out: Scenario[] = [];
  for (let n = 0; n < count; n++) {
    const gateways: GenGateway[] = [];
    for (let g = 0; g < int(1, 3); g++) {
      const servers: GenServer[] = [];
      const usedPorts = new Set<number>();
      for (let k = 0; k < int(1, 2); k++) {
        const port = pick(PORTS);
        if (usedPorts.has(port)) continue;
        usedPorts.add(port);
        servers.push({ port, hosts: [...new Set(Array.from({ length: int(1, 2) }, () => pick(SERVER_HOSTS)))], protocol: chance(0.9) ? 'HTTP' : 'HTTP2' });
      }
      for (const srv of servers) {
        const t = srnd();
        if (t < 0.3) {
          // An HTTPS server: SIMPLE with a certificate, ISTIO_MUTUAL, or a tls block without mode (PASSTHROUGH).
          const port = spick([443, 443, 8443, srv.port]);
          if (port !== srv.port && servers.some((o) => o.port === port)) continue;
          srv.port = port;
          srv.protocol = 'HTTPS';
          const m = srnd();
          srv.tls = m < 0.5 ? { mode: 'SIMPLE', credentialName: 'cert' } : m < 0.9 ? { mode: 'ISTIO_MUTUAL' } : { credentialName: 'cert' };
        } else if (t < 0.38) {
          srv.tls = { httpsRedirect: true };
        }
      }
      gateways.push({ ns: pick(NAMESPACES), name: `gw${g}`, selected: chance(0.9), servers });
    }
    const services: GenService[] = [];
    for (let k = 0; k < int(0, 2); k++) {
      services.push({ name: `svc${k}`, port: pick([80, 8081]), targetPort: pick([8080, 8081, 80]), noTranslate: chance(0.4) });
    }
    const gatewayRefs = (vsNs: string): string[] => {
      const gw = pick(gateways);
      const forms = [`${gw.ns}/${gw.name}`, `${gw.name}.${gw.ns}`, vsNs === gw.ns ? gw.name : `${gw.ns}/${gw.name}`, 'istio-system/missing'];
      const refs = [pick(forms)];
      if (chance(0.3)) refs.push(`${pick(gateways).ns}/${pick(gateways).name}`);
      if (chance(0.2)) refs.push('mesh');
      return [...new Set(refs)];
    };
    const virtualServices: GenVirtualService[] = [];
    for (let v = 0; v < int(1, 4); v++) {
      const ns = pick(NAMESPACES);
      const gws = gatewayRefs(ns);
      // Istio rejects a VirtualService whose hosts overlap ("duplicate hosts in virtual service").
      const hosts: string[] = [];
      for (const h of Array.from({ length: int(1, 2) }, () => pick(VS_HOSTS))) if (!hosts.some((x) => overlaps(x, h))) hosts.push(h);
      const http: GenRoute[] = [];
      for (let r = 0; r < int(1, 3); r++) {
        const match: GenMatch[] = [];
        for (let m = 0; m < int(0, 2); m++) {
          const mm: GenMatch = {};
          const host = (chance(0.6) ? pick(hosts) : pick(VS_HOSTS)).replace('*.', 'q.');
          const a = rnd();
          if (a < 0.25) mm.authority = { exact: host };
          else if (a < 0.5) mm.authority = { prefix: host.split('.').slice(0, 2).join('.') };
          else if (a < 0.65) mm.authority = { regex: `^${host.split('.')[0]!.replace(/[.]/g, '\\.')}\\..*(?::\\d{1,5})?$` };
          if (chance(0.4)) mm.uri = chance(0.5) ? { prefix: pick(['/v1', '/api', '/']) } : chance(0.5) ? { exact: pick(PATHS) } : { regex: '/v1/models/[^/]+:predict' };
          if (chance(0.15)) mm.headers = { 'x-tag': { exact: 'blue' } };
          if (chance(0.2)) mm.gateways = [gws[0]!];
          match.push(mm);
        }
        http.push({ name: `vs${v}-r${r}`, match, dest: { host: `${pick(['backend', 'model', 'knative-local-gateway'])}.${pick(['default', 'ns-a', 'istio-system'])}.svc.cluster.local`, port: ((p) => (drnd() < 0.3 ? undefined : p))(pick([80, 8012])) } });
      }
      virtualServices.push({ ns, name: `vs${v}`, hosts, gateways: gws, http });
    }
    const calls: GenCall[] = [];
    const serverPorts = [...new Set(gateways.flatMap((g) => g.servers.map((x) => x.port)).concat(services.map((x) => x.targetPort)))];
    for (let c = 0; c < int(3, 5); c++) {
      // Most calls aim at what the scenario routes, so that routed outcomes are well represented.
      const aimed = chance(0.7) && virtualServices.length > 0;
      const host = aimed ? pick(pick(virtualServices).hosts).replace('*.', pick(['q.', 'x.', ''])) : pick(CALL_HOSTS);
      calls.push({ port: aimed ? pick(serverPorts) : pick(PORTS), host: host.startsWith('.') ? host.slice(1) : host, path: pick(PATHS), headers: chance(0.2) ? { 'x-tag': 'blue' } : {} });
    }
    // Calls over TLS, added to the plain ones: to each HTTPS port, with the mesh's certificate or without, the
    // SNI being the Host's name or another one; and now and then TLS to a plain port.
    const https = gateways.flatMap((g) => g.servers.filter((x) => x.protocol === 'HTTPS'));
    for (const srv of https) {
      for (let k = 0; k < 1 + Math.floor(srnd() * 2); k++) {
        const hosts = virtualServices.flatMap((v) => v.hosts).concat(CALL_HOSTS.slice(0, 2));
        const host = spick(hosts).replace('*.', spick(['q.', 'x.']));
        const mtls = srv.tls?.mode === 'ISTIO_MUTUAL' ? srnd() < 0.75 : srnd() < 0.2;
        calls.push({ port: srv.port, host, path: spick(PATHS), headers: {}, tls: mtls ? 'mtls' : 'tls', sni: srnd() < 0.8 ? host.toLowerCase() : spick(['other.org', 'a.example.com', 'q.example.com']) });
      }
    }
    if (srnd() < 0.15 && calls.length > 0) {
      const c = calls[0]!;
      calls.push({ ...c, tls: srnd() < 0.5 ? 'tls' : 'mtls', sni: c.host.replace(/:\d+$/, '').toLowerCase() });
    }
    // Half the scenarios carry creation timestamps (ties included): Istio orders Gateways and VirtualServices by them.
    if (trnd() < 0.5) {
      for (const g of gateways) g.created = stamp();
      for (const v of virtualServices) v.created = stamp();
    }
    out.push({ name: `s${String(n).padStart(3, '0')}`, gateways, services, virtualServices, calls, backends: drnd() < 0.6 });
  }
  return out;
}

function covers(pattern: string, host: string): boolean {
  return pattern === host || (pattern.startsWith('*') && host.endsWith(pattern.slice(1)));
}

function overlaps(a: string, b: string): boolean {
  return covers(a, b) || covers(b, a);
}

function gatewayObject(g: GenGateway, apiVersion: string): Record<string, unknown> {
  return {
    apiVersion, kind: 'Gateway', metadata: { name: g.name, namespace: g.ns, ...(g.created ? { creationTimestamp: g.created } : {}) },
    spec: { selector: g.selected ? PROXY_LABELS : { istio: 'other' }, servers: g.servers.map((s, i) => ({ port: { number: s.port, name: `${s.protocol === 'HTTPS' ? 'https' : 'http'}-${i}`, protocol: s.protocol }, hosts: s.hosts, ...(s.tls ? { tls: s.tls } : {}) })) },
  };
}

function vsObject(v: GenVirtualService, apiVersion: string): Record<string, unknown> {
  return {
    apiVersion, kind: 'VirtualService', metadata: { name: v.name, namespace: v.ns, ...(v.created ? { creationTimestamp: v.created } : {}) },
    spec: {
      hosts: v.hosts, gateways: v.gateways,
      http: v.http.map((r) => ({ name: r.name, ...(r.match.length ? { match: r.match } : {}), route: [{ destination: { host: r.dest.host, ...(r.dest.port !== undefined ? { port: { number: r.dest.port } } : {}) } }] })),
    },
  };
}

const NO_TRANSLATION = 'experimental.istio.io/disable-gateway-port-translation';

/** The scenario as Istio's fake discovery server reads it. */
export function istioConfig(s: Scenario): string {
  const docs: Record<string, unknown>[] = [
    ...s.gateways.map((g) => gatewayObject(g, 'networking.istio.io/v1')),
    ...s.virtualServices.map((v) => vsObject(v, 'networking.istio.io/v1')),
    ...s.services.map((svc) => ({
      apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry',
      metadata: { name: svc.name, namespace: PROXY_NAMESPACE, ...(svc.noTranslate ? { labels: { [NO_TRANSLATION]: 'true' } } : {}) },
      spec: {
        hosts: [`${svc.name}.${PROXY_NAMESPACE}.svc.cluster.local`],
        ports: [{ number: svc.port, targetPort: svc.targetPort, name: 'http', protocol: 'HTTP' }],
        resolution: 'STATIC', location: 'MESH_INTERNAL',
        endpoints: [{ address: '1.1.1.1', labels: PROXY_LABELS }],
      },
    })),
    ...(s.backends ? BACKENDS.map((b) => ({
      apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', metadata: { name: b.name, namespace: b.ns },
      spec: { hosts: [`${b.name}.${b.ns}.svc.cluster.local`], ports: b.ports.map((p) => ({ number: p, name: `http-${p}`, protocol: 'HTTP' })), resolution: 'STATIC', location: 'MESH_INTERNAL', endpoints: [{ address: '2.2.2.2' }] },
    })) : []),
  ];
  return docs.map((d) => stringify(d)).join('---\n');
}

/** The same scenario as Kubernetes manifests for kgd: Services selecting a gateway Pod. */
export function kgdManifests(s: Scenario): string {
  const docs: Record<string, unknown>[] = [
    { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'gateway', namespace: PROXY_NAMESPACE, labels: PROXY_LABELS }, spec: { containers: [{ name: 'istio-proxy', image: 'proxyv2' }] } },
    ...s.gateways.map((g) => gatewayObject(g, 'networking.istio.io/v1')),
    ...s.virtualServices.map((v) => vsObject(v, 'networking.istio.io/v1')),
    ...s.services.map((svc) => ({
      apiVersion: 'v1', kind: 'Service',
      metadata: { name: svc.name, namespace: PROXY_NAMESPACE, labels: svc.noTranslate ? { [NO_TRANSLATION]: 'true' } : {} },
      spec: { selector: PROXY_LABELS, ports: [{ name: 'http', port: svc.port, targetPort: svc.targetPort }] },
    })),
    ...(s.backends ? BACKENDS.map((b) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: b.name, namespace: b.ns }, spec: { selector: { app: b.name }, ports: b.ports.map((p) => ({ name: `http-${p}`, port: p })) } })) : []),
  ];
  return docs.map((d) => stringify(d)).join('---\n');
}
