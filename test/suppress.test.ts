/**
 * Suppressions (issue #13 item 7): the kgd.io/ignore annotation (reason after `#` or in kgd.io/ignore-reason), Istio's
 * galley.istio.io/analyze-suppress for the codes that mirror Istio's analyzer, --ignore CODE[=Kind ns/name], and the
 * project file .kgd.yaml found from the working directory upward. Suppressed findings are counted and listed on request.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { stringify } from 'yaml';
import { checkResources } from '../src/check.js';
import { parseIgnore, type SuppressedDiagnostic } from '../src/engine/suppress.js';
import { parseManifestText } from '../src/load/parse.js';
import { deployment, docs, gateway, INGRESS_PODS, service, type Obj } from './helpers/manifests.js';
import { fromRoot } from './helpers/paths.js';

const annotated = (o: Obj, annotations: Record<string, string>): Obj => ({ ...o, metadata: { ...(o['metadata'] as Obj), annotations } });
// A whole cluster where Gateway g's server 8004 is on a listener no Service targets (KGD1411).
const pods = deployment('istio-system', 'istio-ingressgateway', INGRESS_PODS);
const svc = service('istio-system', 'istio-ingressgateway', INGRESS_PODS, [{ port: 80, targetPort: 8080 }]);
const run = (gw: Obj, ignore = [] as ReturnType<typeof parseIgnore>[]) => {
  const suppressed: SuppressedDiagnostic[] = [];
  const { diagnostics } = checkResources(parseManifestText('c.yaml', docs(gw, pods, svc)).resources, { complete: true, ignore, suppressed });
  return { codes: diagnostics.map((d) => d.code), suppressed };
};
const GW = gateway('istio-system', 'g', INGRESS_PODS, [{ port: 8004 }]);

describe('suppressions', () => {
  it('without any: KGD1411 is reported', () => assert.ok(run(GW).codes.includes('KGD1411')));
  it('kgd.io/ignore with the reason after #: left out, counted with its reason', () => {
    const r = run(annotated(GW, { 'kgd.io/ignore': 'KGD1411, KGD1401 # the 8004 listener is reached by pod IP' }));
    assert.ok(!r.codes.includes('KGD1411'));
    assert.deepEqual(r.suppressed.map((d) => [d.code, d.suppressed.by, d.suppressed.reason]), [['KGD1411', 'annotation kgd.io/ignore', 'the 8004 listener is reached by pod IP']]);
  });
  it('the reason may be its own annotation', () => {
    const r = run(annotated(GW, { 'kgd.io/ignore': 'KGD1411', 'kgd.io/ignore-reason': 'internal listener' }));
    assert.equal(r.suppressed[0]?.suppressed.reason, 'internal listener');
  });
  it('Istio\'s galley.istio.io/analyze-suppress: IST0162 covers KGD1411, which mirrors it; other codes stay', () => {
    assert.deepEqual(run(annotated(GW, { 'galley.istio.io/analyze-suppress': 'IST0162' })).suppressed.map((d) => [d.code, d.suppressed.by]), [['KGD1411', 'annotation galley.istio.io/analyze-suppress (IST0162)']]);
    assert.ok(run(annotated(GW, { 'galley.istio.io/analyze-suppress': 'IST0145' })).codes.includes('KGD1411'));
  });
  it('--ignore CODE=Kind ns/name only on that resource', () => {
    assert.equal(run(GW, [parseIgnore('KGD1411=Gateway istio-system/g', '--ignore')]).suppressed.length, 1);
    assert.equal(run(GW, [parseIgnore('KGD1411=Gateway istio-system/other', '--ignore')]).suppressed.length, 0);
    assert.throws(() => parseIgnore('KGD14=Gateway x', '--ignore'), /an ignore entry is CODE or CODE=Kind namespace\/name/);
  });
});

describe('suppressions from the command line and .kgd.yaml', () => {
  const kgd = (cwd: string, args: string[]) => spawnSync(process.execPath, [fromRoot('bin', 'kgd.js'), ...args], { cwd, encoding: 'utf8' });
  const project = (text: string): { root: string; sub: string; input: string } => {
    const root = mkdtempSync(join(tmpdir(), 'kgd-project-'));
    const sub = join(root, 'a', 'b');
    mkdirSync(sub, { recursive: true });
    writeFileSync(join(root, '.kgd.yaml'), text);
    const input = join(root, 'cluster.yaml');
    writeFileSync(input, [GW, pods, svc].map((o) => stringify(o)).join('---\n'));
    return { root, sub, input };
  };
  it('.kgd.yaml found from a subfolder: its ignore applies; --show-suppressed lists it; JSON counts it', () => {
    const p = project('ignore:\n  - KGD1411=Gateway istio-system/g\n');
    const text = kgd(p.sub, ['check', p.input, '--complete', '--show-suppressed']);
    assert.match(text.stdout, /Suppressed \(1\):\n.*KGD1411.*\.kgd\.yaml:2/);
    const json = JSON.parse(kgd(p.sub, ['check', p.input, '--complete', '-o', 'json']).stdout) as { summary: { suppressed: number } };
    assert.equal(json.summary.suppressed, 1);
    const sarif = JSON.parse(kgd(p.sub, ['check', p.input, '--complete', '-o', 'sarif']).stdout) as { runs: { results: { ruleId: string; suppressions?: { kind: string }[] }[] }[] };
    assert.deepEqual(sarif.runs[0]!.results.filter((x) => x.suppressions).map((x) => [x.ruleId, x.suppressions![0]!.kind]), [['KGD1411', 'external']]);
  });
  it('its severity applies unless a flag says otherwise', () => {
    const p = project('severity:\n  KGD1411: error\n');
    assert.match(kgd(p.sub, ['check', p.input, '--complete']).stdout, /error {2}KGD1411/);
    assert.match(kgd(p.sub, ['check', p.input, '--complete', '--severity', 'KGD1411=info']).stdout, /info {2}KGD1411/);
  });
  it('a mistake in it is one line naming the file and line, exit 2', () => {
    const p = project('ignore:\n  - KGD1411\nseverty:\n  KGD1411: off\n');
    const r = kgd(p.sub, ['check', p.input]);
    assert.equal(r.status, 2);
    assert.equal(r.stderr.trim().split('\n').length, 1);
    assert.match(r.stderr, /\.kgd\.yaml:3: unknown key "severty"/);
  });
  it('an unknown code in --ignore is a usage error', () => {
    const p = project('');
    const r = kgd(p.sub, ['check', p.input, '--ignore', 'KGD9999']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /unknown code KGD9999/);
  });
});
