/**
 * `kgd webhook serve`: the HTTPS endpoint the API server calls (POST /validate with an AdmissionReview), plus
 * /healthz (the process answers), /readyz (the watch has listed every kind once) and Prometheus /metrics.
 * TLS certificate and key come from files and are reloaded when they change (a rotated Secret), keeping the old
 * pair while the new one is incomplete. The server fails safe: it never denies because of its own trouble —
 * an unreadable request is a 400 (the API server then applies failurePolicy: Ignore), an evaluation error or a
 * request that waited past the budget is admitted with a warning that kgd could not decide.
 */
import { readFileSync, unwatchFile, watchFile } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createSecureContext } from 'node:tls';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { respond, type AdmissionReview } from './admission.js';
import type { Evaluator, Outcome } from './evaluator.js';

export interface WebhookServerOptions {
  readonly host: string;
  readonly port: number;
  readonly certFile: string;
  readonly keyFile: string;
  readonly evaluator: Evaluator;
  /** The watch has listed every kind once. */
  readonly synced: () => boolean;
  /** When the cache last changed or was listed (ms since the epoch; 0: never). */
  readonly lastUpdate: () => number;
  readonly objects: () => number;
  /** A request that waited longer than this (ms) before its turn is admitted undecided. @default 2000 */
  readonly budgetMs?: number;
  /** Structured log lines (JSON objects). */
  readonly log: (entry: Record<string, unknown>) => void;
  /** How often the certificate files are looked at (ms). @default 5000 */
  readonly certPollMs?: number;
}

export interface WebhookServer {
  readonly port: number;
  readonly server: Server;
  readonly registry: Registry;
  close(): Promise<void>;
}

/** AdmissionReviews carry the object twice (object, oldObject): room for two of the API server's 1.5 MiB objects. */
const MAX_BODY = 8 * 1024 * 1024;

function metrics(o: WebhookServerOptions) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'kgd_webhook_process_' });
  const admissions = new Counter({ name: 'kgd_webhook_admissions_total', help: 'AdmissionReviews received, by kind and operation.', labelNames: ['kind', 'operation', 'dry_run'], registers: [registry] });
  const decisions = new Counter({ name: 'kgd_webhook_decisions_total', help: 'Answers by outcome: allowed (no finding), warned, denied, undecided (not synced, over budget, error), unchecked (kind not read).', labelNames: ['outcome'], registers: [registry] });
  const latency = new Histogram({ name: 'kgd_webhook_admission_duration_seconds', help: 'Time from the request\'s arrival to the answer.', labelNames: ['outcome'], buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5], registers: [registry] });
  new Gauge({ name: 'kgd_webhook_cache_age_seconds', help: 'Seconds since the cache last changed or was listed (-1 before the first list).', registers: [registry], collect() { const t = o.lastUpdate(); this.set(t ? (Date.now() - t) / 1000 : -1); } });
  new Gauge({ name: 'kgd_webhook_cache_objects', help: 'Objects in the cache.', registers: [registry], collect() { this.set(o.objects()); } });
  new Gauge({ name: 'kgd_webhook_cache_synced', help: '1 once every kind was listed.', registers: [registry], collect() { this.set(o.synced() ? 1 : 0); } });
  const reloads = new Counter({ name: 'kgd_webhook_tls_reloads_total', help: 'TLS certificate reloads, by result.', labelNames: ['result'], registers: [registry] });
  return { registry, admissions, decisions, latency, reloads };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error(`request body over ${MAX_BODY} bytes`));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: string, type = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** Reads and checks an AdmissionReview (one line saying what is wrong, else the review). */
export function parseReview(body: Buffer): AdmissionReview | string {
  let v: unknown;
  try {
    v = JSON.parse(body.toString('utf8'));
  } catch (e) {
    return `the body is not JSON: ${(e as Error).message}`;
  }
  const r = v as Partial<AdmissionReview> | null;
  if (!r || typeof r !== 'object' || r.kind !== 'AdmissionReview') return 'the body is not an AdmissionReview (kind)';
  const q = r.request;
  if (!q || typeof q.uid !== 'string' || !q.kind || typeof q.kind.kind !== 'string' || typeof q.operation !== 'string') return 'the AdmissionReview has no request with uid, kind and operation';
  return r as AdmissionReview;
}

