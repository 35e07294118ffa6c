import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkPaths } from '../src/check.js';
import { formatJson } from '../src/report/json.js';
import { formatSarif } from '../src/report/sarif.js';
import { formatText } from '../src/report/text.js';
import { catalog } from '../src/diagnostics/catalog.js';
import { assertGolden } from './helpers/golden.js';
import { ROOT } from './helpers/paths.js';

process.chdir(ROOT); // goldens hold paths relative to the project root

describe('reports of the broken example (golden files)', async () => {
  const r = await checkPaths(['examples/custom-gateway-broken']);
  it('text', () => assertGolden('broken.txt', formatText(r.diagnostics)));
  it('text with colour has ANSI codes, without has none', () => {
    assert.ok(formatText(r.diagnostics, { color: true }).includes("\u001b["));
    assert.ok(!formatText(r.diagnostics).includes("\u001b["));
  });
  it('json', () => assertGolden('broken.json', formatJson(r.diagnostics, { files: r.files, resources: r.resourceCount })));
  it('sarif', () => assertGolden('broken.sarif', formatSarif(r.diagnostics)));
  it('json follows the documented shape', () => {
    const j = JSON.parse(formatJson(r.diagnostics, { files: r.files, resources: r.resourceCount }));
    assert.equal(j.schemaVersion, 1);
    assert.deepEqual(Object.keys(j.summary), ['errors', 'warnings', 'infos', 'files', 'resources']);
    assert.equal(j.summary.errors, r.diagnostics.filter((d) => d.severity === 'error').length);
    for (const d of j.diagnostics) {
      assert.deepEqual(Object.keys(d), ['code', 'id', 'severity', 'symptom', 'rule', 'message', 'fix', 'resource', 'path', 'location', 'related', 'derivedFrom', 'data']);
      assert.match(d.code, /^KGD\d{4}$/);
    }
  });
  it('sarif is 2.1.0 with one rule descriptor per code and valid references', () => {
    const s = JSON.parse(formatSarif(r.diagnostics));
    assert.equal(s.version, '2.1.0');
    const run = s.runs[0];
    assert.equal(run.tool.driver.rules.length, Object.keys(catalog).length);
    assert.equal(run.results.length, r.diagnostics.length);
    for (const res of run.results) {
      assert.equal(run.tool.driver.rules[res.ruleIndex].id, res.ruleId);
      assert.ok(['error', 'warning', 'note'].includes(res.level));
      // A finding about the input as a whole (which versions were assumed) has no location; SARIF allows that.
      if (res.ruleId === 'KGD0012') assert.ok(!res.locations || res.locations.length === 0);
      else assert.ok(res.locations[0].physicalLocation.region.startLine >= 1);
    }
  });
  it('the order is deterministic', async () => {
    const again = await checkPaths(['examples/custom-gateway-broken']);
    assert.equal(formatJson(again.diagnostics), formatJson(r.diagnostics));
  });
  it('an empty report says so', () => assert.equal(formatText([]), 'No problems found.\n'));
});
