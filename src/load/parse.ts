import { Composer, isMap, isScalar, isSeq, Parser, type Document } from 'yaml';
import type { InputProblem } from './problem.js';
import { splitApiVersion, type Origin, type Resource } from './resource.js';
import { SourceText } from './source-text.js';
import type { FieldPath } from '../shared/path.js';

/** Lists nested deeper than this are refused: kubectl never nests them, and it bounds recursion. */
const MAX_LIST_DEPTH = 16;

export interface ParseResult {
  readonly resources: Resource[];
  readonly problems: InputProblem[];
}

/** YAML 1.1 is what Kubernetes' own parser (go-yaml v2 via sigs.k8s.io/yaml) speaks: `on`/`yes` are booleans there too. */
export const YAML_OPTIONS = { version: '1.1', prettyErrors: false, uniqueKeys: true } as const;

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function describeType(v: unknown): string {
  if (v === null || v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return `a ${typeof v} (${JSON.stringify(v).slice(0, 40)})`;
}

/**
 * Parses one YAML or JSON text (multi-document) into resources that can point back at their fields.
 * Documents are composed one at a time and their syntax trees dropped after conversion, so memory stays
 * near the size of the objects themselves; positions are recomputed for the few fields a finding names.
 * Never throws on bad content: every problem comes back as an InputProblem with file and line.
 */
export function parseManifestText(file: string, text: string, options: { keepText?: boolean } = {}): ParseResult {
  const resources: Resource[] = [];
  const problems: InputProblem[] = [];
  const source = new SourceText(file, text, options.keepText ?? true);
  const pos = (offset: number) => ({ file, ...source.position(offset, text) });
  const composer = new Composer(YAML_OPTIONS);
  let docIndex = 0;
  for (const doc of composer.compose(new Parser().parse(text), true)) {
    const index = docIndex++;
    if (doc.errors.length > 0) {
      for (const err of doc.errors) {
        problems.push({ id: 'YamlSyntaxError', data: { reason: firstLine(err.message).replace(/\.$/, '') }, location: pos(err.pos[0]) });
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
      problems.push({ id: 'YamlSyntaxError', data: { reason: firstLine((e as Error).message) }, location: { ...pos(doc.range[0]), column: 1 } });
      continue;
    }
    const [start, , end] = doc.range;
    const origin = (base: FieldPath): Origin => ({ file, docIndex: index, start, end, source, base });
    collect(value, [], 0, undefined, origin, resources, problems, (path) => ({ ...pos(nodeOffset(doc, path)), column: 1 }));
  }
  if (resources.length === 0 && problems.length === 0) {
    problems.push({ id: 'NoResources', data: { file }, location: { file, line: 1, column: 1 } });
  }
  source.release();
  return { resources, problems };
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
  resources.push({
    apiVersion: apiVersion as string,
    group,
    version,
    kind: kind as string,
    name: name as string,
    namespace: typeof ns === 'string' && ns !== '' ? ns : undefined,
    object,
    origin: origin(base),
  });
}
