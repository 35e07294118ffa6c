import { RuleTester } from '../rule-tester.js';
import rule from '../../src/rules/kserve-ingress-config-invalid.js';
import { docs, kserveConfig, KSERVE_DEFAULT_INGRESS } from '../helpers/manifests.js';

new RuleTester().run(rule, {
  valid: [
    { name: 'shipped config', manifests: docs(kserveConfig(KSERVE_DEFAULT_INGRESS)) },
    { name: 'Kubeflow namespace', manifests: docs(kserveConfig({ ...KSERVE_DEFAULT_INGRESS, ingressGateway: 'kubeflow/kubeflow-gateway' }, 'kubeflow')) },
    { name: 'gateway API mode needs no ingressGateway', manifests: docs(kserveConfig({ enableGatewayApi: true })) },
  ],
  invalid: [
    { name: 'not JSON', manifests: docs(kserveConfig('{ "ingressGateway": "a/b", }')), errors: [{ id: 'KServeIngressConfigInvalid', message: 'not valid JSON' }] },
    { name: 'a number for localGateway', manifests: docs(kserveConfig({ ...KSERVE_DEFAULT_INGRESS, localGateway: 7 })), errors: [{ id: 'KServeIngressConfigInvalid', message: '"localGateway" must be a string' }] },
    { name: 'a string for a boolean', manifests: docs(kserveConfig({ ...KSERVE_DEFAULT_INGRESS, disableIstioVirtualHost: 'false' })), errors: [{ id: 'KServeIngressConfigInvalid', message: 'must be true or false' }] },
    { name: 'ingressGateway missing', manifests: docs(kserveConfig({ localGateway: 'a/b' })), errors: [{ id: 'KServeIngressConfigInvalid', message: '"ingressGateway" is required' }] },
    { name: 'no ingress key', manifests: docs({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'inferenceservice-config', namespace: 'kserve' }, data: { deploy: '{}' } }), errors: [{ id: 'KServeIngressConfigInvalid', message: 'no "ingress" key' }] },
    { name: 'no inferenceservice-config in the input', manifests: docs({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'kserve' } }), errors: [{ id: 'CheckSkipped' }] },
  ],
});
