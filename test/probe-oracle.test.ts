/**
 * Upstream as the oracle for readiness: net-istio's own probe-target lister (1.21.1 and 1.2.0) (pkg/reconciler/ingress/
 * lister.go, on listers filled with each generated cluster) and knative.dev/networking's status.Prober (run
 * against fake gateway pods on loopback) decide; kgd's model (src/platform/knative/prober.ts) must agree.
 */
import assert from 'node:assert/strict';
import { describe, it, before } from 'node:test';
import { stringify } from 'yaml';
import { parseManifestText } from '../src/load/parse.js';
import { buildSnapshot } from '../src/platform/build.js';
import { probeAnswerVerdict, probeIngressFor, probePlan } from '../src/platform/knative/prober.js';
import { verdictOf } from '../src/trace/probe.js';
import { LogAnalyzer } from '../src/logs/analyze.js';
import type { Outcome } from '../src/trace/types.js';
import { ask, findGo, netIstioOracle } from './helpers/upstream.js';
import { probeCases, type ProbeCase } from './upstream/probe-cases.js';

const CASES = 1500;

type Answer = { targets?: { podIPs: string[]; podPort: string; port: string; urls: string[] }[]; error?: string; configError?: string; logs?: string[]; panic?: string };

function skipReason(): string | false {
  if (process.env['KGD_SKIP_ORACLE'] === '1') return 'KGD_SKIP_ORACLE=1';
  return findGo() ? false : 'Go is not installed, so net-istio\'s prober cannot be built';
}

function kingress(c: ProbeCase): Record<string, unknown> {
  const { name, namespace, labels } = c.route;
  const split = { serviceName: `${name}-00001`, serviceNamespace: namespace, servicePort: 80, percent: 100 };
  const local = labels['networking.knative.dev/visibility'] === 'cluster-local';
  const rules = [{ hosts: [`${name}.${namespace}.svc.cluster.local`], visibility: 'ClusterLocal', http: { paths: [{ splits: [split] }] } }];
  if (!local) rules.push({ hosts: [`${name}.${namespace}.example.com`], visibility: 'ExternalIP', http: { paths: [{ splits: [split] }] } });
  return {
    apiVersion: 'networking.internal.knative.dev/v1alpha1', kind: 'Ingress',
    metadata: { name, namespace, labels: { ...labels, 'serving.knative.dev/route': name, 'serving.knative.dev/routeNamespace': namespace }, annotations: { 'networking.knative.dev/ingress.class': 'istio.ingress.networking.knative.dev' } },
    spec: { rules },
  };
}

function snapshot(c: ProbeCase, netIstio: string) {
  // config-domain with example.com: the KIngress above (Serving's shape for that domain) has an ExternalIP rule.
  const docs = [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'config-istio', namespace: 'knative-serving' }, data: c.configIstio },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'config-domain', namespace: 'knative-serving' }, data: { 'example.com': '' } }, ...c.gateways, ...c.services, ...c.endpoints];
  const parsed = parseManifestText(`${c.name}.yaml`, docs.map((d) => stringify(d)).join('---\n'));
  // The listers hold the whole cluster: kgd is strict, as on a cluster read.
  return buildSnapshot(parsed.resources, { complete: true, versions: { netIstio } });
}

/** A subset's addresses are printed with Go's %v of []EndpointAddress: compare the rest of the line. */
const subsetLine = (l: string) => l.replace(/^Skipping Subset \[.*\] because/, 'Skipping Subset [...] because');

/** kgd's plan in the shape ListProbeTargets returns (gateways sorted, servers in order, one target per subset). */
function ours(c: ProbeCase, netIstio: string) {
  const s = snapshot(c, netIstio);
  const ing = probeIngressFor(s, { name: c.route.name, namespace: c.route.namespace, labels: c.route.labels, annotations: {}, protocol: 'http1' }, c.name);
  if (!ing) return { none: true as const };
  const plan = probePlan(s, ing);
  const targets = plan.gateways.flatMap((g) => g.servers.filter((v) => !v.skipped).flatMap((v) => v.targets.map((t) => ({
    podIPs: t.ips, podPort: String(t.podPort), port: String(v.server.portNumber), urls: [`${v.server.protocolWritten === 'HTTPS' ? 'https' : 'http'}://${g.host}:${v.server.portNumber}`],
  }))));
  const logs = plan.gateways.flatMap((g) => [...(g.skipped ? [g.skipped] : []), ...g.servers.flatMap((v) => (v.skipped ? (v.skipped.startsWith('Skipping') ? [v.skipped] : []) : v.subsetSkips ?? []))]).map(subsetLine);
  return { none: false as const, error: plan.error, targets, logs, ambiguous: plan.gateways.some((g) => g.candidates.length > 1) };
}

