/**
 * Deterministic generators of inputs for the upstream oracle (test/upstream.test.ts): config-istio data around
 * every known divergence and its neighbours, names near 63 characters, KServe `ingress` JSON, config-domain,
 * and whole InferenceService set-ups for the VirtualService derivations.
 */

import { prng } from '../helpers/prng.js';

export type Rnd = () => number;
export const pick = <T>(r: Rnd, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const chance = (r: Rnd, p: number) => r() < p;

// ---------------------------------------------------------------------------------------------------------
// config-istio

/** Scalars written as YAML, chosen to hit go-yaml v2's resolution and sigs.k8s.io/yaml's string coercion. */
const NAME_SCALARS = [
  'knative-local-gateway', 'custom-gateway', 'gw', 'mesh', '123', '0x1F', '0o17', '017', '08', '1_000', '1.50', '1e7', '-3', '+4', '.5', '3.',
  'on', 'off', 'yes', 'no', 'y', 'n', 'true', 'False', '~', 'null', '""', "'123'", '"on"', 'Name-With-Caps', 'a.b', '[a]', '{a: b}', '.inf', '.nan', '1e400',
];
const NS_SCALARS = ['knative-serving', 'istio-system', 'custom-ns', '', 'on', '42', '"istio-system"', 'null'];
const SERVICE_SCALARS = [
  'knative-local-gateway.istio-system.svc.cluster.local', 'custom-gateway.custom-ns.svc.cluster.local', 'custom-gateway.custom-ns.svc.cluster.local.',
  'Custom-Gateway.istio-system.svc.cluster.local', 'under_score.istio-system.svc.cluster.local', 'a', '""', '123', '1.5', 'yes', '-bad.example.com', 'x..y',
];
const SELECTORS = [
  undefined, 'null', '{}', '{matchLabels: {app: ml}}', '{matchLabels: {"bad key!": x}}', '{matchLabels: {app: "bad value!"}}', '{matchLabels: {a/b/c: x}}',
  '{matchLabels: {example.com/app: ml}}', '{matchLabels: {app: 123}}', '{matchLabels: {app: on}}',
  '{matchExpressions: [{key: app, operator: In, values: [ml]}]}', '{matchExpressions: [{key: app, operator: In}]}',
  '{matchExpressions: [{key: app, operator: Exists}]}', '{matchExpressions: [{key: app, operator: Exists, values: [x]}]}',
  '{matchExpressions: [{key: app, operator: Equals, values: [x]}]}', '{matchExpressions: [{key: "", operator: Exists}]}',
  '{matchexpressions: [{key: app, operator: NotIn, values: [a, b]}]}', '{MatchLabels: {team: a}}',
];
const FIELD_SPELLINGS = {
  name: ['name', 'Name', 'NAME', 'nAmE'],
  namespace: ['namespace', 'Namespace', 'NAMESPACE'],
  service: ['service', 'Service', 'SERVICE', 'svc'],
  labelSelector: ['labelSelector', 'labelselector', 'LabelSelector'],
};

function entryYaml(r: Rnd, flow: boolean): string {
  const fields: string[] = [];
  if (!chance(r, 0.05)) fields.push(`${pick(r, FIELD_SPELLINGS.name)}: ${pick(r, NAME_SCALARS)}`);
  if (!chance(r, 0.05)) fields.push(`${pick(r, FIELD_SPELLINGS.namespace)}: ${pick(r, NS_SCALARS)}`);
  if (!chance(r, 0.05)) fields.push(`${pick(r, FIELD_SPELLINGS.service)}: ${pick(r, SERVICE_SCALARS)}`);
  const sel = chance(r, 0.4) ? pick(r, SELECTORS) : undefined;
  if (sel !== undefined) fields.push(`${pick(r, FIELD_SPELLINGS.labelSelector)}: ${sel}`);
  if (chance(r, 0.1)) fields.push(`extra: ignored`);
  if (flow) return `{${fields.join(', ')}}`;
  return fields.map((f, i) => `${i === 0 ? '- ' : '  '}${f}`).join('\n') || '- {}';
}

/** A plausible, usually valid entry (so that lists of several entries are not all refused for the first). */
function goodEntry(r: Rnd, withSelector: boolean): string {
  const name = pick(r, ['knative-local-gateway', 'custom-gateway', 'gw-a', 'gw-b']);
  const ns = pick(r, ['knative-serving', 'istio-system', 'custom-ns']);
  const svc = pick(r, ['knative-local-gateway.istio-system.svc.cluster.local', 'custom-gateway.custom-ns.svc.cluster.local', 'gw.istio-system.svc.cluster.local.']);
  const sel = withSelector ? `\n  labelSelector: ${pick(r, SELECTORS.slice(2, 4).concat(SELECTORS.slice(10, 11), SELECTORS.slice(12, 13)))}` : '';
  return `- name: ${name}\n  namespace: ${ns}\n  service: ${svc}${sel}`;
}

function listValue(r: Rnd): string {
  const kind = r();
  if (kind < 0.08) return pick(r, ['', '   ', '[]', ' [] ', '~', 'null', '# only a comment', '---', 'notYAML', '{name: x}', '- just a string', '[1, 2]', '- [a]', ': bad', '- name: "unterminated']);
  if (kind < 0.3) {
    const n = 1 + Math.floor(r() * 3);
    return Array.from({ length: n }, () => entryYaml(r, false)).join('\n');
  }
  if (kind < 0.38) return `[${Array.from({ length: 1 + Math.floor(r() * 2) }, () => entryYaml(r, true)).join(', ')}]`;
  if (kind < 0.46) return `${goodEntry(r, false)}\n---\n${entryYaml(r, false)}`;
  const entries = [goodEntry(r, false)];
  const more = Math.floor(r() * 3);
  for (let i = 0; i < more; i++) entries.push(chance(r, 0.7) ? goodEntry(r, true) : chance(r, 0.5) ? goodEntry(r, false) : entryYaml(r, false));
  if (chance(r, 0.3)) entries.reverse();
  return entries.join('\n');
}

const LEGACY_KEYS = [
  'local-gateway.', 'gateway.', 'local-gateway.knative-local-gateway', 'local-gateway.custom-ns.custom-gateway', 'local-gateway.custom-ns.a.b',
  'local-gateway.mesh', 'local-gateway..x', 'local-gateway.ns.', 'gateway.knative-serving.knative-ingress-gateway', 'gateway.kubeflow.kubeflow-gateway',
  'gateway.only-name', 'local-gateway.knative-serving.knative-local-gateway',
];
const LEGACY_VALUES = ['knative-local-gateway.istio-system.svc.cluster.local', 'istio-ingressgateway.istio-system.svc.cluster.local', 'mesh', '', 'Bad_Service', 'x.y.', 'cluster-local-gateway.istio-system.svc.cluster.local'];

export function configIstioCases(count: number, seed = 1001): Record<string, string>[] {
  const r = prng(seed);
  const out: Record<string, string>[] = [{}, { _example: 'ignored' }];
  while (out.length < count) {
    const data: Record<string, string> = {};
    const shape = r();
    if (shape < 0.55) {
      if (chance(r, 0.85)) data['local-gateways'] = listValue(r);
      if (chance(r, 0.5)) data['external-gateways'] = chance(r, 0.5) ? goodEntry(r, false).replace(/local/g, 'ingress') : listValue(r);
    } else if (shape < 0.9) {
      const n = 1 + Math.floor(r() * 3);
      for (let i = 0; i < n; i++) data[pick(r, LEGACY_KEYS)] = pick(r, LEGACY_VALUES);
    } else {
      data['local-gateways'] = goodEntry(r, false);
      data[pick(r, LEGACY_KEYS)] = pick(r, LEGACY_VALUES);
    }
    if (chance(r, 0.1)) data['enable-virtualservice-status'] = pick(r, ['true', 'false', 'maybe', '1']);
    if (chance(r, 0.1)) data['_example'] = 'local-gateways: |\n  - name: x';
    out.push(data);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// names

export function childNameCases(count: number, seed = 1002): { parent: string; suffix: string }[] {
  const r = prng(seed);
  const suffixes = ['-ingress', '-mesh', '', '-00001', '-predictor', '-private', '-a-suffix-that-is-really-long-and-keeps-going-well-past-thirty-two'];
  const out: { parent: string; suffix: string }[] = [];
  while (out.length < count) {
    const len = 1 + Math.floor(r() * 80);
    let parent = '';
    for (let i = 0; i < len; i++) parent += pick(r, 'abcdefghijklmnopqrstuvwxyz0123456789--'.split(''));
    parent = parent.replace(/^-+/, 'a').replace(/-+$/, 'z');
    out.push({ parent, suffix: pick(r, suffixes) });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// KServe ingress JSON

const KSERVE_KEYS: readonly [string, readonly unknown[]][] = [
  ['ingressGateway', ['knative-serving/knative-ingress-gateway', 'kubeflow/kubeflow-gateway', '', null, 42]],
  ['IngressGateway', ['kubeflow/kubeflow-gateway']],
  ['ingressService', ['istio-ingressgateway.istio-system.svc.cluster.local', '']],
  ['localGateway', ['knative-serving/knative-local-gateway', 'istio-system/custom-gateway', 'custom-gateway.istio-system', '', null]],
  ['localGatewayService', ['knative-local-gateway.istio-system.svc.cluster.local', 'custom-gateway.istio-system.svc.cluster.local', true]],
  ['knativeLocalGatewayService', ['', 'knative-local-gateway.istio-system.svc.cluster.local', null, 7]],
  ['KnativeLocalGatewayService', ['custom.istio-system.svc.cluster.local']],
  ['ingressDomain', ['example.com', '', 'ml.example.org', null]],
  ['enableGatewayApi', [true, false, 'true', null]],
  ['kserveIngressGateway', ['kserve/kserve-ingress-gateway', 'no-slash', 'a/b/c', 'Bad/name', 'kserve/Bad_Name', '']],
  ['additionalIngressDomains', [['extra.example.com'], [], 'x.com', null, ['ok.example.com', 'ok.example.com', 'bad_domain'], [1]]],
  ['pathTemplate', ['/serving/{{ .Namespace }}/{{ .Name }}', '{{ .Name', '/{{ .Name }}{{ end }}', '/x/{{ foo .Name }}', '/{{ printf "%s" .Name }}', '/{{/* c */}}{{.Name}}', '{{ if .Name }}/a{{ end }}', '{{ if .Name }}/a', '/{{ $x := .Name }}{{ $x }}', '/{{ $y }}', '/{{ .Name | len }}', '/{{}}', '/{{ "unterminated }}', '/{{ nil }}', '/{{ (.Name }}', '']],
  ['urlScheme', ['http', 'https', 5]],
  ['disableIstioVirtualHost', [false, true, 'no']],
  ['domainTemplate', ['{{ .Name }}-{{ .Namespace }}.{{ .IngressDomain }}']],
  ['unknownKey', ['whatever', { nested: [1, 2] }]],
];

export function kserveIngressCases(count: number, seed = 1003): (string | undefined)[] {
  const r = prng(seed);
  const out: (string | undefined)[] = [undefined, 'null', '{}', '[]', '"text"', '{"ingressGateway": "a/b",}', '{"ingressGateway": "a/b"', 'not json', '{"ingressGateway":"a/b","ingressGateway":null}', '{"ingressGateway":"a/b","IngressGateway":""}'];
  while (out.length < count) {
    const entries: string[] = [];
    // Usually a complete, valid base so that one key at a time decides.
    if (chance(r, 0.7)) entries.push('"ingressGateway": "knative-serving/knative-ingress-gateway"', '"ingressService": "istio-ingressgateway.istio-system.svc.cluster.local"', '"localGateway": "knative-serving/knative-local-gateway"', '"localGatewayService": "knative-local-gateway.istio-system.svc.cluster.local"');
    const n = 1 + Math.floor(r() * 4);
    for (let i = 0; i < n; i++) {
      const [k, values] = pick(r, KSERVE_KEYS);
      entries.push(`${JSON.stringify(k)}: ${JSON.stringify(pick(r, values))}`);
    }
    out.push(`{\n  ${entries.join(',\n  ')}\n}`);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// config-domain and InferenceService set-ups

const DOMAIN_VALUES = ['', 'selector:\n  app: ml', 'selector:\n  app: ml\n  tier: gold', 'selector: {team: a}', 'type: wildcard', 'selector: {}', '{selector: [a]}', 'selector:\n  app: 42', '# comment only', 'selector: {app: on}', ': bad'];
const DOMAIN_KEYS = ['example.com', 'ml.example.org', 'a.example.com', 'svc.cluster.local', '_example', '_other', 'zz.example.net'];

export function configDomainCase(r: Rnd): Record<string, string> {
  const data: Record<string, string> = {};
  const n = Math.floor(r() * 4);
  for (let i = 0; i < n; i++) data[pick(r, DOMAIN_KEYS)] = pick(r, DOMAIN_VALUES);
  return data;
}

export interface DomainCase {
  readonly configDomain: Record<string, string>;
  readonly name: string;
  readonly namespace: string;
  readonly labels: Record<string, string>;
}

export function domainCases(count: number, seed = 1004): DomainCase[] {
  const r = prng(seed);
  const out: DomainCase[] = [];
  while (out.length < count) {
    const labels: Record<string, string> = {};
    if (chance(r, 0.4)) labels['app'] = pick(r, ['ml', 'web']);
    if (chance(r, 0.2)) labels['tier'] = 'gold';
    if (chance(r, 0.2)) labels['team'] = 'a';
    if (chance(r, 0.2)) labels['networking.knative.dev/visibility'] = pick(r, ['cluster-local', 'public']);
    out.push({ configDomain: configDomainCase(r), name: pick(r, ['m-predictor', 'sklearn-iris-predictor', 'x']), namespace: pick(r, ['ns', 'kubeflow-user']), labels });
  }
  return out;
}

export interface SetupCase {
  readonly name: string;
  readonly isvc: { name: string; namespace: string; labels: Record<string, string>; annotations: Record<string, string>; components: ('predictor' | 'transformer' | 'explainer')[]; notReady?: string; predictorName?: string };
  readonly configIstio: Record<string, string>;
  readonly configDomain: Record<string, string>;
  readonly ingress: string;
  /** config-network (system-internal-tls, internal-encryption). */
  readonly configNetwork: Record<string, string>;
  /**
   * Per component, how its containers are written with their port names: `model` (one container, as
   * spec.<c>.model.ports) or `containers` (spec.<c>.containers). Absent: no ports written (the runtime's apply).
   */
  readonly containers: Partial<Record<'predictor' | 'transformer' | 'explainer', { style: 'model' | 'containers'; ports: string[][] }>>;
}

const ISVC_NAMES = ['sklearn-iris', 'm', 'my-predictor-model', 'a-rather-long-inference-service-name-of-forty-six', 'x'.repeat(44), 'model-default', 'a'.repeat(56)];

export function setupCases(count: number, seed = 1005): SetupCase[] {
  const r = prng(seed);
  // Predictor names come from a second stream, so that adding them left every other choice as it was;
  // container ports and config-network from a third, for the same reason.
  const r2 = prng(seed ^ 0x20);
  const r3 = prng(seed ^ 0x30);
  const out: SetupCase[] = [];
  while (out.length < count) {
    const predictorName = chance(r2, 0.3) ? pick(r2, ['v2', 'blue', 'a-long-predictor-variant-name']) : undefined;
    const labels: Record<string, string> = {};
    if (chance(r, 0.25)) labels['networking.knative.dev/visibility'] = 'cluster-local';
    if (chance(r, 0.15)) labels['networking.kserve.io/visibility'] = 'cluster-local';
    if (chance(r, 0.3)) labels['app'] = pick(r, ['ml', 'web']);
    const annotations: Record<string, string> = {};
    if (chance(r, 0.1)) annotations['serving.kserve.io/stop'] = pick(r, ['true', 'TRUE', 'false']);
    const components: SetupCase['isvc']['components'] = ['predictor'];
    if (chance(r, 0.25)) components.push('transformer');
    if (chance(r, 0.2)) components.push('explainer');
    const local = pick(r, [
      undefined,
      '- name: knative-local-gateway\n  namespace: knative-serving\n  service: knative-local-gateway.istio-system.svc.cluster.local',
      '- name: custom-gateway\n  namespace: istio-system\n  service: custom-gateway.istio-system.svc.cluster.local',
      '- name: knative-local-gateway\n  namespace: knative-serving\n  service: knative-local-gateway.istio-system.svc.cluster.local\n- name: ml-gateway\n  namespace: istio-system\n  service: ml-gateway.istio-system.svc.cluster.local\n  labelSelector:\n    matchLabels:\n      app: ml',
    ]);
    const configIstio: Record<string, string> = {};
    if (local) configIstio['local-gateways'] = local;
    if (chance(r, 0.2)) configIstio['external-gateways'] = '- name: kubeflow-gateway\n  namespace: kubeflow\n  service: istio-ingressgateway.istio-system.svc.cluster.local';
    const ingress: Record<string, unknown> = {
      ingressGateway: pick(r, ['knative-serving/knative-ingress-gateway', 'kubeflow/kubeflow-gateway']),
      ingressService: 'istio-ingressgateway.istio-system.svc.cluster.local',
      localGateway: pick(r, ['knative-serving/knative-local-gateway', 'istio-system/custom-gateway']),
      localGatewayService: pick(r, ['knative-local-gateway.istio-system.svc.cluster.local', 'custom-gateway.istio-system.svc.cluster.local']),
    };
    if (chance(r, 0.3)) ingress['knativeLocalGatewayService'] = 'knative-local-gateway.istio-system.svc.cluster.local';
    if (chance(r, 0.3)) ingress['ingressDomain'] = pick(r, ['example.com', 'ml.example.org']);
    if (chance(r, 0.25)) ingress['additionalIngressDomains'] = pick(r, [['extra.example.com'], ['extra.example.com', 'extra.example.com', 'in_valid.com']]);
    if (chance(r, 0.15)) ingress['pathTemplate'] = pick(r, ['/serving/{{ .Namespace }}/{{ .Name }}', '/{{ .Name }}/', 'no-slash/{{ .Name }}']);
    const configDomain = chance(r, 0.15) ? {} : chance(r, 0.5) ? { 'example.com': '' } : configDomainCase(r);
    const notReady = chance(r, 0.08) ? pick(r, ['PredictorReady', 'TransformerReady', 'ExplainerReady']) : undefined;
    const containers: SetupCase['containers'] = {};
    for (const comp of components) {
      if (!chance(r3, 0.4)) continue;
      const style = pick(r3, ['model', 'containers'] as const);
      const portSets = [['h2c'], ['http1'], ['http1', 'h2c'], ['h2c', 'grpc'], []];
      const ports = style === 'model' ? [pick(r3, portSets)] : Array.from({ length: 1 + Math.floor(r3() * 2) }, () => pick(r3, portSets));
      containers[comp] = { style, ports };
    }
    const configNetwork: Record<string, string> = chance(r3, 0.2) ? { 'system-internal-tls': pick(r3, ['Enabled', 'enabled', 'Disabled']) } : chance(r3, 0.06) ? { 'internal-encryption': pick(r3, ['true', 'false']) } : {};
    out.push({
      name: `setup-${out.length}`,
      configNetwork, containers,
      isvc: { name: pick(r, ISVC_NAMES), namespace: pick(r, ['ns', 'kubeflow-user-example-com']), labels, annotations, components, ...(notReady ? { notReady } : {}), ...(predictorName ? { predictorName } : {}) },
      configIstio, configDomain, ingress: JSON.stringify(ingress),
    });
  }
  return out;
}
