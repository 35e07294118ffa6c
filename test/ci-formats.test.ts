/**
 * Output for CI systems (issue #15): SARIF checked against the SARIF 2.1.0 schema as published (the OASIS rtm.5
 * schema shipped in @microsoft/jest-sarif, validated by Ajv's draft-04 class), fingerprints that survive moved lines,
 * and JUnit XML read back by a real XML parser.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { fromRoot } from './helpers/paths.js';

const require = createRequire(import.meta.url);
// ajv-draft-04 is CommonJS with `exports.default`: take the class from it.
const Ajv = (require('ajv-draft-04') as { default: typeof import('ajv-draft-04').default }).default;
const kgd = (args: string[], cwd = fromRoot()) => spawnSync(process.execPath, [fromRoot('bin', 'kgd.js'), ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });

interface SarifResult { ruleId: string; partialFingerprints: Record<string, string>; locations: { physicalLocation?: { region: { startLine: number } } }[] }

describe('CI output formats', () => {
  const schema = JSON.parse(readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8')) as Record<string, unknown>;
  // The schema's `language` pattern is not valid with the u flag (as published); Ajv then uses plain RegExp.
  const validate = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false }).compile(schema);

  for (const example of ['custom-gateway-broken', 'custom-gateway-fixed', 'kubeflow', 'article']) {
    it(`SARIF for examples/${example} is valid SARIF 2.1.0`, () => {
      const r = kgd(['check', `examples/${example}`, '-o', 'sarif', '--show-suppressed']);
      const log = JSON.parse(r.stdout) as unknown;
      assert.equal(validate(log), true, JSON.stringify(validate.errors?.slice(0, 3)));
    });
  }

  it('the schema check can fail: a result without a message is refused', () => {
    const log = JSON.parse(kgd(['check', 'examples/custom-gateway-broken', '-o', 'sarif']).stdout) as { runs: { results: Record<string, unknown>[] }[] };
    delete log.runs[0]!.results[0]!['message'];
    assert.equal(validate(log), false);
  });

  it('partialFingerprints stay when lines move, and differ between findings', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kgd-fp-'));
    cpSync(fromRoot('examples', 'custom-gateway-broken'), dir, { recursive: true });
    const results = () => (JSON.parse(kgd(['check', dir, '-o', 'sarif']).stdout) as { runs: { results: SarifResult[] }[] }).runs[0]!.results;
    const before = results();
    const file = join(dir, 'istio.yaml');
    writeFileSync(file, `# a comment added above everything\n# and another\n${readFileSync(file, 'utf8')}`);
    const after = results();
    assert.equal(after.length, before.length);
    const fps = (rs: SarifResult[]) => rs.map((r) => r.partialFingerprints['kgdFinding/v1']);
    assert.deepEqual(fps(after), fps(before));
    assert.equal(new Set(fps(before)).size, before.length, 'each finding has its own fingerprint');
    const line = (rs: SarifResult[]) => rs.find((r) => r.ruleId === 'KGD1405')!.locations[0]!.physicalLocation!.region.startLine;
    assert.equal(line(after), line(before) + 2);
  });

  it('-o junit is well-formed XML: a suite per rule, a failure per finding at or above --fail-on', () => {
    const r = kgd(['check', 'examples/custom-gateway-broken', '-o', 'junit']);
    assert.equal(r.status, 1);
    assert.equal(XMLValidator.validate(r.stdout), true);
    const doc = new XMLParser({ ignoreAttributes: false, isArray: (name) => name === 'testsuite' || name === 'testcase' }).parse(r.stdout) as { testsuites: { '@_tests': string; '@_failures': string; testsuite: { '@_name': string; testcase: { failure?: unknown }[] }[] } };
    const json = JSON.parse(kgd(['check', 'examples/custom-gateway-broken', '-o', 'json']).stdout) as { diagnostics: { severity: string; rule: string }[] };
    const errors = json.diagnostics.filter((d) => d.severity === 'error').length;
    assert.equal(Number(doc.testsuites['@_failures']), errors);
    const failed = doc.testsuites.testsuite.flatMap((s) => s.testcase.filter((c) => c.failure !== undefined).map(() => s['@_name']));
    assert.deepEqual(failed.sort(), json.diagnostics.filter((d) => d.severity === 'error').map((d) => d.rule).sort());
    // --fail-on warning makes the warnings failures too; a clean input has no failure at all.
    const w = new XMLParser({ ignoreAttributes: false }).parse(kgd(['check', 'examples/custom-gateway-broken', '-o', 'junit', '--fail-on', 'warning']).stdout) as { testsuites: { '@_failures': string } };
    assert.equal(Number(w.testsuites['@_failures']), json.diagnostics.filter((d) => d.severity !== 'info').length);
    const clean = kgd(['check', 'examples/custom-gateway-fixed', '-o', 'junit']);
    assert.equal(clean.status, 0);
    assert.match(clean.stdout, /<testsuites name="kgd check" tests="\d+" failures="0"/);
  });

  it('-o junit keeps a message with XML-special and control characters well-formed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kgd-junit-'));
    writeFileSync(join(dir, 'x.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: "a<b>&\\u0001c", namespace: default}\ndata: {k: 1}\n');
    const r = kgd(['check', dir, '-o', 'junit']);
    assert.equal(XMLValidator.validate(r.stdout), true, r.stdout);
  });
});
