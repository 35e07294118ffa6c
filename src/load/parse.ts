import { LineCounter, parseAllDocuments, isMap, isScalar, isSeq, type Document } from 'yaml';
import type { InputProblem } from './problem.js';
import { splitApiVersion, type Origin, type Resource } from './resource.js';
import type { FieldPath } from '../shared/path.js';

/** Lists nested deeper than this are refused: kubectl never nests them, and it bounds recursion. */
const MAX_LIST_DEPTH = 16;

export interface ParseResult {
  readonly resources: Resource[];
  readonly problems: InputProblem[];
}

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
 * Parses one YAML or JSON text (multi-document) into resources that remember where each field was written.
 * Never throws on bad content: every problem comes back as an InputProblem with file and line.
 */
export function parseManifestText(file: string, text: string): ParseResult {
  const resources: Resource[] = [];
  const problems: InputProblem[] = [];
  const lineCounter = new LineCounter();
  // YAML 1.1 is what Kubernetes' own parser (go-yaml v2 via sigs.k8s.io/yaml) speaks: `on`/`yes` are booleans there too.
  const docs = parseAllDocuments(text, { lineCounter, version: '1.1', prettyErrors: false, uniqueKeys: true });
  const docList = Array.isArray(docs) ? docs : [];
  docList.forEach((doc, docIndex) => {
    if (doc.errors.length > 0) {
      for (const err of doc.errors) {
        const pos = lineCounter.linePos(err.pos[0]);
        problems.push({
          id: 'YamlSyntaxError',
          data: { reason: firstLine(err.message).replace(/\.$/, '') },
          location: { file, line: pos.line, column: pos.col },
        });
      }
      return;
    }
    // An empty document (only comments, or `---` twice) is skipped, as kubectl does.
    if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null && !doc.contents.source)) return;
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (e) {
      // toJS throws for alias bombs and similar; report at the document start.
      const line = lineCounter.linePos(doc.range[0]).line;
      problems.push({ id: 'YamlSyntaxError', data: { reason: firstLine((e as Error).message) }, location: { file, line, column: 1 } });
      return;
    }
    const origin = (base: FieldPath): Origin => ({ file, docIndex, doc, lineCounter, text, base });
    collect(value, [], 0, undefined, origin, resources, problems, doc, lineCounter, file);
  });
  if (resources.length === 0 && problems.length === 0) {
    problems.push({ id: 'NoResources', data: { file }, location: { file, line: 1, column: 1 } });
  }
  return { resources, problems };
}

function firstLine(s: string): string {
  return s.split('\n')[0]!.trim();
}

function nodeLine(doc: Document.Parsed, lc: LineCounter, path: FieldPath): number {
  let node: unknown = doc.contents;
  let line = node && typeof node === 'object' && 'range' in node ? lc.linePos((node as { range: [number] }).range[0]).line : 1;
  for (const seg of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => (p.key as { value?: unknown } | null)?.value === seg);
      if (!pair) break;
      node = pair.value;
      const r = (pair.key as { range?: [number] } | null)?.range;
      if (r) line = lc.linePos(r[0]).line;
    } else if (isSeq(node) && typeof seg === 'number') {
      node = node.items[seg];
      const r = (node as { range?: [number] } | null)?.range;
      if (r) line = lc.linePos(r[0]).line;
    } else break;
  }
  return line;
}

function collect(
  value: unknown,
  base: FieldPath,
  depth: number,
  listItemDefaults: { apiVersion: string; kind: string } | undefined,
  origin: (base: FieldPath) => Origin,
  resources: Resource[],
  problems: InputProblem[],
  doc: Document.Parsed,
  lc: LineCounter,
  file: string,
): void {
  const at = () => ({ file, line: nodeLine(doc, lc, base), column: 1 });
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
      collect(item, [...base, 'items', i], depth + 1, defaults, origin, resources, problems, doc, lc, file),
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
