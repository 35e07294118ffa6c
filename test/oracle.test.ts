import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseManifestText } from '../src/load/parse.js';
import { buildSnapshot } from '../src/snapshot/build.js';
import { gatewayCall, type GatewayCallResult } from '../src/trace/gateway-routing.js';
import { generateScenarios, istioConfig, kgdManifests, PROXY_LABELS, PROXY_NAMESPACE, type Scenario } from './oracle/scenarios.js';
import { fromRoot } from './helpers/paths.js';

const SCENARIOS = 320;
const REQUIRED_AGREEMENT = 0.99;

function findGo(): string | undefined {
  const candidates = [...(process.env['PATH'] ?? '').split(':').map((d) => join(d, 'go')), '/usr/local/go/bin/go'];
  return candidates.find((p) => p && existsSync(p));
}

/** kgd's answer for every call of a scenario. */
function kgdResults(s: Scenario): GatewayCallResult[] {
  const parsed = parseManifestText(`${s.name}.yaml`, kgdManifests(s));
  assert.deepEqual(parsed.problems, []);
  const snap = buildSnapshot(parsed.resources);
  const pod = snap.list('Workload')[0]!;
  return s.calls.map((c) => gatewayCall(snap, pod, c.port, { authority: c.host, path: c.path, method: 'GET', headers: c.headers }, 'cluster.local'));
}

const FIELDS = ['error', 'listener', 'virtualHost', 'route', 'cluster'] as const;

describe('oracle: kgd gateway routing agrees with Istio\'s own simulator', () => {
  const go = findGo();
  const skip = process.env['KGD_SKIP_ORACLE'] === '1' ? 'KGD_SKIP_ORACLE=1' : go ? false : 'Go is not installed, so the Istio oracle cannot be built';
  if (skip && process.env['CI'] === 'true' && process.env['KGD_SKIP_ORACLE'] !== '1') {
    it('runs in CI', () => assert.fail(`the oracle must run in CI: ${skip}`));
    return;
  }
  it(`${SCENARIOS} generated scenarios: agreement ≥ ${REQUIRED_AGREEMENT * 100}%`, { skip, timeout: 30 * 60 * 1000 }, (t) => {
    const scenarios = generateScenarios(SCENARIOS);
    const dir = mkdtempSync(join(tmpdir(), 'kgd-oracle-'));
    const input = join(dir, 'scenarios.json');
    const output = join(dir, 'results.json');
    writeFileSync(input, JSON.stringify(scenarios.map((s) => ({ name: s.name, config: istioConfig(s), proxyLabels: PROXY_LABELS, proxyNamespace: PROXY_NAMESPACE, calls: s.calls }))));
    const r = spawnSync(go!, ['test', '-count=1', '-run', 'TestOracle', '.'], {
      cwd: fromRoot('test', 'oracle'),
      env: { ...process.env, KGD_ORACLE_SCENARIOS: input, KGD_ORACLE_RESULTS: output, GOFLAGS: '-mod=mod' },
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    assert.ok(existsSync(output), `the Go oracle did not produce results (exit ${r.status}):\n${(r.stdout + r.stderr).slice(-3000)}`);
    type IstioResult = GatewayCallResult & { simulatorRoute: string; simulatorCluster: string; simulatorError: string };
    const istio = JSON.parse(readFileSync(output, 'utf8')) as { name: string; results: IstioResult[] | null; failure?: string }[];
    let rawAgree = 0;
    const outcomes: Record<string, number> = {};
    let calls = 0;
    let agree = 0;
    const disagreements: string[] = [];
    const rejected = istio.filter((x) => x.failure).map((x) => x.name);
    scenarios.forEach((s, i) => {
      const theirs = istio[i];
      if (!theirs || theirs.failure || !theirs.results) return;
      const ours = kgdResults(s);
      s.calls.forEach((c, j) => {
        calls++;
        const a = ours[j]!;
        const b = theirs.results![j]!;
        const diff = FIELDS.filter((f) => (a[f] ?? '') !== (b[f] ?? ''));
        if (a.route === b.simulatorRoute && a.cluster === b.simulatorCluster && a.error === b.simulatorError) rawAgree++;
        const kind = b.error || 'routed';
        outcomes[kind] = (outcomes[kind] ?? 0) + 1;
        if (diff.length === 0) agree++;
        else disagreements.push(`${s.name} call ${j} (port ${c.port}, Host ${c.host}, ${c.path}): ${diff.map((f) => `${f} kgd="${a[f]}" istio="${b[f]}"`).join('; ')}`);
      });
    });
    const ratio = agree / calls;
    const report = { scenarios: scenarios.length, rejectedByIstio: rejected, calls, agree, agreement: ratio, disagreements };
    writeFileSync(join(dir, 'report.json'), JSON.stringify(report, null, 2));
    t.diagnostic(`outcomes (Istio): ${JSON.stringify(outcomes)}; kgd vs Istio's path-only route matcher: ${rawAgree}/${calls}`);
    t.diagnostic(`oracle: ${scenarios.length} scenarios (${rejected.length} rejected by Istio's validation), ${calls} requests, ${agree} agree = ${(ratio * 100).toFixed(2)}%; report ${join(dir, 'report.json')}`);
    for (const d of disagreements.slice(0, 30)) t.diagnostic(`disagreement: ${d}`);
    assert.ok(rejected.length < scenarios.length / 10, `Istio rejected ${rejected.length} scenarios: the generator writes invalid config`);
    // The scenarios must exercise every outcome, or agreement would prove little.
    for (const k of ['routed', 'no route matched', 'no listener matched']) assert.ok((outcomes[k] ?? 0) >= calls / 20, `too few "${k}" outcomes: ${JSON.stringify(outcomes)}`);
    assert.ok(ratio >= REQUIRED_AGREEMENT, `agreement ${(ratio * 100).toFixed(2)}% < ${REQUIRED_AGREEMENT * 100}%:\n${disagreements.slice(0, 40).join('\n')}`);
  });
});
