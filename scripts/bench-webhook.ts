/**
 * `npm run bench:webhook -- [--isvcs 10000] [--namespaces 100] [--requests 1000] [--concurrency 50[,10,1]] [--save]`:
 * on the test kube-apiserver, a generated cluster (scripts/gen-cluster.ts: every InferenceService with what KServe,
 * Knative and net-istio make for it), then the same dry-run changes sent to the API server `--concurrency` at a
 * time (loopback; `--requests` in all: nine InferenceService edits, then a KServe VirtualService sent to a missing
 * Gateway) twice: without the webhook registered (the API server's own latency) and with `kgd webhook serve`
 * registered (failurePolicy Ignore, the shipped configuration), with a peer between them: a webhook that admits
 * everything at once (scripts/null-webhook.ts: the cost of any webhook on this machine). Prints p50/p99 of both and the difference (target:
 * p99 ≤ 100 ms added), the webhook's own decision times from its logs, one platform change (a Gateway selector),
 * and the memory of the webhook's cache (heap after a forced GC, in this process) against the JSON size of the
 * listed objects. Writes bench/results/webhook-<isvcs>.json with --save.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { get } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { loadAll } from 'js-yaml';
import { fail, saveResult, scriptArgs, wholeNumber } from './script-args.js';
import { generateCluster } from './gen-cluster.js';
import { loadCluster, loadConfig } from '../src/load/cluster.js';
import { kubeRequest } from '../src/load/kube-http.js';
import { loadSources } from '../src/load/sources.js';
import { ClusterWatch } from '../src/webhook/cache.js';
import { makeCerts } from '../src/webhook/certs.js';
import { findGo, freePort, startCluster } from '../test/helpers/cluster.js';
import { create, installCrds } from '../test/helpers/kube-objects.js';
import { fromRoot } from '../test/helpers/paths.js';

const values = scriptArgs('bench:webhook', {
  isvcs: { type: 'string', default: '10000' }, namespaces: { type: 'string', default: '100' }, requests: { type: 'string', default: '1000' },
  concurrency: { type: 'string', default: '50' }, save: { type: 'boolean', default: false },
}, 'npm run bench:webhook -- [--isvcs 10000] [--namespaces 100] [--requests 1000] [--concurrency 50[,10,1]] [--save]');
const isvcs = wholeNumber('bench:webhook', 'isvcs', values.isvcs, 1);
const namespaces = wholeNumber('bench:webhook', 'namespaces', values.namespaces, 1);
const requests = wholeNumber('bench:webhook', 'requests', values.requests, 1);
/** Each level is measured in every phase (the first is the headline). */
const levels = (values.concurrency ?? '50').split(',').map((c) => wholeNumber('bench:webhook', 'concurrency', c.trim(), 1));
const concurrency = levels[0]!;
if (!findGo()) fail('bench:webhook', 'Go is needed to build the test API server (none on the PATH or in /usr/local/go)');
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) fail('bench:webhook', 'run with node --expose-gc (npm run bench:webhook does)');

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const log = (s: string) => process.stderr.write(`${s}\n`);
const pct = (xs: number[], p: number) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!; };
const round = (x: number) => Math.round(x * 10) / 10;

