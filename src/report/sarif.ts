import { createHash } from 'node:crypto';
import { catalog, type CatalogKey } from '../diagnostics/catalog.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { SuppressedDiagnostic } from '../engine/suppress.js';
import { HOMEPAGE, VERSION } from './version.js';

const LEVEL = { error: 'error', warning: 'warning', info: 'note' } as const;

/**
 * A fingerprint that survives edits elsewhere in the file (no line or column): the code, the resource, the field
 * and what the finding says about them (its data), or for an input problem its file and message. GitHub code
 * scanning matches results across runs by it, so a finding is not "new" because a line moved.
 */
export function fingerprint(d: Diagnostic): string {
  const data = Object.keys(d.data).sort().map((k) => `${k}=${d.data[k]}`).join('\u0000');
  const what = d.resource ? `${d.resource}\u0000${d.path ?? ''}\u0000${data}` : `${d.location ? uri(d.location.file) : ''}\u0000${d.message}`;
  return createHash('sha256').update(`${d.code}\u0000${what}`).digest('hex').slice(0, 32);
}

function uri(file: string): string {
  return file.split('\\').join('/').replace(/^\.\//, '');
}

/** SARIF 2.1.0, one run; every catalog entry is a reportingDescriptor so viewers can show the docs. */
export function formatSarif(diags: readonly Diagnostic[], suppressed: readonly SuppressedDiagnostic[] = []): string {
  const keys = (Object.keys(catalog) as CatalogKey[]).sort((a, b) => catalog[a].code.localeCompare(catalog[b].code));
  const index = new Map(keys.map((k, i) => [k, i]));
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'kgd',
            fullName: 'KServe Gateway Doctor',
            version: VERSION,
            informationUri: HOMEPAGE,
            rules: keys.map((k) => ({
              id: catalog[k].code,
              name: k,
              shortDescription: { text: catalog[k].title },
              fullDescription: { text: catalog[k].description },
              help: { text: `See docs/rules/${catalog[k].code}.md in the package, or run: kgd explain ${catalog[k].code}` },
              defaultConfiguration: { level: LEVEL[catalog[k].severity] },
              properties: { symptom: catalog[k].symptom },
            })),
          },
        },
        results: [...diags, ...suppressed].map((d) => ({
          ruleId: d.code,
          ruleIndex: index.get(d.id),
          level: LEVEL[d.severity],
          message: { text: `${d.message} Fix: ${d.fix}` },
          locations: d.location
            ? [{
                physicalLocation: { artifactLocation: { uri: uri(d.location.file) }, region: { startLine: d.location.line, startColumn: d.location.column } },
                ...(d.resource ? { logicalLocations: [{ fullyQualifiedName: `${d.resource}${d.path ?? ''}`, kind: 'resource' }] } : {}),
              }]
            : d.resource ? [{ logicalLocations: [{ fullyQualifiedName: `${d.resource}${d.path ?? ''}`, kind: 'resource' }] }] : [],
          relatedLocations: d.related
            .filter((r) => r.location)
            .map((r, i) => ({ id: i, message: { text: r.resource }, physicalLocation: { artifactLocation: { uri: uri(r.location!.file) }, region: { startLine: r.location!.line, startColumn: r.location!.column } } })),
          partialFingerprints: { 'kgdFinding/v1': fingerprint(d) },
          properties: { symptom: d.symptom, rule: d.rule, fix: d.fix },
          // SARIF's own way to carry a suppressed result (viewers hide it): in source for annotations, else external.
          ...('suppressed' in d ? { suppressions: [{ kind: (d as SuppressedDiagnostic).suppressed.by.startsWith('annotation') ? 'inSource' : 'external', justification: `${(d as SuppressedDiagnostic).suppressed.by}${(d as SuppressedDiagnostic).suppressed.reason ? `: ${(d as SuppressedDiagnostic).suppressed.reason}` : ''}` }] } : {}),
        })),
      },
    ],
  };
  return JSON.stringify(log, null, 2) + '\n';
}
