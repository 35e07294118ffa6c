import { RuleTester } from '../rule-tester.js';
import rule from '../../src/rules/kserve-knative-agree.js';
import { configIstio, docs, kserveConfig, KSERVE_DEFAULT_INGRESS } from '../helpers/manifests.js';

const customKnative = configIstio({ 'local-gateways': '- {name: custom-gateway, namespace: istio-system, service: custom-gateway.istio-system.svc.cluster.local}\n' });

new RuleTester().run(rule, {
  valid: [
    { name: 'defaults on both sides', manifests: docs(configIstio(), kserveConfig(KSERVE_DEFAULT_INGRESS)) },
    { name: 'both on the custom gateway', manifests: docs(customKnative, kserveConfig({ ...KSERVE_DEFAULT_INGRESS, localGateway: 'istio-system/custom-gateway', localGatewayService: 'custom-gateway.istio-system.svc.cluster.local' })) },
    {
      name: 'KServe has its own gateway and hands hop 2 to Knative',
      manifests: docs(configIstio(), kserveConfig({ ...KSERVE_DEFAULT_INGRESS, localGateway: 'kserve/kserve-local-gateway', localGatewayService: 'kserve-local-gateway.kserve.svc.cluster.local', knativeLocalGatewayService: 'knative-local-gateway.istio-system.svc.cluster.local' })),
    },
    { name: 'trailing dot and case do not matter', manifests: docs(configIstio(), kserveConfig({ ...KSERVE_DEFAULT_INGRESS, localGatewayService: 'Knative-Local-Gateway.istio-system.svc.cluster.local.' })) },
  ],
  invalid: [
    {
      name: 'Knative moved to the custom gateway, KServe did not (kserve#4387)',
      manifests: docs(customKnative, kserveConfig(KSERVE_DEFAULT_INGRESS)),
      errors: [
        { id: 'KServeLocalGatewayMismatch', data: { kserve: 'knative-serving/knative-local-gateway', knative: 'istio-system/custom-gateway', alternative: '; or, to keep KServe on its own local gateway, set knativeLocalGatewayService to "custom-gateway.istio-system.svc.cluster.local" so that the second hop reaches Knative\'s' } },
        { id: 'KServeLocalServiceMismatch', data: { key: 'localGatewayService', knative: 'custom-gateway.istio-system.svc.cluster.local' } },
      ],
    },
    {
      name: 'KServe before 0.14 has no knativeLocalGatewayService: the fix does not name it',
      manifests: docs(customKnative, kserveConfig({ ...KSERVE_DEFAULT_INGRESS, ingressService: 'istio-ingressgateway.istio-system.svc.cluster.local' })),
      options: { versions: { kserve: '0.13.1' } },
      errors: [
        { id: 'KServeLocalGatewayMismatch', data: { alternative: '' } },
        { id: 'KServeLocalServiceMismatch' },
      ],
    },
    {
      name: 'separate KServe gateway but hop 2 not on Knative\'s service',
      manifests: docs(configIstio(), kserveConfig({ ...KSERVE_DEFAULT_INGRESS, localGateway: 'kserve/g', localGatewayService: 'g.kserve.svc.cluster.local', knativeLocalGatewayService: 'g.kserve.svc.cluster.local' })),
      errors: [{ id: 'KServeLocalServiceMismatch', data: { key: 'knativeLocalGatewayService' } }],
    },
  ],
});
