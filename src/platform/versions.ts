/**
 * Controllers change behaviour between releases. Every behaviour kgd models by version is one row here,
 * with the upstream change that introduced or removed it; `behaves(id, versions)` says whether it applies.
 * Rows checked by running the upstream code on both sides of the boundary say so in `checkedBy`.
 */
import semver from 'semver';
import type { ComponentVersions } from '../snapshot/snapshot.js';

export type Component = 'netIstio' | 'kserve' | 'serving' | 'operator' | 'istio';

/** The version of each component kgd assumes when the input does not say (the newest it models). */
export const NEWEST: Readonly<Record<Component, string>> = {
  netIstio: '1.21.1',
  kserve: '0.20.0',
  serving: '1.21.1',
  operator: '1.23.0',
  istio: '1.29.1',
};

export interface Behaviour {
  readonly component: Component;
  /** First version with the behaviour (inclusive); absent: since the beginning. */
  readonly since?: string;
  /** First version without it (exclusive); absent: still there. */
  readonly until?: string;
  /** Patch releases of older minors that got the change ending it (backports): from each, on its minor, it is gone. */
  readonly backportedTo?: readonly string[];
  /** Another component's release it also needs (e.g. the manifests an operator installs). */
  readonly requires?: { readonly component: Component; readonly since: string };
  readonly what: string;
  /** The upstream change (PR, commit, file) that moved the boundary. */
  readonly change: string;
  /** The versions at which upstream code itself was run against kgd for this row (test/upstream.test.ts). */
  readonly checkedBy?: readonly string[];
}

