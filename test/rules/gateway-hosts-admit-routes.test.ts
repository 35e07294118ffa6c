import { RuleTester } from '../rule-tester.js';
import rule from '../../src/rules/gateway-hosts-admit-routes.js';
import { configIstio, docs, gateway, isvc, kserveConfig, KSERVE_DEFAULT_INGRESS } from '../helpers/manifests.js';

const local = (hosts: string[], ...extra: Record<string, unknown>[]) =>
  docs(configIstio(), kserveConfig(KSERVE_DEFAULT_INGRESS), gateway('knative-serving', 'knative-local-gateway', { istio: 'ingressgateway' }, [{ port: 8081, hosts }]), ...extra);

new RuleTester().run(rule, {
  valid: [
    { name: 'hosts *', manifests: local(['*'], isvc('online-serving', 'sklearn-iris')) },
    { name: 'hosts *.svc.cluster.local', manifests: local(['*.svc.cluster.local'], isvc('online-serving', 'sklearn-iris')) },
    { name: 'per-namespace pattern that matches', manifests: local(['*.online-serving.svc.cluster.local'], isvc('online-serving', 'sklearn-iris')) },
    { name: 'namespace-scoped server host for the InferenceService namespace', manifests: local(['online-serving/*'], isvc('online-serving', 'sklearn-iris')) },
    { name: 'no InferenceService: a pattern that can match cluster-local hosts', manifests: local(['*.models.svc.cluster.local']) },
  ],
  invalid: [
    {
      name: 'hosts *.online-serving (the seed scenario)',
      manifests: local(['*.online-serving'], isvc('online-serving', 'sklearn-iris')),
      errors: [
        { id: 'GatewayHostsExcludeRoutes', data: { host: 'sklearn-iris.online-serving.svc.cluster.local' } },
        { id: 'GatewayHostsExcludeRoutes', data: { host: 'sklearn-iris-predictor.online-serving.svc.cluster.local' } },
      ],
    },
    {
      name: 'transformer is the rewrite target',
      manifests: local(['sklearn-iris.online-serving.svc.cluster.local'], isvc('online-serving', 'sklearn-iris', ['predictor', 'transformer'])),
      errors: [{ id: 'GatewayHostsExcludeRoutes', data: { host: 'sklearn-iris-transformer.online-serving.svc.cluster.local' } }],
    },
    {
      name: 'server host scoped to another namespace',
      manifests: local(['other/*'], isvc('online-serving', 'a')),
      errors: [{ id: 'GatewayHostsExcludeRoutes', data: { host: 'a.online-serving.svc.cluster.local' } }, { id: 'GatewayHostsExcludeRoutes', data: { host: 'a-predictor.online-serving.svc.cluster.local' } }],
    },
    { name: 'no InferenceService: external-only hosts', manifests: local(['models.example.com']), errors: [{ id: 'GatewayHostsExcludeRoutes', data: { host: '<name>.<namespace>.svc.cluster.local' } }] },
  ],
});
