import { RuleTester } from '../rule-tester.js';
import rule from '../../src/rules/netpol-blocks-gateway-traffic.js';
import { configIstio, deployment, docs, gateway, isvc, NO_TRANSLATION, service, type Obj } from '../helpers/manifests.js';

const GW = { app: 'cluster-local-gateway', istio: 'cluster-local-gateway' };
const base = (): Obj[] => [
  configIstio(),
  gateway('knative-serving', 'knative-local-gateway', GW, [{ port: 8081 }]),
  service('istio-system', 'knative-local-gateway', GW, [{ port: 80, targetPort: 8081 }], NO_TRANSLATION),
  deployment('istio-system', 'cluster-local-gateway', GW),
  deployment('knative-serving', 'activator', { app: 'activator', role: 'activator' }, [{ name: 'http1', containerPort: 8012 }]),
];

function np(ns: string, name: string, podSelector: Obj, ingress: Obj[]): Obj {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: ns }, spec: { podSelector, policyTypes: ['Ingress'], ingress } };
}
const fromIstioSystem = (apps: string[]) => ({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'istio-system' } }, podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: apps }] } });
/** A gRPC InferenceService: its model container's first port is named h2c, so Serving routes to revision port 81 / pod port 8013. */
const grpcIsvc = (ns: string, name: string): Obj => ({ apiVersion: 'serving.kserve.io/v1beta1', kind: 'InferenceService', metadata: { name, namespace: ns }, spec: { predictor: { model: { modelFormat: { name: 'triton' }, ports: [{ name: 'h2c', containerPort: 9000 }] } } } });
const kubeflowActivatorPolicy = (apps: string[], port: number | string = 8012) => np('knative-serving', 'allow-istio-gateways-to-activator', { matchLabels: { app: 'activator' } }, [{ from: [fromIstioSystem(apps)], ports: [{ port, protocol: 'TCP' }] }]);

new RuleTester().run(rule, {
  valid: [
    { name: 'Kubeflow policy admits cluster-local-gateway', manifests: docs(base(), kubeflowActivatorPolicy(['istio-ingressgateway', 'cluster-local-gateway'])) },
    { name: 'named port http1 resolves to 8012', manifests: docs(base(), kubeflowActivatorPolicy(['cluster-local-gateway'], 'http1')) },
    { name: 'policy only for egress does not isolate ingress', manifests: docs(base(), { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'e', namespace: 'knative-serving' }, spec: { podSelector: {}, policyTypes: ['Egress'] } }) },
    { name: 'user namespace admits knative-serving (activator path)', manifests: docs(base(), isvc('models', 'iris'), np('models', 'only-knative', {}, [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'knative-serving' } } }] }])) },
    { name: 'an h2c InferenceService with the activator open on 8012 and 8013', manifests: docs(base(), grpcIsvc('models', 'grpc'), np('knative-serving', 'allow-istio-gateways-to-activator', { matchLabels: { app: 'activator' } }, [{ from: [fromIstioSystem(['cluster-local-gateway'])], ports: [{ port: 8012, protocol: 'TCP' }, { port: 8013, protocol: 'TCP' }] }])) },
    { name: 'gateway pods open to all namespaces', manifests: docs(base(), np('istio-system', 'open', { matchLabels: { app: 'cluster-local-gateway' } }, [{ from: [{ namespaceSelector: {} }] }])) },
  ],
  invalid: [
    {
      name: 'custom gateway not in the activator allow-list',
      manifests: docs(base(), kubeflowActivatorPolicy(['istio-ingressgateway'])),
      errors: [{ id: 'NetworkPolicyBlocksActivator', resource: 'NetworkPolicy knative-serving/allow-istio-gateways-to-activator', data: { port: '8012', gatewayNamespace: 'istio-system' } }],
    },
    {
      name: 'Kubeflow\'s activator policy (8012 only) and an h2c InferenceService: the activator\'s h2c port 8013 is dropped',
      manifests: docs(base(), grpcIsvc('models', 'grpc'), kubeflowActivatorPolicy(['istio-ingressgateway', 'cluster-local-gateway'])),
      errors: [{ id: 'NetworkPolicyBlocksActivator', resource: 'NetworkPolicy knative-serving/allow-istio-gateways-to-activator', data: { port: '8013' } }],
    },
    {
      name: 'default deny in the InferenceService namespace',
      manifests: docs(base(), isvc('models', 'iris'), np('models', 'deny-all', {}, [])),
      errors: [{ id: 'NetworkPolicyBlocksPredictor', data: { isvc: 'models/iris', policy: 'models/deny-all' } }],
    },
    {
      name: 'only knative-serving may call the gateway pods (Kubeflow allow-knative-to-istio-gateways)',
      manifests: docs(base(), np('istio-system', 'allow-knative-to-istio-gateways', { matchLabels: { app: 'cluster-local-gateway' } }, [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'knative-serving' } } }], ports: [{ port: 8081 }] }])),
      errors: [{ id: 'NetworkPolicyBlocksGatewayCallers', data: { port: '8081' } }],
    },
  ],
});
