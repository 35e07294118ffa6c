/**
 * How Kubernetes controllers written in Go read configuration text into typed structs, so that kgd reads a
 * ConfigMap value exactly as the controller does:
 *
 * - `sigs.k8s.io/yaml` (net-istio's config-istio lists, Knative's config-domain): YAML 1.1 scalars resolved as
 *   go-yaml v2 does (`yes`/`on`/`y` are booleans, `0x1f`/`0o17`/`1_000` integers, only the first document),
 *   converted to JSON with numbers and booleans turned into strings where the target field is a string, then
 *   `encoding/json`.
 * - `encoding/json` (KServe's `ingress` JSON): keys matched exactly, else case-insensitively; a later key for
 *   the same field wins; `null` leaves a field alone; a wrong type is an error (the rest is still decoded).
 *
 * Checked against the Go code itself by test/upstream.test.ts (net-istio's and KServe's parsers).
 */
import { isAlias, isMap, isScalar, isSeq, parseAllDocuments, type Document, type Node } from 'yaml';

/** A decoded value before a target type gives it meaning: numbers keep their source text and YAML kind. */
export type GoValue = null | boolean | string | GoNumber | readonly GoValue[] | GoObject;
export interface GoNumber {
  readonly kind: 'int' | 'float';
  /** The value as Go holds it: an integer as a decimal string (int64/uint64 range), a float as a number. */
  readonly value: string | number;
}
export interface GoObject {
  /** Entries in source order; duplicates kept (Go assigns them in order). */
  readonly entries: readonly (readonly [string, GoValue])[];
}

export const isGoNumber = (v: GoValue): v is GoNumber => v !== null && typeof v === 'object' && 'kind' in v;
export const isGoObject = (v: GoValue): v is GoObject => v !== null && typeof v === 'object' && !Array.isArray(v) && 'entries' in v;

export type DecodeResult = { readonly ok: true; readonly value: GoValue } | { readonly ok: false; readonly error: string };

// ---------------------------------------------------------------------------------------------------------
// YAML (go-yaml v2 scalar resolution, as sigs.k8s.io/yaml uses it)

const BOOL_TRUE = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']);
const BOOL_FALSE = new Set(['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']);
const NULLS = new Set(['', '~', 'null', 'Null', 'NULL']);
const FLOAT_SPECIAL: Readonly<Record<string, number>> = {
  '.nan': NaN, '.NaN': NaN, '.NAN': NaN,
  '.inf': Infinity, '.Inf': Infinity, '.INF': Infinity, '+.inf': Infinity, '+.Inf': Infinity, '+.INF': Infinity,
  '-.inf': -Infinity, '-.Inf': -Infinity, '-.INF': -Infinity,
};
const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);
const UINT64_MAX = (1n << 64n) - 1n;

/** Go's strconv.ParseInt/ParseUint with base 0 (prefixes 0x, 0o, 0b, leading 0 for octal); undefined if invalid. */
function parseGoInt(s: string): bigint | undefined {
  const m = /^([+-]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.exec(s);
  if (!m) return undefined;
  let body = m[2]!;
  if (/^0[0-7]+$/.test(body)) body = `0o${body.slice(1)}`;
  const n = BigInt(body.toLowerCase().replace(/^0o/, '0o'));
  return m[1] === '-' ? -n : n;
}

/** go-yaml v2's resolve() for a plain (unquoted, untagged) scalar. */
export function resolvePlainScalar(s: string): GoValue {
  if (NULLS.has(s)) return null;
  if (BOOL_TRUE.has(s)) return true;
  if (BOOL_FALSE.has(s)) return false;
  if (s in FLOAT_SPECIAL) return { kind: 'float', value: FLOAT_SPECIAL[s]! };
  const c = s[0]!;
  if (c === '.') {
    const f = goParseFloat(s);
    return f === undefined ? s : { kind: 'float', value: f };
  }
  if (c === '+' || c === '-' || (c >= '0' && c <= '9')) {
    const plain = s.replace(/_/g, '');
    const i = parseGoInt(plain);
    if (i !== undefined && i >= INT64_MIN && i <= INT64_MAX) return { kind: 'int', value: i.toString() };
    if (i !== undefined && i >= 0n && i <= UINT64_MAX && !plain.startsWith('-') && !plain.startsWith('+')) return { kind: 'int', value: i.toString() };
    if (YAML_STYLE_FLOAT.test(plain)) {
      const f = goParseFloat(plain);
      if (f !== undefined) return { kind: 'float', value: f };
    }
    if (plain.startsWith('0b') || plain.startsWith('-0b')) {
      const neg = plain.startsWith('-');
      const digits = plain.slice(neg ? 3 : 2);
      if (/^[01]+$/.test(digits)) {
        const n = BigInt(`0b${digits}`) * (neg ? -1n : 1n);
        if (n >= INT64_MIN && n <= INT64_MAX) return { kind: 'int', value: n.toString() };
      }
    }
  }
  return s;
}

/** strconv.ParseFloat(s, 64) for the forms go-yaml hands it (decimal with optional exponent). */
function goParseFloat(s: string): number | undefined {
  if (!/^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?|[0-9]*\.[0-9]+)([eE][-+]?[0-9]+)?$/.test(s)) return undefined;
  const f = Number(s);
  return Number.isNaN(f) ? undefined : f;
}

