import { open, readdir, readFile, realpath, stat } from 'node:fs/promises';
import { join, extname } from 'node:path';
import { isAscii } from 'node:buffer';
import { ManifestParser, parseManifestText, type ParseResult } from './parse.js';
import { FileSource, MemorySource } from './source-text.js';
import { DEFAULT_THREADS, PARALLEL_MIN_BYTES, ParallelManifestParser, ParsePool, ParseWorkerError } from './parallel-parse.js';
import type { InputProblem } from './problem.js';
import type { Resource } from './resource.js';
import { renderFolder, renderKind } from './render.js';

const MANIFEST_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);
/** Larger files are refused rather than risking the process: 512 MiB of YAML is no hand-written manifest. */
const MAX_FILE_BYTES = 512 * 1024 * 1024;

/** A path given by the user that cannot be read at all: a usage error (exit 2), not a finding. */
export class InputError extends Error {}

export interface LoadResult {
  readonly resources: Resource[];
  readonly problems: InputProblem[];
  readonly files: string[];
  /** What a folder walk left out, and why (dependency folders, JSON that is not a Kubernetes object). */
  readonly skipped?: readonly { readonly path: string; readonly reason: string }[];
}

/** Folders no manifest lives in: package managers' and build tools' own trees. */
const SKIPPED_FOLDERS = new Set(['node_modules', 'vendor', '__pycache__']);

export interface LoadOptions {
  /** Reads standard input for the path `-`. */
  readonly readStdin?: () => Promise<string | Buffer>;
  readonly onFile?: (file: string) => void;
  /** Called for each resource as soon as its document is parsed (before the next one is), e.g. to build its view and drop the object. */
  readonly onResource?: (r: Resource) => void;
  /** Threads that parse large inputs: the main thread and threads - 1 workers (default DEFAULT_THREADS, 1: the main thread only). */
  readonly threads?: number;
  /** Inputs from this size (bytes; characters for stdin) on are parsed by the threads (default PARALLEL_MIN_BYTES). */
  readonly parallelMinBytes?: number;
}

async function readStdinDefault(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Standard input as text, or why it is not text (the same checks a file gets). */
function stdinText(input: string | Buffer): { text: string } | { problem: InputProblem } {
  if (typeof input === 'string') return { text: input };
  if (input.includes(0)) return { problem: unreadable('<stdin>', NUL_REASON) };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(input) };
  } catch {
    return { problem: unreadable('<stdin>', NOT_UTF8_REASON) };
  }
}

/**
 * The manifest files under `dir`, in name order. Symbolic links are followed — to files and to folders — with a
 * guard against cycles and repeats (a folder or file already read, by its real path, is not read again); a broken
 * link, a cycle or a repeat is listed in `skipped` with the reason, never dropped silently.
 */
async function listManifestFiles(dir: string, skipped: { path: string; reason: string }[], seen: Set<string> = new Set()): Promise<string[]> {
  const out: string[] = [];
  const real = await realpath(dir).catch(() => dir);
  if (seen.has(real)) {
    skipped.push({ path: dir, reason: 'a link back to a folder already read' });
    return out;
  }
  seen.add(real);
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => a.name.localeCompare(b.name));
  for (const e of entries) {
    if (e.name.startsWith('.')) continue; // .git and editor files
    const p = join(dir, e.name);
    let isDir = e.isDirectory();
    let isFile = e.isFile();
    if (e.isSymbolicLink()) {
      try {
        const st = await stat(p);
        isDir = st.isDirectory();
        isFile = st.isFile();
      } catch {
        skipped.push({ path: p, reason: 'a broken symbolic link' });
        continue;
      }
    }
    if (isDir) {
      if (SKIPPED_FOLDERS.has(e.name)) skipped.push({ path: p, reason: 'a dependency folder' });
      else out.push(...(await listManifestFiles(p, skipped, seen)));
    } else if (isFile && MANIFEST_EXTENSIONS.has(extname(e.name).toLowerCase())) {
      const realFile = await realpath(p).catch(() => p);
      if (seen.has(`file:${realFile}`)) skipped.push({ path: p, reason: 'a link to a file already read' });
      else if (extname(e.name).toLowerCase() === '.json' && !(await looksLikeKubernetesJson(p))) skipped.push({ path: p, reason: 'JSON that is not a Kubernetes object' });
      else {
        seen.add(`file:${realFile}`);
        out.push(p);
      }
    }
  }
  return out;
}

