import { resolveGatewayRef } from '../istio/gateway-ref.js';
import type { ConfigMapInfo } from '../../model/core.js';
import type { FieldPath } from '../../shared/path.js';
import type { Snapshot } from '../../snapshot/snapshot.js';
import { decodeJson, decodeStruct, type StructSchema } from '../../shared/go-decode.js';
import { goTemplateParseError } from '../../shared/go-template.js';
import { isDns1123Label } from '../../shared/k8s-names.js';
import { behaves, NEWEST, versionOf } from '../versions.js';

export const INFERENCESERVICE_CONFIG = 'inferenceservice-config';
export const INGRESS_KEY = 'ingress';

/** KServe's shipped values (config/configmap/inferenceservice.yaml), used with --assume-defaults. */
export const KSERVE_DEFAULT_INGRESS: Readonly<Record<string, string | boolean>> = {
  ingressGateway: 'knative-serving/knative-ingress-gateway',
  localGateway: 'knative-serving/knative-local-gateway',
  localGatewayService: 'knative-local-gateway.istio-system.svc.cluster.local',
  knativeLocalGatewayService: '',
  ingressDomain: 'example.com',
  urlScheme: 'http',
  disableIstioVirtualHost: false,
};

/** KServe's `IngressConfig` JSON fields and types (pkg/apis/serving/v1beta1/configmap.go), per version. */
const INGRESS_SCHEMA_016: StructSchema = {
  enableGatewayApi: 'bool', kserveIngressGateway: 'string', ingressGateway: 'string', knativeLocalGatewayService: 'string',
  localGateway: 'string', localGatewayService: 'string', ingressDomain: 'string', ingressClassName: 'string',
  additionalIngressDomains: 'stringList', domainTemplate: 'string', urlScheme: 'string', disableIstioVirtualHost: 'bool',
  pathTemplate: 'string', disableIngressCreation: 'bool',
};
const INGRESS_SCHEMA_013: StructSchema = {
  ingressGateway: 'string', ingressService: 'string', localGateway: 'string', localGatewayService: 'string',
  ingressDomain: 'string', ingressClassName: 'string', additionalIngressDomains: 'stringList', domainTemplate: 'string',
  urlScheme: 'string', disableIstioVirtualHost: 'bool', pathTemplate: 'string', disableIngressCreation: 'bool',
};

export interface KServeIngressIssue {
  readonly reason: string;
  readonly innerPath: FieldPath | undefined;
}

/** KServe's `ingress` settings as its controller reads them (pkg/apis/serving/v1beta1/configmap.go). */
export interface KServeIngressConfig {
  readonly status: 'ok' | 'invalid' | 'missing';
  readonly configMap: ConfigMapInfo | undefined;
  /** False when the ConfigMap has no `ingress` key: KServe then runs with empty gateways (not an error upstream). */
  readonly ingressKeyPresent: boolean;
  readonly ingressGateway: string;
  readonly localGateway: string;
  /** The `ingress` JSON has a localGateway key (possibly empty). */
  readonly localGatewayKeyPresent: boolean;
  readonly localGatewayService: string;
  /** What KServe routes the Host-rewritten request to; falls back to localGatewayService when empty. */
  readonly knativeLocalGatewayService: string;
  /** True when `knativeLocalGatewayService` was set explicitly. */
  readonly knativeLocalGatewayServiceSet: boolean;
  readonly ingressDomain: string;
  readonly additionalIngressDomains: readonly string[];
  readonly pathTemplate: string;
  readonly disableIstioVirtualHost: boolean;
  /** enableGatewayApi: KServe routes through a Gateway API gateway (kserveIngressGateway), not ingressGateway. */
  readonly enableGatewayApi: boolean;
  readonly issues: readonly KServeIngressIssue[];
  /** Data path of the `ingress` key, for locations. */
  readonly path: FieldPath;
  /** The KServe version these values were read as. */
  readonly kserveVersion: string;
}

