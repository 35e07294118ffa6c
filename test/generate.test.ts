import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { checkResources } from '../src/check.js';
import { configIstioWithLocal, generateLocalGateway, kserveIngressWithLocal, SpecError, type LocalGatewaySpec } from '../src/generate/local-gateway.js';
import { bundleToHelmValues, bundleToKustomize, bundleToYaml } from '../src/generate/render.js';
import { parseManifestText } from '../src/load/parse.js';
import type { Resource } from '../src/load/resource.js';
import { loadSources } from '../src/load/sources.js';
import { buildSnapshot } from '../src/platform/build.js';
import { authorize, plainInferenceCall } from '../src/platform/istio/authz.js';
import { defaultStack, docs } from './helpers/manifests.js';
import { trace, traceSnapshot } from '../src/trace/index.js';
import { assertGolden } from './helpers/golden.js';
import { fromRoot, ROOT, SHARED } from './helpers/paths.js';
import { routingFindings } from './helpers/findings.js';
import { prng } from './helpers/prng.js';

const identity = (r: Resource) => `${r.group}/${r.kind}/${r.namespace ?? ''}/${r.name}`;

/** What the cluster holds after applying the bundle over `base` (same object: the bundle's, which was merged with it). */
function overlay(base: readonly Resource[], bundle: readonly Resource[]): Resource[] {
  const replaced = new Set(bundle.map(identity));
  return [...base.filter((r) => !replaced.has(identity(r))), ...bundle];
}

/** The user's own gateway pods, for specs that do not generate a Deployment. */
function userPods(spec: LocalGatewaySpec): Resource[] {
  const labels = spec.selector;
  return parseManifestText('user-pods.yaml', JSON.stringify({
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: `${spec.name}-pods`, namespace: spec.namespace },
    spec: { selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'istio-proxy', image: 'docker.io/istio/proxyv2:1.29.1' }] } } },
  })).resources;
}

const upstream = (await loadSources([join(SHARED, 'corpus', 'upstream')])).resources;
const kubeflow = (await loadSources([join(SHARED, 'corpus', 'kubeflow')])).resources;
const fixtures = (await loadSources([fromRoot('test', 'fixtures', 'generate')])).resources;

interface Variant {
  readonly namespace: string;
  readonly selector: Record<string, string>;
  readonly port: number;
  readonly clusterDomain: string;
  readonly withDeployment: boolean;
}

const variants: Variant[] = [
  { namespace: 'istio-system', selector: { app: 'ml-local-gateway' }, port: 8081, clusterDomain: 'cluster.local', withDeployment: true },
  { namespace: 'ml-gateways', selector: { app: 'gw', team: 'ml' }, port: 8082, clusterDomain: 'cluster.local', withDeployment: false },
  { namespace: 'istio-system', selector: { istio: 'custom-local' }, port: 9081, clusterDomain: 'corp.internal', withDeployment: true },
  { namespace: 'gateways', selector: { 'app.kubernetes.io/name': 'local-gw' }, port: 8081, clusterDomain: 'example.org', withDeployment: false },
  { namespace: 'istio-system', selector: { app: 'cluster-local-gateway', istio: 'cluster-local-gateway' }, port: 8081, clusterDomain: 'cluster.local', withDeployment: true },
  { namespace: 'kserve-gw', selector: { gw: 'local' }, port: 10081, clusterDomain: 'cluster.local', withDeployment: true },
];

const matrix: LocalGatewaySpec[] = [];
for (const knative of ['operator', 'manifests'] as const) {
  for (const flavour of ['custom', 'kubeflow'] as const) {
    for (const v of variants) {
      // The operator owns Knative's own local Service and keeps it on 8081 (the generator refuses other ports).
      const port = flavour === 'kubeflow' && knative === 'operator' ? 8081 : v.port;
      matrix.push({ name: flavour === 'kubeflow' ? 'cluster-local-gateway' : 'ml-local-gateway', ...v, port, knative, flavour, kserveNamespace: 'kserve' });
    }
  }
}

