/**
 * What deploy/webhook/ ships (rendered by kustomize, as `kubectl apply -k` would) and the Dockerfile: the
 * ValidatingWebhookConfiguration is safe (failurePolicy Ignore, timeout ≤ 5 s, no side effects, kube-system and
 * kgd's own namespace left out), its Service, port, path, certificate Secret and probes line up with the Deployment,
 * the ClusterRole is kgd-reader's with watch added, the cert-manager variant injects the CA, and the image is built
 * from what the repository has (its TypeScript stage compiles from src/ and bin/ alone; its runtime files are the npm
 * package's). test/webhook-cluster.test.ts runs the configuration and the role on a real API server.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { loadAll } from 'js-yaml';
import { knownKinds } from '../src/model/kinds.js';
import { findGo } from './helpers/cluster.js';
import { fromRoot, ROOT } from './helpers/paths.js';
import { tool } from './helpers/tools.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const skip = !findGo() && !process.env['CI'] ? 'Go is not installed (needed to build kustomize); CI runs this' : false;

/** The REST resource of a kind (its plural), as the API server names it. */
const plural = (kind: string) => (kind === 'Ingress' ? 'ingresses' : kind.endsWith('s') ? kind.toLowerCase() : /[^aeiou]y$/.test(kind) ? `${kind.slice(0, -1).toLowerCase()}ies` : `${kind.toLowerCase()}s`);

