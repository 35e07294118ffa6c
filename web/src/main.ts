/**
 * The page of `kgd serve`: three views over the server's JSON API. Graph (the routing graph drawn by the same SVG
 * renderer as `kgd graph -o svg`, the findings list as its text alternative, the InferenceServices with their
 * predicted outcomes), Trace (`kgd trace`'s hops for a URL), Generate (`kgd generate local-gateway` as a form).
 * With `kgd serve --cluster` the server sends an event when the cluster changed and the view is fetched again.
 */
import { html, nothing, render, type TemplateResult } from 'lit-html';
import { unsafeHTML } from 'lit-html/directives/unsafe-html.js';
import { marked } from 'marked';
import { renderSvg } from '../../src/graph/svg.js';
import { SEVERITY_MARK } from '../../src/graph/lines.js';
import type { View } from '../../src/server/state.js';
import type { GraphFinding, GraphNode, IsvcSummary } from '../../src/graph/model.js';
import type { PlacedEdge } from '../../src/graph/layout.js';
import { succeeded, type TraceResult } from '../../src/trace/types.js';
import './style.css';

type Tab = 'graph' | 'trace' | 'generate';

interface Panel {
  readonly title: string;
  readonly body: TemplateResult;
}

interface State {
  view: View | undefined;
  svg: string;
  error: string | undefined;
  tab: Tab;
  selected: string | undefined;
  panel: Panel | undefined;
  drawn: 'auto' | string[];
  filter: string;
  /** Scale the graph to the pane's width (else actual size, scrolled). */
  fit: boolean;
  trace: { url: string; from: string; headers: string; sidecar: boolean; result?: TraceResult; error?: string; busy?: boolean };
  gen: { text?: string; href?: string; error?: string; output: string; busy?: boolean };
  status: string;
}

const LIST_LIMIT = 300;

const state: State = {
  view: undefined,
  svg: '',
  error: undefined,
  tab: 'graph',
  selected: undefined,
  panel: undefined,
  drawn: 'auto',
  filter: '',
  fit: true,
  trace: { url: '', from: 'default', headers: '', sidecar: false },
  gen: { output: 'yaml' },
  status: 'Loading…',
};

/** Timings the browser test and the benchmark read (ms). */
const timings: { fetchMs?: number; renderMs?: number; loadMs?: number } = {};
(window as unknown as { __kgd: unknown }).__kgd = { timings, state };

async function getJson<T>(url: string): Promise<T> {
  const r = await fetch(url);
  if (!r.ok) throw new Error(((await r.json().catch(() => ({}))) as { error?: string }).error ?? `${r.status} ${r.statusText}`);
  return (await r.json()) as T;
}

function viewUrl(): string {
  if (state.drawn === 'auto') return '/api/view';
  if (state.drawn.length === 0) return '/api/view?none=1';
  return `/api/view?${state.drawn.map((i) => `isvc=${encodeURIComponent(i)}`).join('&')}`;
}

async function loadView(): Promise<void> {
  const t0 = performance.now();
  try {
    const view = await getJson<View>(viewUrl());
    timings.fetchMs = performance.now() - t0;
    const t1 = performance.now();
    state.view = view;
    state.svg = renderSvg(view.graph, { title: `Routing graph of ${view.source}` });
    state.error = undefined;
    if (state.selected && !view.graph.nodes.some((n) => n.id === state.selected) && !view.graph.edges.some((e) => e.id === state.selected)) state.selected = undefined;
    const at = new Date(view.updatedAt).toLocaleTimeString();
    state.status = view.live ? `Live: analysed at ${at} (version ${view.version}, ${view.analysisMs} ms)` : `Read once at ${at} (${view.analysisMs} ms)`;
    update();
    timings.renderMs = performance.now() - t1;
    timings.loadMs ??= performance.now();
    document.body.dataset['version'] = String(view.version);
  } catch (e) {
    state.error = (e as Error).message;
    update();
  }
}

function findingsOn(id: string): GraphFinding[] {
  const g = state.view!.graph;
  const node = g.nodes.find((n) => n.id === id);
  const edge = g.edges.find((e) => e.id === id);
  return (node?.findings ?? edge?.findings ?? []).map((i) => g.findings[i]!);
}

function select(id: string, focus = false): void {
  state.selected = id;
  const g = state.view!.graph;
  const node = g.nodes.find((n) => n.id === id);
  const edge = g.edges.find((e) => e.id === id);
  state.panel = node ? nodePanel(node) : edge ? edgePanel(edge) : undefined;
  update();
  if (focus) (document.querySelector(`.graph [data-id="${CSS.escape(id)}"]`) as SVGGElement | null)?.focus();
}

