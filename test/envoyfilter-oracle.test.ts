/**
 * Oracle for kgd's EnvoyFilter model (src/platform/istio/envoyfilter.ts): Istio builds the listeners of a gateway
 * proxy with the generated Gateways, AuthorizationPolicies and EnvoyFilters (test/oracle TestEnvoyFilter, a fake
 * istiod applying its own EnvoyFilter patching), and kgd must name the same HTTP filters, in the same order, on
 * every filter chain — counting only the filters kgd tracks (every patch's filter, the router, fault, cors, and the
 * RBAC and ext_authz filters of AuthorizationPolicies). Where kgd says a chain is undecided (a patch anchored on a
 * filter whose presence depends on Istio's version or telemetry, a proxy match it cannot see), the case is counted,
 * not compared.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { stringify } from 'yaml';
import { parseManifestText } from '../src/load/parse.js';
import { buildSnapshot } from '../src/platform/build.js';
import { chainFilters, gatewayChain } from '../src/platform/istio/envoyfilter.js';
import { listenersFor } from '../src/platform/istio/listeners.js';
import { findGo } from './helpers/upstream.js';
import { fromRoot } from './helpers/paths.js';
import { prng } from './helpers/prng.js';

type Obj = Record<string, unknown>;
const CASES = 200;
const HCM = 'envoy.filters.network.http_connection_manager';
const ISTIO_VERSION = '1.29.1';

interface Case {
  readonly name: string;
  readonly objects: Obj[];
  readonly mesh: string;
  readonly namespace: string;
  readonly labels: Record<string, string>;
  /** Services in the cluster registry (the ext_authz provider's). */
  readonly kube: Obj[];
}

const OAUTH2_PROXY: Obj = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'oauth2-proxy', namespace: 'oauth2-proxy' }, spec: { selector: { app: 'oauth2-proxy' }, ports: [{ name: 'http', port: 80, targetPort: 4180 }] } };

const gateways = (): Obj[] => [
  { apiVersion: 'networking.istio.io/v1', kind: 'Gateway', metadata: { name: 'knative-local-gateway', namespace: 'knative-serving' }, spec: { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 8081, name: 'http', protocol: 'HTTP' }, hosts: ['*'] }] } },
  { apiVersion: 'networking.istio.io/v1', kind: 'Gateway', metadata: { name: 'kubeflow-gateway', namespace: 'kubeflow' }, spec: { selector: { istio: 'ingressgateway' }, servers: [
    { port: { number: 8080, name: 'http', protocol: 'HTTP' }, hosts: ['*'] },
    { port: { number: 8443, name: 'https', protocol: 'HTTPS' }, hosts: ['a.example.com'], tls: { mode: 'SIMPLE', credentialName: 'a-cert' } },
  ] } },
];

