import { displayName, type Resource } from '../load/resource.js';
import { makeDerived } from '../load/derived.js';
import { applyOperator, operatorMayRewrite } from './knative/operator.js';
import { viewPreparer } from '../snapshot/views.js';
import { knativeServingOf } from './knative/effective.js';
import { DEFAULT_GATEWAY_SELECTOR, shippedGateway, shippedLocalService } from './knative/shipped.js';
import { Snapshot, type SnapshotOptions } from '../snapshot/snapshot.js';
import { deriveKServe } from './kserve/derive.js';
import { deriveKnative } from './knative/derive.js';
import { assumedVersionsProblem, resolveVersions } from './detect-versions.js';
import { INSTALL_DEFAULT, installDefaults, istioOperatorObjects } from './install-defaults.js';
import { NEWEST } from './versions.js';

const ASSUMED = 'upstream default assumed by --assume-defaults';

/** The loader hook for input that goes into one snapshot: views read early, objects dropped but those the operator rewrites. */
export const prepareView = viewPreparer(operatorMayRewrite);

/**
 * Builds the snapshot as the cluster would look once the controllers that own gateway resources have
 * acted, at the versions the input shows (or is given): the Knative operator's installs and selector rewrites
 * for a KnativeServing; with `assumeDefaults`, net-istio's shipped local Gateway and Service where the input
 * has neither; unless `complete`, what a default install has and the input relies on (install-defaults.ts);
 * with `deriveControllers`, what KServe and Knative create per InferenceService.
 */
export function buildSnapshot(resources: readonly Resource[], given: SnapshotOptions = {}): Snapshot {
  const first = new Snapshot(resources, given);
  // The versions: given ones win, the rest are read off the input (absent: the newest kgd models).
  const sources = resolveVersions(first, given.versions ?? {});
  first.withVersions(sources);
  const versionsAssumed = assumedVersionsProblem(first, NEWEST);
  if (versionsAssumed) first.withProblems([...first.problems, { id: 'VersionsAssumed', data: versionsAssumed }]);
  const options: SnapshotOptions = { ...given, versions: first.versions };
  // Each later pass re-indexes more resources; input problems and versions were found on the first.
  const rebuild = (list: readonly Resource[], problems = first.problems) => new Snapshot(list, options).withProblems(problems).withVersions(sources);
  let effective: Resource[] | undefined;
  // What was assumed, said once (KGD0013): --assume-defaults' upstream defaults, and a default install's objects.
  const assumed: string[] = [];
  const ks = knativeServingOf(first);
  if (ks) effective = applyOperator(first.resources, ks, options.versions);
  if (options.assumeDefaults) {
    if (!ks && !first.list('ConfigMap').some((c) => c.name === 'config-istio')) assumed.push('ConfigMap knative-serving/config-istio (net-istio\'s defaults)');
    if (!first.list('ConfigMap').some((c) => c.name === 'inferenceservice-config')) assumed.push('ConfigMap kserve/inferenceservice-config (KServe\'s shipped ingress settings)');
  }
  if (options.assumeDefaults && !ks) {
    const list = [...first.resources];
    const hasGw = first.get('Gateway', 'knative-serving', 'knative-local-gateway');
    const hasSvc = first.get('Service', 'istio-system', 'knative-local-gateway');
    if (!hasGw) list.push(makeDerived(shippedGateway('local', 'knative-serving', DEFAULT_GATEWAY_SELECTOR), ASSUMED));
    if (!hasSvc) list.push(makeDerived(shippedLocalService('istio-system', DEFAULT_GATEWAY_SELECTOR, options.versions ?? {}), ASSUMED));
    if (!hasGw || !hasSvc) effective = list;
    if (!hasGw) assumed.push('Gateway knative-serving/knative-local-gateway');
    if (!hasSvc) assumed.push('Service istio-system/knative-local-gateway');
  }
  let current = effective ? rebuild(effective) : first;
  // Partial input: what every default install has and this input relies on without showing is assumed.
  if (!options.complete) {
    const defaults = installDefaults(current);
    // The gateways an IstioOperator in the input installs (Istio's installer decides which exist).
    const rendered = istioOperatorObjects(current).map((o) => makeDerived(o.object, o.why));
    if (defaults.length > 0 || rendered.length > 0) {
      const made = defaults.map((o) => makeDerived(o, INSTALL_DEFAULT));
      assumed.push(...made.map(displayName), ...rendered.map((r) => `${displayName(r)} (from its IstioOperator)`));
      current = rebuild([...current.resources, ...made, ...rendered]);
    }
  }
  // Only the problems change: `current` (the first snapshot or a rebuild, both with the first's problems) takes them.
  if (assumed.length > 0) current = current.withProblems([...first.problems, { id: 'InputAssumed' as const, data: { objects: assumed.join(', ') } }]);
  if (options.deriveControllers) {
    const extra = [...deriveKServe(current), ...deriveKnative(current)];
    if (extra.length > 0) current = rebuild([...current.resources, ...extra], current.problems);
  }
  return current;
}

/**
 * This snapshot plus what KServe and Knative create per InferenceService (what `buildSnapshot` adds with
 * `deriveControllers`), for rules that follow requests the way trace does. Built once per snapshot.
 */
export function withControllers(s: Snapshot): Snapshot {
  return s.memo('with-controllers', () => {
    const extra = [...deriveKServe(s), ...deriveKnative(s)];
    if (extra.length === 0) return s;
    return new Snapshot([...s.resources, ...extra], { ...s.options, versions: s.versions }).withProblems(s.problems).withVersions(s.versionSources);
  });
}
