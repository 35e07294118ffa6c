import { RuleTester } from '../rule-tester.js';
import rule from '../../src/rules/kserve-ingress-config-invalid.js';
import { docs, kserveConfig, KSERVE_DEFAULT_INGRESS } from '../helpers/manifests.js';

new RuleTester().run(rule, {
  valid: [
    { name: 'shipped config', manifests: docs(kserveConfig(KSERVE_DEFAULT_INGRESS)) },
    { name: 'Kubeflow namespace', manifests: docs(kserveConfig({ ...KSERVE_DEFAULT_INGRESS, ingressGateway: 'kubeflow/kubeflow-gateway' }, 'kubeflow')) },
    { name: 'gateway API mode with kserveIngressGateway', manifests: docs(kserveConfig({ ...KSERVE_DEFAULT_INGRESS, enableGatewayApi: true, kserveIngressGateway: 'kserve/kserve-ingress-gateway' })) },
    // Go's encoding/json matches keys case-insensitively, and null leaves a field alone (KServe 0.16, checked by the upstream oracle).
    { name: 'keys in another case', manifests: docs(kserveConfig({ IngressGateway: 'a/b', LocalGateway: 'a/c' })) },
    { name: 'null for an optional string', manifests: docs(kserveConfig({ ...KSERVE_DEFAULT_INGRESS, knativeLocalGatewayService: null })) },
    { name: 'no ingress key: KServe runs with empty gateways (not a parse error)', manifests: docs({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'inferenceservice-config', namespace: 'kserve' }, data: { deploy: '{}' } }) },
  ],
  invalid: [
    { name: 'not JSON', manifests: docs(kserveConfig('{ "ingressGateway": "a/b", }')), errors: [{ id: 'KServeIngressConfigInvalid', message: 'not valid JSON' }] },
    { name: 'a number for localGateway', manifests: docs(kserveConfig({ ...KSERVE_DEFAULT_INGRESS, localGateway: 7 })), errors: [{ id: 'KServeIngressConfigInvalid', message: 'cannot unmarshal number into v1beta1.IngressConfig.localGateway of type string' }] },
    { name: 'a string for a boolean', manifests: docs(kserveConfig({ ...KSERVE_DEFAULT_INGRESS, disableIstioVirtualHost: 'false' })), errors: [{ id: 'KServeIngressConfigInvalid', message: 'of type bool' }] },
    { name: 'gateway API mode needs kserveIngressGateway (KServe ≥ 0.15)', manifests: docs(kserveConfig({ ...KSERVE_DEFAULT_INGRESS, enableGatewayApi: true })), errors: [{ id: 'KServeIngressConfigInvalid', message: 'kserveIngressGateway' }] },
    { name: 'a string where a list is needed', manifests: docs(kserveConfig({ ...KSERVE_DEFAULT_INGRESS, additionalIngressDomains: 'x.com' })), errors: [{ id: 'KServeIngressConfigInvalid', message: 'additionalIngressDomains' }] },
    { name: 'a pathTemplate Go cannot parse', manifests: docs(kserveConfig({ ...KSERVE_DEFAULT_INGRESS, pathTemplate: '/{{ .Name' })), errors: [{ id: 'KServeIngressConfigInvalid', message: 'unclosed action' }] },
    { name: 'null for the whole value', manifests: docs(kserveConfig('null')), errors: [{ id: 'KServeIngressConfigInvalid', message: 'panics' }] },
    { name: 'KServe 0.13 also needs ingressService', options: { versions: { kserve: '0.13.1' } }, manifests: docs(kserveConfig({ ingressGateway: 'a/b', localGateway: 'a/c' })), errors: [{ id: 'KServeIngressConfigInvalid', message: 'ingressService' }] },
    { name: 'ingressGateway missing', manifests: docs(kserveConfig({ localGateway: 'a/b' })), errors: [{ id: 'KServeIngressConfigInvalid', message: '"ingressGateway" is required' }] },
    { name: 'no inferenceservice-config in the input', manifests: docs({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'kserve' } }), errors: [{ id: 'CheckSkipped' }] },
  ],
});
