/**
 * Which gateway Deployments and Services an IstioOperator installs, as Istio's installer renders them
 * (operator/pkg/render GenerateManifest: the profile, then the component lists, then the gateways chart,
 * manifests/charts/gateways/istio-ingress|istio-egress). Checked against that renderer in test/install-oracle.test.ts.
 *
 * - A profile (manifests/profiles) decides the lists when the IstioOperator does not write them: `default`, `demo`,
 *   `preview`, `stable` and `openshift` enable `istio-ingressgateway` (`demo` adds `istio-egressgateway` and two
 *   ports); `minimal`, `empty`, `remote`, `ambient` and `openshift-ambient` disable it.
 * - A list written replaces the profile's: `ingressGateways: [{name: custom}]` installs `custom` and no
 *   `istio-ingressgateway`. An entry without `enabled` is installed.
 * - Pods and Service selector carry the chart's `app: istio-ingressgateway`, `istio: ingressgateway` (egress:
 *   `istio-egressgateway`, `egressgateway`) with the entry's `label` merged over them — whatever the entry's name.
 * - Components go to their `namespace`, else `values.global.istioNamespace` (istio-system); `spec.namespace` does
 *   not move them.
 */
import type { GatewayComponent, IstioOperator } from '../../model/istio-operator.js';
import { matchesMap } from '../../model/label-selector.js';
import type { Snapshot } from '../../snapshot/snapshot.js';

type Kind = 'ingress' | 'egress';

const CHART_LABELS: Readonly<Record<Kind, Readonly<Record<string, string>>>> = {
  ingress: { app: 'istio-ingressgateway', istio: 'ingressgateway' },
  egress: { app: 'istio-egressgateway', istio: 'egressgateway' },
};

interface Port { readonly name: string | undefined; readonly port: number; readonly targetPort: number | string | undefined }

const CHART_PORTS: Readonly<Record<Kind, readonly Port[]>> = {
  ingress: [{ name: 'status-port', port: 15021, targetPort: 15021 }, { name: 'http2', port: 80, targetPort: 8080 }, { name: 'https', port: 443, targetPort: 8443 }],
  egress: [{ name: 'http2', port: 80, targetPort: 8080 }, { name: 'https', port: 443, targetPort: 8443 }],
};

/** What each profile sets: its gateway lists (name, enabled) and the demo profile's extra ingress ports. */
const PROFILES: Readonly<Record<string, { ingress: boolean; egress: boolean; extraIngressPorts?: readonly Port[] }>> = {
  default: { ingress: true, egress: false },
  demo: { ingress: true, egress: true, extraIngressPorts: [{ name: 'tcp', port: 31400, targetPort: 31400 }, { name: 'tls', port: 15443, targetPort: 15443 }] },
  preview: { ingress: true, egress: false },
  stable: { ingress: true, egress: false },
  openshift: { ingress: true, egress: false },
  minimal: { ingress: false, egress: false },
  empty: { ingress: false, egress: false },
  remote: { ingress: false, egress: false },
  ambient: { ingress: false, egress: false },
  'openshift-ambient': { ingress: false, egress: false },
};

export interface InstalledGateway {
  readonly operator: IstioOperator;
  readonly kind: Kind;
  /** The entry of the IstioOperator's list; undefined when it comes from the profile. */
  readonly component: GatewayComponent | undefined;
  readonly name: string;
  readonly namespace: string;
  readonly enabled: boolean;
  /** Why it is off: `enabled: false`, the profile, or a list that leaves it out. */
  readonly why: string;
  /** The chart's labels with `label` merged: on the pods, and the Service's selector. */
  readonly labels: Readonly<Record<string, string>>;
  readonly ports: readonly Port[];
}

/** Every gateway an IstioOperator names or its profile has, enabled or not (undefined: a profile kgd does not know). */
export function istioOperatorGateways(iop: IstioOperator): InstalledGateway[] | undefined {
  const profile = PROFILES[iop.profile];
  if (!profile) return undefined;
  const out: InstalledGateway[] = [];
  for (const kind of ['ingress', 'egress'] as const) {
    const list = kind === 'ingress' ? iop.ingressGateways : iop.egressGateways;
    const profileName = `istio-${kind}gateway`;
    const profileOn = kind === 'ingress' ? profile.ingress : profile.egress;
    const chartPorts = kind === 'ingress' && profile.extraIngressPorts ? [...CHART_PORTS.ingress, ...profile.extraIngressPorts] : CHART_PORTS[kind];
    const gw = (name: string, component: GatewayComponent | undefined, enabled: boolean, why: string): InstalledGateway => ({
      operator: iop, kind, component, name, enabled, why,
      namespace: component?.namespace ?? iop.istioNamespace,
      labels: { ...CHART_LABELS[kind], ...(component?.label ?? {}) },
      ports: component?.ports && component.ports.length > 0 ? component.ports : chartPorts,
    });
    if (list === undefined) {
      out.push(gw(profileName, undefined, profileOn, profileOn ? '' : `profile ${iop.profile} disables it`));
      continue;
    }
    for (const c of list) {
      if (!c.name) continue;
      out.push(gw(c.name, c, c.enabled !== false, c.enabled === false ? `spec.components.${kind}Gateways[${c.index}].enabled is false` : ''));
    }
    // The profile's gateway, left out of a list written: not installed.
    if (profileOn && !list.some((c) => c.name === profileName)) {
      out.push(gw(profileName, undefined, false, `spec.components.${kind}Gateways replaces the ${iop.profile} profile's list and leaves ${profileName} out`));
    }
  }
  return out;
}

/** The gateways of every IstioOperator in the input. */
export function installedGateways(s: Snapshot): InstalledGateway[] {
  return s.memo('installed-gateways', () => s.list('IstioOperator').flatMap((iop) => istioOperatorGateways(iop) ?? []));
}

/** A disabled gateway of the install whose pods a selector would have matched. */
export function disabledGatewayMatching(s: Snapshot, selector: Readonly<Record<string, string>>): InstalledGateway | undefined {
  if (Object.keys(selector).length === 0) return undefined;
  const all = installedGateways(s);
  return all.find((g) => !g.enabled && matchesMap(selector, g.labels) && !all.some((e) => e.enabled && matchesMap(selector, e.labels)));
}

/** The Deployment and Service Istio's installer would create for an enabled gateway (for a partial input). */
export function installedGatewayObjects(g: InstalledGateway): Record<string, unknown>[] {
  const labels = { ...g.labels };
  const containerPorts = g.ports.filter((p) => typeof p.targetPort === 'number' || p.targetPort === undefined).map((p) => ({ ...(p.name ? { name: p.name } : {}), containerPort: typeof p.targetPort === 'number' ? p.targetPort : p.port }));
  return [
    {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: g.name, namespace: g.namespace, labels },
      spec: { selector: { matchLabels: labels }, template: { metadata: { labels: { ...labels, 'sidecar.istio.io/inject': 'false', 'service.istio.io/canonical-name': g.name } }, spec: { containers: [{ name: 'istio-proxy', image: 'auto', ports: containerPorts }] } } },
    },
    {
      apiVersion: 'v1', kind: 'Service', metadata: { name: g.name, namespace: g.namespace, labels },
      spec: { type: g.kind === 'ingress' ? 'LoadBalancer' : 'ClusterIP', selector: labels, ports: g.ports.map((p) => ({ ...(p.name ? { name: p.name } : {}), port: p.port, ...(p.targetPort !== undefined ? { targetPort: p.targetPort } : {}) })) },
    },
  ];
}
