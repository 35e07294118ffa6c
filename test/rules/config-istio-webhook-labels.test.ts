import { RuleTester } from '../rule-tester.js';
import rule from '../../src/rules/config-istio-webhook-labels.js';
import { configIstio, docs } from '../helpers/manifests.js';

new RuleTester().run(rule, {
  valid: [
    { name: 'shipped labels', manifests: docs(configIstio()) },
    { name: 'no config-istio at all', manifests: docs({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'other', namespace: 'x' } }) },
  ],
  invalid: [
    { name: 'labels stripped', manifests: docs(configIstio({}, {})), errors: [{ id: 'ConfigIstioNotValidated', data: { labels: 'app.kubernetes.io/name: knative-serving, app.kubernetes.io/component: net-istio' } }] },
    { name: 'component label changed', manifests: docs(configIstio({}, { 'app.kubernetes.io/name': 'knative-serving', 'app.kubernetes.io/component': 'controller' })), errors: [{ id: 'ConfigIstioNotValidated', data: { labels: 'app.kubernetes.io/component: net-istio' } }] },
  ],
});