function value(kind: string, name: string): Obj {
  switch (kind) {
    case 'ext_authz': return { name, typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.http.ext_authz.v3.ExtAuthz', http_service: { server_uri: { uri: 'http://authservice.istio-system.svc.cluster.local', cluster: 'outbound|8080||authservice.istio-system.svc.cluster.local', timeout: '10s' } } } };
    case 'lua': return { name, typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.http.lua.v3.Lua', default_source_code: { inline_string: 'function envoy_on_request(h) end' } } };
    default: return { name, typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.http.rbac.v3.RBAC' } };
  }
}

function generate(n: number): Case[] {
  const r = prng(1919);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const out: Case[] = [];
  for (let i = 0; i < n; i++) {
    const namespace = r() < 0.8 ? 'istio-system' : 'gw';
    const labels = { istio: 'ingressgateway', app: 'istio-ingressgateway' };
    const objects: Obj[] = [...gateways()];
    let mesh = '';
    const kube: Obj[] = [];
    const policy = pick(['none', 'none', 'allow', 'custom']);
    if (policy === 'allow') objects.push({ apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name: 'allow-all', namespace }, spec: { selector: { matchLabels: { istio: 'ingressgateway' } }, rules: [{}] } });
    if (policy === 'custom') {
      mesh = 'extensionProviders:\n- name: oauth2-proxy\n  envoyExtAuthzHttp: {service: oauth2-proxy.oauth2-proxy.svc.cluster.local, port: 80}\n';
      if (r() < 0.7) kube.push(OAUTH2_PROXY);
      objects.push({ apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name: 'oauth2', namespace }, spec: { action: 'CUSTOM', provider: { name: 'oauth2-proxy' }, rules: [{}] } });
    }
    const names: string[] = [];
    const count = 1 + Math.floor(r() * 3);
    for (let k = 0; k < count; k++) {
      const spec: Obj = {};
      const sel = r();
      if (sel < 0.45) spec['workloadSelector'] = { labels: { istio: 'ingressgateway' } };
      else if (sel < 0.55) spec['workloadSelector'] = { labels: { app: 'other' } };
      else if (sel < 0.6) spec['targetRefs'] = [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'gw' }];
      if (r() < 0.25) spec['priority'] = pick([-1, 5]);
      const patches: Obj[] = [];
      const pc = 1 + Math.floor(r() * 2);
      for (let q = 0; q < pc; q++) {
        const kind = pick(['ext_authz', 'lua', 'rbac']);
        const name = r() < 0.3 && kind === 'ext_authz' ? 'envoy.filters.http.ext_authz' : `kgd.${kind}.${k}${q}`;
        const match: Obj = {};
        const ctx = pick(['GATEWAY', 'GATEWAY', 'ANY', 'SIDECAR_INBOUND', 'SIDECAR_OUTBOUND', undefined]);
        if (ctx) match['context'] = ctx;
        if (r() < 0.75) {
          const listener: Obj = {};
          if (r() < 0.35) listener['portNumber'] = pick([8081, 8080, 8443, 9999]);
          if (r() < 0.08) listener['name'] = pick(['0.0.0.0_8081', 'virtualInbound']);
          if (r() < 0.1) listener['portName'] = 'http';
          if (r() < 0.85) {
            const filter: Obj = { name: pick([HCM, HCM, HCM, 'envoy.http_connection_manager', 'envoy.filters.network.tcp_proxy']) };
            // Istio's validation: "subfilter match requires filter match with envoy.filters.network.http_connection_manager".
            if (r() < 0.55 && filter['name'] !== 'envoy.filters.network.tcp_proxy') filter['subFilter'] = { name: pick(['envoy.filters.http.router', 'envoy.filters.http.router', 'envoy.router', 'envoy.filters.http.cors', 'envoy.filters.http.fault', 'envoy.filters.http.rbac', 'envoy.filters.http.ext_authz', 'istio.metadata_exchange', ...names]) };
            const fc: Obj = { filter };
            if (r() < 0.1) fc['sni'] = pick(['a.example.com', 'b.example.com']);
            listener['filterChain'] = fc;
          }
          if (Object.keys(listener).length) match['listener'] = listener;
        }
        if (r() < 0.1) match['proxy'] = { proxyVersion: pick(['^1\\.29.*', '^1\\.18.*', '1\\.2[0-9]']) };
        let op = pick(['INSERT_BEFORE', 'INSERT_BEFORE', 'INSERT_AFTER', 'INSERT_FIRST', 'ADD', 'REPLACE', 'REMOVE']);
        const hasSub = ((match['listener'] as Obj | undefined)?.['filterChain'] as Obj | undefined)?.['filter'] && (((match['listener'] as Obj)['filterChain'] as Obj)['filter'] as Obj)['subFilter'];
        if ((op === 'REPLACE' || op === 'REMOVE') && !hasSub) op = 'INSERT_BEFORE';
        const patch: Obj = { operation: op };
        if (op !== 'REMOVE') patch['value'] = value(kind, name);
        patches.push({ applyTo: 'HTTP_FILTER', ...(Object.keys(match).length ? { match } : {}), patch });
        names.push(name);
      }
      spec['configPatches'] = patches;
      objects.push({ apiVersion: 'networking.istio.io/v1alpha3', kind: 'EnvoyFilter', metadata: { name: `f${k}`, namespace: pick(['istio-system', 'istio-system', namespace, 'other']) }, spec });
    }
    out.push({ name: `case ${i}`, objects, mesh, namespace, labels, kube });
  }
  return out;
}

