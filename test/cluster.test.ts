/**
 * kgd against a real Kubernetes API server (kube-apiserver + etcd built from source, test/helpers/cluster.ts):
 * the real CRDs installed, the examples' objects created, and `kgd check --cluster` compared with
 * `kgd check` on the same objects as files. Skipped outside CI without Go (KGD_SKIP_CLUSTER=1 skips it).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { checkCluster, checkPaths } from '../src/check.js';
import { kubeRequest } from '../src/load/kube-http.js';
import { collectionPath, resourceNames } from '../src/load/cluster.js';
import { loadSources } from '../src/load/sources.js';
import type { Diagnostic } from '../src/diagnostics/diagnostic.js';
import { findGo, startCluster, type TestCluster } from './helpers/cluster.js';
import { create, createAll, installCrds } from './helpers/kube-objects.js';
import { fromRoot, ROOT, SHARED } from './helpers/paths.js';
import { routingFindings } from './helpers/findings.js';

const skip = process.env['KGD_SKIP_CLUSTER'] ? 'KGD_SKIP_CLUSTER is set' : !findGo() && !process.env['CI'] ? 'Go is not installed (needed to build kube-apiserver); CI runs this' : false;

/** What a finding says, without where it is written (a file:line for files, nothing for live objects). */
const said = (ds: readonly Diagnostic[]) => ds.map((d) => `${d.code} ${d.resource ?? ''} ${d.path ?? ''} ${d.message}`).sort();

/** The fixed example with two mistakes that each have a safe repair (KGD1402, KGD1302). */
function repairableExample(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kgd-repairable-'));
  const src = fromRoot('examples', 'custom-gateway-fixed');
  const replaceOnce = (text: string, from: string, to: string) => {
    assert.equal(text.split(from).length, 2, `"${from}" once`);
    return text.replace(from, to);
  };
  writeFileSync(join(dir, 'istio.yaml'), replaceOnce(readFileSync(join(src, 'istio.yaml'), 'utf8'), '  type: ClusterIP\n  selector:\n    app: custom-gateway\n', '  type: ClusterIP\n  selector:\n    app: custom-gateway-old\n'));
  writeFileSync(join(dir, 'kserve.yaml'), replaceOnce(readFileSync(join(src, 'kserve.yaml'), 'utf8'), '"localGateway": "istio-system/custom-gateway"', '"localGateway": "custom-gateway.istio-system"'));
  writeFileSync(join(dir, 'knative.yaml'), readFileSync(join(src, 'knative.yaml'), 'utf8'));
  return dir;
}

