import { RuleTester } from '../rule-tester.js';
import rule from '../../src/rules/knative-gateway-not-found.js';
import { configIstio, defaultStack, docs, gateway } from '../helpers/manifests.js';

new RuleTester().run(rule, {
  valid: [
    { name: 'a partial input whose config-istio names the shipped Gateways: assumed (KGD0013), not reported', manifests: docs(configIstio(), gateway('istio-system', 'other', { istio: 'ingressgateway' })), options: { complete: false } },
    { name: 'upstream defaults with the shipped Gateways', manifests: docs(defaultStack()) },
    {
      name: 'custom local gateway that exists',
      manifests: docs(defaultStack({ configIstio: configIstio({ 'local-gateways': '- {name: custom-gateway, namespace: istio-system, service: custom-gateway.istio-system.svc.cluster.local}\n' }) }), gateway('istio-system', 'custom-gateway', { app: 'custom-gateway' })),
    },
    { name: 'stale mesh key is left to its own rule', manifests: docs(defaultStack({ configIstio: configIstio({ 'local-gateway.mesh': 'mesh', 'local-gateway.knative-serving.knative-local-gateway': 'knative-local-gateway.istio-system.svc.cluster.local' }) })) },
    // net-istio ≥ 1.22 (#1524): both lists "[]" is mesh-only. Before, "[]" gets the default gateways (see invalid).
    { name: 'mesh-only mode names no gateway (net-istio 1.22)', options: { versions: { netIstio: '1.22.0' } }, manifests: docs(configIstio({ 'local-gateways': '[]', 'external-gateways': '[]' }), gateway('x', 'other', { a: 'b' })) },
  ],
  invalid: [
    {
      name: 'before net-istio 1.22, "[]" lists get the default gateways',
      options: { versions: { netIstio: '1.21.1' } },
      manifests: docs(configIstio({ 'local-gateways': '[]', 'external-gateways': '[]' }), gateway('x', 'other', { a: 'b' })),
      errors: [{ id: 'KnativeGatewayNotFound' }, { id: 'KnativeGatewayNotFound' }],
    },
    {
      name: 'custom local gateway that is not there',
      manifests: docs(defaultStack({ configIstio: configIstio({ 'local-gateways': '- {name: custom-gateway, namespace: istio-system, service: custom-gateway.istio-system.svc.cluster.local}\n' }) })),
      errors: [{ id: 'KnativeGatewayNotFound', data: { role: 'local', gateway: 'istio-system/custom-gateway', port: '8081' }, line: 11 }],
    },
    {
      name: 'Kubeflow deleted knative-ingress-gateway but config-istio still uses the default external gateway',
      manifests: docs(configIstio(), gateway('knative-serving', 'knative-local-gateway', { istio: 'ingressgateway' })),
      errors: [{ id: 'KnativeGatewayNotFound', data: { role: 'external', gateway: 'knative-serving/knative-ingress-gateway', port: '80' } }],
    },
    {
      name: 'no Gateway at all in a partial input, custom ones named: the rule says it could not check',
      manifests: docs(configIstio({ 'local-gateways': '- name: ml-gw\n  namespace: istio-system\n  service: ml-gw.istio-system.svc.cluster.local', 'external-gateways': '- name: ml-ext\n  namespace: istio-system\n  service: ml-ext.istio-system.svc.cluster.local' })),
      options: { complete: false },
      errors: [{ id: 'CheckSkipped', message: 'no Istio Gateway' }],
    },
    {
      name: 'no Gateway at all in the whole cluster (--complete): both default Gateways are missing',
      manifests: docs(configIstio()),
      errors: [{ id: 'KnativeGatewayNotFound', data: { gateway: 'knative-serving/knative-local-gateway' } }, { id: 'KnativeGatewayNotFound', data: { gateway: 'knative-serving/knative-ingress-gateway' } }],
    },
  ],
});
