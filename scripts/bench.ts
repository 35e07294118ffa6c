/**
 * `npm run bench -- [--sizes 1000,10000,50000] [--runs 3] [--no-istioctl] [--save]`: for each size, generates a
 * cluster with injected mistakes, then measures in fresh processes, the modes alternating run by run (A B C … A B C …,
 * so a slow spell of the machine falls on all of them): the I/O floor (read + cut), the parse floor (js-yaml, the
 * fastest parser of `npm run bench:parsers`), the `yaml` library's parse, `kgd check` (one thread, and with a parse
 * worker per core), `kgd trace --all`, and the peer: `istioctl analyze --use-kube=false -A` on the same file (built from
 * the Go module proxy at the version pinned in test/tools/istioctl, cached in ~/.cache/kgd/tools; without Go the
 * column is left out, and said). Each cell is the median of the runs. Prints a table, the ratios the issue's targets
 * are about and the growth exponents; fails (exit 1) when an injected mistake is not found or a finding nothing
 * injected explains (a false finding). Writes bench/results/latest.json only with --save.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, writeSync, closeSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { saveResult, scriptArgs, wholeNumber } from './script-args.js';
import { falseFindings, generateCluster, type Injection } from './gen-cluster.js';
import { tool } from '../test/helpers/tools.js';
import { findGo } from '../test/helpers/cluster.js';
import { threadsPerCore } from '../src/load/parallel-parse.js';

const USAGE = 'npm run bench -- [--sizes 1000,10000,50000] [--runs 3] [--no-istioctl] [--save]';
const values = scriptArgs('bench', {
  sizes: { type: 'string', default: '1000,10000,50000' }, runs: { type: 'string', default: '3' },
  'no-istioctl': { type: 'boolean', default: false }, save: { type: 'boolean', default: false },
}, USAGE);
const sizes = values.sizes!.split(',').map((x) => wholeNumber('bench', 'sizes', x, 1));
const runs = wholeNumber('bench', 'runs', values.runs, 1);
const worker = fileURLToPath(new URL('./bench-worker.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'kgd-bench-'));

interface Measure { ms: number; cpuMs: number; maxRssBytes: number; [k: string]: unknown }

/** istioctl, built once (minutes the first time), or why not. */
function istioctl(): { path: string } | { why: string } {
  if (values['no-istioctl']) return { why: '--no-istioctl' };
  const go = findGo();
  if (!go) return { why: 'Go is not installed (looked for go on the PATH and /usr/local/go/bin/go)' };
  process.stderr.write('building istioctl from the Go module proxy (cached after the first time)…\n');
  return { path: tool('istioctl', go) };
}

/** GNU time, for a child's CPU time and peak memory; without it only wall time is measured. */
const GNU_TIME = ['/usr/bin/time'].find((p) => existsSync(p));

function measureIstioctl(bin: string, file: string): Measure {
  const t0 = performance.now();
  const args = ['analyze', '--use-kube=false', '-A', file];
  const r = GNU_TIME
    ? spawnSync(GNU_TIME, ['-f', 'KGD_TIME %U %S %M', bin, ...args], { encoding: 'utf8', maxBuffer: 1024 * 1024 * 1024 })
    : spawnSync(bin, args, { encoding: 'utf8', maxBuffer: 1024 * 1024 * 1024 });
  const ms = performance.now() - t0;
  // analyze exits 79 when it found issues (the injected mistakes): anything else but 0 is a failure.
  const code = GNU_TIME ? Number(/Command exited with non-zero status (\d+)/.exec(r.stderr)?.[1] ?? r.status) : r.status;
  if (code !== 0 && code !== 79) throw new Error(`istioctl analyze failed (${code}): ${r.stderr.split('\n').slice(-5).join('\n')}`);
  const t = /KGD_TIME ([\d.]+) ([\d.]+) (\d+)/.exec(r.stderr);
  const issues = (r.stderr + r.stdout).split('\n').filter((l) => /^(Error|Warning|Info) \[IST\d+\]/.test(l)).length;
  return { ms, cpuMs: t ? (Number(t[1]) + Number(t[2])) * 1000 : NaN, maxRssBytes: t ? Number(t[3]) * 1024 : NaN, issues };
}

