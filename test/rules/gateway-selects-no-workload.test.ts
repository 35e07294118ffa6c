import { RuleTester } from '../rule-tester.js';
import rule from '../../src/rules/gateway-selects-no-workload.js';
import { defaultStack, deployment, docs, gateway, INGRESS_PODS } from '../helpers/manifests.js';

new RuleTester().run(rule, {
  valid: [
    { name: 'shipped gateways on istio-ingressgateway pods', manifests: docs(defaultStack()) },
    { name: 'gateway pods in another namespace still match', manifests: docs(gateway('knative-serving', 'g', { app: 'custom-gateway' }), deployment('gateways', 'custom-gateway', { app: 'custom-gateway' })) },
    {
      name: 'a Pod instead of a Deployment',
      manifests: docs(gateway('istio-system', 'g', { app: 'gw' }), { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'gw-0', namespace: 'istio-system', labels: { app: 'gw' } }, spec: { containers: [{ name: 'c', image: 'i' }] } }),
    },
  ],
  invalid: [
    {
      name: 'selector istio= while the pods carry app=',
      manifests: docs(gateway('istio-system', 'custom-gateway', { istio: 'custom-gateway' }), deployment('istio-system', 'custom-gateway', { app: 'custom-gateway' })),
      errors: [{ id: 'GatewaySelectsNoWorkload', resource: 'Gateway istio-system/custom-gateway', data: { selector: 'istio=custom-gateway', hint: ' (Deployment istio-system/custom-gateway has app=custom-gateway)' } }],
    },
    {
      name: 'ingress gateway disabled (kserve#1460)',
      manifests: docs(gateway('knative-serving', 'knative-local-gateway', { istio: 'ingressgateway' }), deployment('istio-system', 'cluster-local-gateway', { app: 'cluster-local-gateway', istio: 'cluster-local-gateway' })),
      errors: [{ id: 'GatewaySelectsNoWorkload', data: { selector: 'istio=ingressgateway' } }],
    },
    { name: 'no gateway pods in a partial input: the rule says it could not check', manifests: docs(gateway('istio-system', 'g', INGRESS_PODS)), options: { complete: false }, errors: [{ id: 'CheckSkipped', message: 'no gateway pods' }] },
    { name: 'no gateway pods in the whole cluster (--complete): the Gateway selects none', manifests: docs(gateway('istio-system', 'g', INGRESS_PODS)), errors: [{ id: 'GatewaySelectsNoWorkload', resource: 'Gateway istio-system/g' }] },
  ],
});
