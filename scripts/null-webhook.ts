/**
 * The benchmark's peer for `kgd webhook serve` (scripts/bench-webhook.ts): the least a validating webhook can do —
 * Node's https with the same certificate, reading the AdmissionReview and admitting it at once. What it adds to the
 * API server's latency is the cost of having any webhook on this machine; kgd's is measured beside it.
 * `node dist/scripts/null-webhook.js CERT KEY PORT`
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';

const [cert, key, port] = process.argv.slice(2);
createServer({ cert: readFileSync(cert!), key: readFileSync(key!) }, (req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    if (req.url !== '/validate') {
      res.writeHead(200).end('ok\n');
      return;
    }
    const review = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { apiVersion: string; request: { uid: string } };
    const body = JSON.stringify({ apiVersion: review.apiVersion, kind: 'AdmissionReview', response: { uid: review.request.uid, allowed: true } });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
  });
}).listen(Number(port), '127.0.0.1', () => process.stdout.write('ready\n'));
