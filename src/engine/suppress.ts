/**
 * Suppressions, as linters have them: an annotation on the resource (`kgd.io/ignore`, Istio's
 * `galley.istio.io/analyze-suppress` for the codes that mirror Istio's analyzer), `--ignore CODE[=Kind ns/name]`,
 * and the `ignore` list of a project file (.kgd.yaml). A suppressed finding is not reported; it is counted, and
 * listed with --show-suppressed.
 */
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { Resource } from '../load/resource.js';

/** Istio analyzer codes and the kgd codes that report the same behaviour (README: "Istio analyzer → kgd code"). */
export const ISTIO_CODES: Readonly<Record<string, readonly string[]>> = {
  IST0101: ['KGD1401', 'KGD1501', 'KGD1505'], // ReferencedResourceNotFound: a Gateway selector, a VirtualService's gateway or destination host
  IST0132: ['KGD1502'], // VirtualServiceHostNotFoundInGateway
  IST0145: ['KGD1407'], // ConflictingGateways
  IST0162: ['KGD1411'], // GatewayPortNotDefinedOnService
  IST0112: ['KGD1506'], // VirtualServiceDestinationPortSelectorRequired
};

/** One `--ignore` or project-file entry: a code, optionally only on one resource (`Kind namespace/name`). */
export interface IgnoreEntry {
  readonly code: string;
  readonly resource: string | undefined;
  readonly source: string;
}

export class IgnoreSyntaxError extends Error {}

/** `KGD1404` or `KGD1404=Service istio-system/knative-local-gateway`. */
export function parseIgnore(spec: string, source: string): IgnoreEntry {
  const m = /^\s*(KGD\d{4})\s*(?:=\s*([A-Za-z]+)\s+([^\s/]+\/)?([^\s/]+)\s*)?$/i.exec(spec);
  if (!m) throw new IgnoreSyntaxError(`${source}: an ignore entry is CODE or CODE=Kind namespace/name (e.g. KGD1404=Service istio-system/knative-local-gateway), not "${spec}"`);
  const resource = m[2] ? `${m[2]} ${m[3] ?? ''}${m[4]}` : undefined;
  return { code: m[1]!.toUpperCase(), resource, source };
}

export interface Suppression {
  readonly by: string;
  readonly reason: string | undefined;
}

/** Why a finding is suppressed, if it is: the resource's annotations first, then the entries. */
export function suppressionOf(d: Diagnostic, res: Resource | undefined, entries: readonly IgnoreEntry[]): Suppression | undefined {
  const ig = res?.ignore;
  if (ig) {
    if (ig.codes.includes(d.code) || ig.codes.includes('*')) return { by: 'annotation kgd.io/ignore', reason: ig.reason };
    const ist = ig.istio.find((c) => c === '*' ? Object.values(ISTIO_CODES).some((ks) => ks.includes(d.code)) : (ISTIO_CODES[c] ?? []).includes(d.code));
    if (ist) return { by: `annotation galley.istio.io/analyze-suppress (${ist})`, reason: ig.reason };
  }
  const e = entries.find((x) => x.code === d.code && (x.resource === undefined || x.resource === d.resource));
  return e ? { by: e.source, reason: undefined } : undefined;
}

/** A suppressed finding, with why. */
export type SuppressedDiagnostic = Diagnostic & { readonly suppressed: Suppression };
