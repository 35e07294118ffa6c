import type { FieldPath } from '../shared/path.js';
import type { Location, Resource } from './resource.js';

/**
 * Something wrong with the input itself (not with routing). The engine turns each into a diagnostic
 * from the catalog; `id` is a catalog key.
 */
export interface InputProblem {
  readonly id:
    | 'YamlSyntaxError'
    | 'DocumentNotAnObject'
    | 'ResourceIncomplete'
    | 'FileUnreadable'
    | 'NoResources'
    | 'NestedList'
    | 'InvalidFieldType'
    | 'DuplicateResource'
    | 'UnsupportedApiVersion'
    | 'ClusterListFailed'
    | 'VersionsAssumed'
    | 'InputAssumed';
  readonly data: Readonly<Record<string, string>>;
  /** Either a raw location (syntax errors), or a resource + path the engine locates. */
  readonly location?: Location;
  readonly resource?: Resource;
  readonly path?: FieldPath;
}