const cluster = await startCluster({ serviceRange: '10.96.0.0/12' });
let webhook: ChildProcess | undefined;
try {
  const kc = new KubeConfig();
  kc.loadFromFile(cluster.kubeconfig);
  await installCrds(kc);
  const docs: string[] = [];
  generateCluster({ isvcs, namespaces, broken: 0 }, (d) => docs.push(d));
  const objects = docs.flatMap((d) => loadAll(d) as Obj[]).map((o) => { const { status: _s, ...rest } = o; return rest; });
  const t0 = performance.now();
  const nss = objects.filter((o) => o['kind'] === 'Namespace').map((o) => o['metadata'].name as string);
  for (const ns of new Set(objects.map((o) => o['metadata'].namespace as string | undefined).filter((x): x is string => !!x && !nss.includes(x) && x !== 'default'))) await create(kc, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  const ordered = [...objects.filter((o) => o['kind'] === 'Namespace'), ...objects.filter((o) => o['kind'] !== 'Namespace')];
  for (let i = 0; i < ordered.length; i += 32) await Promise.all(ordered.slice(i, i + 32).map((o) => create(kc, o as KubernetesObject)));
  log(`created ${ordered.length} objects in ${((performance.now() - t0) / 1000).toFixed(0)} s`);

  // The cache's memory: a watch in this process, heap after a forced GC before and after it synced.
  const listed = await loadCluster({ kubeconfig: cluster.kubeconfig });
  const jsonBytes = listed.resources.reduce((n, r) => n + Buffer.byteLength(JSON.stringify(r.object)), 0);
  gc!();
  const heap0 = process.memoryUsage().heapUsed;
  const watch = new ClusterWatch(loadConfig({ kubeconfig: cluster.kubeconfig }));
  await watch.start();
  while (!watch.synced) await new Promise((r) => setTimeout(r, 100));
  gc!();
  const cacheBytes = process.memoryUsage().heapUsed - heap0;
  const cached = watch.store.size;
  await watch.stop();
  log(`cache: ${cached} objects, ${(cacheBytes / 1e6).toFixed(0)} MB heap for ${(jsonBytes / 1e6).toFixed(0)} MB of listed JSON`);

  // The changes: dry runs, so the cluster stays as it is and both rounds send the same requests.
  const isvcList = objects.filter((o) => o['kind'] === 'InferenceService');
  const change = (i: number): { path: string; patch: Obj } => {
    const o = isvcList[(i * 7919) % isvcList.length]!;
    const { name, namespace } = o['metadata'];
    if (i % 10 === 9) return { path: `/apis/networking.istio.io/v1beta1/namespaces/${namespace}/virtualservices/${name}`, patch: { spec: { gateways: ['knative-serving/no-such-gateway'] } } };
    return { path: `/apis/serving.kserve.io/v1beta1/namespaces/${namespace}/inferenceservices/${name}`, patch: { metadata: { annotations: { 'bench.kgd.io/run': String(i) } } } };
  };
  const round1 = async (concurrency: number): Promise<{ ms: number[]; warned: number }> => {
    const ms: number[] = [];
    let warned = 0;
    for (let i = 0; i < requests; i += concurrency) {
      await Promise.all(Array.from({ length: Math.min(concurrency, requests - i) }, async (_, j) => {
        const c = change(i + j);
        const s = performance.now();
        await kubeRequest(kc, 'PATCH', `${c.path}?dryRun=All`, c.patch, 'application/merge-patch+json');
        ms.push(performance.now() - s);
        if ((i + j) % 10 === 9) warned++;
      }));
    }
    return { ms, warned };
  };
  /** Every level, in order. */
  const rounds = async () => { const out: Awaited<ReturnType<typeof round1>>[] = []; for (const c of levels) out.push(await round1(c)); return out; };
  const withoutAll = await rounds();
  const without = withoutAll[0]!;
  log(`without the webhook: p50 ${round(pct(without.ms, 50))} ms, p99 ${round(pct(without.ms, 99))} ms`);

  const dir = mkdtempSync(join(tmpdir(), 'kgd-bench-webhook-'));
  const b = makeCerts({ service: 'kgd-webhook', namespace: 'kgd-system', ips: ['127.0.0.1'] });
  writeFileSync(join(dir, 'tls.crt'), b.cert);
  writeFileSync(join(dir, 'tls.key'), b.key);
  const port = await freePort();
  const lines: Obj[] = [];
  webhook = spawn(process.execPath, [fromRoot('bin', 'kgd.js'), 'webhook', 'serve', '--tls-cert', join(dir, 'tls.crt'), '--tls-key', join(dir, 'tls.key'), '--port', String(port), '--kubeconfig', cluster.kubeconfig], { stdio: ['ignore', 'pipe', 'inherit'] });
  let buf = '';
  webhook.stdout!.on('data', (c: Buffer) => { buf += c.toString('utf8'); const ls = buf.split('\n'); buf = ls.pop()!; for (const l of ls) lines.push(JSON.parse(l) as Obj); });
  const readyz = () => new Promise<number>((resolve) => { const r = get({ host: '127.0.0.1', port, path: '/readyz', ca: b.caCert, servername: 'kgd-webhook.kgd-system.svc' }, (res) => { res.resume(); resolve(res.statusCode ?? 0); }); r.on('error', () => resolve(0)); });
  const ws = performance.now();
  while ((await readyz()) !== 200) await new Promise((r) => setTimeout(r, 200));
  while (!lines.some((l) => l['msg'] === 'synced')) await new Promise((r) => setTimeout(r, 100));
  const syncMs = performance.now() - ws;
  const warmMs = lines.find((l) => l['msg'] === 'synced')!['warmMs'] as number;
  log(`webhook ready in ${(syncMs / 1000).toFixed(1)} s (split of the cluster: ${warmMs} ms)`);
  const vwcPath = '/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/kgd-webhook';
  const register = async (url: string) => {
    const vwc = structuredClone((await loadSources([fromRoot('deploy', 'webhook', 'base', 'validatingwebhookconfiguration.yaml')])).resources[0]!.object) as Obj;
    for (const w of vwc['webhooks']) w.clientConfig = { url, caBundle: Buffer.from(b.caCert).toString('base64') };
    await create(kc, vwc as KubernetesObject);
  };

  // The peer: a webhook that admits everything at once, on the same certificate.
  const nullPort = await freePort();
  const peer = spawn(process.execPath, [fromRoot('dist', 'scripts', 'null-webhook.js'), join(dir, 'tls.crt'), join(dir, 'tls.key'), String(nullPort)], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((r) => peer.stdout!.once('data', r));
  await register(`https://127.0.0.1:${nullPort}/validate`);
  // The API server loads webhook configurations through a watch: a moment before calls arrive.
  await new Promise((r) => setTimeout(r, 2000));
  const withNullAll = await rounds();
  const withNull = withNullAll[0]!;
  peer.kill('SIGTERM');
  await kubeRequest(kc, 'DELETE', vwcPath);
  log(`with a webhook that admits at once: p50 ${round(pct(withNull.ms, 50))} ms, p99 ${round(pct(withNull.ms, 99))} ms`);

  await register(`https://127.0.0.1:${port}/validate`);
  // Until the API server calls it.
  while (!lines.some((l) => l['msg'] === 'admission')) {
    await kubeRequest(kc, 'PATCH', `${change(0).path}?dryRun=All`, change(0).patch, 'application/merge-patch+json');
    await new Promise((r) => setTimeout(r, 200));
  }
  const from = lines.length;
  const withHookAll = await rounds();
  const withHook = withHookAll[0]!;
  const decided = lines.slice(from).filter((l) => l['msg'] === 'admission');
  const own = decided.map((l) => l['ms'] as number);
  const outcomes: Record<string, number> = {};
  for (const l of decided) outcomes[l['outcome'] as string] = (outcomes[l['outcome'] as string] ?? 0) + 1;
  log(`with the webhook: p50 ${round(pct(withHook.ms, 50))} ms, p99 ${round(pct(withHook.ms, 99))} ms; the webhook's own time p50 ${round(pct(own, 50))} ms, p99 ${round(pct(own, 99))} ms; outcomes ${JSON.stringify(outcomes)}`);

  // One platform change: the local Gateway's selector (every InferenceService's path).
  const gwPath = '/apis/networking.istio.io/v1beta1/namespaces/knative-serving/gateways/knative-local-gateway';
  const gs = performance.now();
  await kubeRequest(kc, 'PATCH', `${gwPath}?dryRun=All`, { spec: { selector: { istio: 'typo' } } }, 'application/merge-patch+json');
  const gatewayMs = performance.now() - gs;
  await new Promise((r) => setTimeout(r, 300));
  const gwLine = lines.filter((l) => l['msg'] === 'admission' && l['kind'] === 'Gateway').pop();
  log(`platform change (Gateway selector): ${Math.round(gatewayMs)} ms through the API server, outcome ${gwLine?.['outcome']} (${gwLine?.['scope']}, ${gwLine?.['objects']} objects)`);

  const result = {
    isvcs, namespaces, objects: cached, requests, concurrency,
    levels: levels.map((c, i) => ({
      concurrency: c,
      withoutMs: { p50: round(pct(withoutAll[i]!.ms, 50)), p99: round(pct(withoutAll[i]!.ms, 99)) },
      nullMs: { p50: round(pct(withNullAll[i]!.ms, 50)), p99: round(pct(withNullAll[i]!.ms, 99)) },
      kgdMs: { p50: round(pct(withHookAll[i]!.ms, 50)), p99: round(pct(withHookAll[i]!.ms, 99)) },
    })),
    withoutWebhookMs: { p50: round(pct(without.ms, 50)), p99: round(pct(without.ms, 99)) },
    withNullWebhookMs: { p50: round(pct(withNull.ms, 50)), p99: round(pct(withNull.ms, 99)) },
    withWebhookMs: { p50: round(pct(withHook.ms, 50)), p99: round(pct(withHook.ms, 99)) },
    addedOverNullMs: { p50: round(pct(withHook.ms, 50) - pct(withNull.ms, 50)), p99: round(pct(withHook.ms, 99) - pct(withNull.ms, 99)) },
    addedMs: { p50: round(pct(withHook.ms, 50) - pct(without.ms, 50)), p99: round(pct(withHook.ms, 99) - pct(without.ms, 99)) },
    webhookOwnMs: { p50: round(pct(own, 50)), p99: round(pct(own, 99)) }, outcomes,
    platformChange: { ms: Math.round(gatewayMs), outcome: gwLine?.['outcome'], scope: gwLine?.['scope'], objects: gwLine?.['objects'] },
    readyMs: Math.round(syncMs), warmMs,
    cache: { heapMB: Math.round(cacheBytes / 1e6), listedJsonMB: Math.round(jsonBytes / 1e6), ratio: Number((cacheBytes / jsonBytes).toFixed(2)) },
  };
  console.log(JSON.stringify(result, null, 2));
  console.log(`p99 added by the webhook: ${result.addedMs.p99} ms (target ≤ 100 ms)`);
  saveResult(`webhook-${isvcs}.json`, result, values.save);
  if (result.addedMs.p99 > 100) process.exitCode = 1;
} finally {
  webhook?.kill('SIGTERM');
  await cluster.stop();
}