/**
 * In a folder walk, a .json file is read as manifests only when it is a Kubernetes object or a List (it has
 * `kind` at the top): package.json, tsconfig.json and the like are not. A file that does not parse as JSON is
 * kept when it mentions "kind" (so a broken manifest is still reported), else skipped.
 */
async function looksLikeKubernetesJson(file: string): Promise<boolean> {
  let text: string;
  try {
    const st = await stat(file);
    if (st.size > MAX_FILE_BYTES) return true;
    text = await readFile(file, 'utf8');
  } catch {
    return true; // loadFile reports why it cannot be read
  }
  try {
    const v = JSON.parse(text) as unknown;
    return typeof v === 'object' && v !== null && !Array.isArray(v) && 'kind' in v;
  } catch {
    return /"kind"\s*:/.test(text);
  }
}

const NUL_REASON = 'it contains NUL bytes (a binary file?)';
const NOT_UTF8_REASON = 'it is not UTF-8 text (a binary file?)';
/** Files are read and parsed in chunks of this size, so no file is ever held whole in memory. */
const CHUNK_BYTES = 1024 * 1024;

function unreadable(file: string, reason: string, code?: string): InputProblem {
  const remedy = reason === NUL_REASON || reason === NOT_UTF8_REASON
    ? 'Pass only manifests as text (YAML or JSON); unpack an archive, or render a chart, first.'
    : code === 'EACCES' || code === 'EPERM'
      ? 'Make the file readable by the user running kgd (chmod), or leave it out.'
      : reason.startsWith('it is larger than')
        ? 'Split the file, or pass only the manifests that matter.'
        : 'Check that the path names a readable file.';
  return { id: 'FileUnreadable', data: { file, reason, remedy }, location: { file, line: 1, column: 1 } };
}

/**
 * Reads and parses one file a chunk at a time. A file that turns out not to be UTF-8 text, or to hold
 * NUL bytes, gives only that problem (whatever was parsed before is dropped), as if checked up front.
 */
async function loadFile(file: string, onResource: ((r: Resource) => void) | undefined, poolFor: (bytes: number) => ParsePool | undefined): Promise<ParseResult> {
  let handle;
  try {
    handle = await open(file, 'r');
    const size = (await handle.stat()).size;
    if (size > MAX_FILE_BYTES) return { resources: [], problems: [unreadable(file, `it is larger than ${MAX_FILE_BYTES / 1024 / 1024} MiB`)] };
    const decoder = new TextDecoder('utf-8', { fatal: true });
    let ascii = true;
    const buf = Buffer.alloc(Math.min(CHUNK_BYTES, Math.max(size, 1)));
    const pool = poolFor(size);
    let parser: ManifestParser | undefined;
    for (;;) {
      const { bytesRead } = await handle.read(buf, 0, buf.length, null);
      const bytes = buf.subarray(0, bytesRead);
      if (bytes.includes(0)) return { resources: [], problems: [unreadable(file, NUL_REASON)] };
      let text: string;
      try {
        // ASCII (most manifests) needs no decoding: a Latin-1 copy is the same text, several times faster than the
        // decoder. Only while every chunk so far was ASCII: then the decoder holds no partial character.
        if (ascii && isAscii(bytes)) text = bytes.toString('latin1');
        else {
          ascii = false;
          text = decoder.decode(bytes, { stream: bytesRead > 0 });
        }
      } catch {
        return { resources: [], problems: [unreadable(file, NOT_UTF8_REASON)] };
      }
      // The decoder drops a byte-order mark; offsets into the file must still count its 3 bytes.
      const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
      parser ??= pool ? new ParallelManifestParser(new FileSource(file), { onResource }, bom, pool, 'bytes') : new ManifestParser(new FileSource(file), { onResource }, bom);
      parser.push(text);
      if (parser instanceof ParallelManifestParser) await parser.drain(IN_FLIGHT_PARTS);
      if (bytesRead === 0) break;
    }
    return parser instanceof ParallelManifestParser ? await parser.finish() : parser.end();
  } catch (e) {
    if (e instanceof ParseWorkerError) throw e;
    return { resources: [], problems: [unreadable(file, (e as Error).message, (e as NodeJS.ErrnoException).code)] };
  } finally {
    await handle?.close();
  }
}

