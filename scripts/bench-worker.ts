/**
 * One measurement of the benchmark, in its own process so that peak memory (maxRSS) and CPU are its own:
 * `node dist/scripts/bench-worker.js MODE FILE`. Prints one JSON line. Modes:
 *   io       the I/O floor: read the file and cut it at its `---` lines
 *   parse    the parse floor: the fastest parser measured (js-yaml, `npm run bench:parsers`) on the whole text
 *   yaml     the `yaml` library's full parse (the floor before #18)
 *   check    `kgd check` as the CLI runs it (one thread); checkN: with a parse worker per core (--threads cores+1)
 *   trace    `kgd trace --all` as the CLI runs it, the table written to nowhere
 */
import { readFileSync } from 'node:fs';
import jsYaml from 'js-yaml';
import { Composer, Parser } from 'yaml';
import { checkPaths } from '../src/check.js';
import { loadSources } from '../src/load/sources.js';
import { documentSpans } from '../src/load/fast-yaml.js';
import { traceAllIsvcWidth, traceAllRows, traceSnapshot, type TraceAllRow } from '../src/trace/index.js';
import { writeTraceAllText } from '../src/report/trace.js';
import { YAML_OPTIONS } from '../src/load/parse.js';
import { prepareView } from '../src/platform/build.js';
import { limitHeapGrowth } from '../src/cli/heap.js';
import { threadsPerCore } from '../src/load/parallel-parse.js';

async function run(mode: string, file: string): Promise<Record<string, unknown>> {
  const t0 = performance.now();
  if (mode === 'io') {
    const text = readFileSync(file, 'utf8');
    return { ms: performance.now() - t0, docs: documentSpans(text).length };
  }
  if (mode === 'parse') {
    const text = readFileSync(file, 'utf8');
    let docs = 0;
    jsYaml.loadAll(text, () => { docs++; });
    return { ms: performance.now() - t0, docs };
  }
  if (mode === 'yaml') {
    const text = readFileSync(file, 'utf8');
    let docs = 0;
    for (const doc of new Composer(YAML_OPTIONS).compose(new Parser().parse(text), true)) {
      doc.toJS();
      docs++;
    }
    return { ms: performance.now() - t0, docs };
  }
  if (mode === 'check' || mode === 'checkN') {
    const r = await checkPaths([file], mode === 'checkN' ? { threads: threadsPerCore() } : {});
    const found = r.diagnostics.map((d) => ({ id: d.id, resource: d.resource ?? '' }));
    return { ms: performance.now() - t0, resources: r.resourceCount, findings: found.length, found };
  }
  if (mode === 'trace') {
    const loaded = await loadSources([file], { onResource: prepareView });
    // What `kgd trace --all` does after loading: the text table, written to nowhere.
    let traced = 0;
    let failing = 0;
    let tableBytes = 0;
    const snapshot = traceSnapshot(loaded.resources).compact();
    const onRow = (r: TraceAllRow) => { traced++; if (r.result.outcome !== '200') failing++; };
    writeTraceAllText(traceAllRows(snapshot), (s) => (tableBytes += s.length), { onRow, isvcWidth: traceAllIsvcWidth(snapshot) });
    return { ms: performance.now() - t0, traced, failing, tableBytes };
  }
  throw new Error(`unknown mode ${mode}`);
}

// Measure kgd as the CLI runs it, with the same heap policy.
limitHeapGrowth();
const [mode, file] = process.argv.slice(2);
const result = await run(mode!, file!);
const cpu = process.cpuUsage();
process.stdout.write(JSON.stringify({ ...result, cpuMs: (cpu.user + cpu.system) / 1000, maxRssBytes: process.resourceUsage().maxRSS * 1024 }) + '\n');
