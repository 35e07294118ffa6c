/**
 * Upstream code as the oracle for kgd's models of the controllers before Istio: net-istio's config-istio parser
 * and VirtualService builder (1.2.0 and 1.21.1, from ../shared/upstream-src), KServe's ingress-config parser and
 * createIngress (0.13.1 and 0.16.0, from the Go module proxy), Knative Serving's config-domain parser, domain
 * template and KIngress builder (the Serving version each KServe release pins; the domain also at Serving 1.7 and
 * 1.10, test/upstream/serving), and knative.dev/pkg's
 * kmeta.ChildName. Every generated input is given to both; agreement must be 100%.
 */
import assert from 'node:assert/strict';
import { describe, it, before } from 'node:test';
import { parse as parseYaml, stringify } from 'yaml';
import { generateCluster } from '../scripts/gen-cluster.js';
import { parseManifestText } from '../src/load/parse.js';
import { buildSnapshot } from '../src/platform/build.js';
import { parseConfigIstio } from '../src/platform/knative/config-istio.js';
import { childName } from '../src/platform/knative/names.js';
import { parseKServeIngress, kserveIngressConfig } from '../src/platform/kserve/ingress-config.js';
import { defaultDomain, domainNameFromTemplate, fqdnProblem, parseConfigDomain, knativeDomainConfig } from '../src/platform/knative/domain.js';
import { isvcComponentRoute, knativeObjects } from '../src/platform/knative/derive.js';
import { knativeGatewayConfig } from '../src/platform/knative/effective.js';
import { knativeDomainKeys, kserveDerivation } from '../src/platform/kserve/derive.js';
import { isKnativeMode } from '../src/platform/kserve/deployment-mode.js';
import { ask, findGo, kserveOracle, netIstioOracle, servingOracle, type KServeVersion, type NetIstioVersion, type ServingVersion } from './helpers/upstream.js';
import { canonical, same } from './upstream/compare.js';
import { childNameCases, configIstioCases, domainCases, kserveIngressCases, setupCases, type SetupCase } from './upstream/cases.js';

const CONFIG_ISTIO_CASES = 400;
const CHILD_NAME_CASES = 200;
const KSERVE_INGRESS_CASES = 300;
const DOMAIN_CASES = 150;
const SETUP_CASES = 160;
const CD = 'cluster.local';

type Answer = Record<string, unknown> & { error?: string; panic?: string };

function skipReason(): string | false {
  if (process.env['KGD_SKIP_ORACLE'] === '1') return 'KGD_SKIP_ORACLE=1';
  return findGo() ? false : 'Go is not installed, so the upstream oracles cannot be built';
}

