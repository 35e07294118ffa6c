import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { checkPaths } from '../src/check.js';
import type { CatalogKey } from '../src/diagnostics/catalog.js';

const dir = mkdtempSync(join(tmpdir(), 'kgd-load-'));
let n = 0;
function file(content: string | Buffer, ext = '.yaml'): string {
  const p = join(dir, `case-${n++}${ext}`);
  writeFileSync(p, content);
  return p;
}

function nest(depth: number, inner: string): string {
  let doc = inner;
  for (let i = 0; i < depth; i++) doc = `{"apiVersion": "v1", "kind": "List", "items": [${doc}]}`;
  return doc;
}

const GW = (spec: string) => `apiVersion: networking.istio.io/v1beta1\nkind: Gateway\nmetadata:\n  name: g\n  namespace: istio-system\nspec:\n${spec}\n`;
const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]', ...Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10).fill('*' + String.fromCharCode(97 + i)).join(',')}]`)].join('\n');

interface BadInput {
  readonly name: string;
  readonly content: string | Buffer;
  readonly ext?: string;
  /** Codes that must be reported (others may appear too, e.g. CheckSkipped). */
  readonly expect: readonly CatalogKey[];
  /** Line the first expected finding must point at. */
  readonly line?: number;
  readonly message?: RegExp;
}

