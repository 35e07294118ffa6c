/// <reference lib="dom" />
/**
 * `kgd serve` end to end in a real headless Chromium (Debian's package, driven by playwright-core): the broken
 * example's findings sit on the nodes `kgd check` names; a finding's code opens its documentation; keyboard alone
 * reaches a node's findings; the trace view highlights the hop `kgd trace` says fails; the generate form gives the
 * bytes `kgd generate local-gateway` prints. `kgd graph -o mermaid` and `kgd trace -o mermaid` are parsed and drawn
 * by Mermaid itself in the same browser. The screenshots in docs/images are written here.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { chromiumSkipReason, launchBrowser, startServe, type Served } from './helpers/browser.js';
import { fromRoot, ROOT } from './helpers/paths.js';
import { generateCluster } from '../scripts/gen-cluster.js';

const kgd = (args: string[]) => spawnSync(process.execPath, [fromRoot('bin', 'kgd.js'), ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });

const skip = chromiumSkipReason();
const BROKEN = 'examples/custom-gateway-broken';
/** The status line says when the input was read and how long it took: hidden, so a screenshot is the same each run. */
const STABLE = 'header .status { visibility: hidden; }';
const FIXED = 'examples/custom-gateway-fixed';

interface CheckFinding {
  code: string;
  severity: string;
  rule: string;
  message: string;
  resource: string | null;
}