describe('upstream oracle: kgd agrees with net-istio, Knative Serving, kmeta and KServe run on the same input', () => {
  const skip = skipReason();
  if (skip && process.env['CI'] === 'true' && process.env['KGD_SKIP_ORACLE'] !== '1') {
    it('runs in CI', () => assert.fail(`the upstream oracle must run in CI: ${skip}`));
    return;
  }
  const bins: { netIstio: Record<NetIstioVersion, string>; kserve: Record<KServeVersion, string>; serving: Record<ServingVersion, string> } = { netIstio: {} as Record<NetIstioVersion, string>, kserve: {} as Record<KServeVersion, string>, serving: {} as Record<ServingVersion, string> };
  before(() => {
    if (skip) return;
    const go = findGo()!;
    for (const v of ['1.21.1', '1.2.0'] as const) bins.netIstio[v] = netIstioOracle(v, go);
    for (const v of ['0.20.0', '0.16.0', '0.13.1'] as const) bins.kserve[v] = kserveOracle(v, go);
    for (const v of ['1.10.0', '1.7.0'] as const) bins.serving[v] = servingOracle(v, go);
  }, { timeout: 60 * 60 * 1000 });

  for (const version of ['1.21.1', '1.2.0'] as const) {
    it(`config-istio: ${CONFIG_ISTIO_CASES} generated ConfigMaps parse as net-istio ${version} parses them`, { skip }, (t) => {
      const cases = configIstioCases(CONFIG_ISTIO_CASES);
      const theirs = ask<Answer>(bins.netIstio[version], cases.map((data) => ({ op: 'config', data })));
      const diffs: string[] = [];
      let refused = 0;
      cases.forEach((data, i) => {
        const ours = parseConfigIstio(data, 'knative-serving', CD, version);
        const up = theirs[i]!;
        if (up.panic) diffs.push(`${JSON.stringify(data)}: net-istio panicked: ${up.panic}`);
        else if (up.error !== undefined) {
          refused++;
          if (ours.issues.length === 0) diffs.push(`${JSON.stringify(data)}: net-istio refuses it (${up.error}); kgd accepts it`);
        } else if (ours.issues.length > 0) diffs.push(`${JSON.stringify(data)}: net-istio accepts it; kgd reports ${ours.issues.map((x) => `${x.id} ${JSON.stringify(x.data)}`).join('; ')}`);
        else {
          const entry = (e: (typeof ours.local)[number]) => ({ namespace: e.namespace, name: e.name, service: e.service, hasSelector: e.selector !== undefined });
          const mine = { local: ours.local.map(entry), external: ours.external.map(entry) };
          if (JSON.stringify(mine) !== JSON.stringify({ local: up['local'], external: up['external'] })) diffs.push(`${JSON.stringify(data)}: net-istio ${JSON.stringify({ local: up['local'], external: up['external'] })}, kgd ${JSON.stringify(mine)}`);
        }
      });
      t.diagnostic(`net-istio ${version}: ${cases.length} ConfigMaps, ${refused} refused, ${cases.length - diffs.length} agree`);
      assert.ok(refused > cases.length / 10 && refused < cases.length * 0.9, `the generator should give both accepted and refused ConfigMaps (refused ${refused})`);
      assert.deepEqual(diffs.slice(0, 15), []);
    });

    it(`kmeta.ChildName: ${CHILD_NAME_CASES} names near and past 63 characters, as vendored by net-istio ${version}`, { skip }, () => {
      const cases = childNameCases(CHILD_NAME_CASES);
      const theirs = ask<{ name: string }>(bins.netIstio[version], cases.map((c) => ({ op: 'childName', ...c })));
      const diffs = cases.flatMap((c, i) => (childName(c.parent, c.suffix) === theirs[i]!.name ? [] : [`${c.parent} + ${c.suffix}: kmeta ${theirs[i]!.name}, kgd ${childName(c.parent, c.suffix)}`]));
      assert.ok(cases.filter((c) => c.parent.length + c.suffix.length > 63).length > 30, 'the generator should cover hashed names');
      assert.deepEqual(diffs, []);
    });
  }

  for (const version of ['0.20.0', '0.16.0', '0.13.1'] as const) {
    it(`KServe ${version}'s GetDeploymentMode: which InferenceServices run on Knative (status × annotation × deploy config)`, { skip }, (t) => {
      const annotations = [undefined, 'Serverless', 'serverless', 'Knative', 'RawDeployment', 'Standard', 'ModelMesh', 'Raw'];
      const deploys = [undefined, '{"defaultDeploymentMode": "Serverless"}', '{"defaultDeploymentMode": "RawDeployment"}', '{"defaultDeploymentMode": "Knative"}', '{"defaultDeploymentMode": "Standard"}', '{"defaultdeploymentmode": "RawDeployment"}'];
      // A recorded status mode on some: 0.16 reads it first; 0.13 has none.
      const statuses = [undefined, 'RawDeployment', 'Knative'];
      const cases = annotations.flatMap((a) => deploys.flatMap((d) => statuses.map((st) => ({ a, d, st }))));
      const theirs = ask<Answer>(bins.kserve[version], cases.map(({ a, d, st }) => ({ op: 'deploymentMode', statusMode: st ?? '', annotations: a === undefined ? {} : { 'serving.kserve.io/deploymentMode': a }, data: d === undefined ? {} : { deploy: d } })));
      const diffs: string[] = [];
      let refused = 0;
      let knativeCount = 0;
      cases.forEach(({ a, d, st }, i) => {
        const up = theirs[i]!;
        // KServe refuses a deploy config naming a mode it does not know: no InferenceService reconciles; not compared.
        if (up.error !== undefined) { refused++; return; }
        const mode = String(up['mode'] ?? '');
        // No deploy key at all (KServe always ships one): 0.13 then has no default mode; kgd assumes the shipped Serverless.
        if (mode === '' && d === undefined) { refused++; return; }
        const upKnative = mode === 'Serverless' || mode === 'Knative';
        if (upKnative) knativeCount++;
        const isvc = { apiVersion: 'serving.kserve.io/v1beta1', kind: 'InferenceService', metadata: { name: 'm', namespace: 'ns', ...(a === undefined ? {} : { annotations: { 'serving.kserve.io/deploymentMode': a } }) }, spec: { predictor: { sklearn: { storageUri: 'gs://x' } } }, ...(st ? { status: { deploymentMode: st } } : {}) };
        const cm = d === undefined ? [] : [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'inferenceservice-config', namespace: 'kserve' }, data: { deploy: d } }];
        const snap = buildSnapshot(parseManifestText('m.yaml', [isvc, ...cm].map((o) => stringify(o)).join('---\n')).resources, { versions: { kserve: version } });
        const ours = isKnativeMode(snap, snap.list('InferenceService')[0]!);
        if (ours !== upKnative) diffs.push(`status ${st ?? '(none)'}, annotation ${a ?? '(none)'}, deploy ${d ?? '(none)'}: KServe ${mode}, kgd ${ours ? 'Knative' : 'not Knative'}`);
      });
      t.diagnostic(`KServe ${version}: ${cases.length} cases, ${refused} refused, ${knativeCount} on Knative, ${cases.length - refused - diffs.length} agree`);
      assert.ok(knativeCount > 5 && cases.length - refused - knativeCount > 5, 'both outcomes exercised');
      assert.deepEqual(diffs, []);
    });
  }

  for (const version of ['0.20.0', '0.16.0', '0.13.1'] as const) {
    it(`KServe ingress config: ${KSERVE_INGRESS_CASES} generated values read as KServe ${version}'s NewIngressConfig reads them`, { skip }, (t) => {
      const cases = kserveIngressCases(KSERVE_INGRESS_CASES);
      const theirs = ask<Answer>(bins.kserve[version], cases.map((text) => ({ op: 'ingressConfig', data: text === undefined ? {} : { ingress: text } })));
      const diffs: string[] = [];
      let refused = 0;
      cases.forEach((text, i) => {
        const ours = parseKServeIngress(text, version);
        const up = theirs[i]!;
        const upFails = up.error !== undefined || up.panic !== undefined;
        if (upFails) refused++;
        if (upFails !== ours.issues.length > 0) {
          diffs.push(`${text}: KServe ${up.error ?? up.panic ?? 'accepts it'}; kgd ${ours.issues.map((x) => x.reason).join('; ') || 'accepts it'}`);
          return;
        }
        if (upFails) return;
        const cfg = up['config'] as Record<string, unknown>;
        const v = ours.values;
        const str = (k: string) => (typeof v[k] === 'string' ? v[k] : '');
        const mine = {
          ingressGateway: str('ingressGateway'), localGateway: str('localGateway'), localGatewayService: str('localGatewayService'),
          knativeLocalGatewayService: version === '0.13.1' ? '' : str('knativeLocalGatewayService') || str('localGatewayService'),
          ingressDomain: str('ingressDomain') || 'example.com', pathTemplate: str('pathTemplate'), disableIstioVirtualHost: v['disableIstioVirtualHost'] === true,
          additionalIngressDomains: v['additionalIngressDomains'] ?? null,
        };
        const theirsCfg = {
          ingressGateway: cfg['ingressGateway'] ?? '', localGateway: cfg['localGateway'] ?? '', localGatewayService: cfg['localGatewayService'] ?? '',
          knativeLocalGatewayService: cfg['knativeLocalGatewayService'] ?? '', ingressDomain: cfg['ingressDomain'] ?? '', pathTemplate: cfg['pathTemplate'] ?? '',
          disableIstioVirtualHost: cfg['disableIstioVirtualHost'] ?? false, additionalIngressDomains: cfg['additionalIngressDomains'] ?? null,
        };
        if (JSON.stringify(mine) !== JSON.stringify(theirsCfg)) diffs.push(`${text}: KServe ${JSON.stringify(theirsCfg)}, kgd ${JSON.stringify(mine)}`);
      });
      t.diagnostic(`KServe ${version}: ${cases.length} values, ${refused} refused, ${cases.length - diffs.length} agree`);
      assert.deepEqual(diffs.slice(0, 15), []);
    });
  }

  // Serving's default domain changed twice (versions.ts: serving-default-domain-*): 1.7 and 1.10 from
  // test/upstream/serving, 1.17 as KServe 0.16.0 pins it; each under two cluster domains (CLUSTER_DOMAIN).
  for (const [serving, oracle] of [['1.7.0', 'serving'], ['1.10.0', 'serving'], ['1.17.0', 'kserve']] as const) {
    for (const cd of [CD, 'corp.internal']) {
      it(`config-domain: ${DOMAIN_CASES} generated ConfigMaps and Routes get the domain Knative Serving ${serving} gives them, cluster domain ${cd}`, { skip }, (t) => {
        const bin = oracle === 'serving' ? bins.serving[serving as ServingVersion] : bins.kserve['0.16.0'];
        const env = { CLUSTER_DOMAIN: cd };
        if (oracle === 'serving') assert.equal(ask<Answer>(bin, [{ op: 'clusterDomain' }], env)[0]!['clusterDomain'], cd, 'the oracle reads the cluster domain kgd is given');
        const cases = domainCases(DOMAIN_CASES);
        const theirs = ask<Answer>(bin, cases.map((c) => ({ op: 'domain', configDomain: c.configDomain, configNetwork: {}, meta: { name: c.name, namespace: c.namespace, labels: c.labels } })), env);
        const diffs: string[] = [];
        cases.forEach((c, i) => {
          const cfg = parseConfigDomain(c.configDomain, cd, undefined, false, defaultDomain({ serving }, cd));
          const up = theirs[i]!;
          const host = domainNameFromTemplate(cfg, c.name, c.namespace, c.labels, {}, cd) ?? '';
          const problem = cfg.error ?? fqdnProblem(host);
          const mine = problem ? { error: problem } : { domain: host };
          if ((up.error !== undefined) !== ('error' in mine)) diffs.push(`${JSON.stringify(c)}: Serving ${up.error ?? up['domain']}, kgd ${JSON.stringify(mine)}`);
          else if (up.error === undefined && up['domain'] !== (mine as { domain: string }).domain) diffs.push(`${JSON.stringify(c)}: Serving ${up['domain']}, kgd ${(mine as { domain: string }).domain}`);
        });
        const empty = cases.filter((c) => Object.keys(c.configDomain).length === 0).length;
        t.diagnostic(`${cases.length} cases, ${theirs.filter((x) => x.error).length} refused, ${empty} with an empty config-domain`);
        assert.ok(empty >= 10, 'enough cases fall back to Serving\'s default domain');
        assert.deepEqual(diffs.slice(0, 15), []);
      });
    }
  }

  it('npm run gen:cluster: the VirtualServices it writes for a sample of InferenceServices are the ones KServe 0.16 and net-istio 1.21 make', { skip }, () => {
    const docs = docsOfGeneratedCluster(24);
    const cm = (name: string) => (docs.find((d) => d['kind'] === 'ConfigMap' && (d['metadata'] as { name: string }).name === name)!['data'] as Record<string, string>);
    const configIstio = cm('config-istio');
    const configDomain = cm('config-domain');
    const ingress = cm('inferenceservice-config')['ingress']!;
    const vss = docs.filter((d) => d['kind'] === 'VirtualService') as { metadata: { name: string; namespace: string }; spec: unknown }[];
    const snap = buildSnapshot(parseManifestText('gen.yaml', docs.filter((d) => d['kind'] === 'InferenceService').map((d) => stringify(d)).join('---\n')).resources);
    const isvcs = snap.list('InferenceService');
    assert.equal(isvcs.length, 24);
    const routes = isvcs.map((i) => isvcComponentRoute(i, 'predictor'));
    const bin = bins.kserve['0.16.0'];
    const revisions = ask<{ name: string }>(bin, routes.map((r) => ({ op: 'childName', parent: r.name, suffix: '-00001' })));
    const domains = ask<Answer>(bin, routes.map((r) => ({ op: 'domain', configDomain, configNetwork: {}, meta: { name: r.name, namespace: r.namespace, labels: r.labels } })));
    const kingresses = ask<Answer>(bin, routes.map((r, i) => ({ op: 'kingress', configDomain, configNetwork: {}, revision: revisions[i]!.name, route: { metadata: { name: r.name, namespace: r.namespace, labels: r.labels }, spec: { traffic: [{ latestRevision: true, percent: 100 }] } } })));
    const knative = ask<Answer>(bins.netIstio['1.21.1'], kingresses.map((k) => ({ op: 'ingress', data: configIstio, ingress: k['ingress'] })));
    const kserveVs = ask<Answer>(bin, isvcs.map((i, k) => ({ op: 'virtualService', data: { ingress }, domainList: Object.keys(configDomain), isvc: { metadata: { name: i.name, namespace: i.namespace, labels: i.labels }, spec: { predictor: {} }, status: { components: { predictor: { url: `http://${domains[k]!['domain'] as string}` } }, conditions: [{ type: 'PredictorReady', status: 'True' }] } } })));
    const diffs: string[] = [];
    let compared = 0;
    isvcs.forEach((i, k) => {
      const find = (name: string) => vss.find((v) => v.metadata.namespace === i.namespace && v.metadata.name === name);
      const expected = [{ name: i.name, spec: (kserveVs[k]!['virtualService'] as { spec: unknown }).spec }, ...(knative[k]!['virtualServices'] as { metadata: { name: string }; spec: unknown }[]).map((v) => ({ name: v.metadata.name, spec: v.spec }))];
      for (const e of expected) {
        const got = find(e.name);
        compared++;
        if (!got) diffs.push(`${i.namespace}/${e.name}: upstream makes it, gen:cluster does not write it`);
        else if (!same(got.spec, e.spec)) diffs.push(`${i.namespace}/${e.name}: upstream ${JSON.stringify(canonical(e.spec))}\n    gen:cluster ${JSON.stringify(canonical(got.spec))}`);
      }
    });
    assert.equal(compared, 24 * 3);
    assert.deepEqual(diffs.slice(0, 5), []);
  });

  for (const [kserve, netIstio] of [['0.20.0', '1.21.1'], ['0.16.0', '1.21.1'], ['0.13.1', '1.21.1'], ['0.16.0', '1.2.0']] as const) {
    it(`derivation: ${SETUP_CASES} InferenceService set-ups; Serving's KIngress through net-istio ${netIstio}, and KServe ${kserve}'s VirtualService, equal kgd's`, { skip, timeout: 10 * 60 * 1000 }, (t) => {
      const cases = setupCases(SETUP_CASES);
      const kserveBin = bins.kserve[kserve];
      const stats = { knative: 0, kserve: 0, noKServeVs: 0 };
      const diffs: string[] = [];
      // Step 1: the names and domains Serving and kmeta give each component.
      const perComponent = cases.flatMap((c) => c.isvc.components.map((comp) => ({ c, comp })));
      const snaps = new Map<SetupCase, ReturnType<typeof snapshotOf>>();
      for (const c of cases) snaps.set(c, snapshotOf(c, kserve, netIstio));
      const routes = perComponent.map(({ c, comp }) => {
        const isvc = snaps.get(c)!.snap.list('InferenceService')[0]!;
        return isvcComponentRoute(isvc, comp, kserve);
      });
      // The Knative Service name is KServe's (PredictorServiceName); the test asks KServe for it below.
      const revisions = ask<{ name: string }>(kserveBin, routes.map((r) => ({ op: 'childName', parent: r.name, suffix: '-00001' })));
      const domains = ask<Answer>(kserveBin, routes.map((r, i) => ({ op: 'domain', configDomain: perComponent[i]!.c.configDomain, configNetwork: perComponent[i]!.c.configNetwork, meta: { name: r.name, namespace: r.namespace, labels: r.labels } })));
      const kingresses = ask<Answer>(kserveBin, routes.map((r, i) => ({ op: 'kingress', configDomain: perComponent[i]!.c.configDomain, configNetwork: perComponent[i]!.c.configNetwork, revision: revisions[i]!.name, containers: knativeContainers(perComponent[i]!.c, perComponent[i]!.comp), route: { metadata: { name: r.name, namespace: r.namespace, labels: r.labels }, spec: { traffic: [{ latestRevision: true, percent: 100 }] } } })));
      // The revision ports Serving chose (80 HTTP/1, 81 h2c, 443 system-internal TLS): each must occur.
      const ports: Record<string, number> = {};
      for (const k of kingresses) {
        const p = (k['ingress'] as { spec?: { rules?: { http?: { paths?: { splits?: { servicePort?: number }[] }[] } }[] } } | undefined)?.spec?.rules?.[0]?.http?.paths?.[0]?.splits?.[0]?.servicePort;
        if (p !== undefined) ports[String(p)] = (ports[String(p)] ?? 0) + 1;
      }
      t.diagnostic(`revision ports in Serving's KIngresses: ${JSON.stringify(ports)}`);
      for (const p of ['80', '81', '443']) assert.ok((ports[p] ?? 0) >= 5, `too few KIngresses to revision port ${p}: ${JSON.stringify(ports)}`);
      // Step 2: net-istio on each KIngress; kgd's Knative derivation on the same input.
      const withIngress = perComponent.map((p, i) => ({ ...p, i })).filter(({ i }) => kingresses[i]!['ingress']);
      const vsAnswers = ask<Answer>(bins.netIstio[netIstio], withIngress.map(({ c, i }) => ({ op: 'ingress', data: c.configIstio, ingress: kingresses[i]!['ingress'] })));
      withIngress.forEach(({ c, comp, i }, j) => {
        const up = vsAnswers[j]!;
        const { snap } = snaps.get(c)!;
        const kn = knativeGatewayConfig(snap);
        if (up.error !== undefined || up.panic !== undefined) {
          if (kn.status === 'ok') diffs.push(`${c.name} ${comp}: net-istio fails (${up.error ?? up.panic}); kgd derives`);
          return;
        }
        if (kn.status !== 'ok') {
          diffs.push(`${c.name} ${comp}: net-istio derives; kgd's config-istio is ${kn.status}`);
          return;
        }
        stats.knative++;
        const ours = knativeObjects(routes[i]!, kn, knativeDomainConfig(snap), CD);
        const theirVs = (up['virtualServices'] as { metadata: { name: string }; spec: unknown }[]).map((v) => ({ name: v.metadata.name, spec: v.spec }));
        const ourVs = ours.filter((o) => o['kind'] === 'VirtualService').map((o) => ({ name: (o['metadata'] as { name: string }).name, spec: o['spec'] }));
        const sortByName = (xs: { name: string }[]) => [...xs].sort((a, b) => a.name.localeCompare(b.name));
        if (!same(sortByName(theirVs), sortByName(ourVs))) diffs.push(`${c.name} ${comp}: net-istio ${JSON.stringify(canonical(sortByName(theirVs)))}\n    kgd ${JSON.stringify(canonical(sortByName(ourVs)))}`);
        const lb = (up['privateLB'] as { domainInternal?: string }[])[0]?.domainInternal ?? '';
        const ext = ours.find((o) => o['kind'] === 'Service') as { spec: { externalName: string } } | undefined;
        if ((ext?.spec.externalName ?? '') !== lb) diffs.push(`${c.name} ${comp}: private load balancer net-istio "${lb}", kgd "${ext?.spec.externalName ?? ''}"`);
      });
      // Step 3: KServe's VirtualService, given the component URLs Serving gives.
      const kserveReqs = cases.map((c) => {
        const components: Record<string, unknown> = {};
        const conditions: { type: string; status: string }[] = [];
        for (const comp of c.isvc.components) {
          const k = perComponent.findIndex((p) => p.c === c && p.comp === comp);
          const d = domains[k]!;
          if (d['domain']) components[comp] = { url: `http://${d['domain'] as string}` };
          const type = `${comp[0]!.toUpperCase()}${comp.slice(1)}Ready`;
          // A Route Serving cannot give a domain never becomes Ready, and neither does the component.
          conditions.push({ type, status: c.isvc.notReady === type || d.error !== undefined ? 'False' : 'True' });
        }
        return {
          op: 'virtualService', data: { ingress: c.ingress }, domainList: Object.keys(c.configDomain).sort(),
          isvc: { metadata: { name: c.isvc.name, namespace: c.isvc.namespace, labels: c.isvc.labels, annotations: c.isvc.annotations }, spec: Object.fromEntries(c.isvc.components.map((x) => [x, x === 'predictor' && c.isvc.predictorName ? { name: c.isvc.predictorName } : {}])), status: { components, conditions } },
        };
      });
      const kserveAnswers = ask<Answer>(kserveBin, kserveReqs);
      cases.forEach((c, i) => {
        const up = kserveAnswers[i]!;
        const { snap } = snaps.get(c)!;
        const cfg = kserveIngressConfig(snap);
        const domainsCfg = knativeDomainConfig(snap);
        if (up.error !== undefined || up.panic !== undefined) {
          if (cfg.status === 'ok') diffs.push(`${c.name}: KServe fails (${up.error ?? up.panic}); kgd's ingress config is ok`);
          return;
        }
        if (cfg.status !== 'ok') {
          diffs.push(`${c.name}: KServe derives; kgd's ingress config is ${cfg.status}`);
          return;
        }
        stats.kserve++;
        const isvc = snap.list('InferenceService')[0]!;
        const d = kserveDerivation(isvc, cfg, domainsCfg, knativeDomainKeys(snap), CD);
        const ourVs = d.objects.find((o) => o['kind'] === 'VirtualService') as { spec: unknown } | undefined;
        // reconcileVirtualService deletes the VirtualService of a stopped InferenceService (KServe's own GetForceStopRuntime says which).
        const theirVs = up['stopped'] === true ? null : (up['virtualService'] as { spec: unknown } | null);
        if (!theirVs) stats.noKServeVs++;
        if (!theirVs !== !ourVs) diffs.push(`${c.name}: KServe ${theirVs ? 'creates' : 'creates no'} VirtualService; kgd ${ourVs ? 'derives one' : `derives none (${d.note})`}`);
        else if (theirVs && ourVs && !same(theirVs.spec, ourVs.spec)) diffs.push(`${c.name}: KServe ${JSON.stringify(canonical(theirVs.spec))}\n    kgd ${JSON.stringify(canonical(ourVs.spec))}`);
      });
      t.diagnostic(`Knative VirtualServices compared for ${stats.knative} components; KServe VirtualServices for ${stats.kserve} InferenceServices (${stats.noKServeVs} where KServe makes none)`);
      assert.ok(stats.knative > SETUP_CASES / 2 && stats.kserve > SETUP_CASES / 2, 'most set-ups should be valid');
      assert.deepEqual(diffs.slice(0, 10), []);
    });
  }
});

