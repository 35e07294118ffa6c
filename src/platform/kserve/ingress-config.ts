import type { ConfigMapInfo } from '../../model/core.js';
import type { FieldPath } from '../../shared/path.js';
import type { Snapshot } from '../../snapshot/snapshot.js';

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

const STRING_KEYS = [
  'ingressGateway', 'kserveIngressGateway', 'localGateway', 'localGatewayService', 'knativeLocalGatewayService',
  'ingressDomain', 'ingressClassName', 'domainTemplate', 'urlScheme', 'pathTemplate',
] as const;
const BOOL_KEYS = ['enableGatewayApi', 'disableIstioVirtualHost', 'disableIngressCreation', 'disableHTTPRouteTimeout'] as const;

export interface KServeIngressIssue {
  readonly reason: string;
  readonly innerPath: FieldPath | undefined;
}

/** KServe's `ingress` settings as its controller reads them (pkg/apis/serving/v1beta1/configmap.go). */
export interface KServeIngressConfig {
  readonly status: 'ok' | 'invalid' | 'missing';
  readonly configMap: ConfigMapInfo | undefined;
  readonly ingressGateway: string;
  readonly localGateway: string;
  readonly localGatewayService: string;
  /** What KServe routes the Host-rewritten request to; falls back to localGatewayService when empty. */
  readonly knativeLocalGatewayService: string;
  /** True when `knativeLocalGatewayService` was set explicitly. */
  readonly knativeLocalGatewayServiceSet: boolean;
  readonly ingressDomain: string;
  readonly disableIstioVirtualHost: boolean;
  readonly issues: readonly KServeIngressIssue[];
  /** Data path of the `ingress` key, for locations. */
  readonly path: FieldPath;
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

export function parseKServeIngress(text: string | undefined): { values: Record<string, unknown>; issues: KServeIngressIssue[] } {
  const issues: KServeIngressIssue[] = [];
  if (text === undefined) return { values: {}, issues: [{ reason: 'the ConfigMap has no "ingress" key', innerPath: undefined }] };
  let values: unknown;
  try {
    values = JSON.parse(text);
  } catch (e) {
    const line = jsonErrorLine(text, (e as Error).message);
    return { values: {}, issues: [{ reason: `"ingress" is not valid JSON${line ? ` (line ${line} of the value)` : ''}: ${(e as Error).message}`, innerPath: undefined }] };
  }
  if (values === null || typeof values !== 'object' || Array.isArray(values)) {
    return { values: {}, issues: [{ reason: '"ingress" must be a JSON object', innerPath: undefined }] };
  }
  const obj = values as Record<string, unknown>;
  for (const k of STRING_KEYS) {
    if (k in obj && typeof obj[k] !== 'string') issues.push({ reason: `"${k}" must be a string, got ${JSON.stringify(obj[k])}`, innerPath: [k] });
  }
  for (const k of BOOL_KEYS) {
    if (k in obj && typeof obj[k] !== 'boolean') issues.push({ reason: `"${k}" must be true or false, got ${JSON.stringify(obj[k])}`, innerPath: [k] });
  }
  if (!obj['enableGatewayApi'] && (typeof obj['ingressGateway'] !== 'string' || obj['ingressGateway'] === '')) {
    issues.push({ reason: '"ingressGateway" is required', innerPath: [] });
  }
  return { values: obj, issues };
}

export function kserveIngressConfig(snapshot: Snapshot): KServeIngressConfig {
  return snapshot.memo('kserve-ingress-config', () => {
    const cm = pick(snapshot);
    const path: FieldPath = ['data', INGRESS_KEY];
    if (!cm && !snapshot.assumeDefaults) {
      return { status: 'missing', configMap: undefined, ingressGateway: '', localGateway: '', localGatewayService: '', knativeLocalGatewayService: '', knativeLocalGatewayServiceSet: false, ingressDomain: '', disableIstioVirtualHost: false, issues: [], path };
    }
    const { values, issues } = cm ? parseKServeIngress(cm.data[INGRESS_KEY]) : { values: { ...KSERVE_DEFAULT_INGRESS }, issues: [] };
    const str = (k: string) => (typeof values[k] === 'string' ? (values[k] as string) : '');
    const localGatewayService = str('localGatewayService');
    const knative = str('knativeLocalGatewayService');
    return {
      status: issues.length > 0 ? 'invalid' : 'ok',
      configMap: cm,
      ingressGateway: str('ingressGateway'),
      localGateway: str('localGateway'),
      localGatewayService,
      knativeLocalGatewayService: knative || localGatewayService,
      knativeLocalGatewayServiceSet: knative !== '',
      ingressDomain: str('ingressDomain') || 'example.com',
      disableIstioVirtualHost: values['disableIstioVirtualHost'] === true,
      issues,
      path,
    };
  });
}
