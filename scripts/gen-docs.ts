/**
 * Writes docs/rules/<CODE>.md for every catalog entry and docs/rules/README.md (the index), and the table of
 * rules (from each rule's meta and the catalog) and of versioned behaviours (from src/platform/versions.ts) in README.md,
 * and the example outputs (scripts/readme-examples.ts).
 * Run with `npm run docs`; test/meta.test.ts fails when the files differ from what this writes.
 */
import { mkdirSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderDocs, withRulesTable } from '../src/report/rule-doc.js';
import { withVersionsTable } from '../src/report/versions-doc.js';
import { EXAMPLE_FILES, withExamples } from './readme-examples.js';

const dir = fileURLToPath(new URL('../../docs/rules/', import.meta.url));
mkdirSync(dir, { recursive: true });
const files = renderDocs();
for (const f of readdirSync(dir)) if (f.endsWith('.md') && !(f in files)) unlinkSync(join(dir, f));
for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
console.log(`wrote ${Object.keys(files).length} files to docs/rules/`);
const readme = fileURLToPath(new URL('../../README.md', import.meta.url));
writeFileSync(readme, withRulesTable(withVersionsTable(readFileSync(readme, 'utf8'))));
console.log('wrote the rules and versions tables in README.md');
for (const f of EXAMPLE_FILES) {
  const file = fileURLToPath(new URL(`../../${f}`, import.meta.url));
  writeFileSync(file, withExamples(readFileSync(file, 'utf8')));
}
console.log(`wrote the example outputs in ${EXAMPLE_FILES.join(', ')}`);
