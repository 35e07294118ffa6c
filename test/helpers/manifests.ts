import { stringify } from 'yaml';

/** Builders for the resources rule tests combine; each returns a plain object, `docs` makes YAML. */
export type Obj = Record<string, unknown>;

export function docs(...objs: (Obj | Obj[] | undefined)[]): string {
  return objs.flat().filter((o): o is Obj => o !== undefined).map((o) => stringify(o)).join('---\n');
}

export const WEBHOOK_LABELS = { 'app.kubernetes.io/name': 'knative-serving', 'app.kubernetes.io/component': 'net-istio' };

export function configIstio(data: Record<string, string> = {}, labels: Record<string, string> = WEBHOOK_LABELS): Obj {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'config-istio', namespace: 'knative-serving', labels }, data };
}

export function deployment(namespace: string, name: string, labels: Record<string, string>, ports: { name?: string; containerPort: number }[] = []): Obj {
  return {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace },
    spec: { selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'c', image: 'img', ports }] } } },
  };
}

export interface ServerSpec { port: number; hosts?: string[]; protocol?: string; name?: string; tls?: Record<string, unknown> }

export function gateway(namespace: string, name: string, selector: Record<string, string> | undefined, servers: ServerSpec[] = [{ port: 8081 }]): Obj {
  return {
    apiVersion: 'networking.istio.io/v1beta1', kind: 'Gateway', metadata: { name, namespace },
    spec: {
      ...(selector ? { selector } : {}),
      servers: servers.map((s, i) => ({ port: { number: s.port, name: s.name ?? `http-${i}`, protocol: s.protocol ?? 'HTTP' }, hosts: s.hosts ?? ['*'], ...(s.tls ? { tls: s.tls } : {}) })),
    },
  };
}

export function service(namespace: string, name: string, selector: Record<string, string> | undefined, ports: { port: number; targetPort?: number | string; name?: string }[], labels: Record<string, string> = {}): Obj {
  return {
    apiVersion: 'v1', kind: 'Service', metadata: { name, namespace, labels },
    spec: { ...(selector ? { selector } : {}), ports: ports.map((p, i) => ({ name: p.name ?? `p${i}`, port: p.port, ...(p.targetPort !== undefined ? { targetPort: p.targetPort } : {}) })) },
  };
}

export const NO_TRANSLATION = { 'experimental.istio.io/disable-gateway-port-translation': 'true' };
export const INGRESS_PODS = { app: 'istio-ingressgateway', istio: 'ingressgateway' };

export function kserveConfig(ingress: Record<string, unknown> | string, namespace = 'kserve'): Obj {
  return {
    apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'inferenceservice-config', namespace },
    data: { ingress: typeof ingress === 'string' ? ingress : JSON.stringify(ingress, null, 2) },
  };
}

export const KSERVE_DEFAULT_INGRESS = {
  ingressGateway: 'knative-serving/knative-ingress-gateway',
  localGateway: 'knative-serving/knative-local-gateway',
  localGatewayService: 'knative-local-gateway.istio-system.svc.cluster.local',
};

export function isvc(namespace: string, name: string, components: string[] = ['predictor']): Obj {
  return { apiVersion: 'serving.kserve.io/v1beta1', kind: 'InferenceService', metadata: { name, namespace }, spec: Object.fromEntries(components.map((c) => [c, { model: { modelFormat: { name: 'sklearn' } } }])) };
}

/**
 * The upstream default install: net-istio's Gateways and Service on the istio-ingressgateway pods, an
 * empty config-istio (code defaults), and KServe's shipped ingress config.
 */
export function defaultStack(overrides: { configIstio?: Obj | null; kserve?: Obj | null } = {}): Obj[] {
  return [
    overrides.configIstio === null ? undefined : (overrides.configIstio ?? configIstio()),
    gateway('knative-serving', 'knative-local-gateway', { istio: 'ingressgateway' }, [{ port: 8081 }]),
    gateway('knative-serving', 'knative-ingress-gateway', { istio: 'ingressgateway' }, [{ port: 80 }]),
    service('istio-system', 'knative-local-gateway', { istio: 'ingressgateway' }, [{ port: 80, targetPort: 8081 }, { port: 443, targetPort: 8444 }], NO_TRANSLATION),
    service('istio-system', 'istio-ingressgateway', INGRESS_PODS, [{ port: 80, targetPort: 8080 }, { port: 443, targetPort: 8443 }], INGRESS_PODS),
    deployment('istio-system', 'istio-ingressgateway', INGRESS_PODS),
    overrides.kserve === null ? undefined : (overrides.kserve ?? kserveConfig(KSERVE_DEFAULT_INGRESS)),
  ].filter((x): x is Obj => x !== undefined);
}

/** The list-format local gateway entry for config-istio. */
export function localGateways(...entries: Record<string, unknown>[]): string {
  return stringify(entries);
}

/** config-domain with a default domain: routes get external hosts (without it Knative >= 1.8 keeps them cluster-local). */
export function configDomain(domain = 'example.com'): Obj {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'config-domain', namespace: 'knative-serving' }, data: { [domain]: '' } };
}
