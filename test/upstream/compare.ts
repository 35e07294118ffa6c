import { PROBE_HASH_VALUE } from '../../src/platform/knative/derive.js';

/** JSON with sorted keys, without null/empty values (Go's omitempty), `retries: {}` kept (net-istio sets it on purpose). */
export function canonical(v: unknown, key = ''): unknown {
  if (Array.isArray(v)) return v.map((x) => canonical(x));
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) {
      const c = canonical((v as Record<string, unknown>)[k], k);
      if (c === null || c === undefined || c === '' || (Array.isArray(c) && c.length === 0) || (typeof c === 'object' && !Array.isArray(c) && Object.keys(c as object).length === 0 && k !== 'retries')) continue;
      out[k] = c;
    }
    return out;
  }
  if (key === 'K-Network-Hash' && typeof v === 'string' && /^[0-9a-f]{64}$/.test(v)) return PROBE_HASH_VALUE;
  return v;
}

export const same = (a: unknown, b: unknown) => JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));

