import type { FieldEdit } from '../diagnostics/repair.js';
import type { Resource } from '../load/resource.js';
import { getAt, type FieldPath } from '../shared/path.js';

/** One RFC 6902 operation. */
export type JsonPatchOp = { op: 'add' | 'replace'; path: string; value: unknown } | { op: 'remove'; path: string };

const pointer = (path: FieldPath) => '/' + path.map((s) => String(s).replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

/** The field path of an RFC 6901 pointer (list indexes as numbers). */
export function pointerToPath(p: string): FieldPath {
  return p.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~')).map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

/** The JSON string literal of top-level `key` in JSON text, if it is there exactly once. */
export function findJsonStringValue(text: string, key: string): { start: number; end: number } | undefined {
  const re = new RegExp(`"${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"\\s*:\\s*("(?:[^"\\\\\\n]|\\\\.)*")`, 'g');
  const hits = [...text.matchAll(re)];
  if (hits.length !== 1) return undefined;
  const m = hits[0]!;
  const start = m.index! + m[0].length - m[1]!.length;
  return { start, end: start + m[1]!.length };
}

/** The JSON text with top-level string `key` set to `value`, touching nothing else; undefined when that is not possible. */
export function setJsonStringValue(text: string, key: string, value: string): string | undefined {
  const at = findJsonStringValue(text, key);
  if (!at) return undefined;
  const out = text.slice(0, at.start) + JSON.stringify(value) + text.slice(at.end);
  try {
    const parsed = JSON.parse(out) as Record<string, unknown>;
    return parsed[key] === value ? out : undefined;
  } catch {
    return undefined;
  }
}

export class RepairNotPossible extends Error {}

/**
 * The RFC 6902 operations for a resource's edits, against its object as loaded. Missing parents are
 * added whole (a `labels` map that is not there yet). Throws RepairNotPossible when an edit cannot be
 * expressed (an inner JSON key that is not there exactly once as a string).
 */
export function jsonPatchFor(resource: Resource, edits: readonly FieldEdit[]): JsonPatchOp[] {
  const ops: JsonPatchOp[] = [];
  const object = structuredClone(resource.object) as Record<string, unknown>;
  for (const e of edits) {
    if (e.op === 'remove') {
      if (getAt(object, e.path) === undefined) continue;
      ops.push({ op: 'remove', path: pointer(e.path) });
      removeAt(object, e.path);
      continue;
    }
    let value: unknown = e.value;
    if (e.inner) {
      const text = getAt(object, e.path);
      if (typeof text !== 'string') throw new RepairNotPossible(`${pointer(e.path)} is not text`);
      const next = setJsonStringValue(text, e.inner.key, e.value);
      if (next === undefined) throw new RepairNotPossible(`"${e.inner.key}" is not a string written once in ${pointer(e.path)}`);
      value = next;
    }
    // Find the deepest existing parent; add the rest as one nested value.
    let depth = e.path.length - 1;
    while (depth > 0 && (getAt(object, e.path.slice(0, depth)) === undefined || getAt(object, e.path.slice(0, depth)) === null)) depth--;
    let nested: unknown = value;
    for (let i = e.path.length - 1; i > depth; i--) nested = { [e.path[i] as string]: nested };
    const at = e.path.slice(0, depth + 1);
    ops.push({ op: getAt(object, at) === undefined ? 'add' : 'replace', path: pointer(at), value: nested });
    setAt(object, at, nested);
  }
  return ops;
}

function setAt(o: Record<string, unknown>, path: FieldPath, value: unknown): void {
  let cur = o as Record<string | number, unknown>;
  for (const seg of path.slice(0, -1)) cur = cur[seg] as Record<string | number, unknown>;
  cur[path[path.length - 1]!] = structuredClone(value);
}

function removeAt(o: Record<string, unknown>, path: FieldPath): void {
  let cur = o as Record<string | number, unknown>;
  for (const seg of path.slice(0, -1)) cur = cur[seg] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (Array.isArray(cur)) cur.splice(Number(last), 1);
  else delete cur[last];
}

/** The object after the patch (what `kubectl patch --type json` would leave), for checking edits. */
export function applyJsonPatch(object: Readonly<Record<string, unknown>>, ops: readonly JsonPatchOp[]): Record<string, unknown> {
  const out = structuredClone(object) as Record<string, unknown>;
  for (const op of ops) {
    const path = pointerToPath(op.path);
    if (op.op === 'remove') removeAt(out, path);
    else setAt(out, path, op.value);
  }
  return out;
}

/**
 * The same change as a patch a person can read and `kubectl apply`/`kubectl patch --type merge`: the
 * object's identity and only the changed fields (a removed field is null).
 */
export function mergePatchFor(resource: Resource, ops: readonly JsonPatchOp[]): Record<string, unknown> {
  const meta = resource.object['metadata'] as Record<string, unknown>;
  const patched = applyJsonPatch(resource.object, ops);
  const out: Record<string, unknown> = { apiVersion: resource.apiVersion, kind: resource.kind, metadata: { name: meta['name'], ...(meta['namespace'] ? { namespace: meta['namespace'] } : {}) } };
  for (const op of ops) {
    const path = pointerToPath(op.path);
    let cur = out;
    let src: unknown = patched;
    for (let i = 0; i < path.length; i++) {
      const seg = path[i]!;
      const next = (src as Record<string, unknown>)[seg];
      // A list is given whole: merge patches cannot address one item by index.
      if (Array.isArray(next)) { cur[seg] = structuredClone(next); break; }
      if (i === path.length - 1) { cur[seg] = op.op === 'remove' ? null : structuredClone(next); break; }
      if (cur[seg] === undefined || cur[seg] === null || typeof cur[seg] !== 'object') cur[seg] = {};
      cur = cur[seg] as Record<string, unknown>;
      src = next;
    }
  }
  return out;
}
