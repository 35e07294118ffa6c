import { isMap, isScalar, isSeq, LineCounter, parseDocument, Scalar, type Node } from 'yaml';
import type { FieldPath } from '../shared/path.js';
import type { Location, Resource } from './resource.js';

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

const embeddedCache = new WeakMap<Scalar, { lc: LineCounter; doc: ReturnType<typeof parseDocument> }>();

/**
 * Turns a field path (and, for ConfigMap values that hold YAML or JSON text, a path inside that text)
 * into file:line:col. A path that does not exist resolves to its deepest existing ancestor, so a report
 * about a missing field points at its parent.
 */
export function locate(resource: Resource, path: FieldPath = [], innerPath?: FieldPath): Location | undefined {
  const origin = resource.origin;
  if (!origin) return resource.anchor ? locate(resource.anchor.resource, resource.anchor.path) : undefined;
  const { doc, lineCounter, file } = origin;
  const docStart = doc.contents && 'range' in doc.contents && doc.contents.range ? doc.contents.range[0] : 0;
  const base = walk(doc.contents, origin.base, docStart);
  const found = walk(doc.contents, [...origin.base, ...path], base.offset);
  // Point at the resource's `kind:` line when the path is empty, rather than at a leading comment.
  let offset = found.offset;
  if (path.length === 0) offset = walk(doc.contents, [...origin.base, 'kind'], base.offset).offset;
  const pos = lineCounter.linePos(offset);
  const outer: Location = { file, line: pos.line, column: pos.col };
  if (!innerPath || innerPath.length === 0 || !isScalar(found.value) || typeof found.value.value !== 'string') return outer;
  return locateInside(found.value, innerPath, outer, origin.text, lineCounter) ?? outer;
}

function locateInside(scalar: Scalar, innerPath: FieldPath, outer: Location, text: string, lc: LineCounter): Location | undefined {
  let cached = embeddedCache.get(scalar);
  if (!cached) {
    const innerLc = new LineCounter();
    cached = { lc: innerLc, doc: parseDocument(String(scalar.value), { lineCounter: innerLc, prettyErrors: false }) };
    embeddedCache.set(scalar, cached);
  }
  const found = walk(cached.doc.contents, innerPath, 0);
  const inner = cached.lc.linePos(found.offset);
  const valueRange = scalar.range;
  if (!valueRange) return undefined;
  const isBlock = scalar.type === Scalar.BLOCK_LITERAL || scalar.type === Scalar.BLOCK_FOLDED;
  if (!isBlock) {
    // A quoted or plain scalar: exact only when it fits on one line.
    if (inner.line !== 1) return outer;
    const start = lc.linePos(valueRange[0]);
    const quote = scalar.type === Scalar.QUOTE_DOUBLE || scalar.type === Scalar.QUOTE_SINGLE ? 1 : 0;
    return { file: outer.file, line: start.line, column: start.col + quote + inner.col - 1 };
  }
  // Block scalar: content starts on the line after the `|` indicator, indented uniformly.
  const headerLine = lc.linePos(valueRange[0]).line;
  const line = headerLine + inner.line;
  const lineStart = lc.lineStarts[line - 1];
  if (lineStart === undefined) return outer;
  const lineText = text.slice(lineStart, text.indexOf('\n', lineStart) >>> 0 || undefined);
  const indent = /^ */.exec(lineText)?.[0].length ?? 0;
  return { file: outer.file, line, column: indent + inner.col };
}