/** The AuthService filter as Kubeflow shipped it (deprecated HCM name) and as later fixed, on the ingress gateway. */
function kubeflowCases(): Case[] {
  const authservice = (hcm: string, listener: Obj = {}): Obj => ({
    apiVersion: 'networking.istio.io/v1alpha3', kind: 'EnvoyFilter', metadata: { name: 'authn-filter', namespace: 'istio-system' },
    spec: { workloadSelector: { labels: { istio: 'ingressgateway' } }, configPatches: [{ applyTo: 'HTTP_FILTER', match: { context: 'GATEWAY', listener: { ...listener, filterChain: { filter: { name: hcm } } } }, patch: { operation: 'INSERT_BEFORE', value: value('ext_authz', 'envoy.filters.http.ext_authz') } }] },
  });
  const base = { mesh: '', namespace: 'istio-system', labels: { istio: 'ingressgateway', app: 'istio-ingressgateway' }, kube: [] };
  return [
    { ...base, name: 'Kubeflow AuthService (canonical name)', objects: [...gateways(), authservice(HCM)] },
    { ...base, name: 'Kubeflow AuthService (deprecated name)', objects: [...gateways(), authservice('envoy.http_connection_manager')] },
    { ...base, name: 'Kubeflow AuthService limited to 8080', objects: [...gateways(), authservice(HCM, { portNumber: 8080 })] },
  ];
}

interface Chain { name: string; sni: string[] | null; httpFilters: string[] }
interface Listener { name: string; port: number; chains: Chain[] }

function kgdSnapshot(c: Case) {
  const deploy = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'istio-ingressgateway', namespace: c.namespace }, spec: { selector: { matchLabels: c.labels }, template: { metadata: { labels: c.labels }, spec: { containers: [{ name: 'istio-proxy', image: 'istio/proxyv2' }] } } } };
  const mesh = c.mesh ? [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'istio', namespace: 'istio-system' }, data: { mesh: c.mesh } }] : [];
  return buildSnapshot(parseManifestText('case.yaml', [...c.objects, ...c.kube, deploy, ...mesh].map((o) => stringify(o)).join('---\n')).resources, { versions: { istio: ISTIO_VERSION }, complete: true });
}