describe('upstream oracle: net-istio\'s prober decides readiness', () => {
  const skip = skipReason();
  if (skip && process.env['CI'] === 'true' && process.env['KGD_SKIP_ORACLE'] !== '1') {
    it('runs in CI', () => assert.fail(`the prober oracle must run in CI: ${skip}`));
    return;
  }
  const bins: Record<'1.21.1' | '1.2.0', string> = { '1.21.1': '', '1.2.0': '' };
  before(() => {
    if (skip) return;
    for (const v of ['1.21.1', '1.2.0'] as const) bins[v] = netIstioOracle(v, findGo()!);
  }, { timeout: 30 * 60 * 1000 });

  for (const version of ['1.21.1', '1.2.0'] as const) it(`net-istio ${version}: ${CASES} generated clusters: the targets, skips and errors of ListProbeTargets are kgd's`, { skip }, (t) => {
    const cases = probeCases(CASES);
    const theirs = ask<Answer>(bins[version], cases.map((c) => ({ op: 'probeTargets', data: c.configIstio, ingress: kingress(c), gateways: c.gateways, services: c.services, endpoints: c.endpoints })));
    const diffs: string[] = [];
    const stats = { compared: 0, ambiguous: 0, errors: 0, targets: 0, noTargets: 0, configRefused: 0 };
    cases.forEach((c, i) => {
      const up = theirs[i]!;
      const me = ours(c, version);
      if (up.panic) return void diffs.push(`${c.name}: net-istio panicked: ${up.panic}`);
      if (up.configError !== undefined) {
        stats.configRefused++;
        if (!me.none) diffs.push(`${c.name}: net-istio refuses config-istio (${up.configError}); kgd plans probes`);
        return;
      }
      if (me.none) return void diffs.push(`${c.name}: net-istio lists targets; kgd has no KIngress`);
      if (me.ambiguous) {
        // Several Services carry the selector's labels: the informer's order picks one. kgd must say so; the
        // pick itself is not comparable (it differs between runs of the controller too).
        stats.ambiguous++;
        return;
      }
      stats.compared++;
      if ((up.error ?? '') !== (me.error ?? '')) return void diffs.push(`${c.name}: error net-istio "${up.error ?? ''}", kgd "${me.error ?? ''}"`);
      if (up.error) return void stats.errors++;
      const norm = (xs: unknown) => JSON.stringify(xs);
      if (norm(up.targets) !== norm(me.targets)) diffs.push(`${c.name}: targets net-istio ${norm(up.targets)}\n    kgd ${norm(me.targets)}`);
      const upLogs = (up.logs ?? []).filter((l) => l.startsWith('Skipping')).map(subsetLine);
      if (norm(upLogs) !== norm(me.logs)) diffs.push(`${c.name}: logs net-istio ${norm(upLogs)}\n    kgd ${norm(me.logs)}`);
      if ((up.targets ?? []).length) stats.targets++;
      else stats.noTargets++;
    });
    t.diagnostic(`net-istio ${version} prober: ${JSON.stringify(stats)}`);
    // Every branch must occur, or the generator has drifted.
    for (const k of ['ambiguous', 'errors', 'targets', 'noTargets'] as const) assert.ok(stats[k] >= 10, `too few cases with ${k}: ${JSON.stringify(stats)}`);
    assert.deepEqual(diffs.slice(0, 8), []);
  });

  it('the answer table: what kgd predicts a probe gets, net-istio\'s prober retries or accepts as kgd says', { skip, timeout: 60_000 }, () => {
    // Each outcome kgd predicts stands for these concrete answers from the gateway pod.
    const answers: Record<Exclude<Outcome, 'unknown'>, { status?: number; hash?: 'match' | 'none' | 'other'; mode?: 'refuse' | 'hang' }[]> = {
      '200': [{ status: 200, hash: 'match' }],
      '301': [{ status: 301 }],
      '302/401': [{ status: 302 }, { status: 401 }],
      '403': [{ status: 403 }],
      '404': [{ status: 404 }],
      '503': [{ status: 503 }, { mode: 'refuse' }],
      // kgd's 504 is a silent drop (NetworkPolicy): the probe's 1 s timeout ends it, before any Envoy timeout.
      '504': [{ mode: 'hang', status: 200, hash: 'match' }],
      unresolvable: [{ mode: 'refuse' }],
    };
    const flat = Object.entries(answers).flatMap(([outcome, xs]) => xs.map((a) => ({ outcome: outcome as Outcome, a })));
    // Beyond kgd's outcomes: the hash cases of probeVerifier.
    const extra = [{ status: 200, hash: 'none' as const }, { status: 200, hash: 'other' as const }, { status: 500 }, { status: 504 }];
    const bin = bins['1.21.1'];
    const [up] = ask<{ results: { ready: boolean; readyAtOnce: boolean; logs?: string[]; request?: { host: string; path: string; probe: string; hash: string; userAgent: string } }[] }>(bin, [{ op: 'probeVerdicts', ingress: kingress(probeCases(1)[0]!), answers: [...flat.map((f) => f.a), ...extra] }]);
    const results = up!.results;
    const diffs: string[] = [];
    flat.forEach(({ outcome, a }, i) => {
      const v = verdictOf(outcome);
      const ready = results[i]!.ready;
      if ((v !== 'retry') !== ready) diffs.push(`${outcome} (${JSON.stringify(a)}): kgd says ${v}, the prober ${ready ? 'marks Ready' : 'keeps retrying'}`);
      const table = probeAnswerVerdict({ status: a.status, hash: a.hash, connection: a.mode === 'refuse' ? 'refused' : a.mode === 'hang' ? 'timeout' : undefined });
      if ((table !== 'retry') !== ready) diffs.push(`${JSON.stringify(a)}: kgd's table says ${table}, the prober ${ready ? 'marks Ready' : 'keeps retrying'}`);
    });
    extra.forEach((a, j) => {
      const ready = results[flat.length + j]!.ready;
      const table = probeAnswerVerdict(a);
      if ((table !== 'retry') !== ready) diffs.push(`${JSON.stringify(a)}: kgd's table says ${table}, the prober ${ready ? 'marks Ready' : 'keeps retrying'}`);
    });
    // The request as sent: what kgd's trace --probe routes.
    const req = results[0]!.request!;
    assert.deepEqual({ path: req.path, probe: req.probe, hash: req.hash, userAgent: req.userAgent }, { path: '/healthz', probe: 'probe', hash: 'override', userAgent: 'Knative-Ingress-Probe' });
    assert.equal(req.host, 'probe.example:8081', 'the Host carries the server port');
    assert.deepEqual(diffs, []);
    // kgd logs on the lines the prober itself wrote: each failed or abandoned probe is explained, the way
    // probeVerifier decided it (retried for ever, or counted as success).
    const a = new LogAnalyzer();
    let n = 0;
    results.forEach((r, i) => (r.logs ?? []).forEach((l) => a.line(l, `answer-${i}`, ++n)));
    const net = a.report.groups.filter((g) => g.component === 'net-istio');
    const retried = net.filter((g) => /retried for ever|until it gets 200|older KIngress hash/.test(g.meaning.join(' ')));
    const abandoned = net.filter((g) => /counts it as success/.test(g.meaning.join(' ')));
    const unexplained = net.filter((g) => !retried.includes(g) && !abandoned.includes(g));
    assert.deepEqual(unexplained.map((g) => g.message), [], 'net-istio lines kgd logs cannot explain');
    const answersOf = (gs: typeof net) => new Set(gs.flatMap((g) => [g.first.source, g.last.source]));
    for (const [i, r] of results.entries()) {
      const src = `answer-${i}`;
      if (r.ready && (r.logs ?? []).some((l) => l.includes('abandoned'))) assert.ok(answersOf(abandoned).has(src) || abandoned.some((g) => g.count > 1), `abandoned probe ${i} not explained as abandoned`);
      if (!r.ready) assert.ok(retried.some((g) => g.first.source === src || g.last.source === src || g.count > 1), `retried probe ${i} not explained as retried`);
    }
    assert.ok(retried.length >= 3 && abandoned.length >= 2, `${retried.length} retried and ${abandoned.length} abandoned groups`);
  });
});
