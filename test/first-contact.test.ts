/**
 * Issue #15 (first contact): what a new user tripped over, run as they ran it — from a folder of their own, with
 * the built command line.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fromRoot } from './helpers/paths.js';
import { findGo } from './helpers/cluster.js';
import { tool } from './helpers/tools.js';

const kgd = (cwd: string, args: string[]) => spawnSync(process.execPath, [fromRoot('bin', 'kgd.js'), ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '' } });

/** A project folder as users have them: manifests beside package.json, tsconfig.json and node_modules. */
function project(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kgd-first-'));
  mkdirSync(join(dir, 'manifests'));
  for (const f of readdirSync(fromRoot('examples', 'custom-gateway-broken'))) copyFileSync(fromRoot('examples', 'custom-gateway-broken', f), join(dir, 'manifests', f));
  writeFileSync(join(dir, 'package.json'), '{"name": "app", "version": "1.0.0", "dependencies": {}}\n');
  writeFileSync(join(dir, 'tsconfig.json'), '{"compilerOptions": {"strict": true}}\n');
  mkdirSync(join(dir, 'node_modules', 'some-chart'), { recursive: true });
  // A dependency's own YAML (a Gateway) would change the findings if it were read.
  copyFileSync(fromRoot('examples', 'custom-gateway-fixed', 'istio.yaml'), join(dir, 'node_modules', 'some-chart', 'gateway.yaml'));
  return dir;
}