describe('kgd serve in headless Chromium', { skip }, () => {
  let browser: Browser;
  let served: Served;
  let page: Page;
  const errors: string[] = [];

  before(async () => {
    browser = await launchBrowser();
    served = await startServe([BROKEN]);
    page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.goto(served.url);
    await page.waitForSelector('.graph svg [data-id]');
  });

  after(async () => {
    await browser?.close();
    await served?.stop();
  });

  it('shows every finding of kgd check on the node (or an edge) of its resource, with severity in words', async () => {
    const check = JSON.parse(kgd(['check', '-o', 'json', BROKEN]).stdout) as { diagnostics: CheckFinding[] };
    const expected = check.diagnostics.filter((d) => !(d.rule === 'input' && d.severity === 'info'));
    assert.ok(expected.length >= 5, 'the broken example has findings');
    const rows = await page.$$eval('table.findings tbody tr', (trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => td.textContent!.trim())));
    assert.equal(rows.length, expected.length, 'one row per finding');
    const drawn = await page.$$eval('.graph svg [data-id]', (els) => els.map((e) => ({ id: e.getAttribute('data-id')!, label: e.querySelector(':scope > desc')?.textContent ?? '', cls: e.getAttribute('class') ?? '' })));
    let onNodes = 0;
    for (const f of expected) {
      const said = `${f.severity} ${f.code}: ${f.message}`;
      const holders = drawn.filter((d) => d.label.includes(said));
      if (f.resource && drawn.some((d) => d.id === f.resource)) {
        assert.equal(holders.length, 1, `${f.code} on ${f.resource} is drawn once`);
        const h = holders[0]!;
        assert.ok(h.id === f.resource || h.id.startsWith(`${f.resource} -> `) || h.id.includes(` -> ${f.resource}`), `${f.code} sits on ${f.resource} or an edge of it, not on ${h.id}`);
        onNodes++;
      } else {
        assert.equal(holders.length, 0, `${f.code} on ${f.resource} (not drawn) is on no node`);
        const row = rows.find((r) => r[1] === f.code && r[3] === f.message);
        assert.equal(row?.[4], 'not drawn');
      }
    }
    assert.ok(onNodes >= 5, `most findings are on the graph (${onNodes})`);
    // The gateway both configurations name: errors written on it as well as drawn red.
    const gw = drawn.find((d) => d.id === 'Gateway istio-system/custom-gateway')!;
    assert.match(gw.cls, /\bsev-error\b/);
    const gwText = await page.$eval('.graph [data-id="Gateway istio-system/custom-gateway"]', (e) => e.textContent);
    assert.match(gwText!, /✗ 2 errors/);
    assert.deepEqual(errors, []);
  });

  it('opens a finding\'s documentation from the findings list', async () => {
    const code = (await page.$eval('table.findings tbody tr button.code', (b) => b.textContent!.trim()))!;
    await page.click('table.findings tbody tr button.code');
    await page.waitForSelector(`#details h2:text("Documentation: ${code}")`);
    const heading = await page.$eval('#details article.doc h1', (h) => h.textContent!.trim());
    assert.equal(heading, readFileSync(fromRoot('docs', 'rules', `${code}.md`), 'utf8').split('\n')[0]!.replace(/^# /, ''));
  });

  it('shows kgd fix\'s patch for a finding that has one', async () => {
    await page.click('#tab-graph');
    await page.click('.graph [data-id="Service istio-system/custom-gateway"]');
    await page.click('#details button:text("Patch (kgd fix)")');
    await page.waitForSelector('#details h2:text("Patch for KGD1402")');
    const shown = JSON.parse(await page.$eval('#details pre', (p) => p.textContent!)) as unknown;
    const cli = JSON.parse(kgd(['fix', BROKEN, '-o', 'json']).stdout) as { repairs: { resource: string; jsonPatch: unknown }[] };
    assert.deepEqual(shown, cli.repairs.find((r) => r.resource === 'Service istio-system/custom-gateway')!.jsonPatch);
  });

  it('reaches a node\'s findings with the keyboard alone', async () => {
    await page.click('#tab-graph');
    // Tab from the top of the graph until the Gateway has the focus (nodes are in the tab order).
    await page.focus('.graph');
    let focused = '';
    for (let i = 0; i < 60 && focused !== 'Gateway istio-system/custom-gateway'; i++) {
      await page.keyboard.press('Tab');
      focused = await page.evaluate(() => document.activeElement?.getAttribute('data-id') ?? '');
    }
    assert.equal(focused, 'Gateway istio-system/custom-gateway');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#details h2:text("Gateway istio-system/custom-gateway")');
    const items = await page.$$eval('#details .finding-items li', (lis) => lis.map((l) => l.textContent!));
    assert.ok(items.some((t) => t.includes('KGD1405')), 'the Gateway\'s own findings are listed');
  });

  it('highlights the hop kgd trace says fails', async () => {
    await page.click('#tab-graph');
    await page.click('table.isvcs tbody tr:has-text("online-serving/sklearn-iris") button:text("Trace")');
    await page.waitForSelector('li.hop.fail');
    const url = await page.$eval('.trace-form input[name=url]', (i) => (i as HTMLInputElement).value);
    const cli = (JSON.parse(kgd(['trace', url, BROKEN, '--from', 'online-serving', '-o', 'json']).stdout) as { trace: { hops: { verdict: string; step: string; summary: string }[]; outcome: string } }).trace;
    const failing = cli.hops.filter((h) => h.verdict === 'fail');
    assert.equal(failing.length, 1);
    const shown = await page.$$eval('li.hop.fail', (lis) => lis.map((l) => ({ text: l.textContent!.replace(/\s+/g, ' '), current: l.getAttribute('aria-current') })));
    assert.equal(shown.length, 1);
    assert.ok(shown[0]!.text.includes(failing[0]!.summary.replace(/\s+/g, ' ')), shown[0]!.text);
    assert.ok(shown[0]!.text.includes('fails here'));
    assert.equal(shown[0]!.current, 'step');
    const hops = await page.$$eval('li.hop', (lis) => lis.length);
    assert.equal(hops, cli.hops.length);
    assert.match(await page.$eval('.outcome', (p) => p.textContent!), new RegExp(`FAIL ${cli.outcome}`));
  });

  it('the generate form gives the bundle kgd generate local-gateway prints for the same input', async () => {
    await page.click('#tab-generate');
    await page.fill('input[name=name]', 'ml-local-gateway');
    await page.fill('input[name=namespace]', 'ml-gateways');
    await page.fill('input[name=selector]', 'app=ml-local-gateway,istio=ml-local-gateway');
    await page.selectOption('select[name=knative]', 'operator');
    await page.fill('input[name=port]', '8082');
    await page.check('input[name=withDeployment]');
    await page.click('.gen-form button[type=submit]');
    await page.waitForSelector('pre.bundle');
    const shown = await page.$eval('pre.bundle', (p) => p.textContent!);
    const cli = kgd(['generate', 'local-gateway', '--name', 'ml-local-gateway', '--namespace', 'ml-gateways', '--selector', 'app=ml-local-gateway,istio=ml-local-gateway', '--knative', 'operator', '--port', '8082', '--with-deployment', BROKEN]);
    assert.equal(cli.status, 0, cli.stderr);
    assert.equal(shown, cli.stdout);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('a[download]')]);
    assert.equal(download.suggestedFilename(), 'local-gateway.yaml');
    assert.equal(readFileSync(await download.path(), 'utf8'), cli.stdout);
    // A spec that cannot work is said, as the CLI says it.
    await page.fill('input[name=port]', '80');
    await page.click('.gen-form button[type=submit]');
    await page.waitForSelector('[aria-label="Generated bundle"] [role=alert]');
    const said = await page.$eval('[aria-label="Generated bundle"] [role=alert]', (p) => p.textContent!);
    const cliErr = kgd(['generate', 'local-gateway', '--name', 'ml-local-gateway', '--namespace', 'ml-gateways', '--selector', 'app=ml-local-gateway,istio=ml-local-gateway', '--knative', 'operator', '--port', '80', '--with-deployment', BROKEN]);
    assert.equal(cliErr.status, 2);
    assert.equal(`kgd: ${said}\n`, cliErr.stderr);
  });

  it('kgd graph and kgd trace -o mermaid are parsed and drawn by Mermaid itself', async () => {
    const p = await browser.newPage();
    await p.setContent('<!doctype html><div id="out"></div>');
    await p.addScriptTag({ path: fromRoot('node_modules', 'mermaid', 'dist', 'mermaid.min.js') });
    const texts = [
      kgd(['graph', BROKEN]).stdout,
      kgd(['graph', 'examples/kubeflow', '--all-isvcs']).stdout,
      kgd(['trace', 'http://sklearn-iris.online-serving.svc.cluster.local/v1/models/sklearn-iris:predict', BROKEN, '--from', 'online-serving', '-o', 'mermaid']).stdout,
    ];
    for (const [i, text] of texts.entries()) {
      assert.match(text, /^flowchart /);
      const svg = await p.evaluate(async ([t, n]) => {
        const m = (window as unknown as { mermaid: { initialize(o: object): void; parse(t: string): Promise<unknown>; render(id: string, t: string): Promise<{ svg: string }> } }).mermaid;
        m.initialize({ startOnLoad: false, securityLevel: 'strict' });
        await m.parse(t!);
        return (await m.render(`g${n}`, t!)).svg;
      }, [text, String(i)] as const);
      assert.match(svg, /<svg/);
      const nodes = text.split('\n').filter((l) => /^ {2}(n|h)\d+\[/.test(l)).length;
      assert.ok((svg.match(/class="node/g) ?? []).length >= nodes, `Mermaid drew the ${nodes} nodes`);
    }
    await p.close();
  });

  it('has no WCAG 2 A/AA violations axe-core finds, in each view', async () => {
    interface AxeResult { violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[] }
    // The page's Content-Security-Policy refuses injected scripts (as it should): this context lets axe in.
    const context = await browser.newContext({ bypassCSP: true, viewport: { width: 1600, height: 1000 } });
    const p = await context.newPage();
    await p.goto(served.url);
    await p.waitForSelector('.graph svg [data-id]');
    await p.addScriptTag({ path: fromRoot('node_modules', 'axe-core', 'axe.min.js') });
    const audit = async (): Promise<string[]> => {
      const r = await p.evaluate(() => (window as unknown as { axe: { run(ctx: Document, o: object): Promise<AxeResult> } }).axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }));
      return r.violations.map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
    };
    await p.click('.graph [data-id="Gateway istio-system/custom-gateway"]');
    assert.deepEqual(await audit(), [], 'graph view');
    await p.click('table.isvcs tbody tr button:text("Trace")');
    await p.waitForSelector('li.hop');
    assert.deepEqual(await audit(), [], 'trace view');
    await p.click('#tab-generate');
    assert.deepEqual(await audit(), [], 'generate view');
    await context.close();
  });

  it('lists 400 InferenceServices 300 rows at a time, and its filter narrows them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kgd-serve-many-'));
    const docs: string[] = [];
    generateCluster({ isvcs: 400, namespaces: 8, broken: 0 }, (d) => docs.push(d));
    writeFileSync(join(dir, 'cluster.yaml'), docs.join('---\n'));
    const many = await startServe([join(dir, 'cluster.yaml')]);
    try {
      const p = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
      await p.goto(many.url);
      await p.waitForSelector('.graph svg [data-id]');
      assert.match(await p.$eval('section[aria-label=InferenceServices] h2', (h) => h.textContent!), /^InferenceServices \(400, 0 failing; 0 drawn\)/);
      assert.equal(await p.$$eval('table.isvcs tbody tr', (r) => r.length), 300);
      assert.match(await p.$eval('section[aria-label=InferenceServices]', (s) => s.textContent!), /100 more: filter to narrow the list/);
      await p.fill('input[type=search]', 'team-0003/');
      const shown = await p.$$eval('table.isvcs tbody th', (t) => t.map((x) => x.textContent!));
      assert.ok(shown.length === 50 && shown.every((n) => n.startsWith('team-0003/')), `${shown.length} rows`);
      await p.close();
    } finally {
      await many.stop();
    }
  });

  /** The page's graph alone, at its actual size (legible in the README): its SVG in a page of its own. */
  async function graphAlone(from: Page, file: string): Promise<void> {
    const svg = await from.$eval('.graph svg', (e) => e.outerHTML);
    const p = await browser.newPage({ viewport: { width: 800, height: 400 } });
    await p.setContent(`<!doctype html><body style="margin:0">${svg}</body>`);
    await p.locator('svg').screenshot({ path: fromRoot('docs', 'images', file) });
    await p.close();
  }

  it('writes the screenshots of the broken and fixed examples to docs/images', async () => {
    mkdirSync(fromRoot('docs', 'images'), { recursive: true });
    await page.click('#tab-graph');
    await page.click('.graph [data-id="Gateway istio-system/custom-gateway"]');
    await page.screenshot({ path: fromRoot('docs', 'images', 'serve-broken.png'), style: STABLE });
    await graphAlone(page, 'graph-broken.png');
    const fixed = await startServe([FIXED]);
    try {
      const p = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
      await p.goto(fixed.url);
      await p.waitForSelector('.graph svg [data-id]');
      assert.equal(await p.$$eval('.graph .sev-error, .graph .failing', (e) => e.length), 0, 'nothing red on the fixed example');
      assert.match(await p.$eval('#findings h2', (h) => h.textContent!), /\(0 errors, 0 warnings/);
      assert.match(await p.$eval('table.isvcs tbody', (t) => t.textContent!), /✓ internal 200/);
      await p.screenshot({ path: fromRoot('docs', 'images', 'serve-fixed.png'), style: STABLE });
      await graphAlone(p, 'graph-fixed.png');
      await p.close();
    } finally {
      await fixed.stop();
    }
  });
});
