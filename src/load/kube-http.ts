import { request, type RequestOptions } from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';

/** An HTTP status other than 2xx from the API server, with its Status message. */
export class KubeHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * JSON over the API server's REST paths, authenticated by the kubeconfig (client-node applies tokens,
 * client certificates, exec plugins and CAs). Raw JSON, not client-node's typed models: those rename
 * wire fields (`x-kubernetes-*`, `$ref`) and would change what kgd reads or writes.
 */
export async function kubeRequest(kc: KubeConfig, method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<unknown> {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error('no current cluster');
  const url = new URL(path, cluster.server);
  const opts: RequestOptions = { method, headers: { accept: 'application/json' } };
  await kc.applyToHTTPSOptions(opts);
  const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  if (payload !== undefined) opts.headers = { ...opts.headers, 'content-type': contentType, 'content-length': Buffer.byteLength(payload) };
  return new Promise((resolve, reject) => {
    const req = request(url, { ...opts, timeout: 60_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = text ? JSON.parse(text) : undefined;
        } catch {
          json = undefined;
        }
        const status = res.statusCode ?? 0;
        if (status >= 200 && status < 300) resolve(json);
        else reject(new KubeHttpError(status, (json as { message?: string } | undefined)?.message ?? `${status} ${res.statusMessage ?? ''}`.trim()));
      });
    });
    req.on('timeout', () => req.destroy(new Error(`timed out after 60 s (${method} ${url.pathname})`)));
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

/** GET a path whose answer is text (pods/log); errors as kubeRequest's. */
export async function kubeGetText(kc: KubeConfig, path: string, timeoutMs = 60_000): Promise<string> {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error('no current cluster');
  const url = new URL(path, cluster.server);
  const opts: RequestOptions = { method: 'GET', headers: { accept: '*/*' } };
  await kc.applyToHTTPSOptions(opts);
  return new Promise((resolve, reject) => {
    const req = request(url, { ...opts, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const status = res.statusCode ?? 0;
        if (status >= 200 && status < 300) return resolve(text);
        let message = `${status} ${res.statusMessage ?? ''}`.trim();
        try {
          message = (JSON.parse(text) as { message?: string }).message ?? message;
        } catch {
          if (text.trim()) message = text.trim().split('\n')[0]!;
        }
        reject(new KubeHttpError(status, message));
      });
    });
    req.on('timeout', () => req.destroy(new Error(`timed out after ${timeoutMs / 1000} s (GET ${url.pathname})`)));
    req.on('error', reject);
    req.end();
  });
}
