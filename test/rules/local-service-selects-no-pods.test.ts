import { RuleTester } from '../rule-tester.js';
import rule from '../../src/rules/local-service-selects-no-pods.js';
import { configIstio, defaultStack, deployment, docs, gateway, INGRESS_PODS, NO_TRANSLATION, service, type Obj } from '../helpers/manifests.js';

const stackWithLocalService = (svc: Obj, extra: Obj[] = []) =>
  docs(defaultStack().filter((o) => !((o['metadata'] as Obj)['name'] === 'knative-local-gateway' && o['kind'] === 'Service')), svc, extra);

new RuleTester().run(rule, {
  valid: [
    { name: 'shipped layout', manifests: docs(defaultStack()) },
    { name: 'no selector but ready endpoints', manifests: stackWithLocalService(service('istio-system', 'knative-local-gateway', undefined, [{ port: 80, targetPort: 8081 }], NO_TRANSLATION), [{ apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'knative-local-gateway', namespace: 'istio-system' }, subsets: [{ addresses: [{ ip: '10.0.0.1' }], ports: [{ port: 8081 }] }] }]) },
  ],
  invalid: [
    {
      name: 'selector still istio=ingressgateway after the ingress gateway was relabelled (operator#1206)',
      manifests: docs(configIstio(), gateway('knative-serving', 'knative-local-gateway', { app: 'gw' }), service('istio-system', 'knative-local-gateway', INGRESS_PODS, [{ port: 80, targetPort: 8081 }], NO_TRANSLATION), deployment('istio-system', 'gw', { app: 'gw' })),
      errors: [{ id: 'LocalServiceSelectsNoPods', resource: 'Service istio-system/knative-local-gateway', message: 'selects no pods in namespace istio-system' }],
    },
    {
      name: 'the Gateway\'s selector matches nothing either: the fix does not send you to it (no circular fix, no repair)',
      manifests: docs(configIstio(), gateway('knative-serving', 'knative-local-gateway', { app: 'typo' }), service('istio-system', 'knative-local-gateway', { app: 'typo' }, [{ port: 80, targetPort: 8081 }], NO_TRANSLATION), deployment('istio-system', 'gw', { app: 'gw' })),
      errors: [{ id: 'LocalServiceSelectsNoPods', data: { hint: ' (Gateway knative-serving/knative-local-gateway\'s selector app=typo matches no pods either: look up the labels the gateway pods really carry)' } }],
    },
    {
      name: 'endpoints list no ready address',
      manifests: docs(defaultStack(), { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'knative-local-gateway', namespace: 'istio-system' }, subsets: [{ notReadyAddresses: [{ ip: '10.0.0.1' }] }] }),
      errors: [{ id: 'LocalServiceSelectsNoPods', message: 'no ready endpoints' }],
    },
    {
      name: 'no selector and no endpoints',
      manifests: stackWithLocalService(service('istio-system', 'knative-local-gateway', undefined, [{ port: 80, targetPort: 8081 }], NO_TRANSLATION)),
      errors: [{ id: 'LocalServiceSelectsNoPods', message: 'has no selector' }],
    },
    {
      name: 'pods in another namespace do not count',
      manifests: docs(configIstio(), gateway('knative-serving', 'knative-local-gateway', { app: 'gw' }), service('istio-system', 'knative-local-gateway', { app: 'gw' }, [{ port: 80, targetPort: 8081 }], NO_TRANSLATION), deployment('gateways', 'gw', { app: 'gw' })),
      errors: [{ id: 'LocalServiceSelectsNoPods', message: 'selects no pods in namespace istio-system' }],
    },
  ],
});
