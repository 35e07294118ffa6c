import type { Location } from '../load/resource.js';
import type { Repair } from './repair.js';
import { catalog, render, type CatalogKey, type Severity, type Symptom } from './catalog.js';

export interface RelatedLocation {
  readonly resource: string;
  readonly location: Location | undefined;
}

/** One finding, fully rendered: what every formatter prints. */
export interface Diagnostic {
  readonly id: CatalogKey;
  readonly code: string;
  readonly severity: Severity;
  readonly symptom: Symptom;
  readonly message: string;
  readonly fix: string;
  /** The rule that reported it, or 'input' for problems with the input itself. */
  readonly rule: string;
  /** `Kind namespace/name`, when the finding is about a resource. */
  readonly resource: string | undefined;
  /** `.spec.servers[0].hosts` */
  readonly path: string | undefined;
  readonly location: Location | undefined;
  /** Set when the resource was derived by kgd (e.g. installed by the Knative operator). */
  readonly derivedFrom: string | undefined;
  readonly related: readonly RelatedLocation[];
  readonly data: Readonly<Record<string, string>>;
  /** The one safe repair (kgd fix); not part of the JSON report. */
  readonly repair?: Repair;
}

export const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

export function makeDiagnostic(
  id: CatalogKey,
  data: Readonly<Record<string, string>>,
  where: Pick<Diagnostic, 'rule' | 'resource' | 'path' | 'location' | 'derivedFrom' | 'related' | 'repair'>,
  severity?: Severity,
): Diagnostic {
  const def = catalog[id];
  return {
    id,
    code: def.code,
    severity: severity ?? def.severity,
    symptom: def.symptom,
    message: render(def.message, data),
    fix: render(def.fix, data),
    data,
    ...where,
  };
}

function cmp(a: string | number | undefined, b: string | number | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return 1;
  if (b === undefined) return -1;
  return a < b ? -1 : 1;
}

/** Deterministic order: by file, line, column, then code and message; exact duplicates removed. */
export function sortDiagnostics(diags: readonly Diagnostic[]): Diagnostic[] {
  const sorted = [...diags].sort(
    (a, b) =>
      cmp(a.location?.file, b.location?.file) ||
      cmp(a.location?.line, b.location?.line) ||
      cmp(a.location?.column, b.location?.column) ||
      cmp(a.resource, b.resource) ||
      cmp(a.code, b.code) ||
      cmp(a.message, b.message),
  );
  const seen = new Set<string>();
  return sorted.filter((d) => {
    const k = `${d.code}|${d.resource}|${d.path}|${d.message}|${d.location?.file}:${d.location?.line}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
