import { RuleTester } from '../rule-tester.js';
import rule from '../../src/rules/config-istio-stale-mesh-key.js';
import { configIstio, docs, gateway } from '../helpers/manifests.js';

const legacyLocal = { 'local-gateway.knative-serving.cluster-local-gateway': 'cluster-local-gateway.istio-system.svc.cluster.local' };

new RuleTester().run(rule, {
  valid: [
    { name: 'legacy local gateway without the mesh key', manifests: docs(configIstio(legacyLocal)) },
    { name: 'a real Gateway named mesh exists', manifests: docs(configIstio({ ...legacyLocal, 'local-gateway.mesh': 'mesh' }), gateway('knative-serving', 'mesh', { a: 'b' })) },
    { name: 'list format mentioning mesh in a name is not the legacy key', manifests: docs(configIstio({ 'local-gateways': '- {name: mesh-gw, namespace: n, service: a.n.svc.cluster.local}\n' })) },
  ],
  invalid: [
    {
      name: 'Kubeflow 1.3 config with local-gateway.mesh',
      manifests: docs(configIstio({ ...legacyLocal, 'local-gateway.mesh': 'mesh' })),
      errors: [{ id: 'ConfigIstioStaleMeshKey', resource: 'ConfigMap knative-serving/config-istio', data: { key: 'local-gateway.mesh', gateway: 'knative-serving/mesh' } }],
    },
    {
      name: 'namespaced form local-gateway.knative-serving.mesh',
      manifests: docs(configIstio({ 'local-gateway.knative-serving.mesh': 'mesh' })),
      errors: [{ id: 'ConfigIstioStaleMeshKey', data: { gateway: 'knative-serving/mesh' } }],
    },
  ],
});