describe('kgd generate local-gateway: round trip over upstream defaults', () => {
  assert.ok(matrix.length >= 24);
  for (const spec of matrix) {
    const label = `${spec.knative}/${spec.flavour} ${spec.namespace} ${Object.entries(spec.selector).map(([k, v]) => `${k}=${v}`).join(',')} :${spec.port} ${spec.clusterDomain}${spec.withDeployment ? ' +deployment' : ''}`;
    it(label, () => {
      const base = [...upstream, ...fixtures];
      const current = buildSnapshot(base, { clusterDomain: spec.clusterDomain });
      const text = bundleToYaml(generateLocalGateway(spec, current));
      const parsed = parseManifestText('bundle.yaml', text);
      assert.deepEqual(parsed.problems, []);
      const cluster = [...overlay(base, parsed.resources), ...(spec.withDeployment ? [] : userPods(spec))];
      const { diagnostics } = checkResources(cluster, { clusterDomain: spec.clusterDomain });
      assert.deepEqual(routingFindings(diagnostics).map((d) => `${d.code} ${d.resource}: ${d.message}`), []);
      const url = `http://sklearn-iris.ml-team.svc.${spec.clusterDomain}/v1/models/sklearn-iris:predict`;
      const r = trace(traceSnapshot(cluster, { clusterDomain: spec.clusterDomain }), { url, from: { namespace: 'ml-team', labels: {}, sidecar: false } });
      assert.equal(r.outcome, '200', `${r.verdict}\n${r.hops.map((h) => `${h.step} ${h.verdict} ${h.summary}`).join('\n')}`);
      // The request really went through the generated gateway, on the generated port.
      assert.ok(r.hops.some((h) => h.step === 'listener' && h.summary.includes(String(spec.port))), r.hops.map((h) => h.summary).join('\n'));
      assert.equal(bundleToYaml(generateLocalGateway(spec, current)), text, 'deterministic');
    });
  }
});