const RANK = { error: 0, warning: 1, info: 2 } as const;

function findingItems(list: readonly GraphFinding[]): TemplateResult {
  if (list.length === 0) return html`<p>No findings here.</p>`;
  return html`<ul class="finding-items">
    ${[...list].sort((a, b) => RANK[a.severity] - RANK[b.severity]).map(
      (f) => html`<li class="sev-${f.severity}">
        <p><span class="sev">${SEVERITY_MARK[f.severity]} ${f.severity}</span> <strong>${f.code}</strong> (${f.symptom}) ${f.message}</p>
        <p><strong>Fix:</strong> ${f.fix}</p>
        <p>
          <button type="button" @click=${() => void openDoc(f.code)}>Documentation of ${f.code}</button>
          ${f.repair ? html`<button type="button" @click=${() => void openPatch(f)}>Patch (kgd fix)</button>` : nothing}
        </p>
      </li>`,
    )}
  </ul>`;
}

function nodePanel(n: GraphNode): Panel {
  return {
    title: `${n.title} ${n.name}`,
    body: html`
      ${n.role ? html`<p>${n.role}</p>` : nothing}
      ${n.missing ? html`<p><em>Named by the configuration but not in the input.</em></p>` : nothing}
      ${n.derived ? html`<p><em>Derived: ${n.derived}.</em></p>` : nothing}
      ${n.outcomes ? html`<p>Predicted: ${n.outcomes.join(', ')}</p>` : nothing}
      ${n.failure ? html`<p class="fail-text">✗ A trace fails here: ${n.failure}</p>` : nothing}
      ${findingItems(findingsOn(n.id))}
      ${n.kind === 'isvc' ? html`<p><button type="button" @click=${() => traceIsvc(n.name, 'internal')}>Trace its internal URL</button></p>` : nothing}
    `,
  };
}

function edgePanel(e: PlacedEdge): Panel {
  return {
    title: `${e.from} → ${e.to}`,
    body: html`<p>${e.failing ? '✗ ' : ''}${e.label}${e.note ? ' (a remark of the trace, not a hop taken)' : ''}</p>${findingItems(findingsOn(e.id))}`,
  };
}

async function openDoc(code: string): Promise<void> {
  try {
    const r = await fetch(`/api/docs/${encodeURIComponent(code)}`);
    if (!r.ok) throw new Error(`no documentation for ${code}`);
    const md = await r.text();
    state.panel = { title: `Documentation: ${code}`, body: html`<article class="doc">${unsafeHTML(await marked.parse(md))}</article>` };
  } catch (e) {
    state.panel = { title: `Documentation: ${code}`, body: html`<p role="alert">${(e as Error).message}</p>` };
  }
  update();
  (document.querySelector('#details h2') as HTMLElement | null)?.focus();
}

async function openPatch(f: GraphFinding): Promise<void> {
  try {
    const r = await getJson<{ repairs: { resource: string; file: string | null; jsonPatch: unknown[] }[]; refused: string[] }>(`/api/fix?version=${state.view!.version}&diagnostic=${f.diagnostic}`);
    state.panel = {
      title: `Patch for ${f.code}`,
      body: html`${r.repairs.map((x) => html`<p>${x.resource}${x.file ? html` in <code>${x.file}</code>` : nothing} (JSON patch; <code>kgd fix --write</code> edits the file, <code>kgd fix --cluster --apply</code> the cluster):</p><pre>${JSON.stringify(x.jsonPatch, null, 2)}</pre>`)}
        ${r.refused.map((x) => html`<p>Not repaired: ${x}</p>`)}`,
    };
  } catch (e) {
    state.panel = { title: `Patch for ${f.code}`, body: html`<p role="alert">${(e as Error).message}</p>` };
  }
  update();
  (document.querySelector('#details h2') as HTMLElement | null)?.focus();
}

function setDrawn(name: string, on: boolean): void {
  const g = state.view!.graph;
  const current = new Set(state.drawn === 'auto' ? g.drawn : state.drawn);
  if (on) current.add(name);
  else current.delete(name);
  state.drawn = [...current].sort();
  void loadView();
}

function traceIsvc(name: string, kind: 'internal' | 'external'): void {
  const s = state.view!.graph.isvcs.find((x) => x.name === name);
  const t = s?.traces.find((x) => x.kind === kind) ?? s?.traces[0];
  if (!s || !t) return;
  state.trace = { url: t.url, from: t.kind === 'internal' ? name.split('/')[0]! : 'default', headers: '', sidecar: false };
  switchTab('trace');
  void runTrace();
}