function measureKgd(mode: string, file: string): Measure {
  const out = execFileSync(process.execPath, ['--max-old-space-size=8192', worker, mode, file], { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
  return JSON.parse(out) as Measure;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

const peer = istioctl();
if ('why' in peer) console.log(`istioctl column skipped: ${peer.why}`);
const MODES = ['io', 'parse', 'yaml', 'check', 'checkN', 'trace', ...('path' in peer ? ['istioctl'] : [])] as const;

const results: Record<string, unknown>[] = [];
let failed = false;
for (const n of sizes) {
  const file = join(dir, `cluster-${n}.yaml`);
  const namespaces = Math.max(10, Math.round(n / 100));
  const fd = openSync(file, 'w');
  const injections: Injection[] = generateCluster({ isvcs: n, namespaces, broken: 20 }, (doc) => writeSync(fd, `---\n${doc}`));
  closeSync(fd);
  const bytes = statSync(file).size;
  const got = new Map<string, Measure[]>(MODES.map((m) => [m, []]));
  for (let r = 0; r < runs; r++) {
    for (const mode of MODES) {
      process.stderr.write(`n=${n} (${(bytes / 1e6).toFixed(1)} MB), run ${r + 1}/${runs}: ${mode}…\x1b[K\r`);
      got.get(mode)!.push(mode === 'istioctl' && 'path' in peer ? measureIstioctl(peer.path, file) : measureKgd(mode, file));
    }
  }
  process.stderr.write('\x1b[K');
  const med = (mode: string, k: 'ms' | 'cpuMs' | 'maxRssBytes') => (got.has(mode) ? Math.round(median(got.get(mode)!.map((m) => m[k]))) : undefined);
  // Every check run must find every injection and nothing else.
  const findings = got.get('check')!.concat(got.get('checkN')!).map((m) => m['found'] as { id: string; resource: string }[]);
  const missed = injections.filter((i) => !findings.every((f) => f.some((x) => x.id === i.id && x.resource === i.resource)));
  const falses = falseFindings(findings[0]!, injections);
  if (missed.length > 0 || falses.length > 0 || findings.some((f) => JSON.stringify(f) !== JSON.stringify(findings[0]))) failed = true;
  for (const f of falses.slice(0, 5)) console.error(`false finding at n=${n}: ${f.id} ${f.resource}`);
  results.push({
    n, inputBytes: bytes, threads: threadsPerCore(),
    ioMs: med('io', 'ms'), parseFloorMs: med('parse', 'ms'), yamlMs: med('yaml', 'ms'),
    checkMs: med('check', 'ms'), checkCpuMs: med('check', 'cpuMs'), checkThreadsMs: med('checkN', 'ms'), checkThreadsCpuMs: med('checkN', 'cpuMs'), traceAllMs: med('trace', 'ms'),
    istioctlMs: med('istioctl', 'ms'), istioctlCpuMs: med('istioctl', 'cpuMs'), istioctlRssBytes: med('istioctl', 'maxRssBytes'),
    peakRssBytes: Math.max(...['check', 'checkN', 'trace'].flatMap((m) => got.get(m)!.map((x) => x.maxRssBytes))),
    injected: injections.length, found: injections.length - missed.length, falseFindings: falses.length,
    istioctlIssues: got.get('istioctl')?.[0]?.['issues'],
  });
}

const num = (v: unknown, div = 1, digits = 0) => (typeof v === 'number' && Number.isFinite(v) ? (v / div).toFixed(digits) : '–');
const cols: [string, (r: Record<string, unknown>) => string][] = [
  ['N', (r) => String(r['n'])], ['input MB', (r) => num(r['inputBytes'], 1e6, 1)], ['I/O ms', (r) => num(r['ioMs'])],
  ['parse floor', (r) => num(r['parseFloorMs'])], ['yaml lib', (r) => num(r['yamlMs'])], ['check ms', (r) => num(r['checkMs'])],
  ['check CPU', (r) => num(r['checkCpuMs'])], [`check -t${threadsPerCore()}`, (r) => num(r['checkThreadsMs'])], ['trace --all', (r) => num(r['traceAllMs'])],
  ['istioctl ms', (r) => num(r['istioctlMs'])], ['istioctl CPU', (r) => num(r['istioctlCpuMs'])], ['kgd MB', (r) => num(r['peakRssBytes'], 1e6)],
  ['istioctl MB', (r) => num(r['istioctlRssBytes'], 1e6)], ['found', (r) => `${r['found']}/${r['injected']}`], ['false', (r) => String(r['falseFindings'])],
];
console.log(cols.map(([h]) => h.padStart(12)).join(''));
for (const r of results) console.log(cols.map(([, f]) => f(r).padStart(12)).join(''));
console.log('');
const ratio = (a: unknown, b: unknown) => (typeof a === 'number' && typeof b === 'number' ? (a / b).toFixed(2) : '–');
for (const r of results) {
  console.log(`n=${r['n']}: check/istioctl=${ratio(r['checkMs'], r['istioctlMs'])} (target ≤ 0.2)  check/parse-floor=${ratio(r['checkMs'], r['parseFloorMs'])} (≤ 1.5)  trace-all/parse-floor=${ratio(r['traceAllMs'], r['parseFloorMs'])} (≤ 2)  peak/input=${ratio(r['peakRssBytes'], r['inputBytes'])} (≤ 4)  check --threads ${r['threads']} vs 1: ${ratio(r['checkThreadsMs'], r['checkMs'])}`);
}
if (results.length >= 2) {
  const a = results[0]!;
  const b = results[results.length - 1]!;
  const exp = (k: string) => (typeof a[k] === 'number' && typeof b[k] === 'number' ? (Math.log((b[k] as number) / (a[k] as number)) / Math.log((b['n'] as number) / (a['n'] as number))).toFixed(3) : '–');
  console.log(`growth ${a['n']}→${b['n']}: check N^${exp('checkMs')} (target ≤ 1.05), trace-all N^${exp('traceAllMs')}, parse floor N^${exp('parseFloorMs')}, istioctl N^${exp('istioctlMs')}`);
}
saveResult('latest.json', { runs, cores: threadsPerCore() - 1, results }, values.save);
if (failed) {
  console.error('FAIL: an injected mistake was not found, or a finding nothing injected explains (see above), or runs disagreed');
  process.exitCode = 1;
}