describe('kgd generate local-gateway: the bundle checked alone (a partial input)', () => {
  // What a user does first: generate, then check the file. The bundle relies on what every install has (Knative's
  // knative-ingress-gateway, Istio's ingress pods): assumed, not reported; with --complete their absence is.
  for (const spec of matrix.filter((m) => m.withDeployment)) {
    it(`${spec.knative}/${spec.flavour} ${spec.namespace} :${spec.port}: no error alone; --complete reports only what a default install has`, () => {
      const bundle = parseManifestText('bundle.yaml', bundleToYaml(generateLocalGateway(spec, buildSnapshot([], { clusterDomain: spec.clusterDomain }))));
      assert.deepEqual(bundle.problems, []);
      const alone = checkResources(bundle.resources, { clusterDomain: spec.clusterDomain }).diagnostics;
      assert.deepEqual(alone.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.resource}: ${d.message}`), []);
      const complete = checkResources(bundle.resources, { clusterDomain: spec.clusterDomain, complete: true }).diagnostics;
      assert.equal(complete.filter((d) => d.id === 'InputAssumed').length, 0);
      for (const d of complete.filter((x) => x.severity === 'error')) assert.match(d.message, /knative-ingress-gateway|istio-ingressgateway|ingressgateway/, `${d.code} ${d.resource}: ${d.message}`);
    });
  }
});

describe('kgd generate local-gateway: property — any spec the generator accepts, checked alone with its Deployment, has no error', () => {
  // Random specs (seeded): names, namespaces, label selectors, ports, cluster domains, flavours and install modes,
  // including ones the generator refuses (those must throw SpecError, never produce a bundle).
  const r = prng(1111);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const label = () => pick(['gw', 'ml', 'edge', 'a', 'local-gw', 'team-x', 'in', 'Bad_Label', '']) + (r() < 0.3 ? `-${Math.floor(r() * 100)}` : '');
  const SPECS = 80;
  let accepted = 0;
  let refused = 0;
  for (let i = 0; i < SPECS; i++) {
    const selector: Record<string, string> = {};
    const keys = 1 + Math.floor(r() * 3);
    for (let k = 0; k < keys; k++) selector[pick(['app', 'istio', 'gateway.example.com/role', 'tier', 'x'])] = label();
    const spec: LocalGatewaySpec = {
      name: label() || 'gw', namespace: pick(['istio-system', 'gateways', 'ml-team', 'istio-ingress', 'kubeflow']), selector,
      knative: pick(['operator', 'manifests'] as const), kserveNamespace: pick(['kserve', 'kubeflow']), port: pick([8081, 8082, 9080, 80, 15021, 8443]),
      clusterDomain: pick(['cluster.local', 'corp.internal']), withDeployment: true, flavour: pick(['custom', 'custom', 'kubeflow'] as const),
    };
    let text: string;
    try {
      text = bundleToYaml(generateLocalGateway(spec, buildSnapshot([], { clusterDomain: spec.clusterDomain })));
    } catch (e) {
      assert.ok(e instanceof SpecError, `${JSON.stringify(spec)}: ${String(e)}`);
      refused++;
      continue;
    }
    accepted++;
    it(`spec ${i}: ${spec.knative}/${spec.flavour} ${spec.namespace}/${spec.name} ${JSON.stringify(spec.selector)} :${spec.port} ${spec.clusterDomain}`, () => {
      const bundle = parseManifestText('b.yaml', text);
      assert.deepEqual(bundle.problems, []);
      const errors = checkResources(bundle.resources, { clusterDomain: spec.clusterDomain }).diagnostics.filter((d) => d.severity === 'error');
      assert.deepEqual(errors.map((d) => `${d.code} ${d.resource}: ${d.message}`), []);
    });
  }
  it(`the generator accepted at least 30 and refused at least 5 of ${SPECS} random specs`, () => {
    assert.ok(accepted >= 30, `accepted ${accepted}`);
    assert.ok(refused >= 5, `refused ${refused}`);
  });
});

describe('kgd generate local-gateway: merging with a real install', () => {
  it('a custom gateway on the Kubeflow corpus: legacy keys become lists, other keys stay, NetworkPolicy and AuthorizationPolicy allowances added; check is clean and the trace succeeds', () => {
    const spec: LocalGatewaySpec = { name: 'ml-local-gateway', namespace: 'ml-gw', selector: { app: 'ml-local-gateway' }, knative: 'manifests', kserveNamespace: 'kserve', port: 8081, clusterDomain: 'cluster.local', withDeployment: true, flavour: 'custom' };
    const sample = fixtures.filter((r) => r.kind === 'InferenceService');
    const base = [...kubeflow, ...sample];
    const bundle = generateLocalGateway(spec, buildSnapshot(base));
    const kinds = bundle.objects.map((o) => `${o.object['kind']} ${(o.object['metadata'] as { namespace: string }).namespace}/${(o.object['metadata'] as { name: string }).name}`);
    assert.ok(kinds.includes('NetworkPolicy knative-serving/allow-ml-local-gateway-to-activator'), kinds.join('\n'));
    assert.ok(kinds.includes('AuthorizationPolicy ml-gw/ml-local-gateway'), kinds.join('\n'));
    const parsed = parseManifestText('bundle.yaml', bundleToYaml(bundle)).resources;
    const cluster = overlay(base, parsed);
    assert.deepEqual(routingFindings(checkResources(cluster).diagnostics).map((d) => `${d.code} ${d.resource}: ${d.message}`), []);
    const r = trace(traceSnapshot(cluster), { url: 'http://sklearn-iris.ml-team.svc.cluster.local/v1/models/sklearn-iris:predict', from: { namespace: 'ml-team', labels: {}, sidecar: false } });
    assert.equal(r.outcome, '200', r.verdict);
    // KServe's other ingress keys are all still there, in their order.
    const isvcConfig = bundle.objects.find((o) => (o.object['metadata'] as { name: string }).name === 'inferenceservice-config')!;
    const ingress = JSON.parse((isvcConfig.object['data'] as Record<string, string>)['ingress']!) as Record<string, unknown>;
    assert.equal(ingress['ingressGateway'], 'kubeflow/kubeflow-gateway');
    assert.equal(ingress['pathTemplate'], '/serving/{{ .Namespace }}/{{ .Name }}');
    assert.equal(ingress['localGateway'], 'ml-gw/ml-local-gateway');
  });

  it('without the broken input, the same bundle leaves check with findings (the test above can fail)', () => {
    const spec: LocalGatewaySpec = { name: 'ml-local-gateway', namespace: 'ml-gw', selector: { app: 'ml-local-gateway' }, knative: 'manifests', kserveNamespace: 'kserve', port: 8081, clusterDomain: 'cluster.local', withDeployment: true, flavour: 'custom' };
    const bundle = generateLocalGateway(spec); // no current: no allowances for Kubeflow's policies
    const cluster = overlay(kubeflow, parseManifestText('bundle.yaml', bundleToYaml(bundle)).resources);
    const codes = checkResources(cluster).diagnostics.map((d) => d.code);
    assert.ok(codes.includes('KGD1604') || codes.includes('KGD1601'), codes.join(' '));
  });

  it('Kubeflow flavour on the Kubeflow corpus changes nothing Knative already has', () => {
    const spec: LocalGatewaySpec = { name: 'cluster-local-gateway', namespace: 'istio-system', selector: { app: 'cluster-local-gateway', istio: 'cluster-local-gateway' }, knative: 'manifests', kserveNamespace: 'kserve', port: 8081, clusterDomain: 'cluster.local', withDeployment: false, flavour: 'kubeflow' };
    const bundle = generateLocalGateway(spec, buildSnapshot(kubeflow));
    assert.deepEqual(bundle.objects.map((o) => `${o.object['kind']} ${(o.object['metadata'] as { name: string }).name}`), ['Service knative-local-gateway', 'Gateway knative-local-gateway', 'ConfigMap inferenceservice-config']);
  });
});

describe('kgd generate local-gateway: auth filters on the pods it would use (issue #19 item 6)', () => {
  // Knative's default layout: the ingress gateway pods serve the external gateway (80 → 8080) and the local one (8081).
  const base = () => parseManifestText('stack.yaml', docs(defaultStack())).resources;
  const spec: LocalGatewaySpec = { name: 'knative-local-gateway', namespace: 'istio-system', selector: { istio: 'ingressgateway' }, knative: 'manifests', kserveNamespace: 'kserve', port: 8081, clusterDomain: 'cluster.local', withDeployment: false, flavour: 'kubeflow' };
  const errors = (rs: readonly Resource[]) => routingFindings(checkResources(rs).diagnostics).filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.resource}`);
  it('Kubeflow\'s AuthService EnvoyFilter (every listener, `listener` written beside `match`): limited to the external listener, said in the notes, check clean', () => {
    const authservice = parseManifestText('authservice.yaml', `apiVersion: networking.istio.io/v1alpha3
kind: EnvoyFilter
metadata: {name: authn-filter, namespace: istio-system}
spec:
  workloadSelector: {labels: {istio: ingressgateway}}
  configPatches:
  - applyTo: HTTP_FILTER
    listener: {portNumber: 8080}
    match:
      context: GATEWAY
      listener: {filterChain: {filter: {name: envoy.filters.network.http_connection_manager}}}
    patch:
      operation: INSERT_BEFORE
      value:
        name: envoy.filters.http.ext_authz
        typed_config: {'@type': type.googleapis.com/envoy.extensions.filters.http.ext_authz.v3.ExtAuthz, http_service: {server_uri: {uri: 'http://authservice.istio-system.svc.cluster.local', cluster: 'outbound|8080||authservice.istio-system.svc.cluster.local', timeout: 10s}}}
`).resources;
    const before = [...base(), ...authservice];
    assert.ok(errors(before).includes('KGD1610 EnvoyFilter istio-system/authn-filter'), errors(before).join('\n'));
    const bundle = generateLocalGateway(spec, buildSnapshot(before));
    const ef = bundle.objects.find((o) => o.object['kind'] === 'EnvoyFilter');
    assert.ok(ef?.existing, bundle.objects.map((o) => o.object['kind']).join(' '));
    const patches = (ef.object['spec'] as { configPatches: Record<string, unknown>[] }).configPatches;
    assert.deepEqual(patches.map((p) => [(p['match'] as { listener: { portNumber: number } }).listener.portNumber, 'listener' in p]), [[8080, false]]);
    assert.ok(bundle.notes.some((n) => /EnvoyFilter istio-system\/authn-filter: configPatches\[0\] limited to listener 8080/.test(n)), bundle.notes.join('\n'));
    const after = overlay(before, parseManifestText('bundle.yaml', bundleToYaml(bundle)).resources);
    assert.deepEqual(errors(after).filter((e) => e.startsWith('KGD161')), []);
  });
  it('oauth2-proxy\'s CUSTOM AuthorizationPolicy on those pods: its operations exclude the local port; the external listener still goes to the provider', () => {
    const custom = parseManifestText('custom.yaml', docs(
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'istio', namespace: 'istio-system' }, data: { mesh: 'extensionProviders:\n- name: oauth2-proxy\n  envoyExtAuthzHttp: {service: oauth2-proxy.oauth2-proxy.svc.cluster.local, port: 80}\n' } },
      { apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name: 'istio-ingressgateway-oauth2-proxy', namespace: 'istio-system' }, spec: { action: 'CUSTOM', provider: { name: 'oauth2-proxy' }, selector: { matchLabels: { istio: 'ingressgateway' } }, rules: [{ to: [{ operation: { notPaths: ['/dex/*'] } }] }] } },
    )).resources;
    const before = [...base(), ...custom];
    assert.ok(errors(before).includes('KGD1609 AuthorizationPolicy istio-system/istio-ingressgateway-oauth2-proxy'), errors(before).join('\n'));
    const bundle = generateLocalGateway(spec, buildSnapshot(before));
    const ap = bundle.objects.find((o) => o.object['kind'] === 'AuthorizationPolicy' && (o.object['metadata'] as { name: string }).name === 'istio-ingressgateway-oauth2-proxy');
    assert.deepEqual((ap?.object['spec'] as { rules: unknown[] }).rules, [{ to: [{ operation: { notPaths: ['/dex/*'], notPorts: ['8081'] } }] }]);
    const after = overlay(before, parseManifestText('bundle.yaml', bundleToYaml(bundle)).resources);
    assert.deepEqual(errors(after).filter((e) => e.startsWith('KGD16')), []);
    const snap = buildSnapshot(after);
    assert.equal(authorize(snap, { namespace: 'istio-system', labels: { istio: 'ingressgateway' } }, plainInferenceCall(8080)).decision, 'external', 'the external listener keeps its login');
  });
});

