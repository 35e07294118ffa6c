import { RuleTester } from '../rule-tester.js';
import rule from '../../src/rules/ingress-readiness.js';
import { configDomain, configIstio, defaultStack, deployment, docs, gateway, INGRESS_PODS, isvc, kserveConfig, localGateways, NO_TRANSLATION, service, type Obj } from '../helpers/manifests.js';

// Cases written from net-istio's prober (pkg/reconciler/ingress/lister.go, knative.dev/networking
// pkg/status/status.go); the model itself is checked against that code by test/probe-oracle.test.ts.
const ML = { app: 'ml-gateway' };
const mlIngress = { ingressGateway: 'knative-serving/knative-ingress-gateway', localGateway: 'ml/ml-local', localGatewayService: 'ml-gateway.ml.svc.cluster.local' };
const mlConfig = configIstio({ 'local-gateways': localGateways({ name: 'ml-local', namespace: 'ml', service: 'ml-gateway.ml.svc.cluster.local' }), 'external-gateways': '[]' });
const mlPods = deployment('ml', 'ml-gateway', ML, [{ name: 'http', containerPort: 8081 }]);
/** The separate local gateway done right for the prober too: its Service carries the selector's labels and has port 8081. */
const mlStack = (svcPorts = [{ port: 80, targetPort: 8081 }, { port: 8081, targetPort: 8081, name: 'probe' }], extra: Obj[] = []): Obj[] => [
  mlConfig, kserveConfig(mlIngress), gateway('ml', 'ml-local', ML, [{ port: 8081 }]), mlPods,
  service('ml', 'ml-gateway', ML, svcPorts, { ...ML, ...NO_TRANSLATION }), isvc('models', 'iris'), ...extra,
];
const endpoints = (ns: string, name: string, ips: string[], ports: { name: string; port: number }[]): Obj => ({ apiVersion: 'v1', kind: 'Endpoints', metadata: { name, namespace: ns }, subsets: [{ addresses: ips.map((ip) => ({ ip })), ports }] });
/** Manifests, not a whole cluster: Endpoints left out are assumed to be the Service's pods'. */
const partial = { complete: false };
const denyAll = (ns: string, name: string, spec: Record<string, unknown>): Obj => ({ apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name, namespace: ns }, spec });

