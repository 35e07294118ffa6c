/**
 * The one list of diagnostic codes. A code is never renamed or reused; a retired one stays here as a
 * comment. Keys are PascalCase; entries are sorted by code (a test checks it).
 */
export type Severity = 'error' | 'warning' | 'info';

/** What a user sees when this goes wrong. */
export type Symptom = '404' | '503' | '504' | '403' | '401' | 'dns' | 'not-ready' | 'input' | 'degraded';

export interface MessageDef {
  readonly code: string;
  readonly severity: Severity;
  readonly symptom: Symptom;
  /** One line: what the check is about (rule lists, SARIF rule name). */
  readonly title: string;
  /** Why this breaks routing: the mechanism, in a few sentences (docs page, `kgd explain`). */
  readonly description: string;
  /** The finding, with {{placeholders}} filled from the report's data. */
  readonly message: string;
  /** How to fix it, with the same placeholders. */
  readonly fix: string;
}

export const catalog = {
  // 0001–0099: the input itself.
  YamlSyntaxError: {
    code: 'KGD0001', severity: 'error', symptom: 'input',
    title: 'YAML or JSON that does not parse',
    description: 'A document could not be parsed. kgd skips it and checks the rest, so findings that depend on it may be missing.',
    message: 'This document is not valid YAML: {{reason}}.',
    fix: 'Correct the syntax at this line; `kubectl apply --dry-run=client -f` shows the same error.',
  },
  DocumentNotAnObject: {
    code: 'KGD0002', severity: 'error', symptom: 'input',
    title: 'A document that is not a Kubernetes object',
    description: 'Every YAML document must be a mapping with apiVersion, kind and metadata. A scalar or a list at the top level is not a resource.',
    message: 'Expected a Kubernetes object (a mapping) but found {{got}}.',
    fix: 'Remove the document or turn it into a resource with apiVersion, kind and metadata.',
  },
  ResourceIncomplete: {
    code: 'KGD0003', severity: 'error', symptom: 'input',
    title: 'A resource without apiVersion, kind or name',
    description: 'kgd identifies resources by apiVersion, kind, namespace and name, as the API server does. A resource lacking one of them is skipped.',
    message: 'This {{what}} lacks {{missing}}.',
    fix: 'Add the missing fields.',
  },
  FileUnreadable: {
    code: 'KGD0004', severity: 'error', symptom: 'input',
    title: 'A file that cannot be read as text',
    description: 'The file (or standard input) could not be read, or is not UTF-8 text (for example a binary or an archive), so nothing in it was checked. The fix follows the reason: for a binary, pass only manifests as text; for a permission, make the file readable; for a file too large, split it.',
    message: 'Cannot read {{file}}: {{reason}}.',
    fix: '{{remedy}}',
  },
  NoResources: {
    code: 'KGD0005', severity: 'warning', symptom: 'input',
    title: 'An input with no resources',
    description: 'A file or folder given to kgd held no Kubernetes resource, so nothing was checked from it. In a folder only .yaml, .yml and .json files are read.',
    message: 'No Kubernetes resources found in "{{file}}".',
    fix: 'Check the path. A folder with kustomization.yaml or Chart.yaml is rendered by kgd (kustomize or helm on the PATH) when named itself; name that folder, or render other templates first.',
  },
  NestedList: {
    code: 'KGD0006', severity: 'warning', symptom: 'input',
    title: 'A List nested inside a List',
    description: 'kubectl writes a single `kind: List` with items; it never nests one List in another. kgd reads nested Lists up to a limit, but the input was probably assembled by hand.',
    message: 'A List nested {{depth}} levels deep (kgd reads up to {{max}}).',
    fix: 'Flatten the items into one List or into separate documents.',
  },
  InvalidFieldType: {
    code: 'KGD0007', severity: 'error', symptom: 'input',
    title: 'A field of the wrong type',
    description: 'A field that routing depends on has a type the API server would reject (for example a number where a string is required). kgd ignores the value and reports what it expected.',
    message: 'Field {{field}} must be {{expected}}, not {{got}}.',
    fix: 'Give {{field}} {{expected}}.',
  },
  DuplicateResource: {
    code: 'KGD0008', severity: 'warning', symptom: 'input',
    title: 'The same resource defined twice',
    description: 'Two documents define the same apiVersion group, kind, namespace and name. Applying both leaves only the later one, which is what kgd checks.',
    message: '{{resource}} is defined more than once (also in {{first}}); the later definition wins.',
    fix: 'Keep one definition.',
  },
  UnsupportedApiVersion: {
    code: 'KGD0009', severity: 'warning', symptom: 'input',
    title: 'A known kind at an apiVersion kgd does not read',
    description: 'The kind matters for routing, but this apiVersion is not one kgd knows the schema of, so the resource is not checked.',
    message: '{{kind}} at apiVersion {{apiVersion}} is not checked (kgd reads {{versions}}).',
    fix: 'Use a served apiVersion ({{versions}}).',
  },
  CheckSkipped: {
    code: 'KGD0010', severity: 'info', symptom: 'degraded',
    title: 'A check that could not run on this input',
    description: 'A rule needs resources that the input does not contain, so it did not run. kgd does not guess; add the resources. `--assume-defaults` fills in what upstream ships for config-istio, KServe\'s `ingress` settings and Knative\'s local Gateway and Service (and says so in KGD0013); it cannot stand in for your own gateway pods or Services.',
    message: 'Rule {{rule}} did not run: {{reason}}.',
    fix: 'Include {{needs}} in the input.',
  },

  ClusterListFailed: {
    code: 'KGD0011', severity: 'warning', symptom: 'input',
    title: 'A kind could not be read from the cluster',
    description: 'kgd lists each kind its rules read from the live API. When listing one fails (usually RBAC: the credentials may not list it), kgd goes on without it, and the checks that need that kind see none of it: their findings may be missing or wrong. Nothing else is affected.',
    message: 'Could not list {{kind}} from the cluster: {{reason}}.',
    fix: 'Let the credentials list {{kind}} (deploy/clusterrole.yaml has every verb kgd needs), or run with credentials that can.',
  },
  VersionsAssumed: {
    code: 'KGD0012', severity: 'info', symptom: 'input',
    title: 'Controller versions the input does not show, assumed the newest',
    description: 'Several behaviours kgd checks changed between releases of net-istio, Knative Serving, the Knative operator, KServe and Istio (the README lists them). kgd reads each version off the input (the operator\'s status.version, image tags and version labels of the controllers, Istio\'s revision label; a KnativeServing\'s spec.version); for the components it found none for, it assumes the newest it models and says so here.',
    message: 'Assumed the newest kgd models for {{assumed}} (not in the input); read from the input: {{detected}}.',
    fix: 'If the cluster runs older releases, pass them: --versions {{example}}.',
  },
  InputAssumed: {
    code: 'KGD0013', severity: 'info', symptom: 'input',
    title: 'Objects every default install has, assumed because the input does not show them',
    description: 'A folder of manifests or a piped `kubectl get` is rarely the whole cluster. When the input relies on objects every default install has without showing them — Knative\'s shipped `knative-ingress-gateway`/`knative-local-gateway` Gateways named by config-istio, Istio\'s `istio-ingressgateway` pods and Service selected by `istio: ingressgateway` — kgd assumes them as upstream ships them instead of reporting them missing, and lists them here, together with what `--assume-defaults` filled in. With `--complete` (and with `--cluster`) the input is the whole cluster and their absence is reported.',
    message: 'Not in the input, assumed as a default install has them: {{objects}}.',
    fix: 'Add them to the input if yours differ; pass --complete when the input is the whole cluster (their absence is then reported).',
  },

  // 1100–1199: Knative's config-istio.
  ConfigIstioMixedFormats: {
    code: 'KGD1101', severity: 'error', symptom: 'not-ready',
    title: 'config-istio mixes the list format and legacy gateway keys',
    description: 'net-istio refuses a config-istio that has `local-gateways`/`external-gateways` together with any `gateway.*` or `local-gateway.*` key. At start-up the controller exits (crash loop); on an update the change is ignored. New or changed Knative Services never become Ready.',
    message: 'config-istio sets "local-gateways"/"external-gateways" and the legacy keys {{legacyKeys}}; net-istio rejects the whole ConfigMap.',
    fix: 'Delete the legacy keys ({{legacyKeys}}). The Knative operator merges but never deletes keys, so remove them from the ConfigMap by hand too.',
  },
  ConfigIstioUnparsable: {
    code: 'KGD1102', severity: 'error', symptom: 'not-ready',
    title: 'A config-istio gateway list that does not parse',
    description: 'The value of `local-gateways` or `external-gateways` must be a YAML list of gateways. net-istio rejects the ConfigMap when it does not parse.',
    message: 'net-istio cannot parse "{{key}}": {{reason}}.',
    fix: 'Write "{{key}}" as a YAML list of {name, namespace, service} entries.',
  },
  ConfigIstioFieldMissing: {
    code: 'KGD1103', severity: 'error', symptom: 'not-ready',
    title: 'A config-istio gateway without name, namespace or service',
    description: 'Every gateway entry needs a non-empty name, namespace and service; net-istio rejects the ConfigMap otherwise. A misspelt key (for example `svc:`) is ignored and shows up as a missing field.',
    message: 'The {{gateway}} has no {{field}}.',
    fix: 'Set {{field}} on this entry.',
  },
  ConfigIstioInvalidService: {
    code: 'KGD1104', severity: 'error', symptom: 'not-ready',
    title: 'A config-istio gateway service that is not a DNS name',
    description: 'The `service` of a gateway must be a DNS-1123 subdomain (lower case, digits, `-` and `.`), normally `<name>.<namespace>.svc.cluster.local`. net-istio rejects the ConfigMap otherwise.',
    message: 'The service "{{service}}" of the {{gateway}} is not a valid DNS name.',
    fix: 'Use the gateway Service FQDN, e.g. "knative-local-gateway.istio-system.svc.cluster.local".',
  },
  ConfigIstioDefaultCount: {
    code: 'KGD1105', severity: 'error', symptom: 'not-ready',
    title: 'Not exactly one default gateway in a config-istio list',
    description: 'A non-empty gateway list needs exactly one entry without labelSelector: it is the default used by every Service that no selector picks. net-istio rejects the ConfigMap otherwise.',
    message: 'The {{role}} gateway list has {{count}} entries without labelSelector ({{gateways}}); exactly one is required.',
    fix: 'Leave exactly one {{role}} gateway without labelSelector.',
  },
  ConfigIstioInvalidSelector: {
    code: 'KGD1106', severity: 'error', symptom: 'not-ready',
    title: 'An invalid labelSelector in a config-istio gateway',
    description: 'The labelSelector of a gateway entry must be a valid Kubernetes label selector; net-istio rejects the ConfigMap otherwise.',
    message: 'The labelSelector of the {{gateway}} is invalid: {{reason}}.',
    fix: 'Fix the selector: In/NotIn need values, Exists/DoesNotExist take none.',
  },
  ConfigIstioStaleMeshKey: {
    code: 'KGD1107', severity: 'error', symptom: 'not-ready',
    title: 'The removed `local-gateway.mesh` key',
    description: 'Knative removed the special `local-gateway.mesh: mesh` option in v0.32 (knative-v1.5). net-istio now reads the key as a gateway named "mesh" in the Knative namespace; no such Gateway exists, so every KIngress fails with ReconcileIngressFailed.',
    message: 'The legacy key "{{key}}" is read as a gateway "{{gateway}}" that does not exist; routes fail with ReconcileIngressFailed.',
    fix: 'Delete the key "{{key}}".',
  },
  KnativeGatewayNotFound: {
    code: 'KGD1108', severity: 'error', symptom: 'not-ready',
    title: 'config-istio names a Gateway that does not exist',
    description: 'net-istio binds every route to the gateways in config-istio and looks each one up before marking a KIngress Ready. A missing Gateway fails reconciliation (ReconcileIngressFailed), and for the local gateway the VirtualServices are bound to nothing the gateway pods serve (404).',
    message: 'config-istio names the {{role}} gateway {{gateway}}, but that Gateway is not in the input.',
    fix: 'Create Gateway {{gateway}} (an HTTP server on port {{port}}, hosts "*", selecting the gateway pods) or point config-istio at an existing Gateway.',
  },
  KnativeLocalServiceNotFound: {
    code: 'KGD1109', severity: 'error', symptom: 'dns',
    title: 'config-istio names a local gateway Service that does not exist',
    description: 'Knative makes every route\'s `<name>.<ns>.svc` an ExternalName to the local gateway `service` from config-istio. When that Service does not exist, the name does not resolve and in-cluster calls fail before reaching any gateway.',
    message: 'The local gateway service "{{service}}" names Service {{namespace}}/{{name}}, which is not in the input.',
    fix: 'Create Service {{namespace}}/{{name}} (port 80 to the gateway\'s HTTP port, selecting the gateway pods) or change "service" to an existing one.',
  },
  ServiceHostOutsideClusterDomain: {
    code: 'KGD1110', severity: 'warning', symptom: 'dns',
    title: 'A gateway service host that is not `<name>.<ns>.svc.<cluster-domain>`',
    description: 'Gateway services are written as Service FQDNs. A host outside `svc.<cluster-domain>` (a typo, or another cluster domain) may not resolve from pods, and kgd cannot tell which Service it means.',
    message: 'The service host "{{service}}" is not of the form <name>.<namespace>.svc.{{clusterDomain}}.',
    fix: 'Write it as <name>.<namespace>.svc.{{clusterDomain}}, or pass --cluster-domain if your cluster uses another domain.',
  },
  ConfigIstioNotValidated: {
    code: 'KGD1111', severity: 'warning', symptom: 'not-ready',
    title: 'config-istio without the labels that let net-istio\'s webhook validate it',
    description: 'net-istio\'s admission webhook only checks ConfigMaps labelled `app.kubernetes.io/name: knative-serving` and `app.kubernetes.io/component: net-istio`. Without them a broken config-istio is accepted and only fails when the controller restarts. (net-istio before 1.3 selected by the namespace instead, so the rule does not apply there.)',
    message: 'config-istio lacks the label(s) {{labels}}, so the net-istio webhook does not validate changes to it.',
    fix: 'Add the labels {{labels}} to config-istio.',
  },

  // 1200–1299: the Knative operator (KnativeServing).
  OperatorSelectorIgnored: {
    code: 'KGD1201', severity: 'warning', symptom: '404',
    title: 'The operator\'s knative-local-gateway selector has no effect',
    description: 'spec.ingress.istio.knative-local-gateway.selector only rewrites the Gateway and Service named `knative-local-gateway`. When config-istio uses a custom-named local gateway, the selector changes nothing the routes use, and the custom Gateway and Service must be kept in step by hand.',
    message: 'The operator sets the selector of knative-local-gateway, but config-istio uses the local gateway {{gateway}}; the selector does not reach it.',
    fix: 'Either keep the local gateway named knative-local-gateway (and only change its selector), or drop the selector override and set the selector on Gateway {{gateway}} and its Service yourself.',
  },
  OperatorServiceNamespaceMismatch: {
    code: 'KGD1202', severity: 'error', symptom: 'dns',
    title: 'The operator puts the knative-local-gateway Service where config-istio does not look',
    description: 'The operator (≥ 1.21) places the `knative-local-gateway` Service in the `namespace` of the structured `local-gateways` entry named knative-local-gateway — which for net-istio is the Gateway\'s namespace. When `service` points at another namespace, the Service routes resolve to is not the one the operator manages.',
    message: 'The operator creates Service knative-local-gateway in namespace "{{operatorNamespace}}", but config-istio\'s service "{{service}}" points to namespace "{{serviceNamespace}}".',
    fix: 'Make the entry\'s namespace and the service namespace agree, or create and maintain Service {{serviceNamespace}}/{{serviceName}} yourself.',
  },
  OperatorConfigKeyShadowed: {
    code: 'KGD1203', severity: 'warning', symptom: 'degraded',
    title: 'KnativeServing sets both spec.config.istio and spec.config.config-istio',
    description: 'The operator reads `config-istio` and ignores `istio` when both are present, so changes under `istio` have no effect.',
    message: 'spec.config.istio is ignored because spec.config.config-istio is also set.',
    fix: 'Move the keys of spec.config.istio into spec.config.config-istio and delete spec.config.istio.',
  },
  OperatorObjectDiffers: {
    code: 'KGD1204', severity: 'warning', symptom: 'degraded',
    title: 'An object the operator applied does not have the selector its KnativeServing asks for',
    description: 'The Knative operator owns the `knative-local-gateway` and `knative-ingress-gateway` Gateways and the `knative-local-gateway` Service (they carry an ownerReference to the KnativeServing). When one read from the cluster selects other pods than `spec.ingress.istio.<gateway>.selector` (or net-istio\'s `istio: ingressgateway` when that is unset), the difference is real: kgd checks the object as it is, and this finding says why it differs — an operator release that does not apply the override (knative/operator#1469, #1206), or an operator that has not reconciled since the KnativeServing changed.',
    message: '{{object}} selects {{actual}}, but KnativeServing {{ks}} asks for {{wanted}}: {{why}}.',
    fix: '{{fixText}}',
  },

  // 1300–1399: KServe's inferenceservice-config.
  KServeIngressConfigInvalid: {
    code: 'KGD1301', severity: 'error', symptom: 'not-ready',
    title: 'KServe\'s ingress config is not valid',
    description: 'KServe reads the `ingress` key of inferenceservice-config as JSON at start-up. If it does not parse, has values of the wrong type, or lacks ingressGateway, the controller does not reconcile InferenceServices.',
    message: 'KServe cannot use its ingress config: {{reason}}.',
    fix: 'Fix the "ingress" JSON in {{configMap}}.',
  },
  KServeLocalGatewayLegacyForm: {
    code: 'KGD1302', severity: 'warning', symptom: 'degraded',
    title: 'KServe localGateway written as name.namespace',
    description: 'KServe uses `localGateway` verbatim as a VirtualService gateway. Istio still reads the old `name.namespace` form as `namespace/name` for backward compatibility, but the form is deprecated and easy to get backwards.',
    message: 'localGateway "{{value}}" uses the old name.namespace form; Istio reads it as "{{resolved}}".',
    fix: 'Write localGateway as "{{resolved}}".',
  },
  KServeLocalGatewayNotFound: {
    code: 'KGD1303', severity: 'error', symptom: '404',
    title: 'KServe localGateway names a Gateway that does not exist',
    description: 'KServe binds each InferenceService\'s VirtualService to `localGateway`. If that Gateway does not exist, no gateway pod has a route for `<isvc>.<ns>.svc.cluster.local` and in-cluster calls get 404.',
    message: 'localGateway "{{value}}" names Gateway {{gateway}}, which is not in the input.',
    fix: 'Set localGateway to the Gateway the local gateway pods serve (usually {{suggestion}}), or create Gateway {{gateway}}.',
  },
  KServeLocalGatewayMismatch: {
    code: 'KGD1304', severity: 'warning', symptom: '404',
    title: 'KServe and Knative use different local gateways',
    description: 'A request to an InferenceService crosses the local gateway pods twice: first on KServe\'s `localGateway`, then (after the Host rewrite to the predictor) on Knative\'s config-istio local gateway. Both must be served by the pods behind the local gateway Service on the port it targets. Using two different Gateways works only if they share pods and port; the usual, safe setup names the same Gateway in both.',
    message: 'KServe localGateway is {{kserve}} but config-istio\'s local gateway is {{knative}}.',
    fix: 'Set localGateway to "{{knative}}" (or point config-istio at {{kserve}}){{alternative}}.',
  },
  KServeLocalServiceMismatch: {
    code: 'KGD1305', severity: 'warning', symptom: '404',
    title: 'KServe and Knative use different local gateway Services',
    description: 'KServe sends the rewritten request to `knativeLocalGatewayService` (or `localGatewayService` when that is empty); Knative\'s routes resolve to config-istio\'s local `service`. When these differ, the two hops may land on different gateway pods or ports.',
    message: 'KServe {{key}} is "{{kserve}}" but config-istio\'s local service is "{{knative}}".',
    fix: 'Set {{key}} to "{{knative}}".',
  },
  KServeLocalServiceNotFound: {
    code: 'KGD1306', severity: 'error', symptom: 'dns',
    title: 'KServe\'s local gateway Service does not exist',
    description: 'KServe makes `<isvc>.<ns>.svc` an ExternalName to `localGatewayService` and routes the rewritten request to `knativeLocalGatewayService`. A Service that does not exist leaves the name unresolvable.',
    message: 'KServe {{key}} "{{value}}" names Service {{namespace}}/{{name}}, which is not in the input.',
    fix: 'Set {{key}} to the local gateway Service FQDN (usually "{{suggestion}}") or create Service {{namespace}}/{{name}}.',
  },
  KServeLocalGatewayUnset: {
    code: 'KGD1307', severity: 'error', symptom: '404',
    title: 'KServe\'s ingress config sets no localGateway',
    description: 'KServe binds each InferenceService\'s VirtualService to `localGateway` as written (pkg/controller/v1beta1/inferenceservice/reconcilers/ingress). With the key absent or empty that is an empty Gateway name, which Istio\'s validation refuses, so the VirtualService is not created and in-cluster calls to `<isvc>.<ns>.svc.cluster.local` find no route.',
    message: 'The `ingress` JSON {{how}}, so KServe\'s VirtualService would name an empty Gateway.',
    fix: 'Set localGateway to "{{suggestion}}" (the Gateway the local gateway pods serve).',
  },
  KServeIngressGatewayNotFound: {
    code: 'KGD1308', severity: 'error', symptom: '404',
    title: 'KServe ingressGateway names a Gateway that does not exist',
    description: "KServe binds the VirtualService of every InferenceService that is not cluster-local to `ingressGateway` for its external host (and its path-based routes). A Gateway that does not exist serves nothing, so requests through the external ingress get 404 — the in-cluster path (`localGateway`) is not affected. A bare name is looked up in each InferenceService's own namespace, where KServe writes the VirtualService. With `enableGatewayApi` KServe routes through `kserveIngressGateway` instead and this key is not used.",
    message: 'ingressGateway "{{value}}" names Gateway {{gateway}}, which is not in the input{{users}}.',
    fix: "Set `ingressGateway` in the `ingress` JSON of ConfigMap inferenceservice-config to the Gateway your external ingress pods serve{{suggestion}}, or create Gateway {{gateway}}.",
  },

  // 1400–1499: Istio gateways, their pods and Services.
  GatewaySelectsNoWorkload: {
    code: 'KGD1401', severity: 'error', symptom: '503',
    title: 'A Gateway whose selector matches no gateway pods',
    description: 'An Istio Gateway only configures the pods its selector matches (in any namespace). With no such pods, nothing listens for the routes bound to it: calls to its port are refused (503 through a sidecar), or get 404 where another Gateway shares the port.',
    message: 'The selector {{selector}} of this Gateway matches no Pod or pod template in the input.',
    fix: 'Set spec.selector to the labels of the gateway pods{{hint}}.',
  },
  LocalServiceSelectsNoPods: {
    code: 'KGD1402', severity: 'error', symptom: '503',
    title: 'The local gateway Service selects no pods',
    description: 'The local gateway Service must select the gateway pods. With no matching pods (or no ready endpoints) the request has nowhere to go: connection refused or 503 no healthy upstream.',
    message: 'Service {{service}} ({{role}}) {{problem}}.',
    fix: 'Set the Service selector to the gateway pod labels{{hint}}.',
  },
  LocalServiceGatewayPodsDiffer: {
    code: 'KGD1403', severity: 'error', symptom: '404',
    title: 'The local gateway Service reaches pods that do not serve the Gateway',
    description: 'The Service behind the local gateway must pick the same pods the Gateway selects. Pods that do not run the Gateway\'s server have no route for the request and answer 404 (route_not_found).',
    message: 'Service {{service}} ({{role}}) selects {{pods}}, which Gateway {{gateway}} does not select ({{gatewaySelector}}).',
    fix: 'Make the Service selector and the Gateway selector pick the same pods{{hint}}.',
  },
  LocalServicePortMismatch: {
    code: 'KGD1404', severity: 'error', symptom: '404',
    title: 'The local gateway Service\'s port 80 does not reach the Gateway\'s listener',
    description: 'Callers use port 80 of the local gateway Service. Its targetPort must be the pod port where Istio built the listener for the Gateway\'s server. Istio moves a server port to a Service\'s targetPort ("port translation") unless the Service carries `experimental.istio.io/disable-gateway-port-translation`; the default Knative layout is 80 → 8081 with the label and a Gateway server on 8081.',
    message: 'Service {{service}} ({{role}}) {{problem}}.',
    fix: '{{fixText}}',
  },
  GatewayHostsExcludeRoutes: {
    code: 'KGD1405', severity: 'error', symptom: '404',
    title: 'The local Gateway\'s hosts do not admit the hosts KServe and Knative route',
    description: 'A Gateway server only takes requests whose Host matches its `hosts`. KServe routes `<isvc>.<ns>.svc.cluster.local` and Knative routes `<isvc>-predictor.<ns>.svc.cluster.local` (and short forms) through the local gateway; hosts such as `*.online-serving` do not match `x.online-serving.svc.cluster.local`.',
    message: 'No HTTP server of this Gateway admits "{{host}}" ({{why}}).',
    fix: 'Use hosts ["*"] on the local gateway server, or a pattern that matches "{{host}}" such as "*.svc.{{clusterDomain}}".',
  },
  GatewayPortTranslationAmbiguous: {
    code: 'KGD1406', severity: 'error', symptom: '404',
    title: 'Two Services translate the same Gateway port to different pod ports',
    description: 'When several Services select the gateway pods and expose the Gateway server\'s port with different targetPorts, Istio picks one of them — which one depends on the order they were created. This is the "duplicate listener 0.0.0.0_8081" problem behind 404s that come and go with apply order (kubeflow/manifests#2082, knative/serving#10160).',
    message: 'Server port {{port}} of this Gateway is translated by {{candidates}} on pods {{pods}}; Istio picks one by creation order.',
    fix: 'Add the label experimental.istio.io/disable-gateway-port-translation: "true" to the Service(s) that are not meant for this Gateway (Knative\'s knative-local-gateway Service has it upstream).',
  },
  GatewayProtocolConflict: {
    code: 'KGD1407', severity: 'warning', symptom: '404',
    title: 'Servers on one listener that Istio cannot merge',
    description: 'Istio merges servers of several Gateways that land on the same pod port only when the protocols are compatible (HTTP with HTTP, or TLS servers told apart by SNI). Otherwise it keeps the first (by creation time, then name) and drops the other; a TLS server whose host is already the SNI name of an earlier server on that port is dropped too. kgd reports the conflict on both Gateways, as Istio\'s analyzer does (IST0145): the fix may belong to either.',
    message: 'On pods {{pods}}, port {{port}}: server {{dropped}} conflicts with {{kept}} and is dropped.',
    fix: 'Move one of the servers to another port.',
  },
  UnusedGatewaySelectsNoWorkload: {
    code: 'KGD1408', severity: 'warning', symptom: 'degraded',
    title: 'A Gateway nothing routes through selects no gateway pods',
    description: 'Like KGD1401, but no config-istio entry, KServe ingress setting or VirtualService names this Gateway, so no request kgd knows of depends on it (for example the operator\'s knative-local-gateway once config-istio points at a custom local gateway). It only matters if something starts using it.',
    message: 'The selector {{selector}} of this Gateway matches no Pod or pod template in the input; nothing in the input routes through it.',
    fix: 'Delete the Gateway if it is unused, or set spec.selector to the labels of the gateway pods{{hint}}.',
  },

  GatewaySelectsDisabledGateway: {
    code: 'KGD1409', severity: 'error', symptom: '503',
    title: 'A Gateway selects the pods of a gateway the Istio install disables',
    description: "Which gateway Deployments exist is decided by the Istio install: an IstioOperator's profile (`minimal`, `empty`, `ambient`, `remote` have no ingress gateway), its `spec.components.ingressGateways` list (a list written replaces the profile's, so leaving `istio-ingressgateway` out removes it) and each entry's `enabled`. A Gateway whose selector matches only a gateway the install turns off — Knative's `knative-local-gateway` selects `istio: ingressgateway` — configures no pods: its Service has no endpoints and calls through it fail (503 through a sidecar, connection refused otherwise). kgd renders the IstioOperator as Istio's installer does (profiles, lists, the gateways chart's labels with `label` merged over them).",
    message: 'The selector {{selector}} matches the pods of gateway {{gateway}} of IstioOperator {{operator}}, which is not installed: {{why}}.',
    fix: 'Set {{field}} in IstioOperator {{operator}}, or point spec.selector of this Gateway at an installed gateway: {{others}}.',
  },

  GatewayWithoutServers: {
    code: 'KGD1410', severity: 'error', symptom: '404',
    title: 'A Gateway without servers',
    description: "Istio's validation refuses a Gateway with no `servers` (pkg/config/validation ValidateGateway: \"gateway must have at least one server\"), so `kubectl apply` fails where istiod's webhook runs; where it got in anyway, it opens no listener and admits no host: every VirtualService bound to it routes nothing (404 on the gateway's other listeners, or nothing listening).",
    message: 'This Gateway has no servers{{bound}}.',
    fix: 'Add a server (port, protocol, hosts) to spec.servers, or delete the Gateway and bind the VirtualServices to one that has servers.',
  },

  GatewayPortNotOnService: {
    code: 'KGD1411', severity: 'warning', symptom: '404',
    title: 'A Gateway server on a listener no Service sends traffic to',
    description: "Istio opens a listener on the selected pods for each Gateway server — on the server's port, or on the targetPort of a Service that exposes that port (port translation; a Service labelled `experimental.istio.io/disable-gateway-port-translation` opts out). Calls reach pods through Services, so a listener that no Service of those pods targets is unreachable: the routes bound to that server never see a request, which lands on another listener (404) or nowhere. Istio's analyzer reports the server port (IST0162); kgd checks the listener each server is bound to, on every selected workload.",
    message: 'Server port {{server}} is on {{listener}} of {{pods}}, and no Service of those pods sends traffic to it (Services: {{services}}).',
    fix: 'Add a Service port whose targetPort is the listener port, or change the server port to one a Service of the gateway pods exposes.',
  },

  // 1500–1599: VirtualServices.
  VirtualServiceGatewayNotFound: {
    code: 'KGD1501', severity: 'error', symptom: '404',
    title: 'A VirtualService bound to a Gateway that does not exist',
    description: 'A VirtualService only takes effect on the gateways it names. A name that resolves to no Gateway (names without a namespace resolve to the VirtualService\'s own namespace) binds the routes to nothing.',
    message: 'Gateway "{{ref}}" (resolved to {{gateway}}) is not in the input.',
    fix: 'Reference an existing Gateway as "<namespace>/<name>".',
  },
  VirtualServiceHostsNotAdmitted: {
    code: 'KGD1502', severity: 'error', symptom: '404',
    title: 'A VirtualService whose hosts no server of its Gateway admits',
    description: 'Istio attaches a VirtualService to a gateway server only for hosts the server admits (including the `namespace/` part of server hosts). Hosts nobody admits are dropped, and the requests get 404.',
    message: 'None of the hosts {{hosts}} is admitted by a server of Gateway {{gateway}} (server hosts: {{serverHosts}}).',
    fix: 'Widen the Gateway server hosts (e.g. "*") or bind the VirtualService to a Gateway that admits its hosts.',
  },
  VirtualServiceStale: {
    code: 'KGD1503', severity: 'warning', symptom: '404',
    title: 'A controller-made VirtualService bound to other gateways than the controller would choose now',
    description: 'KServe and net-istio write the gateways into each VirtualService when they reconcile it. After the local gateway changes in inferenceservice-config or config-istio, existing VirtualServices keep the old gateways until they are reconciled again ("Do not add or remove gateways after Knative Services have been created"), so requests on the new gateway get 404.',
    message: 'This VirtualService is bound to {{actual}}, but {{controller}} would bind it to {{expected}} with the current configuration.',
    fix: 'Trigger a reconcile (for example restart the {{controller}} controller or touch the InferenceService), or delete the VirtualService so it is recreated.',
  },

  VirtualServiceRoutesShadowed: {
    code: 'KGD1504', severity: 'warning', symptom: '404',
    title: 'Another VirtualService for the same host on the same gateway takes this route\'s requests',
    description: "When several VirtualServices bound to a gateway (or to Gateways whose HTTP servers Istio merges on one port) share a host, Istio merges their routes into one virtual host in VirtualService order — creation time, then name — with catch-all routes moved last. A route behind another VirtualService's catch-all, or behind the very same match, never matches: its requests get the other VirtualService's backend. KServe's VirtualService and a user's for the same InferenceService host are the usual pair.",
    message: 'Route {{route}} never matches for host {{host}} on port {{port}} of {{pods}}: VirtualService {{winner}} route {{winnerRoute}} comes first with {{why}}.',
    fix: 'Give the two VirtualServices different hosts, merge them into one, or make the earlier route more specific (Istio keeps creation order: the older VirtualService wins).',
  },

  VirtualServiceDestinationNotFound: {
    code: 'KGD1505', severity: 'warning', symptom: '503',
    title: 'A VirtualService routes to a Service that does not exist',
    description: "Istio builds the route to the cluster `outbound|<port>||<host>`; with no Service (or ServiceEntry) of that name there is no such cluster, and Envoy answers 503 (NC, cluster not found). Istio's analyzer reports it as IST0101. kgd claims it only on a whole cluster (`--cluster`, `--complete`), for hosts in the cluster domain, and never for Knative's revision Services (created at run time).",
    message: 'Route {{route}} sends traffic to {{host}} ({{fqdn}}), and the cluster has no such Service.',
    fix: 'Create the Service, or point the destination at an existing one (names without a namespace resolve in the VirtualService\'s namespace).',
  },
  VirtualServiceDestinationPortRequired: {
    code: 'KGD1506', severity: 'warning', symptom: '503',
    title: 'A VirtualService destination without a port, to a Service with several',
    description: "A destination without `port` takes the Service's port when it has only one; with several, Istio uses the port of the listener the route is on — on a gateway, the Gateway server's port number (route.GetDestinationCluster). If the Service has no port of that number the cluster does not exist and Envoy answers 503 (NC). Istio's analyzer requires the port (IST0112 VirtualServiceDestinationPortSelectorRequired).",
    message: 'Route {{route}} sends traffic to {{host}} without a port, and Service {{service}} has ports {{ports}}: {{outcome}}.',
    fix: 'Set destination.port.number to the Service port meant.',
  },

  // 1600–1699: policies on the path.
  NetworkPolicyBlocksActivator: {
    code: 'KGD1601', severity: 'error', symptom: '504',
    title: 'A NetworkPolicy drops traffic from the local gateway pods to the activator',
    description: 'When a revision is scaled to zero or in proxy mode, the gateway forwards to the Knative activator on port 8012 — 8013 for an h2c (gRPC) revision, 8112 with system-internal TLS (Knative Serving pkg/networking BackendHTTP2Port, BackendHTTPSPort). A NetworkPolicy that isolates the activator and does not admit the local gateway pods drops those packets silently: the caller sees a timeout or 504.',
    message: 'NetworkPolicy {{policy}} isolates the activator pods and admits none of the local gateway pods {{pods}} on port {{port}}.',
    fix: 'Allow ingress to the activator on port {{port}} from namespace {{gatewayNamespace}} pods with labels {{gatewayLabels}}.',
  },
  NetworkPolicyBlocksPredictor: {
    code: 'KGD1602', severity: 'error', symptom: '504',
    title: 'A NetworkPolicy drops traffic from the local gateway pods to an InferenceService',
    description: 'Once a revision runs, the gateway forwards straight to the predictor pods. A NetworkPolicy in the InferenceService\'s namespace that isolates those pods and does not admit the gateway pods (or the activator) drops the traffic: timeout or 504.',
    message: 'NetworkPolicy {{policy}} isolates the pods of InferenceService {{isvc}} and admits neither the local gateway pods {{pods}} nor the activator.',
    fix: 'Allow ingress from namespace {{gatewayNamespace}} pods with labels {{gatewayLabels}} (and from the activator in knative-serving).',
  },
  NetworkPolicyBlocksGatewayCallers: {
    code: 'KGD1603', severity: 'warning', symptom: '504',
    title: 'A NetworkPolicy limits who may call the local gateway pods',
    description: 'A NetworkPolicy that isolates the local gateway pods and admits only some sources on the listener port drops calls from every other pod: they time out. This is intended only if those are the only callers.',
    message: 'NetworkPolicy {{policy}} isolates the local gateway pods and admits port {{port}} only from {{sources}}.',
    fix: 'Allow ingress on port {{port}} from the namespaces that call InferenceServices.',
  },
  AuthorizationPolicyDeniesLocalGateway: {
    code: 'KGD1604', severity: 'error', symptom: '403',
    title: 'An AuthorizationPolicy denies in-cluster calls on the local gateway pods',
    description: 'Istio applies AuthorizationPolicies on the gateway pods before routing. A DENY that matches plain in-cluster calls, or ALLOW policies none of which admits them, answer 403 (RBAC: access denied).',
    message: '{{detail}}.',
    fix: 'Allow in-cluster calls on the local gateway pods, e.g. an ALLOW policy with rules [{}] selecting {{gatewayLabels}}, or narrow the DENY policy.',
  },
  AuthorizationPolicyDeniesHop: {
    code: 'KGD1605', severity: 'error', symptom: '403',
    title: 'An AuthorizationPolicy behind the gateway refuses the identity of the previous hop',
    description: "Behind the local gateway a request reaches the activator (while the revision is scaled to zero, or while target-burst-capacity keeps the activator in the path) and then the InferenceService's pods, or the pods straight from the gateway. Each hop arrives over Istio mTLS with the sender's identity — the gateway's ServiceAccount, then the activator's (`activator` from Knative 1.11, `controller` before) — and carries no user header: Kubeflow's `kubeflow-userid` is set by its auth proxy for browser sessions, not on in-cluster calls. A DENY policy matching that identity, or ALLOW policies none of which admits it (a Kubeflow profile's `ns-owner-access-istio` admits only the namespace itself, the ingress gateway with the owner's header, and probe paths), answer 403 `RBAC: access denied`; Envoy logs `rbac_access_denied_matched_policy[ns[<ns>]-policy[<name>]-rule[<i>]]` for a DENY and `[none]` when no ALLOW matched.",
    message: '{{target}} refuses {{source}} ({{path}}): {{detail}}.',
    fix: '{{advice}}',
  },
  AuthorizationPolicyAllowsNothing: {
    code: 'KGD1606', severity: 'error', symptom: '403',
    title: 'The only ALLOW policies on a hop have no rules: they allow nothing',
    description: "An ALLOW AuthorizationPolicy without rules matches no request. Alone on a workload it denies everything (Kubeflow's mesh-wide `global-deny-all` in the root namespace is such a policy, meant to be paired with an ALLOW for each workload). When it is the only ALLOW policy on a hop of the in-cluster path, every call there gets 403 with `rbac_access_denied_matched_policy[none]`.",
    message: '{{policy}} is the only ALLOW policy on {{target}}, and it has no rules: {{source}} gets 403 ({{path}}).',
    fix: '{{advice}}',
  },
  MtlsHandshakeFails: {
    code: 'KGD1607', severity: 'error', symptom: '503',
    title: 'mTLS settings on a hop do not agree: the TLS handshake fails',
    description: "Istio enforces a workload's PeerAuthentication in its sidecar: on a STRICT port it accepts only Istio mTLS, on a DISABLE port only plain text. What the sender's Envoy sends depends on its DestinationRule (`trafficPolicy.tls.mode`, port-level first) and otherwise on auto mTLS (Istio mTLS to pods that have a sidecar). A plain-text sender (no sidecar, or a DestinationRule with `DISABLE`) on a STRICT port, or Istio mTLS to a pod without sidecar or with mTLS disabled, is reset during the handshake and the sender's proxy answers 503 (`upstream connect error or disconnect/reset before headers`).",
    message: '{{source}} → {{target}} ({{path}}): {{detail}}.',
    fix: '{{advice}}',
  },
  AuthorizationUndecided: {
    code: 'KGD1608', severity: 'info', symptom: 'degraded',
    title: 'Whether Istio security admits a hop cannot be decided from the input',
    description: "kgd does not guess where the input cannot decide: a policy that depends on the caller's address (`ipBlocks`, `source.ip`), on a CUSTOM extension provider, or on a workload whose sidecar the input does not show (its Namespace is not in the input). The finding says what would be refused if the missing part were as assumed.",
    message: '{{target}} ({{path}}): {{detail}}.',
    fix: 'Add the missing objects (the Namespace with its istio-injection label, the pods) to the input, or check the policy named in the message on the cluster.',
  },
  AuthProviderOnPath: {
    code: 'KGD1609', severity: 'error', symptom: '401',
    title: 'A CUSTOM AuthorizationPolicy sends in-cluster calls on the path to an external auth provider',
    description: "An AuthorizationPolicy with `action: CUSTOM` hands every request its rules match to an ext_authz extension provider of the mesh config (`extensionProviders[].envoyExtAuthzHttp`/`envoyExtAuthzGrpc`, e.g. oauth2-proxy). Unless its rules are limited (hosts, ports, paths), that includes in-cluster calls through the local gateway, which carry no session cookie or token: the provider answers 401 or redirects to its login page (302), and net-istio's readiness probes fail the same way. Kubeflow's oauth2-proxy set-up is such a policy on the ingress gateway pods.",
    message: '{{target}}: {{detail}}.',
    fix: '{{advice}}',
  },

  EnvoyFilterAuthOnLocalGateway: {
    code: 'KGD1610', severity: 'error', symptom: '401',
    title: 'An EnvoyFilter puts an auth filter on the local gateway\'s listener',
    description: "An EnvoyFilter that inserts an HTTP filter (`applyTo: HTTP_FILTER`) into the gateway pods' HTTP connection manager applies to every listener of those pods its `match` does not exclude — including the one serving Knative's local gateway (often 8081) when the same pods serve both. Kubeflow's AuthService filter (`envoy.filters.http.ext_authz` on the `istio: ingressgateway` pods) and Envoy's OAuth2 filter then see in-cluster calls, which carry no session cookie or token: the auth server answers 401 or redirects to its login (302), and net-istio's probes fail the same way (the route never becomes Ready). With credentials the auth server decides. kgd evaluates the match as istiod does (context, `listener.portNumber`/`name`, `filterChain`, the HTTP connection manager's name — compared exactly from Istio 1.19), and only where it can decide.",
    message: '{{filter}} ({{kind}}) runs on listener {{port}} of the local gateway pods {{pods}}: {{detail}}; in-cluster calls without credentials get 401 or a redirect to the login page.',
    fix: '{{advice}}',
  },
  EnvoyFilterBreaksListener: {
    code: 'KGD1611', severity: 'error', symptom: '503',
    title: 'An EnvoyFilter appends an HTTP filter after the router on the local gateway\'s listener',
    description: 'Istio appends an `ADD` HTTP_FILTER patch (and an `INSERT_AFTER` without a subFilter) at the end of the chain, after `envoy.filters.http.router`. Envoy requires the terminal filter to be last (envoyproxy/envoy#7779) and rejects such a listener: running gateway pods keep the last listener they accepted, new ones have none on that port, and callers get connection errors (503 from a sidecar).',
    message: '{{filter}} ({{kind}}) lands after the router on listener {{port}} of the local gateway pods {{pods}} ({{detail}}): Envoy rejects the listener.',
    fix: 'Use INSERT_BEFORE with subFilter envoy.filters.http.router for configPatches of this EnvoyFilter, or limit it to other listeners. {{advice}}',
  },
  EnvoyFilterOnLocalGateway: {
    code: 'KGD1612', severity: 'info', symptom: 'degraded',
    title: 'An EnvoyFilter may change requests on the local gateway\'s listener',
    description: "A Lua, RBAC, Wasm or other HTTP filter an EnvoyFilter inserts, replaces, removes or merges on the local gateway's listener can change or refuse in-cluster calls in ways kgd does not evaluate; a patch whose match depends on what the input does not show (the proxies' Istio version, their node metadata, a filter Istio adds depending on version and telemetry) may or may not apply. kgd names it so it is not overlooked when a request fails there.",
    message: '{{filter}} ({{kind}}) on listener {{port}} of the local gateway pods {{pods}}: {{detail}}.',
    fix: 'Check that this filter lets in-cluster calls through, or {{advice}}',
  },
  EnvoyFilterKeyIgnored: {
    code: 'KGD1613', severity: 'warning', symptom: 'degraded',
    title: 'An EnvoyFilter field that its schema does not have limits nothing',
    description: "Istio's EnvoyFilter CRD has a structural schema without unknown fields (istio/api networking/v1alpha3/envoy_filter.proto). A key written at the wrong level — `listener` beside `match` instead of inside it, the old `workloadLabels` instead of `workloadSelector.labels` — is refused by `kubectl apply` with strict field validation (the default from Kubernetes 1.27) and otherwise dropped by the API server without a word. The patch then applies to every listener (or the filter to every workload of the namespace) it meant to exclude.",
    message: '`{{key}}` is not a field of the EnvoyFilter {{level}}{{belongsIn}}: the API server drops it, so it limits nothing.',
    fix: 'Move `{{key}}` to where the schema has it{{belongsIn}}.',
  },

  // 1700–1799: readiness: status reported by the controllers (live clusters, `kubectl get -o yaml` dumps), and
  // net-istio's prober predicted.
  KnativeNotReady: {
    code: 'KGD1701', severity: 'warning', symptom: 'not-ready',
    title: 'A Knative Route, Ingress or InferenceService reports a gateway-related condition',
    description: 'Knative and KServe write why a route is not Ready into status conditions. `IngressNotConfigured` usually means no controller reconciled the KIngress (net-istio missing or crash-looping on a bad config-istio); `ReconcileIngressFailed` means net-istio could not look up a configured Gateway or its Endpoints; `Uninitialized` ("Waiting for load balancer to be ready") means the prober keeps getting 404/503 or no answer from the gateway pods.',
    message: '{{kind}} is not Ready: condition {{condition}} is {{status}} with reason {{reason}}{{detail}}.',
    fix: '{{cause}}',
  },
  IngressNeverReady: {
    code: 'KGD1702', severity: 'error', symptom: 'not-ready',
    title: 'net-istio\'s readiness probe can never succeed',
    description: 'Before a KIngress is Ready, net-istio\'s prober sends `GET /healthz` with `K-Network-Probe: probe` and the route\'s host to every pod behind each Gateway the KIngress uses (found through the Service whose labels match the Gateway\'s selector, and its Endpoints). It retries 404, 503, a refused connection and a timeout for ever, so the KIngress, the Route and the InferenceService stay `Uninitialized` ("Waiting for load balancer to be ready"). kgd sends the same probe through its own gateway simulation.',
    message: '{{count}} KIngress(es) ({{ingresses}}) never become Ready: the probe {{url}} to {{pod}} (Gateway {{gateway}}) gets {{outcome}}: {{why}}.',
    fix: '{{fix}}',
  },
  IngressReconcileFails: {
    code: 'KGD1703', severity: 'error', symptom: 'not-ready',
    title: 'net-istio cannot list the pods to probe',
    description: 'net-istio\'s prober reads the Endpoints of the Service it found for a Gateway. Without them, listing probe targets fails and every KIngress on that Gateway gets `ReconcileIngressFailed` ("Ingress reconciliation failed"). Checked only when the input is the whole cluster.',
    message: 'Every KIngress on Gateway {{gateway}} fails to reconcile ({{count}}: {{ingresses}}): {{error}}.',
    fix: 'Give the prober a Service with Endpoints: the Service labelled like the Gateway\'s selector ({{service}}) must select running gateway pods, or label the Service in front of the gateway pods with the Gateway\'s selector labels.',
  },
  GatewayNotProbed: {
    code: 'KGD1704', severity: 'info', symptom: 'not-ready',
    title: 'A gateway the routes use is never probed, so Ready says nothing about it',
    description: 'net-istio\'s prober finds a Gateway\'s pods through a Service whose labels (not its selector) match the Gateway\'s selector, and probes only servers whose port number that Service has. In the shipped layout the local Gateway\'s 8081 server matches `istio-ingressgateway`, which has no port 8081: the local gateway is never probed. A Route can then be Ready while the cluster-local path through this gateway answers 404 or 503.',
    message: 'Gateway {{gateway}} ({{role}}) is not probed for the {{count}} KIngress(es) that use it: {{why}}. Their Ready condition says nothing about the path through it.',
    fix: 'Nothing is broken by this alone; check the path with `kgd trace`. To have net-istio probe it, label a Service that selects the gateway pods with {{selector}} and give it port {{port}}.',
  },
  ProberServiceAmbiguous: {
    code: 'KGD1705', severity: 'warning', symptom: 'not-ready',
    title: 'Several Services carry a Gateway\'s selector labels',
    description: 'net-istio\'s prober lists Services by the Gateway\'s selector matched against Service labels, in every namespace, and takes the first its informer returns. With several, which one decides the probe targets can change between controller restarts; a Gateway without a selector matches every Service.',
    message: '{{count}} Services carry the labels of Gateway {{gateway}}\'s selector ({{services}}); the prober takes whichever its cache lists first.',
    fix: 'Keep the selector\'s labels on the one Service in front of the gateway pods.',
  },
  ProbeAbandoned: {
    code: 'KGD1706', severity: 'info', symptom: 'not-ready',
    title: 'The readiness probe is answered with an error it counts as success',
    description: 'net-istio\'s prober treats any answer other than 200, 404 and 503 (for example 403 from an AuthorizationPolicy, 401 or 302 from an auth filter) as "abandoned" and counts it as success: the KIngress becomes Ready although requests on that path get the same error.',
    message: 'The probe {{url}} to Gateway {{gateway}} gets {{outcome}} ({{why}}); net-istio abandons it and marks {{count}} KIngress(es) Ready anyway ({{ingresses}}).',
    fix: 'Ready is no evidence here: fix the {{outcome}} on this path (see the other findings and `kgd trace`), or exempt `K-Network-Probe` requests where the probe should pass.',
  },
} as const satisfies Record<string, MessageDef>;

export type CatalogKey = keyof typeof catalog;

export function messageDef(id: CatalogKey): MessageDef {
  return catalog[id];
}

/** The {{placeholders}} a template uses. */
export function placeholders(template: string): string[] {
  return [...template.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]!);
}

export function render(template: string, data: Readonly<Record<string, string>>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (_, k: string) => data[k] ?? `{{${k}}}`);
}