class GoYamlError extends Error {}

function fromNode(node: unknown, doc: Document): GoValue {
  if (node === null || node === undefined) return null;
  if (isAlias(node)) return fromNode(node.resolve(doc), doc);
  if (isScalar(node)) {
    const raw = String(node.source ?? node.value ?? '');
    if (node.tag === 'tag:yaml.org,2002:str') return raw;
    if (node.type === 'PLAIN' && node.tag === undefined) return resolvePlainScalar(raw);
    return raw;
  }
  if (isSeq(node)) return node.items.map((i) => fromNode(i, doc));
  if (isMap(node)) {
    const entries: [string, GoValue][] = [];
    for (const pair of node.items) {
      // go-yaml refuses a mapping entry without a key (`: value`): "did not find expected key".
      const keyNode = pair.key as { range?: readonly number[] } | null;
      if (keyNode === null || keyNode === undefined || (isScalar(keyNode) && keyNode.source === '' && keyNode.range?.[0] === keyNode.range?.[1])) throw new GoYamlError('did not find expected key');
      const k = fromNode(pair.key, doc);
      entries.push([goKeyString(k), fromNode(pair.value, doc)]);
    }
    return { entries };
  }
  return null;
}

/** sigs.k8s.io/yaml turns non-string keys into strings (ints, floats with go-yaml's formatting, booleans). */
function goKeyString(k: GoValue): string {
  if (typeof k === 'string') return k;
  if (k === true) return 'true';
  if (k === false) return 'false';
  if (k === null) return '';
  if (isGoNumber(k)) return k.kind === 'int' ? String(k.value) : formatGoFloat32(k.value as number, true);
  return JSON.stringify(k);
}

/**
 * Reads the first YAML document as go-yaml v2 does (later documents are not read), resolving plain scalars
 * with YAML 1.1's rules. An empty text is `null`.
 */
