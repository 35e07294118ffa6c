/**
 * Istio host matching. A host is either exact (`a.b.c`), a wildcard suffix (`*.b.c`, which matches any
 * number of labels in front), or `*`. Comparison is case-insensitive, as DNS is.
 */
export function hostMatches(pattern: string, host: string): boolean {
  const p = pattern.toLowerCase();
  const h = host.toLowerCase();
  if (p === '*') return true;
  if (p.startsWith('*')) return h.endsWith(p.slice(1)) && h.length > p.length - 1;
  return p === h;
}

/** Whether two host patterns can both match some request host (Istio's "intersect" for binding). */
export function hostsIntersect(a: string, b: string): boolean {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  if (x === '*' || y === '*') return true;
  if (x.startsWith('*') && y.startsWith('*')) return x.endsWith(y.slice(1)) || y.endsWith(x.slice(1));
  if (x.startsWith('*')) return hostMatches(x, y);
  if (y.startsWith('*')) return hostMatches(y, x);
  return x === y;
}

/** A Gateway server host `[namespace/]host`, with Istio's namespace part: `*`, `.`, `~` or a name. */
export interface ServerHost {
  readonly namespace: string; // '*' any, '~' none, or a concrete namespace ('.' already resolved)
  readonly host: string;
}

export function parseServerHost(raw: string, gatewayNamespace: string): ServerHost {
  const i = raw.indexOf('/');
  if (i < 0) return { namespace: '*', host: raw };
  const ns = raw.slice(0, i);
  return { namespace: ns === '.' ? gatewayNamespace : ns, host: raw.slice(i + 1) };
}

/** Whether a server host admits a request host for a VirtualService living in `vsNamespace`. */
export function serverHostAdmits(sh: ServerHost, host: string, vsNamespace: string): boolean {
  if (sh.namespace === '~') return false;
  if (sh.namespace !== '*' && sh.namespace !== vsNamespace) return false;
  return hostMatches(sh.host, host);
}

/** Strips a `:port` suffix from an authority. */
export function stripPort(authority: string): string {
  const m = /^(.*?)(:\d+)?$/.exec(authority);
  return m?.[1] ?? authority;
}
