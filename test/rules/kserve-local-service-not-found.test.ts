import { RuleTester } from '../rule-tester.js';
import rule from '../../src/rules/kserve-local-service-not-found.js';
import { defaultStack, docs, kserveConfig, KSERVE_DEFAULT_INGRESS } from '../helpers/manifests.js';

const withKserve = (extra: Record<string, string>) => docs(defaultStack({ kserve: kserveConfig({ ...KSERVE_DEFAULT_INGRESS, ...extra }) }));

new RuleTester().run(rule, {
  valid: [
    { name: 'shipped config', manifests: docs(defaultStack()) },
    { name: 'knativeLocalGatewayService names an existing Service', manifests: withKserve({ knativeLocalGatewayService: 'knative-local-gateway.istio-system.svc.cluster.local' }) },
  ],
  invalid: [
    { name: 'Kubeflow 1.3 cluster-local-gateway Service gone', manifests: withKserve({ localGatewayService: 'cluster-local-gateway.istio-system.svc.cluster.local' }), errors: [{ id: 'KServeLocalServiceNotFound', data: { key: 'localGatewayService', name: 'cluster-local-gateway', namespace: 'istio-system' } }] },
    { name: 'knativeLocalGatewayService in the wrong namespace', manifests: withKserve({ knativeLocalGatewayService: 'knative-local-gateway.knative-serving.svc.cluster.local' }), errors: [{ id: 'KServeLocalServiceNotFound', data: { key: 'knativeLocalGatewayService' } }] },
    { name: 'not a Service FQDN', manifests: withKserve({ localGatewayService: 'knative-local-gateway' }), errors: [{ id: 'ServiceHostOutsideClusterDomain' }] },
  ],
});
