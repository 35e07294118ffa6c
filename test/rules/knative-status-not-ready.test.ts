import { RuleTester, yaml } from '../rule-tester.js';
import rule from '../../src/rules/knative-status-not-ready.js';

new RuleTester().run(rule, {
  valid: [
    {
      name: 'Ready route',
      manifests: yaml`
        apiVersion: serving.knative.dev/v1
        kind: Route
        metadata: {name: iris-predictor, namespace: models}
        status:
          conditions:
            - {type: AllTrafficAssigned, status: "True"}
            - {type: IngressReady, status: "True"}
            - {type: Ready, status: "True"}
      `,
    },
    { name: 'no status yet', manifests: yaml`
        apiVersion: serving.kserve.io/v1beta1
        kind: InferenceService
        metadata: {name: iris, namespace: models}
        spec: {predictor: {sklearn: {}}}
      ` },
  ],
  invalid: [
    {
      name: 'KIngress waiting for the load balancer',
      manifests: yaml`
        apiVersion: networking.internal.knative.dev/v1alpha1
        kind: Ingress
        metadata: {name: iris-predictor, namespace: models}
        status:
          conditions:
            - {type: LoadBalancerReady, status: Unknown, reason: Uninitialized, message: Waiting for load balancer to be ready}
            - {type: Ready, status: Unknown, reason: Uninitialized}
      `,
      errors: [{ id: 'KnativeNotReady', resource: 'Ingress models/iris-predictor', line: 6, data: { condition: 'LoadBalancerReady', reason: 'Uninitialized' } }],
    },
    {
      name: 'InferenceService with IngressNotConfigured',
      manifests: yaml`
        apiVersion: serving.kserve.io/v1beta1
        kind: InferenceService
        metadata: {name: iris, namespace: models}
        status:
          conditions:
            - {type: IngressReady, status: "False", reason: IngressNotConfigured, message: Ingress has not yet been reconciled.}
      `,
      errors: [{ id: 'KnativeNotReady', message: 'reason IngressNotConfigured', data: { condition: 'IngressReady' } }],
    },
    {
      name: 'Route with ReconcileIngressFailed',
      manifests: yaml`
        apiVersion: serving.knative.dev/v1
        kind: Route
        metadata: {name: r, namespace: models}
        status:
          conditions:
            - {type: Ready, status: Unknown, reason: ReconcileIngressFailed, message: Ingress reconciliation failed}
      `,
      errors: [{ id: 'KnativeNotReady', message: 'ReconcileIngressFailed' }],
    },
  ],
});
