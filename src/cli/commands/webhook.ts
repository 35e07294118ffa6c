import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../../load/cluster.js';
import { kubeRequest } from '../../load/kube-http.js';
import { InputError } from '../../load/sources.js';
import { ClusterWatch } from '../../webhook/cache.js';
import { makeCerts } from '../../webhook/certs.js';
import { Evaluator } from '../../webhook/evaluator.js';
import { startWebhookServer } from '../../webhook/server.js';
import { UsageError, wholeNumber } from '../errors.js';
import { collectList, parseVersions } from '../versions.js';

interface ServeFlags {
  tlsCert: string;
  tlsKey: string;
  host: string;
  port: string;
  denyOn?: string;
  budgetMs: string;
  kubeconfig?: string;
  context?: string;
  clusterDomain: string;
  versions?: string[];
}

interface CertsFlags {
  out?: string;
  service: string;
  namespace: string;
  clusterDomain: string;
  dns?: string[];
  ip?: string[];
  days: string;
  patch?: string;
  apply?: boolean;
  kubeconfig?: string;
  context?: string;
}

/** One JSON object per line on stdout (what log collectors expect from a pod). */
const jsonLog = (out: NodeJS.WriteStream) => (entry: Record<string, unknown>) => out.write(`${JSON.stringify({ time: new Date().toISOString(), ...entry })}\n`);

