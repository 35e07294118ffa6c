import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fastJsonPatch from 'fast-json-patch';
import { checkPaths, checkResources } from '../src/check.js';
import { planFixes, writeRepairs } from '../src/fix/plan.js';
import { parseManifestText } from '../src/load/parse.js';
import type { Resource } from '../src/load/resource.js';
import { SHARED, fromRoot } from './helpers/paths.js';
import { routingFindings } from './helpers/findings.js';

/** Findings as `CODE resource`, for before/after comparisons. */
const keys = (ds: readonly { code: string; resource?: string | undefined }[]) => ds.map((d) => `${d.code} ${d.resource ?? ''}`).sort();

/** Applies the plan's JSON Patches with an independent RFC 6902 implementation, as `kubectl patch --type json` would. */
function patched(resources: readonly Resource[], plan: ReturnType<typeof planFixes>): Resource[] {
  return resources.map((r) => {
    const rep = plan.repairs.find((x) => x.resource === r);
    if (!rep) return r;
    const object = fastJsonPatch.applyPatch(structuredClone(r.object), structuredClone(rep.jsonPatch) as fastJsonPatch.Operation[], true, false).newDocument;
    return { ...r, object };
  });
}

const ISTIO = (svcExtra: string, gwExtra = '') => `
apiVersion: apps/v1
kind: Deployment
metadata: {name: gw, namespace: istio-system}
spec:
  selector: {matchLabels: {app: gw}}
  template:
    metadata: {labels: {app: gw}}
    spec: {containers: [{name: istio-proxy, image: proxyv2}]}
---
apiVersion: networking.istio.io/v1beta1
kind: Gateway
metadata: {name: knative-local-gateway, namespace: knative-serving}
spec:
  selector: {app: gw}
  servers: [{port: {number: 8081, name: http, protocol: HTTP}, hosts: ["*"]}]${gwExtra}
---
apiVersion: networking.istio.io/v1beta1
kind: Gateway
metadata: {name: knative-ingress-gateway, namespace: knative-serving}
spec:
  selector: {app: gw}
  servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: ["*"]}]
---
apiVersion: v1
kind: Service
metadata:
  name: knative-local-gateway
  namespace: istio-system
  labels:
    experimental.istio.io/disable-gateway-port-translation: "true"
spec:
${svcExtra}
`;
const SVC_OK = '  selector:\n    app: gw\n  ports:\n    - name: http2\n      port: 80\n      targetPort: 8081\n';
const CONFIG_ISTIO = (data: string, labels = '    app.kubernetes.io/name: knative-serving\n    app.kubernetes.io/component: net-istio\n') => `
apiVersion: v1
kind: ConfigMap
metadata:
  name: config-istio
  namespace: knative-serving
  labels:
${labels}data:
${data}`;
const KSERVE = (local: string, service: string) => `
apiVersion: v1
kind: ConfigMap
metadata: {name: inferenceservice-config, namespace: kserve}
data:
  ingress: |-
    {
      "ingressGateway": "knative-serving/knative-ingress-gateway",
      "localGateway": "${local}",
      "localGatewayService": "${service}"
    }
`;
const GOOD_KSERVE = KSERVE('knative-serving/knative-local-gateway', 'knative-local-gateway.istio-system.svc.cluster.local');
const GOOD_CONFIG = CONFIG_ISTIO('  _example: "docs"\n');

interface Case {
  readonly code: string;
  readonly rule: string;
  readonly manifests: string;
}

