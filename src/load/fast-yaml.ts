/**
 * The bulk parse: js-yaml (several times faster than the `yaml` library on plain manifests; see the README's parser
 * table) with the scalar rules the `yaml` library applies for kgd — Kubernetes' (YAML_OPTIONS) — taken from that
 * library's own tag definitions, not restated. Only plain documents come this way: a document with more than a few
 * aliases, a tag, a merge key, a complex key, a tab or a document-end marker, or one js-yaml refuses, returns
 * undefined and is parsed by the `yaml` library (which also gives every error its exact position).
 * test/fast-yaml.test.ts requires both paths to give the same values and origins on every corpus kgd is tested with.
 */
import jsyaml from 'js-yaml';
import { isScalar, Lexer, Schema } from 'yaml';
import { YAML_OPTIONS } from './parse.js';

interface YamlScalarTag { tag: string; test?: RegExp; default?: boolean | 'key'; resolve: (s: string, onError: (m: string) => void, o: object) => unknown }

let schema: jsyaml.Schema | undefined;

/**
 * The first characters a null, bool, int or float of the `yaml` library's YAML 1.1 tags (plus `0o`) can start with
 * (every test is anchored: see coreScalarTests); any other plain scalar is a string without trying them.
 */
const MAY_RESOLVE = /^(?:$|[~NnYyTtOoFfEe0-9.+-])/;

/** The tests MAY_RESOLVE was read off: test/fast-yaml.test.ts fails if the library's tests change. */
export function coreScalarTests(): string[] {
  return coreTags().map((t) => t.test!.source);
}

function coreTags(): YamlScalarTag[] {
  return (new Schema({ ...YAML_OPTIONS, schema: 'yaml-1.1' }) as unknown as { tags: YamlScalarTag[] }).tags.filter((t) => t.test && t.default === true);
}

/** One js-yaml type per core tag (null, bool, int, float), trying the `yaml` library's tests for it in its order. */
function k8sSchema(): jsyaml.Schema {
  if (schema) return schema;
  const tags = coreTags();
  const types = ['null', 'bool', 'int', 'float'].map((name) => {
    const mine = tags.filter((t) => t.tag === `tag:yaml.org,2002:${name}`);
    const pick = (s: string) => mine.find((t) => t.test!.test(s));
    return new jsyaml.Type(`tag:yaml.org,2002:${name}`, {
      kind: 'scalar',
      resolve: (s: unknown) => typeof s === 'string' && MAY_RESOLVE.test(s) && pick(s) !== undefined,
      // Some of the library's resolvers return a Scalar node (booleans keep their source spelling): its value.
      construct: (s: string) => {
        const v = pick(s)!.resolve(s, () => undefined, {});
        return isScalar(v) ? v.value : v;
      },
    });
  });
  schema = jsyaml.FAILSAFE_SCHEMA.extend({ implicit: types });
  return schema;
}

/** Where documents start: offset 0 and each line that starts with `---` followed by a space, a tab or a line end. */
export function documentSpans(text: string): [number, number][] {
  const starts = [0];
  const re = /^---(?=[ \t\r\n]|$)/gm;
  for (let m = re.exec(text); m; m = re.exec(text)) if (m.index > 0) starts.push(m.index);
  return starts.map((s, i) => [s, starts[i + 1] ?? text.length] as [number, number]).filter(([a, b]) => b > a);
}

/**
 * What may be a tag or an explicit (`?`) key; hasTagOrExplicitKey decides. A tag can only start a node: at a line start (after indentation and
 * `- ` or `? ` indicators), after `:` or a flow indicator (`[`, `{`, `,`), or after an anchor; a `!` elsewhere (CEL's
 * `!has(…)` in a CRD's validation rule, after a space inside a string) is text.
 */
