/**
 * `kgd serve`'s HTTP server: the page (Vite's build in dist/web), its JSON API, server-sent events for live
 * updates, /healthz and Prometheus /metrics. Read-only: it answers GET and HEAD only and nothing it does writes
 * to the cluster or to a file. It binds to loopback unless told otherwise, and refuses requests whose Host is not
 * the address it serves (a page elsewhere cannot reach it through DNS rebinding).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep, extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ServeState, ServedInput } from './state.js';
import { planFixes } from '../fix/plan.js';
import { formatTraceJson } from '../report/trace.js';
import { trace } from '../trace/index.js';
import { TraceInputError } from '../trace/simulate.js';
import { parseFrom } from '../trace/from.js';

/**
 * The package's root (dist/src/server/ → ../../../), or undefined in the single executable (scripts/build-sea.ts:
 * one bundled file, no import.meta.url, and no page beside it).
 */
function packageRoot(): string | undefined {
  try {
    return fileURLToPath(new URL('../../../', import.meta.url));
  } catch {
    return undefined;
  }
}

/** Where the built page is: the package's dist/web, or undefined when kgd runs without its package. */
export function webDir(): string | undefined {
  const root = packageRoot();
  return root && existsSync(join(root, 'dist', 'web', 'index.html')) ? join(root, 'dist', 'web') : undefined;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.ico': 'image/x-icon',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

/** Every file of the built page, by URL path: only these are served (no path from the request reaches the disk). */
function builtFiles(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.set('/' + relative(dir, p).split(sep).join('/'), p);
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}

export interface ServeOptions {
  readonly host: string;
  readonly port: number;
  readonly state: ServeState;
  /** Where the built page is (default: the package's dist/web). */
  readonly webDir?: string;
  readonly log?: (line: Record<string, unknown>) => void;
  /**
   * `/api/generate`: the bundle for these settings (the names of `kgd generate local-gateway`'s flags), merged with
   * the input; a setting that cannot work throws BadRequest. Given by the CLI, which owns the flags' parsing.
   */
  readonly generate?: (settings: URLSearchParams, input: ServedInput) => string;
}

/** A request the server answers with 400 and this message. */
export class BadRequest extends Error {}

export interface RunningServer {
  readonly server: Server;
  readonly port: number;
  readonly url: string;
  close(): Promise<void>;
}

class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer, extra: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', ...extra });
  res.end(body);
}

function json(res: ServerResponse, status: number, body: unknown): void {
  send(res, status, 'application/json', JSON.stringify(body));
}

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/** The Host header is one this server answers to: the bound address, or any loopback name when bound to loopback. */
export function hostAllowed(hostHeader: string | undefined, boundHost: string): boolean {
  if (!hostHeader) return false;
  if (boundHost === '0.0.0.0' || boundHost === '::') return true;
  const name = hostHeader.replace(/:\d+$/, '').toLowerCase();
  if (name === boundHost.toLowerCase() || `[${boundHost.toLowerCase()}]` === name) return true;
  return LOOPBACK_NAMES.has(boundHost) && LOOPBACK_NAMES.has(name);
}

