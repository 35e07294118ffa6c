/**
 * A deterministic generator of sidecar (mesh) routing scenarios for the Istio oracle: an application pod with a
 * sidecar in one namespace calls Services by every name form an application uses (short, `name.ns`, `.svc`,
 * full, with a port, upper case, unknown names and IPs), through VirtualServices bound to `mesh` (hosts that
 * are Services, short forms of them, other names, wildcards) — the way KServe's VirtualService is reached from
 * inside the mesh. Istio reads the Services from its Kubernetes registry, as it would in a cluster.
 */
import { stringify } from 'yaml';
import { prng } from '../helpers/prng.js';
import type { GenCall, GenMatch } from './scenarios.js';

export interface SidecarService { ns: string; name: string; ip: string | undefined; externalName: string | undefined; ports: { port: number; name: string }[] }
export interface SidecarRoute { name: string; match: GenMatch[]; dest: { host: string; port: number | undefined } }
export interface SidecarVirtualService { ns: string; name: string; hosts: string[]; gateways: string[] | undefined; http: SidecarRoute[]; created: string }
export interface SidecarScenario {
  name: string;
  callerNamespace: string;
  services: SidecarService[];
  virtualServices: SidecarVirtualService[];
  calls: (GenCall & { address: string })[];
}

export const SIDECAR_LABELS = { app: 'caller' };

const NAMESPACES = ['default', 'ns-a', 'models'];
const NAMES = ['backend', 'model', 'sklearn-iris', 'sklearn-iris-predictor'];
const PATHS = ['/', '/v1/models/iris:predict', '/api/v2'];

export function generateSidecarScenarios(count: number, seed = 20261126): SidecarScenario[] {
  const rnd = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const chance = (p: number) => rnd() < p;
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const out: SidecarScenario[] = [];
  for (let n = 0; n < count; n++) {
    const callerNamespace = pick(NAMESPACES);
    const services: SidecarService[] = [];
    const seen = new Set<string>();
    for (let k = 0; k < int(1, 4); k++) {
      const ns = pick(NAMESPACES);
      const name = pick(NAMES);
      if (seen.has(`${ns}/${name}`)) continue;
      seen.add(`${ns}/${name}`);
      // KServe's top-level Service is an ExternalName to the local gateway; others are ClusterIP Services.
      const external = chance(0.25);
      const ports = chance(0.8) ? [{ port: 80, name: 'http' }] : [{ port: 8080, name: 'http' }, { port: 80, name: 'http-web' }];
      // KServe writes its ExternalName Service without ports: the usual case here.
      services.push({ ns, name, ip: external ? undefined : `10.0.0.${services.length + 10}`, externalName: external ? 'knative-local-gateway.istio-system.svc.cluster.local' : undefined, ports: external && chance(0.6) ? [] : ports });
    }
    // The local gateway KServe's ExternalName Services point at, in half the scenarios.
    if (chance(0.65)) services.push({ ns: 'istio-system', name: 'knative-local-gateway', ip: '10.0.0.99', externalName: undefined, ports: [{ port: 80, name: 'http2' }] });
    const fq = (s: SidecarService) => `${s.name}.${s.ns}.svc.cluster.local`;
    const hostForms = (s: SidecarService): string[] => [fq(s), `${s.name}.${s.ns}`, `${s.name}.${s.ns}.svc`, s.name];
    // VirtualService hosts and destinations never use a bare name: Istio qualifies those with the cluster's
    // domain suffix, which its test server leaves empty (\`backend\` would become \`backend.ns\`, not a real host).
    const vsHostForms = (s: SidecarService): string[] => hostForms(s).slice(0, 3);
    const virtualServices: SidecarVirtualService[] = [];
    const targets: SidecarService[] = [];
    for (let v = 0; v < int(0, 3); v++) {
      const ns = pick(NAMESPACES);
      const target = pick(services);
      targets.push(target);
      const first = chance(0.7) ? pick(vsHostForms(target)) : pick(['a.example.com', '*.example.com', `*.${target.ns}.svc.cluster.local`]);
      const second = chance(0.2) ? pick(['b.example.com', 'other.org']) : undefined;
      // Istio rejects a VirtualService whose hosts overlap ("duplicate hosts in virtual service").
      const overlap = second !== undefined && (second === first || (first.startsWith('*') && second.endsWith(first.slice(1))));
      const hosts = second === undefined || overlap ? [first] : [first, second];
      const http: SidecarRoute[] = [];
      for (let r = 0; r < int(1, 3); r++) {
        const match: GenMatch[] = [];
        // Most routes match something (KServe's matches the authority): requests by other names then find no route.
        for (let m = 0; m < (chance(0.15) ? 0 : int(1, 2)); m++) {
          const mm: GenMatch & { port?: number } = {};
          const a = rnd() * 0.8;
          const h = fq(target);
          // KServe's authority regex (≥ 0.14), and the prefix/exact forms net-istio and users write.
          if (a < 0.3) mm.authority = { regex: `^${h.replace(/[.]/g, '\\.')}(?::\\d{1,5})?$` };
          else if (a < 0.45) mm.authority = { prefix: `${target.name}.${target.ns}` };
          else if (a < 0.55) mm.authority = { exact: h };
          if (chance(0.3)) mm.uri = chance(0.5) ? { prefix: pick(['/v1', '/api']) } : { regex: '/v1/models/[^/]+:predict' };
          if (chance(0.1)) mm.headers = { 'x-tag': { exact: 'blue' } };
          if (chance(0.15)) mm.gateways = ['mesh'];
          if (chance(0.1)) mm.port = pick([80, 8080]);
          match.push(mm);
        }
        const dest = pick(services);
        http.push({ name: `vs${v}-r${r}`, match, dest: { host: fq(dest), port: chance(0.7) ? pick([80, 8080]) : undefined } });
      }
      const gateways = chance(0.4) ? undefined : chance(0.5) ? ['mesh'] : ['knative-serving/knative-local-gateway', 'mesh'];
      virtualServices.push({ ns, name: `vs${v}`, hosts, gateways, http, created: pick(['2026-01-01T00:00:00Z', '2026-02-01T00:00:00Z']) });
    }
    const calls: SidecarScenario['calls'] = [];
    for (let c = 0; c < int(3, 6); c++) {
      // Half the calls aim at a Service some VirtualService is about, by any of its names.
      const s = targets.length > 0 && chance(0.5) ? pick(targets) : pick(services);
      const a = rnd();
      const host = a < 0.75 ? pick(hostForms(s)) : a < 0.85 ? pick(['a.example.com', 'x.example.com', 'other.org']) : pick(hostForms(s)).toUpperCase();
      const port = pick([80, 80, 80, 8080, 9090]);
      calls.push({ port, host: chance(0.15) ? `${host}:${port}` : host, path: pick(PATHS), headers: chance(0.15) ? { 'x-tag': 'blue' } : {}, address: s.ip && chance(0.8) ? s.ip : '10.1.2.3' });
    }
    out.push({ name: `m${String(n).padStart(3, '0')}`, callerNamespace, services, virtualServices, calls });
  }
  return out;
}

