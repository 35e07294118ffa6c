import { RuleTester } from '../rule-tester.js';
import rule from '../../src/rules/knative-local-service-not-found.js';
import { configIstio, defaultStack, docs, service } from '../helpers/manifests.js';

const custom = (svc: string) => configIstio({ 'local-gateways': `- {name: knative-local-gateway, namespace: knative-serving, service: ${svc}}\n` });

new RuleTester().run(rule, {
  valid: [
    { name: 'default service exists', manifests: docs(defaultStack()) },
    { name: 'custom service exists', manifests: docs(defaultStack({ configIstio: custom('my-gw.gw-ns.svc.cluster.local') }), service('gw-ns', 'my-gw', { app: 'g' }, [{ port: 80 }])) },
    { name: 'other cluster domain given', options: { clusterDomain: 'corp.local' }, manifests: docs(defaultStack({ configIstio: custom('my-gw.gw-ns.svc.corp.local') }), service('gw-ns', 'my-gw', { app: 'g' }, [{ port: 80 }])) },
  ],
  invalid: [
    {
      name: 'service in the wrong namespace (CNAME to nowhere)',
      manifests: docs(defaultStack({ configIstio: custom('knative-local-gateway.knative-serving.svc.cluster.local') })),
      errors: [{ id: 'KnativeLocalServiceNotFound', data: { namespace: 'knative-serving', name: 'knative-local-gateway' } }],
    },
    {
      name: 'short service name outside the cluster domain',
      manifests: docs(defaultStack({ configIstio: custom('knative-local-gateway.istio-system') })),
      errors: [{ id: 'ServiceHostOutsideClusterDomain', data: { service: 'knative-local-gateway.istio-system' } }],
    },
    {
      name: 'legacy key pointing to a missing Service',
      manifests: docs(defaultStack({ configIstio: configIstio({ 'local-gateway.knative-serving.knative-local-gateway': 'cluster-local-gateway.istio-system.svc.cluster.local' }) })),
      errors: [{ id: 'KnativeLocalServiceNotFound', data: { name: 'cluster-local-gateway' } }],
    },
  ],
});
