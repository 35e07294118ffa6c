import { isMap, isScalar, isSeq, parseDocument, Scalar, stringify, type Node, type Pair, type YAMLMap } from 'yaml';
import { YAML_OPTIONS } from '../load/parse.js';
import type { Resource } from '../load/resource.js';
import type { FieldPath } from '../shared/path.js';
import { applyJsonPatch, findJsonStringValue, pointerToPath, RepairNotPossible, type JsonPatchOp } from './patch.js';
import { isDeepStrictEqual } from 'node:util';

/** A change to a file's text: replace [start, end) with `text` (character offsets). */
export interface TextEdit {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

/** Character offset of a 1-based line and column. */
function offsetOf(text: string, line: number, column: number): number {
  let at = 0;
  for (let l = 1; l < line; l++) {
    at = text.indexOf('\n', at) + 1;
    if (at === 0) return -1;
  }
  return at + column - 1;
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

function lineEnd(text: string, offset: number): number {
  const i = text.indexOf('\n', offset);
  return i < 0 ? text.length : i + 1;
}

/** A scalar as YAML 1.1 would read it back as the same value (quoted when it would read otherwise). */
function scalarText(value: unknown, like?: Scalar): string {
  if (typeof value === 'string' && like?.type === Scalar.QUOTE_DOUBLE) return JSON.stringify(value);
  if (typeof value === 'string' && like?.type === Scalar.QUOTE_SINGLE) return `'${value.replace(/'/g, "''")}'`;
  return stringify(value, { version: '1.1', lineWidth: 0 }).trimEnd();
}

/** A mapping or list value as block YAML, every line after the first indented by `indent`. */
function blockText(value: unknown, indent: number): string {
  const lines = stringify(value, { version: '1.1', lineWidth: 0 }).trimEnd().split('\n');
  return lines.map((l, i) => (i === 0 ? l : ' '.repeat(indent) + l)).join('\n');
}

function findPair(map: YAMLMap, key: string | number): Pair | undefined {
  return map.items.find((p) => isScalar(p.key) && String(p.key.value) === String(key)) as Pair | undefined;
}

function nodeAt(root: unknown, path: FieldPath): { node: unknown; parent: unknown; pair: Pair | undefined } {
  let node: unknown = root;
  let parent: unknown;
  let pair: Pair | undefined;
  for (const seg of path) {
    parent = node;
    if (isMap(node)) {
      pair = findPair(node, seg);
      node = pair?.value;
    } else if (isSeq(node) && typeof seg === 'number') {
      pair = undefined;
      node = node.items[seg];
    } else return { node: undefined, parent: undefined, pair: undefined };
    if (node === undefined) return { node: undefined, parent, pair: undefined };
  }
  return { node, parent, pair };
}

/**
 * Text edits to one document that make the YAML say what `ops` say, touching no byte outside the
 * changed fields (comments, quoting and order elsewhere stay). `docText` is the document, `base` its
 * offset in the file, `itemPath` where the resource sits in it (non-empty inside a `kind: List`).
 */
export function textEditsFor(docText: string, base: number, itemPath: FieldPath, ops: readonly JsonPatchOp[], originalObject: Readonly<Record<string, unknown>>): TextEdit[] {
  const doc = parseDocument(docText, { ...YAML_OPTIONS, keepSourceTokens: true });
  const edits: TextEdit[] = [];
  for (const op of ops) {
    const path: FieldPath = [...itemPath, ...pointerToPath(op.path)];
    const { node, parent, pair } = nodeAt(doc.contents, path);
    if (op.op === 'remove') {
      if (!pair || !isMap(parent) || parent.flow) throw new RepairNotPossible(`cannot remove ${op.path}: not a key of a block mapping`);
      const keyStart = (pair.key as Node).range![0];
      const valueEnd = (pair.value as Node | null)?.range?.[1] ?? (pair.key as Node).range![1];
      edits.push({ start: base + lineStart(docText, keyStart), end: base + lineEnd(docText, Math.max(keyStart, valueEnd - 1)), text: '' });
      continue;
    }
    if (node !== undefined) {
      if (isScalar(node) && (typeof op.value !== 'object' || op.value === null)) {
        if (node.type === Scalar.BLOCK_LITERAL || node.type === Scalar.BLOCK_FOLDED) {
          // A block scalar (KServe's ingress JSON): change only what differs, inside it.
          edits.push(...blockScalarEdits(docText, base, node, String(op.value)));
          continue;
        }
        const [s, e] = node.range!;
        edits.push({ start: base + s, end: base + e, text: scalarText(op.value, node) });
        continue;
      }
      if ((isMap(node) || isSeq(node)) && !node.flow && op.value !== null && typeof op.value === 'object') {
        const [s, e] = node.range!;
        const indent = s - lineStart(docText, s);
        // The node's range ends after its last line's newline; keep that newline.
        const end = docText[e - 1] === '\n' ? e - 1 : e;
        edits.push({ start: base + s, end: base + end, text: blockText(op.value, indent) });
        continue;
      }
      throw new RepairNotPossible(`cannot rewrite ${op.path} in place`);
    }
    // A new key in an existing block mapping: a line after its last entry, at its indentation.
    const parentPath = path.slice(0, -1);
    const key = String(path[path.length - 1]);
    const { node: map } = nodeAt(doc.contents, parentPath);
    if (!isMap(map) || map.flow || map.items.length === 0) throw new RepairNotPossible(`cannot add ${op.path}: its parent is not a block mapping with entries`);
    const first = map.items[0]!.key as Node;
    const indent = first.range![0] - lineStart(docText, first.range![0]);
    const last = map.items[map.items.length - 1]!;
    const lastEnd = (last.value as Node | null)?.range?.[1] ?? (last.key as Node).range![1];
    const insertAt = lineEnd(docText, Math.max((last.key as Node).range![0], lastEnd - 1));
    const keyText = scalarText(key);
    const valueText = op.value !== null && typeof op.value === 'object'
      ? `\n${' '.repeat(indent + 2)}${blockText(op.value, indent + 2)}`
      : ` ${scalarText(op.value)}`;
    edits.push({ start: base + insertAt, end: base + insertAt, text: `${' '.repeat(indent)}${keyText}:${valueText}\n` });
  }
  // Check: the edited document must read back as the patched object.
  const edited = applyTextEdits(docText, edits.map((x) => ({ ...x, start: x.start - base, end: x.end - base })));
  const reread = parseDocument(edited, YAML_OPTIONS).toJS() as unknown;
  let item: unknown = reread;
  for (const seg of itemPath) item = (item as Record<string | number, unknown>)[seg];
  if (!isDeepStrictEqual(item, applyJsonPatch(originalObject, ops))) throw new RepairNotPossible('the edited text would not read back as the repaired object');
  return edits;
}

/** Edits inside a block scalar's content: the changed JSON string values only. */
function blockScalarEdits(docText: string, base: number, node: Scalar, next: string): TextEdit[] {
  const old = String(node.value);
  // Find which top-level JSON string changed; the block's text holds the same JSON, indented.
  const [s, e] = node.range!;
  const region = docText.slice(s, e);
  let changed: { key: string; value: string } | undefined;
  try {
    const a = JSON.parse(old) as Record<string, unknown>;
    const b = JSON.parse(next) as Record<string, unknown>;
    const diff = Object.keys(b).filter((k) => !isDeepStrictEqual(a[k], b[k]));
    if (diff.length === 1 && typeof b[diff[0]!] === 'string' && Object.keys(a).length === Object.keys(b).length) changed = { key: diff[0]!, value: b[diff[0]!] as string };
  } catch {
    // not JSON
  }
  if (!changed) throw new RepairNotPossible('the block text changes in more than one JSON string');
  const at = findJsonStringValue(region, changed.key);
  if (!at) throw new RepairNotPossible(`"${changed.key}" is not written once as a JSON string`);
  return [{ start: base + s + at.start, end: base + s + at.end, text: JSON.stringify(changed.value) }];
}

export function applyTextEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => b.start - a.start || b.end - a.end);
  for (let i = 1; i < sorted.length; i++) if (sorted[i]!.end > sorted[i - 1]!.start) throw new RepairNotPossible('two repairs change the same text');
  let out = text;
  for (const e of sorted) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

/** Where a loaded resource's document starts in its file's text, and its text. */
export function documentSpan(fileText: string, resource: Resource): { start: number; text: string } | undefined {
  const o = resource.origin;
  if (!o) return undefined;
  const start = offsetOf(fileText, o.line, o.column);
  if (start < 0) return undefined;
  const docText = o.source.slice(o.start, o.end);
  if (fileText.slice(start, start + docText.length) !== docText) return undefined;
  return { start, text: docText };
}


