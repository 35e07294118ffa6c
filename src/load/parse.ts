import { Composer, isMap, isScalar, isSeq, parseDocument, Parser, type Document, type ScalarTag, type Tags } from 'yaml';
import { documentSpans, fastDocument, fastJson } from './fast-yaml.js';
import type { InputProblem } from './problem.js';
import { controllerOf, ignoreOf, splitApiVersion, type Origin, type Resource } from './resource.js';
import { LineIndex, MemorySource, type SourceText } from './source-text.js';
import type { FieldPath } from '../shared/path.js';
import { detach, intern } from '../shared/strings.js';

/** Lists nested deeper than this are refused: kubectl never nests them, and it bounds recursion. */
const MAX_LIST_DEPTH = 16;
/** The path of a resource that is a whole document: shared, since nearly every resource has it. */
export const ROOT: FieldPath = Object.freeze([]) as unknown as FieldPath;

export interface ParseResult {
  readonly resources: Resource[];
  readonly problems: InputProblem[];
}

export interface ParseOptions {
  /** Called for each resource as soon as its document is parsed, before the next document is read. */
  readonly onResource?: (r: Resource) => void;
  /** 'yaml': every document through the `yaml` library (the reference the fast path is tested against). */
  readonly parser?: 'fast' | 'yaml';
}

