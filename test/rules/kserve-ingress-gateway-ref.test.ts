import { RuleTester } from '../rule-tester.js';
import rule from '../../src/rules/kserve-ingress-gateway-ref.js';
import { defaultStack, docs, isvc, kserveConfig, KSERVE_DEFAULT_INGRESS, type Obj } from '../helpers/manifests.js';

const withIngress = (ingress: Record<string, unknown>, ...extra: Obj[]) => docs(defaultStack({ kserve: kserveConfig({ ...KSERVE_DEFAULT_INGRESS, ...ingress }) }), ...extra);
const clusterLocal = (ns: string, name: string): Obj => {
  const o = isvc(ns, name);
  return { ...o, metadata: { ...(o['metadata'] as Obj), labels: { 'networking.knative.dev/visibility': 'cluster-local' } } };
};

new RuleTester().run(rule, {
  valid: [
    { name: 'the shipped knative-serving/knative-ingress-gateway exists', manifests: withIngress({}, isvc('models', 'iris')) },
    { name: 'only cluster-local InferenceServices: nothing binds to ingressGateway', manifests: withIngress({ ingressGateway: 'kubeflow/kubeflow-gateway' }, clusterLocal('models', 'iris')) },
    { name: 'enableGatewayApi: KServe uses kserveIngressGateway instead', manifests: withIngress({ ingressGateway: 'kubeflow/kubeflow-gateway', enableGatewayApi: true, kserveIngressGateway: 'kserve/kserve-ingress-gateway' }, isvc('models', 'iris')) },
    { name: 'bare name that exists in the InferenceService namespace', manifests: withIngress({ ingressGateway: 'knative-ingress-gateway' }, isvc('knative-serving', 'iris')) },
  ],
  invalid: [
    {
      name: 'Kubeflow value without the Kubeflow Gateway: points at config-istio\'s external gateway',
      manifests: withIngress({ ingressGateway: 'kubeflow/kubeflow-gateway' }, isvc('models', 'iris')),
      errors: [{ id: 'KServeIngressGatewayNotFound', data: { gateway: 'kubeflow/kubeflow-gateway', suggestion: " (config-istio's external gateway is knative-serving/knative-ingress-gateway)", users: ' (external routes of models/iris bind to it)' } }],
    },
    {
      name: 'no InferenceService in the input: the configuration alone',
      manifests: withIngress({ ingressGateway: 'istio-system/missing' }),
      errors: [{ id: 'KServeIngressGatewayNotFound', data: { gateway: 'istio-system/missing', users: '' } }],
    },
    {
      name: 'bare name resolves in each external InferenceService\'s namespace',
      manifests: withIngress({ ingressGateway: 'knative-ingress-gateway' }, isvc('models', 'iris'), clusterLocal('other', 'x')),
      errors: [{ id: 'KServeIngressGatewayNotFound', data: { gateway: 'models/knative-ingress-gateway' } }],
    },
  ],
});