export async function startWebhookServer(o: WebhookServerOptions): Promise<WebhookServer> {
  const m = metrics(o);
  const budget = o.budgetMs ?? 2000;
  const load = () => ({ cert: readFileSync(o.certFile), key: readFileSync(o.keyFile) });
  const first = load();
  const server = createServer({ ...first, minVersion: 'TLSv1.2' }, (req, res) => void handle(req, res));
  const reload = () => {
    try {
      const pair = load();
      createSecureContext(pair); // a certificate and a key that do not match throw here, not in the server
      server.setSecureContext({ ...pair, minVersion: 'TLSv1.2' });
      m.reloads.inc({ result: 'ok' });
      o.log({ level: 'info', msg: 'TLS certificate reloaded', cert: o.certFile });
    } catch (e) {
      m.reloads.inc({ result: 'error' });
      o.log({ level: 'warn', msg: 'TLS certificate not reloaded (the old one stays)', error: (e as Error).message });
    }
  };
  const poll = { interval: o.certPollMs ?? 5000, persistent: false };
  watchFile(o.certFile, poll, reload);
  watchFile(o.keyFile, poll, reload);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const arrived = performance.now();
    const path = (req.url ?? '/').split('?')[0];
    try {
      if (req.method === 'GET' && path === '/healthz') return send(res, 200, 'ok\n');
      if (req.method === 'GET' && path === '/readyz') return o.synced() ? send(res, 200, 'ok\n') : send(res, 503, 'the watch of the cluster has not synced yet\n');
      if (req.method === 'GET' && path === '/metrics') return send(res, 200, await m.registry.metrics(), m.registry.contentType);
      if (path !== '/validate') return send(res, 404, 'not found: the webhook answers POST /validate; GET /healthz, /readyz, /metrics\n');
      if (req.method !== 'POST') return send(res, 405, 'POST an AdmissionReview\n');
      const parsed = parseReview(await readBody(req));
      if (typeof parsed === 'string') {
        o.log({ level: 'warn', msg: 'bad request', error: parsed });
        return send(res, 400, `${parsed}\n`);
      }
      const rq = parsed.request!;
      m.admissions.inc({ kind: rq.kind.kind, operation: rq.operation, dry_run: String(rq.dryRun === true) });
      let review: AdmissionReview;
      let outcome: Outcome;
      let detail: Record<string, unknown> = {};
      const waited = performance.now() - arrived;
      if (waited > budget) {
        review = respond(parsed, [], undefined, [`kgd could not decide: the request waited ${Math.round(waited)} ms for its turn, over the ${budget} ms budget (admitted unchecked)`]);
        outcome = 'undecided';
      } else {
        try {
          const d = o.evaluator.decide(parsed, o.synced());
          review = d.review;
          outcome = d.outcome;
          detail = { scope: d.scope, objects: d.objects, findings: d.findings.filter((f) => f.severity !== 'info').map((f) => `${f.code} ${f.resource ?? ''}`) };
        } catch (e) {
          review = respond(parsed, [], undefined, [`kgd could not decide: ${(e as Error)?.message ?? String(e)} (admitted unchecked)`]);
          outcome = 'undecided';
          o.log({ level: 'error', msg: 'evaluation failed', uid: rq.uid, error: (e as Error)?.message, stack: (e as Error)?.stack });
        }
      }
      const seconds = (performance.now() - arrived) / 1000;
      m.decisions.inc({ outcome });
      m.latency.observe({ outcome }, seconds);
      o.log({ level: 'info', msg: 'admission', uid: rq.uid, kind: rq.kind.kind, namespace: rq.namespace, name: rq.name, operation: rq.operation, dryRun: rq.dryRun === true, outcome, ms: Math.round(seconds * 10000) / 10, ...detail });
      send(res, 200, JSON.stringify(review), 'application/json');
    } catch (e) {
      o.log({ level: 'error', msg: 'request failed', error: (e as Error)?.message });
      if (!res.headersSent) send(res, 500, 'kgd webhook: internal error\n');
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => resolve());
  });
  const port = (server.address() as { port: number }).port;
  return {
    port, server, registry: m.registry,
    close: () => new Promise<void>((resolve) => {
      unwatchFile(o.certFile);
      unwatchFile(o.keyFile);
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