async function runTrace(): Promise<void> {
  const t = state.trace;
  const p = new URLSearchParams({ url: t.url, from: t.from || 'default' });
  for (const h of t.headers.split('\n').map((x) => x.trim()).filter(Boolean)) p.append('header', h);
  if (t.sidecar) p.set('sidecar', '1');
  state.trace = { ...t, busy: true, error: undefined };
  update();
  try {
    state.trace = { ...state.trace, busy: false, result: (await getJson<{ trace: TraceResult }>(`/api/trace?${p}`)).trace };
  } catch (e) {
    state.trace = { ...state.trace, busy: false, result: undefined, error: (e as Error).message };
  }
  update();
}

async function runGenerate(form: HTMLFormElement): Promise<void> {
  const data = new FormData(form);
  const p = new URLSearchParams();
  for (const [k, v] of data.entries()) if (typeof v === 'string' && v !== '') p.set(k, v);
  state.gen = { ...state.gen, busy: true, output: String(data.get('output') ?? 'yaml') };
  update();
  try {
    const r = await fetch(`/api/generate?${p}`);
    const text = await r.text();
    if (!r.ok) throw new Error((JSON.parse(text) as { error: string }).error);
    if (state.gen.href) URL.revokeObjectURL(state.gen.href);
    state.gen = { output: state.gen.output, text, href: URL.createObjectURL(new Blob([text], { type: 'text/yaml' })) };
  } catch (e) {
    state.gen = { output: state.gen.output, error: (e as Error).message };
  }
  update();
}

function switchTab(tab: Tab): void {
  state.tab = tab;
  update();
}

const TABS: [Tab, string][] = [
  ['graph', 'Graph'],
  ['trace', 'Trace'],
  ['generate', 'Generate'],
];

function onTabKey(e: KeyboardEvent): void {
  if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
  const i = TABS.findIndex(([t]) => t === state.tab);
  const next = TABS[(i + (e.key === 'ArrowRight' ? 1 : TABS.length - 1)) % TABS.length]![0];
  switchTab(next);
  (document.getElementById(`tab-${next}`) as HTMLElement | null)?.focus();
}

function onGraphActivate(e: Event): void {
  if (e instanceof KeyboardEvent && e.key !== 'Enter' && e.key !== ' ') return;
  const target = (e.target as Element).closest('[data-id]');
  if (!target) return;
  e.preventDefault();
  select(target.getAttribute('data-id')!);
}

function outcomeText(s: IsvcSummary): TemplateResult {
  return html`${s.traces.map((t) => html`<span class=${succeeded(t.outcome) ? 'ok' : 'bad'}>${succeeded(t.outcome) ? '✓' : '✗'} ${t.kind} ${t.outcome}</span> `)}`;
}

