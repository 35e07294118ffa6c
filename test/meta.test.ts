import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { withVersionsTable } from '../src/report/versions-doc.js';
import { withRulesTable } from '../src/report/rule-doc.js';
import { describe, it } from 'node:test';
import { catalog, placeholders, type CatalogKey } from '../src/diagnostics/catalog.js';
import { rules } from '../src/rules/index.js';
import { renderDocs } from '../src/report/rule-doc.js';
import { fromRoot } from './helpers/paths.js';
import { EXAMPLE_FILES, withExamples } from '../scripts/readme-examples.js';
import { SYMPTOM_DOC } from '../src/report/rule-doc.js';

const ruleFiles = readdirSync(fromRoot('src', 'rules')).filter((f) => f.endsWith('.ts') && !f.startsWith('_') && f !== 'index.ts').map((f) => f.slice(0, -3));
/** Codes reported by the loader and engine rather than by a rule; each has a test in test/load.test.ts. */
const NON_RULE_CODES: CatalogKey[] = ['YamlSyntaxError', 'DocumentNotAnObject', 'ResourceIncomplete', 'FileUnreadable', 'NoResources', 'NestedList', 'InvalidFieldType', 'DuplicateResource', 'UnsupportedApiVersion', 'CheckSkipped', 'ClusterListFailed', 'VersionsAssumed', 'InputAssumed'];

/** Every .ts file under a folder of src/, recursively. */
function sourceFiles(dir: string): string[] {
  return readdirSync(fromRoot('src', dir), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sourceFiles(`${dir}/${e.name}`) : e.name.endsWith('.ts') ? [`${dir}/${e.name}`] : []));
}

describe('meta: layers stay one-way', () => {
  it('nothing below src/platform imports from it (load, model, snapshot, shared)', () => {
    const offenders: string[] = [];
    for (const dir of ['load', 'model', 'snapshot', 'shared']) {
      for (const f of sourceFiles(dir)) {
        for (const m of readFileSync(fromRoot('src', f), 'utf8').matchAll(/from '([^']+)'/g)) {
          if (/(^|\/)platform\//.test(m[1]!) || /(^|\/)(rules|engine|trace|cli|report|fix|generate)\//.test(m[1]!)) offenders.push(`src/${f} imports ${m[1]}`);
        }
      }
    }
    assert.deepEqual(offenders, []);
  });
});

describe('meta: rules, catalog, docs and tests stay in step', () => {
  it('every file in src/rules is registered, and every registered rule has a file', () => {
    assert.deepEqual(rules.map((r) => r.id).sort(), [...ruleFiles].sort());
  });
  it('the registry is sorted by id and ids are unique kebab-case', () => {
    const ids = rules.map((r) => r.id);
    assert.deepEqual(ids, [...ids].sort());
    assert.equal(new Set(ids).size, ids.length);
    for (const id of ids) assert.match(id, /^[a-z0-9]+(-[a-z0-9]+)*$/);
  });
  it('every rule has a description, inputs, emits and a test file', () => {
    for (const r of rules) {
      assert.ok(r.meta.description.length > 10, `${r.id}: description`);
      assert.ok(r.meta.inputs.length > 0, `${r.id}: inputs`);
      assert.ok(r.meta.emits.length > 0, `${r.id}: emits`);
      assert.ok(existsSync(fromRoot('test', 'rules', `${r.id}.test.ts`)), `${r.id}: test/rules/${r.id}.test.ts is missing`);
    }
  });
  it('codes are unique, well-formed and the catalog is sorted by code', () => {
    const codes = Object.values(catalog).map((d) => d.code);
    assert.equal(new Set(codes).size, codes.length);
    for (const c of codes) assert.match(c, /^KGD\d{4}$/);
    assert.deepEqual(codes, [...codes].sort());
  });
  it('every catalog entry is reported by some rule or by the loader', () => {
    const emitted = new Set(rules.flatMap((r) => r.meta.emits));
    for (const key of Object.keys(catalog) as CatalogKey[]) {
      assert.ok(emitted.has(key) || NON_RULE_CODES.includes(key), `${key} (${catalog[key].code}) is reported by nothing`);
    }
  });
  it('every rule only emits catalog entries', () => {
    for (const r of rules) for (const k of r.meta.emits) assert.ok(k in catalog, `${r.id} emits unknown ${k}`);
  });
  it('messages are sentences, and fixes use only placeholders the message data can carry', () => {
    for (const [key, d] of Object.entries(catalog)) {
      assert.match(d.message, /\.$/, `${key}: message must end with a period`);
      assert.ok(d.title.length > 0 && d.description.length > 40, `${key}: title/description`);
      for (const p of [...placeholders(d.message), ...placeholders(d.fix)]) assert.match(p, /^[a-zA-Z]+$/);
    }
  });
  it('docs/rules has exactly the generated pages (run `npm run docs` after changing the catalog)', () => {
    const expected = renderDocs();
    const dir = fromRoot('docs', 'rules');
    const present = readdirSync(dir).filter((f) => f.endsWith('.md')).sort();
    assert.deepEqual(present, Object.keys(expected).sort());
    for (const [name, text] of Object.entries(expected)) assert.equal(readFileSync(fromRoot('docs', 'rules', name), 'utf8'), text, `docs/rules/${name} is out of date`);
  });
  it('the README\'s versions table is the one src/platform/versions.ts gives (run `npm run docs`)', () => {
    const readme = readFileSync(fromRoot('README.md'), 'utf8');
    assert.equal(readme, withVersionsTable(readme));
  });
  it('docs/json-output.md lists exactly the symptoms the catalog uses', () => {
    const line = readFileSync(fromRoot('docs', 'json-output.md'), 'utf8').split('\n').find((l) => l.includes('"symptom":'))!;
    const listed = line.slice(line.indexOf('//') + 2).split('|').map((x) => x.trim()).sort();
    assert.deepEqual(listed, [...new Set(Object.values(catalog).map((d) => d.symptom))].sort());
  });
  it('every loader code has a test in test/load.test.ts (or, for the cluster source, test/cluster.test.ts)', () => {
    const loadTests = readFileSync(fromRoot('test', 'load.test.ts'), 'utf8') + readFileSync(fromRoot('test', 'cluster.test.ts'), 'utf8');
    for (const k of NON_RULE_CODES) assert.ok(loadTests.includes(`'${k}'`), `no loader test expects ${k}`);
  });
});