const MAYBE_TAG_OR_KEY = /(?:^[ \t]*(?:[-?][ \t]+)*|[:[{,][ \t]*|&\S+[ \t]+)![^\s]|^\s*\?(?:\s|$)/m;
/** Merge keys, `...`, tabs: always the `yaml` library's. */
const NOT_PLAIN = /<<\s*:|^\.\.\.(?:\s|$)|\t/m;
/** The `yaml` lexer's marker before a scalar's text (a `!` or `?` right after it is text, not a tag or a key). */
const SCALAR = '\u001f';

/**
 * Whether a document the regex suspects really has a tag or an explicit (`?`) key: its tokens say (a CRD's CEL rules
 * such as `self.all(k, !has(k))` or a `? :` line inside a string are text). The lexer is the `yaml` library's, at a
 * fraction of the cost of its full parse.
 */
function hasTagOrExplicitKey(seg: string): boolean {
  let prev = '';
  for (const t of new Lexer().lex(seg)) {
    if (prev !== SCALAR && (t.startsWith('!') || t === '?')) return true;
    prev = t;
  }
  return false;
}

/** Aliases (`*name`): a few are plain sharing (generators write them); many may be an alias bomb for the `yaml` library's limit. */
const ALIAS = /(?:^|[\s[{,])\*[^\s]/gm;
const MAX_FAST_ALIASES = 10;
const BLANK_OR_COMMENT = /^(?:[ \t]*(?:#.*)?(?:\r?\n|$))*/;

/**
 * The number of object keys written in JSON text: every string followed by `:`. Strings are skipped whole (escapes
 * included), so a `":` inside a value is not counted.
 */
function jsonKeysWritten(seg: string): number {
  let keys = 0;
  for (let i = seg.indexOf('"'); i >= 0; i = seg.indexOf('"', i)) {
    i = afterString(seg, i);
    if (i < 0) return -1;
    let j = i;
    for (let c = seg.charCodeAt(j); c === 32 || c === 9 || c === 10 || c === 13; c = seg.charCodeAt(++j));
    if (seg.charCodeAt(j) === 58) keys++;
  }
  return keys;
}

/** The end of the JSON string that starts at `i` (the index after its closing quote), or -1. */
function afterString(seg: string, i: number): number {
  let end = seg.indexOf('"', i + 1);
  for (;;) {
    if (end < 0) return -1;
    let backslashes = 0;
    for (let b = end - 1; seg.charCodeAt(b) === 92; b--) backslashes++;
    if (backslashes % 2 === 0) return end + 1;
    end = seg.indexOf('"', end + 1);
  }
}

/**
 * Where each element of the top-level `"items"` array of a JSON object starts and ends in `seg` (valid JSON, as
 * JSON.parse took it): each item of a `kubectl get -o json` List is then read back alone when a finding needs a
 * position, not the whole List. Undefined when there is no such array.
 */
function jsonItemSpans(seg: string): [number, number][] | undefined {
  let depth = 0;
  let lastKey = '';
  for (let i = 0; i < seg.length; i++) {
    const c = seg.charCodeAt(i);
    if (c === 34) { // "
      const end = afterString(seg, i);
      if (depth === 1) lastKey = seg.slice(i, end);
      i = end - 1;
    } else if (c === 123 || c === 91) { // { [
      if (depth === 1 && c === 91 && lastKey === '"items"') return elementSpans(seg, i);
      depth++;
    } else if (c === 125 || c === 93) depth--; // } ]
    else if (c === 44) lastKey = ''; // ,
  }
  return undefined;
}

/** The elements of the JSON array whose `[` is at `open`: [start, end) of each, without surrounding blanks. */
function elementSpans(seg: string, open: number): [number, number][] {
  const spans: [number, number][] = [];
  let depth = 0;
  let start = -1;
  let lastNonBlank = -1;
  for (let i = open + 1; i < seg.length; i++) {
    const c = seg.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13) continue;
    if (depth === 0 && (c === 44 || c === 93)) { // , ]
      if (start >= 0) spans.push([start, lastNonBlank + 1]);
      start = -1;
      if (c === 93) return spans;
      continue;
    }
    if (start < 0) start = i;
    if (c === 34) i = afterString(seg, i) - 1;
    else if (c === 123 || c === 91) depth++;
    else if (c === 125 || c === 93) depth--;
    lastNonBlank = i;
  }
  return spans;
}

function jsonKeysParsed(v: unknown): number {
  if (Array.isArray(v)) return v.reduce((n: number, x) => n + jsonKeysParsed(x), 0);
  if (v === null || typeof v !== 'object') return 0;
  let n = 0;
  for (const x of Object.values(v)) n += 1 + jsonKeysParsed(x);
  return n;
}

/**
 * A JSON document (`kubectl get -o json`, `kgd dump -o json`) by JSON.parse: the value the `yaml` library reads from
 * it (JSON is YAML), where the text is JSON and no key repeats (JSON.parse keeps the last; the `yaml` library refuses
 * the document, and that stays kgd's answer). Undefined otherwise: parse it as YAML.
 */
export function fastJson(text: string, from: number, to: number): { value: unknown; start: number; items: [number, number][] | undefined } | undefined {
  const lead = BLANK_OR_COMMENT.exec(text.slice(from, Math.min(to, from + 4096)))?.[0].length ?? 0;
  const first = text.charCodeAt(from + lead);
  if (first !== 123 && first !== 91) return undefined; // { or [
  const seg = text.slice(from + lead, to);
  let value: unknown;
  try {
    value = JSON.parse(seg);
  } catch {
    return undefined;
  }
  if (value === null || typeof value !== 'object' || jsonKeysWritten(seg) !== jsonKeysParsed(value)) return undefined;
  const items = Array.isArray((value as { items?: unknown }).items) ? jsonItemSpans(seg)?.map(([a, b]): [number, number] => [from + lead + a, from + lead + b]) : undefined;
  // Each span must be one element JSON.parse read (a check on the scanner: otherwise positions come from the whole document).
  const count = (value as { items?: unknown[] }).items?.length;
  return { value, start: from + lead, items: items && items.length === count ? items : undefined };
}

/**
 * The value of the document text[from, to) and where the `yaml` library says it starts (its marker, else its
 * first content line), 'empty' for a document of comments only, or undefined: parse it with the `yaml` library.
 */
export function fastDocument(text: string, from: number, to: number): { value: unknown; start: number } | 'empty' | undefined {
  const seg = text.slice(from, to);
  // The regexes run only where their characters are (a plain search is several times faster than either).
  if ((seg.includes('\t') || seg.includes('<<') || seg.includes('...')) && NOT_PLAIN.test(seg)) return undefined;
  if ((seg.includes('!') || seg.includes('?')) && MAYBE_TAG_OR_KEY.test(seg) && hasTagOrExplicitKey(seg)) return undefined;
  if (seg.includes('*') && (seg.match(ALIAS)?.length ?? 0) > MAX_FAST_ALIASES) return undefined;
  const marker = seg.startsWith('---');
  // Content on the marker line (`--- a: b`): the two parsers disagree on what is allowed there.
  if (marker && /^---[ \t]*[^\s#]/.test(seg)) return undefined;
  const lead = marker ? 0 : (BLANK_OR_COMMENT.exec(seg)?.[0].length ?? 0);
  if (!marker && lead >= seg.length) return 'empty';
  if (!marker && (seg[lead] === ' ')) return undefined;
  let value: unknown;
  try {
    value = jsyaml.load(seg, { schema: k8sSchema(), json: false });
  } catch {
    return undefined;
  }
  // A null document may be an explicit `null` (a finding) or nothing at all (skipped): let the `yaml` library say.
  if (value === null || value === undefined) return undefined;
  return { value, start: from + lead };
}