describe('first contact (issue #15)', () => {
  it('1. `kgd check` with no path skips node_modules and JSON that is not a Kubernetes object, and says so', () => {
    const dir = project();
    const here = kgd(dir, ['check']);
    const direct = kgd(dir, ['check', 'manifests']);
    assert.equal(here.stdout, direct.stdout, 'the findings are those of the manifests alone');
    assert.equal(here.status, 1);
    assert.match(here.stderr, /^kgd: skipped 1 dependency folder\(s\) \(node_modules\) and 2 file\(s\) of JSON that is not a Kubernetes object \(package\.json, tsconfig\.json\)$/m);
    assert.equal(direct.stderr, '');
    // A JSON manifest is still read, and a broken one still reported.
    writeFileSync(join(dir, 'cm.json'), '{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x", "namespace": "default"}, "data": {}}\n');
    writeFileSync(join(dir, 'broken.json'), '{"apiVersion": "v1", "kind": "ConfigMap", \n');
    const more = kgd(dir, ['check', '-o', 'json']);
    assert.match(more.stdout, /broken\.json/);
  });

  it('2. `kgd fix --write` with no path is refused (exit 2) and writes nothing; with a path it writes', () => {
    const dir = project();
    const before = readFileSync(join(dir, 'manifests', 'kserve.yaml'), 'utf8');
    const r = kgd(dir, ['fix', '--write']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--write edits files in place: name them/);
    assert.equal(readFileSync(join(dir, 'manifests', 'kserve.yaml'), 'utf8'), before);
    const mtime = statSync(join(dir, 'manifests', 'kserve.yaml')).mtimeMs;
    const ok = kgd(dir, ['fix', '--write', 'manifests']);
    assert.match(ok.stderr, /wrote .*manifests/);
    assert.notEqual(statSync(join(dir, 'manifests', 'kserve.yaml')).mtimeMs === mtime && readFileSync(join(dir, 'manifests', 'kserve.yaml'), 'utf8') === before, true, 'fix --write with a path repaired something');
    // Without --write the current folder is still the default (patches only).
    assert.notEqual(kgd(dir, ['fix']).status, 2);
  });

  it('3. repeatable options take one value each, so the path after them stays a path', () => {
    const root = fromRoot();
    const host = kgd(root, ['trace', 'http://sklearn-iris.online-serving.svc.cluster.local/', '-H', 'Host: sklearn-iris.online-serving.svc.cluster.local', 'examples/custom-gateway-fixed']);
    assert.equal(host.status, 0, host.stderr + host.stdout);
    const two = kgd(root, ['trace', 'http://sklearn-iris.online-serving.svc.cluster.local/', '-H', 'X-A: 1', '-H', 'X-B: 2', 'examples/custom-gateway-fixed', '-o', 'json']);
    assert.equal(two.status, 0, two.stderr);
    const rule = kgd(root, ['check', '--rule', 'gateway-hosts-admit-routes', 'examples/custom-gateway-broken', '-o', 'json']);
    const ids = new Set((JSON.parse(rule.stdout) as { diagnostics: { rule: string }[] }).diagnostics.map((f) => f.rule));
    assert.deepEqual([...ids].filter((r) => r !== 'input'), ['gateway-hosts-admit-routes']);
    const sev = kgd(root, ['check', '--severity', 'KGD1405=off', 'examples/custom-gateway-broken']);
    assert.doesNotMatch(sev.stdout, /KGD1405/);
    assert.match(sev.stdout, /KGD1402/, 'the path after the option was read');
    const both = kgd(root, ['check', '--severity', 'KGD1405=off', '--severity', 'KGD1402=off', 'examples/custom-gateway-broken']);
    assert.doesNotMatch(both.stdout, /KGD1405|KGD1402/);
  });

  it('5. input that cannot be read or holds no resources is exit 2, findings still printed; a real input is not', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kgd-bad-'));
    writeFileSync(join(dir, 'empty.yaml'), '# only a comment\n');
    writeFileSync(join(dir, 'broken.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x\n');
    writeFileSync(join(dir, 'binary.yaml'), Buffer.from([0x00, 0x01, 0x02]));
    mkdirSync(join(dir, 'no-yaml'));
    writeFileSync(join(dir, 'no-yaml', 'notes.txt'), 'hello\n');
    for (const p of ['empty.yaml', 'broken.yaml', 'binary.yaml', 'no-yaml', 'missing-dir']) {
      const r = kgd(dir, ['check', p]);
      assert.equal(r.status, 2, `${p}: ${r.stdout}${r.stderr}`);
    }
    const stdin = spawnSync(process.execPath, [fromRoot('bin', 'kgd.js'), 'check', '-'], { cwd: dir, input: '', encoding: 'utf8' });
    assert.equal(stdin.status, 2);
    assert.match(stdin.stdout, /KGD0005/);
    // A broken document beside good ones: the findings are printed, and the exit says the input was bad.
    const mixed = kgd(dir, ['check', 'broken.yaml', fromRoot('examples', 'custom-gateway-fixed')]);
    assert.equal(mixed.status, 2);
    assert.match(mixed.stdout, /KGD0001/);
    assert.equal(kgd(dir, ['check', fromRoot('examples', 'custom-gateway-fixed')]).status, 0);
  });

  it('7, 8, 10, 11: rules refuses sarif, an unknown --severity code is an error, explain takes rule ids, `kgd` alone is exit 2, no doubled dot', () => {
    const root = fromRoot();
    const sarif = kgd(root, ['rules', '-o', 'sarif']);
    assert.equal(sarif.status, 2);
    assert.equal(sarif.stdout, '');
    const sev = kgd(root, ['check', 'examples/custom-gateway-fixed', '--severity', 'KGD9999=off']);
    assert.equal(sev.status, 2);
    assert.match(sev.stderr, /^kgd: --severity: unknown code "KGD9999"/);
    const byRule = kgd(root, ['explain', 'gateway-hosts-admit-routes']);
    assert.equal(byRule.status, 0);
    assert.match(byRule.stdout, /KGD1405/);
    const none = kgd(root, []);
    assert.equal(none.status, 2);
    assert.match(none.stderr, /^Usage: kgd/);
    const dir = mkdtempSync(join(tmpdir(), 'kgd-dot-'));
    const dot = kgd(dir, ['check', '.']);
    assert.match(dot.stdout, /No Kubernetes resources found in "\."\./);
  });

  it('13. (part) the package has the Apache-2.0 LICENSE it declares, and ships the JSON docs and the ClusterRoles the README links', () => {
    const pkg = JSON.parse(readFileSync(fromRoot('package.json'), 'utf8')) as { license: string; files: string[] };
    assert.equal(pkg.license, 'Apache-2.0');
    assert.match(readFileSync(fromRoot('LICENSE'), 'utf8'), /^Apache License\s+Version 2\.0, January 2004/);
    for (const f of ['docs/json-output.md', 'deploy', 'LICENSE']) assert.ok(pkg.files.includes(f), f);
    const packed = spawnSync('npm', ['pack', '--dry-run', '--json'], { cwd: fromRoot(), encoding: 'utf8' });
    const names = (JSON.parse(packed.stdout) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path);
    for (const f of ['LICENSE', 'docs/json-output.md', 'deploy/clusterrole.yaml', 'deploy/clusterrole-logs.yaml']) assert.ok(names.includes(f), `${f} is not in the tarball`);
  });

  it('6. symbolic links in folders are followed once; broken ones, cycles and repeats are said', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kgd-links-'));
    mkdirSync(join(dir, 'real'));
    cpSync(fromRoot('examples', 'custom-gateway-broken'), join(dir, 'real'), { recursive: true });
    const only = kgd(dir, ['check', 'real', '-o', 'json']);
    // A folder of links to the files, a link to the folder, a loop back up, a broken link, a second link to a file.
    mkdirSync(join(dir, 'tree'));
    symlinkSync(join(dir, 'real'), join(dir, 'tree', 'linked'));
    symlinkSync('..', join(dir, 'real', 'loop'));
    symlinkSync(join(dir, 'nowhere.yaml'), join(dir, 'tree', 'broken.yaml'));
    symlinkSync(join(dir, 'real', 'istio.yaml'), join(dir, 'tree', 'z-istio.yaml'));
    const r = kgd(dir, ['check', 'tree', '-o', 'json']);
    const codes = (o: string) => (JSON.parse(o) as { diagnostics: { code: string; message: string }[] }).diagnostics.map((d) => `${d.code} ${d.message}`).sort();
    assert.deepEqual(codes(r.stdout), codes(only.stdout), 'the linked folder was read once, its files once');
    assert.match(r.stderr, /1 broken symbolic link\(s\) \(tree\/broken\.yaml\)/);
    assert.match(r.stderr, /1 link\(s\) back to a folder already read \(tree\/linked\/loop\/tree\/linked\)|link\(s\) back to a folder already read/);
    assert.match(r.stderr, /1 link\(s\) to a file already read \(tree\/z-istio\.yaml\)/);
    assert.equal(r.status, 1);
  });

  it('8. trace help says what it reads; -q says what it left out; --cluster without a kubeconfig says where it looked', () => {
    const root = fromRoot();
    const help = kgd(root, ['trace', '--help']).stdout;
    assert.doesNotMatch(help, /default: \[\]/);
    assert.match(help, /default: the current\s+folder/);
    assert.doesNotMatch(help, /the URL argument is then a path/);
    // The article's snippets leave checks unable to run: -q hides the info findings, but says so.
    const q = kgd(root, ['check', 'examples/custom-gateway-fixed', '-q']);
    assert.match(q.stdout, /^No problems found\.\n-q left out \d+ info findings?/m);
    const partial = mkdtempSync(join(tmpdir(), 'kgd-q-'));
    copyFileSync(fromRoot('examples', 'custom-gateway-fixed', 'kserve.yaml'), join(partial, 'kserve.yaml'));
    assert.match(kgd(partial, ['check', '.', '-q']).stdout, /of them a check that could not run on this input/);
    const home = mkdtempSync(join(tmpdir(), 'kgd-home-'));
    const env = { ...process.env, HOME: home, KUBECONFIG: '', KUBERNETES_SERVICE_HOST: '' };
    const c = spawnSync(process.execPath, [fromRoot('bin', 'kgd.js'), 'check', '--cluster'], { cwd: home, encoding: 'utf8', env });
    assert.equal(c.status, 2);
    assert.equal(c.stderr, `kgd: no kubeconfig found (looked in $KUBECONFIG, which is unset, in ${join(home, '.kube', 'config')}, and for an in-cluster service account): pass --kubeconfig FILE or set KUBECONFIG\n`);
  });

  it('9. generate: the apply line fits the output, --out needs -o kustomize, --port 80 is explained, a spec error has its line, the flag\'s selector syntax works in a spec', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kgd-gen-'));
    const base = ['generate', 'local-gateway', '--name', 'ml-gw', '--selector', 'app=ml-gw'];
    const k = kgd(dir, [...base, '-o', 'kustomize', '--out', 'overlay']);
    assert.equal(k.status, 0, k.stderr);
    const kust = readFileSync(join(dir, 'overlay', 'kustomization.yaml'), 'utf8');
    assert.match(kust, /kubectl apply --server-side --field-manager=kgd -k <this folder>/);
    assert.doesNotMatch(kust, /-f <this file>/);
    const helm = kgd(dir, [...base, '-o', 'helm-values']).stdout;
    assert.match(helm, /helm upgrade/);
    assert.doesNotMatch(helm, /kubectl apply --server-side --field-manager=kgd -f <this file>/);
    const out = kgd(dir, [...base, '--out', 'x']);
    assert.equal(out.status, 2);
    assert.match(out.stderr, /^kgd: --out writes the folder of -o kustomize; -o yaml goes to standard output/);
    const p80 = kgd(dir, [...base, '--port', '80']);
    assert.equal(p80.status, 2);
    assert.match(p80.stderr, /--port 80 is taken: 80 is the port of the external gateway's listener; keep the default 8081/);
    writeFileSync(join(dir, 'spec.yaml'), 'name: ml-gw\nselector: app=ml-gw,istio=ml-gw\n\nport: 80\n');
    const spec = kgd(dir, ['generate', 'local-gateway', '--spec', 'spec.yaml']);
    assert.equal(spec.status, 2);
    assert.match(spec.stderr, /^kgd: spec\.yaml:4: port 80 is taken/);
    writeFileSync(join(dir, 'spec.yaml'), 'name: ml-gw\nselector: app=ml-gw,istio=ml-gw\n');
    const ok = kgd(dir, ['generate', 'local-gateway', '--spec', 'spec.yaml']);
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /app: ml-gw\n\s+istio: ml-gw/);
    writeFileSync(join(dir, 'spec.yaml'), 'name: ml-gw\nselector: app=\n');
    assert.match(kgd(dir, ['generate', 'local-gateway', '--spec', 'spec.yaml']).stdout, /app: ""/);
    writeFileSync(join(dir, 'spec.yaml'), 'name: ml-gw\nselector: "app ml-gw"\n');
    assert.match(kgd(dir, ['generate', 'local-gateway', '--spec', 'spec.yaml']).stderr, /^kgd: spec\.yaml:2: selector takes key=value/);
  });

  it('10. binary input has a fix that fits, on stdin too, and a long value is cut before quoting; `ingress: 42` is one finding', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kgd-bin-'));
    writeFileSync(join(dir, 'x.yaml'), Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00]));
    const f = kgd(dir, ['check', 'x.yaml']);
    assert.match(f.stdout, /KGD0004.*NUL bytes/);
    assert.match(f.stdout, /fix: Pass only manifests as text/);
    assert.doesNotMatch(f.stdout, /permission/);
    const stdin = spawnSync(process.execPath, [fromRoot('bin', 'kgd.js'), 'check', '-'], { cwd: dir, input: Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0xff, 0xfe]), encoding: 'utf8' });
    assert.equal(stdin.status, 2);
    assert.match(stdin.stdout, /<stdin>:1:1 {2}error {2}KGD0004 .*Cannot read <stdin>: it contains NUL bytes/);
    const latin1 = spawnSync(process.execPath, [fromRoot('bin', 'kgd.js'), 'check', '-'], { cwd: dir, input: Buffer.from('kind: caf\xe9\n', 'latin1'), encoding: 'utf8' });
    assert.match(latin1.stdout, /KGD0004 .*not UTF-8 text/);
    const long = spawnSync(process.execPath, [fromRoot('bin', 'kgd.js'), 'check', '-'], { cwd: dir, input: JSON.stringify('a\\b"c'.repeat(20)), encoding: 'utf8' });
    const quoted = /found a string \((".*")\)/.exec(long.stdout)![1]!;
    assert.equal(typeof JSON.parse(quoted), 'string', 'the quoted value is a whole JSON string');
    assert.match(JSON.parse(quoted) as string, /…$/);
    writeFileSync(join(dir, 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: inferenceservice-config, namespace: kserve}\ndata:\n  ingress: 42\n');
    const codes = (JSON.parse(kgd(dir, ['check', 'cm.yaml', '-o', 'json']).stdout) as { diagnostics: { code: string; severity: string }[] }).diagnostics.filter((d) => d.severity !== 'info').map((d) => d.code);
    assert.deepEqual(codes, ['KGD0007']);
  });

  it('11. usage errors are one line in kgd\'s style, naming the help to read', () => {
    const root = fromRoot();
    for (const [args, line] of [
      [['check', '--bogus'], "kgd: unknown option '--bogus' (see kgd check --help)"],
      [['frob'], "kgd: unknown command 'frob' (see kgd --help)"],
      [['check', '-o'], "kgd: option '-o, --output <format>' argument missing (see kgd check --help)"],
      [['generate', 'local-gateway', '--bogus'], "kgd: unknown option '--bogus' (see kgd generate local-gateway --help)"],
      [['check', '-o', 'yaml', 'examples/kubeflow'], 'kgd: unknown output format "yaml" (use text, json, sarif or junit)'],
      [['check', '-A', 'examples/kubeflow'], 'kgd: --kubeconfig, --context, --namespaces and -A go with --cluster'],
      [['logs', '-n', 'x', 'some.log'], 'kgd: -n, -A, --namespaces, --kubeconfig and --context go with --cluster'],
    ] as const) {
      const r = kgd(root, [...args]);
      assert.equal(r.status, 2, args.join(' '));
      assert.equal(r.stderr, `${line}\n`);
    }
    for (const c of [['check'], ['trace'], ['fix'], ['dump'], ['logs'], ['generate', 'local-gateway']]) assert.match(kgd(root, [...c, '--help']).stdout, /Exit status: .*, 3 internal error/, c.join(' '));
  });

  it('12. the npm scripts take their options as the README writes them, refuse others in one line, and save results only when asked', () => {
    const readme = readFileSync(fromRoot('README.md'), 'utf8');
    assert.doesNotMatch(readme, /\] \[-- --/, 'one -- before all script options');
    const bench = spawnSync(process.execPath, [fromRoot('dist', 'scripts', 'bench.js'), '--sizes', '10', '--', '--runs', '3'], { encoding: 'utf8' });
    assert.equal(bench.status, 2);
    assert.match(bench.stderr, /^bench: Unexpected argument '--runs'.*\(usage: npm run bench -- \[--sizes/);
    assert.doesNotMatch(bench.stderr, /\n\s+at /, 'no stack trace');
    const bad = spawnSync(process.execPath, [fromRoot('dist', 'scripts', 'gen-cluster.js'), '--isvcs', 'many'], { encoding: 'utf8' });
    assert.equal(bad.stderr, 'gen:cluster: --isvcs takes a whole number of at least 0, not "many"\n');
    const dir = mkdtempSync(join(tmpdir(), 'kgd-gen-out-'));
    const gen = spawnSync(process.execPath, [fromRoot('dist', 'scripts', 'gen-cluster.js'), '--isvcs', '3', '--namespaces', '1', '--broken', '9', '--out', join(dir, 'new', 'folder', 'c.yaml')], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(gen.status, 0, gen.stderr);
    assert.ok(statSync(join(dir, 'new', 'folder', 'c.yaml')).size > 0);
    // A small run leaves the committed results alone and says how to save.
    const committed = readFileSync(fromRoot('bench', 'results', 'latest.json'), 'utf8');
    // The peer column's istioctl is built first (minutes on a cold cache, outside the run's time limit); without Go the run says it skipped it.
    const go = findGo();
    if (go) tool('istioctl', go);
    const small = spawnSync(process.execPath, [fromRoot('dist', 'scripts', 'bench.js'), '--sizes', '20'], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(small.status, 0, small.stderr);
    if (go) assert.doesNotMatch(small.stdout, /istioctl column skipped/, 'the istioctl column is measured');
    else assert.match(small.stdout, /istioctl column skipped: Go is not installed/);
    assert.match(small.stdout, /not saved: add --save to write bench\/results\/latest\.json/);
    assert.equal(readFileSync(fromRoot('bench', 'results', 'latest.json'), 'utf8'), committed);
    for (const s of ['bench-logs', 'bench-cluster']) assert.match(readFileSync(fromRoot('scripts', `${s}.ts`), 'utf8'), /saveResult\('[a-z-]+\.json', .*, values\.save\);/, `${s} writes bench/results only with --save`);
  });

  it('13. the package installs no script: built files ship in the tarball (prepack), `npm run kgd` builds from a clone', () => {
    const pkg = JSON.parse(readFileSync(fromRoot('package.json'), 'utf8')) as { scripts: Record<string, string> };
    for (const s of ['prepare', 'preinstall', 'install', 'postinstall']) assert.equal(pkg.scripts[s], undefined, `package.json has a ${s} script`);
    assert.match(pkg.scripts['prepack'] ?? '', /tsc/);
    assert.match(readFileSync(fromRoot('README.md'), 'utf8'), /npm ci && npm run kgd -- check examples\/custom-gateway-broken/);
  });
});
