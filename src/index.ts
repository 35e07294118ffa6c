/** Public library API: re-exports only. */
export { checkPaths, checkResources, type CheckOptions, type CheckResult } from './check.js';
export { loadSources, InputError, type LoadResult } from './load/sources.js';
export { parseManifestText } from './load/parse.js';
export type { Resource, Location } from './load/resource.js';
export { buildSnapshot } from './platform/build.js';
export { Snapshot } from './snapshot/snapshot.js';
export { runRules } from './engine/run.js';
export { defineRule, type Rule, type RuleContext } from './engine/define-rule.js';
export { rules } from './rules/index.js';
export { catalog, type CatalogKey, type Severity, type Symptom } from './diagnostics/catalog.js';
export type { Diagnostic } from './diagnostics/diagnostic.js';
export { formatText } from './report/text.js';
export { formatJson } from './report/json.js';
export { formatSarif } from './report/sarif.js';
