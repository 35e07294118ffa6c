import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { SuppressedDiagnostic } from '../engine/suppress.js';
import { VERSION } from './version.js';

/** Schema version of `kgd check -o json`; bumped only on incompatible changes (see docs/json-output.md). */
export const JSON_SCHEMA_VERSION = 1;

export function formatJson(diags: readonly Diagnostic[], extra: { readonly files?: readonly string[]; readonly resources?: number; readonly suppressed?: readonly SuppressedDiagnostic[]; readonly showSuppressed?: boolean } = {}): string {
  const n = (s: string) => diags.filter((d) => d.severity === s).length;
  return JSON.stringify(
    {
      schemaVersion: JSON_SCHEMA_VERSION,
      tool: { name: 'kgd', version: VERSION },
      summary: { errors: n('error'), warnings: n('warning'), infos: n('info'), files: extra.files?.length ?? 0, resources: extra.resources ?? 0, ...(extra.suppressed?.length ? { suppressed: extra.suppressed.length } : {}) },
      diagnostics: diags.map((d) => ({
        code: d.code,
        id: d.id,
        severity: d.severity,
        symptom: d.symptom,
        rule: d.rule,
        message: d.message,
        fix: d.fix,
        resource: d.resource ?? null,
        path: d.path ?? null,
        location: d.location ?? null,
        related: d.related,
        derivedFrom: d.derivedFrom ?? null,
        data: d.data,
      })),
      ...(extra.showSuppressed && extra.suppressed?.length ? { suppressed: extra.suppressed.map((d) => ({ code: d.code, resource: d.resource ?? null, path: d.path ?? null, location: d.location ?? null, message: d.message, by: d.suppressed.by, reason: d.suppressed.reason ?? null })) } : {}),
    },
    null,
    2,
  ) + '\n';
}
