/**
 * The routing graph (`kgd graph`, and the page of `kgd serve`): the five config points and their edges, each
 * finding on the node or edge of its resource, InferenceServices drawn in the order trace crosses their hops, and
 * the renderers. DOT output is laid out by Graphviz itself (@viz-js/viz: Graphviz compiled to WebAssembly); SVG is
 * parsed as XML; Mermaid is drawn by Mermaid in test/serve-browser.test.ts.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { instance } from '@viz-js/viz';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { loadSources } from '../src/load/sources.js';
import { prepareView } from '../src/platform/build.js';
import { analyze, graphOf, type Analysis } from '../src/graph/analyze.js';
import { AUTO_DRAW_LIMIT, type Graph } from '../src/graph/model.js';
import { layoutGraph } from '../src/graph/layout.js';
import { renderSvg } from '../src/graph/svg.js';
import { nodeLines } from '../src/graph/lines.js';
import { graphToDot, graphToMermaid, traceToDot, traceToMermaid } from '../src/graph/text.js';
import { trace } from '../src/trace/index.js';
import { generateCluster } from '../scripts/gen-cluster.js';
import { fromRoot, ROOT } from './helpers/paths.js';

const kgd = (args: string[]) => spawnSync(process.execPath, [fromRoot('bin', 'kgd.js'), ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });

async function analysed(...paths: string[]): Promise<Analysis> {
  const l = await loadSources(paths.map((p) => fromRoot(p)), { onResource: prepareView });
  return analyze(l.resources, l.problems, {});
}

const edge = (g: Graph, from: string, to: string) => g.edges.find((e) => e.from === from && e.to === to);
const EXAMPLES = ['examples/custom-gateway-broken', 'examples/custom-gateway-fixed', 'examples/kubeflow'];

describe('the routing graph', () => {
  it('draws the five config points of the local gateway and the edges between them', async () => {
    const g = graphOf(await analysed('examples/custom-gateway-fixed'));
    const ks = 'KnativeServing knative-serving/knative-serving';
    const cm = 'ConfigMap kserve/inferenceservice-config';
    const gw = 'Gateway istio-system/custom-gateway';
    const svc = 'Service istio-system/custom-gateway';
    const pods = 'Deployment istio-system/custom-gateway';
    for (const id of [ks, cm, gw, svc, pods]) assert.ok(g.nodes.some((n) => n.id === id), `${id} is drawn`);
    assert.equal(edge(g, ks, gw)?.label, 'local gateway');
    assert.equal(edge(g, ks, svc)?.label, 'local gateway service');
    assert.equal(edge(g, cm, gw)?.label, 'localGateway');
    assert.equal(edge(g, cm, svc)?.label, 'localGatewayService');
    assert.equal(edge(g, gw, pods)?.label, 'selects');
    assert.equal(edge(g, svc, pods)?.label, 'selects');
    assert.ok(g.edges.every((e) => !e.failing) && g.nodes.every((n) => !n.failure && !n.missing), 'nothing fails on the fixed example');
    // Both hops: KServe's VirtualService → the local gateway → Knative's VirtualService → the revision.
    const kserveVs = 'VirtualService online-serving/sklearn-iris';
    const knativeVs = 'VirtualService online-serving/sklearn-iris-predictor-ingress';
    assert.equal(edge(g, gw, kserveVs)?.label, 'route');
    assert.equal(edge(g, kserveVs, svc)?.label, 'service');
    assert.equal(edge(g, gw, knativeVs)?.label, 'route');
    const rev = edge(g, knativeVs, 'Revision online-serving/sklearn-iris-predictor-00001');
    assert.equal(rev?.label, 'revision');
    assert.equal(g.nodes.find((n) => n.id === rev!.to)?.kind, 'backend');
  });

  it('draws what the configuration names but the input lacks, and a selector that matches nothing, as missing', async () => {
    const g = graphOf(await analysed('examples/custom-gateway-broken'));
    const none = g.nodes.find((n) => n.title === 'no pods match')!;
    assert.ok(none.missing);
    assert.equal(none.name, 'istio=custom-gateway in istio-system');
    assert.ok(edge(g, 'Service istio-system/custom-gateway', none.id)?.failing);
    // KServe's localGatewayService is net-istio's Service, which the input lacks: derived, as the operator installs it.
    assert.match(g.nodes.find((n) => n.id === 'Service istio-system/knative-local-gateway')!.derived ?? '', /Knative operator/);
  });

  it('follows each InferenceService\'s trace hop by hop and marks where it fails', async () => {
    const a = await analysed('examples/custom-gateway-broken');
    const g = graphOf(a);
    const isvc = 'InferenceService online-serving/sklearn-iris';
    assert.deepEqual(g.nodes.find((n) => n.id === isvc)?.outcomes, ['internal 404', 'external 404']);
    const row = a.rows.find((r) => r.kind === 'internal')!;
    // Every resource the internal trace takes a step on is a node, and consecutive ones are joined.
    const taken = row.result.hops.filter((h) => h.resource && h.verdict !== 'note').map((h) => h.resource!);
    const chain = [isvc, ...taken.filter((r, i) => r !== taken[i - 1])];
    for (let i = 1; i < chain.length; i++) assert.ok(edge(g, chain[i - 1]!, chain[i]!), `${chain[i - 1]} -> ${chain[i]}`);
    const fail = row.result.hops.find((h) => h.verdict === 'fail')!;
    assert.equal(g.nodes.find((n) => n.id === fail.resource)?.failure, `${fail.step}: ${fail.summary}`);
    // The trace's remark (the VirtualService that has the host but is bound elsewhere) is a dashed note edge.
    const note = row.result.hops.find((h) => h.verdict === 'note' && h.resource)!;
    assert.ok(g.edges.some((e) => e.note && e.to === note.resource));
  });

  it('puts every finding on its resource\'s node, or on a drawn edge to a related resource, and nowhere else', async () => {
    for (const ex of EXAMPLES) {
      const a = await analysed(ex);
      const g = graphOf(a, { isvcs: 'all' });
      for (const f of g.findings) {
        const d = a.diagnostics[f.diagnostic]!;
        assert.equal(f.code, d.code);
        const holders = [...g.nodes, ...g.edges].filter((x) => x.findings.includes(g.findings.indexOf(f)));
        if (f.on === null) {
          assert.equal(holders.length, 0);
          assert.ok(!d.resource || !g.nodes.some((n) => n.id === d.resource), `${ex}: ${f.code} on ${d.resource} is drawn`);
          continue;
        }
        assert.equal(holders.length, 1);
        assert.equal(holders[0]!.id, f.on);
        if (f.on === d.resource) continue;
        const e = g.edges.find((x) => x.id === f.on)!;
        assert.ok(e.from === d.resource || e.to === d.resource, `${ex}: ${f.code} edge ${e.id} touches ${d.resource}`);
        assert.ok(d.related.some((r) => r.resource === e.from || r.resource === e.to));
      }
    }
  });

  it('draws every InferenceService up to 12, beyond that the failing ones; lists them all', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kgd-graph-'));
    const file = join(dir, 'cluster.yaml');
    const docs: string[] = [];
    const injections = generateCluster({ isvcs: 40, namespaces: 4, broken: 4 }, (d) => docs.push(d));
    writeFileSync(file, docs.join('---\n'));
    const l = await loadSources([file], { onResource: prepareView });
    const a = analyze(l.resources, l.problems, {});
    const auto = graphOf(a);
    assert.equal(auto.isvcs.length, 40);
    const failing = auto.isvcs.filter((s) => s.traces.some((t) => t.outcome !== '200' && t.outcome !== '301')).map((s) => s.name);
    assert.ok(failing.length > 0 && failing.length <= AUTO_DRAW_LIMIT, `${failing.length} failing of ${injections.length} injected`);
    assert.deepEqual(auto.drawn, failing);
    assert.equal(graphOf(a, { isvcs: 'all' }).drawn.length, 40);
    const one = graphOf(a, { isvcs: [auto.isvcs[0]!.name] });
    assert.deepEqual(one.drawn, [auto.isvcs[0]!.name]);
    assert.equal(one.nodes.filter((n) => n.kind === 'isvc').length, 1);
  });
});

describe('the renderers', () => {
  it('DOT: Graphviz lays out the graph and the trace, with every node', async () => {
    const viz = await instance();
    for (const ex of EXAMPLES) {
      const a = await analysed(ex);
      const g = graphOf(a, { isvcs: 'all' });
      const svg = viz.renderString(graphToDot(g), { format: 'svg' });
      assert.equal((svg.match(/class="node"/g) ?? []).length, g.nodes.length, ex);
      assert.equal((svg.match(/class="edge"/g) ?? []).length, g.edges.length, ex);
      const row = a.rows[0]!;
      const t = trace(a.snapshot, { url: row.url, from: { namespace: row.isvc.split('/')[0]!, labels: {}, sidecar: false } });
      const tsvg = viz.renderString(traceToDot(t), { format: 'svg' });
      assert.equal((tsvg.match(/class="node"/g) ?? []).length, t.hops.length + 2);
    }
  });

  it('SVG: well-formed XML; every node focusable, named by its visible text, described by its findings; severity in words', async () => {
    const a = await analysed('examples/custom-gateway-broken');
    const laid = await layoutGraph(graphOf(a));
    const svg = renderSvg(laid);
    assert.equal(XMLValidator.validate(svg), true);
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', htmlEntities: true }).parse(svg) as { svg: { g: { class: string; 'data-id': string; tabindex?: string; title: string; desc?: string; text?: unknown }[] } };
    const nodes = doc.svg.g.filter((x) => x.class.startsWith('node'));
    assert.equal(nodes.length, laid.nodes.length);
    for (const n of nodes) {
      assert.equal(n.tabindex, '0');
      const node = laid.nodes.find((x) => x.id === n['data-id'])!;
      // Named by exactly its visible text (WCAG 2.5.3), described by its findings.
      assert.equal(n.title, nodeLines(node, laid.findings).join(' '));
      for (const i of node.findings) assert.ok(n.desc!.includes(`${laid.findings[i]!.severity} ${laid.findings[i]!.code}: ${laid.findings[i]!.message}`));
    }
    assert.match(svg, /✗ 2 errors/);
    // Laid out without overlaps.
    for (const [i, p] of laid.nodes.entries()) {
      for (const q of laid.nodes.slice(i + 1)) {
        const apart = p.box.x + p.box.w <= q.box.x || q.box.x + q.box.w <= p.box.x || p.box.y + p.box.h <= q.box.y || q.box.y + q.box.h <= p.box.y;
        assert.ok(apart, `${p.id} and ${q.id} overlap`);
      }
    }
  });

  it('Mermaid: one node line per node, one link per edge, labels quoted', async () => {
    const a = await analysed('examples/kubeflow');
    const g = graphOf(a, { isvcs: 'all' });
    const m = graphToMermaid(g);
    assert.equal(m.split('\n').filter((l) => /^ {2}n\d+\["/.test(l)).length, g.nodes.length);
    assert.equal(m.split('\n').filter((l) => / (-->|-\.->)\|"/.test(l)).length, g.edges.length);
    const labels = [...m.matchAll(/"([^"]*)"/g)].map((x) => x[1]!.replace(/<br\/>/g, ''));
    assert.ok(labels.length > g.nodes.length && labels.every((l) => !/[<>]/.test(l)), 'angle brackets in labels are escaped');
    const t = traceToMermaid(trace(a.snapshot, { url: a.rows[0]!.url }));
    assert.match(t, /^flowchart TD\n/);
  });
});

describe('kgd graph and kgd trace -o mermaid|dot', () => {
  it('exit 1 with errors or failing requests, 0 on the fixed example; each format', () => {
    assert.equal(kgd(['graph', 'examples/custom-gateway-broken']).status, 1);
    const fixed = kgd(['graph', 'examples/custom-gateway-fixed']);
    assert.equal(fixed.status, 0, fixed.stderr);
    assert.match(fixed.stdout, /^flowchart LR\n/);
    assert.match(kgd(['graph', '-o', 'dot', 'examples/custom-gateway-fixed']).stdout, /^digraph kgd \{/);
    assert.match(kgd(['graph', '-o', 'svg', 'examples/custom-gateway-fixed']).stdout, /^<svg xmlns/);
    const json = JSON.parse(kgd(['graph', '-o', 'json', 'examples/custom-gateway-fixed']).stdout) as { nodes: { box: object }[] };
    assert.ok(json.nodes.every((n) => n.box));
    assert.match(kgd(['graph', '--isvc', 'online-serving/sklearn-iris', 'examples/custom-gateway-fixed']).stdout, /InferenceService<br\/>online-serving\/sklearn-iris/);
  });

  it('usage errors are one line, exit 2', () => {
    for (const [args, msg] of [
      [['graph', '-o', 'png', 'examples/custom-gateway-fixed'], /unknown output format "png"/],
      [['graph', '--isvc', 'nope/nope', 'examples/custom-gateway-fixed'], /no InferenceService nope\/nope in the input/],
      [['graph', '--isvc', 'bad', 'examples/custom-gateway-fixed'], /--isvc takes <namespace>\/<name>/],
      [['graph', '--isvc', 'a/b', '--all-isvcs', 'examples/custom-gateway-fixed'], /do not go together/],
      [['graph', 'examples/nope'], /nope/],
      [['trace', '--all', '-o', 'mermaid', 'examples/custom-gateway-fixed'], /-o mermaid draws one trace/],
    ] as const) {
      const r = kgd([...args]);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, msg);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    }
  });

  it('kgd trace -o mermaid and -o dot draw the hops of kgd trace -o json', () => {
    const url = 'http://sklearn-iris.online-serving.svc.cluster.local/v1/models/sklearn-iris:predict';
    const args = ['trace', url, 'examples/custom-gateway-broken', '--from', 'online-serving'];
    const j = (JSON.parse(kgd([...args, '-o', 'json']).stdout) as { trace: { hops: { verdict: string; step: string }[] } }).trace;
    const m = kgd([...args, '-o', 'mermaid']);
    assert.equal(m.status, 1);
    const failing = j.hops.findIndex((h) => h.verdict === 'fail') + 1;
    assert.match(m.stdout, new RegExp(`class h${failing} error`));
    assert.equal(m.stdout.split('\n').filter((l) => /^ {2}h\d+\["/.test(l)).length, j.hops.length);
    assert.match(kgd([...args, '-o', 'dot']).stdout, new RegExp(`h${failing} \\[label="${failing}\\. ✗ ${j.hops[failing - 1]!.step}`));
  });
});