/** One broken input per repair kgd fix makes, each with exactly that one mistake. */
const cases: Case[] = [
  { code: 'KGD1107', rule: 'config-istio-stale-mesh-key', manifests: [ISTIO(SVC_OK), CONFIG_ISTIO('  local-gateway.knative-serving.knative-local-gateway: "knative-local-gateway.istio-system.svc.cluster.local"\n  local-gateway.mesh: "mesh"\n'), GOOD_KSERVE].join('---') },
  { code: 'KGD1111', rule: 'config-istio-webhook-labels', manifests: [ISTIO(SVC_OK), CONFIG_ISTIO('  _example: "docs"\n', '    app.kubernetes.io/name: knative-serving\n'), GOOD_KSERVE].join('---') },
  { code: 'KGD1302', rule: 'kserve-local-gateway-ref', manifests: [ISTIO(SVC_OK), GOOD_CONFIG, KSERVE('knative-local-gateway.knative-serving', 'knative-local-gateway.istio-system.svc.cluster.local')].join('---') },
  { code: 'KGD1308', rule: 'kserve-ingress-gateway-ref', manifests: [ISTIO(SVC_OK), GOOD_CONFIG, GOOD_KSERVE.replace('"knative-serving/knative-ingress-gateway"', '"kubeflow/kubeflow-gateway"')].join('---') },
  { code: 'KGD1305', rule: 'kserve-knative-agree', manifests: [ISTIO(SVC_OK), GOOD_CONFIG, KSERVE('knative-serving/knative-local-gateway', 'gw.istio-system.svc.cluster.local'), '\napiVersion: v1\nkind: Service\nmetadata: {name: gw, namespace: istio-system, labels: {experimental.istio.io/disable-gateway-port-translation: "true"}}\nspec:\n  selector: {app: gw}\n  ports: [{name: http2, port: 80, targetPort: 8081}]\n'].join('---') },
  { code: 'KGD1404', rule: 'local-service-reaches-gateway', manifests: [ISTIO(SVC_OK.replace('targetPort: 8081', 'targetPort: 8082')), GOOD_CONFIG, GOOD_KSERVE].join('---') },
  { code: 'KGD1402', rule: 'local-service-selects-no-pods', manifests: [ISTIO(SVC_OK.replace('app: gw', 'app: gateway # old label')), GOOD_CONFIG, GOOD_KSERVE].join('---') },
];

const dir = mkdtempSync(join(tmpdir(), 'kgd-fix-'));

describe('kgd fix: each safe repair removes its finding and adds none', () => {
  it('the clean baseline really is clean', () => {
    const r = checkResources(parseManifestText('ok.yaml', [ISTIO(SVC_OK), GOOD_CONFIG, GOOD_KSERVE].join('---')).resources);
    assert.deepEqual(keys(routingFindings(r.diagnostics)), []);
  });
  for (const c of cases) {
    it(`${c.code} (${c.rule}): JSON Patch and --write agree, and both repair it`, async () => {
      const resources = parseManifestText('broken.yaml', c.manifests).resources;
      const before = checkResources(resources).diagnostics;
      assert.ok(before.some((d) => d.code === c.code && d.repair), `${c.code} with a repair in ${keys(before).join(', ')}`);
      const plan = planFixes(before);
      assert.deepEqual(plan.refused, []);
      // Through the JSON Patch.
      const after = checkResources(patched(resources, plan)).diagnostics;
      assert.deepEqual(keys(after).filter((k) => !keys(before).includes(k)), [], 'no new finding');
      assert.ok(!after.some((d) => d.code === c.code), `${c.code} is gone: ${keys(after).join(', ')}`);
      // Through --write on a file: same result, and only the repaired lines changed.
      const file = join(dir, `${c.code}.yaml`);
      writeFileSync(file, c.manifests);
      const loaded = await checkPaths([file], { compact: false, onResource: undefined });
      const w = writeRepairs(planFixes(loaded.diagnostics).repairs);
      assert.deepEqual(w.refused, []);
      assert.deepEqual(w.written, [file]);
      const written = readFileSync(file, 'utf8');
      assert.deepEqual(keys((await checkPaths([file])).diagnostics), keys(after));
      const oldLines = c.manifests.split('\n');
      const newLines = written.split('\n');
      const changed = newLines.filter((l) => !oldLines.includes(l)).length + oldLines.filter((l) => !newLines.includes(l)).length;
      assert.ok(changed >= 1 && changed <= 4, `a few lines change, not the file (${changed})`);
    });
  }
  it('every rule that attaches a repair has a case here', () => {
    const rulesDir = fromRoot('src', 'rules');
    const withRepair = readdirSync(rulesDir).filter((f) => f.endsWith('.ts') && !f.startsWith('_') && f !== 'index.ts' && /\brepair\b/.test(readFileSync(join(rulesDir, f), 'utf8'))).map((f) => f.replace(/\.ts$/, '')).sort();
    assert.deepEqual(withRepair, [...new Set(cases.map((c) => c.rule))].sort());
  });
  it('findings with several possible repairs are suggestions, and repairs of derived resources are refused', async () => {
    const plan = planFixes((await checkPaths([fromRoot('examples', 'custom-gateway-broken')], { compact: false, onResource: undefined })).diagnostics);
    assert.ok(plan.suggestions.some((d) => d.code === 'KGD1405'));
    assert.ok(plan.refused.some((x) => /not in the input/.test(x.reason)));
  });
});

