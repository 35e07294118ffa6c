/**
 * The version of each controller, read off the input: what the Knative operator says it installed, the
 * version labels and image tags of the controllers' Deployments and pods, Istio's revision label. Versions
 * given on the command line win; a component with no evidence is taken as the newest kgd models (and
 * `versionsAssumed` says so).
 */
import semver from 'semver';
import type { Resource } from '../load/resource.js';
import type { Workload } from '../model/core.js';
import type { ComponentVersions, Snapshot, VersionSource } from '../snapshot/snapshot.js';
import { displayName } from '../load/resource.js';
import { NEWEST, versionOf, type Component } from './versions.js';
import type { KnativeServing } from '../model/knative.js';

/** A version as semver (`v1.15.2` → `1.15.2`, `1.15` → `1.15.0`); undefined when it is not one. */
export function normalizeVersion(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  const m = /^v?(\d+)\.(\d+)(?:\.(\d+))?(?:[-+].*)?$/.exec(raw.trim());
  if (!m) return undefined;
  return semver.valid(`${m[1]}.${m[2]}.${m[3] ?? '0'}`) ?? undefined;
}

/** The tag of an image reference (`repo/name:tag[@digest]`), when it has one. */
function imageTag(image: string): string | undefined {
  const noDigest = image.split('@')[0]!;
  const slash = noDigest.lastIndexOf('/');
  const colon = noDigest.lastIndexOf(':');
  return colon > slash ? noDigest.slice(colon + 1) : undefined;
}

/** How an operator version read off a KnativeServing's Serving release is described (it is the newest of a range). */
const OPERATOR_ESTIMATE = 'the newest operator that installs the Serving release';

/** The operator minors (`x.y.0`) that install this Serving release: its own minor and the three after it. */
function operatorsInstalling(serving: string): string[] {
  const v = semver.coerce(serving)!;
  return [0, 1, 2, 3].map((i) => `${v.major}.${v.minor + i}.0`);
}

/**
 * The operator releases the input allows: the one kgd uses when it is known (given, or read off the operator's own
 * Deployment), else — when only a KnativeServing's Serving release says — every minor that installs it, up to the
 * one kgd took. `estimated` says which.
 */
export function operatorReleases(snapshot: Snapshot, ks: KnativeServing): { readonly versions: readonly string[]; readonly estimated: boolean } {
  const operator = versionOf('operator', snapshot.versions);
  const source = snapshot.versionSources.find((v) => v.component === 'operator');
  const serving = normalizeVersion(ks.statusVersion ?? ks.version);
  if (!source?.how.startsWith(OPERATOR_ESTIMATE) || !serving) return { versions: [operator], estimated: false };
  return { versions: operatorsInstalling(serving).filter((v) => semver.lte(v, operator)), estimated: true };
}

/** KFServing's last release (then renamed KServe, 0.7.0). */
export const KFSERVING_NEWEST = '0.6.1';

/** Image repositories (path suffixes) whose tag is a component's version. */
const IMAGES: readonly { readonly component: Component; readonly repo: RegExp }[] = [
  { component: 'serving', repo: /knative\.dev\/serving\/cmd\/(controller|activator|autoscaler|webhook)$/ },
  { component: 'netIstio', repo: /knative\.dev\/net-istio\/cmd\/(controller|webhook)$/ },
  { component: 'operator', repo: /knative\.dev\/operator\/cmd\/operator$/ },
  { component: 'kserve', repo: /(^|\/)kserve\/kserve-controller$/ },
  // KFServing, KServe's name before 0.7 (gcr.io/kfserving/kfserving-controller): the same release line.
  { component: 'kserve', repo: /(^|\/)kfserving\/kfserving-controller$/ },
  { component: 'istio', repo: /(^|\/)(pilot|proxyv2)$/ },
];

/** Deployments whose `app.kubernetes.io/version` (or release label) is a component's version. */
function labelComponent(w: Workload): Component | undefined {
  const name = w.res.name;
  const l = w.labels;
  const part = l['app.kubernetes.io/name'] ?? '';
  if (l['app.kubernetes.io/component'] === 'net-istio' || name === 'net-istio-controller' || name === 'net-istio-webhook') return 'netIstio';
  if (name === 'knative-operator' || part === 'knative-operator') return 'operator';
  if (name === 'kserve-controller-manager' || part === 'kserve') return 'kserve';
  if (name === 'istiod' || l['app'] === 'istiod') return 'istio';
  if (part === 'knative-serving' || (['controller', 'activator', 'autoscaler', 'webhook'].includes(name) && w.namespace === 'knative-serving')) return 'serving';
  return undefined;
}

/** Istio's revision label `1-24-3` (istioctl's revision naming) as a version; other revision names are not one. */
function revisionVersion(rev: string | undefined): string | undefined {
  const m = /^(\d+)-(\d+)(?:-(\d+))?$/.exec(rev ?? '');
  return m ? normalizeVersion(`${m[1]}.${m[2]}.${m[3] ?? '0'}`) : undefined;
}

/**
 * Every piece of version evidence in the input, strongest first per component: what the Knative operator
 * reports installed, image tags, version labels, Istio revision labels, then what a KnativeServing asks for
 * (Serving; net-istio follows Serving's minor; the operator is taken as the newest that installs it).
 */