describe('meta: the README lists every rule', () => {
  it('each rule id appears in README.md', () => {
    const readme = readFileSync(fromRoot('README.md'), 'utf8');
    for (const r of rules) assert.ok(readme.includes(`| \`${r.id}\` |`), `README.md has no row for ${r.id}`);
  });
  it('the README\'s rules table is the one the catalog gives (npm run docs)', () => {
    const readme = readFileSync(fromRoot('README.md'), 'utf8');
    assert.equal(readme, withRulesTable(readme));
  });
});

describe('meta: the docs say what the code does (issue #15 items 4 and 12)', () => {
  it('docs/json-output.md lists exactly the symptoms the catalog uses, and each has a docs text', () => {
    const doc = readFileSync(fromRoot('docs', 'json-output.md'), 'utf8');
    const listed = /"symptom": "[^"]*",\s*\/\/ ([^\n]+)/.exec(doc)![1]!.split('|').map((x) => x.trim());
    const used = [...new Set(Object.values(catalog).map((d) => d.symptom))];
    assert.deepEqual([...listed].sort(), [...new Set([...used, ...Object.keys(SYMPTOM_DOC)])].sort());
    for (const s of used) assert.ok(SYMPTOM_DOC[s], `no docs text for symptom ${s}`);
  });
  it('`kgd rules` shows each code with the catalog\'s symptom, as the README table does', () => {
    const out = spawnSync(process.execPath, [fromRoot('bin', 'kgd.js'), 'rules', '-o', 'json'], { encoding: 'utf8' });
    const listed = JSON.parse(out.stdout) as { id: string; codes: { code: string; symptom: string }[] }[];
    const readme = readFileSync(fromRoot('README.md'), 'utf8');
    for (const r of listed) {
      const row = readme.split('\n').find((l) => l.startsWith(`| \`${r.id}\` |`))!;
      const symptoms = row.split('|').at(-2)!.split(',').map((x) => x.trim());
      assert.deepEqual(symptoms.sort(), [...new Set(r.codes.map((c) => c.symptom))].sort(), r.id);
    }
  });
  for (const f of EXAMPLE_FILES) {
    it(`the example outputs in ${f} are what the built kgd prints (npm run docs)`, () => {
      const text = readFileSync(fromRoot(f), 'utf8');
      assert.match(text, /<!-- example:start kgd /);
      assert.equal(text, withExamples(text));
    });
  }
  it('every example file starts with ---, so `cat examples/x/*.yaml | kgd check -` reads them as the folder is read', () => {
    for (const dir of readdirSync(fromRoot('examples'))) {
      const files = readdirSync(fromRoot('examples', dir)).filter((f) => f.endsWith('.yaml')).sort();
      if (files.length === 0) continue;
      for (const f of files) assert.match(readFileSync(fromRoot('examples', dir, f), 'utf8'), /^---\n/, `examples/${dir}/${f}`);
      const cat = files.map((f) => readFileSync(fromRoot('examples', dir, f), 'utf8')).join('');
      const piped = spawnSync(process.execPath, [fromRoot('bin', 'kgd.js'), 'check', '-', '-o', 'json'], { input: cat, encoding: 'utf8' });
      const folder = spawnSync(process.execPath, [fromRoot('bin', 'kgd.js'), 'check', `examples/${dir}`, '-o', 'json'], { cwd: fromRoot(), encoding: 'utf8' });
      const codes = (o: string) => (JSON.parse(o) as { diagnostics: { code: string }[] }).diagnostics.map((d) => d.code).sort();
      assert.deepEqual(codes(piped.stdout), codes(folder.stdout), dir);
      assert.equal(piped.status, folder.status, dir);
    }
  });
});
