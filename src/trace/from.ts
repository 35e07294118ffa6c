import { TraceInputError } from './simulate.js';

/** The calling pod as `kgd trace --from` (and `kgd serve`'s trace view) take it: `ns`, or `ns/app=x,tier=y`. */
export function parseFrom(v: string | undefined): { namespace: string; labels: Record<string, string> } {
  if (!v) return { namespace: 'default', labels: {} };
  const [ns, sel] = v.split('/', 2) as [string, string | undefined];
  const labels: Record<string, string> = {};
  for (const kv of (sel ?? '').split(',').filter(Boolean)) {
    const i = kv.indexOf('=');
    if (i <= 0) throw new TraceInputError(`--from takes <namespace>[/<label>=<value>,...], not "${v}"`);
    labels[kv.slice(0, i)] = kv.slice(i + 1);
  }
  if (!ns) throw new TraceInputError(`--from needs a namespace: "${v}"`);
  return { namespace: ns, labels };
}