function docsOfGeneratedCluster(isvcs: number): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  generateCluster({ isvcs, namespaces: 3, broken: 0 }, (doc) => out.push(parseYaml(doc) as Record<string, unknown>));
  return out;
}

/** Container ports written as a port list with names and numbers. */
const portList = (names: string[]) => names.map((name, i) => ({ name, containerPort: 8080 + i }));

/** A component's containers as the set-up writes them in the InferenceService. */
function componentContainers(c: SetupCase, comp: 'predictor' | 'transformer' | 'explainer'): Record<string, unknown> {
  const x = c.containers[comp];
  if (!x) return { model: { modelFormat: { name: 'sklearn' } } };
  if (x.style === 'model') return { model: { modelFormat: { name: 'sklearn' }, ports: portList(x.ports[0]!) } };
  return { containers: x.ports.map((p, i) => ({ name: i === 0 ? 'kserve-container' : `side-${i}`, image: 'model:1', ports: portList(p) })) };
}

/**
 * The containers KServe puts in the component's Knative Service template: a custom container list as written,
 * else the one model container with the ports written on it (none written: the runtime's, not modelled here).
 */
function knativeContainers(c: SetupCase, comp: 'predictor' | 'transformer' | 'explainer'): { name: string; ports: { name: string; containerPort: number }[] }[] {
  const x = c.containers[comp];
  if (!x) return [{ name: 'kserve-container', ports: [] }];
  if (x.style === 'model') return [{ name: 'kserve-container', ports: portList(x.ports[0]!) }];
  return x.ports.map((p, i) => ({ name: i === 0 ? 'kserve-container' : `side-${i}`, ports: portList(p) }));
}

