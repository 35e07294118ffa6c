/** A field path inside a resource, as keys and list indexes: ['spec', 'servers', 0, 'hosts']. */
export type FieldPath = readonly (string | number)[];

/** Renders a path the way kubectl's JSONPath-ish messages do: `.spec.servers[0].hosts`. */
export function formatPath(path: FieldPath): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(seg)) out += `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out || '.';
}

/** RFC 6901 JSON pointer for a path (used in patches and SARIF logical locations). */
export function toJsonPointer(path: FieldPath): string {
  return path.map((s) => '/' + String(s).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

export function getAt(root: unknown, path: FieldPath): unknown {
  let cur: unknown = root;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[seg];
  }
  return cur;
}
