import type { InputProblem } from '../load/problem.js';
import type { Resource } from '../load/resource.js';
import { formatPath, getAt, type FieldPath } from '../shared/path.js';
import { intern } from '../shared/strings.js';

/** The one empty map views share: most resources have no annotations, headers or selectors of some kind. */
export const EMPTY_MAP: Readonly<Record<string, never>> = Object.freeze({});

/** `m`, or the shared empty map when it has no keys (an empty object literal costs ~50 bytes, per view field). */
export function compactMap<T>(m: Record<string, T>): Readonly<Record<string, T>> {
  for (const _ in m) return m;
  return EMPTY_MAP;
}

/** A pushed-to array keeps spare capacity (17 slots after one push); views are kept for the whole run. */
function exactSize<T>(a: T[]): T[] {
  return a.length === 0 ? [] : a.slice();
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 30 ? v.slice(0, 30) + '…' : v)}`;
  return `the ${typeof v} ${String(v)}`;
}

/**
 * Reads typed fields from an untyped object. A field of the wrong type is reported once (InvalidFieldType,
 * with the resource and path so the engine can give file:line) and then treated as absent, so no rule
 * ever sees a value of a type it does not expect.
 */
export class FieldReader {
  constructor(
    readonly resource: Resource,
    private readonly problems: InputProblem[],
  ) {}

  raw(path: FieldPath): unknown {
    return getAt(this.resource.object, path);
  }

  bad(path: FieldPath, expected: string, got: unknown): undefined {
    this.problems.push({
      id: 'InvalidFieldType',
      data: { field: formatPath(path), expected, got: typeName(got) },
      resource: this.resource,
      path,
    });
    return undefined;
  }

  has(path: FieldPath): boolean {
    const v = this.raw(path);
    return v !== undefined && v !== null;
  }

  str(path: FieldPath): string | undefined {
    const v = this.raw(path);
    if (v === undefined || v === null) return undefined;
    return typeof v === 'string' ? intern(v) : this.bad(path, 'a string', v);
  }

  /**
   * A timestamp (metadata.creationTimestamp) as milliseconds since the epoch: YAML 1.1 reads an unquoted one
   * as a date, JSON gives a string. Parsed once here, so sorting thousands of configs parses nothing.
   */
  timestamp(path: FieldPath): number | undefined {
    const v = this.raw(path);
    if (v === undefined || v === null) return undefined;
    if (v instanceof Date) return Number.isNaN(v.getTime()) ? this.bad(path, 'a timestamp', v) : v.getTime();
    if (typeof v !== 'string') return this.bad(path, 'a timestamp', v);
    // A string that is no time orders as no time at all (Istio's zero time); it is not a finding.
    const ms = Date.parse(v);
    return Number.isNaN(ms) ? undefined : ms;
  }

  bool(path: FieldPath): boolean | undefined {
    const v = this.raw(path);
    if (v === undefined || v === null) return undefined;
    return typeof v === 'boolean' ? v : this.bad(path, 'true or false', v);
  }

  int(path: FieldPath): number | undefined {
    const v = this.raw(path);
    if (v === undefined || v === null) return undefined;
    return typeof v === 'number' && Number.isInteger(v) ? v : this.bad(path, 'a whole number', v);
  }

  /** A port that is a number or a named port (Service targetPort, NetworkPolicy port). */
  intOrString(path: FieldPath): number | string | undefined {
    const v = this.raw(path);
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'number' && Number.isInteger(v)) return v;
    if (typeof v === 'string' && v !== '') return /^\d+$/.test(v) ? Number(v) : v;
    return this.bad(path, 'a port number or a port name', v);
  }

  /** A map of string to string (labels, selectors, ConfigMap data). */
  strMap(path: FieldPath): Record<string, string> | undefined {
    const v = this.raw(path);
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'object' || Array.isArray(v)) return this.bad(path, 'a mapping of strings', v);
    const out: Record<string, string> = {};
    for (const [k, val] of Object.entries(v as Record<string, unknown>)) {
      if (typeof val === 'string') out[k] = intern(val);
      else if (val === null) out[k] = '';
      else this.bad([...path, k], 'a string (quote it)', val);
    }
    return compactMap(out) as Record<string, string>;
  }

  obj(path: FieldPath): Record<string, unknown> | undefined {
    const v = this.raw(path);
    if (v === undefined || v === null) return undefined;
    return typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : this.bad(path, 'a mapping', v);
  }

  /** The length of a list, so callers can read `path[i]` fields with the same reader. */
  listLength(path: FieldPath): number | undefined {
    const v = this.raw(path);
    if (v === undefined || v === null) return undefined;
    return Array.isArray(v) ? v.length : this.bad(path, 'a list', v);
  }

  strList(path: FieldPath): string[] | undefined {
    const n = this.listLength(path);
    if (n === undefined) return undefined;
    const out: string[] = [];
    for (let i = 0; i < n; i++) {
      const s = this.str([...path, i]);
      if (s !== undefined) out.push(s);
    }
    return exactSize(out);
  }

  /** Maps each item of a list through `fn`, skipping items that are not mappings (reported). */
  mapList<T>(path: FieldPath, fn: (itemPath: FieldPath, index: number) => T | undefined): T[] | undefined {
    const n = this.listLength(path);
    if (n === undefined) return undefined;
    const out: T[] = [];
    for (let i = 0; i < n; i++) {
      const itemPath = [...path, i];
      if (this.obj(itemPath) === undefined) {
        if (this.raw(itemPath) === null || this.raw(itemPath) === undefined) this.bad(itemPath, 'a mapping', this.raw(itemPath));
        continue;
      }
      const v = fn(itemPath, i);
      if (v !== undefined) out.push(v);
    }
    return exactSize(out);
  }
}
