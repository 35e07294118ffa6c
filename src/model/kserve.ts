import type { Resource } from '../load/resource.js';
import { EMPTY_MAP, type FieldReader } from './reader.js';
import type { FieldPath } from '../shared/path.js';
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
  /** spec.predictor.name (KServe ≥ 0.20 names the predictor `<isvc>-<name>-predictor`). */
  readonly predictorName: string | undefined;
  /**
   * `networking.knative.dev/visibility: cluster-local`: no external route. In Serverless mode KServe and Knative
   * read only Knative's label (`networking.kserve.io/visibility` is for raw deployments).
   */
  readonly clusterLocal: boolean;
  /** serving.kserve.io/deploymentMode annotation, if set. */
  readonly deploymentMode: string | undefined;
  /** status.deploymentMode: the mode KServe recorded (read first from 0.16). */
  readonly statusDeploymentMode: string | undefined;
  readonly conditions: readonly Condition[];
  /**
   * Per component, the port names of the containers KServe puts in its Knative Service, as written here:
   * `spec.<c>.containers`, else the one model/framework container; undefined when none declares ports (the
   * ServingRuntime's then apply, which kgd does not read).
   */
  readonly containerPorts: Readonly<Partial<Record<IsvcComponent, readonly (readonly string[])[]>>>;
  /** spec.<component>.serviceAccountName: the identity of that component's pods (Kubernetes' `default` when unset). */
  readonly serviceAccounts: Readonly<Partial<Record<IsvcComponent, string>>>;
}

/** The port names of each container of a component; undefined when no container declares a port. */
function componentContainerPorts(r: FieldReader, c: IsvcComponent): string[][] | undefined {
  const names = (p: FieldPath) => r.mapList([...p, 'ports'], (pp) => r.str([...pp, 'name']) ?? '') ?? [];
  const listed = r.mapList(['spec', c, 'containers'], (p) => names(p));
  if (listed && listed.length > 0) return listed.some((x) => x.length > 0) ? listed : undefined;
  const spec = r.obj(['spec', c]) ?? {};
  for (const key of Object.keys(spec)) {
    if (r.listLength(['spec', c, key, 'ports']) !== undefined) return [names(['spec', c, key])];
  }
  return undefined;
}

export function readInferenceService(r: FieldReader, namespace: string): InferenceService {
  const labels = r.strMap(['metadata', 'labels']) ?? EMPTY_MAP;
  const annotations = r.strMap(['metadata', 'annotations']) ?? EMPTY_MAP;
  const components = (['predictor', 'transformer', 'explainer'] as const).filter((c) => r.obj(['spec', c]) !== undefined);
  return {
    res: r.resource,
    namespace,
    name: r.resource.name,
    predictorName: r.str(['spec', 'predictor', 'name']) || undefined,
    labels,
    annotations,
    components,
    clusterLocal: labels['networking.knative.dev/visibility'] === 'cluster-local',
    deploymentMode: annotations['serving.kserve.io/deploymentMode'],
    statusDeploymentMode: r.str(['status', 'deploymentMode']) || undefined,
    conditions: readKnativeObject(r, namespace).conditions,
    containerPorts: Object.fromEntries(components.flatMap((c) => {
      const ports = componentContainerPorts(r, c);
      return ports ? [[c, ports]] : [];
    })),
    serviceAccounts: Object.fromEntries(components.flatMap((c) => {
      const sa = r.str(['spec', c, 'serviceAccountName']);
      return sa ? [[c, sa]] : [];
    })),
  };
}
