/**
 * `kgd serve`'s server on loopback: its API gives the bytes of the CLI commands it stands for (trace -o json,
 * generate local-gateway, fix's JSON patch, the rule docs), it is read-only (GET only), answers only to its own
 * address, exposes /healthz and /metrics, tells pages about changes over server-sent events, and holds up under a
 * bounded burst of requests. Bad flags and input are one line and exit 2.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { loadSources } from '../src/load/sources.js';
import { ServeState, type ServedInput, type View } from '../src/server/state.js';
import { hostAllowed, startServeServer, type RunningServer } from '../src/server/server.js';
import { startServe } from './helpers/browser.js';
import { generateFor } from '../src/cli/commands/serve.js';
import { fromRoot, ROOT } from './helpers/paths.js';

const kgd = (args: string[]) => spawnSync(process.execPath, [fromRoot('bin', 'kgd.js'), ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
const BROKEN = 'examples/custom-gateway-broken';

async function input(path: string): Promise<ServedInput> {
  const l = await loadSources([path]);
  return { resources: l.resources, problems: l.problems, options: {}, source: path };
}

function get(url: string, headers: Record<string, string> = {}, method = 'GET'): Promise<{ status: number; body: string; type: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), type: String(res.headers['content-type']) }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('kgd serve: the server', () => {
  let state: ServeState;
  let server: RunningServer;
  const u = (p: string) => new URL(p, server.url).toString();

  before(async () => {
    state = new ServeState(await input(BROKEN), false);
    server = await startServeServer({ host: '127.0.0.1', port: 0, state, generate: generateFor });
  });
  after(() => server?.close());

  it('serves the built page and its assets, nothing else from disk', async () => {
    const index = await get(u('/'));
    assert.equal(index.status, 200);
    assert.match(index.type, /text\/html/);
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(index.body)![1]!;
    assert.equal((await get(u(asset))).status, 200);
    for (const p of ['/../package.json', '/assets/../../package.json', '/%2e%2e/package.json', '/%2E%2E%2Fpackage.json', '/etc/passwd']) assert.equal((await get(u(p))).status, 404, p);
  });

  it('/api/view: the laid-out graph of check and trace, and the selection asked for', async () => {
    const v = JSON.parse((await get(u('/api/view'))).body) as View;
    const check = JSON.parse(kgd(['check', '-o', 'json', BROKEN]).stdout) as { summary: { errors: number; warnings: number } };
    assert.equal(v.summary.errors, check.summary.errors);
    assert.equal(v.summary.warnings, check.summary.warnings);
    assert.deepEqual(v.graph.drawn, ['online-serving/sklearn-iris']);
    assert.ok(v.graph.nodes.every((n) => n.box.w > 0));
    const none = JSON.parse((await get(u('/api/view?none=1'))).body) as View;
    assert.deepEqual(none.graph.drawn, []);
    assert.ok(!none.graph.nodes.some((n) => n.kind === 'isvc'));
  });

  it('/api/trace gives the bytes of kgd trace -o json', async () => {
    const url = 'http://sklearn-iris.online-serving.svc.cluster.local/v1/models/sklearn-iris:predict';
    for (const extra of [[], ['--header', 'Host: sklearn-iris-predictor.online-serving.svc.cluster.local'], ['--sidecar']]) {
      const q = new URLSearchParams({ url, from: 'online-serving' });
      if (extra[0] === '--header') q.append('header', extra[1]!);
      if (extra[0] === '--sidecar') q.set('sidecar', '1');
      const r = await get(u(`/api/trace?${q}`));
      assert.equal(r.status, 200);
      assert.equal(r.body, kgd(['trace', url, BROKEN, '--from', 'online-serving', '-o', 'json', ...extra]).stdout, extra.join(' '));
    }
    const bad = await get(u(`/api/trace?url=${encodeURIComponent(url)}&activator=sideways`));
    assert.equal(bad.status, 400);
    assert.match(bad.body, /activator takes in, out or both/);
    assert.equal((await get(u('/api/trace'))).status, 400);
  });

  it('/api/generate gives the bytes of kgd generate local-gateway on the same input, and its errors', async () => {
    const q = new URLSearchParams({ name: 'ml-gw', selector: 'app=ml-gw', flavour: 'kubeflow', output: 'helm-values' });
    const r = await get(u(`/api/generate?${q}`));
    assert.equal(r.status, 200);
    assert.equal(r.body, kgd(['generate', 'local-gateway', '--name', 'ml-gw', '--selector', 'app=ml-gw', '--flavour', 'kubeflow', '-o', 'helm-values', BROKEN]).stdout);
    const missing = await get(u('/api/generate?name=x'));
    assert.equal(missing.status, 400);
    assert.match(missing.body, /--selector is required/);
  });

  it('/api/fix gives kgd fix\'s JSON patch for a finding; /api/docs the rule\'s page', async () => {
    const v = JSON.parse((await get(u('/api/view'))).body) as View;
    const f = v.graph.findings.find((x) => x.code === 'KGD1305' && x.repair)!;
    const r = JSON.parse((await get(u(`/api/fix?version=${v.version}&diagnostic=${f.diagnostic}`))).body) as { repairs: { resource: string; jsonPatch: unknown }[] };
    const cli = JSON.parse(kgd(['fix', BROKEN, '-o', 'json']).stdout) as { repairs: { resource: string; jsonPatch: unknown }[] };
    assert.equal(r.repairs.length, 1);
    assert.deepEqual(r.repairs[0]!.jsonPatch, cli.repairs.find((x) => x.resource === r.repairs[0]!.resource)!.jsonPatch);
    assert.equal((await get(u(`/api/fix?version=${v.version + 1}&diagnostic=${f.diagnostic}`))).status, 409);
    const doc = await get(u('/api/docs/KGD1401'));
    assert.equal(doc.body, readFileSync(fromRoot('docs', 'rules', 'KGD1401.md'), 'utf8'));
    assert.equal((await get(u('/api/docs/KGD9999'))).status, 404);
    assert.equal((await get(u('/api/docs/..%2Fjson-output'))).status, 404);
  });

  it('is read-only, answers to its own address only, and has health and metrics', async () => {
    for (const m of ['POST', 'PUT', 'PATCH', 'DELETE']) assert.equal((await get(u('/api/view'), {}, m)).status, 405, m);
    assert.equal((await get(u('/api/view'), { host: 'attacker.example:7878' })).status, 403);
    assert.equal((await get(u('/api/view'), { host: `localhost:${server.port}` })).status, 200);
    assert.equal(hostAllowed('192.168.1.5:7878', '0.0.0.0'), true);
    assert.equal(hostAllowed('kgd.example', '10.0.0.1'), false);
    assert.equal(hostAllowed('10.0.0.1:7878', '10.0.0.1'), true);
    assert.equal((await get(u('/healthz'))).body, 'ok\n');
    const metrics = (await get(u('/metrics'))).body;
    assert.match(metrics, /kgd_serve_requests_total\{route="\/api\/view",status="200"\} \d+/);
    assert.match(metrics, /kgd_serve_input_version 1/);
  });

  it('tells pages over server-sent events when the input changed', async () => {
    const events: string[] = [];
    const done = new Promise<void>((resolve, reject) => {
      const req = request(u('/api/events'), (res) => {
        assert.match(String(res.headers['content-type']), /text\/event-stream/);
        res.on('data', (c: Buffer) => {
          events.push(...c.toString('utf8').split('\n\n').filter((x) => x.startsWith('event:') || x.includes('\nevent:')));
          if (events.length === 1) state.update(state.input);
          if (events.length === 2) {
            req.destroy();
            resolve();
          }
        });
      });
      req.on('error', (e) => (events.length >= 2 ? resolve() : reject(e)));
      req.end();
    });
    await done;
    assert.match(events[0]!, /event: version\ndata: \{"version":1\}/);
    assert.match(events[1]!, /event: version\ndata: \{"version":2\}/);
    assert.equal((JSON.parse((await get(u('/api/view'))).body) as View).version, 2);
  });

  it('answers a bounded burst of 400 requests, 50 at a time, all correctly', async () => {
    const paths = ['/api/view', '/healthz', '/api/docs/KGD1402', `/api/view?isvc=online-serving%2Fsklearn-iris`];
    let ok = 0;
    for (let round = 0; round < 8; round++) {
      const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => get(u(paths[i % paths.length]!))));
      ok += answers.filter((a) => a.status === 200).length;
    }
    assert.equal(ok, 400);
  });
});

describe('kgd serve: the command', () => {
  it('binds to loopback by default and stops on SIGTERM with exit 0', async () => {
    const s = await startServe(['examples/custom-gateway-fixed']);
    assert.match(s.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    assert.equal((await get(new URL('/healthz', s.url).toString())).status, 200);
    await s.stop();
    assert.equal(s.process.exitCode, 0);
  });

  it('bad flags and input: one line, exit 2', () => {
    for (const [args, msg] of [
      [['serve', '--port', 'x', BROKEN], /--port takes a whole number/],
      [['serve', '--port', '70000', BROKEN], /--port takes a whole number/],
      [['serve', 'examples/nope'], /nope/],
      [['serve', '--cluster', BROKEN], /give no paths/],
      [['serve', '--kubeconfig', 'x', BROKEN], /go with --cluster/],
    ] as const) {
      const r = kgd([...args]);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, msg);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    }
  });
});
