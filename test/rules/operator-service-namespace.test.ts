import { RuleTester } from '../rule-tester.js';
import rule from '../../src/rules/operator-service-namespace.js';
import { docs, type Obj } from '../helpers/manifests.js';

function ks(version: string | undefined, entryNs: string, svcNs: string): Obj {
  return {
    apiVersion: 'operator.knative.dev/v1beta1', kind: 'KnativeServing', metadata: { name: 'knative-serving', namespace: 'knative-serving' },
    spec: { ...(version ? { version } : {}), config: { istio: { 'local-gateways': `- {name: knative-local-gateway, namespace: ${entryNs}, service: knative-local-gateway.${svcNs}.svc.cluster.local}\n` } } },
  };
}

new RuleTester().run(rule, {
  valid: [
    { name: 'entry namespace equals service namespace', manifests: docs(ks(undefined, 'istio-system', 'istio-system')) },
    { name: 'operator 1.20 ignores the structured namespace', manifests: docs(ks('1.20', 'knative-serving', 'istio-system')), options: { versions: { operator: '1.20.0' } } },
    {
      name: 'legacy key puts the Service where the value says',
      manifests: docs({ apiVersion: 'operator.knative.dev/v1beta1', kind: 'KnativeServing', metadata: { name: 'knative-serving', namespace: 'knative-serving' }, spec: { config: { istio: { 'local-gateway.knative-serving.knative-local-gateway': 'knative-local-gateway.ns-1.svc.cluster.local' } } } }),
    },
  ],
  invalid: [
    {
      name: 'operator >= 1.21 moves the Service to the Gateway namespace',
      manifests: docs(ks(undefined, 'knative-serving', 'istio-system')),
      errors: [{ id: 'OperatorServiceNamespaceMismatch', data: { operatorNamespace: 'knative-serving', serviceNamespace: 'istio-system' } }],
    },
    {
      name: 'explicit version 1.21.0',
      manifests: docs(ks('1.21.0', 'knative-serving', 'istio-system')),
      errors: [{ id: 'OperatorServiceNamespaceMismatch' }],
    },
  ],
});
