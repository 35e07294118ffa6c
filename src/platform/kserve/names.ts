import type { InferenceService } from '../../model/kserve.js';
import { behaves } from '../versions.js';

/**
 * The name KServe gives a component's Knative Service (and so its Route, revisions and Host):
 * `<isvc>-<component>`, or `<isvc>-<name>-predictor` for a predictor with spec.predictor.name (KServe ≥ 0.20,
 * pkg/constants/constants.go PredictorServiceName).
 */
export function componentServiceName(isvc: InferenceService, component: string, kserve: string | undefined): string {
  if (component === 'predictor' && isvc.predictorName && behaves('kserve-predictor-name', kserve ? { kserve } : {})) return `${isvc.name}-${isvc.predictorName}-predictor`;
  return `${isvc.name}-${component}`;
}
