/**
 * Generated clusters for the prober oracle (test/probe-oracle.test.ts): a config-istio, the Gateways it names
 * (sometimes missing, with selectors, server protocols, TLS modes and ports around every branch of net-istio's
 * lister.go), Services labelled (or not) with those selectors, and Endpoints with named and unnamed ports.
 */
import { prng } from '../helpers/prng.js';
import { pick, type Rnd } from './cases.js';

export interface ProbeCase {
  readonly name: string;
  readonly configIstio: Record<string, string>;
  readonly route: { readonly name: string; readonly namespace: string; readonly labels: Record<string, string> };
  readonly gateways: Record<string, unknown>[];
  readonly services: Record<string, unknown>[];
  readonly endpoints: Record<string, unknown>[];
}

const chance = (r: Rnd, p: number) => r() < p;
const SELECTORS: (Record<string, string> | undefined)[] = [{ istio: 'ingressgateway' }, { istio: 'ingressgateway' }, { app: 'ml-gateway' }, { app: 'ml-gateway', istio: 'ml' }, {}, undefined];
const PROTOCOLS = ['HTTP', 'HTTP', 'HTTP2', 'HTTPS', 'http', 'Http2', 'TCP', 'GRPC', 'TLS'];
const PORTS = [80, 8081, 8081, 443, 8080, 15021];
const PORT_NAMES = ['http', 'http2', 'https', '', 'status-port', 'tcp'];

function server(r: Rnd): Record<string, unknown> {
  const protocol = pick(r, PROTOCOLS);
  const number = pick(r, PORTS);
  const name = pick(r, ['http', 'http-local', 'https', 'tcp', '']);
  const s: Record<string, unknown> = { port: { number, protocol, ...(name ? { name } : {}) }, hosts: ['*'] };
  if (chance(r, 0.3)) s['tls'] = chance(r, 0.5) ? { httpsRedirect: chance(r, 0.6) } : { mode: pick(r, ['SIMPLE', 'MUTUAL', 'ISTIO_MUTUAL']), credentialName: 'c' };
  return s;
}

function servicePorts(r: Rnd): Record<string, unknown>[] {
  const n = 1 + Math.floor(r() * 3);
  const used = new Set<number>();
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < n; i++) {
    const port = pick(r, PORTS);
    if (used.has(port)) continue;
    used.add(port);
    // Kubernetes requires names when a Service has several ports; one port may go unnamed.
    const name = n === 1 && chance(r, 0.3) ? '' : `${pick(r, PORT_NAMES) || 'p'}-${port}`;
    out.push({ ...(name ? { name } : {}), port, targetPort: pick(r, [port, 8080, 8081, 8443]) });
  }
  return out;
}

function endpoints(r: Rnd, name: string, ns: string, ports: Record<string, unknown>[]): Record<string, unknown> {
  const subsets = Array.from({ length: Math.floor(r() * 3) }, (_, k) => ({
    ...(chance(r, 0.85) ? { addresses: Array.from({ length: Math.floor(r() * 3) }, (_, j) => ({ ip: `10.${k}.${j}.${Math.floor(r() * 250)}` })) } : {}),
    ...(chance(r, 0.2) ? { notReadyAddresses: [{ ip: '10.9.9.9' }] } : {}),
    ports: ports.filter(() => chance(r, 0.85)).map((p) => ({ ...(p['name'] !== undefined ? { name: chance(r, 0.9) ? p['name'] : 'renamed' } : {}), port: p['targetPort'] as number })),
  }));
  return { apiVersion: 'v1', kind: 'Endpoints', metadata: { name, namespace: ns }, subsets };
}

export function probeCases(n: number, seed = 0x9e0be): ProbeCase[] {
  const r = prng(seed);
  const out: ProbeCase[] = [];
  for (let i = 0; i < n; i++) {
    const localName = pick(r, ['knative-local-gateway', 'ml-local-gateway']);
    const localNs = pick(r, ['knative-serving', 'istio-system']);
    const withSelectorEntry = chance(r, 0.2);
    const configIstio: Record<string, string> = chance(r, 0.25) ? {} : {
      'local-gateways': `- name: ${localName}\n  namespace: ${localNs}\n  service: ${localName}.istio-system.svc.cluster.local${withSelectorEntry ? `\n- name: team-gateway\n  namespace: istio-system\n  service: team-gateway.istio-system.svc.cluster.local\n  labelSelector:\n    matchLabels:\n      team: a` : ''}`,
      ...(chance(r, 0.2) ? { 'external-gateways': '[]' } : {}),
    };
    const names = Object.keys(configIstio).length === 0
      ? [['knative-serving', 'knative-local-gateway'], ['knative-serving', 'knative-ingress-gateway']]
      : [[localNs, localName], ['istio-system', 'team-gateway'], ['knative-serving', 'knative-ingress-gateway']];
    const gateways: Record<string, unknown>[] = [];
    const selectors: Record<string, string>[] = [];
    for (const [ns, name] of names) {
      if (chance(r, 0.06)) continue;
      const selector = pick(r, SELECTORS);
      if (selector) selectors.push(selector);
      gateways.push({ apiVersion: 'networking.istio.io/v1beta1', kind: 'Gateway', metadata: { name, namespace: ns }, spec: { ...(selector ? { selector } : {}), servers: Array.from({ length: 1 + Math.floor(r() * 3) }, () => server(r)) } });
    }
    const services: Record<string, unknown>[] = [];
    const eps: Record<string, unknown>[] = [];
    const nSvc = pick(r, [0, 1, 1, 1, 2, 2, 3]);
    for (let k = 0; k < nSvc; k++) {
      const name = pick(r, ['istio-ingressgateway', 'knative-local-gateway', 'ml-local-gateway', 'other']) + (k ? `-${k}` : '');
      const ns = pick(r, ['istio-system', 'istio-system', 'ml-gateways']);
      // Labels: usually one Gateway's selector (so exactly one Service matches), sometimes nothing relevant.
      const labels = chance(r, 0.75) && selectors.length ? { ...pick(r, selectors), extra: 'x' } : { app: 'unrelated' };
      const ports = servicePorts(r);
      services.push({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: ns, labels }, spec: { selector: { app: name }, ports } });
      if (chance(r, 0.9)) eps.push(endpoints(r, name, ns, ports));
    }
    const labels: Record<string, string> = chance(r, 0.3) ? { team: 'a' } : {};
    if (chance(r, 0.1)) labels['networking.knative.dev/visibility'] = 'cluster-local';
    out.push({ name: `probe-${i}`, configIstio, route: { name: pick(r, ['m-predictor', 'sklearn-iris-predictor', 'a']), namespace: pick(r, ['ns', 'kubeflow-user']), labels }, gateways, services, endpoints: eps });
  }
  return out;
}