export function versionEvidence(snapshot: Snapshot): VersionSource[] {
  const out: VersionSource[] = [];
  const add = (component: Component, raw: string | undefined, how: string, resource: Resource | undefined) => {
    const version = normalizeVersion(raw);
    if (version) out.push({ component, version, how, resource });
  };
  const kss = snapshot.list('KnativeServing');
  for (const ks of kss) add('serving', ks.statusVersion, `status.version of ${displayName(ks.res)}`, ks.res);
  for (const w of snapshot.list('Workload')) {
    for (const image of w.images) {
      const repo = image.split('@')[0]!.replace(/:[^/:]*$/, '');
      const hit = IMAGES.find((x) => x.repo.test(repo));
      if (hit) add(hit.component, imageTag(image), `image ${image} of ${displayName(w.res)}`, w.res);
    }
  }
  for (const w of snapshot.list('Workload')) {
    const c = labelComponent(w);
    if (!c) continue;
    add(c, w.labels['app.kubernetes.io/version'], `label app.kubernetes.io/version of ${displayName(w.res)}`, w.res);
    add(c, w.labels['serving.knative.dev/release'] ?? w.labels['networking.knative.dev/release'], `release label of ${displayName(w.res)}`, w.res);
  }
  for (const w of snapshot.list('Workload')) add('istio', revisionVersion(w.labels['istio.io/rev']), `label istio.io/rev of ${displayName(w.res)}`, w.res);
  // An InferenceService of the old API group is KFServing's: at most its last release, 0.6.1.
  const kf = snapshot.list('InferenceService').find((i) => i.res.group === 'serving.kubeflow.org');
  if (kf) add('kserve', KFSERVING_NEWEST, `the newest KFServing release (${displayName(kf.res)} is serving.kubeflow.org)`, kf.res);
  for (const ks of kss) {
    add('serving', ks.version, `spec.version of ${displayName(ks.res)}`, ks.res);
    const asked = normalizeVersion(ks.statusVersion ?? ks.version);
    if (asked) {
      const minor = `${semver.major(asked)}.${semver.minor(asked)}.0`;
      add('netIstio', minor, `the Serving release ${displayName(ks.res)} runs (net-istio is released with it)`, ks.res);
      // An operator installs its own Serving minor and the three before it: the newest that can run this one.
      const newestOperator = operatorsInstalling(asked).at(-1)!;
      const capped = semver.lt(newestOperator, NEWEST.operator) ? newestOperator : NEWEST.operator;
      add('operator', capped, `${OPERATOR_ESTIMATE} ${displayName(ks.res)} runs (it installs its own minor and the three before)`, ks.res);
    }
  }
  return out;
}

/** The version kgd uses per component: given on the command line, else the strongest evidence in the input. */
export function resolveVersions(snapshot: Snapshot, given: ComponentVersions): VersionSource[] {
  const out: VersionSource[] = [];
  const evidence = versionEvidence(snapshot);
  for (const component of ['serving', 'netIstio', 'operator', 'kserve', 'istio'] as const) {
    const g = given[component];
    if (g !== undefined) out.push({ component, version: g, how: '--versions', resource: undefined });
    else {
      const e = evidence.find((x) => x.component === component);
      if (e) out.push(e);
    }
  }
  return out;
}

const NAMES: Readonly<Record<Component, string>> = { serving: 'Knative Serving', netIstio: 'net-istio', operator: 'the Knative operator', kserve: 'KServe', istio: 'Istio' };
const FLAG: Readonly<Record<Component, string>> = { serving: 'knative', netIstio: 'net-istio', operator: 'operator', kserve: 'kserve', istio: 'istio' };

/** The components whose behaviour this input depends on: their objects (or the objects they act on) are in it. */
export function relevantComponents(snapshot: Snapshot): Component[] {
  const cms = snapshot.list('ConfigMap');
  const knativeConfig = cms.some((c) => ['config-istio', 'config-domain', 'config-network'].includes(c.name));
  const isvcs = snapshot.list('InferenceService').length > 0;
  const ks = snapshot.list('KnativeServing').length > 0;
  const out: Component[] = [];
  if (knativeConfig || ks || isvcs) out.push('serving', 'netIstio');
  if (ks) out.push('operator');
  if (isvcs || cms.some((c) => c.name === 'inferenceservice-config')) out.push('kserve');
  if (snapshot.list('Gateway').length > 0 || snapshot.list('VirtualService').length > 0) out.push('istio');
  return out;
}

/** What to say about versions, once: the relevant components kgd found no version for (assumed the newest). */
export function assumedVersionsProblem(snapshot: Snapshot, newest: Readonly<Record<Component, string>>): { assumed: string; detected: string; example: string } | undefined {
  const known = new Set(snapshot.versionSources.map((x) => x.component));
  const assumed = relevantComponents(snapshot).filter((c) => !known.has(c));
  if (assumed.length === 0) return undefined;
  const detected = snapshot.versionSources.map((x) => `${NAMES[x.component]} ${x.version} (${x.how})`);
  return {
    assumed: assumed.map((c) => `${NAMES[c]} (${newest[c]})`).join(', '),
    detected: detected.length > 0 ? detected.join('; ') : 'nothing',
    example: assumed.map((c) => `${FLAG[c]}=${newest[c]!.split('.').slice(0, 2).join('.')}`).join(','),
  };
}