new RuleTester().run(rule, {
  valid: [
    { name: 'no InferenceService or Knative Service: nothing is probed', manifests: docs(mlStack().slice(0, 5)), options: partial },
    { name: 'a local gateway whose Service carries its selector labels and has port 8081: probed, Ready', manifests: docs(mlStack()), options: partial },
    {
      name: 'complete input: the Endpoints are there with the port\'s name',
      manifests: docs(mlStack(undefined, [endpoints('ml', 'ml-gateway', ['10.0.0.7'], [{ name: 'p0', port: 8081 }, { name: 'probe', port: 8081 }])])),
    },
  ],
  invalid: [
    {
      name: 'the shipped layout: the local Gateway\'s 8081 server matches istio-ingressgateway, which has no port 8081',
      manifests: docs(defaultStack(), isvc('models', 'iris')),
      options: partial,
      errors: [{ id: 'GatewayNotProbed', resource: 'Gateway knative-serving/knative-local-gateway', data: { role: 'local', count: '1', why: 'server 0: Skipping Server "http-0" because Service istio-system/istio-ingressgateway doesn\'t contain a port 8081', port: '8081' } }],
    },
    {
      name: 'no Service carries the Gateway\'s selector labels (the custom-gateway examples)',
      manifests: docs(mlStack([{ port: 80, targetPort: 8081 }]).map((o) => (o['kind'] === 'Service' ? service('ml', 'ml-gateway', ML, [{ port: 80, targetPort: 8081 }], NO_TRANSLATION) : o))),
      options: partial,
      errors: [{ id: 'GatewayNotProbed', data: { gateway: 'ml/ml-local', why: 'no Service carries its selector\'s labels app=ml-gateway (net-istio logs "Skipping Gateway ml/ml-local because it has no corresponding Service")' } }],
    },
    {
      name: 'the probe lands on a listener without the route: the Service\'s 8081 targets the pods\' 8080, where no Gateway serves the host (404, retried for ever)',
      manifests: docs(mlStack([{ port: 80, targetPort: 8081 }, { port: 8081, targetPort: 8080, name: 'probe' }], [gateway('ml', 'other', ML, [{ port: 8080, hosts: ['other.example.com'] }])])),
      options: partial,
      errors: [{ id: 'IngressNeverReady', resource: 'Gateway ml/ml-local', data: { count: '1', ingresses: 'models/iris-predictor', outcome: '404', url: 'http://iris-predictor.models:8081/healthz', pod: 'Deployment ml/ml-gateway:8080' } }],
    },
    {
      name: 'a NetworkPolicy on the gateway pods drops the prober (knative-serving): the probe times out, retried for ever',
      manifests: docs(mlStack(undefined, [{ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'only-models', namespace: 'ml' }, spec: { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'models' } } }] }] } }])),
      options: partial,
      errors: [{ id: 'IngressNeverReady', data: { outcome: '504' } }],
    },
    {
      name: 'complete input without the Endpoints of the Service the prober found: ReconcileIngressFailed',
      manifests: docs(mlStack()),
      errors: [{ id: 'IngressReconcileFails', resource: 'Service ml/ml-gateway', data: { gateway: 'ml/ml-local', error: 'failed to list the probing URLs of Gateway "ml/ml-local": failed to get Endpoints: endpoints "ml-gateway" not found' } }],
    },
    {
      name: 'Endpoints whose ports lack the Service port\'s name: nothing to probe (Ready without a probe)',
      manifests: docs(mlStack(undefined, [endpoints('ml', 'ml-gateway', ['10.0.0.7'], [{ name: 'p0', port: 8081 }])])),
      errors: [{ id: 'GatewayNotProbed', data: { gateway: 'ml/ml-local' } }],
    },
    {
      name: 'two Services carry the selector\'s labels: the informer decides',
      manifests: docs(mlStack(undefined, [service('ml', 'ml-gateway-metrics', ML, [{ port: 15020 }], ML)])),
      options: partial,
      errors: [{ id: 'ProberServiceAmbiguous', resource: 'Gateway ml/ml-local', data: { count: '2', services: 'ml/ml-gateway, ml/ml-gateway-metrics' } }],
    },
    {
      name: 'an AuthorizationPolicy denies the prober at the gateway: 403 is "abandoned", so Ready anyway',
      manifests: docs(mlStack(undefined, [denyAll('ml', 'deny-plain', { selector: { matchLabels: ML }, action: 'DENY', rules: [{ from: [{ source: { notPrincipals: ['*'] } }] }] })])),
      options: partial,
      errors: [{ id: 'ProbeAbandoned', data: { outcome: '403', count: '1' } }],
    },
    {
      name: 'a Knative Service of its own (not KServe\'s) is probed the same way',
      manifests: docs(mlStack([{ port: 80, targetPort: 8081 }]).filter((o) => o['kind'] !== 'InferenceService'), configDomain(), { apiVersion: 'serving.knative.dev/v1', kind: 'Service', metadata: { name: 'hello', namespace: 'apps' }, spec: {} }, gateway('knative-serving', 'knative-ingress-gateway', INGRESS_PODS, [{ port: 80 }])),
      options: partial,
      // config-istio's "external-gateways: []" means net-istio's default external gateway (defaultValues fills empty lists).
      errors: [{ id: 'GatewayNotProbed', data: { gateway: 'ml/ml-local', count: '1' } }, { id: 'GatewayNotProbed', data: { gateway: 'knative-serving/knative-ingress-gateway', role: 'external' } }],
    },
  ],
});