describe('deploy/webhook and the Dockerfile', { skip }, () => {
  let base: Obj[] = [];
  let withCertManager: Obj[] = [];
  const byKind = (objs: Obj[], kind: string) => objs.filter((o) => o['kind'] === kind);
  before(() => {
    const kustomize = tool('kustomize', findGo()!);
    const build = (dir: string) => {
      const r = spawnSync(kustomize, ['build', dir], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      return (loadAll(r.stdout) as Obj[]).filter(Boolean);
    };
    base = build(fromRoot('deploy', 'webhook'));
    withCertManager = build(fromRoot('deploy', 'webhook', 'cert-manager'));
  });

  it('the ValidatingWebhookConfiguration fails open, fast, without side effects, and never for kube-system or its own namespace', () => {
    const vwc = byKind(base, 'ValidatingWebhookConfiguration')[0]!;
    assert.ok(vwc);
    for (const w of vwc['webhooks'] as Obj[]) {
      assert.equal(w['failurePolicy'], 'Ignore');
      assert.ok(w['timeoutSeconds'] <= 5, `timeoutSeconds ${w['timeoutSeconds']}`);
      assert.equal(w['sideEffects'], 'None');
      assert.deepEqual(w['admissionReviewVersions'], ['v1']);
      const ns = (w['namespaceSelector'].matchExpressions as Obj[]).find((e) => e['key'] === 'kubernetes.io/metadata.name');
      assert.equal(ns?.['operator'], 'NotIn');
      assert.deepEqual([...ns!['values']].sort(), ['kgd-system', 'kube-system']);
      assert.deepEqual(w['objectSelector'].matchExpressions, [{ key: 'kgd.io/webhook', operator: 'NotIn', values: ['skip'] }]);
      assert.deepEqual(w['clientConfig'].service, { name: 'kgd-webhook', namespace: 'kgd-system', path: '/validate', port: 443 });
      // Every kind it is called for is one kgd reads.
      const read = new Set(knownKinds().map((k) => `${k.group}/${plural(k.kind)}`));
      for (const rule of w['rules'] as Obj[]) for (const g of rule['apiGroups']) for (const r of rule['resources']) assert.ok(read.has(`${g}/${r}`), `${g}/${r} is not a kind kgd reads`);
    }
  });

  it('Service, Deployment (2 replicas, probes, the TLS Secret), PDB and ServiceAccount line up', () => {
    const svc = byKind(base, 'Service')[0]!;
    const dep = byKind(base, 'Deployment')[0]!;
    const pdb = byKind(base, 'PodDisruptionBudget')[0]!;
    assert.equal(dep['spec'].replicas, 2);
    const pod = dep['spec'].template;
    const labels = pod.metadata.labels;
    for (const sel of [svc['spec'].selector, pdb['spec'].selector.matchLabels, dep['spec'].selector.matchLabels]) for (const [k, v] of Object.entries(sel)) assert.equal(labels[k], v);
    assert.equal(pdb['spec'].minAvailable, 1);
    const c = pod.spec.containers[0];
    const port = svc['spec'].ports[0];
    assert.equal(port.port, 443);
    assert.ok(c.ports.some((p: Obj) => p['name'] === port.targetPort), 'the Service targets the container port by name');
    assert.equal(c.readinessProbe.httpGet.path, '/readyz');
    assert.equal(c.livenessProbe.httpGet.path, '/healthz');
    const args: string[] = c.args;
    assert.deepEqual(args.slice(0, 2), ['webhook', 'serve']);
    const mount = c.volumeMounts.find((m: Obj) => m['name'] === 'tls').mountPath;
    assert.equal(args[args.indexOf('--tls-cert') + 1], `${mount}/tls.crt`);
    assert.equal(args[args.indexOf('--tls-key') + 1], `${mount}/tls.key`);
    assert.equal(args[args.indexOf('--port') + 1], String(c.ports[0].containerPort));
    // Every flag the Deployment passes is one `kgd webhook serve` takes.
    const help = spawnSync(process.execPath, [fromRoot('bin', 'kgd.js'), 'webhook', 'serve', '--help'], { encoding: 'utf8' }).stdout;
    for (const a of args.filter((x) => x.startsWith('--'))) assert.match(help, new RegExp(`${a}\\b`));
    assert.equal(pod.spec.serviceAccountName, byKind(base, 'ServiceAccount')[0]!['metadata'].name);
    assert.equal(pod.spec.securityContext.runAsNonRoot, true);
    assert.equal(c.securityContext.readOnlyRootFilesystem, true);
  });

  it('the ClusterRole is kgd-reader\'s (deploy/clusterrole.yaml) with watch, bound to the webhook\'s ServiceAccount', () => {
    const role = byKind(base, 'ClusterRole')[0]!;
    const reader = (loadAll(readFileSync(fromRoot('deploy', 'clusterrole.yaml'), 'utf8')) as Obj[])[0]!;
    assert.deepEqual(role['rules'].map((r: Obj) => ({ ...r, verbs: [...r['verbs']].sort() })), reader['rules'].map((r: Obj) => ({ ...r, verbs: [...r['verbs'], 'watch'].sort() })));
    const binding = byKind(base, 'ClusterRoleBinding')[0]!;
    assert.equal(binding['roleRef'].name, role['metadata'].name);
    assert.deepEqual(binding['subjects'], [{ kind: 'ServiceAccount', name: 'kgd-webhook', namespace: 'kgd-system' }]);
  });

  it('the cert-manager variant makes the Deployment\'s Secret and has the CA injected into the configuration', () => {
    const vwc = byKind(withCertManager, 'ValidatingWebhookConfiguration')[0]!;
    assert.equal(vwc['metadata'].annotations['cert-manager.io/inject-ca-from'], 'kgd-system/kgd-webhook');
    const cert = byKind(withCertManager, 'Certificate').find((c) => c['metadata'].name === 'kgd-webhook')!;
    const dep = byKind(withCertManager, 'Deployment')[0]!;
    assert.equal(cert['spec'].secretName, dep['spec'].template.spec.volumes.find((v: Obj) => v['name'] === 'tls').secret.secretName);
    assert.ok(cert['spec'].dnsNames.includes('kgd-webhook.kgd-system.svc'));
  });

  it('the Dockerfile builds from the repository: its inputs exist, src/ and bin/ compile alone, and it ships the npm package\'s files', () => {
    const text = readFileSync(fromRoot('Dockerfile'), 'utf8');
    const stages = text.split(/^FROM /m).slice(1);
    assert.equal(stages.length, 2);
    const copies = (stage: string) => [...stage.matchAll(/^COPY (?!--from)(.+) (\S+)$/gm)].flatMap((m) => m[1]!.split(' '));
    for (const src of [...copies(stages[0]!), ...copies(stages[1]!)]) assert.ok(existsSync(join(ROOT, src)), `COPY ${src}`);
    // The build stage's TypeScript: only package files, tsconfig.json, bin/ and src/.
    const dir = mkdtempSync(join(tmpdir(), 'kgd-image-'));
    for (const f of ['package.json', 'tsconfig.json', 'bin', 'src']) cpSync(join(ROOT, f), join(dir, f), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
    const tsc = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], { cwd: dir, encoding: 'utf8' });
    assert.equal(tsc.status, 0, tsc.stdout + tsc.stderr);
    const run = spawnSync(process.execPath, [join(dir, 'bin', 'kgd.js'), 'webhook', 'serve', '--help'], { cwd: dir, encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    // The runtime stage: the package's files (package.json "files"), its manifest and production modules.
    const runtime = [...stages[1]!.matchAll(/^COPY (?:--from=build \/src\/)?(\S+) /gm)].map((m) => m[1]!.replace(/\/$/, ''));
    const files = (JSON.parse(readFileSync(fromRoot('package.json'), 'utf8')) as { files: string[] }).files;
    assert.deepEqual([...runtime].sort(), [...files.filter((f) => f !== 'LICENSE'), 'package.json', 'node_modules'].sort());
    assert.match(stages[1]!, /^USER 1000$/m);
    assert.match(stages[1]!, /^ENTRYPOINT \["node", "\/app\/bin\/kgd\.js"\]$/m);
    assert.match(stages[0]!, /npm prune --omit=dev/);
  });
});
