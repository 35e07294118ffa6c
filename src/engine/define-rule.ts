import type { Resource } from '../load/resource.js';
import type { CatalogKey } from '../diagnostics/catalog.js';
import type { FieldPath } from '../shared/path.js';
import type { Repair } from '../diagnostics/repair.js';
import type { Snapshot, ViewKind } from '../snapshot/snapshot.js';

export interface Report {
  readonly id: CatalogKey;
  readonly resource: Resource;
  /** Field path inside the resource; the engine turns it into file:line. */
  readonly path?: FieldPath;
  /** Path inside a field that holds YAML/JSON text (config-istio lists, KServe's `ingress` JSON). */
  readonly innerPath?: FieldPath;
  readonly data?: Readonly<Record<string, string>>;
  /** Other resources involved, shown as related locations. */
  readonly related?: readonly { readonly resource: Resource; readonly path?: FieldPath }[];
  /** The one safe repair, when there is one (`kgd fix` applies it); else the catalog's fix text is a suggestion. */
  readonly repair?: Repair;
  /**
   * When a controller owns the reported object and rewrites it (the Knative operator), the field the user owns
   * instead: the fix names it, and it is shown as a related location.
   */
  readonly owner?: { readonly resource: Resource; readonly path: FieldPath; readonly fix: string };
}

export interface RuleContext {
  readonly snapshot: Snapshot;
  report(report: Report): void;
  /** Says the rule could not check something because the input lacks it (reported once per reason). */
  skip(reason: string, needs: string): void;
}

export interface RuleMeta {
  /** Shown by `kgd rules`. */
  readonly description: string;
  /** The kinds the rule reads (documentation, and checked by the rule tester). */
  readonly inputs: readonly ViewKind[];
  /** The catalog keys the rule may report. */
  readonly emits: readonly CatalogKey[];
}

export interface Rule {
  /** kebab-case, equal to the file name in src/rules. */
  readonly id: string;
  readonly meta: RuleMeta;
  check(ctx: RuleContext): void;
}

export function defineRule(rule: Rule): Rule {
  return rule;
}
