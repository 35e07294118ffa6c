import type { Resource } from '../load/resource.js';
import type { FieldReader } from './reader.js';

/** One entry of `spec.components.ingressGateways` / `egressGateways` of an IstioOperator (install.istio.io/v1alpha1). */
export interface GatewayComponent {
  readonly index: number;
  readonly name: string | undefined;
  readonly namespace: string | undefined;
  /** `enabled`; absent: undefined (Istio's installer then installs it). */
  readonly enabled: boolean | undefined;
  /** `label`: merged over the chart's `app`/`istio` labels, on the pods and as the Service selector. */
  readonly label: Readonly<Record<string, string>> | undefined;
  /** `k8s.service.ports`: replace the chart's Service ports. */
  readonly ports: readonly { readonly name: string | undefined; readonly port: number; readonly targetPort: number | string | undefined }[] | undefined;
}

export interface IstioOperator {
  readonly res: Resource;
  readonly namespace: string;
  readonly name: string;
  /** spec.profile; absent: `default`. */
  readonly profile: string;
  /** spec.values.global.istioNamespace: where components without a namespace go (default istio-system). */
  readonly istioNamespace: string;
  /** The lists as written; undefined: the profile's list applies (a list written replaces the profile's). */
  readonly ingressGateways: readonly GatewayComponent[] | undefined;
  readonly egressGateways: readonly GatewayComponent[] | undefined;
}

function components(r: FieldReader, key: 'ingressGateways' | 'egressGateways'): GatewayComponent[] | undefined {
  return r.mapList(['spec', 'components', key], (p, index): GatewayComponent => ({
    index,
    name: r.str([...p, 'name']),
    namespace: r.str([...p, 'namespace']),
    enabled: r.bool([...p, 'enabled']),
    label: r.strMap([...p, 'label']),
    ports: r.mapList([...p, 'k8s', 'service', 'ports'], (q) => {
      const port = r.int([...q, 'port']);
      return port === undefined ? undefined : { name: r.str([...q, 'name']), port, targetPort: r.intOrString([...q, 'targetPort']) };
    })?.filter((x): x is NonNullable<typeof x> => x !== undefined),
  }));
}

export function readIstioOperator(r: FieldReader, namespace: string): IstioOperator {
  return {
    res: r.resource,
    namespace,
    name: r.resource.name,
    profile: r.str(['spec', 'profile']) ?? 'default',
    istioNamespace: r.str(['spec', 'values', 'global', 'istioNamespace']) ?? 'istio-system',
    ingressGateways: components(r, 'ingressGateways'),
    egressGateways: components(r, 'egressGateways'),
  };
}
