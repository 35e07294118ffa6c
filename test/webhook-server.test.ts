/**
 * The webhook's HTTPS server (src/webhook/server.ts) on loopback: AdmissionReviews answered with the example's
 * findings, health and readiness, Prometheus metrics, a bad body refused with 400 (the API server then applies
 * failurePolicy: Ignore), the certificate reloaded from its files (and kept when the new pair does not match), and a
 * bounded load of concurrent admissions all answered with their own uid.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { connect } from 'node:tls';
import { loadSources } from '../src/load/sources.js';
import type { Resource } from '../src/load/resource.js';
import { makeCerts } from '../src/webhook/certs.js';
import { Evaluator } from '../src/webhook/evaluator.js';
import { startWebhookServer, type WebhookServer } from '../src/webhook/server.js';
import { ResourceStore } from '../src/webhook/store.js';
import { fromRoot } from './helpers/paths.js';

let cluster: Resource[] = [];
let server: WebhookServer;
let dir = '';
let ca = '';
let synced = false;
const logs: Record<string, unknown>[] = [];

function writePair(caCert?: string): string {
  const b = makeCerts({ service: 'kgd-webhook', namespace: 'kgd-system', ips: ['127.0.0.1'] });
  writeFileSync(join(dir, 'tls.crt'), b.cert);
  writeFileSync(join(dir, 'tls.key'), b.key);
  return caCert ?? b.caCert;
}

function call(method: string, path: string, body?: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, method, path, ca, servername: 'kgd-webhook.kgd-system.svc', headers: body ? { 'content-type': 'application/json' } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** The SHA-256 fingerprint of the certificate the server presents. */
function served(): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port: server.port, rejectUnauthorized: false }, () => {
      resolve(s.getPeerCertificate().fingerprint256);
      s.end();
    });
    s.on('error', reject);
  });
}

function typoReview(uid: string): string {
  const gw = structuredClone(cluster.find((r) => r.kind === 'Gateway' && r.name === 'custom-gateway')!.object) as { spec: { selector: Record<string, string> } };
  const k = Object.keys(gw.spec.selector)[0]!;
  gw.spec.selector[k] = `${gw.spec.selector[k]}-typo`;
  return JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: { uid, kind: { group: 'networking.istio.io', version: 'v1beta1', kind: 'Gateway' }, operation: 'UPDATE', namespace: 'istio-system', name: 'custom-gateway', object: gw, oldObject: null } });
}

before(async () => {
  cluster = (await loadSources([fromRoot('examples', 'custom-gateway-fixed')])).resources;
  dir = mkdtempSync(join(tmpdir(), 'kgd-webhook-'));
  ca = writePair();
  server = await startWebhookServer({
    host: '127.0.0.1', port: 0, certFile: join(dir, 'tls.crt'), keyFile: join(dir, 'tls.key'), certPollMs: 50,
    evaluator: new Evaluator(new ResourceStore(cluster)), synced: () => synced, lastUpdate: () => Date.now() - 1500, objects: () => cluster.length, log: (e) => logs.push(e),
  });
});
after(async () => server?.close());

describe('kgd webhook server', () => {
  it('is healthy at once and ready only after the first sync; before it, admissions are admitted undecided', async () => {
    assert.equal((await call('GET', '/healthz')).status, 200);
    assert.equal((await call('GET', '/readyz')).status, 503);
    const r = JSON.parse((await call('POST', '/validate', typoReview('early'))).text) as { response: { allowed: boolean; warnings: string[] } };
    assert.equal(r.response.allowed, true);
    assert.match(r.response.warnings[0]!, /could not decide: its watch of the cluster has not synced/);
    synced = true;
    assert.equal((await call('GET', '/readyz')).status, 200);
  });

  it('answers an AdmissionReview with the findings the change introduces, and logs it as one JSON object', async () => {
    const r = await call('POST', '/validate', typoReview('u-1'));
    assert.equal(r.status, 200);
    const review = JSON.parse(r.text) as { apiVersion: string; kind: string; response: { uid: string; allowed: boolean; warnings: string[] } };
    assert.equal(review.kind, 'AdmissionReview');
    assert.equal(review.response.uid, 'u-1');
    assert.equal(review.response.allowed, true);
    assert.ok(review.response.warnings.some((w) => w.startsWith('kgd KGD1401 Gateway istio-system/custom-gateway')), review.response.warnings.join('\n'));
    const line = logs.find((l) => l['uid'] === 'u-1')!;
    assert.equal(line['outcome'], 'warned');
    assert.equal(line['kind'], 'Gateway');
    assert.equal(typeof line['ms'], 'number');
  });

  it('refuses what is not an AdmissionReview with 400 and one line; unknown paths 404', async () => {
    const bad = await call('POST', '/validate', '{"kind": "Pod"}');
    assert.equal(bad.status, 400);
    assert.equal(bad.text.trim().split('\n').length, 1);
    assert.equal((await call('POST', '/validate', 'not json')).status, 400);
    assert.equal((await call('GET', '/nope')).status, 404);
    assert.equal((await call('GET', '/validate')).status, 405);
  });

  it('exposes Prometheus metrics: admissions, decisions, the latency histogram and the cache age', async () => {
    const m = (await call('GET', '/metrics')).text;
    assert.match(m, /^kgd_webhook_admissions_total\{kind="Gateway",operation="UPDATE",dry_run="false"\} [1-9]/m);
    assert.match(m, /^kgd_webhook_decisions_total\{outcome="warned"\} [1-9]/m);
    assert.match(m, /^kgd_webhook_decisions_total\{outcome="undecided"\} 1$/m);
    assert.match(m, /^kgd_webhook_admission_duration_seconds_bucket\{le="5",outcome="warned"\} [1-9]/m);
    assert.match(m, /^kgd_webhook_cache_age_seconds 1\.\d+$/m);
    assert.match(m, /^kgd_webhook_cache_objects \d+$/m);
  });

  it('answers a bounded burst of 200 admissions, 50 at a time, each with its own uid', async () => {
    const uids = Array.from({ length: 200 }, (_, i) => `load-${i}`);
    const answered: string[] = [];
    for (let i = 0; i < uids.length; i += 50) {
      const batch = await Promise.all(uids.slice(i, i + 50).map((u) => call('POST', '/validate', typoReview(u))));
      for (const b of batch) {
        assert.equal(b.status, 200);
        answered.push((JSON.parse(b.text) as { response: { uid: string } }).response.uid);
      }
    }
    assert.deepEqual(answered, uids);
  });

  it('reloads the certificate when its files change, and keeps the old one while the pair does not match', async () => {
    const first = await served();
    const next = makeCerts({ service: 'kgd-webhook', namespace: 'kgd-system', ips: ['127.0.0.1'] });
    // A new certificate with the old key: the pair does not match, the old one stays.
    writeFileSync(join(dir, 'tls.crt'), next.cert);
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(await served(), first);
    assert.ok(logs.some((l) => l['msg'] === 'TLS certificate not reloaded (the old one stays)'));
    writeFileSync(join(dir, 'tls.key'), next.key);
    for (let i = 0; i < 40 && (await served()) === first; i++) await new Promise((r) => setTimeout(r, 50));
    assert.notEqual(await served(), first);
    ca = next.caCert;
    assert.equal((await call('GET', '/healthz')).status, 200, 'the new certificate verifies against its CA');
  });
});
