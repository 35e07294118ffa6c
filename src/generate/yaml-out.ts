import { stringify } from 'yaml';

const FIRST = ['apiVersion', 'kind', 'metadata'];
const META_FIRST = ['name', 'namespace'];

function ordered(value: unknown, first: readonly string[]): unknown {
  if (Array.isArray(value)) return value.map((v) => ordered(v, []));
  if (value === null || typeof value !== 'object') return value;
  const o = value as Record<string, unknown>;
  const keys = Object.keys(o).filter((k) => o[k] !== undefined);
  const head = first.filter((k) => keys.includes(k));
  const rest = keys.filter((k) => !first.includes(k)).sort();
  const out: Record<string, unknown> = {};
  for (const k of [...head, ...rest]) out[k] = ordered(o[k], k === 'metadata' && first === FIRST ? META_FIRST : []);
  return out;
}

/** A Kubernetes object in kgd's canonical order: apiVersion, kind, metadata (name, namespace) first, other keys sorted. */
export function canonicalObject(o: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return ordered(o, FIRST) as Record<string, unknown>;
}

/** One YAML document for one object, canonical order, no line folding (diffs stay one line per change). */
export function objectToYaml(o: Readonly<Record<string, unknown>>, comment?: string): string {
  const body = stringify(canonicalObject(o), { lineWidth: 0, version: '1.1' });
  return (comment ? comment.split('\n').map((l) => `# ${l}`.trimEnd()).join('\n') + '\n' : '') + body;
}

/** A multi-document stream, `---` between documents. */
export function yamlStream(docs: readonly string[]): string {
  return docs.map((d) => `---\n${d}`).join('');
}