describe('config merging', () => {
  it('config-istio: legacy keys become lists, unrelated keys and selector-bound local entries stay', () => {
    const out = configIstioWithLocal(
      { 'gateway.kubeflow.kubeflow-gateway': 'istio-ingressgateway.istio-system.svc.cluster.local', 'local-gateway.knative-serving.knative-local-gateway': 'knative-local-gateway.istio-system.svc.cluster.local', 'enable-virtualservice-status': 'true' },
      { name: 'gw', namespace: 'gws', service: 'gw.gws.svc.cluster.local' }, 'knative-serving', 'cluster.local');
    assert.deepEqual(Object.keys(out).sort(), ['enable-virtualservice-status', 'external-gateways', 'local-gateways']);
    assert.deepEqual(parseYaml(out['external-gateways']!), [{ name: 'kubeflow-gateway', namespace: 'kubeflow', service: 'istio-ingressgateway.istio-system.svc.cluster.local' }]);
    assert.deepEqual(parseYaml(out['local-gateways']!), [{ name: 'gw', namespace: 'gws', service: 'gw.gws.svc.cluster.local' }]);
    const withSelector = configIstioWithLocal(
      { 'local-gateways': '- name: old\n  namespace: x\n  service: old.x.svc.cluster.local\n- name: gpu\n  namespace: x\n  service: gpu.x.svc.cluster.local\n  labelSelector:\n    matchLabels: {tier: gpu}\n' },
      { name: 'gw', namespace: 'gws', service: 'gw.gws.svc.cluster.local' }, 'knative-serving', 'cluster.local');
    assert.deepEqual((parseYaml(withSelector['local-gateways']!) as { name: string }[]).map((e) => e.name), ['gw', 'gpu']);
    assert.equal(withSelector['external-gateways'], undefined, 'an external list nobody wrote stays unwritten (code default)');
  });
  it('KServe ingress: only the local gateway keys change; an explicit knativeLocalGatewayService follows them', () => {
    const out = JSON.parse(kserveIngressWithLocal('{"ingressGateway":"a/b","knativeLocalGatewayService":"old.x.svc.cluster.local","urlScheme":"https"}', 'gws/gw', 'gw.gws.svc.cluster.local')) as Record<string, unknown>;
    assert.deepEqual(Object.keys(out), ['ingressGateway', 'knativeLocalGatewayService', 'urlScheme', 'localGateway', 'localGatewayService']);
    assert.equal(out['knativeLocalGatewayService'], 'gw.gws.svc.cluster.local');
    assert.equal(out['urlScheme'], 'https');
  });
});

