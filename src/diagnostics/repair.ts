import type { Resource } from '../load/resource.js';
import type { FieldPath } from '../shared/path.js';

/**
 * One field change of a repair. `path` is a field of the resource; with `inner`, the field holds JSON
 * text (KServe's `ingress`) and the change is to the top-level key `inner.key` inside it.
 */
export type FieldEdit =
  | { readonly resource: Resource; readonly path: FieldPath; readonly op: 'set'; readonly value: unknown; readonly inner?: undefined }
  | { readonly resource: Resource; readonly path: FieldPath; readonly op: 'remove'; readonly inner?: undefined }
  | { readonly resource: Resource; readonly path: FieldPath; readonly op: 'set'; readonly inner: { readonly key: string }; readonly value: string };

/**
 * The one safe repair of a finding: the change that makes it go away without choosing between designs.
 * Rules attach one only when there is exactly one right answer; otherwise the fix text is a suggestion.
 */
export interface Repair {
  /** What the change does, one line. */
  readonly summary: string;
  readonly edits: readonly FieldEdit[];
}
