import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { assertGolden } from './helpers/golden.js';
import { fromRoot, ROOT, SHARED } from './helpers/paths.js';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateCluster } from '../scripts/gen-cluster.js';
import { loadSources } from '../src/load/sources.js';
import { traceAll, traceSnapshot } from '../src/trace/index.js';
import { formatTraceJson, writeTraceAllJson } from '../src/report/trace.js';

function kgd(args: string[], input?: string): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [fromRoot('bin', 'kgd.js'), ...args], { cwd: ROOT, input, encoding: 'utf8', env: { ...process.env, NO_COLOR: '' } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe('kgd command line', () => {
  it('--threads: a whole number; any number of threads gives the same report on a file large enough for them (32 MiB)', () => {
    for (const bad of ['0', 'two', '1.5', '65']) {
      for (const args of [['check', 'examples/custom-gateway-broken'], ['trace', '--all', 'examples/custom-gateway-broken'], ['fix', 'examples/custom-gateway-broken'], ['logs', '-'], ['generate', 'local-gateway', '--name', 'a']]) {
        const r = kgd([...args, '--threads', bad], '');
        assert.equal(r.code, 2, args.join(' '));
        assert.equal(r.stderr, `kgd: --threads takes a whole number from 1 to 64, not "${bad}"\n`);
      }
    }
    const file = join(mkdtempSync(join(tmpdir(), 'kgd-threads-')), 'cluster.yaml');
    const docs: string[] = [];
    generateCluster({ isvcs: 800, namespaces: 8, broken: 8 }, (d) => docs.push(`---\n${d}`));
    // Filler to pass the threshold cheaply: large ConfigMaps parse fast and no rule looks into them.
    const filler = `  blob: |\n${'    0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n'.repeat(1500)}`;
    for (let i = 0; i < 350; i++) docs.push(`---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: filler-${i}, namespace: team-0000}\ndata:\n${filler}`);
    writeFileSync(file, docs.join(''));
    assert.ok(docs.join('').length > 32 * 1024 * 1024);
    for (const args of [['check', file, '-o', 'json'], ['trace', '--all', file]]) {
      const one = kgd([...args, '--threads', '1']);
      const two = kgd([...args, '--threads', '2']);
      assert.equal(one.code, 1, one.stderr);
      assert.equal(two.stdout, one.stdout);
      assert.equal(two.code, one.code);
    }
  });
  it('check on the broken example exits 1 with findings', () => {
    const r = kgd(['check', 'examples/custom-gateway-broken']);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /KGD1405/);
    assert.ok(!r.stdout.includes("\u001b["), 'no colour when stdout is not a terminal');
  });
  it('check on the fixed example exits 0', () => assert.equal(kgd(['check', 'examples/custom-gateway-fixed']).code, 0));
  it('--fail-on none exits 0 even with errors', () => assert.equal(kgd(['check', 'examples/custom-gateway-broken', '--fail-on', 'none']).code, 0));
  it('--fail-on warning turns warnings into a failing exit', () => {
    assert.equal(kgd(['check', `${SHARED}/corpus/kubeflow`, 'examples/kubeflow', '-q']).code, 0);
    assert.equal(kgd(['check', `${SHARED}/corpus/kubeflow`, 'examples/kubeflow', '-q', '--fail-on', 'warning']).code, 1);
  });
  it('--severity can switch a code off', () => {
    const r = kgd(['check', 'examples/custom-gateway-broken', '--severity', 'KGD1405=off', '-o', 'json']);
    assert.ok(!JSON.parse(r.stdout).diagnostics.some((d: { code: string }) => d.code === 'KGD1405'));
  });
  it('--rule runs only the named rules', () => {
    const r = kgd(['check', 'examples/custom-gateway-broken', '--rule', 'gateway-hosts-admit-routes', '-o', 'json']);
    assert.deepEqual([...new Set(JSON.parse(r.stdout).diagnostics.map((d: { code: string }) => d.code))].filter((c) => c !== 'KGD0012'), ['KGD1405']);
  });
  it('reads stdin for "-" (kubectl get -o yaml piped in)', () => {
    const list = 'apiVersion: v1\nkind: List\nitems:\n- apiVersion: networking.istio.io/v1\n  kind: Gateway\n  metadata: {name: g, namespace: istio-system}\n  spec:\n    selector: [bad]\n';
    const r = kgd(['check', '-', '-o', 'json'], list);
    const d = JSON.parse(r.stdout).diagnostics.find((x: { code: string }) => x.code === 'KGD0007');
    assert.equal(d.location.file, '<stdin>');
    assert.equal(d.location.line, 8);
  });
  it('a missing path is a usage error: one line, exit 2, no stack', () => {
    const r = kgd(['check', 'no/such/dir']);
    assert.equal(r.code, 2);
    assert.equal(r.stderr.trim().split('\n').length, 1);
    assert.match(r.stderr, /no such file or folder/);
  });
  it('bad flags exit 2', () => {
    assert.equal(kgd(['check', '-o', 'xml', 'examples']).code, 2);
    assert.equal(kgd(['check', '--fail-on', 'sometimes', 'examples']).code, 2);
    assert.equal(kgd(['check', '--rule', 'no-such-rule', 'examples']).code, 2);
    assert.equal(kgd(['check', '--severity', 'KGD1405', 'examples']).code, 2);
    assert.equal(kgd(['frobnicate']).code, 2);
  });
  it('sarif output parses', () => {
    const r = kgd(['check', 'examples/custom-gateway-broken', '-o', 'sarif']);
    assert.equal(JSON.parse(r.stdout).version, '2.1.0');
  });
  it('rules lists every rule, as text and JSON', () => {
    const r = kgd(['rules', '-o', 'json']);
    assert.equal(r.code, 0);
    assert.ok(JSON.parse(r.stdout).length >= 20);
    assert.match(kgd(['rules']).stdout, /local-service-reaches-gateway/);
  });
  it('explain prints the docs page of a code', () => {
    const r = kgd(['explain', 'KGD1406']);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, readDoc('KGD1406'));
    assert.equal(kgd(['explain', 'KGD9999']).code, 2);
  });
  it('trace: exit 1 and the failing hop for the broken example, exit 0 for the fixed one', () => {
    const url = 'http://sklearn-iris.online-serving.svc.cluster.local/v1/models/sklearn-iris:predict';
    const bad = kgd(['trace', url, 'examples/custom-gateway-broken']);
    assert.equal(bad.code, 1);
    assert.match(bad.stdout, /FAIL 404/);
    const good = kgd(['trace', url, 'examples/custom-gateway-fixed', '-o', 'json']);
    assert.equal(good.code, 0);
    assert.equal(JSON.parse(good.stdout).trace.outcome, '200');
  });
  it('trace --all prints one row per request', () => {
    const r = kgd(['trace', '--all', 'examples/kubeflow']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /2 requests traced, 0 failing/);
  });
  it('trace --all: the table (golden), and the JSON written row by row is the one-shot document', async () => {
    const text = kgd(['trace', '--all', 'examples/custom-gateway-broken']);
    assert.equal(text.code, 1);
    assertGolden('trace-all-broken.txt', text.stdout);
    const json = kgd(['trace', '--all', 'examples/custom-gateway-broken', '-o', 'json']);
    assert.equal(json.code, 1);
    const rows = traceAll(traceSnapshot((await loadSources(['examples/custom-gateway-broken'])).resources, {}));
    assert.equal(json.stdout, formatTraceJson(rows));
    assert.equal(JSON.parse(json.stdout).traces.length, 2);
    const empty: string[] = [];
    writeTraceAllJson([], (x) => empty.push(x));
    assert.equal(empty.join(''), formatTraceJson([]));
  });
  it('trace: bad arguments are usage errors', () => {
    assert.equal(kgd(['trace', 'examples/kubeflow']).code, 2);
    assert.equal(kgd(['trace', 'https://x.y.svc.cluster.local/', 'examples/kubeflow']).code, 2);
    assert.equal(kgd(['trace', 'http://x/', 'examples/kubeflow', '-H', 'no-colon']).code, 2);
    assert.equal(kgd(['trace', 'http://x/', 'examples/kubeflow', '--from', '/app=x']).code, 2);
  });
  it('webhook: bad arguments and unreadable TLS files are one line and exit 2', () => {
    const cases = [
      ['webhook', 'serve'],
      ['webhook', 'serve', '--tls-cert', 'a', '--tls-key', 'b', '--deny-on', 'info'],
      ['webhook', 'serve', '--tls-cert', 'a', '--tls-key', 'b', '--port', '70000'],
      ['webhook', 'serve', '--tls-cert', '/nonexistent/tls.crt', '--tls-key', '/nonexistent/tls.key'],
      ['webhook', 'serve', '--tls-cert', 'README.md', '--tls-key', 'README.md', '--kubeconfig', '/nonexistent/kubeconfig'],
      ['webhook', 'certs'],
      ['webhook', 'certs', '--patch', 'kgd-webhook'],
      ['webhook', 'certs', '--out', '/tmp/kgd-never', '--ip', 'not-an-ip'],
    ];
    for (const c of cases) {
      const r = kgd(c);
      assert.equal(r.code, 2, `${c.join(' ')}: ${r.stderr}`);
      assert.equal(r.stderr.trim().split('\n').length, 1, `${c.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /^kgd: /);
    }
    assert.match(kgd(cases[3]!).stderr, /^kgd: cannot read \/nonexistent\/tls\.crt: no such file$/m);
    assert.match(kgd(cases[4]!).stderr, /kubeconfig/);
  });
  for (const cmd of [[], ['check'], ['trace'], ['logs'], ['rules'], ['explain'], ['fix'], ['generate', 'local-gateway'], ['dump'], ['webhook', 'serve'], ['graph'], ['serve']]) {
    it(`help: kgd ${cmd.join(' ')} --help (golden)`, () => {
      const r = kgd([...cmd, '--help']);
      assert.equal(r.code, 0);
      assertGolden(`help-${cmd[0] ?? 'kgd'}.txt`, r.stdout);
    });
  }
  it('--version prints the package version', () => assert.match(kgd(['--version']).stdout, /^\d+\.\d+\.\d+/));
});

function readDoc(code: string): string {
  return readFileSync(fromRoot('docs', 'rules', `${code}.md`), 'utf8');
}
