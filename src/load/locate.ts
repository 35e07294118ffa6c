import { isMap, isScalar, isSeq, LineCounter, parseDocument, Scalar, type Node } from 'yaml';
import type { FieldPath } from '../shared/path.js';
import type { Location, Origin, Resource } from './resource.js';
import { YAML_OPTIONS } from './parse.js';
import { positionIn, type SourceText } from './source-text.js';

interface Found {
  /** Offset of the best node for this path: the key of the last mapping step, or the list item. */
  offset: number;
  /** The value node at the full path, when the whole path exists. */
  value: Node | null | undefined;
}

function walk(root: unknown, path: FieldPath, startOffset: number): Found {
  let node: unknown = root;
  let offset = startOffset;
  for (const seg of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) return { offset, value: undefined };
      const keyRange = isScalar(pair.key) ? pair.key.range : undefined;
      if (keyRange) offset = keyRange[0];
      node = pair.value;
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg];
      if (item === undefined) return { offset, value: undefined };
      const r = (item as { range?: [number, number, number] }).range;
      if (r) offset = r[0];
      node = item;
    } else {
      return { offset, value: undefined };
    }
  }
  return { offset, value: node as Node | null };
}

interface ParsedDoc {
  /** The document's own text, as read back from its source. */
  readonly text: string;
  readonly contents: unknown;
  /** Line and column of the document's first character in the file. */
  readonly line: number;
  readonly column: number;
}

/** One document of a source, read back and parsed again on its own the first time a finding points into it. */
const docCache = new WeakMap<SourceText, Map<number, ParsedDoc>>();

function parsedDoc(origin: Origin): ParsedDoc {
  let perSource = docCache.get(origin.source);
  if (!perSource) docCache.set(origin.source, (perSource = new Map()));
  let d = perSource.get(origin.start);
  if (!d) {
    const text = origin.source.slice(origin.start, origin.end);
    d = { text, contents: parseDocument(text, YAML_OPTIONS).contents, line: origin.line, column: origin.column };
    perSource.set(origin.start, d);
  }
  return d;
}

const embeddedCache = new WeakMap<Scalar, { lc: LineCounter; contents: unknown }>();

/**
 * Turns a field path (and, for ConfigMap values that hold YAML or JSON text, a path inside that text)
 * into file:line:col. A path that does not exist resolves to its deepest existing ancestor, so a report
 * about a missing field points at its parent.
 */
export function locate(resource: Resource, path: FieldPath = [], innerPath?: FieldPath): Location | undefined {
  const origin = resource.origin;
  if (!origin) return resource.anchor ? locate(resource.anchor.resource, resource.anchor.path) : undefined;
  const doc = parsedDoc(origin);
  const docStart = (doc.contents as { range?: [number] } | null)?.range?.[0] ?? 0;
  const base = walk(doc.contents, origin.base, docStart);
  const found = walk(doc.contents, [...origin.base, ...path], base.offset);
  // Point at the resource's `kind:` line when the path is empty, rather than at a leading comment.
  const offset = path.length === 0 ? walk(doc.contents, [...origin.base, 'kind'], base.offset).offset : found.offset;
  const outer: Location = { file: origin.file, ...positionIn(doc.text, offset, doc.line, doc.column) };
  if (!innerPath || innerPath.length === 0 || !isScalar(found.value) || typeof found.value.value !== 'string') return outer;
  return locateInside(found.value, innerPath, outer, doc) ?? outer;
}

function locateInside(scalar: Scalar, innerPath: FieldPath, outer: Location, doc: ParsedDoc): Location | undefined {
  let cached = embeddedCache.get(scalar);
  if (!cached) {
    const lc = new LineCounter();
    cached = { lc, contents: parseDocument(String(scalar.value), { lineCounter: lc, prettyErrors: false }).contents };
    embeddedCache.set(scalar, cached);
  }
  const found = walk(cached.contents, innerPath, 0);
  const inner = cached.lc.linePos(found.offset);
  const valueRange = scalar.range;
  if (!valueRange) return undefined;
  const text = doc.text;
  const start = positionIn(text, valueRange[0], doc.line, doc.column);
  const isBlock = scalar.type === Scalar.BLOCK_LITERAL || scalar.type === Scalar.BLOCK_FOLDED;
  if (!isBlock) {
    // A quoted or plain scalar: exact only when it fits on one line.
    if (inner.line !== 1) return outer;
    const quote = scalar.type === Scalar.QUOTE_DOUBLE || scalar.type === Scalar.QUOTE_SINGLE ? 1 : 0;
    return { file: outer.file, line: start.line, column: start.column + quote + inner.col - 1 };
  }
  // Block scalar: content starts on the line after the `|` indicator, indented uniformly.
  const line = start.line + inner.line;
  // The content line's indentation: read it from the text after the scalar's header line.
  let at = text.indexOf('\n', valueRange[0]);
  for (let i = 1; i < inner.line && at >= 0; i++) at = text.indexOf('\n', at + 1);
  if (at < 0) return outer;
  const indent = /^ */.exec(text.slice(at + 1, at + 200))?.[0].length ?? 0;
  return { file: outer.file, line, column: indent + inner.col };
}
