import { readFile, readdir, stat } from 'node:fs/promises';
import { join, extname } from 'node:path';
import { parseManifestText, type ParseResult } from './parse.js';
import type { InputProblem } from './problem.js';
import type { Resource } from './resource.js';

const MANIFEST_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);
/** Larger files are refused rather than risking the process: 512 MiB of YAML is no hand-written manifest. */
const MAX_FILE_BYTES = 512 * 1024 * 1024;

/** A path given by the user that cannot be read at all: a usage error (exit 2), not a finding. */
export class InputError extends Error {}

export interface LoadResult {
  readonly resources: Resource[];
  readonly problems: InputProblem[];
  readonly files: string[];
}

export interface LoadOptions {
  /** Reads standard input for the path `-`. */
  readonly readStdin?: () => Promise<string>;
  readonly onFile?: (file: string) => void;
}

async function readStdinDefault(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function listManifestFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => a.name.localeCompare(b.name));
  for (const e of entries) {
    if (e.name.startsWith('.')) continue; // .git and editor files
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await listManifestFiles(p)));
    else if (e.isFile() && MANIFEST_EXTENSIONS.has(extname(e.name).toLowerCase())) out.push(p);
  }
  return out;
}

export function decodeText(file: string, bytes: Buffer): { text?: string; problem?: InputProblem } {
  if (bytes.length > MAX_FILE_BYTES) {
    return { problem: { id: 'FileUnreadable', data: { file, reason: `it is larger than ${MAX_FILE_BYTES / 1024 / 1024} MiB` }, location: { file, line: 1, column: 1 } } };
  }
  if (bytes.includes(0)) {
    return { problem: { id: 'FileUnreadable', data: { file, reason: 'it contains NUL bytes (a binary file?)' }, location: { file, line: 1, column: 1 } } };
  }
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return { text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text };
  } catch {
    return { problem: { id: 'FileUnreadable', data: { file, reason: 'it is not UTF-8 text (a binary file?)' }, location: { file, line: 1, column: 1 } } };
  }
}

/** Loads files, folders (recursively: .yaml, .yml, .json) and `-` (stdin) into resources with positions. */
export async function loadSources(paths: readonly string[], options: LoadOptions = {}): Promise<LoadResult> {
  const resources: Resource[] = [];
  const problems: InputProblem[] = [];
  const files: string[] = [];
  // A loop, not push(...spread): a large file holds more resources than a call may take arguments.
  const add = (r: ParseResult) => {
    for (const x of r.resources) resources.push(x);
    for (const x of r.problems) problems.push(x);
  };
  for (const p of paths) {
    if (p === '-') {
      const text = await (options.readStdin ?? readStdinDefault)();
      files.push('<stdin>');
      add(parseManifestText('<stdin>', text, { keepText: true }));
      continue;
    }
    let st;
    try {
      st = await stat(p);
    } catch (e) {
      throw new InputError(`cannot read ${p}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or folder' : (e as Error).message}`);
    }
    const list = st.isDirectory() ? await listManifestFiles(p) : [p];
    if (st.isDirectory() && list.length === 0) {
      problems.push({ id: 'NoResources', data: { file: p }, location: { file: p, line: 1, column: 1 } });
    }
    for (const file of list) {
      options.onFile?.(file);
      files.push(file);
      let bytes: Buffer;
      try {
        bytes = await readFile(file);
      } catch (e) {
        problems.push({ id: 'FileUnreadable', data: { file, reason: (e as Error).message }, location: { file, line: 1, column: 1 } });
        continue;
      }
      const { text, problem } = decodeText(file, bytes);
      if (problem) problems.push(problem);
      else add(parseManifestText(file, text!, { keepText: false }));
    }
  }
  return { resources, problems, files };
}
