/** Small helpers for tests that drive the test kube-apiserver: create objects, wait, install CRDs. */
import { KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { kubeRequest } from '../../src/load/kube-http.js';
import { collectionPath, resourceNames } from '../../src/load/cluster.js';
import { loadSources } from '../../src/load/sources.js';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { it } from 'node:test';
import { findGo, startCluster } from './cluster.js';

export async function create(kc: KubeConfig, o: KubernetesObject): Promise<void> {
  try {
    await kubeRequest(kc, 'POST', await collectionPath(resourceNames(kc), o.apiVersion!, o.kind!, o.metadata?.namespace), o);
  } catch (e) {
    throw new Error(`creating ${o.kind} ${o.metadata?.namespace ?? ''}/${o.metadata?.name}: ${(e as Error).message}`, { cause: e });
  }
}

export async function waitFor<T>(what: string, seconds: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${seconds} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Creates the CRDs of these files and waits until each is Established; returns every object the files hold. */
export async function installCrds(kc: KubeConfig, files: string[]) {
  const objects = [...(await loadSources(files)).resources];
  const crds = objects.filter((r) => r.kind === 'CustomResourceDefinition');
  for (const r of crds) await create(kc, r.object as KubernetesObject);
  for (const r of crds) {
    await waitFor(`CRD ${r.name}`, 60, async () => {
      const got = (await kubeRequest(kc, 'GET', `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${r.name}`)) as { status?: { conditions?: { type: string; status: string }[] } };
      return got.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True') ? true : undefined;
    });
  }
  return objects;
}

/** A test API server (admin context) with the CRDs of these files installed; returns every object the files hold. */
export async function clusterWithCrds(files: string[], opts: { controllerManager?: boolean; admissionWebhooks?: boolean } = {}) {
  const cluster = await startCluster(opts);
  const kc = new KubeConfig();
  kc.loadFromFile(cluster.kubeconfig);
  kc.setCurrentContext('admin');
  return { cluster, kc, objects: await installCrds(kc, files) };
}


/**
 * Why a test that builds upstream Go code is skipped here (false: it runs): KGD_SKIP_ORACLE=1, or no Go.
 * In CI a skip is not allowed: `requiredInCi` then registers a failing test instead and says so.
 */
export function oracleSkip(needs: string): string | false {
  if (process.env['KGD_SKIP_ORACLE'] === '1') return 'KGD_SKIP_ORACLE=1';
  return findGo() ? false : `Go is not installed, so ${needs} cannot be built`;
}

export function requiredInCi(skip: string | false, what: string): boolean {
  if (!skip || process.env['CI'] !== 'true' || process.env['KGD_SKIP_ORACLE'] === '1') return false;
  it('runs in CI', () => assert.fail(`${what} must run in CI: ${skip}`));
  return true;
}

/** A controller binary running against the test API server, keeping the tail of its output. */
export interface Controller {
  /** The last `keep` characters it wrote (stdout and stderr). */
  log(): string;
  /** Ends it (SIGTERM lets it finish its work; SIGKILL does not) and waits until it has exited. */
  stop(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
}

export function startController(bin: string, args: readonly string[], env: NodeJS.ProcessEnv, keep: number): Controller {
  const p = spawn(bin, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const add = (c: Buffer) => { out = (out + c.toString('utf8')).slice(-keep); };
  p.stdout!.on('data', add);
  p.stderr!.on('data', add);
  return {
    log: () => out,
    async stop(signal = 'SIGTERM') {
      if (p.exitCode !== null || p.signalCode !== null) return;
      const exited = new Promise((r) => p.once('exit', r));
      p.kill(signal);
      await exited;
    },
  };
}