function snapshotOf(c: SetupCase, kserve: string, netIstio: string) {
  const docs = [
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'config-istio', namespace: 'knative-serving' }, data: c.configIstio },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'config-domain', namespace: 'knative-serving' }, data: c.configDomain },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'config-network', namespace: 'knative-serving' }, data: c.configNetwork },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'inferenceservice-config', namespace: 'kserve' }, data: { ingress: c.ingress } },
    {
      apiVersion: 'serving.kserve.io/v1beta1', kind: 'InferenceService', metadata: { name: c.isvc.name, namespace: c.isvc.namespace, labels: c.isvc.labels, annotations: c.isvc.annotations },
      spec: Object.fromEntries(c.isvc.components.map((x) => [x, { ...(x === 'predictor' && c.isvc.predictorName ? { name: c.isvc.predictorName } : {}), ...componentContainers(c, x) }])),
      status: { conditions: c.isvc.components.map((comp) => { const type = `${comp[0]!.toUpperCase()}${comp.slice(1)}Ready`; return { type, status: c.isvc.notReady === type ? 'False' : 'True' }; }) },
    },
  ];
  const parsed = parseManifestText(`${c.name}.yaml`, docs.map((d) => stringify(d)).join('---\n'));
  return { snap: buildSnapshot(parsed.resources, { versions: { kserve, netIstio } }) };
}