describe('kgd check --cluster against a real API server', { skip }, () => {
  const cases = [
    { name: 'repairable example', paths: [repairableExample()] },
    { name: 'broken example', paths: [fromRoot('examples', 'custom-gateway-broken')] },
    { name: 'fixed example', paths: [fromRoot('examples', 'custom-gateway-fixed')] },
    { name: 'Kubeflow corpus', paths: [join(SHARED, 'corpus', 'kubeflow')] },
  ];
  for (const c of cases) {
    describe(c.name, () => {
      let cluster: TestCluster;
      before(async () => {
        cluster = await startCluster();
        const kc = new KubeConfig();
        kc.loadFromFile(cluster.kubeconfig);
        await installCrds(kc);
        await createAll(kc, c.paths);
      });
      after(async () => cluster?.stop());
      it('gives exactly the findings kgd check gives on the files', async () => {
        const live = await checkCluster({ kubeconfig: cluster.kubeconfig, context: 'admin' });
        // The files are everything the server holds: read them as the whole cluster, as --cluster is.
        const files = await checkPaths(c.paths, { complete: true });
        assert.deepEqual(said(live.diagnostics), said(files.diagnostics.filter((d) => d.id !== 'NoResources')));
      });
      if (c.name === 'repairable example') {
        it('kgd fix --cluster --apply --yes --force-conflicts repairs it on the server, after which check --cluster is clean', async () => {
          const before = await checkCluster({ kubeconfig: cluster.kubeconfig, context: 'admin' });
          // KGD1411 follows from KGD1402 (the Service selecting no pods leaves the listener without one) and goes with it.
          assert.deepEqual(routingFindings(before.diagnostics).map((d) => d.code).sort(), ['KGD1302', 'KGD1402', 'KGD1411']);
          const r = spawnSync(process.execPath, [fromRoot('bin', 'kgd.js'), 'fix', '--cluster', '--kubeconfig', cluster.kubeconfig, '--apply', '--yes', '--force-conflicts'], { cwd: ROOT, encoding: 'utf8' });
          // Exit 1: KGD1411 had no single safe repair when fix planned (it is a consequence of KGD1402, and goes with it,
          // as the check below shows).
          assert.equal(r.status, 1, r.stderr);
          assert.match(r.stdout + r.stderr, /KGD1411/);
          const after = await checkCluster({ kubeconfig: cluster.kubeconfig, context: 'admin' });
          assert.deepEqual(said(routingFindings(after.diagnostics)), []);
        });
      }
      if (c.name === 'broken example') {
        it('from the command line, through a kubeconfig context; a bad token is one clear line and exit 2', () => {
          const run = (ctx: string) => spawnSync(process.execPath, [fromRoot('bin', 'kgd.js'), 'check', '--cluster', '--kubeconfig', cluster.kubeconfig, '--context', ctx], { cwd: ROOT, encoding: 'utf8' });
          const ok = run('admin');
          // Only some namespaces: the example's all live in these, so the findings are the same.
          const some = spawnSync(process.execPath, [fromRoot('bin', 'kgd.js'), 'check', '--cluster', '--kubeconfig', cluster.kubeconfig, '--severity', 'KGD1411=off', '--severity', 'KGD1703=off', '--severity', 'KGD1704=off', '--namespaces', 'online-serving', '--namespaces', 'istio-system', '--namespaces', 'knative-serving,kserve'], { cwd: ROOT, encoding: 'utf8' });
          // Read from some namespaces only, the input is not the whole cluster: the check that needs it (KGD1411) does
          // not run there, and absent Endpoints are assumed (KGD1703 becomes KGD1704), so both runs leave them out;
          // everything else is the same.
          const whole = spawnSync(process.execPath, [fromRoot('bin', 'kgd.js'), 'check', '--cluster', '--kubeconfig', cluster.kubeconfig, '--context', 'admin', '--severity', 'KGD1411=off', '--severity', 'KGD1703=off', '--severity', 'KGD1704=off'], { cwd: ROOT, encoding: 'utf8' });
          assert.equal(some.stdout, whole.stdout);
          // kubectl's spelling: -n NS reads NS and the platform's namespaces (the example's live in them), -A every one.
          const nFlag = spawnSync(process.execPath, [fromRoot('bin', 'kgd.js'), 'check', '--cluster', '--kubeconfig', cluster.kubeconfig, '--severity', 'KGD1411=off', '--severity', 'KGD1703=off', '--severity', 'KGD1704=off', '-n', 'online-serving'], { cwd: ROOT, encoding: 'utf8' });
          assert.equal(nFlag.stdout, whole.stdout);
          assert.match(nFlag.stderr, /^kgd: reading namespace online-serving and the platform's istio-system, knative-serving, kserve, kubeflow/);
          const all = spawnSync(process.execPath, [fromRoot('bin', 'kgd.js'), 'check', '--cluster', '--kubeconfig', cluster.kubeconfig, '-A'], { cwd: ROOT, encoding: 'utf8' });
          assert.equal(all.stdout, ok.stdout);
          const both = spawnSync(process.execPath, [fromRoot('bin', 'kgd.js'), 'check', '--cluster', '--kubeconfig', cluster.kubeconfig, '-A', '-n', 'x'], { cwd: ROOT, encoding: 'utf8' });
          assert.equal(both.status, 2);
          const traceN = spawnSync(process.execPath, [fromRoot('bin', 'kgd.js'), 'trace', 'http://sklearn-iris.online-serving.svc.cluster.local/', '--cluster', '--kubeconfig', cluster.kubeconfig, '-n', 'online-serving', '-o', 'json'], { cwd: ROOT, encoding: 'utf8' });
          assert.equal(traceN.status, 1, traceN.stderr);
          const dumpN = spawnSync(process.execPath, [fromRoot('bin', 'kgd.js'), 'dump', '--cluster', '--kubeconfig', cluster.kubeconfig, '-n', 'online-serving'], { cwd: ROOT, encoding: 'utf8' });
          assert.equal(dumpN.status, 0, dumpN.stderr);
          assert.doesNotMatch(dumpN.stdout.split('\n')[0]!, /complete/, 'a dump of some namespaces does not say it is the whole cluster');
          const none = spawnSync(process.execPath, [fromRoot('bin', 'kgd.js'), 'check', '--cluster', '--kubeconfig', cluster.kubeconfig, '--namespaces', 'online-serving'], { cwd: ROOT, encoding: 'utf8' });
          assert.notEqual(none.stdout, ok.stdout, 'leaving out the gateway namespaces changes what kgd sees');
          assert.equal(ok.status, 1, ok.stderr);
          assert.match(ok.stdout, /KGD1305/);
          const bad = run('bad');
          assert.equal(bad.status, 2);
          assert.equal(bad.stderr.trim().split('\n').length, 1);
          assert.match(bad.stderr, /refused the credentials \(401 Unauthorized\)/);
        });
        it('kgd logs --cluster: no kubelet here, so no log can be read: each pod is named with the API server\'s reason, exit 2; the requests are the right pods/log reads (audit log)', async () => {
          const kc = new KubeConfig();
          kc.loadFromFile(cluster.kubeconfig);
          const pod = (ns: string, name: string, labels: Record<string, string>, containers: string[], nodeName?: string) => create(kc, { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: ns, labels }, spec: { ...(nodeName ? { nodeName } : {}), containers: containers.map((c) => ({ name: c, image: 'img' })) } } as KubernetesObject);
          // No ServiceAccount controller here: the pods' account is made by hand.
          await create(kc, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: 'knative-serving' } } as KubernetesObject);
          // A pod bound to a node the server does not know, and one never scheduled.
          await pod('knative-serving', 'activator-0', { app: 'activator' }, ['istio-proxy', 'activator'], 'kgd-no-such-node');
          await pod('knative-serving', 'net-istio-controller-0', { app: 'net-istio-controller' }, ['controller']);
          const r = spawnSync(process.execPath, [fromRoot('bin', 'kgd.js'), 'logs', '--cluster', '--kubeconfig', cluster.kubeconfig, '--since', '10m', '--tail', '50', '-o', 'json'], { cwd: ROOT, encoding: 'utf8' });
          assert.equal(r.status, 2, r.stderr + r.stdout);
          const out = JSON.parse(r.stdout) as { fetched: { pod: string; container: string; ok: boolean; error?: string; path: string }[]; notes: string[] };
          const byPod = Object.fromEntries(out.fetched.map((f) => [f.pod, f]));
          assert.equal(byPod['knative-serving/activator-0']?.container, 'activator', 'the container is chosen by name, not the first');
          for (const f of out.fetched) assert.equal(f.ok, false, `${f.pod}: ${JSON.stringify(f)}`);
          assert.match(byPod['knative-serving/activator-0']!.error!, /kgd-no-such-node|node/);
          assert.ok(out.notes.some((n) => /cannot read the log of knative-serving\/activator-0 \(container activator\)/.test(n)), out.notes.join('\n'));
          // The API server's record of what kgd asked for.
          const audit = readFileSync(cluster.auditLog, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { verb: string; requestURI: string; objectRef?: { subresource?: string } });
          const reads = audit.filter((e) => e.objectRef?.subresource === 'log').map((e) => `${e.verb} ${e.requestURI}`).sort();
          // Under the shipped roles: without deploy/clusterrole-logs.yaml each read is refused (403); with it, the reads
          // reach the pods as for admin.
          const asLimited = () => spawnSync(process.execPath, [fromRoot('bin', 'kgd.js'), 'logs', '--cluster', '--kubeconfig', cluster.kubeconfig, '--context', 'limited', '-o', 'json'], { cwd: ROOT, encoding: 'utf8' });
          const roles = (await loadSources([fromRoot('deploy', 'clusterrole.yaml'), fromRoot('deploy', 'clusterrole-logs.yaml')])).resources.map((x) => x.object as KubernetesObject);
          for (const role of roles) await create(kc, role);
          const bind = (role: string) => create(kc, { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: `logs-test-${role}` }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role }, subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'limited' }] } as KubernetesObject);
          await bind('kgd-reader');
          const refused = JSON.parse(asLimited().stdout) as { notes: string[] };
          assert.ok(refused.notes.some((n) => /cannot list pods in knative-serving.*forbidden|403/.test(n)), refused.notes.join('\n'));
          await bind('kgd-log-reader');
          const allowed = JSON.parse(asLimited().stdout) as { fetched: { pod: string; error?: string }[] };
          assert.deepEqual(allowed.fetched.map((f) => /forbidden/.test(f.error ?? '')), [false, false], JSON.stringify(allowed.fetched));
          for (const role of ['kgd-reader', 'kgd-log-reader']) await kubeRequest(kc, 'DELETE', `/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/logs-test-${role}`);
          for (const role of roles) await kubeRequest(kc, 'DELETE', `/apis/rbac.authorization.k8s.io/v1/clusterroles/${role.metadata!.name}`);
          // The pods go again: the tests after this one compare the cluster with the example's files.
          for (const name of ['activator-0', 'net-istio-controller-0']) await kubeRequest(kc, 'DELETE', `/api/v1/namespaces/knative-serving/pods/${name}?gracePeriodSeconds=0`);
          await kubeRequest(kc, 'DELETE', '/api/v1/namespaces/knative-serving/serviceaccounts/default');
          assert.deepEqual([...new Set(reads)], [
            'get /api/v1/namespaces/knative-serving/pods/activator-0/log?container=activator&sinceSeconds=600&tailLines=50',
            'get /api/v1/namespaces/knative-serving/pods/net-istio-controller-0/log?container=controller&sinceSeconds=600&tailLines=50',
          ]);
        });
        it('KGD1613\'s claim: a key the EnvoyFilter schema lacks is refused under strict field validation and dropped otherwise', async () => {
          const kc = new KubeConfig();
          kc.loadFromFile(cluster.kubeconfig);
          const ef = (name: string) => ({ apiVersion: 'networking.istio.io/v1alpha3', kind: 'EnvoyFilter', metadata: { name, namespace: 'istio-system' }, spec: { workloadLabels: { app: 'x' }, configPatches: [{ applyTo: 'HTTP_FILTER', listener: { portNumber: 8080 }, match: { context: 'GATEWAY' }, patch: { operation: 'INSERT_BEFORE', value: { name: 'envoy.filters.http.lua' } } }] } });
          const path = await collectionPath(resourceNames(kc), 'networking.istio.io/v1alpha3', 'EnvoyFilter', 'istio-system');
          await assert.rejects(kubeRequest(kc, 'POST', `${path}?fieldValidation=Strict`, ef('strict')), /unknown field "spec\.(configPatches\[0\]\.listener|workloadLabels)"/);
          await kubeRequest(kc, 'POST', `${path}?fieldValidation=Ignore`, ef('ignored'));
          const got = (await kubeRequest(kc, 'GET', `${path}/ignored`)) as { spec: Record<string, unknown> & { configPatches: Record<string, unknown>[] } };
          assert.deepEqual([Object.keys(got.spec).sort(), Object.keys(got.spec.configPatches[0]!).sort()], [['configPatches'], ['applyTo', 'match', 'patch']]);
          await kubeRequest(kc, 'DELETE', `${path}/ignored`);
        });
        it('kgd dump writes a snapshot that kgd check reads offline with the same findings; kgd trace --cluster predicts as on files', () => {
          const kgd = (args: string[]) => spawnSync(process.execPath, [fromRoot('bin', 'kgd.js'), ...args], { cwd: ROOT, encoding: 'utf8' });
          const dump = kgd(['dump', '--cluster', '--kubeconfig', cluster.kubeconfig]);
          assert.equal(dump.status, 0, dump.stderr);
          const file = join(mkdtempSync(join(tmpdir(), 'kgd-dump-')), 'dump.yaml');
          writeFileSync(file, dump.stdout);
          const offline = kgd(['check', file, '-o', 'json']);
          const live = kgd(['check', '--cluster', '--kubeconfig', cluster.kubeconfig, '-o', 'json']);
          const codes = (out: string) => (JSON.parse(out) as { diagnostics: { code: string; resource: string; path: string; message: string }[] }).diagnostics.map((d) => `${d.code} ${d.resource} ${d.path} ${d.message}`).sort();
          assert.deepEqual(codes(offline.stdout), codes(live.stdout));
          assert.ok(codes(live.stdout).length > 0);
          const url = 'http://sklearn-iris.online-serving.svc.cluster.local/v1/models/sklearn-iris:predict';
          const t = kgd(['trace', url, '--cluster', '--kubeconfig', cluster.kubeconfig, '-o', 'json']);
          const f = kgd(['trace', url, c.paths[0]!, '-o', 'json']);
          assert.equal(t.status, 1);
          const pick = (out: string) => { const r = (JSON.parse(out) as { trace: { outcome: string; verdict: string } }).trace; return [r.outcome, r.verdict]; };
          assert.deepEqual(pick(t.stdout), pick(f.stdout));
        });
        it('under the shipped read-only ClusterRole it reads everything; under one that lacks a kind it finishes and names it', async () => {
          const kc = new KubeConfig();
          kc.loadFromFile(cluster.kubeconfig);
          const role = (await loadSources([fromRoot('deploy', 'clusterrole.yaml')])).resources[0]!.object as KubernetesObject;
          await create(kc, role);
          const bind = (name: string, roleName: string, user: string) => create(kc, { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: roleName }, subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: user }] } as KubernetesObject);
          await bind('kgd-reader', 'kgd-reader', 'reader');
          const rules = (role as unknown as { rules: { resources: string[] }[] }).rules;
          const lacking = { ...role, metadata: { name: 'kgd-reader-no-netpol' }, rules: rules.map((r) => ({ ...r, resources: r.resources.filter((x) => x !== 'networkpolicies') })).filter((r) => r.resources.length > 0) } as KubernetesObject;
          await create(kc, lacking);
          await bind('kgd-limited', 'kgd-reader-no-netpol', 'limited');
          const admin = await checkCluster({ kubeconfig: cluster.kubeconfig, context: 'admin' });
          // RBAC bindings take effect at once on one API server; the authorizer cache may need a moment.
          let reader = await checkCluster({ kubeconfig: cluster.kubeconfig, context: 'reader' });
          for (let i = 0; i < 20 && reader.diagnostics.some((d) => d.id === 'ClusterListFailed'); i++) {
            await new Promise((r) => setTimeout(r, 250));
            reader = await checkCluster({ kubeconfig: cluster.kubeconfig, context: 'reader' });
          }
          assert.deepEqual(said(reader.diagnostics), said(admin.diagnostics));
          const limited = await checkCluster({ kubeconfig: cluster.kubeconfig, context: 'limited' });
          const failed = limited.diagnostics.filter((d) => d.id === 'ClusterListFailed');
          assert.deepEqual(failed.map((d) => d.message), ['Could not list NetworkPolicy (networking.k8s.io/v1) from the cluster: forbidden by RBAC (403); grant list on it, see deploy/clusterrole.yaml.']);
          // Without NetworkPolicies, the NetworkPolicy finding of the example is gone, and nothing else changes.
          // Without NetworkPolicies the read is not the whole cluster, so the whole-cluster checks (KGD1411, and KGD1703:
          // absent Endpoints are assumed, so the prober's "failed to get Endpoints" becomes "not probed", KGD1704) differ too.
          const netpol = (ds: readonly Diagnostic[]) => ds.filter((d) => d.id !== 'ClusterListFailed' && !d.code.startsWith('KGD160') && !['KGD1411', 'KGD1703', 'KGD1704'].includes(d.code));
          assert.deepEqual(said(netpol(limited.diagnostics)), said(netpol(admin.diagnostics)));
          assert.ok(admin.diagnostics.some((d) => d.code === 'KGD1601'));
        });
        it('kgd fix --cluster --apply: dry run first with a diff and nothing stored; conflicts reported, not forced; --force-conflicts repairs', async () => {
          const kc = new KubeConfig();
          kc.loadFromFile(cluster.kubeconfig);
          const rv = async () => Promise.all(['/api/v1/namespaces/kserve/configmaps/inferenceservice-config', '/api/v1/namespaces/istio-system/services/custom-gateway']
            .map(async (p) => ((await kubeRequest(kc, 'GET', p)) as { metadata: { resourceVersion: string } }).metadata.resourceVersion));
          const fix = (extra: string[]) => spawnSync(process.execPath, [fromRoot('bin', 'kgd.js'), 'fix', '--cluster', '--kubeconfig', cluster.kubeconfig, '--context', 'admin', ...extra], { cwd: ROOT, encoding: 'utf8' });
          const before = await checkCluster({ kubeconfig: cluster.kubeconfig, context: 'admin' });
          const versions = await rv();
          // The objects were created by another field manager: the server's dry run already reports the conflict.
          const conflicted = fix(['--apply']);
          assert.equal(conflicted.status, 1, conflicted.stderr);
          assert.match(conflicted.stderr, /conflict with "[^"]+" using v1: \.data\.ingress/);
          assert.deepEqual(await rv(), versions, 'a conflict is not forced');
          // Taking the fields over: the dry run passes and shows the diff, but without a terminal or --yes nothing is applied.
          const dry = fix(['--apply', '--force-conflicts']);
          assert.equal(dry.status, 2, dry.stderr);
          assert.match(dry.stderr, /\+\+\+ repaired ConfigMap kserve\/inferenceservice-config/);
          assert.match(dry.stderr, /\+\s+"localGatewayService": "custom-gateway\.istio-system\.svc\.cluster\.local"/);
          assert.match(dry.stderr, /pass --yes/);
          assert.deepEqual(await rv(), versions, 'the dry run stored nothing');
          const forced = fix(['--apply', '--yes', '--force-conflicts']);
          assert.match(forced.stderr, /ConfigMap kserve\/inferenceservice-config: applied/);
          assert.notDeepEqual(await rv(), versions);
          const after = await checkCluster({ kubeconfig: cluster.kubeconfig, context: 'admin' });
          const codes = (r: typeof after) => r.diagnostics.map((d) => d.code);
          assert.ok(codes(before).includes('KGD1305') && codes(before).includes('KGD1402'));
          assert.ok(!codes(after).includes('KGD1305') && !codes(after).includes('KGD1402'), said(after.diagnostics).join('\n'));
          assert.deepEqual(said(after.diagnostics).filter((x) => !said(before.diagnostics).includes(x)), [], 'no new finding');
        });
      }
    });
  }
});