export function decodeYamlV2(text: string): DecodeResult {
  let docs: Document.Parsed[];
  try {
    docs = parseAllDocuments(text, { schema: 'failsafe', uniqueKeys: false, strict: false, prettyErrors: false }) as Document.Parsed[];
  } catch (e) {
    return { ok: false, error: (e as Error).message.split('\n')[0]! };
  }
  if (!Array.isArray(docs)) return { ok: false, error: 'not YAML' };
  const first = docs[0];
  if (!first) return { ok: true, value: null };
  if (first.errors.length > 0) return { ok: false, error: first.errors[0]!.message.split('\n')[0]! };
  try {
    return { ok: true, value: fromNode(first.contents as Node | null, first) };
  } catch (e) {
    if (e instanceof GoYamlError) return { ok: false, error: e.message };
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------------------
// JSON (encoding/json), keeping key order and duplicates

/** Parses JSON text keeping object entries in order, with duplicates. Syntax as JSON.parse accepts it. */
export function decodeJson(text: string): DecodeResult {
  try {
    JSON.parse(text);
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
  let i = 0;
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const str = (): string => {
    const start = i;
    i++;
    while (text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const value = (): GoValue => {
    ws();
    const c = text[i]!;
    if (c === '{') {
      i++;
      const entries: [string, GoValue][] = [];
      ws();
      if (text[i] === '}') {
        i++;
        return { entries };
      }
      for (;;) {
        ws();
        const k = str();
        ws();
        i++; // :
        entries.push([k, value()]);
        ws();
        if (text[i++] === '}') return { entries };
      }
    }
    if (c === '[') {
      i++;
      const items: GoValue[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return items;
      }
      for (;;) {
        items.push(value());
        ws();
        if (text[i++] === ']') return items;
      }
    }
    if (c === '"') return str();
    const m = /^(true|false|null|-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?)/.exec(text.slice(i, i + 400))!;
    i += m[0].length;
    if (m[0] === 'true') return true;
    if (m[0] === 'false') return false;
    if (m[0] === 'null') return null;
    return { kind: m[3] || m[4] ? 'float' : 'int', value: m[0] };
  };
  return { ok: true, value: value() };
}

// ---------------------------------------------------------------------------------------------------------
// Decoding into a struct

export type FieldType =
  | 'string'
  | 'bool'
  | 'stringList'
  | 'stringMap'
  | 'any'
  | { readonly struct: StructSchema }
  | { readonly list: FieldType };
export type StructSchema = Readonly<Record<string, FieldType>>;

export interface DecodeOptions {
  /** sigs.k8s.io/yaml: a number or boolean whose target is a string becomes that string. */
  readonly scalarsToStrings: boolean;
}

export interface DecodedStruct {
  /** Fields as Go holds them after decoding (absent: never assigned, or assigned null). */
  readonly fields: Record<string, unknown>;
  /** Every type error, with the top-level source key it came from; the first is what encoding/json returns. */
  readonly errors: readonly { readonly message: string; readonly key: string }[];
  /** Which source key set each field last (for locations). */
  readonly keys: Record<string, string>;
}

/** Go's case folding for field names (bytes.EqualFold with Unicode simple folding: ſ→s, K→k). */
function fold(s: string): string {
  return s.toUpperCase().toLowerCase();
}

function describe(v: GoValue): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'string') return 'string';
  if (isGoNumber(v)) return 'number';
  if (Array.isArray(v)) return 'array';
  return 'object';
}

/** Go's strconv.FormatFloat(f, 'g', -1, 32): what sigs.k8s.io/yaml writes for a float into a string field. */
export function formatGoFloat32(f: number, yamlSpecials = false): string {
  if (Number.isNaN(f)) return yamlSpecials ? '.nan' : 'NaN';
  if (!Number.isFinite(f)) return f > 0 ? (yamlSpecials ? '.inf' : '+Inf') : (yamlSpecials ? '-.inf' : '-Inf');
  const x = Math.fround(f);
  if (!Number.isFinite(x)) return x > 0 ? '+Inf' : '-Inf';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  let digits = '';
  let exp = 0;
  for (let p = 1; p <= 9; p++) {
    const s = x.toExponential(p - 1);
    if (Math.fround(Number(s)) === x) {
      const [mant, e] = s.split('e');
      digits = mant!.replace('-', '').replace('.', '');
      exp = Number(e);
      break;
    }
  }
  digits = digits.replace(/0+$/, '') || '0';
  const neg = x < 0 ? '-' : '';
  // %e when exp < -4 || exp >= eprec, eprec = 6 for the shortest form (or the digit count when larger).
  const eprec = Math.max(6, digits.length);
  if (exp < -4 || exp >= eprec) {
    const mant = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const es = Math.abs(exp) < 10 ? `0${Math.abs(exp)}` : String(Math.abs(exp));
    return `${neg}${mant}e${exp < 0 ? '-' : '+'}${es}`;
  }
  if (exp < 0) return `${neg}0.${'0'.repeat(-exp - 1)}${digits}`;
  if (digits.length <= exp + 1) return `${neg}${digits}${'0'.repeat(exp + 1 - digits.length)}`;
  return `${neg}${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
}

/** The string a scalar becomes in a string field under sigs.k8s.io/yaml's coercion, if any. */
function coerceToString(v: GoValue): string | undefined {
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (isGoNumber(v)) return v.kind === 'int' ? String(v.value) : formatGoFloat32(Number(v.value));
  return undefined;
}

function decodeValue(v: GoValue, t: FieldType, at: string, opts: DecodeOptions, errors: string[]): { set: boolean; value?: unknown } {
  if (v === null) return { set: false };
  const fail = (goType: string) => {
    errors.push(`cannot unmarshal ${describe(v)} into ${at} of type ${goType}`);
    return { set: false };
  };
  if (t === 'any') return { set: true, value: v };
  if (t === 'string') {
    if (typeof v === 'string') return { set: true, value: v };
    if (opts.scalarsToStrings) {
      const s = coerceToString(v);
      if (s !== undefined) return { set: true, value: s };
    }
    return fail('string');
  }
  if (t === 'bool') return typeof v === 'boolean' ? { set: true, value: v } : fail('bool');
  if (t === 'stringList') return decodeValue(v, { list: 'string' }, at, opts, errors);
  if (t === 'stringMap') {
    if (!isGoObject(v)) return fail('map[string]string');
    const out: Record<string, string> = {};
    for (const [k, x] of v.entries) {
      const d = decodeValue(x, 'string', `${at}[${k}]`, opts, errors);
      out[k] = d.set ? (d.value as string) : (out[k] ?? '');
    }
    return { set: true, value: out };
  }
  if ('list' in t) {
    if (!Array.isArray(v)) return fail('[]');
    return { set: true, value: v.map((x, i) => { const d = decodeValue(x, t.list, `${at}[${i}]`, opts, errors); return d.set ? d.value : zero(t.list); }) };
  }
  if (!isGoObject(v)) return fail('struct');
  const d = decodeStructInner(v, t.struct, at, opts, errors);
  return { set: true, value: d.fields };
}

function zero(t: FieldType): unknown {
  if (t === 'string') return '';
  if (t === 'bool') return false;
  if (t === 'stringMap') return {};
  if (typeof t === 'object' && 'struct' in t) return {};
  return null;
}

function decodeStructInner(obj: GoObject, schema: StructSchema, at: string, opts: DecodeOptions, errors: string[], keyed?: { message: string; key: string }[]): { fields: Record<string, unknown>; keys: Record<string, string> } {
  const fields: Record<string, unknown> = {};
  const keys: Record<string, string> = {};
  const names = Object.keys(schema);
  for (const [k, v] of obj.entries) {
    const name = names.find((n) => n === k) ?? names.find((n) => fold(n) === fold(k));
    if (name === undefined) continue;
    const before = errors.length;
    const d = decodeValue(v, schema[name]!, `${at}.${name}`, opts, errors);
    for (const m of errors.slice(before)) keyed?.push({ message: m, key: k });
    if (d.set) {
      fields[name] = d.value;
      keys[name] = k;
    } else if (v === null && typeof schema[name] === 'object') {
      // null into a pointer/slice/map field sets it to nil
      delete fields[name];
    }
  }
  return { fields, keys };
}

/** Decodes a value into a struct with these JSON field names and types, as encoding/json would. */
export function decodeStruct(v: GoValue, schema: StructSchema, goName: string, opts: DecodeOptions): DecodedStruct {
  const errors: string[] = [];
  const keyed: { message: string; key: string }[] = [];
  if (v === null) return { fields: {}, errors: [], keys: {} };
  if (!isGoObject(v)) return { fields: {}, errors: [{ message: `cannot unmarshal ${describe(v)} into Go value of type ${goName}`, key: '' }], keys: {} };
  const d = decodeStructInner(v, schema, goName, opts, errors, keyed);
  return { ...d, errors: keyed };
}

/** Decodes a value into any field type (a list of structs, say), as encoding/json would; the first type error. */
export function decodeAs(v: GoValue, type: FieldType, goName: string, opts: DecodeOptions): { readonly value: unknown; readonly error: string | undefined } {
  const errors: string[] = [];
  const d = decodeValue(v, type, goName, opts, errors);
  return { value: d.set ? d.value : undefined, error: errors[0] };
}