const cases: BadInput[] = [
  { name: 'unclosed flow sequence', content: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: [a\n', expect: ['YamlSyntaxError'], message: /Flow map/ },
  { name: 'bad indentation', content: 'apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n   namespace: b\n', expect: ['YamlSyntaxError'] },
  { name: 'binary file with NUL bytes', content: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d]), expect: ['FileUnreadable'], message: /NUL bytes/ },
  { name: 'invalid UTF-8', content: Buffer.from([0x61, 0x3a, 0x20, 0xc3, 0x28, 0x0a]), expect: ['FileUnreadable'], message: /not UTF-8/ },
  { name: 'empty file', content: '', expect: ['NoResources'] },
  { name: 'only comments', content: '# nothing here\n---\n# still nothing\n', expect: ['NoResources'] },
  { name: 'a scalar document', content: 'just a string\n', expect: ['DocumentNotAnObject'], line: 1 },
  { name: 'a list at the top', content: '- a\n- b\n', expect: ['DocumentNotAnObject'] },
  { name: 'no kind', content: 'apiVersion: v1\nmetadata:\n  name: a\n', expect: ['ResourceIncomplete'], message: /kind/ },
  { name: 'no metadata.name', content: '---\napiVersion: v1\nkind: Service\nmetadata: {}\n', expect: ['ResourceIncomplete'], line: 2, message: /metadata\.name/ },
  { name: 'name is a number', content: 'apiVersion: v1\nkind: Service\nmetadata:\n  name: 42\n', expect: ['ResourceIncomplete'] },
  { name: 'namespace is a list', content: 'apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n  namespace: [x]\n', expect: ['ResourceIncomplete'], message: /namespace/ },
  { name: 'a 5-level-deep List', content: nest(5, '{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "deep"}}'), ext: '.json', expect: ['NestedList'] },
  { name: 'a 40-level-deep List', content: nest(40, '{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "deeper"}}'), ext: '.json', expect: ['NestedList'] },
  { name: 'Gateway at an unknown apiVersion', content: 'apiVersion: networking.istio.io/v9\nkind: Gateway\nmetadata: {name: g, namespace: x}\n', expect: ['UnsupportedApiVersion'], line: 1 },
  { name: 'Gateway selector is a list', content: GW('  selector: [app, gw]\n  servers: []'), expect: ['InvalidFieldType'], line: 7, message: /\.spec\.selector must be a mapping of strings/ },
  { name: 'server port number is a word', content: GW('  selector: {app: gw}\n  servers:\n    - port: {number: eighty, protocol: HTTP}\n      hosts: ["*"]'), expect: ['InvalidFieldType'], line: 9, message: /whole number/ },
  { name: 'server hosts is a string', content: GW('  selector: {app: gw}\n  servers:\n    - port: {number: 80, protocol: HTTP}\n      hosts: "*"'), expect: ['InvalidFieldType'], message: /hosts must be a list/ },
  { name: 'selector value unquoted boolean', content: GW('  selector: {enabled: true}\n  servers: []'), expect: ['InvalidFieldType'], message: /quote it/ },
  { name: 'Service ports is a mapping', content: 'apiVersion: v1\nkind: Service\nmetadata: {name: s, namespace: ns1}\nspec:\n  ports: {http: 80}\n', expect: ['InvalidFieldType'], message: /\.spec\.ports must be a list/ },
  { name: 'Service targetPort is a boolean', content: 'apiVersion: v1\nkind: Service\nmetadata: {name: s, namespace: ns1}\nspec:\n  ports:\n    - port: 80\n      targetPort: true\n', expect: ['InvalidFieldType'], line: 7 },
  { name: 'ConfigMap data value is a number', content: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: config-istio, namespace: knative-serving}\ndata:\n  local-gateways: 5\n', expect: ['InvalidFieldType'], line: 5 },
  { name: 'config-istio data is a list', content: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: config-istio, namespace: knative-serving}\ndata: [a, b]\n', expect: ['InvalidFieldType'] },
  { name: 'KnativeServing spec.config.istio is a string', content: 'apiVersion: operator.knative.dev/v1beta1\nkind: KnativeServing\nmetadata: {name: ks, namespace: knative-serving}\nspec:\n  config:\n    istio: "local-gateways: []"\n', expect: ['InvalidFieldType'], line: 6 },
  { name: 'VirtualService http is a string', content: 'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: v, namespace: ns1}\nspec:\n  hosts: [a]\n  http: "route everything"\n', expect: ['InvalidFieldType'] },
  { name: 'NetworkPolicy with a bad operator', content: 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: ns1}\nspec:\n  podSelector:\n    matchExpressions:\n      - {key: app, operator: Equals, values: [a]}\n', expect: ['InvalidFieldType'], message: /one of In, NotIn/ },
  { name: 'the same Service twice', content: 'apiVersion: v1\nkind: Service\nmetadata: {name: s, namespace: ns1}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: s, namespace: ns1}\n', expect: ['DuplicateResource'], line: 7 },
  { name: 'duplicate keys in a mapping', content: 'apiVersion: v1\nkind: Service\nkind: ConfigMap\nmetadata: {name: s}\n', expect: ['YamlSyntaxError'], line: 3 },
  { name: 'alias bomb', content: bomb + '\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n', expect: ['YamlSyntaxError'] },
  { name: 'truncated JSON', content: '{"apiVersion": "v1", "kind": ', ext: '.json', expect: ['YamlSyntaxError'] },
  { name: 'config-istio alone: rules say what they could not check', content: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: config-istio, namespace: knative-serving}\ndata: {}\n', expect: ['CheckSkipped'] },
];

