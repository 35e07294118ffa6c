import { RuleTester } from '../rule-tester.js';
import rule from '../../src/rules/operator-config-key-shadowed.js';
import { docs, type Obj } from '../helpers/manifests.js';

const ks = (config: Obj): Obj => ({ apiVersion: 'operator.knative.dev/v1beta1', kind: 'KnativeServing', metadata: { name: 'ks', namespace: 'knative-serving' }, spec: { config } });

new RuleTester().run(rule, {
  valid: [
    { name: 'only istio', manifests: docs(ks({ istio: { a: 'b' } })) },
    { name: 'only config-istio', manifests: docs(ks({ 'config-istio': { a: 'b' } })) },
  ],
  invalid: [
    { name: 'both keys', manifests: docs(ks({ istio: { a: 'b' }, 'config-istio': { c: 'd' } })), errors: [{ id: 'OperatorConfigKeyShadowed', resource: 'KnativeServing knative-serving/ks' }] },
  ],
});