export async function startServeServer(o: ServeOptions): Promise<RunningServer> {
  const dir = o.webDir ?? webDir();
  const files = dir ? builtFiles(dir) : new Map<string, string>();
  if (!files.has('/index.html')) throw new Error(`the page is not built (${dir ?? 'no dist/web beside kgd'}): run npm run build:web`);
  const docsDir = join(packageRoot() ?? '.', 'docs', 'rules');
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'kgd_serve_process_' });
  const requests = new Counter({ name: 'kgd_serve_requests_total', help: 'HTTP requests by route and status', labelNames: ['route', 'status'], registers: [registry] });
  const duration = new Histogram({ name: 'kgd_serve_request_duration_seconds', help: 'Time to answer, by route', labelNames: ['route'], buckets: [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registers: [registry] });
  const version = new Gauge({ name: 'kgd_serve_input_version', help: 'How many times the input was analysed (1 + changes seen)', registers: [registry] });
  const analysisMs = new Gauge({ name: 'kgd_serve_analysis_milliseconds', help: 'Time the last analysis (check + trace of every InferenceService) took', registers: [registry] });
  const streams = new Gauge({ name: 'kgd_serve_event_streams', help: 'Pages following live updates', registers: [registry] });
  const state = o.state;
  const sync = () => {
    version.set(state.version);
    analysisMs.set(state.analysisMsLast);
  };
  sync();
  const clients = new Set<ServerResponse>();
  const unsubscribe = state.onChange((v) => {
    sync();
    for (const c of clients) c.write(`event: version\ndata: ${JSON.stringify({ version: v })}\n\n`);
  });
  const heartbeat = setInterval(() => {
    for (const c of clients) c.write(': keep-alive\n\n');
  }, 15_000);
  heartbeat.unref();

  const routes: Record<string, (url: URL, req: IncomingMessage, res: ServerResponse) => Promise<void> | void> = {
    '/healthz': (_u, _q, res) => send(res, 200, 'text/plain; charset=utf-8', 'ok\n'),
    '/metrics': async (_u, _q, res) => send(res, 200, registry.contentType, await registry.metrics()),
    '/api/view': async (u, _q, res) => {
      const isvcs = u.searchParams.getAll('isvc');
      json(res, 200, await state.view(u.searchParams.get('all') === '1' ? 'all' : isvcs.length > 0 ? isvcs : u.searchParams.has('none') ? [] : 'auto'));
    },
    '/api/trace': (u, _q, res) => {
      const url = u.searchParams.get('url');
      if (!url) throw new HttpError(400, 'url is required');
      const activator = u.searchParams.get('activator') ?? 'both';
      if (activator !== 'in' && activator !== 'out' && activator !== 'both') throw new HttpError(400, `activator takes in, out or both, not "${activator}"`);
      try {
        const from = parseFrom(u.searchParams.get('from') ?? 'default');
        const result = trace(state.analysis.snapshot, {
          url,
          method: u.searchParams.get('method') ?? 'POST',
          headers: u.searchParams.getAll('header'),
          activator,
          from: { ...from, sidecar: u.searchParams.get('sidecar') === '1', serviceAccount: u.searchParams.get('serviceAccount') ?? 'default' },
        });
        send(res, 200, 'application/json', formatTraceJson(result));
      } catch (e) {
        if (e instanceof TraceInputError) throw new HttpError(400, e.message);
        throw e;
      }
    },
    '/api/generate': (u, _q, res) => {
      if (!o.generate) throw new HttpError(404, 'no generator in this server');
      try {
        send(res, 200, 'text/yaml; charset=utf-8', o.generate(u.searchParams, state.input));
      } catch (e) {
        if (e instanceof BadRequest) throw new HttpError(400, e.message);
        throw e;
      }
    },
    '/api/fix': (u, _q, res) => {
      const v = Number(u.searchParams.get('version'));
      if (v !== state.version) throw new HttpError(409, `the input changed (version ${state.version}); reload the view`);
      const d = state.analysis.diagnostics[Number(u.searchParams.get('diagnostic'))];
      if (!d) throw new HttpError(404, 'no such finding');
      const plan = planFixes([d]);
      json(res, 200, {
        repairs: plan.repairs.map((r) => ({ resource: r.name, file: r.resource.origin?.file ?? null, jsonPatch: r.jsonPatch })),
        refused: plan.refused.map((r) => r.reason),
      });
    },
    '/api/events': (_u, req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
      res.write(`retry: 2000\nevent: version\ndata: ${JSON.stringify({ version: state.version })}\n\n`);
      clients.add(res);
      streams.set(clients.size);
      req.on('close', () => {
        clients.delete(res);
        streams.set(clients.size);
      });
    },
  };

  const server = createServer((req, res) => {
    const t0 = performance.now();
    let route = 'static';
    void (async () => {
      try {
        if (!hostAllowed(req.headers.host, o.host)) throw new HttpError(403, 'this server answers to its own address only');
        if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, 'read-only: GET only');
        const url = new URL(req.url ?? '/', 'http://localhost');
        const handler = routes[url.pathname];
        if (handler) {
          route = url.pathname;
          await handler(url, req, res);
        } else if (url.pathname.startsWith('/api/docs/')) {
          route = '/api/docs';
          const code = url.pathname.slice('/api/docs/'.length);
          if (!/^KGD\d{4}$/.test(code)) throw new HttpError(404, 'no such rule');
          const file = join(docsDir, `${code}.md`);
          if (!existsSync(file)) throw new HttpError(404, `no documentation for ${code}`);
          send(res, 200, 'text/markdown; charset=utf-8', readFileSync(file));
        } else {
          const file = files.get(url.pathname === '/' ? '/index.html' : url.pathname);
          if (!file || !statSync(file).isFile()) throw new HttpError(404, 'not found');
          send(res, 200, TYPES[extname(file)] ?? 'application/octet-stream', readFileSync(file), {
            'content-security-policy': "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' blob: data:; connect-src 'self'; frame-ancestors 'none'",
          });
        }
      } catch (e) {
        const status = e instanceof HttpError ? e.status : 500;
        if (status === 500) o.log?.({ level: 'error', msg: 'request failed', path: req.url, error: (e as Error).message });
        if (!res.headersSent) json(res, status, { error: (e as Error).message });
        else res.end();
      } finally {
        requests.inc({ route, status: String(res.statusCode) });
        duration.observe({ route }, (performance.now() - t0) / 1000);
      }
    })();
  });
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(o.port, o.host, () => done());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : o.port;
  const shown = o.host.includes(':') ? `[${o.host}]` : o.host;
  return {
    server,
    port,
    url: `http://${shown}:${port}/`,
    close: async () => {
      clearInterval(heartbeat);
      unsubscribe();
      for (const c of clients) c.end();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}