describe('oracle: kgd\'s EnvoyFilter model agrees with the listeners Istio builds for a gateway', () => {
  const go = findGo();
  const skip = process.env['KGD_SKIP_ORACLE'] === '1' ? 'KGD_SKIP_ORACLE=1' : go ? false : 'Go is not installed, so the EnvoyFilter oracle cannot be built';
  if (skip && process.env['CI'] === 'true' && process.env['KGD_SKIP_ORACLE'] !== '1') {
    it('runs in CI', () => assert.fail(`the EnvoyFilter oracle must run in CI: ${skip}`));
    return;
  }
  it(`Kubeflow's AuthService filter and ${CASES} generated EnvoyFilter sets: every decided filter chain agrees`, { skip, timeout: 30 * 60 * 1000 }, (t) => {
    const cases = [...kubeflowCases(), ...generate(CASES)];
    const dir = mkdtempSync(join(tmpdir(), 'kgd-envoyfilter-'));
    const input = join(dir, 'cases.json');
    const output = join(dir, 'listeners.json');
    writeFileSync(input, JSON.stringify(cases.map((c) => ({ name: c.name, config: c.objects.map((o) => stringify(o)).join('---\n'), mesh: c.mesh, namespace: c.namespace, labels: c.labels, istioVersion: ISTIO_VERSION, kube: c.kube.map((o) => stringify(o)).join('---\n') }))));
    const g = spawnSync(go!, ['test', '-count=1', '-run', 'TestEnvoyFilter', '.'], { cwd: fromRoot('test', 'oracle'), env: { ...process.env, KGD_ENVOYFILTER_CASES: input, KGD_ENVOYFILTER_RESULTS: output, GOFLAGS: '-mod=mod' }, encoding: 'utf8', maxBuffer: 64 << 20 });
    assert.ok(existsSync(output), `Istio's side did not produce listeners (exit ${g.status}):\n${(g.stdout + g.stderr).slice(-3000)}`);
    const built = JSON.parse(readFileSync(output, 'utf8')) as { name: string; listeners: Listener[] | null; failure?: string }[];
    assert.deepEqual(built.filter((b) => b.failure).map((b) => b.name), [], 'Istio rejected cases');
    const disagreements: string[] = [];
    const tally = { chains: 0, undecided: 0, withAdded: 0, withoutAdded: 0 };
    cases.forEach((c, i) => {
      const snap = kgdSnapshot(c);
      const w = snap.list('Workload')[0]!;
      const tracked = new Set(['envoy.filters.http.router', 'envoy.filters.http.fault', 'envoy.filters.http.cors', 'envoy.filters.http.rbac', 'envoy.filters.http.ext_authz']);
      for (const o of c.objects) if (o['kind'] === 'EnvoyFilter') for (const p of ((o['spec'] as Obj)['configPatches'] as Obj[])) { const v = (p['patch'] as Obj)['value'] as Obj | undefined; if (v) tracked.add(v['name'] as string); }
      const kgdChains = new Map<string, ReturnType<typeof chainFilters>>();
      for (const bound of listenersFor(snap, w).byPort.values()) {
        for (const b of bound) {
          const ch = gatewayChain(b);
          if (ch) kgdChains.set(`${ch.port}|${[...ch.sni].sort().join(',')}`, chainFilters(snap, w, ch));
        }
      }
      const istioChains = new Map<string, string[]>();
      for (const l of built[i]!.listeners ?? []) for (const ch of l.chains) if (ch.httpFilters.length) istioChains.set(`${l.port}|${[...(ch.sni ?? [])].sort().join(',')}`, ch.httpFilters.filter((f) => tracked.has(f)));
      if ([...kgdChains.keys()].sort().join(' ') !== [...istioChains.keys()].sort().join(' ')) {
        disagreements.push(`${c.name}: chains differ: Istio ${[...istioChains.keys()].join(' ')}, kgd ${[...kgdChains.keys()].join(' ')}`);
        return;
      }
      for (const [key, want] of istioChains) {
        tally.chains++;
        const k = kgdChains.get(key)!;
        if (k.undecided.length) { tally.undecided++; continue; }
        const got = k.filters.map((f) => f.name);
        if (k.added.length) tally.withAdded++; else tally.withoutAdded++;
        if (got.join(' ') !== want.join(' ')) disagreements.push(`${c.name} chain ${key}: Istio ${want.join(' ')}\n  kgd   ${got.join(' ')}\n  ${c.objects.filter((o) => o['kind'] !== 'Gateway').map((o) => JSON.stringify(o)).join('\n  ')}`);
      }
    });
    t.diagnostic(`${tally.chains} filter chains on ${cases.length} cases: ${tally.chains - tally.undecided - disagreements.length} agree (${tally.withAdded} with filters EnvoyFilters added, ${tally.withoutAdded} without), ${tally.undecided} undecided by kgd, ${disagreements.length} disagree`);
    assert.ok(tally.withAdded >= tally.chains / 5 && tally.withoutAdded >= tally.chains / 5, `the generator must exercise both outcomes: ${JSON.stringify(tally)}`);
    assert.ok(tally.undecided <= tally.chains / 4, `too many undecided chains: ${JSON.stringify(tally)}`);
    assert.deepEqual(disagreements.slice(0, 8), [], `${disagreements.length} chains disagree`);
  });
});