/** Parts (about CHUNK_BYTES each) a file may have in the parse workers at once: they keep busy, memory stays bounded. */
const IN_FLIGHT_PARTS = 8;

/** Text held in memory (stdin), parsed by the pool in parts of about CHUNK_BYTES. */
async function parseTextInParts(file: string, text: string, onResource: ((r: Resource) => void) | undefined, pool: ParsePool): Promise<ParseResult> {
  const parser = new ParallelManifestParser(new MemorySource(file, text), { onResource }, 0, pool, 'chars');
  for (let i = 0; i < text.length; i += CHUNK_BYTES) {
    parser.push(text.slice(i, i + CHUNK_BYTES));
    await parser.drain(IN_FLIGHT_PARTS);
  }
  return parser.finish();
}

/** Loads files, folders (recursively: .yaml, .yml, .json) and `-` (stdin) into resources with positions. */
export async function loadSources(paths: readonly string[], options: LoadOptions = {}): Promise<LoadResult> {
  // The parse workers start with the first input large enough to need them, and stop when loading is done.
  let pool: ParsePool | undefined;
  let poolTried = false;
  const poolFor = (bytes: number): ParsePool | undefined => {
    if (bytes < (options.parallelMinBytes ?? PARALLEL_MIN_BYTES)) return undefined;
    if (!poolTried) {
      poolTried = true;
      pool = ParsePool.create(options.threads ?? DEFAULT_THREADS);
    }
    return pool;
  };
  try {
    return await loadAll(paths, options, poolFor);
  } finally {
    await pool?.close();
  }
}

async function loadAll(paths: readonly string[], options: LoadOptions, poolFor: (bytes: number) => ParsePool | undefined): Promise<LoadResult> {
  const resources: Resource[] = [];
  const problems: InputProblem[] = [];
  const files: string[] = [];
  const skipped: { path: string; reason: string }[] = [];
  // A loop, not push(...spread): a large file holds more resources than a call may take arguments.
  const add = (r: ParseResult) => {
    for (const x of r.resources) resources.push(x);
    for (const x of r.problems) problems.push(x);
  };
  for (const p of paths) {
    if (p === '-') {
      const input = stdinText(await (options.readStdin ?? readStdinDefault)());
      files.push('<stdin>');
      if ('problem' in input) {
        problems.push(input.problem);
        continue;
      }
      const stdinPool = poolFor(input.text.length);
      const r = stdinPool ? await parseTextInParts('<stdin>', input.text, options.onResource, stdinPool) : parseManifestText('<stdin>', input.text, { onResource: options.onResource });
      add(r);
      if (r.resources.length === 0 && r.problems.length === 0) problems.push({ id: 'NoResources', data: { file: '<stdin>' }, location: { file: '<stdin>', line: 1, column: 1 } });
      continue;
    }
    let st;
    try {
      st = await stat(p);
    } catch (e) {
      throw new InputError(`cannot read ${p}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or folder' : (e as Error).message}`);
    }
    // A kustomization or a Helm chart named on the command line is rendered by its own tool, then read.
    const render = st.isDirectory() ? renderKind(p) : undefined;
    if (render) {
      let rendered = 0;
      for (const r of renderFolder(p, render)) {
        options.onFile?.(r.name);
        files.push(r.name);
        const parsed = parseManifestText(r.name, r.text, { onResource: options.onResource });
        rendered += parsed.resources.length;
        add(parsed);
      }
      if (rendered === 0) problems.push({ id: 'NoResources', data: { file: p }, location: { file: p, line: 1, column: 1 } });
      continue;
    }
    const list = st.isDirectory() ? await listManifestFiles(p, skipped) : [p];
    if (st.isDirectory() && list.length === 0) {
      problems.push({ id: 'NoResources', data: { file: p }, location: { file: p, line: 1, column: 1 } });
    }
    for (const file of list) {
      options.onFile?.(file);
      files.push(file);
      const r = await loadFile(file, options.onResource, poolFor);
      add(r);
      // A file named on the command line that holds nothing (empty, or only comments) is said, as an empty folder is.
      if (!st.isDirectory() && r.resources.length === 0 && r.problems.length === 0) problems.push({ id: 'NoResources', data: { file }, location: { file, line: 1, column: 1 } });
    }
  }
  return { resources, problems, files, skipped };
}