function pick(snapshot: Snapshot): ConfigMapInfo | undefined {
  const all = snapshot.list('ConfigMap').filter((c) => c.name === INFERENCESERVICE_CONFIG);
  const rank = (ns: string) => (ns === 'kserve' ? 0 : ns === 'kubeflow' ? 1 : 2);
  return [...all].sort((a, b) => rank(a.namespace) - rank(b.namespace) || a.namespace.localeCompare(b.namespace))[0];
}

/** JSON.parse reports "at position N"; turn that into a line for the message. */
function jsonErrorLine(text: string, message: string): number | undefined {
  const m = /position (\d+)/.exec(message);
  if (!m) return undefined;
  return text.slice(0, Number(m[1])).split('\n').length;
}

/**
 * Reads the `ingress` value as KServe's NewIngressConfig does at this version: encoding/json into
 * IngressConfig (case-insensitive keys, later keys win, `null` leaves a field alone, wrong types are errors,
 * a JSON `null` for the whole value makes the controller panic), then its checks.
 * Checked against KServe's own function at 0.13.1 and 0.16.0 by test/upstream.test.ts.
 */
export function parseKServeIngress(text: string | undefined, kserve: string = NEWEST.kserve): { values: Record<string, unknown>; issues: KServeIngressIssue[] } {
  const issues: KServeIngressIssue[] = [];
  if (text === undefined) return { values: {}, issues };
  const doc = decodeJson(text);
  if (!doc.ok) {
    const line = jsonErrorLine(text, doc.error);
    return { values: {}, issues: [{ reason: `"ingress" is not valid JSON${line ? ` (line ${line} of the value)` : ''}: ${doc.error}`, innerPath: undefined }] };
  }
  if (doc.value === null) return { values: {}, issues: [{ reason: '"ingress" is null (the controller dereferences the config and panics)', innerPath: undefined }] };
  const legacy = behaves('kserve-ingress-service-required', { kserve });
  const decoded = decodeStruct(doc.value, legacy ? INGRESS_SCHEMA_013 : INGRESS_SCHEMA_016, 'v1beta1.IngressConfig', { scalarsToStrings: false });
  if (decoded.errors.length > 0) {
    for (const e of decoded.errors) issues.push({ reason: `"ingress" has a value of the wrong type: ${e.message}`, innerPath: e.key ? [e.key] : undefined });
    return { values: decoded.fields, issues };
  }
  const obj = decoded.fields;
  const str = (k: string) => (typeof obj[k] === 'string' ? (obj[k] as string) : '');
  const at = (k: string): FieldPath => [decoded.keys[k] ?? k];
  if (obj['enableGatewayApi'] === true && behaves('kserve-gateway-api-needs-kserve-gateway', { kserve })) {
    const g = str('kserveIngressGateway');
    const parts = g.split('/');
    if (g === '') issues.push({ reason: '"kserveIngressGateway" is required when "enableGatewayApi" is true', innerPath: [] });
    else if (parts.length !== 2) issues.push({ reason: '"kserveIngressGateway" must be written as <namespace>/<name>', innerPath: at('kserveIngressGateway') });
    else if (!isDns1123Label(parts[0]!)) issues.push({ reason: `the namespace of "kserveIngressGateway" ("${parts[0]}") is not a valid name`, innerPath: at('kserveIngressGateway') });
    else if (!isDns1123Label(parts[1]!)) issues.push({ reason: `the name of "kserveIngressGateway" ("${parts[1]}") is not a valid name`, innerPath: at('kserveIngressGateway') });
    if (issues.length > 0) return { values: obj, issues };
  }
  if (legacy && (str('ingressGateway') === '' || str('ingressService') === '')) {
    issues.push({ reason: `"ingressGateway" and "ingressService" are required (KServe ${kserve})`, innerPath: [] });
    return { values: obj, issues };
  }
  if (!legacy && str('ingressGateway') === '') {
    issues.push({ reason: '"ingressGateway" is required', innerPath: [] });
    return { values: obj, issues };
  }
  if (str('pathTemplate') !== '') {
    const why = goTemplateParseError(str('pathTemplate'));
    if (why) issues.push({ reason: `"pathTemplate" is not a valid Go template: ${why}`, innerPath: at('pathTemplate') });
    else if (str('ingressDomain') === '') issues.push({ reason: '"ingressDomain" is required when "pathTemplate" is set', innerPath: [] });
  }
  return { values: obj, issues };
}

