/**
 * Oracle for kgd's reading of the Istio install (src/platform/istio/install.ts): Istio's own installer
 * (test/oracle TestIstioOperator: operator/pkg/render GenerateManifest with the charts and profiles the Istio module
 * embeds) renders generated IstioOperators, and kgd must predict exactly the gateway Deployments and Services it
 * creates — names, namespaces, the pod labels kgd models (`app`, `istio` and the entry's `label`), the Service
 * selector and ports — and none of the ones it does not.
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
import { istioOperatorGateways } from '../src/platform/istio/install.js';
import { findGo } from './helpers/upstream.js';
import { fromRoot } from './helpers/paths.js';
import { prng } from './helpers/prng.js';

type Obj = Record<string, unknown>;
const CASES = 60;

function generate(n: number): Obj[] {
  const r = prng(1903);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const out: Obj[] = [];
  for (let i = 0; i < n; i++) {
    const spec: Obj = {};
    const profile = pick([undefined, 'default', 'demo', 'minimal', 'empty', 'ambient', 'preview', 'remote', 'stable', 'openshift']);
    if (profile) spec['profile'] = profile;
    if (r() < 0.2) spec['values'] = { global: { istioNamespace: 'istio-ns2' } };
    const components: Obj = {};
    for (const key of ['ingressGateways', 'egressGateways'] as const) {
      if (r() < (key === 'ingressGateways' ? 0.7 : 0.25)) {
        const names = key === 'ingressGateways' ? ['istio-ingressgateway', 'cluster-local-gateway', 'custom-gw'] : ['istio-egressgateway', 'custom-egress'];
        const list: Obj[] = [];
        for (const name of names) {
          if (r() < 0.45) continue;
          const c: Obj = { name };
          const en = pick([true, false, undefined]);
          if (en !== undefined) c['enabled'] = en;
          if (r() < 0.3) c['namespace'] = pick(['knative-serving', 'gateways']);
          if (r() < 0.4) c['label'] = pick([{ istio: 'custom-gateway' }, { app: 'cluster-local-gateway' }, { app: 'a', istio: 'b' }, { team: 'ml' }]);
          if (r() < 0.25) c['k8s'] = { service: { ports: pick([[{ name: 'http2', port: 80, targetPort: 8081 }], [{ name: 'http2', port: 80, targetPort: 8080 }, { name: 'local', port: 8081, targetPort: 8081 }]]) } };
          list.push(c);
        }
        components[key] = list;
      }
    }
    if (Object.keys(components).length) spec['components'] = components;
    out.push({ apiVersion: 'install.istio.io/v1alpha1', kind: 'IstioOperator', metadata: { name: `case-${i}`, namespace: 'istio-system' }, spec });
  }
  return out;
}

interface Rendered { kind: string; namespace: string; name: string; labels: Record<string, string> | null; selector?: Record<string, string> | null; ports?: { name: string; port: number; targetPort: number | string | null }[] | null }

describe('oracle: kgd\'s reading of an IstioOperator agrees with Istio\'s installer', () => {
  const go = findGo();
  const skip = process.env['KGD_SKIP_ORACLE'] === '1' ? 'KGD_SKIP_ORACLE=1' : go ? false : 'Go is not installed, so the install oracle cannot be built';
  if (skip && process.env['CI'] === 'true' && process.env['KGD_SKIP_ORACLE'] !== '1') {
    it('runs in CI', () => assert.fail(`the install oracle must run in CI: ${skip}`));
    return;
  }
  it(`${CASES} generated IstioOperators: the same gateway Deployments and Services`, { skip, timeout: 30 * 60 * 1000 }, (t) => {
    const cases = generate(CASES);
    const dir = mkdtempSync(join(tmpdir(), 'kgd-iop-'));
    const input = join(dir, 'cases.json');
    const output = join(dir, 'rendered.json');
    writeFileSync(input, JSON.stringify(cases.map((c) => ({ name: (c['metadata'] as Obj)['name'], iop: stringify(c) }))));
    const g = spawnSync(go!, ['test', '-count=1', '-run', 'TestIstioOperator', '.'], { cwd: fromRoot('test', 'oracle'), env: { ...process.env, KGD_IOP_CASES: input, KGD_IOP_RESULTS: output, GOFLAGS: '-mod=mod' }, encoding: 'utf8', maxBuffer: 64 << 20 });
    assert.ok(existsSync(output), `Istio's installer did not run (exit ${g.status}):\n${(g.stdout + g.stderr).slice(-3000)}`);
    const rendered = JSON.parse(readFileSync(output, 'utf8')) as { name: string; objects: Rendered[]; error?: string }[];
    assert.deepEqual(rendered.filter((x) => x.error).map((x) => `${x.name}: ${x.error}`), [], 'Istio\'s installer refused cases');
    const disagreements: string[] = [];
    const tally = { gateways: 0, disabled: 0, none: 0 };
    cases.forEach((c, i) => {
      const snap = buildSnapshot(parseManifestText('iop.yaml', stringify(c)).resources);
      const iop = snap.list('IstioOperator')[0]!;
      const gws = istioOperatorGateways(iop)!;
      tally.disabled += gws.filter((x) => !x.enabled).length;
      const want = new Map<string, string>();
      for (const o of rendered[i]!.objects) {
        const component = o.labels?.['operator.istio.io/component'];
        if (o.kind === 'Deployment' && (component === 'IngressGateways' || component === 'EgressGateways')) want.set(`Deployment ${o.namespace}/${o.name}`, JSON.stringify(o.labels));
      }
      for (const o of rendered[i]!.objects) {
        if (o.kind === 'Service' && want.has(`Deployment ${o.namespace}/${o.name}`)) want.set(`Service ${o.namespace}/${o.name}`, JSON.stringify({ selector: o.selector, ports: (o.ports ?? []).map((p) => [p.name, p.port, p.targetPort ?? null]) }));
      }
      const got = new Map<string, string>();
      for (const gw of gws.filter((x) => x.enabled)) {
        const podLabels = JSON.parse(want.get(`Deployment ${gw.namespace}/${gw.name}`) ?? '{}') as Record<string, string>;
        // Pod labels: the ones kgd models must be there with its values (the chart adds bookkeeping labels besides).
        got.set(`Deployment ${gw.namespace}/${gw.name}`, JSON.stringify(Object.keys(gw.labels).every((k) => podLabels[k] === gw.labels[k]) ? podLabels : gw.labels));
        const sortedSel = Object.fromEntries(Object.entries(gw.labels).sort(([a], [b]) => (a < b ? -1 : 1)));
        got.set(`Service ${gw.namespace}/${gw.name}`, JSON.stringify({ selector: sortedSel, ports: gw.ports.map((p) => [p.name ?? null, p.port, p.targetPort ?? null]) }));
      }
      for (const [k, v] of want) if (got.get(k) !== v) disagreements.push(`${(c['metadata'] as Obj)['name']} ${k}: Istio ${v}\n  kgd ${got.get(k) ?? '(not installed)'}\n  ${JSON.stringify(c['spec'])}`);
      for (const k of got.keys()) if (!want.has(k)) disagreements.push(`${(c['metadata'] as Obj)['name']} ${k}: kgd installs it, Istio does not\n  ${JSON.stringify(c['spec'])}`);
      tally.gateways += want.size / 2;
      if (want.size === 0) tally.none++;
    });
    t.diagnostic(`${cases.length} IstioOperators: ${tally.gateways} gateways installed, ${tally.disabled} disabled by kgd's reading, ${tally.none} cases with none; ${disagreements.length} disagreements`);
    assert.ok(tally.none >= 3 && tally.gateways >= cases.length / 2, `the generator must exercise both outcomes: ${JSON.stringify(tally)}`);
    assert.deepEqual(disagreements.slice(0, 8), [], `${disagreements.length} disagreements`);
  });
});