describe('bad input: clear findings with file and line, never a crash', () => {
  it('has at least 20 cases', () => assert.ok(cases.length >= 20));
  for (const c of cases) {
    it(c.name, async () => {
      const p = file(c.content, c.ext);
      const r = await checkPaths([p]);
      const ids = r.diagnostics.map((d) => d.id);
      for (const e of c.expect) assert.ok(ids.includes(e), `expected ${e}, got ${ids.join(', ') || 'nothing'}`);
      const first = r.diagnostics.find((d) => d.id === c.expect[0])!;
      if (first.id !== 'CheckSkipped') {
        assert.equal(first.location?.file, p, 'the finding names the file');
        assert.ok((first.location?.line ?? 0) >= 1, 'the finding names a line');
      }
      if (c.line !== undefined) assert.equal(first.location?.line, c.line, first.message);
      if (c.message) assert.match(first.message, c.message);
      for (const d of r.diagnostics) assert.ok(!/\{\{\w+\}\}/.test(d.message), d.message);
    });
  }

  it('a 5-level-deep List still loads its items', async () => {
    const r = await checkPaths([file(nest(5, '{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "deep"}}'), '.json')]);
    assert.equal(r.resourceCount, 1);
  });

  it('a typed list from the API (items without kind) takes the kind from the list', async () => {
    const r = await checkPaths([file('apiVersion: v1\nkind: ServiceList\nitems:\n  - metadata: {name: a, namespace: ns1}\n    spec: {ports: [{port: 80}]}\n')]);
    assert.equal(r.resourceCount, 1);
    assert.equal(r.snapshot.list('Service')[0]?.name, 'a');
  });

  it('a folder without manifests is reported, other files in it are not read', async () => {
    const empty = join(dir, 'empty-folder');
    mkdirSync(empty);
    writeFileSync(join(empty, 'notes.txt'), 'not a manifest');
    const r = await checkPaths([empty]);
    assert.deepEqual(r.diagnostics.map((d) => d.id), ['NoResources']);
  });

  it('unknown kinds are kept and ignored', async () => {
    const r = await checkPaths([file('apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n')]);
    assert.equal(r.resourceCount, 1);
    assert.deepEqual(r.diagnostics.filter((d) => d.severity !== 'info').map((d) => d.id), []);
  });

  it('versions the input does not show are assumed, and said once (info, no file)', async () => {
    const gw = 'apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {name: g, namespace: istio-system}\nspec: {selector: {istio: ingressgateway}, servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: ["*"]}]}\n';
    const r = await checkPaths([file(gw)]);
    const v = r.diagnostics.filter((d) => d.id === ('VersionsAssumed' satisfies CatalogKey));
    assert.equal(v.length, 1);
    assert.equal(v[0]!.severity, 'info');
    assert.equal(v[0]!.location, undefined);
    assert.match(v[0]!.message, /Istio \(\d+\.\d+\.\d+\)/);
    const pinned = await checkPaths([file(gw)], { versions: { istio: '1.22.0' } });
    assert.deepEqual(pinned.diagnostics.filter((d) => d.id === 'VersionsAssumed'), []);
  });

  it('objects a default install has, that the input relies on, are assumed and said once; --complete reports them missing', async () => {
    const cfg = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: config-istio, namespace: knative-serving, labels: {networking.knative.dev/ingress-provider: istio, app.kubernetes.io/component: net-istio, app.kubernetes.io/name: knative-serving}}\ndata: {}\n';
    const r = await checkPaths([file(cfg)]);
    const a = r.diagnostics.filter((d) => d.id === ('InputAssumed' satisfies CatalogKey));
    assert.equal(a.length, 1);
    assert.match(a[0]!.message, /Gateway knative-serving\/knative-local-gateway, Gateway knative-serving\/knative-ingress-gateway, Service istio-system\/knative-local-gateway, Deployment istio-system\/istio-ingressgateway, Service istio-system\/istio-ingressgateway/);
    assert.deepEqual(r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code), []);
    const complete = await checkPaths([file(cfg)], { complete: true });
    assert.deepEqual(complete.diagnostics.filter((d) => d.id === 'InputAssumed'), []);
    assert.ok(complete.diagnostics.some((d) => d.code === 'KGD1108'), complete.diagnostics.map((d) => d.code).join(' '));
    assert.ok(complete.diagnostics.some((d) => d.code === 'KGD1109'), complete.diagnostics.map((d) => d.code).join(' '));
  });

  it('a file with more resources than a function call takes arguments (150,000) loads', async () => {
    const docs = Array.from({ length: 150000 }, (_, i) => `{apiVersion: v1, kind: Namespace, metadata: {name: n${i}}}`).join('\n---\n');
    const r = await checkPaths([file(docs)]);
    assert.equal(r.resourceCount, 150000);
  });

  it('a huge input (20,000 ConfigMaps, ~4 MB) loads without findings', async () => {
    const docs = Array.from({ length: 20000 }, (_, i) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\n  namespace: ns-${i % 50}\ndata:\n  key: "${'x'.repeat(100)}"\n`).join('---\n');
    const r = await checkPaths([file(docs)]);
    assert.equal(r.resourceCount, 20000);
    assert.deepEqual(r.diagnostics.filter((d) => d.severity !== 'info').map((d) => d.id), []);
  });
});
