import { RuleTester } from '../rule-tester.js';
import rule from '../../src/rules/kserve-local-gateway-ref.js';
import { defaultStack, docs, isvc, kserveConfig, KSERVE_DEFAULT_INGRESS } from '../helpers/manifests.js';

const withLocal = (localGateway: string) => docs(defaultStack({ kserve: kserveConfig({ ...KSERVE_DEFAULT_INGRESS, localGateway }) }));

new RuleTester().run(rule, {
  valid: [
    { name: 'namespace/name of the shipped gateway', manifests: docs(defaultStack()) },
    { name: 'Kubeflow config in namespace kubeflow', manifests: docs(defaultStack({ kserve: kserveConfig(KSERVE_DEFAULT_INGRESS, 'kubeflow') })) },
  ],
  invalid: [
    {
      name: 'old name.namespace form (KFServing)',
      manifests: withLocal('knative-local-gateway.knative-serving'),
      errors: [{ id: 'KServeLocalGatewayLegacyForm', data: { resolved: 'knative-serving/knative-local-gateway' } }],
    },
    {
      name: 'old form written backwards resolves to a missing Gateway',
      manifests: withLocal('knative-serving.knative-local-gateway'),
      errors: [
        { id: 'KServeLocalGatewayLegacyForm', data: { resolved: 'knative-local-gateway/knative-serving' } },
        { id: 'KServeLocalGatewayNotFound', data: { gateway: 'knative-local-gateway/knative-serving' } },
      ],
    },
    {
      name: 'Kubeflow 1.3 cluster-local-gateway that no longer exists',
      manifests: withLocal('knative-serving/cluster-local-gateway'),
      errors: [{ id: 'KServeLocalGatewayNotFound', data: { gateway: 'knative-serving/cluster-local-gateway', suggestion: 'knative-serving/knative-local-gateway' } }],
    },
    {
      name: 'bare name resolves in each InferenceService namespace',
      manifests: docs(defaultStack({ kserve: kserveConfig({ ...KSERVE_DEFAULT_INGRESS, localGateway: 'knative-local-gateway' }) }), isvc('models', 'iris')),
      errors: [{ id: 'KServeLocalGatewayNotFound', data: { gateway: 'models/knative-local-gateway' } }],
    },
    { name: 'empty localGateway', manifests: withLocal(''), errors: [{ id: 'KServeLocalGatewayUnset', data: { how: 'sets localGateway to ""', suggestion: 'knative-serving/knative-local-gateway' } }] },
    {
      name: 'no localGateway key: says so and names the local gateway config-istio uses',
      manifests: docs(defaultStack({ kserve: kserveConfig({ ingressGateway: 'knative-serving/knative-ingress-gateway', localGatewayService: 'knative-local-gateway.istio-system.svc.cluster.local' }) })),
      errors: [{ id: 'KServeLocalGatewayUnset', data: { how: 'has no localGateway key', suggestion: 'knative-serving/knative-local-gateway' } }],
    },
  ],
});
