/**
 * What the npm scripts (bench, bench:logs, bench:cluster, gen:cluster) share: their options parsed with one-line
 * errors (exit 2, no stack trace), and results written to bench/results/ only when asked (`--save`), so a run
 * never changes a committed file by accident.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** parseArgs, or one line naming the script and the mistake, and exit 2. */
export function scriptArgs<T extends NonNullable<ParseArgsConfig['options']>>(script: string, options: T, usage: string): { [K in keyof T]?: T[K]['type'] extends 'boolean' ? boolean : string } {
  try {
    return parseArgs({ options, strict: true, allowPositionals: false }).values as { [K in keyof T]?: T[K]['type'] extends 'boolean' ? boolean : string };
  } catch (e) {
    return fail(script, `${(e as Error).message.split('\n')[0]} (usage: ${usage})`);
  }
}

/** A whole number option, at least `min`, or one line and exit 2. */
export function wholeNumber(script: string, name: string, v: string | undefined, min: number): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) return fail(script, `--${name} takes a whole number of at least ${min}, not "${v}"`);
  return n;
}

export function fail(script: string, message: string): never {
  process.stderr.write(`${script}: ${message}\n`);
  process.exit(2);
}

/** Writes bench/results/<name> with --save; otherwise says where it would go. */
export function saveResult(name: string, data: unknown, save: boolean | undefined): void {
  const file = fileURLToPath(new URL(`../../bench/results/${name}`, import.meta.url));
  if (!save) {
    console.log(`(not saved: add --save to write bench/results/${name})`);
    return;
  }
  mkdirSync(fileURLToPath(new URL('../../bench/results/', import.meta.url)), { recursive: true });
  writeFileSync(file, `${JSON.stringify(data, null, 2)}\n`);
  console.log(`wrote bench/results/${name}`);
}
