/// <reference lib="dom" />
/**
 * `kgd serve --cluster` against the test kube-apiserver (test/helpers/cluster.ts), seen in a real headless Chromium:
 * a Gateway's selector changed in the cluster reaches the open page without a reload (server-sent events, then the
 * view fetched again) and shows as KGD1401 on that Gateway; the repair takes it away again. The page never writes:
 * the API server's objects are unchanged by everything the page did.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import type { Browser, Page } from 'playwright-core';
import { kubeRequest } from '../src/load/kube-http.js';
import { chromiumSkipReason, launchBrowser, startServe, type Served } from './helpers/browser.js';
import { findGo, startCluster, type TestCluster } from './helpers/cluster.js';
import { create, createAll, installCrds } from './helpers/kube-objects.js';
import { fromRoot } from './helpers/paths.js';

const skip = process.env['KGD_SKIP_CLUSTER'] ? 'KGD_SKIP_CLUSTER is set' : !findGo() && !process.env['CI'] ? 'Go is not installed (needed to build kube-apiserver); CI runs this' : chromiumSkipReason();
const GATEWAY = '/apis/networking.istio.io/v1beta1/namespaces/istio-system/gateways/custom-gateway';
const NODE = '.graph [data-id="Gateway istio-system/custom-gateway"]';

describe('kgd serve --cluster follows the cluster live', { skip }, () => {
  let cluster: TestCluster;
  let kc: KubeConfig;
  let browser: Browser;
  let served: Served;
  let page: Page;

  const version = () => page.evaluate(() => Number(document.body.dataset['version'] ?? 0));
  /** The node's accessible description: its findings. */
  const label = () => page.$eval(NODE, (e) => e.querySelector(':scope > desc')?.textContent ?? '');

  before(async () => {
    cluster = await startCluster();
    kc = new KubeConfig();
    kc.loadFromFile(cluster.kubeconfig);
    kc.setCurrentContext('admin');
    await installCrds(kc);
    await createAll(kc, [fromRoot('examples', 'custom-gateway-fixed')]);
    await create(kc, { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'custom-gateway', namespace: 'istio-system' }, subsets: [{ addresses: [{ ip: '10.1.0.11' }], ports: [{ name: 'http2', port: 8081 }] }] } as KubernetesObject);
    served = await startServe(['--cluster', '--kubeconfig', cluster.kubeconfig, '--context', 'admin', '--settle-ms', '100']);
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(served.url);
    await page.waitForSelector(NODE);
  });

  after(async () => {
    await browser?.close();
    await served?.stop();
    await cluster?.stop();
  });

  it('shows the live cluster, then a changed Gateway selector without a reload, then its repair', async () => {
    assert.match(await page.$eval('header', (h) => h.textContent!), /Live: analysed/);
    const v1 = await version();
    assert.doesNotMatch(await label(), /KGD1401/);
    const before = (await kubeRequest(kc, 'GET', GATEWAY)) as { metadata: { resourceVersion: string }; spec: { selector: Record<string, string> } };
    const app = before.spec.selector['app'];
    assert.ok(app, 'the fixed example\'s Gateway selects by app');
    // A marker on the window: it survives live updates and is gone after a reload.
    await page.evaluate(() => ((window as unknown as { kgdMarker: number }).kgdMarker = 1));

    await kubeRequest(kc, 'PATCH', GATEWAY, { spec: { selector: { app: `${app}-typo` } } }, 'application/merge-patch+json');
    await page.waitForFunction((v) => Number(document.body.dataset['version']) > v, v1, { timeout: 30_000 });
    await page.waitForFunction((sel) => /KGD1401/.test(document.querySelector(`${sel} > desc`)?.textContent ?? ''), NODE, { timeout: 30_000 });
    assert.match(await page.$eval(NODE, (e) => e.getAttribute('class') ?? ''), /\bsev-error\b/);
    assert.equal(await page.evaluate(() => (window as unknown as { kgdMarker?: number }).kgdMarker), 1, 'updated in place, not reloaded');
    const v2 = await version();

    await kubeRequest(kc, 'PATCH', GATEWAY, { spec: { selector: { app } } }, 'application/merge-patch+json');
    await page.waitForFunction((v) => Number(document.body.dataset['version']) > v, v2, { timeout: 30_000 });
    // The Gateway is drawn and nothing in its description (there is none when it has no finding) says KGD1401.
    await page.waitForFunction((sel) => document.querySelector(sel) !== null && !/KGD1401/.test(document.querySelector(`${sel} > desc`)?.textContent ?? ''), NODE, { timeout: 30_000 });

    // The page and its API only read: after clicking through every view, the Gateway is as the test left it.
    await page.click(NODE);
    await page.click('#tab-trace');
    await page.click('#tab-generate');
    const res = await fetch(new URL('/api/view', served.url), { method: 'POST' });
    assert.equal(res.status, 405);
    const now = (await kubeRequest(kc, 'GET', GATEWAY)) as { spec: { selector: Record<string, string> } };
    assert.deepEqual(now.spec.selector, before.spec.selector);
  });
});
