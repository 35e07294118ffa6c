import { RuleTester } from '../rule-tester.js';
import rule from '../../src/rules/operator-selector-ignored.js';
import { docs, type Obj } from '../helpers/manifests.js';

function ks(spec: Obj): Obj {
  return { apiVersion: 'operator.knative.dev/v1beta1', kind: 'KnativeServing', metadata: { name: 'knative-serving', namespace: 'knative-serving' }, spec };
}
const custom = { istio: { 'local-gateways': '- {name: custom-gateway, namespace: istio-system, service: custom-gateway.istio-system.svc.cluster.local}\n' } };
const selector = { istio: { enabled: true, 'knative-local-gateway': { selector: { app: 'custom-gateway' } } } };

new RuleTester().run(rule, {
  valid: [
    { name: 'selector override on the default-named gateway (the kserve#4387 fix)', manifests: docs(ks({ ingress: selector, config: { istio: { 'local-gateways': '- {name: knative-local-gateway, namespace: knative-serving, service: knative-local-gateway.istio-system.svc.cluster.local}\n' } } })) },
    { name: 'custom gateway without selector override', manifests: docs(ks({ config: custom })) },
    { name: 'istio ingress disabled: the operator transforms nothing', manifests: docs(ks({ ingress: { istio: { enabled: false, 'knative-local-gateway': { selector: { app: 'x' } } } }, config: custom })) },
  ],
  invalid: [
    {
      name: 'selector override while config-istio uses a custom-named gateway',
      manifests: docs(ks({ ingress: selector, config: custom })),
      errors: [{ id: 'OperatorSelectorIgnored', resource: 'KnativeServing knative-serving/knative-serving', data: { gateway: 'istio-system/custom-gateway' }, line: 11 }],
    },
  ],
});
