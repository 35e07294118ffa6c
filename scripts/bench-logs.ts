/**
 * `npm run bench:logs [-- --mb 1024 --runs 2]`: generates an Envoy access log of the given size (Istio's 1.9+
 * TEXT format: mostly 200s, with 404 NR / 503 UF / 403 RBAC lines over a few hundred hosts), then measures, in
 * the same run and alternating, `wc -l`, `grep -c ' 404 '` and `kgd logs` on it: wall time, throughput, and
 * kgd's peak RSS (the process's own maxRSS). Writes bench/results/logs-latest.json with --save. Fails (exit 1) when kgd's
 * line count or 404 count disagrees with wc's and grep's, or its peak RSS grows past 256 MB (memory must not
 * follow the file's size).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { saveResult, scriptArgs } from './script-args.js';

const values = scriptArgs('bench:logs', { mb: { type: 'string', default: '1024' }, runs: { type: 'string', default: '2' }, keep: { type: 'boolean', default: false }, save: { type: 'boolean', default: false } }, 'npm run bench:logs -- [--mb 1024] [--runs 2] [--keep] [--save]');
const mb = Number(values.mb);
const runs = Math.max(1, Number(values.runs));
if (!Number.isFinite(mb) || mb <= 0) throw new Error('--mb takes a size in MB');
const dir = mkdtempSync(join(tmpdir(), 'kgd-bench-logs-'));
const file = join(dir, 'access.log');

/** The same deterministic mix every run. */
function generate(bytes: number): { lines: number; c404: number } {
  const fd = openSync(file, 'w');
  let written = 0;
  let lines = 0;
  let c404 = 0;
  let seed = 42;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  let buf: string[] = [];
  while (written < bytes) {
    const i = lines;
    const host = `model-${String(Math.floor(rnd() * 400)).padStart(4, '0')}.team-${i % 10}.svc.cluster.local`;
    const r = rnd();
    const t = new Date(1_790_000_000_000 + i * 7).toISOString();
    let line: string;
    if (r < 0.9) line = `[${t}] "POST /v1/models/m:predict HTTP/1.1" 200 - via_upstream - "-" 512 64 12 11 "-" "python-requests/2.31" "${i.toString(16)}" "${host}" "10.1.2.3:8012" outbound|80||m-predictor-00001.team-${i % 10}.svc.cluster.local 10.0.0.5:41234 10.0.0.5:8081 10.9.8.7:51234 - -`;
    else if (r < 0.95) {
      line = `[${t}] "POST /v1/models/m:predict HTTP/1.1" 404 NR route_not_found - "-" 0 0 0 - "-" "python-requests/2.31" "${i.toString(16)}" "${host}" "-" - - 10.0.0.5:8081 10.9.8.7:51234 - -`;
      c404++;
    } else if (r < 0.98) line = `[${t}] "POST /v1/models/m:predict HTTP/1.1" 503 UF upstream_reset_before_response_started{connection_failure} - "-" 0 91 10001 - "-" "python-requests/2.31" "${i.toString(16)}" "${host}" "10.1.2.3:8012" outbound|80||activator-service.knative-serving.svc.cluster.local - 10.0.0.5:8081 10.9.8.7:51234 - -`;
    else line = `[${t}] "POST /v1/models/m:predict HTTP/1.1" 403 - rbac_access_denied_matched_policy[none] - "-" 0 19 0 - "-" "python-requests/2.31" "${i.toString(16)}" "${host}" "-" - - 10.0.0.5:8081 10.9.8.7:51234 - -`;
    buf.push(line);
    written += line.length + 1;
    lines++;
    if (buf.length >= 10_000) {
      writeSync(fd, `${buf.join('\n')}\n`);
      buf = [];
    }
  }
  if (buf.length) writeSync(fd, `${buf.join('\n')}\n`);
  closeSync(fd);
  return { lines, c404 };
}

const wall = (f: () => void): number => {
  const t = process.hrtime.bigint();
  f();
  return Number(process.hrtime.bigint() - t) / 1e6;
};

console.log(`generating ${mb} MB of access log in ${dir} ...`);
const gen = generate(mb * 1024 * 1024);
const size = statSync(file).size;
const kgdBin = fileURLToPath(new URL('../../bin/kgd.js', import.meta.url));
const measures: Record<string, { ms: number[]; maxRssMB?: number[] }> = { 'wc -l': { ms: [] }, "grep -c ' 404 '": { ms: [] }, 'kgd logs': { ms: [], maxRssMB: [] } };
let kgdLines = 0;
let kgd404 = 0;
for (let r = 0; r < runs; r++) {
  measures['wc -l']!.ms.push(wall(() => execFileSync('wc', ['-l', file])));
  measures["grep -c ' 404 '"]!.ms.push(wall(() => spawnSync('grep', ['-c', ' 404 ', file])));
  let out = '';
  // /usr/bin/time -f %M gives the child's peak RSS in KB.
  const ms = wall(() => {
    const p = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, kgdBin, 'logs', file, '-o', 'json'], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    out = p.stdout;
    measures['kgd logs']!.maxRssMB!.push(Number(p.stderr.trim().split('\n').at(-1)) / 1024);
  });
  measures['kgd logs']!.ms.push(ms);
  const j = JSON.parse(out) as { lines: number; codes: Record<string, number> };
  kgdLines = j.lines;
  kgd404 = j.codes['404'] ?? 0;
}
const best = (xs: number[]) => Math.min(...xs);
const rows = Object.entries(measures).map(([tool, m]) => ({ tool, bestMs: Math.round(best(m.ms)), mbPerS: Math.round((size / 1024 / 1024) / (best(m.ms) / 1000)), maxRssMB: m.maxRssMB ? Math.round(Math.max(...m.maxRssMB)) : undefined }));
console.log(`\n${(size / 1024 / 1024).toFixed(0)} MB, ${gen.lines.toLocaleString('en')} lines (${gen.c404.toLocaleString('en')} with 404), best of ${runs}:`);
console.log('| tool | wall (s) | MB/s | peak RSS (MB) |\n|---|---|---|---|');
for (const r of rows) console.log(`| ${r.tool} | ${(r.bestMs / 1000).toFixed(1)} | ${r.mbPerS} | ${r.maxRssMB ?? ''} |`);
const kgdMs = rows[2]!.bestMs;
console.log(`\nkgd logs / wc -l: ${(kgdMs / rows[0]!.bestMs).toFixed(1)}×; kgd logs / grep -c: ${(kgdMs / rows[1]!.bestMs).toFixed(1)}×`);
saveResult('logs-latest.json', { date: new Date().toISOString(), bytes: size, lines: gen.lines, rows }, values.save);
if (!values.keep) rmSync(dir, { recursive: true, force: true });
let failed = false;
if (kgdLines !== gen.lines) { console.error(`kgd read ${kgdLines} lines, the file has ${gen.lines}`); failed = true; }
if (kgd404 !== gen.c404) { console.error(`kgd counted ${kgd404} lines with 404, the file has ${gen.c404}`); failed = true; }
const rss = rows[2]!.maxRssMB ?? 0;
if (rss > 256) { console.error(`kgd's peak RSS ${rss} MB: memory follows the input`); failed = true; }
process.exit(failed ? 1 : 0);
