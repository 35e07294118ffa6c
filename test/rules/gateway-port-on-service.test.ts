import { RuleTester } from '../rule-tester.js';
import rule from '../../src/rules/gateway-port-on-service.js';
import { defaultStack, deployment, docs, gateway, INGRESS_PODS, NO_TRANSLATION, service } from '../helpers/manifests.js';

// Cases written from Istio's analyzer (pkg/config/analysis/analyzers/gateway/gateway.go and its testdata
// gateway-custom-ingress-gateway-badport / -translation): the server port against the selecting Services' ports and
// target ports; kgd's listener after translation, on every selected workload.
const pods = deployment('istio-system', 'istio-ingressgateway', INGRESS_PODS, [{ name: 'http2', containerPort: 8080 }]);
const ingressSvc = (labels: Record<string, string> = {}) => service('istio-system', 'istio-ingressgateway', INGRESS_PODS, [{ port: 80, targetPort: 8080 }, { port: 443, targetPort: 8443 }], labels);

new RuleTester().run(rule, {
  valid: [
    { name: 'Knative\'s defaults: 80 translated to 8080, 8081 reached through the opt-out Service', manifests: docs(defaultStack()) },
    { name: 'a server on the target port itself', manifests: docs(gateway('istio-system', 'g', INGRESS_PODS, [{ port: 8080 }]), pods, ingressSvc()) },
    { name: 'a Service port without targetPort', manifests: docs(gateway('istio-system', 'g', INGRESS_PODS, [{ port: 9000 }]), pods, service('istio-system', 'extra', INGRESS_PODS, [{ port: 9000 }])) },
    { name: 'a named targetPort resolved on the pods', manifests: docs(gateway('istio-system', 'g', INGRESS_PODS, [{ port: 80 }]), pods, service('istio-system', 'istio-ingressgateway', INGRESS_PODS, [{ port: 80, targetPort: 'http2' }])) },
    {
      name: 'pods in another namespace than the Gateway, with their own Service (istio/istio#44430, #38148)',
      manifests: docs(gateway('knative-serving', 'g', { app: 'gw' }, [{ port: 8081 }]), deployment('gateways', 'gw', { app: 'gw' }), service('gateways', 'gw', { app: 'gw' }, [{ port: 80, targetPort: 8081 }], NO_TRANSLATION)),
    },
    { name: 'partial input: a Service of the pods may be left out, so nothing is claimed', manifests: docs(gateway('istio-system', 'g', INGRESS_PODS, [{ port: 8004 }]), pods, ingressSvc()), options: { complete: false } },
  ],
  invalid: [
    {
      name: 'a server port no Service exposes (Istio\'s badport case)',
      manifests: docs(gateway('istio-system', 'g', INGRESS_PODS, [{ port: 80 }, { port: 8004 }]), pods, ingressSvc()),
      errors: [{ id: 'GatewayPortNotOnService', resource: 'Gateway istio-system/g', data: { server: '8004', listener: 'listener 8004' } }],
    },
    {
      name: 'the Service opts out of translation: server 80 stays on listener 80, which the Service does not target',
      manifests: docs(gateway('istio-system', 'g', INGRESS_PODS, [{ port: 80 }]), pods, ingressSvc(NO_TRANSLATION)),
      errors: [{ id: 'GatewayPortNotOnService', data: { listener: 'listener 80', services: 'istio-system/istio-ingressgateway (80→8080, 443→8443)' } }],
    },
    {
      name: 'a Service in another namespace does not select the pods; the whole cluster has no other',
      manifests: docs(gateway('istio-system', 'g', INGRESS_PODS, [{ port: 8080 }]), pods, service('default', 'istio-ingressgateway', INGRESS_PODS, [{ port: 80, targetPort: 8080 }])),
      errors: [{ id: 'GatewayPortNotOnService', data: { services: 'none' } }],
    },
  ],
});
