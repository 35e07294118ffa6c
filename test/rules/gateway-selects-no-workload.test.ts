import { RuleTester } from '../rule-tester.js';
import rule from '../../src/rules/gateway-selects-no-workload.js';
import { defaultStack, deployment, docs, gateway, INGRESS_PODS, kserveConfig, KSERVE_DEFAULT_INGRESS } from '../helpers/manifests.js';

const boundVs = (gw: string) => ({ apiVersion: 'networking.istio.io/v1beta1', kind: 'VirtualService', metadata: { name: 'vs', namespace: 'apps' }, spec: { hosts: ['a.example.com'], gateways: [gw], http: [{ route: [{ destination: { host: 'a' } }] }] } });

/** Knative's and KServe's default objects without Istio's gateway Deployment: the install decides whether there is one. */
const withoutGatewayPods = () => defaultStack().filter((o) => o['kind'] !== 'Deployment');
const iop = (spec: Record<string, unknown>) => ({ apiVersion: 'install.istio.io/v1alpha1', kind: 'IstioOperator', metadata: { name: 'installed-state', namespace: 'istio-system' }, spec });
const partial = { complete: false };

new RuleTester().run(rule, {
  valid: [
    { name: 'shipped gateways on istio-ingressgateway pods', manifests: docs(defaultStack()) },
    { name: 'gateway pods in another namespace still match', manifests: docs(gateway('knative-serving', 'g', { app: 'custom-gateway' }), deployment('gateways', 'custom-gateway', { app: 'custom-gateway' })) },
    {
      name: 'a StatefulSet or DaemonSet of gateway pods in another namespace (Istio\'s analyzer checks Pods only: istio/istio#44430, #38148, #40861)',
      manifests: docs(gateway('knative-serving', 'g', { app: 'gw' }), gateway('knative-serving', 'h', { app: 'gw2' }),
        { ...deployment('gateways', 'gw', { app: 'gw' }), kind: 'StatefulSet' }, { ...deployment('edge', 'gw2', { app: 'gw2' }), kind: 'DaemonSet' }),
    },
    {
      name: 'a Pod instead of a Deployment',
      manifests: docs(gateway('istio-system', 'g', { app: 'gw' }), { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'gw-0', namespace: 'istio-system', labels: { app: 'gw' } }, spec: { containers: [{ name: 'c', image: 'i' }] } }),
    },
    { name: 'IstioOperator with the default profile: its ingress gateway exists (rendered, not in the input)', manifests: docs(withoutGatewayPods(), iop({ profile: 'default' })), options: partial },
    {
      name: 'IstioOperator with a custom gateway labelled as Knative\'s Gateway selects it',
      manifests: docs(gateway('knative-serving', 'knative-local-gateway', { istio: 'custom-gateway' }, [{ port: 8081 }]), iop({ profile: 'minimal', components: { ingressGateways: [{ name: 'custom-ingressgateway', namespace: 'custom-ns', enabled: true, label: { istio: 'custom-gateway' } }] } })),
      options: partial,
    },
    {
      name: 'a custom gateway labelled only with app keeps the chart\'s istio: ingressgateway, so Knative\'s Gateways select it',
      manifests: docs(withoutGatewayPods(), iop({ components: { ingressGateways: [{ name: 'custom', label: { app: 'custom' } }] } })),
      options: partial,
    },
  ],
  invalid: [
    {
      name: 'issue #19: IstioOperator with the ingress gateway disabled and Knative\'s default local gateway',
      manifests: docs(withoutGatewayPods(), iop({ components: { ingressGateways: [{ name: 'istio-ingressgateway', enabled: false }] } })),
      options: partial,
      errors: [
        { id: 'GatewaySelectsDisabledGateway', resource: 'Gateway knative-serving/knative-local-gateway', data: { selector: 'istio=ingressgateway', gateway: 'istio-system/istio-ingressgateway', why: 'spec.components.ingressGateways[0].enabled is false', field: 'spec.components.ingressGateways[0].enabled: true', others: 'none' } },
        { id: 'GatewaySelectsDisabledGateway', resource: 'Gateway knative-serving/knative-ingress-gateway' },
      ],
    },
    {
      name: 'the minimal profile has no ingress gateway (whole cluster)',
      manifests: docs(withoutGatewayPods(), iop({ profile: 'minimal' })),
      errors: [
        { id: 'GatewaySelectsDisabledGateway', resource: 'Gateway knative-serving/knative-local-gateway', data: { why: 'profile minimal disables it', field: 'an entry {name: istio-ingressgateway, enabled: true} in spec.components.ingressGateways' } },
        { id: 'GatewaySelectsDisabledGateway', resource: 'Gateway knative-serving/knative-ingress-gateway' },
      ],
    },
    {
      name: 'a components list without istio-ingressgateway replaces the profile\'s: only the custom gateway exists',
      manifests: docs(withoutGatewayPods(), iop({ components: { ingressGateways: [{ name: 'custom', label: { istio: 'custom' } }] } })),
      options: partial,
      errors: [
        { id: 'GatewaySelectsDisabledGateway', resource: 'Gateway knative-serving/knative-local-gateway', data: { why: 'spec.components.ingressGateways replaces the default profile\'s list and leaves istio-ingressgateway out', others: 'app=istio-ingressgateway,istio=custom (istio-system/custom)' } },
        { id: 'GatewaySelectsDisabledGateway', resource: 'Gateway knative-serving/knative-ingress-gateway' },
      ],
    },
    {
      name: 'selector istio= while the pods carry app= (a VirtualService routes through it)',
      manifests: docs(gateway('istio-system', 'custom-gateway', { istio: 'custom-gateway' }), deployment('istio-system', 'custom-gateway', { app: 'custom-gateway' }), boundVs('istio-system/custom-gateway')),
      errors: [{ id: 'GatewaySelectsNoWorkload', resource: 'Gateway istio-system/custom-gateway', data: { selector: 'istio=custom-gateway', hint: ' (Deployment istio-system/custom-gateway has app=custom-gateway)' } }],
    },
    {
      name: 'the same Gateway when nothing routes through it: a warning',
      manifests: docs(gateway('istio-system', 'custom-gateway', { istio: 'custom-gateway' }), deployment('istio-system', 'custom-gateway', { app: 'custom-gateway' })),
      errors: [{ id: 'UnusedGatewaySelectsNoWorkload', resource: 'Gateway istio-system/custom-gateway', data: { selector: 'istio=custom-gateway' } }],
    },
    {
      name: 'KServe\'s localGateway routes through it',
      manifests: docs(gateway('istio-system', 'custom-gateway', { istio: 'custom-gateway' }), deployment('istio-system', 'custom-gateway', { app: 'custom-gateway' }), kserveConfig({ ...KSERVE_DEFAULT_INGRESS, localGateway: 'istio-system/custom-gateway' })),
      errors: [{ id: 'GatewaySelectsNoWorkload' }],
    },
    {
      name: 'only a default install\'s ingress pods (assumed) in a partial input: a custom selector is not checked',
      manifests: docs(gateway('istio-system', 'custom-gateway', { app: 'custom-gateway' }), gateway('knative-serving', 'knative-ingress-gateway', { istio: 'ingressgateway' })),
      options: { complete: false },
      errors: [{ id: 'CheckSkipped', message: 'no gateway pods of its own' }],
    },
    {
      name: 'ingress gateway disabled (kserve#1460)',
      manifests: docs(gateway('knative-serving', 'knative-local-gateway', { istio: 'ingressgateway' }), deployment('istio-system', 'cluster-local-gateway', { app: 'cluster-local-gateway', istio: 'cluster-local-gateway' })),
      errors: [{ id: 'GatewaySelectsNoWorkload', data: { selector: 'istio=ingressgateway' } }],
    },
    { name: 'no gateway pods in a partial input: the rule says it could not check', manifests: docs(gateway('istio-system', 'g', INGRESS_PODS)), options: { complete: false }, errors: [{ id: 'CheckSkipped', message: 'no gateway pods' }] },
    { name: 'no gateway pods in the whole cluster (--complete): the Gateway selects none', manifests: docs(gateway('istio-system', 'g', INGRESS_PODS), boundVs('istio-system/g')), errors: [{ id: 'GatewaySelectsNoWorkload', resource: 'Gateway istio-system/g' }] },
  ],
});