export function kserveIngressConfig(snapshot: Snapshot): KServeIngressConfig {
  return snapshot.memo('kserve-ingress-config', () => {
    const cm = pick(snapshot);
    const path: FieldPath = ['data', INGRESS_KEY];
    const kserveVersion = versionOf('kserve', snapshot.versions);
    if (!cm && !snapshot.assumeDefaults) {
      return { status: 'missing', configMap: undefined, ingressKeyPresent: false, ingressGateway: '', localGateway: '', localGatewayKeyPresent: false, localGatewayService: '', knativeLocalGatewayService: '', knativeLocalGatewayServiceSet: false, ingressDomain: '', additionalIngressDomains: [], pathTemplate: '', disableIstioVirtualHost: false, enableGatewayApi: false, issues: [], path, kserveVersion };
    }
    // An `ingress` value that is no string (KGD0007): the API server refuses the ConfigMap, so KServe reads nothing
    // from it; the type finding is the one to report, not what an empty config would do.
    if (cm?.badKeys?.includes(INGRESS_KEY)) {
      return { status: 'invalid', configMap: cm, ingressKeyPresent: true, ingressGateway: '', localGateway: '', localGatewayKeyPresent: false, localGatewayService: '', knativeLocalGatewayService: '', knativeLocalGatewayServiceSet: false, ingressDomain: '', additionalIngressDomains: [], pathTemplate: '', disableIstioVirtualHost: false, enableGatewayApi: false, issues: [], path, kserveVersion };
    }
    const { values, issues } = cm ? parseKServeIngress(cm.data[INGRESS_KEY], kserveVersion) : { values: { ...KSERVE_DEFAULT_INGRESS }, issues: [] };
    const legacy = behaves('kserve-ingress-service-required', { kserve: kserveVersion });
    const str = (k: string) => (typeof values[k] === 'string' ? (values[k] as string) : '');
    // KFServing before 0.5 did not read the local gateway keys: its constants decide.
    const hardCoded = behaves('kfserving-local-gateway-hard-coded', { kserve: kserveVersion });
    const localGatewayService = hardCoded ? `cluster-local-gateway.istio-system.svc.${snapshot.clusterDomain}` : str('localGatewayService');
    const knative = legacy ? '' : str('knativeLocalGatewayService');
    return {
      status: issues.length > 0 ? 'invalid' : 'ok',
      configMap: cm,
      ingressKeyPresent: cm ? cm.data[INGRESS_KEY] !== undefined : true,
      ingressGateway: str('ingressGateway'),
      localGateway: hardCoded ? 'knative-serving/cluster-local-gateway' : str('localGateway'),
      localGatewayKeyPresent: hardCoded || 'localGateway' in values,
      localGatewayService,
      knativeLocalGatewayService: knative || localGatewayService,
      knativeLocalGatewayServiceSet: knative !== '',
      ingressDomain: str('ingressDomain') || 'example.com',
      additionalIngressDomains: Array.isArray(values['additionalIngressDomains']) ? (values['additionalIngressDomains'] as string[]) : [],
      pathTemplate: str('pathTemplate'),
      disableIstioVirtualHost: values['disableIstioVirtualHost'] === true,
      enableGatewayApi: values['enableGatewayApi'] === true,
      issues,
      path,
      kserveVersion,
    };
  });
}

/**
 * The Gateways a KServe gateway key (`localGateway`, `ingressGateway`) names. KServe writes each VirtualService in
 * its InferenceService's namespace, so a bare name stands for that name in each of `isvcNamespaces`; any other form
 * (`ns/name`, the legacy `name.ns`) for one Gateway.
 */
export function kserveGatewayRefs(value: string, isvcNamespaces: readonly string[]): { bare: boolean; refs: ReturnType<typeof resolveGatewayRef>[] } {
  const bare = !value.includes('/') && !value.includes('.');
  return { bare, refs: bare ? [...new Set(isvcNamespaces)].map((ns) => resolveGatewayRef(value, ns)) : [resolveGatewayRef(value, '')] };
}