function serviceObject(s: SidecarService): Record<string, unknown> {
  return {
    apiVersion: 'v1', kind: 'Service', metadata: { name: s.name, namespace: s.ns },
    spec: s.externalName
      ? { type: 'ExternalName', externalName: s.externalName, ...(s.ports.length ? { ports: s.ports.map((p) => ({ name: p.name, port: p.port, protocol: 'TCP' })) } : {}) }
      : { type: 'ClusterIP', clusterIP: s.ip, selector: { app: s.name }, ports: s.ports.map((p) => ({ name: p.name, port: p.port, targetPort: 8080, protocol: 'TCP' })) },
  };
}

function vsObject(v: SidecarVirtualService): Record<string, unknown> {
  return {
    apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: v.name, namespace: v.ns, creationTimestamp: v.created },
    spec: {
      hosts: v.hosts, ...(v.gateways ? { gateways: v.gateways } : {}),
      http: v.http.map((r) => ({ name: r.name, ...(r.match.length ? { match: r.match } : {}), route: [{ destination: { host: r.dest.host, ...(r.dest.port ? { port: { number: r.dest.port } } : {}) } }] })),
    },
  };
}

/** Istio's inputs: the VirtualServices as config, the Services through its Kubernetes registry. */
export function sidecarIstioInput(s: SidecarScenario): { config: string; kube: string } {
  return {
    config: s.virtualServices.map((v) => stringify(vsObject(v))).join('---\n'),
    kube: s.services.map((x) => stringify(serviceObject(x))).join('---\n'),
  };
}

/** The same scenario for kgd: Services, VirtualServices and the calling pod. */
export function sidecarKgdManifests(s: SidecarScenario): string {
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'caller', namespace: s.callerNamespace, labels: SIDECAR_LABELS }, spec: { containers: [{ name: 'app', image: 'app' }] } };
  return [pod, ...s.services.map(serviceObject), ...s.virtualServices.map(vsObject)].map((d) => stringify(d)).join('---\n');
}
