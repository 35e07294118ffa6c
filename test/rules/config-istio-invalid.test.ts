import { RuleTester, yaml } from '../rule-tester.js';
import rule from '../../src/rules/config-istio-invalid.js';
import { configIstio, docs } from '../helpers/manifests.js';

new RuleTester().run(rule, {
  valid: [
    { name: 'no gateway keys: code defaults', manifests: docs(configIstio()) },
    { name: 'list format, one default local gateway', manifests: docs(configIstio({ 'local-gateways': '- name: g\n  namespace: istio-system\n  service: g.istio-system.svc.cluster.local\n' })) },
    { name: 'legacy keys only', manifests: docs(configIstio({ 'local-gateway.istio-system.g': 'g.istio-system.svc.cluster.local', 'gateway.kubeflow.kubeflow-gateway': 'istio-ingressgateway.istio-system.svc.cluster.local' })) },
    { name: 'mesh-only: both lists empty', manifests: docs(configIstio({ 'local-gateways': '[]', 'external-gateways': '[]' })) },
    { name: 'a default plus a selector entry', manifests: docs(configIstio({ 'local-gateways': '- {name: a, namespace: ns, service: a.n.svc.cluster.local}\n- {name: b, namespace: ns, service: b.n.svc.cluster.local, labelSelector: {matchLabels: {team: x}}}\n' })) },
    { name: 'field names match case-insensitively like Go json', manifests: docs(configIstio({ 'local-gateways': '- {Name: a, NAMESPACE: n, Service: a.n.svc.cluster.local}\n' })) },
    { name: 'trailing dot in service', manifests: docs(configIstio({ 'local-gateways': '- {name: a, namespace: ns, service: a.n.svc.cluster.local.}\n' })) },
    {
      name: 'operator config merged over the ConfigMap',
      manifests: yaml`
        apiVersion: operator.knative.dev/v1beta1
        kind: KnativeServing
        metadata: {name: knative-serving, namespace: knative-serving}
        spec:
          config:
            istio:
              local-gateways: |
                - {name: knative-local-gateway, namespace: knative-serving, service: knative-local-gateway.istio-system.svc.cluster.local}
      `,
    },
  ],
  invalid: [
    {
      name: 'list and legacy formats together',
      manifests: docs(configIstio({ 'local-gateways': '- {name: a, namespace: ns, service: a.n.svc.cluster.local}\n', 'gateway.kubeflow.kubeflow-gateway': 'x.istio-system.svc.cluster.local' })),
      errors: [{ id: 'ConfigIstioMixedFormats', resource: 'ConfigMap knative-serving/config-istio', data: { legacyKeys: 'gateway.kubeflow.kubeflow-gateway' } }],
    },
    { name: 'not YAML', manifests: docs(configIstio({ 'local-gateways': 'notYAML' })), errors: [{ id: 'ConfigIstioUnparsable', message: 'cannot unmarshal string' }] },
    { name: 'broken YAML', manifests: docs(configIstio({ 'local-gateways': '- name: [a\n' })), errors: [{ id: 'ConfigIstioUnparsable' }] },
    { name: 'a list where a string is needed', manifests: docs(configIstio({ 'local-gateways': '- {name: [5], namespace: ns, service: a.ns.svc.cluster.local}\n' })), errors: [{ id: 'ConfigIstioUnparsable', message: 'cannot unmarshal array' }] },
    { name: 'missing service (typo "svc")', manifests: docs(configIstio({ 'local-gateways': '- {name: a, namespace: ns, svc: a.n.svc.cluster.local}\n' })), errors: [{ id: 'ConfigIstioFieldMissing', data: { field: 'service', gateway: 'local gateway ns/a' } }] },
    { name: 'missing name', manifests: docs(configIstio({ 'local-gateways': '- {namespace: ns, service: a.n.svc.cluster.local}\n' })), errors: [{ id: 'ConfigIstioFieldMissing', data: { field: 'name', gateway: 'local gateway ns/' } }] },
    { name: 'missing namespace', manifests: docs(configIstio({ 'external-gateways': '- {name: a, service: a.n.svc.cluster.local}\n' })), errors: [{ id: 'ConfigIstioFieldMissing', data: { field: 'namespace', gateway: 'external gateway /a' } }] },
    { name: 'invalid service host', manifests: docs(configIstio({ 'local-gateways': '- {name: a, namespace: ns, service: _invalid}\n' })), errors: [{ id: 'ConfigIstioInvalidService', data: { service: '_invalid', gateway: 'local gateway ns/a' } }] },
    { name: 'upper-case service host', manifests: docs(configIstio({ 'local-gateway.n.a': 'A.n.svc.cluster.local' })), errors: [{ id: 'ConfigIstioInvalidService' }] },
    { name: 'legacy key with invalid service', manifests: docs(configIstio({ 'gateway.invalid': '_invalid' })), errors: [{ id: 'ConfigIstioInvalidService', data: { gateway: 'external gateway knative-serving/invalid', service: '_invalid' } }] },
    {
      name: 'two default local gateways',
      manifests: docs(configIstio({ 'local-gateways': '- {name: a, namespace: ns, service: a.n.svc.cluster.local}\n- {name: b, namespace: ns, service: b.n.svc.cluster.local}\n' })),
      errors: [{ id: 'ConfigIstioDefaultCount', data: { role: 'local', count: '2', gateways: 'ns/a, ns/b' } }],
    },
    {
      name: 'no default: only selector entries',
      manifests: docs(configIstio({ 'external-gateways': '- {name: a, namespace: ns, service: a.n.svc.cluster.local, labelSelector: {matchLabels: {x: y}}}\n' })),
      errors: [{ id: 'ConfigIstioDefaultCount', data: { role: 'external', count: '0', gateways: 'none' } }],
    },
    {
      name: 'In without values',
      manifests: docs(configIstio({ 'local-gateways': '- {name: a, namespace: ns, service: a.n.svc.cluster.local}\n- {name: b, namespace: ns, service: b.n.svc.cluster.local, labelSelector: {matchExpressions: [{key: k, operator: In}]}}\n' })),
      errors: [{ id: 'ConfigIstioInvalidSelector', data: { gateway: 'local gateway ns/b', reason: "for 'in', 'notin' operators, values set can't be empty" } }],
    },
    {
      name: 'operator spec.config reintroduces a legacy key',
      manifests: docs(
        configIstio({ 'local-gateway.knative-serving.knative-local-gateway': 'knative-local-gateway.istio-system.svc.cluster.local' }),
        { apiVersion: 'operator.knative.dev/v1beta1', kind: 'KnativeServing', metadata: { name: 'knative-serving', namespace: 'knative-serving' }, spec: { config: { istio: { 'local-gateways': '- {name: a, namespace: ns, service: a.n.svc.cluster.local}\n' } } } },
      ),
      errors: [{ id: 'ConfigIstioMixedFormats', resource: 'ConfigMap knative-serving/config-istio', line: 10 }],
    },
  ],
});
