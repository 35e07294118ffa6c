/**
 * Whether KServe runs an InferenceService on Knative (the path kgd checks), as KServe's GetDeploymentMode decides
 * (pkg/controller/v1beta1/inferenceservice/utils/utils.go): the `serving.kserve.io/deploymentMode` annotation when
 * it is exactly one of the modes the release knows, else `deploy.defaultDeploymentMode` of inferenceservice-config
 * (KServe ships "Serverless"); from 0.16 a mode recorded in `status.deploymentMode` comes first. From 0.16 "Knative" and "Standard" are the names, and "Serverless"/"RawDeployment" are
 * read as them (version row kserve-deployment-mode-knative). A value in another case ("serverless") is not a mode:
 * the default applies.
 */
import type { InferenceService } from '../../model/kserve.js';
import type { Snapshot } from '../../snapshot/snapshot.js';
import { behaves } from '../versions.js';
import { INFERENCESERVICE_CONFIG } from './ingress-config.js';

function knative(s: Snapshot, mode: string): boolean {
  return mode === 'Serverless' || (mode === 'Knative' && behaves('kserve-deployment-mode-knative', s.versions));
}

function known(s: Snapshot, mode: string): boolean {
  const names = ['Serverless', 'RawDeployment', 'ModelMesh', ...(behaves('kserve-deployment-mode-knative', s.versions) ? ['Knative', 'Standard'] : [])];
  return names.includes(mode);
}

/** inferenceservice-config's `deploy.defaultDeploymentMode` (Go's JSON reads keys case-insensitively); KServe's default. */
function defaultMode(s: Snapshot): string {
  return s.memo('kserve-default-deployment-mode', () => {
    const cm = s.list('ConfigMap').find((c) => c.name === INFERENCESERVICE_CONFIG && typeof c.data['deploy'] === 'string');
    if (!cm) return 'Serverless';
    try {
      const v = JSON.parse(cm.data['deploy']!) as Record<string, unknown>;
      const key = Object.keys(v).find((k) => k.toLowerCase() === 'defaultdeploymentmode');
      return key && typeof v[key] === 'string' ? (v[key] as string) : 'Serverless';
    } catch {
      return 'Serverless';
    }
  });
}

/** Whether KServe serves this InferenceService through Knative. */
export function isKnativeMode(s: Snapshot, isvc: InferenceService): boolean {
  // From 0.16 the mode recorded in the status comes first, as it is.
  if (isvc.statusDeploymentMode && behaves('kserve-deployment-mode-knative', s.versions)) return knative(s, isvc.statusDeploymentMode);
  const a = isvc.deploymentMode;
  return knative(s, a !== undefined && known(s, a) ? a : defaultMode(s));
}
