import type { Resource } from '../../load/resource.js';
import type { FieldPath } from '../../shared/path.js';
import type { Hop, Outcome, TraceResult } from '../types.js';

/**
 * What a trace stage gets from the driver (src/trace/simulate.ts): the hops so far, where a hop points in the
 * input, and how to end the trace with an outcome. A stage returns a finished result when the request stops
 * there, else undefined (its hops are added and the driver goes on).
 */
export interface StageContext {
  readonly hops: Hop[];
  at(r: Resource, path?: FieldPath): Pick<Hop, 'resource' | 'path' | 'location' | 'derivedFrom'>;
  finish(outcome: Outcome, verdict: string, fix?: string): TraceResult;
}