/** `0o17`: an octal to Kubernetes' decoder too (YAML 1.1 in the `yaml` library knows only `017`). */
const OCTAL_0O: ScalarTag = {
  tag: 'tag:yaml.org,2002:int',
  default: true,
  test: /^[-+]?0o[0-7_]+$/,
  resolve: (s: string) => parseInt(s.replace(/_/g, '').replace('0o', ''), 8),
};
const kubernetesTags = (tags: Tags): Tags => [
  ...tags.filter((t) => typeof t === 'string' ? !['timestamp', 'intTime', 'floatTime'].includes(t) : t.tag !== 'tag:yaml.org,2002:timestamp' && !('test' in t && t.test && /\(\?::/.test(t.test.source))),
  OCTAL_0O,
];
/** YAML 1.1's infinity and NaN spellings: only a document that has one is searched for a non-finite number. */
const NON_FINITE_HINT = /\.(?:inf|Inf|INF|nan|NaN|NAN)\b/;

function hasNonFinite(v: unknown): boolean {
  if (typeof v === 'number') return !Number.isFinite(v);
  if (Array.isArray(v)) return v.some(hasNonFinite);
  if (v !== null && typeof v === 'object') return Object.values(v as Record<string, unknown>).some(hasNonFinite);
  return false;
}

/**
 * YAML as Kubernetes reads it (apimachinery's YAMLOrJSONDecoder → sigs.k8s.io/yaml, a go-yaml v2 fork; checked
 * against it by test/yaml-semantics.test.ts): YAML 1.1 (`on`/`yes` are booleans, `017` is octal), plus `0o`
 * octals; but no sexagesimal numbers (`1:20` stays a string) and no timestamps (`2001-12-14` stays the string it
 * was written as).
 */
export const YAML_OPTIONS = { version: '1.1', prettyErrors: false, uniqueKeys: true, customTags: kubernetesTags } as const;

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function describeType(v: unknown): string {
  if (v === null || v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  // Cut the value, not its JSON: a cut JSON string can end inside an escape.
  const chars = typeof v === 'string' ? Array.from(v) : [];
  return `a ${typeof v} (${JSON.stringify(typeof v === 'string' && chars.length > 36 ? `${chars.slice(0, 36).join('')}…` : v)})`;
}

/**
 * Where the text may be cut into independently parsed parts: the start of a `---` line. YAML forbids
 * that marker inside any node, so a cut there parses exactly as the whole text would. Directive lines
 * (`%YAML`) just above a marker belong to the document it starts.
 */
function lastDocumentStart(text: string, notBefore: number): number {
  for (let i = text.lastIndexOf('\n---'); i >= notBefore; i = text.lastIndexOf('\n---', i - 1)) {
    const next = text.charAt(i + 4);
    if (next === '' || !(next === '\n' || next === '\r' || next === ' ' || next === '\t')) continue; // `---x`, or not known yet
    let start = i + 1;
    while (start > 1) {
      const prev = text.lastIndexOf('\n', start - 2);
      if (text.charAt(prev + 1) !== '%') break;
      start = prev + 1;
    }
    return start;
  }
  return -1;
}

/** How much of the text before a new chunk is searched again for a cut: a marker split across chunks, and directives. */
const OVERLAP = 1024;
/** A `%YAML`/`%TAG` directive line: such text is parsed by the `yaml` library alone. */
const DIRECTIVE = /^%/m;

function countLines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/**
 * Parses a YAML or JSON stream (multi-document) into resources that can point back at their fields,
 * fed in chunks of any size. Text is parsed one part (a run of whole documents) at a time and each
 * document's syntax tree and object are dropped once converted, so memory stays near the size of what
 * callers keep; positions are recomputed later, from the source, for the few fields a finding names.
 * Never throws on bad content: every problem comes back as an InputProblem with file and line.
 */
export class ManifestParser {
  /** Text received but not parsed yet (it may end inside a document), kept as chunks: one document can be huge. */
  private pending: string[] = [];
  private pendingLength = 0;
  /** The last characters of pending, searched again with each new chunk. */
  private tail = '';
  /** Offset (source units) and line of the first pending character. */
  private pendingUnits: number;
  private pendingLine = 1;
  private readonly resources: Resource[] = [];
  private readonly problems: InputProblem[] = [];

  constructor(
    private readonly source: SourceText,
    private readonly options: ParseOptions = {},
    /** Offset of the first character in source units (a byte-order mark the decoder removed). */
    startUnits = 0,
  ) {
    this.pendingUnits = startUnits;
  }

  push(chunk: string): void {
    if (chunk.length === 0) return;
    // Only the new chunk (and enough of what came before to see a marker and directives across the seam)
    // can hold a new cut: any earlier one was already taken.
    // Usually the chunk alone holds the last cut, well past its start: searched by itself (a flat string; a
    // search through `tail + chunk`, a concatenation, costs a copy of the chunk). Otherwise the seam is searched too.
    const inChunk = chunk.length > 2 * OVERLAP ? lastDocumentStart(chunk, OVERLAP) : -1;
    let cut: number;
    if (inChunk >= OVERLAP) {
      cut = this.pendingLength + inChunk;
      this.tail = detach(chunk.slice(-OVERLAP));
    } else {
      const probe = this.tail + chunk;
      const cutInProbe = lastDocumentStart(probe, 0);
      cut = cutInProbe < 0 ? -1 : this.pendingLength - this.tail.length + cutInProbe;
      this.tail = detach(probe.slice(-OVERLAP));
    }
    this.pending.push(chunk);
    this.pendingLength += chunk.length;
    if (cut > 0) this.flush(cut);
  }

  /** Parses (or hands on) whatever text is still pending. */
  protected flushAll(): void {
    if (this.pendingLength > 0) this.flush(this.pendingLength);
  }

  end(): ParseResult {
    this.flushAll();
    if (this.resources.length === 0 && this.problems.length === 0) {
      const file = this.source.file;
      this.problems.push({ id: 'NoResources', data: { file }, location: { file, line: 1, column: 1 } });
    }
    return { resources: this.resources, problems: this.problems };
  }

  private flush(cut: number): void {
    const all = this.pending.length === 1 ? this.pending[0]! : this.pending.join('');
    const part = all.slice(0, cut);
    // A copy, not a slice: a slice would keep all of `all` alive until the next cut.
    const rest = cut < all.length ? detach(all.slice(cut)) : '';
    this.pending = rest ? [rest] : [];
    this.pendingLength = rest.length;
    this.tail = rest.slice(-OVERLAP);
    const units = this.source.units(part);
    this.takePart({ text: part, firstUnits: this.pendingUnits, startLine: this.pendingLine, unitsAreChars: units === part.length });
    this.pendingUnits += units;
    this.pendingLine += countLines(part);
  }

  /** A run of whole documents is ready: parsed here (a subclass may send it elsewhere, see ParallelManifestParser). */
  protected takePart(part: PartTask): void {
    parsePart(part, this.source, this.options.parser, this.resources, this.problems, undefined, this.options.onResource);
  }

  /** Adds what a part gave, in order (for subclasses that parse parts elsewhere). */
  protected addParsed(resources: readonly Resource[], problems: readonly InputProblem[]): void {
    for (const r of resources) {
      this.resources.push(r);
      this.options.onResource?.(r);
    }
    for (const p of problems) this.problems.push(p);
  }
}

/** A run of whole documents cut from a source, with where it starts. */
export interface PartTask {
  readonly text: string;
  /** Offset of its first character in source units, and its line. */
  readonly firstUnits: number;
  readonly startLine: number;
  /** Whether one character is one unit throughout (ASCII text, or a source counted in characters). */
  readonly unitsAreChars: boolean;
}

/**
 * Parses one part into resources and problems (appended to the arrays given). Positions are those of the whole
 * source: `source` measures text in its units and is what each resource's origin reads back from.
 */
export function parsePart(task: PartTask, source: SourceText, parser: ParseOptions['parser'], resources: Resource[], problems: InputProblem[], seen?: { composed: boolean }, onResource?: (r: Resource) => void): void {
  const { text, firstUnits, startLine, unitsAreChars } = task;
  // Each document's resources are handed on as soon as it is parsed, so its object can go while still young
  // (measured, 10,000 InferenceServices: handed on per part, a part's objects outlived young collections).
  let handedOn = resources.length;
  const handOn = (): void => {
    if (onResource) for (; handedOn < resources.length; handedOn++) onResource(resources[handedOn]!);
  };
  const file = source.file;
  const lines = new LineIndex(text, startLine);
  const pos = (offset: number) => ({ file, ...lines.position(offset) });
  // Offsets in this part → source units; documents come in order, so non-ASCII text is measured once.
  let lastOffset = 0;
  let lastUnits = firstUnits;
  const toUnits = (offset: number): number => {
    if (unitsAreChars) return firstUnits + offset;
    if (offset < lastOffset) { lastOffset = 0; lastUnits = firstUnits; }
    lastUnits += source.units(text.slice(lastOffset, offset));
    lastOffset = offset;
    return lastUnits;
  };
  /**
   * `items`: where each element of a JSON List's `items` starts and ends: an item is then its own document for
   * positions (its origin is its range, read back and parsed alone), not a path into the whole List.
   */
  const emit = (value: unknown, start: number, end: number, offsetOf: (path: FieldPath) => number, items?: readonly [number, number][]): void => {
    // Kubernetes converts each document to JSON, which has no infinity or NaN: kubectl refuses such a document.
    if (NON_FINITE_HINT.test(text.slice(start, end)) && hasNonFinite(value)) {
      problems.push({ id: 'YamlSyntaxError', data: { reason: 'it holds .inf or .nan, which Kubernetes cannot convert to JSON (kubectl refuses the document: "json: unsupported value")' }, location: { ...pos(start), column: 1 } });
      return;
    }
    const at = lines.position(start);
    const unitStart = toUnits(start);
    const unitEnd = toUnits(end);
    const whole = (base: FieldPath): Origin => ({ file, start: unitStart, end: unitEnd, line: at.line, column: at.column, source, base });
    const itemOf = (base: FieldPath): readonly [number, number] | undefined => (items && base[0] === 'items' && typeof base[1] === 'number' ? items[base[1]] : undefined);
    const origin = (base: FieldPath): Origin => {
      const item = itemOf(base);
      if (!item) return whole(base);
      const itemAt = lines.position(item[0]);
      return { file, start: toUnits(item[0]), end: toUnits(item[1]), line: itemAt.line, column: itemAt.column, source, base: base.length === 2 ? ROOT : base.slice(2) };
    };
    const lineOf = (path: FieldPath) => {
      const item = itemOf(path);
      const offset = item ? item[0] + nodeOffset(parseDocument(text.slice(item[0], item[1]), YAML_OPTIONS), path.slice(2)) : offsetOf(path);
      return { ...pos(offset), column: 1 };
    };
    collect(value, ROOT, 0, undefined, origin, resources, problems, lineOf);
    handOn();
  };
  // The `yaml` library on text[from, to): exact positions for errors, and the reference for every document.
  const compose = (from: number, to: number): void => {
    // The `yaml` library may give values JSON cannot carry (Map, Set, Uint8Array for 1.1 tags): a worker says so.
    if (seen) seen.composed = true;
    const sub = from === 0 && to === text.length ? text : text.slice(from, to);
    const composer = new Composer(YAML_OPTIONS);
    for (const doc of composer.compose(new Parser().parse(sub), true)) {
      if (doc.errors.length > 0) {
        for (const err of doc.errors) {
          problems.push({ id: 'YamlSyntaxError', data: { reason: firstLine(err.message).replace(/\.$/, '') }, location: pos(from + err.pos[0]) });
        }
        continue;
      }
      // An empty document (only comments, or `---` twice) is skipped, as kubectl does.
      if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null && !doc.contents.source)) continue;
      let value: unknown;
      try {
        value = doc.toJS({ maxAliasCount: 100 });
      } catch (e) {
        // toJS throws for alias bombs and similar; report at the document start.
        problems.push({ id: 'YamlSyntaxError', data: { reason: firstLine((e as Error).message) }, location: { ...pos(from + doc.range[0]), column: 1 } });
        continue;
      }
      emit(value, from + doc.range[0], from + doc.range[2], (path) => from + nodeOffset(doc, path));
    }
  };
  if (parser === 'yaml' || DIRECTIVE.test(text)) {
    compose(0, text.length);
    return;
  }
  // The fast path: each plain document through js-yaml with the same scalar rules; any document it does not take
  // (see fastDocument) goes through `compose`, document by document.
  for (const [from, to] of documentSpans(text)) {
    const json = fastJson(text, from, to);
    const fast = json ?? fastDocument(text, from, to);
    if (fast === undefined) compose(from, to);
    else if (fast !== 'empty') emit(fast.value, fast.start, to, (path) => from + nodeOffset(parseDocument(text.slice(from, to), YAML_OPTIONS), path), json?.items);
  }
}

