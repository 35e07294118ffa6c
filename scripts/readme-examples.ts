/**
 * The example outputs in README.md and examples/article/README.md are what the built command prints, not a copy
 * typed once: each block between `<!-- example:start kgd ARGS -->` and `<!-- example:end -->` is replaced by
 * `$ npx kgd ARGS` and the real output (no colour). `npm run docs` writes them; test/meta.test.ts compares.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const bin = fileURLToPath(new URL('../../bin/kgd.js', import.meta.url));

/** The files holding example blocks, relative to the repository root. */
export const EXAMPLE_FILES = ['README.md', 'examples/article/README.md'];

const BLOCK = /<!-- example:start kgd ([^>]*?) -->\n[\s\S]*?<!-- example:end -->/g;

/** What `kgd ARGS` prints from the repository root (stdout, then stderr), with the exit status when it is not 0 or 1. */
export function runExample(args: string): string {
  const r = spawnSync(process.execPath, [bin, ...args.split(' ')], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } });
  return `${r.stdout}${r.stderr}`.replace(/\n+$/, '');
}

/** The text with every example block re-run. */
export function withExamples(markdown: string): string {
  return markdown.replace(BLOCK, (_, args: string) => `<!-- example:start kgd ${args} -->\n\`\`\`\n$ npx kgd ${args}\n${runExample(args)}\n\`\`\`\n<!-- example:end -->`);
}
