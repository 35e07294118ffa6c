import { RuleTester } from '../rule-tester.js';
import rule from '../../src/rules/vs-stale-gateways.js';
import { configDomain, configIstio, docs, isvc, kserveConfig, KSERVE_DEFAULT_INGRESS, type Obj } from '../helpers/manifests.js';

const vs = (name: string, gateways: string[]): Obj => ({ apiVersion: 'networking.istio.io/v1beta1', kind: 'VirtualService', metadata: { name, namespace: 'models' }, spec: { hosts: ['x'], gateways, http: [] } });
/** An InferenceService whose predictor has spec.predictor.name (KServe ≥ 0.20 names it `<isvc>-<name>-predictor`). */
const named = (name: string, predictor: string): Obj => {
  const o = isvc('models', name);
  return { ...o, spec: { predictor: { name: predictor, model: { modelFormat: { name: 'sklearn' } } } } };
};
const KSERVE_NOW = ['knative-serving/knative-local-gateway', 'mesh', 'knative-serving/knative-ingress-gateway'];

new RuleTester().run(rule, {
  valid: [
    { name: 'KServe VirtualService on the current gateways', manifests: docs(configDomain(), configIstio(), kserveConfig(KSERVE_DEFAULT_INGRESS), isvc('models', 'iris'), vs('iris', KSERVE_NOW)) },
    // KServe treats an InferenceService as internal when Knative's domain is svc.<cluster-domain> (no config-domain default).
    { name: 'without config-domain KServe binds only the local gateway and mesh', manifests: docs(configIstio(), kserveConfig(KSERVE_DEFAULT_INGRESS), isvc('models', 'iris'), vs('iris', ['knative-serving/knative-local-gateway', 'mesh'])) },
    { name: 'Knative VirtualService on the current gateways', manifests: docs(configDomain(), configIstio(), kserveConfig(KSERVE_DEFAULT_INGRESS), isvc('models', 'iris'), vs('iris-predictor-ingress', ['knative-serving/knative-ingress-gateway', 'knative-serving/knative-local-gateway'])) },
    // Before 0.20 the field does not exist: the predictor is `<isvc>-predictor`, and this VirtualService is not its.
    { name: 'a named predictor under KServe 0.16', manifests: docs(configDomain(), configIstio(), kserveConfig(KSERVE_DEFAULT_INGRESS), named('iris', 'v2'), vs('iris-v2-predictor-ingress', ['knative-serving/cluster-local-gateway'])), options: { versions: { kserve: '0.16.0' } } },
    { name: 'unrelated VirtualService', manifests: docs(configIstio(), kserveConfig(KSERVE_DEFAULT_INGRESS), isvc('models', 'iris'), vs('something-else', ['a/b'])) },
    { name: 'without config-domain routes are cluster-local: only the local gateway', manifests: docs(configIstio(), kserveConfig(KSERVE_DEFAULT_INGRESS), isvc('models', 'iris'), vs('iris-predictor-ingress', ['knative-serving/knative-local-gateway'])) },
  ],
  invalid: [
    {
      name: 'Knative VirtualService of a named predictor (KServe 0.20) on an old gateway',
      manifests: docs(configDomain(), configIstio(), kserveConfig(KSERVE_DEFAULT_INGRESS), named('iris', 'v2'), vs('iris-v2-predictor-ingress', ['knative-serving/cluster-local-gateway'])),
      errors: [{ id: 'VirtualServiceStale', resource: 'VirtualService models/iris-v2-predictor-ingress', data: { controller: 'net-istio' } }],
    },
    {
      name: 'KServe VirtualService still on the old cluster-local-gateway',
      manifests: docs(configDomain(), configIstio(), kserveConfig(KSERVE_DEFAULT_INGRESS), isvc('models', 'iris'), vs('iris', ['knative-serving/cluster-local-gateway', 'mesh', 'knative-serving/knative-ingress-gateway'])),
      errors: [{ id: 'VirtualServiceStale', resource: 'VirtualService models/iris', data: { controller: 'KServe' } }],
    },
    {
      name: 'Knative VirtualService created before config-istio moved to a custom gateway',
      manifests: docs(configDomain(), configIstio({ 'local-gateways': '- {name: custom, namespace: istio-system, service: custom.istio-system.svc.cluster.local}\n' }), kserveConfig({ ...KSERVE_DEFAULT_INGRESS, localGateway: 'istio-system/custom' }), isvc('models', 'iris'), vs('iris-predictor-ingress', ['knative-serving/knative-ingress-gateway', 'knative-serving/knative-local-gateway'])),
      errors: [{ id: 'VirtualServiceStale', data: { controller: 'net-istio', expected: 'istio-system/custom, knative-serving/knative-ingress-gateway' } }],
    },
  ],
});