/** Parses one text held in memory (stdin, tests, library callers). */
export function parseManifestText(file: string, text: string, options: ParseOptions = {}): ParseResult {
  const parser = new ManifestParser(new MemorySource(file, text), options);
  parser.push(text);
  return parser.end();
}

function firstLine(s: string): string {
  return s.split('\n')[0]!.trim();
}

/** Offset of the deepest node of `path` that exists in the document (for problems found while loading). */
function nodeOffset(doc: Document.Parsed, path: FieldPath): number {
  let node: unknown = doc.contents;
  let offset = (node as { range?: [number] } | null)?.range?.[0] ?? doc.range[0];
  for (const seg of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => (p.key as { value?: unknown } | null)?.value === seg);
      if (!pair) break;
      node = pair.value;
      const r = (pair.key as { range?: [number] } | null)?.range;
      if (r) offset = r[0];
    } else if (isSeq(node) && typeof seg === 'number') {
      node = node.items[seg];
      const r = (node as { range?: [number] } | null)?.range;
      if (r) offset = r[0];
    } else break;
  }
  return offset;
}

function collect(
  value: unknown,
  base: FieldPath,
  depth: number,
  listItemDefaults: { apiVersion: string; kind: string } | undefined,
  origin: (base: FieldPath) => Origin,
  resources: Resource[],
  problems: InputProblem[],
  lineOf: (path: FieldPath) => { file: string; line: number; column: number },
): void {
  const at = () => lineOf(base);
  if (!isRecord(value)) {
    problems.push({ id: 'DocumentNotAnObject', data: { got: describeType(value) }, location: at() });
    return;
  }
  let apiVersion = value['apiVersion'];
  let kind = value['kind'];
  if (apiVersion === undefined && listItemDefaults) apiVersion = listItemDefaults.apiVersion;
  if (kind === undefined && listItemDefaults) kind = listItemDefaults.kind;

  const items = value['items'];
  const isList = typeof kind === 'string' && (kind === 'List' || kind.endsWith('List')) && (Array.isArray(items) || items === null || items === undefined);
  if (isList) {
    if (depth >= MAX_LIST_DEPTH) {
      problems.push({ id: 'NestedList', data: { depth: String(depth), max: String(MAX_LIST_DEPTH) }, location: at() });
      return;
    }
    if (depth >= 1) problems.push({ id: 'NestedList', data: { depth: String(depth + 1), max: String(MAX_LIST_DEPTH) }, location: at() });
    const itemKind = kind === 'List' ? undefined : (kind as string).slice(0, -'List'.length);
    const defaults = itemKind && typeof apiVersion === 'string' ? { apiVersion, kind: itemKind } : undefined;
    (Array.isArray(items) ? items : []).forEach((item, i) =>
      collect(item, [...base, 'items', i], depth + 1, defaults, origin, resources, problems, lineOf),
    );
    return;
  }

  const meta = value['metadata'];
  const missing: string[] = [];
  if (typeof apiVersion !== 'string' || apiVersion === '') missing.push('apiVersion');
  if (typeof kind !== 'string' || kind === '') missing.push('kind');
  const name = isRecord(meta) ? meta['name'] : undefined;
  const ns = isRecord(meta) ? meta['namespace'] : undefined;
  if (typeof name !== 'string' || name === '') missing.push(name === undefined || name === null || name === '' ? 'metadata.name' : 'metadata.name as a string (quote it: YAML reads y/n/yes/no/on/off and numbers otherwise)');
  if (ns !== undefined && ns !== null && typeof ns !== 'string') missing.push('metadata.namespace as a string (quote it: YAML reads y/n/yes/no/on/off and numbers otherwise)');
  if (missing.length > 0) {
    const what = typeof kind === 'string' && kind ? kind : 'document';
    problems.push({ id: 'ResourceIncomplete', data: { what, missing: missing.join(', ') }, location: at() });
    return;
  }
  const { group, version } = splitApiVersion(apiVersion as string);
  const object = listItemDefaults && (value['kind'] === undefined || value['apiVersion'] === undefined)
    ? { ...value, apiVersion, kind }
    : value;
  // Detached: these outlive the parse, and as slices they would keep the whole file text alive.
  resources.push({
    apiVersion: intern(apiVersion as string),
    group: intern(group),
    version: intern(version),
    kind: intern(kind as string),
    name: detach(name as string),
    namespace: typeof ns === 'string' && ns !== '' ? intern(ns) : undefined,
    object,
    origin: origin(base),
    ...controllerOf(object),
    ...ignoreOf(object),
  });
}