describe('kgd fix --write on the real Kubeflow files', () => {
  it('repairs injected mistakes and leaves every other byte, comments included, as it was', async () => {
    const src = join(SHARED, 'corpus', 'kubeflow');
    const work = mkdtempSync(join(tmpdir(), 'kgd-fix-kf-'));
    for (const f of readdirSync(src)) copyFileSync(join(src, f), join(work, f));
    const kserve = join(work, 'applications_kserve_kserve.yaml');
    const gateways = join(work, 'common_knative_knative-serving_overlays_gateways.yaml');
    const original = { kserve: readFileSync(kserve, 'utf8'), gateways: readFileSync(gateways, 'utf8') };
    const inject = (text: string, from: string, to: string) => {
      assert.equal(text.split(from).length, 2, `"${from}" is in the file once`);
      return text.replace(from, to);
    };
    writeFileSync(kserve, inject(original.kserve, '      "localGateway": "knative-serving/knative-local-gateway",', '      "localGateway": "knative-local-gateway.knative-serving",'));
    let g = inject(original.gateways, '  gateway.kubeflow.kubeflow-gateway: istio-ingressgateway.istio-system.svc.cluster.local\n', '  gateway.kubeflow.kubeflow-gateway: istio-ingressgateway.istio-system.svc.cluster.local\n  local-gateway.mesh: mesh\n');
    g = inject(g, '  name: knative-local-gateway\n  namespace: istio-system\nspec:\n  ports:\n  - name: http2\n    port: 80\n    targetPort: 8081', '  name: knative-local-gateway\n  namespace: istio-system\nspec:\n  ports:\n  - name: http2\n    port: 80\n    targetPort: 8082');
    writeFileSync(gateways, g);
    const broken = await checkPaths([work], { compact: false, onResource: undefined });
    const codes = new Set(broken.diagnostics.map((d) => d.code));
    for (const c of ['KGD1302', 'KGD1107', 'KGD1404']) assert.ok(codes.has(c), `${c} in ${[...codes].join(' ')}`);
    const w = writeRepairs(planFixes(broken.diagnostics).repairs);
    assert.deepEqual(w.refused, []);
    // Each repair restores the original text exactly.
    assert.equal(readFileSync(kserve, 'utf8'), original.kserve);
    assert.equal(readFileSync(gateways, 'utf8'), original.gateways);
    assert.deepEqual(keys((await checkPaths([work])).diagnostics), []);
  });
  it('without --write nothing is written', async () => {
    const file = join(dir, 'untouched.yaml');
    writeFileSync(file, cases[2]!.manifests);
    const plan = planFixes((await checkPaths([file], { compact: false, onResource: undefined })).diagnostics);
    assert.ok(plan.repairs.length > 0);
    assert.equal(readFileSync(file, 'utf8'), cases[2]!.manifests);
  });
});