describe('specs that cannot work are refused, not generated', () => {
  const base: LocalGatewaySpec = { name: 'gw', namespace: 'istio-system', selector: { app: 'gw' }, knative: 'manifests', kserveNamespace: 'kserve', port: 8081, clusterDomain: 'cluster.local', withDeployment: false, flavour: 'custom' };
  for (const [why, spec] of [
    ['an empty selector', { ...base, selector: {} }],
    ['port 80 (the external listener)', { ...base, port: 80 }],
    ['a name with dots', { ...base, name: 'a.b' }],
    ['Kubeflow flavour with the operator on another port', { ...base, flavour: 'kubeflow', knative: 'operator', port: 9090 }],
  ] as const) {
    it(why, () => assert.throws(() => generateLocalGateway(spec as LocalGatewaySpec), SpecError));
  }
});

describe('outputs (golden)', () => {
  const spec: LocalGatewaySpec = { name: 'ml-local-gateway', namespace: 'istio-system', selector: { app: 'ml-local-gateway' }, knative: 'manifests', kserveNamespace: 'kserve', port: 8081, clusterDomain: 'cluster.local', withDeployment: true, flavour: 'custom' };
  it('yaml, custom gateway with its Deployment', () => assertGolden('generate-custom.yaml', bundleToYaml(generateLocalGateway(spec))));
  it('yaml, Kubeflow flavour through the operator', () => assertGolden('generate-kubeflow-operator.yaml', bundleToYaml(generateLocalGateway({ ...spec, name: 'cluster-local-gateway', selector: { app: 'cluster-local-gateway', istio: 'cluster-local-gateway' }, flavour: 'kubeflow', knative: 'operator', withDeployment: false }))));
  it('helm values', () => assertGolden('generate-helm-values.yaml', bundleToHelmValues(generateLocalGateway(spec))));
  it('kustomize overlay', () => {
    const files = bundleToKustomize(generateLocalGateway(spec));
    assertGolden('generate-kustomization.yaml', files.get('kustomization.yaml')!);
    assert.deepEqual([...files.keys()].sort(), ['configmap-knative-serving-config-istio.yaml', 'configmap-kserve-inferenceservice-config.yaml', 'deployment-istio-system-ml-local-gateway.yaml', 'gateway-istio-system-ml-local-gateway.yaml', 'kustomization.yaml', 'poddisruptionbudget-istio-system-ml-local-gateway.yaml', 'service-istio-system-ml-local-gateway.yaml', 'serviceaccount-istio-system-ml-local-gateway.yaml']);
  });
});