export function registerWebhook(program: Command, io: { stdout: NodeJS.WriteStream; stderr: NodeJS.WriteStream; setExit: (n: number) => void }): void {
  const webhook = program
    .command('webhook')
    .description('A validating admission webhook: warns (or, with --deny-on, denies) at kubectl apply time about the findings a change would introduce. See deploy/webhook/.');

  webhook
    .command('serve', { isDefault: true })
    .description('Serve the webhook over HTTPS: watch the cluster, and answer each AdmissionReview with the findings the change introduces.')
    .requiredOption('--tls-cert <file>', 'the serving certificate (PEM); reloaded when the file changes')
    .requiredOption('--tls-key <file>', 'its private key (PEM); reloaded when the file changes')
    .option('--host <address>', 'address to listen on (0.0.0.0 in a pod)', '127.0.0.1')
    .option('--port <port>', 'port to listen on', '8443')
    .option('--deny-on <severity>', 'deny instead of warn when the change introduces a finding at or above: error or warning')
    .option('--budget-ms <ms>', 'longest evaluation (predicted) or wait kgd accepts; beyond it the request is admitted with a warning that kgd could not decide (keep it under the configuration\'s timeoutSeconds)', '2000')
    .option('--kubeconfig <file>', 'kubeconfig (default: $KUBECONFIG, ~/.kube/config, or in-cluster)')
    .option('--context <name>', 'kubeconfig context')
    .option('--cluster-domain <domain>', 'the cluster DNS domain', 'cluster.local')
    .option('--versions <list>', 'versions the cluster runs (as for check)', collectList)
    .addHelpText('after', '\nEndpoints: POST /validate (AdmissionReview admission.k8s.io/v1), GET /healthz, /readyz (after the first list of every kind), /metrics (Prometheus).\nLogs: one JSON object per line on stdout. Stops on SIGTERM or SIGINT (exit 0).\nExample:\n  kgd webhook serve --tls-cert /tls/tls.crt --tls-key /tls/tls.key --host 0.0.0.0')
    .action(async (flags: ServeFlags) => {
      if (flags.denyOn !== undefined && flags.denyOn !== 'error' && flags.denyOn !== 'warning') throw new UsageError(`--deny-on takes error or warning, not "${flags.denyOn}"`);
      const port = wholeNumber('--port', flags.port, 0, 65535);
      const budgetMs = wholeNumber('--budget-ms', flags.budgetMs, 1, 60_000);
      // The TLS pair first: a missing or unreadable file is the likeliest mistake, and says so before anything starts.
      for (const f of [flags.tlsCert, flags.tlsKey]) {
        try {
          readFileSync(f);
        } catch (e) {
          const err = e as NodeJS.ErrnoException;
          throw new InputError(`cannot read ${f}: ${err.code === 'ENOENT' ? 'no such file' : err.code === 'EISDIR' ? 'a folder, not a file' : err.code === 'EACCES' ? 'permission denied' : err.message}`);
        }
      }
      const log = jsonLog(io.stdout);
      const kc = loadConfig({ kubeconfig: flags.kubeconfig, context: flags.context });
      const watch = new ClusterWatch(kc, {
        onSynced: (kind, objects) => log({ level: 'info', msg: 'listed', kind, objects }),
        onError: (kind, error) => log({ level: 'warn', msg: 'watch failed (retrying)', kind, error }),
      });
      const evaluator = new Evaluator(watch.store, { denyOn: flags.denyOn as 'error' | 'warning' | undefined, budgetMs, check: { clusterDomain: flags.clusterDomain, versions: parseVersions(flags.versions) } });
      let server;
      try {
        server = await startWebhookServer({ host: flags.host, port, certFile: flags.tlsCert, keyFile: flags.tlsKey, evaluator, budgetMs, synced: () => watch.synced, lastUpdate: () => watch.lastUpdate, objects: () => watch.store.size, log });
      } catch (e) {
        const err = e as NodeJS.ErrnoException;
        if (err.code === 'EADDRINUSE' || err.code === 'EADDRNOTAVAIL') throw new UsageError(`cannot listen on ${flags.host}:${port}: ${err.code}`);
        if (/PEM|key|certificate/i.test(err.message)) throw new InputError(`the TLS pair ${flags.tlsCert} / ${flags.tlsKey} is not usable: ${err.message}`);
        throw e;
      }
      log({ level: 'info', msg: 'listening', address: `https://${flags.host}:${server.port}`, denyOn: flags.denyOn ?? 'none', budgetMs });
      await watch.start();
      // Once every kind is listed: split the cluster for the scoped checks before the first admission needs it.
      const warming = setInterval(() => {
        if (!watch.synced) return;
        clearInterval(warming);
        const t0 = performance.now();
        evaluator.warm();
        log({ level: 'info', msg: 'synced', objects: watch.store.size, warmMs: Math.round(performance.now() - t0) });
      }, 200);
      await new Promise<void>((done) => {
        const stop = () => {
          log({ level: 'info', msg: 'stopping' });
          clearInterval(warming);
          void Promise.all([watch.stop(), server.close()]).then(() => done());
        };
        process.once('SIGTERM', stop);
        process.once('SIGINT', stop);
      });
    });

  webhook
    .command('certs')
    .description('Write a self-signed CA and a serving certificate for the webhook (clusters without cert-manager), and with --patch --apply put the CA in the ValidatingWebhookConfiguration\'s caBundle.')
    .option('--out <dir>', 'folder to write ca.crt, tls.crt and tls.key to')
    .option('--service <name>', 'the webhook\'s Service', 'kgd-webhook')
    .option('--namespace <ns>', 'the webhook\'s namespace', 'kgd-system')
    .option('--cluster-domain <domain>', 'the cluster DNS domain', 'cluster.local')
    .option('--dns <name>', 'another DNS name for the certificate (repeatable)', collectList)
    .option('--ip <address>', 'an IP address for the certificate, e.g. 127.0.0.1 (repeatable)', collectList)
    .option('--days <n>', 'validity in days', '365')
    .option('--patch <name>', 'the ValidatingWebhookConfiguration whose caBundle to set (with --apply)')
    .option('--apply', 'with --patch: write the caBundle to the cluster')
    .option('--kubeconfig <file>', 'kubeconfig for --patch')
    .option('--context <name>', 'kubeconfig context for --patch')
    .addHelpText('after', '\nExample:\n  kgd webhook certs --out tls/ --patch kgd-webhook --apply\n  kubectl -n kgd-system create secret tls kgd-webhook-tls --cert tls/tls.crt --key tls/tls.key')
    .action(async (flags: CertsFlags) => {
      if (!flags.out && !(flags.patch && flags.apply)) throw new UsageError('certs writes files with --out DIR (and the caBundle with --patch NAME --apply); give at least one');
      if (flags.apply && !flags.patch) throw new UsageError('--apply goes with --patch NAME');
      if (flags.patch && !flags.apply) throw new UsageError('--patch changes the cluster only with --apply (nothing is written without it)');
      for (const ip of flags.ip ?? []) if (!isIP(ip)) throw new UsageError(`--ip takes an IP address, not "${ip}"`);
      const bundle = makeCerts({ service: flags.service, namespace: flags.namespace, clusterDomain: flags.clusterDomain, dnsNames: flags.dns, ips: flags.ip, days: wholeNumber('--days', flags.days, 1, 3650) });
      if (flags.out) {
        const dir = resolve(flags.out);
        mkdirSync(dir, { recursive: true });
        writeFileSync(join(dir, 'ca.crt'), bundle.caCert);
        writeFileSync(join(dir, 'tls.crt'), bundle.cert);
        writeFileSync(join(dir, 'tls.key'), bundle.key, { mode: 0o600 });
        chmodSync(join(dir, 'tls.key'), 0o600);
        io.stdout.write(`wrote ${join(dir, 'ca.crt')}, ${join(dir, 'tls.crt')} and ${join(dir, 'tls.key')} (names: ${bundle.names.join(', ')})\n`);
      }
      if (flags.patch && flags.apply) {
        const kc = loadConfig({ kubeconfig: flags.kubeconfig, context: flags.context });
        const path = `/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/${flags.patch}`;
        let vwc: { webhooks?: { clientConfig?: { caBundle?: string } }[] };
        try {
          vwc = (await kubeRequest(kc, 'GET', path)) as typeof vwc;
        } catch (e) {
          throw new InputError(`cannot read ValidatingWebhookConfiguration ${flags.patch}: ${(e as Error).message}`);
        }
        const ca = Buffer.from(bundle.caCert).toString('base64');
        const patch = (vwc.webhooks ?? []).map((_, i) => ({ op: 'add', path: `/webhooks/${i}/clientConfig/caBundle`, value: ca }));
        if (patch.length === 0) throw new InputError(`ValidatingWebhookConfiguration ${flags.patch} has no webhooks to give the CA to`);
        await kubeRequest(kc, 'PATCH', path, patch, 'application/json-patch+json');
        io.stdout.write(`set the caBundle of ${patch.length} webhook${patch.length === 1 ? '' : 's'} in ValidatingWebhookConfiguration ${flags.patch}\n`);
      }
    });
}
