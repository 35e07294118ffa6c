import type { Resource } from '../load/resource.js';
import { EMPTY_MAP, type FieldReader } from './reader.js';
import type { Labels } from './label-selector.js';
import { readKnativeObject, type Condition } from './knative.js';

export type IsvcComponent = 'predictor' | 'transformer' | 'explainer';

export interface InferenceService {
  readonly res: Resource;
  readonly namespace: string;
  readonly name: string;
  readonly labels: Labels;
  readonly annotations: Labels;
  readonly components: readonly IsvcComponent[];
  /** `networking.kserve.io/visibility: cluster-local` (or Knative's label): no external route. */
  readonly clusterLocal: boolean;
  /** serving.kserve.io/deploymentMode annotation, if set. */
  readonly deploymentMode: string | undefined;
  readonly conditions: readonly Condition[];
}

export function readInferenceService(r: FieldReader, namespace: string): InferenceService {
  const labels = r.strMap(['metadata', 'labels']) ?? EMPTY_MAP;
  const annotations = r.strMap(['metadata', 'annotations']) ?? EMPTY_MAP;
  const components = (['predictor', 'transformer', 'explainer'] as const).filter((c) => r.obj(['spec', c]) !== undefined);
  return {
    res: r.resource,
    namespace,
    name: r.resource.name,
    labels,
    annotations,
    components,
    clusterLocal:
      labels['networking.kserve.io/visibility'] === 'cluster-local' || labels['networking.knative.dev/visibility'] === 'cluster-local',
    deploymentMode: annotations['serving.kserve.io/deploymentMode'],
    conditions: readKnativeObject(r, namespace).conditions,
  };
}