describe('kgd generate (command line)', () => {
  const kgd = (args: string[]) => {
    const r = spawnSync(process.execPath, [fromRoot('bin', 'kgd.js'), ...args], { cwd: ROOT, encoding: 'utf8' });
    return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  };
  const dir = mkdtempSync(join(tmpdir(), 'kgd-generate-'));
  it('flags give the same bundle as a spec file', () => {
    const specFile = join(dir, 'spec.yaml');
    writeFileSync(specFile, 'name: ml-local-gateway\nnamespace: istio-system\nselector:\n  app: ml-local-gateway\nwithDeployment: true\n');
    const a = kgd(['generate', 'local-gateway', '--spec', specFile]);
    const b = kgd(['generate', 'local-gateway', '--name', 'ml-local-gateway', '--selector', 'app=ml-local-gateway', '--with-deployment']);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(a.stdout, b.stdout);
  });
  it('a spec file mistake names its line; a bad flag is a usage error', () => {
    const specFile = join(dir, 'bad.yaml');
    writeFileSync(specFile, 'name: gw\nselector:\n  app: gw\nprot: 8081\n');
    const r = kgd(['generate', 'local-gateway', '--spec', specFile]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /bad\.yaml:4: unknown key "prot"/);
    assert.equal(kgd(['generate', 'local-gateway', '--name', 'gw', '--selector', 'app']).code, 2);
    assert.equal(kgd(['generate', 'local-gateway', '--name', 'gw', '--selector', 'app=gw', '--port', '80']).code, 2);
  });
  it('-o kustomize writes a new folder and never into a non-empty one', () => {
    const out = join(dir, 'overlay');
    const r = kgd(['generate', 'local-gateway', '--name', 'gw', '--selector', 'app=gw', '-o', 'kustomize', '--out', out]);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(readdirSync(out).includes('kustomization.yaml'));
    const before = readFileSync(join(out, 'kustomization.yaml'), 'utf8');
    const again = kgd(['generate', 'local-gateway', '--name', 'other', '--selector', 'app=other', '-o', 'kustomize', '--out', out]);
    assert.equal(again.code, 2);
    assert.equal(readFileSync(join(out, 'kustomization.yaml'), 'utf8'), before);
  });
});
