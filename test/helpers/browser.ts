/**
 * A real headless Chromium (Debian's `chromium` package) driven by playwright-core, and `kgd serve` started as a
 * user starts it. Chromium is installed here when it is missing and the tests run as root with apt (as in CI,
 * where .ci/run installs it first); otherwise the browser tests are skipped and say why.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { fromRoot, ROOT } from './paths.js';

export const CHROMIUM = process.env['KGD_CHROMIUM'] ?? '/usr/bin/chromium';

/** Installs Debian's chromium when it is missing and we may; returns why the browser tests cannot run, or false. */
export function chromiumSkipReason(): string | false {
  if (existsSync(CHROMIUM)) return false;
  const root = process.getuid?.() === 0;
  const apt = spawnSync('sh', ['-c', 'command -v apt-get'], { encoding: 'utf8' }).status === 0;
  if (!root || !apt) return `${CHROMIUM} is missing and this user cannot install it (run as root with apt, or: apt-get install chromium; or set KGD_CHROMIUM)`;
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  let r = spawnSync('apt-get', ['install', '-y', '-q', 'chromium'], { encoding: 'utf8', env, timeout: 900_000 });
  if (r.status !== 0) {
    spawnSync('apt-get', ['update', '-q'], { encoding: 'utf8', env, timeout: 600_000 });
    r = spawnSync('apt-get', ['install', '-y', '-q', 'chromium'], { encoding: 'utf8', env, timeout: 900_000 });
  }
  if (r.status !== 0 || !existsSync(CHROMIUM)) return `apt-get install chromium failed: ${(r.stderr || r.stdout).trim().split('\n').pop()}`;
  return false;
}

/** Headless, with the flags that keep Chromium off the network this machine does not have. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}

export interface Served {
  readonly url: string;
  readonly process: ChildProcess;
  stderr(): string;
  stop(): Promise<void>;
}

/** `kgd serve ARGS --port 0` (the clone's, or the `kgd` executable given): resolves with the URL it prints once it listens. */
export async function startServe(args: readonly string[], timeoutMs = 120_000, kgd?: string): Promise<Served> {
  const command = kgd ? [kgd] : [process.execPath, fromRoot('bin', 'kgd.js')];
  const child = spawn(command[0]!, [...command.slice(1), 'serve', '--port', '0', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr!.on('data', (c: Buffer) => (err += c.toString('utf8')));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`kgd serve did not start in ${timeoutMs} ms: ${err}`)), timeoutMs);
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString('utf8');
      const m = /kgd serve: (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`kgd serve exited ${code}: ${err}`));
    });
  });
  return {
    url,
    process: child,
    stderr: () => err,
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
}
