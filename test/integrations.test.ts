/**
 * Where users already run checks (issue #15): the GitHub Action (action.yml and the script it runs), the
 * pre-commit hook and the GitLab CI snippet in the README, each run here as its host would run it.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { parse } from 'yaml';
import { fromRoot } from './helpers/paths.js';

const KGD = `${process.execPath} ${fromRoot('bin', 'kgd.js')}`;

interface Step { id?: string; uses?: string; run?: string; if?: string; with?: Record<string, string>; env?: Record<string, string> }

describe('the GitHub Action', () => {
  const action = parse(readFileSync(fromRoot('action.yml'), 'utf8')) as { inputs: Record<string, { default?: string }>; outputs: Record<string, { value: string }>; runs: { using: string; steps: Step[] } };

  it('is a composite action whose check step runs action/run.sh with the inputs, uploads that SARIF file, then fails on the exit code', () => {
    assert.equal(action.runs.using, 'composite');
    const check = action.runs.steps.find((s) => s.id === 'check')!;
    assert.match(check.run!, /action\/run\.sh/);
    for (const [env, input] of [['KGD_PATHS', 'paths'], ['KGD_FAIL_ON', 'fail-on'], ['KGD_ARGS', 'args'], ['KGD_SARIF', 'sarif-file']] as const) {
      assert.equal(check.env![env], `\${{ inputs.${input} }}`, env);
      assert.ok(action.inputs[input], `input ${input}`);
    }
    const upload = action.runs.steps.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif@'))!;
    assert.equal(upload.with!['sarif_file'], '${{ steps.check.outputs.sarif-file }}');
    assert.match(upload.if!, /steps\.check\.outputs\.sarif-file != ''/, 'nothing to upload when kgd could not read the input');
    assert.match(upload.if!, /always\(\)/, 'the SARIF is uploaded when findings fail the check too');
    const last = action.runs.steps.at(-1)!;
    assert.match(last.if!, /steps\.check\.outputs\.exit-code != '0'/);
    assert.match(last.run!, /exit "\$RC"/);
    for (const o of ['exit-code', 'findings', 'sarif-file']) assert.equal(action.outputs[o]!.value, `\${{ steps.check.outputs.${o} }}`);
  });

  const runScript = (paths: string, extra: Record<string, string> = {}) => {
    const dir = mkdtempSync(join(tmpdir(), 'kgd-action-'));
    const out = join(dir, 'github-output');
    writeFileSync(out, '');
    const r = spawnSync('bash', [fromRoot('action', 'run.sh')], { cwd: fromRoot(), encoding: 'utf8', env: { ...process.env, KGD, KGD_PATHS: paths, KGD_SARIF: join(dir, 'kgd.sarif'), GITHUB_OUTPUT: out, NO_COLOR: '1', ...extra } });
    const outputs = Object.fromEntries(readFileSync(out, 'utf8').trim().split('\n').map((l) => l.split('=', 2) as [string, string]));
    const file = outputs['sarif-file'] ? join(dir, 'kgd.sarif') : undefined;
    return { r, outputs, sarif: (file ? JSON.parse(readFileSync(file, 'utf8')) : { runs: [] }) as { runs: { results: { ruleId: string; partialFingerprints: Record<string, string> }[] }[] } };
  };

  it('action/run.sh on the broken example: exit-code 1, the findings counted, SARIF with fingerprints, the text in the log; the step itself succeeds', () => {
    const { r, outputs, sarif } = runScript('examples/custom-gateway-broken');
    assert.equal(r.status, 0, r.stderr);
    assert.equal(outputs['exit-code'], '1');
    const json = JSON.parse(spawnSync(process.execPath, [fromRoot('bin', 'kgd.js'), 'check', 'examples/custom-gateway-broken', '-o', 'json'], { cwd: fromRoot(), encoding: 'utf8' }).stdout) as { diagnostics: unknown[] };
    assert.equal(Number(outputs['findings']), json.diagnostics.length);
    assert.equal(sarif.runs[0]!.results.length, json.diagnostics.length);
    assert.ok(sarif.runs[0]!.results.every((x) => /^[0-9a-f]{32}$/.test(x.partialFingerprints['kgdFinding/v1']!)));
    assert.match(r.stdout, /KGD1405/);
  });

  it('action/run.sh: several paths on lines, fail-on none, extra args', () => {
    const { outputs } = runScript('examples/custom-gateway-fixed\n', { KGD_FAIL_ON: 'none', KGD_ARGS: '--severity KGD0012=off' });
    assert.equal(outputs['exit-code'], '0');
    const broken = runScript('examples/custom-gateway-broken', { KGD_FAIL_ON: 'none' });
    assert.equal(broken.outputs['exit-code'], '0', 'fail-on none never fails');
    const missing = runScript('no-such-folder');
    assert.equal(missing.outputs['exit-code'], '2');
    assert.equal(missing.outputs['sarif-file'], '', 'no SARIF to upload');
    assert.match(missing.r.stderr, /no such file or folder/);
  });
});

describe('the pre-commit hook', () => {
  const hooks = parse(readFileSync(fromRoot('.pre-commit-hooks.yaml'), 'utf8')) as { id: string; entry: string; language: string; args: string[]; pass_filenames: boolean; files: string }[];
  it('runs kgd check on the folders in args, as pre-commit runs it (entry + args, no file names)', () => {
    const hook = hooks.find((h) => h.id === 'kgd-check')!;
    assert.equal(hook.language, 'node');
    assert.equal(hook.pass_filenames, false);
    assert.ok(new RegExp(hook.files).test('manifests/gateway.yaml') && !new RegExp(hook.files).test('README.md'));
    const [cmd, ...rest] = hook.entry.split(' ');
    assert.equal(cmd, 'kgd');
    const broken = spawnSync(process.execPath, [fromRoot('bin', 'kgd.js'), ...rest, 'examples/custom-gateway-broken'], { cwd: fromRoot(), encoding: 'utf8' });
    assert.equal(broken.status, 1, 'a broken configuration stops the commit');
    const fixed = spawnSync(process.execPath, [fromRoot('bin', 'kgd.js'), ...rest, 'examples/custom-gateway-fixed'], { cwd: fromRoot(), encoding: 'utf8' });
    assert.equal(fixed.status, 0);
    assert.deepEqual(hook.args, ['.']);
  });
});

describe('the GitLab CI snippet in the README', () => {
  it('parses, and its script writes the JUnit report its artifact names', () => {
    const readme = readFileSync(fromRoot('README.md'), 'utf8');
    const block = /<!-- gitlab-ci:start -->\n```yaml\n([\s\S]*?)```\n<!-- gitlab-ci:end -->/.exec(readme)![1]!;
    const job = (parse(block) as Record<string, { script: string[]; artifacts: { when: string; reports: { junit: string } } }>)['kgd']!;
    assert.equal(job.artifacts.when, 'always', 'the report is kept when findings fail the job');
    const line = job.script[0]!;
    const m = /^npx --yes kserve-gateway-doctor (check .*) > (\S+)$/.exec(line)!;
    assert.equal(m[2], job.artifacts.reports.junit);
    const args = m[1]!.replace('manifests/', 'examples/custom-gateway-broken').split(' ');
    const r = spawnSync(process.execPath, [fromRoot('bin', 'kgd.js'), ...args], { cwd: fromRoot(), encoding: 'utf8' });
    assert.equal(r.status, 1);
    assert.equal(XMLValidator.validate(r.stdout), true);
    const doc = new XMLParser({ ignoreAttributes: false }).parse(r.stdout) as { testsuites: { '@_failures': string } };
    assert.ok(Number(doc.testsuites['@_failures']) > 0);
  });
});
