/**
 * `npm run bench:parsers -- [--isvcs 10000] [--runs 2] [--save]`: the bulk-parse candidates on one generated cluster
 * (and the Kubeflow corpus), each in a fresh process, alternating, best of `runs`: reading and cutting at `---`
 * (the I/O floor), js-yaml's loadAll, the `yaml` library's lexer, parser (CST) and full parse (what kgd used for
 * every document before the fast path), and kgd's own parse (src/load/parse.ts: js-yaml for plain documents with
 * the `yaml` library's scalar rules). Prints a table; writes bench/results/parsers.json with --save.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import jsyaml from 'js-yaml';
import { Composer, Lexer, Parser } from 'yaml';
import { parseManifestText } from '../src/load/parse.js';
import { generateCluster } from './gen-cluster.js';
import { saveResult, scriptArgs, wholeNumber } from './script-args.js';

const MODES = ['split', 'js-yaml', 'yaml-lexer', 'yaml-cst', 'yaml-full', 'kgd'] as const;

if (process.argv[2] === '--worker') {
  const [, , , mode, file] = process.argv;
  const text = readFileSync(file!, 'utf8');
  const t = process.hrtime.bigint();
  let n = 0;
  if (mode === 'split') n = text.split(/^---$/m).length;
  if (mode === 'js-yaml') jsyaml.loadAll(text, () => n++);
  if (mode === 'yaml-lexer') for (const _ of new Lexer().lex(text)) n++;
  if (mode === 'yaml-cst') for (const _ of new Parser().parse(text)) n++;
  if (mode === 'yaml-full') for (const d of new Composer({ version: '1.1' }).compose(new Parser().parse(text), true)) { d.toJS(); n++; }
  if (mode === 'kgd') n = parseManifestText(file!, text).resources.length;
  process.stdout.write(JSON.stringify({ ms: Number(process.hrtime.bigint() - t) / 1e6, n }));
  process.exit(0);
}

const values = scriptArgs('bench:parsers', { isvcs: { type: 'string', default: '10000' }, runs: { type: 'string', default: '2' }, save: { type: 'boolean', default: false } }, 'npm run bench:parsers -- [--isvcs 10000] [--runs 2] [--save]');
const isvcs = wholeNumber('bench:parsers', 'isvcs', values.isvcs, 1);
const runs = wholeNumber('bench:parsers', 'runs', values.runs, 1);
const dir = mkdtempSync(join(tmpdir(), 'kgd-bench-parsers-'));
const generated = join(dir, 'cluster.yaml');
const fd = openSync(generated, 'w');
generateCluster({ isvcs, namespaces: Math.max(10, Math.round(isvcs / 100)), broken: 20 }, (d) => writeSync(fd, `---\n${d}`));
closeSync(fd);
const kubeflow = join(dir, 'kubeflow.yaml');
const corpus = fileURLToPath(new URL('../../../shared/corpus/kubeflow/', import.meta.url));
const kfd = openSync(kubeflow, 'w');
for (const f of readdirSync(corpus).filter((x) => x.endsWith('.yaml')).sort()) writeSync(kfd, `---\n${readFileSync(join(corpus, f), 'utf8')}\n`);
closeSync(kfd);

const self = fileURLToPath(import.meta.url);
const rows: { input: string; mode: string; bestMs: number; mbPerS: number }[] = [];
for (const [name, file] of [[`generated (${isvcs} InferenceServices)`, generated], ['Kubeflow corpus', kubeflow]] as const) {
  const bytes = statSync(file).size;
  const best = new Map<string, number>();
  for (let r = 0; r < runs; r++) {
    for (const mode of MODES) {
      const out = JSON.parse(execFileSync(process.execPath, ['--max-old-space-size=8192', self, '--worker', mode, file], { encoding: 'utf8' })) as { ms: number };
      best.set(mode, Math.min(best.get(mode) ?? Infinity, out.ms));
    }
  }
  console.log(`\n${name}: ${(bytes / 1e6).toFixed(1)} MB, best of ${runs}`);
  console.log('| parser | ms | MB/s |\n|---|---|---|');
  for (const mode of MODES) {
    const ms = best.get(mode)!;
    rows.push({ input: name, mode, bestMs: Math.round(ms), mbPerS: Number((bytes / 1e6 / (ms / 1000)).toFixed(1)) });
    console.log(`| ${mode} | ${Math.round(ms)} | ${(bytes / 1e6 / (ms / 1000)).toFixed(1)} |`);
  }
}
saveResult('parsers.json', rows, values.save);