function graphView(v: View): TemplateResult {
  const g = v.graph;
  const drawn = new Set(g.drawn);
  const filter = state.filter.trim().toLowerCase();
  const rows = g.isvcs.filter((s) => !filter || s.name.includes(filter));
  const bySeverity = [...g.findings].sort((a, b) => RANK[a.severity] - RANK[b.severity]);
  return html`
    <div class="graph-layout">
      <section class="graph-pane" aria-label="Routing graph">
        <h2>Routing graph</h2>
        <p class="hint">Each box is a resource; the five config points of the local gateway on the left, then each drawn InferenceService's hops. Tab to a box and press Enter for its findings. Dashed: derived, not in the input.</p>
        <p><label><input type="checkbox" .checked=${state.fit} @change=${(e: Event) => { state.fit = (e.target as HTMLInputElement).checked; update(); }} /> Fit to width</label></p>
        <div class="graph ${state.fit ? 'fit' : ''}" @click=${onGraphActivate} @keydown=${onGraphActivate}>${unsafeHTML(state.svg)}</div>
      </section>
      <aside id="details" class="details" aria-live="polite" aria-label="Details">
        ${state.panel ? html`<h2 tabindex="-1">${state.panel.title}</h2>${state.panel.body}` : html`<h2 tabindex="-1">Details</h2><p>Select a box in the graph, or a finding below.</p>`}
      </aside>
    </div>
    <section id="findings" aria-label="Findings">
      <h2>Findings (${v.summary.errors} errors, ${v.summary.warnings} warnings, ${v.summary.infos} infos)</h2>
      ${g.findings.length === 0
        ? html`<p>No findings.</p>`
        : html`<table class="findings">
            <thead><tr><th scope="col">Severity</th><th scope="col">Code</th><th scope="col">Resource</th><th scope="col">Message</th><th scope="col">In the graph</th></tr></thead>
            <tbody>
              ${bySeverity.map(
                (f) => html`<tr class="sev-${f.severity}">
                  <td><span class="sev">${SEVERITY_MARK[f.severity]} ${f.severity}</span></td>
                  <td><button type="button" class="code" @click=${() => void openDoc(f.code)} aria-label="Documentation of ${f.code}">${f.code}</button></td>
                  <td>${f.resource ?? ''}</td>
                  <td>${f.message}</td>
                  <td>${f.on ? html`<button type="button" @click=${() => select(f.on!, true)}>Show</button>` : html`<span>not drawn</span>`}</td>
                </tr>`,
              )}
            </tbody>
          </table>`}
    </section>
    <section aria-label="InferenceServices">
      <h2>InferenceServices (${g.isvcs.length}, ${v.summary.failing} failing; ${g.drawn.length} drawn)</h2>
      <label>Filter <input type="search" .value=${state.filter} @input=${(e: Event) => { state.filter = (e.target as HTMLInputElement).value; update(); }} placeholder="namespace/name" /></label>
      <table class="isvcs">
        <thead><tr><th scope="col">InferenceService</th><th scope="col">Predicted</th><th scope="col">Where it fails</th><th scope="col">Draw</th><th scope="col">Trace</th></tr></thead>
        <tbody>
          ${rows.slice(0, LIST_LIMIT).map((s) => {
            const f = s.traces.find((t) => t.failing)?.failing;
            return html`<tr>
              <th scope="row">${s.name}</th>
              <td>${outcomeText(s)}</td>
              <td>${f ? `${f.step}: ${f.summary}` : ''}</td>
              <td><input type="checkbox" .checked=${drawn.has(s.name)} aria-label="Draw ${s.name}" @change=${(e: Event) => setDrawn(s.name, (e.target as HTMLInputElement).checked)} /></td>
              <td><button type="button" @click=${() => traceIsvc(s.name, 'internal')}>Trace</button></td>
            </tr>`;
          })}
        </tbody>
      </table>
      ${rows.length > LIST_LIMIT ? html`<p>${rows.length - LIST_LIMIT} more: filter to narrow the list.</p>` : nothing}
    </section>
  `;
}

function traceView(v: View): TemplateResult {
  const t = state.trace;
  const r = t.result;
  return html`
    <form class="trace-form" @submit=${(e: Event) => { e.preventDefault(); void runTrace(); }}>
      <label>InferenceService
        <select @change=${(e: Event) => { const n = (e.target as HTMLSelectElement).value; if (n) traceIsvc(n, 'internal'); }}>
          <option value="">(pick one to fill in its URL)</option>
          ${v.graph.isvcs.map((s) => html`<option value=${s.name}>${s.name}</option>`)}
        </select>
      </label>
      <label>URL <input name="url" type="url" required size="80" .value=${t.url} @input=${(e: Event) => (state.trace.url = (e.target as HTMLInputElement).value)} /></label>
      <label>From (namespace[/labels]) <input name="from" .value=${t.from} @input=${(e: Event) => (state.trace.from = (e.target as HTMLInputElement).value)} /></label>
      <label>Headers (one "Name: value" per line) <textarea name="headers" rows="2" .value=${t.headers} @input=${(e: Event) => (state.trace.headers = (e.target as HTMLTextAreaElement).value)}></textarea></label>
      <label><input type="checkbox" .checked=${t.sidecar} @change=${(e: Event) => (state.trace.sidecar = (e.target as HTMLInputElement).checked)} /> The caller has an Istio sidecar</label>
      <button type="submit" ?disabled=${t.busy}>Trace</button>
    </form>
    <section aria-live="polite" aria-label="Trace result">
      ${t.error ? html`<p role="alert">${t.error}</p>` : nothing}
      ${r
        ? html`<h2>${r.request.url} <small>(Host ${r.request.authority}, from ${r.request.from})</small></h2>
            <ol class="hops">
              ${r.hops.map(
                (h) => html`<li class="hop ${h.verdict}" aria-current=${h.verdict === 'fail' ? 'step' : nothing}>
                  <span class="mark">${h.verdict === 'ok' ? '✓' : h.verdict === 'fail' ? '✗' : '·'}</span>
                  <strong>${h.step}</strong>${h.verdict === 'fail' ? html` <strong class="fail-text">— fails here</strong>` : nothing}: ${h.summary}
                  ${h.resource ? html`<div class="where">${h.resource}${h.path ? ` ${h.path}` : ''}${h.derivedFrom ? ` (${h.derivedFrom})` : ''}</div>` : nothing}
                </li>`,
              )}
            </ol>
            <p class="outcome ${succeeded(r.outcome) ? 'ok' : 'bad'}"><strong>${succeeded(r.outcome) ? 'OK' : 'FAIL'} ${r.outcome}</strong>: ${r.verdict}</p>
            ${r.fix ? html`<p><strong>Fix:</strong> ${r.fix}</p>` : nothing}`
        : nothing}
    </section>
  `;
}

