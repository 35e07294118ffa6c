/**
 * How the page of `kgd serve` holds up with many InferenceServices: `npm run bench:serve -- [--isvcs 1000]
 * [--namespaces 20] [--broken 8] [--runs 5] [--save]`. A generated cluster (scripts/gen-cluster.ts) and, as the peer
 * in the same run, the one-InferenceService broken example, each served by `kgd serve` and opened in headless
 * Chromium (Debian's). Measured, median of the runs: the server's analysis (check + trace of every
 * InferenceService); the view's size; in the browser, time to the first drawn graph from navigation, the view's
 * fetch, its render (SVG and tables), main-thread long tasks (> 50 ms, Chromium's Long Tasks API) while loading;
 * then the interactions: typing into the InferenceService filter until painted, drawing one more InferenceService
 * (a new layout on the server) until it is on the page, opening a trace until its hops are shown.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { fail, saveResult, scriptArgs, wholeNumber } from './script-args.js';
import { generateCluster } from './gen-cluster.js';
import { chromiumSkipReason, launchBrowser, startServe } from '../test/helpers/browser.js';
import { fromRoot } from '../test/helpers/paths.js';

const values = scriptArgs('bench:serve', {
  isvcs: { type: 'string', default: '1000' }, namespaces: { type: 'string', default: '20' }, broken: { type: 'string', default: '8' },
  runs: { type: 'string', default: '5' }, save: { type: 'boolean', default: false },
}, 'npm run bench:serve -- [--isvcs 1000] [--namespaces 20] [--broken 8] [--runs 5] [--save]');
const isvcs = wholeNumber('bench:serve', 'isvcs', values.isvcs, 1);
const namespaces = wholeNumber('bench:serve', 'namespaces', values.namespaces, 1);
const broken = wholeNumber('bench:serve', 'broken', values.broken, 0);
const runs = wholeNumber('bench:serve', 'runs', values.runs, 1);
const skip = chromiumSkipReason();
if (skip) fail('bench:serve', skip);

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round((s[Math.floor((s.length - 1) / 2)]! + s[Math.ceil((s.length - 1) / 2)]!) / 2);
};

interface Sample {
  loadMs: number;
  fetchMs: number;
  renderMs: number;
  longTasks: number;
  longTaskMs: number;
  filterMs: number;
  drawOneMoreMs: number;
  traceMs: number;
}

async function measure(browser: Browser, args: string[], label: string): Promise<Record<string, unknown>> {
  const served = await startServe(args, 600_000);
  try {
    const view = await (await fetch(new URL('/api/view', served.url))).text();
    const parsed = JSON.parse(view) as { analysisMs: number; summary: { isvcs: number; failing: number }; graph: { nodes: unknown[]; drawn: string[]; isvcs: { name: string }[] } };
    const samples: Sample[] = [];
    for (let i = 0; i < runs; i++) {
      const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
      await page.addInitScript(() => {
        const w = window as unknown as { __longTasks: number[] };
        w.__longTasks = [];
        new PerformanceObserver((l) => l.getEntries().forEach((e) => w.__longTasks.push(e.duration))).observe({ type: 'longtask', buffered: true });
      });
      await page.goto(served.url);
      await page.waitForSelector('.graph svg [data-id]');
      const t = await page.evaluate(() => {
        const w = window as unknown as { __kgd: { timings: { loadMs: number; fetchMs: number; renderMs: number } }; __longTasks: number[] };
        return { ...w.__kgd.timings, longTasks: w.__longTasks.length, longTaskMs: w.__longTasks.reduce((a, b) => a + b, 0) };
      });
      const filterMs = await page.evaluate(async () => {
        const input = document.querySelector('input[type=search]') as HTMLInputElement;
        const t0 = performance.now();
        // One namespace of the generated cluster (every row of the peer's one namespace).
        input.value = document.querySelector('table.isvcs tbody th')!.textContent!.split('/')[0]! + '/';
        input.dispatchEvent(new Event('input', { bubbles: true }));
        await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
        const ms = performance.now() - t0;
        input.value = '';
        input.dispatchEvent(new Event('input', { bubbles: true }));
        return ms;
      });
      // One more InferenceService drawn: the first not drawn yet.
      const next = parsed.graph.isvcs.map((s) => s.name).find((n) => !parsed.graph.drawn.includes(n));
      let drawOneMoreMs = 0;
      if (next) {
        const t0 = Date.now();
        await page.click(`input[aria-label="Draw ${next}"]`);
        await page.waitForSelector(`.graph [data-id="InferenceService ${next}"]`);
        drawOneMoreMs = Date.now() - t0;
      }
      const t1 = Date.now();
      await page.click('table.isvcs tbody tr button:text("Trace")');
      await page.waitForSelector('li.hop');
      const traceMs = Date.now() - t1;
      samples.push({ loadMs: t.loadMs, fetchMs: t.fetchMs, renderMs: t.renderMs, longTasks: t.longTasks, longTaskMs: t.longTaskMs, filterMs, drawOneMoreMs, traceMs });
      await page.close();
    }
    const keys = Object.keys(samples[0]!) as (keyof Sample)[];
    const result = {
      label,
      isvcs: parsed.summary.isvcs,
      failing: parsed.summary.failing,
      drawn: parsed.graph.drawn.length,
      nodes: parsed.graph.nodes.length,
      viewBytes: view.length,
      serverAnalysisMs: parsed.analysisMs,
      ...Object.fromEntries(keys.map((k) => [`${k}Median`, median(samples.map((s) => s[k]))])),
      samples,
    };
    console.log(`${label}: ${JSON.stringify(Object.fromEntries(Object.entries(result).filter(([k]) => k !== 'samples')))}`);
    return result;
  } finally {
    await served.stop();
  }
}

const dir = mkdtempSync(join(tmpdir(), 'kgd-bench-serve-'));
const file = join(dir, 'cluster.yaml');
const docs: string[] = [];
generateCluster({ isvcs, namespaces, broken }, (d) => docs.push(d));
writeFileSync(file, docs.join('---\n'));
const browser = await launchBrowser();
try {
  const peer = await measure(browser, [fromRoot('examples', 'custom-gateway-broken')], 'peer: the broken example (1 InferenceService)');
  const big = await measure(browser, [file], `${isvcs} InferenceServices`);
  saveResult(`serve-${isvcs}.json`, { date: new Date().toISOString(), machine: '2 vCPU', chromium: browser.version(), runs, peer, big }, values.save);
} finally {
  await browser.close();
}