export const BEHAVIOURS = {
  'net-istio-config-list-format': {
    component: 'netIstio', since: '1.14.0',
    what: 'config-istio `local-gateways`/`external-gateways` YAML lists (with labelSelector) besides the legacy `local-gateway.<ns>.<name>` keys, never both; every entry validated (namespace, name, service, selector); before, only the legacy keys are read and only their service is checked.',
    change: 'knative-extensions/net-istio#1247 and #1250 (commits 708e6d3bc, 52c9a7abe), pkg/reconciler/ingress/config/istio.go',
    checkedBy: ['net-istio 1.2.0', 'net-istio 1.21.1'],
  },
  'net-istio-knative-local-gateway-added': {
    component: 'netIstio', since: '0.18.0',
    what: "net-istio's code default for the local gateways (config-istio without `local-gateway.*` keys) includes `knative-serving/knative-local-gateway` (Service `knative-local-gateway.knative-serving`) after `cluster-local-gateway`; before, `knative-serving/cluster-local-gateway` (Service `cluster-local-gateway.istio-system`, Gateway on port 80 for pods `istio: cluster-local-gateway`) alone.",
    change: 'knative-extensions/net-istio#237 (commit 8b5fec171), pkg/reconciler/ingress/config/istio.go defaultLocalGateways (read at v0.17.0 and v0.18.0)',
  },
  'net-istio-knative-local-gateway-default': {
    component: 'netIstio', since: '0.19.0',
    what: "the default local gateway is `knative-serving/knative-local-gateway` alone, its Service `knative-local-gateway.istio-system` (port 80 to the pods' 8081, `istio: ingressgateway`); `cluster-local-gateway` is no longer a default (and no longer shipped from 0.20, net-istio#411).",
    change: 'knative-extensions/net-istio#252 and #388 (commits 5d589c2fc, 4c058cd0d), pkg/reconciler/ingress/config/istio.go defaultLocalGateways (read at v0.18.0 and v0.19.0)',
  },
  'net-istio-local-service-https-port': {
    component: 'netIstio', since: '1.14.0',
    what: "net-istio's `knative-local-gateway` Service has port 443 → 8444 (cluster-local TLS, SNI) besides 80 → 8081; before, port 80 only.",
    change: 'knative-extensions/net-istio#1228 (commit 83db16515), config/203-local-gateway.yaml',
    checkedBy: ['Knative operator 1.12.0 (Serving 1.12)', 'Knative operator 1.23.0 (Serving 1.21)'],
  },
  'net-istio-mesh-gateway-kept': {
    component: 'netIstio', since: '1.5.0',
    what: 'a legacy local gateway named `mesh` is a gateway like any other; before, net-istio dropped it (the removed `local-gateway.mesh: "mesh"` option).',
    change: 'knative-extensions/net-istio#915 (commit e70cb9dd4)',
    checkedBy: ['net-istio 1.2.0', 'net-istio 1.21.1'],
  },
  'net-istio-empty-list-means-none': {
    component: 'netIstio', since: '1.22.0',
    what: '`local-gateways: "[]"` (and external) is an empty list — mesh-only when both are; before, an empty list gets the code default.',
    change: 'knative-extensions/net-istio#1524 (commit 526538171)',
    checkedBy: ['net-istio 1.21.1'],
  },
  'operator-structured-gateway-namespace': {
    component: 'operator', since: '1.21.0',
    what: "the Knative operator puts the `knative-local-gateway` Service in the `namespace` of the structured `local-gateways` entry named knative-local-gateway (spec.config `istio`, then `config-istio`); before, only the legacy `local-gateway.<ns>.knative-local-gateway` value's namespace moved it from istio-system.",
    change: 'knative/operator#2217 (fixes #2201, commit 78678ff6d), pkg/reconciler/knativeserving/ingress/ingress_service.go',
    checkedBy: ['Knative operator 1.23.0'],
  },
  'operator-local-service-selector': {
    component: 'operator', since: '1.8.0',
    what: 'the Knative operator applies `spec.ingress.istio.knative-local-gateway.selector` to the `knative-local-gateway` **Service** as well as to the Gateway; before, the Service keeps net-istio\'s `istio: ingressgateway`, so with custom gateway pods the local Service selects none (knative/operator#1206, #831).',
    change: 'knative/operator#1231 (commit 9e30a5262), pkg/reconciler/knativeserving/ingress/ingress_service.go',
    checkedBy: ['Knative operator 1.7.0', 'Knative operator 1.23.0'],
  },
  'operator-gateway-override-skipped': {
    component: 'operator', since: '1.10.0', until: '1.13.0', backportedTo: ['1.10.8', '1.11.12'], requires: { component: 'serving', since: '1.10.0' },
    what: 'the Knative operator\'s Gateway transformer matches only `networking.istio.io/v1alpha3` Gateways while the net-istio manifests it installs for Serving ≥ 1.10 ship `v1beta1` ones, so `spec.ingress.istio.<gateway>.selector` and `servers` reach no Gateway: they keep `istio: ingressgateway` (knative/operator#1469). Fixed in 1.13.0 and backported to 1.10.8 and 1.11.12.',
    change: 'knative/operator#1628 (commit 5e2d097c7; backports #1651, #1650), pkg/reconciler/knativeserving/ingress/istio.go gatewayTransform',
    checkedBy: ['Knative operator 1.12.0', 'Knative operator 1.23.0'],
  },
  'serving-default-domain-cluster-local': {
    component: 'serving', since: '1.8.0',
    what: 'with no default entry in config-domain, routes get the domain `svc.cluster.local`, so they are cluster-local (no ExternalIP rule, not on the ingress gateway); before, they get `example.com` and an external rule `<route>.<ns>.example.com`.',
    change: 'knative/serving#13259 (fixes #13182), pkg/reconciler/route/config/domain.go DefaultDomain',
    checkedBy: ['Knative Serving 1.7.0', 'Knative Serving 1.10.0'],
  },
  'serving-default-domain-follows-cluster-domain': {
    component: 'serving', since: '1.11.0',
    what: "the default domain is `svc.<cluster-domain>` (the cluster's DNS domain); before, it is `svc.cluster.local` whatever the cluster domain, so on a cluster with another domain routes without a config-domain default are external, at `<route>.<ns>.svc.cluster.local`.",
    change: 'knative/serving#13964 (fixes #13955), pkg/reconciler/route/config/domain.go DefaultDomain = "svc." + network.GetClusterDomainName()',
    checkedBy: ['Knative Serving 1.10.0', 'Knative Serving 1.17.0 (as pinned by KServe 0.16.0)'],
  },
  'serving-activator-service-account': {
    component: 'serving', since: '1.11.0',
    what: "the activator runs as ServiceAccount `activator` (principal `<trust-domain>/ns/knative-serving/sa/activator`); before, as `controller`, like the controller. AuthorizationPolicies that admit the activator by principal must name the one of the running release.",
    change: 'knative/serving#14133 (fixes part of #13857), config/core/deployments/activator.yaml serviceAccountName (read in the knative.dev/serving module at v0.37.0 = 1.10 and v0.38.0 = 1.11)',
  },
  'net-istio-webhook-object-selector': {
    component: 'netIstio', since: '1.3.0',
    what: "net-istio's config validation webhook selects ConfigMaps by their labels (`app.kubernetes.io/name: knative-serving`, `app.kubernetes.io/component: net-istio`); before, by a namespaceSelector (`serving.knative.dev/release` exists on the namespace), so the ConfigMap's own labels do not matter (KGD1111 does not apply).",
    change: 'knative-extensions/net-istio#868, config/600-validating-webhook.yaml (read in net-istio 1.2.0 and 1.21.1)',
  },
  'kfserving-local-gateway-hard-coded': {
    component: 'kserve', until: '0.5.0',
    what: "KFServing binds its VirtualService to `knative-serving/cluster-local-gateway` and points the InferenceService's ExternalName at `cluster-local-gateway.istio-system.svc.<cluster-domain>` whatever the `ingress` JSON says (`localGateway`/`localGatewayService` are not read); from 0.5 the v1beta1 controller reads them.",
    change: 'kserve/kserve#1363 (fixes #1340), pkg/constants/constants.go KnativeLocalGateway/LocalGatewayHost (read in KFServing v0.4.1 and v0.5.1)',
  },
  'kserve-host-regexp-exact': {
    component: 'kserve', since: '0.14.0',
    what: "KServe's VirtualService matches the authority `<isvc>.<ns>.svc.<domain>` only (with an optional port): HostRegExp's suffix test gained `(?i)` and no longer matches, so the short forms `<isvc>.<ns>` and `<isvc>.<ns>.svc` fell out; before, they matched.",
    change: 'kserve/kserve#3779 (fixes #3726), pkg/constants/constants.go HostRegExp',
    checkedBy: ['KServe 0.13.1', 'KServe 0.16.0'],
  },
  'kserve-ingress-service-required': {
    component: 'kserve', until: '0.14.0',
    what: 'the `ingress` JSON must set `ingressService` as well as `ingressGateway`; `knativeLocalGatewayService` does not exist yet (KServe routes to `localGatewayService`).',
    change: 'kserve/kserve v0.14.0 pkg/apis/serving/v1beta1/configmap.go NewIngressConfig',
    checkedBy: ['KServe 0.13.1', 'KServe 0.16.0'],
  },
  'kserve-gateway-api-needs-kserve-gateway': {
    component: 'kserve', since: '0.15.0',
    what: '`enableGatewayApi: true` requires `kserveIngressGateway` as `<namespace>/<name>` (DNS-1123 labels); `ingressGateway` stays required.',
    change: 'kserve/kserve v0.15.0 pkg/apis/serving/v1beta1/configmap.go validateIngressGateway',
    checkedBy: ['KServe 0.13.1', 'KServe 0.16.0'],
  },
  'kserve-virtualservice-mesh-and-headers': {
    component: 'kserve', since: '0.14.0',
    what: "KServe's VirtualService is bound to `mesh` as well as `localGateway` (sidecars route by it), sets `KServe-Isvc-Name`/`KServe-Isvc-Namespace` headers, drops duplicate additional domains, and has a path-based explainer route; before, it is bound to `localGateway` only.",
    change: 'kserve/kserve v0.14.0 pkg/controller/v1beta1/inferenceservice/reconcilers/ingress/ingress_reconciler.go createIngress',
    checkedBy: ['KServe 0.13.1', 'KServe 0.16.0'],
  },
  'kserve-predictor-name': {
    component: 'kserve', since: '0.20.0',
    what: "`spec.predictor.name` names the predictor's Knative Service `<isvc>-<name>-predictor` (its Route, revisions and the Host KServe's VirtualService sets); before, the field does not exist and the predictor is `<isvc>-predictor`.",
    change: 'kserve/kserve v0.20.0 pkg/constants/constants.go PredictorServiceName (one argument in v0.19.0)',
    checkedBy: ['KServe 0.16.0', 'KServe 0.20.0'],
  },
  'kserve-stop-annotation': {
    component: 'kserve', since: '0.15.0',
    what: '`serving.kserve.io/stop: "true"` on an InferenceService makes KServe delete its VirtualService and ExternalName Service.',
    change: 'kserve/kserve v0.15.0 pkg/utils/utils.go GetForceStopRuntime',
    checkedBy: ['KServe 0.13.1', 'KServe 0.16.0'],
  },
  'istio-envoyfilter-deprecated-names': {
    component: 'istio', until: '1.19.0',
    what: "an EnvoyFilter match on a filter's deprecated Envoy name (`envoy.http_connection_manager`, `envoy.router`, …) also matches the canonical name istiod generates; from 1.19 names are compared exactly, so such a patch (Kubeflow's older AuthService filter among them) applies to nothing.",
    change: 'istio/istio#45675 (commit c22255615, release note deprecated-envoy-filter.yaml), pilot/pkg/networking/core/v1alpha3/envoyfilter/listener_patch.go nameMatches',
    checkedBy: ['Istio 1.29 (oracle, test/envoyfilter-oracle.test.ts)'],
  },
  'kserve-deployment-mode-knative': {
    component: 'kserve', since: '0.16.0',
    what: 'the deployment modes are named `Knative` and `Standard`; the annotation values `Serverless` and `RawDeployment` still work and are read as them, and a mode recorded in `status.deploymentMode` comes first; before, only `Serverless`, `RawDeployment` and `ModelMesh` are modes (anything else, `Knative` included, falls back to `deploy.defaultDeploymentMode`).',
    change: 'kserve/kserve v0.16.0 pkg/constants/constants.go (LegacyServerless, Knative, Standard) and pkg/controller/v1beta1/inferenceservice/utils/utils.go GetDeploymentMode',
    checkedBy: ['KServe 0.13.1', 'KServe 0.16.0', 'KServe 0.20.0'],
  },
} as const satisfies Record<string, Behaviour>;

export type BehaviourId = keyof typeof BEHAVIOURS;

export type Versions = ComponentVersions;

/** The version kgd uses for a component: the one given, else the newest it models. */
export function versionOf(component: Component, versions: Versions): string {
  return versions[component] ?? NEWEST[component];
}

/** Whether a behaviour applies at the given versions (unknown components: the newest). */
export function behaves(id: BehaviourId, versions: Versions): boolean {
  const b: Behaviour = BEHAVIOURS[id];
  const v = semver.coerce(versionOf(b.component, versions));
  if (!v) return behaves(id, {});
  if (b.since && semver.lt(v, b.since)) return false;
  if (b.until && semver.gte(v, b.until)) return false;
  for (const fix of b.backportedTo ?? []) {
    const f = semver.parse(fix)!;
    if (v.major === f.major && v.minor === f.minor && semver.gte(v, f)) return false;
  }
  if (b.requires) {
    const other = semver.coerce(versionOf(b.requires.component, versions));
    if (other && semver.lt(other, b.requires.since)) return false;
  }
  return true;
}