function generateView(): TemplateResult {
  const g = state.gen;
  return html`
    <p>The settings of <code>kgd generate local-gateway</code>; empty fields take its defaults. The bundle is merged with the input being served, as the command does with paths.</p>
    <form class="gen-form" @submit=${(e: Event) => { e.preventDefault(); void runGenerate(e.target as HTMLFormElement); }}>
      <label>Gateway name (--name) <input name="name" required placeholder="ml-local-gateway" /></label>
      <label>Namespace (--namespace) <input name="namespace" placeholder="istio-system" /></label>
      <label>Pod labels (--selector) <input name="selector" required placeholder="app=ml-local-gateway" /></label>
      <label>Knative installed by (--knative) <select name="knative"><option value="">manifests (default)</option><option value="manifests">manifests</option><option value="operator">operator</option></select></label>
      <label>KServe namespace (--kserve-namespace) <input name="kserveNamespace" placeholder="kserve" /></label>
      <label>Gateway port (--port) <input name="port" inputmode="numeric" placeholder="8081" /></label>
      <label>Cluster domain (--cluster-domain) <input name="clusterDomain" placeholder="cluster.local" /></label>
      <label>Flavour (--flavour) <select name="flavour"><option value="">custom (default)</option><option value="custom">custom</option><option value="kubeflow">kubeflow</option></select></label>
      <label><input type="checkbox" name="withDeployment" value="1" /> Also the gateway Deployment (--with-deployment)</label>
      <label>Output (-o) <select name="output"><option value="yaml">yaml</option><option value="helm-values">helm-values</option></select></label>
      <button type="submit" ?disabled=${g.busy}>Generate</button>
    </form>
    <section aria-live="polite" aria-label="Generated bundle">
      ${g.error ? html`<p role="alert">${g.error}</p>` : nothing}
      ${g.text && g.href ? html`<p><a href=${g.href} download=${g.output === 'yaml' ? 'local-gateway.yaml' : 'kserve-values.yaml'}>Download</a></p><pre class="bundle">${g.text}</pre>` : nothing}
    </section>
  `;
}

function update(): void {
  const v = state.view;
  render(
    html`
      <header>
        <h1>kgd <small>KServe Gateway Doctor</small></h1>
        ${v ? html`<p class="source">Input: ${v.source}</p>` : nothing}
        <p class="status" role="status">${state.status}</p>
      </header>
      <nav role="tablist" aria-label="Views" @keydown=${onTabKey}>
        ${TABS.map(([t, label]) => html`<button type="button" role="tab" id="tab-${t}" aria-controls="panel-${t}" aria-selected=${state.tab === t ? 'true' : 'false'} tabindex=${state.tab === t ? '0' : '-1'} @click=${() => switchTab(t)}>${label}</button>`)}
      </nav>
      <main id="panel-${state.tab}" role="tabpanel" aria-labelledby="tab-${state.tab}">
        ${state.error ? html`<p role="alert">Could not load the view: ${state.error}</p>` : nothing}
        ${v ? (state.tab === 'graph' ? graphView(v) : state.tab === 'trace' ? traceView(v) : generateView()) : html`<p>Loading…</p>`}
      </main>
    `,
    document.getElementById('app')!,
  );
  for (const el of document.querySelectorAll('.graph .selected')) el.classList.remove('selected');
  if (state.selected) document.querySelector(`.graph [data-id="${CSS.escape(state.selected)}"]`)?.classList.add('selected');
}

function follow(): void {
  const events = new EventSource('/api/events');
  events.addEventListener('version', (e) => {
    const { version } = JSON.parse((e as MessageEvent<string>).data) as { version: number };
    if (state.view && version !== state.view.version) void loadView();
  });
}

void loadView().then(follow);
