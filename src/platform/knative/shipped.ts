import { DISABLE_PORT_TRANSLATION_LABEL } from '../istio/listeners.js';
import { behaves, type Versions } from '../versions.js';

/** net-istio's shipped labels on its Gateways, Service and config-istio (config/*.yaml). */
export const NET_ISTIO_LABELS: Readonly<Record<string, string>> = {
  'app.kubernetes.io/component': 'net-istio',
  'app.kubernetes.io/name': 'knative-serving',
  'networking.knative.dev/ingress-provider': 'istio',
};

export const DEFAULT_GATEWAY_SELECTOR: Readonly<Record<string, string>> = { istio: 'ingressgateway' };
/** Port of the local gateway's HTTP server, and the target of the local Service's port 80. */
export const LOCAL_GATEWAY_PORT = 8081;
/** ClusterLocalGatewayHTTPSPort in net-istio. */
export const LOCAL_GATEWAY_HTTPS_PORT = 8444;

/** The Gateway objects net-istio ships (config/202-gateway.yaml, 203-local-gateway.yaml). */
export function shippedGateway(kind: 'local' | 'ingress', namespace: string, selector: Readonly<Record<string, string>>): Record<string, unknown> {
  const local = kind === 'local';
  return {
    apiVersion: 'networking.istio.io/v1beta1',
    kind: 'Gateway',
    metadata: { name: local ? 'knative-local-gateway' : 'knative-ingress-gateway', namespace, labels: { ...NET_ISTIO_LABELS } },
    spec: {
      selector: { ...selector },
      servers: [{ port: { number: local ? LOCAL_GATEWAY_PORT : 80, name: 'http', protocol: 'HTTP' }, hosts: ['*'] }],
    },
  };
}

/**
 * The `knative-local-gateway` Service net-istio ships at these versions: 80 → 8081 with port translation disabled,
 * and from net-istio 1.14 also 443 → 8444 for cluster-local TLS.
 */
export function shippedLocalService(namespace: string, selector: Readonly<Record<string, string>>, versions: Versions): Record<string, unknown> {
  const withHttps = behaves('net-istio-local-service-https-port', versions);
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'knative-local-gateway', namespace, labels: { ...NET_ISTIO_LABELS, [DISABLE_PORT_TRANSLATION_LABEL]: 'true' } },
    spec: {
      type: 'ClusterIP',
      selector: { ...selector },
      ports: [
        { name: 'http2', port: 80, targetPort: LOCAL_GATEWAY_PORT },
        ...(withHttps ? [{ name: 'https', port: 443, targetPort: LOCAL_GATEWAY_HTTPS_PORT }] : []),
      ],
    },
  };
}
