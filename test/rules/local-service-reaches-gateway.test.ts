import { RuleTester } from '../rule-tester.js';
import rule from '../../src/rules/local-service-reaches-gateway.js';
import { configIstio, deployment, docs, gateway, NO_TRANSLATION, service, type Obj } from '../helpers/manifests.js';

const POD = { app: 'gw' };
const cfg = configIstio({ 'local-gateways': '- {name: lg, namespace: istio-system, service: lg.istio-system.svc.cluster.local}\n' });
const layout = (gw: Obj, svc: Obj, ...extra: Obj[]) => docs(cfg, gw, svc, deployment('istio-system', 'gw', POD, [{ name: 'http2', containerPort: 8080 }]), ...extra);

new RuleTester().run(rule, {
  valid: [
    { name: 'Knative layout: 80 → 8081, label, server 8081', manifests: layout(gateway('istio-system', 'lg', POD, [{ port: 8081 }]), service('istio-system', 'lg', POD, [{ port: 80, targetPort: 8081 }], NO_TRANSLATION)) },
    { name: 'Istio layout: server 80 translated by the Service to 8080', manifests: layout(gateway('istio-system', 'lg', POD, [{ port: 80 }]), service('istio-system', 'lg', POD, [{ port: 80, targetPort: 8080 }])) },
    {
      // Istio mTLS from callers' proxies reaches gateway pods only through a DestinationRule (auto mTLS targets
      // pods with a sidecar's tlsMode label); with one, the ISTIO_MUTUAL server serves the path (test/authz.test.ts
      // traces it; plain callers still fail there).
      name: 'an ISTIO_MUTUAL server and a DestinationRule that makes clients of the Service send Istio mTLS',
      manifests: layout(gateway('istio-system', 'lg', POD, [{ port: 8081, protocol: 'HTTPS', tls: { mode: 'ISTIO_MUTUAL' } }]), service('istio-system', 'lg', POD, [{ port: 80, targetPort: 8081 }], NO_TRANSLATION),
        { apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name: 'lg', namespace: 'istio-system' }, spec: { host: 'lg.istio-system.svc.cluster.local', trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } } } }),
    },
    { name: 'named targetPort resolved from the container', manifests: layout(gateway('istio-system', 'lg', POD, [{ port: 80 }]), service('istio-system', 'lg', POD, [{ port: 80, targetPort: 'http2' }])) },
    { name: 'no targetPort: defaults to port 80, no translation needed', manifests: layout(gateway('istio-system', 'lg', POD, [{ port: 80 }]), service('istio-system', 'lg', POD, [{ port: 80 }], NO_TRANSLATION)) },
  ],
  invalid: [
    {
      name: 'label set but Gateway on port 80 (listener stays on 80, Service goes to 8081)',
      manifests: layout(gateway('istio-system', 'lg', POD, [{ port: 80 }]), service('istio-system', 'lg', POD, [{ port: 80, targetPort: 8081 }], NO_TRANSLATION)),
      errors: [{ id: 'LocalServicePortMismatch', message: 'port 80 targets pod port 8081', resource: 'Service istio-system/lg' }],
    },
    {
      name: 'no label, server 8081 translated by another Service to 8080',
      manifests: layout(gateway('istio-system', 'lg', POD, [{ port: 8081 }]), service('istio-system', 'lg', POD, [{ port: 80, targetPort: 8081 }]), service('istio-system', 'other', POD, [{ port: 8081, targetPort: 8080 }])),
      errors: [{ id: 'LocalServicePortMismatch', message: 'listens on pod port 8080 (translated by Service istio-system/other)' }],
    },
    { name: 'no port 80', manifests: layout(gateway('istio-system', 'lg', POD, [{ port: 8081 }]), service('istio-system', 'lg', POD, [{ port: 8081 }])), errors: [{ id: 'LocalServicePortMismatch', message: 'has no port 80' }] },
    { name: 'unknown named targetPort', manifests: layout(gateway('istio-system', 'lg', POD, [{ port: 80 }]), service('istio-system', 'lg', POD, [{ port: 80, targetPort: 'web' }])), errors: [{ id: 'LocalServicePortMismatch', message: 'port name "web"' }] },
    {
      name: 'Service picks other pods than the Gateway (Kubeflow #1966: ingress pods behind the local Service)',
      manifests: docs(cfg, gateway('istio-system', 'lg', POD, [{ port: 8081 }]), service('istio-system', 'lg', { istio: 'ingressgateway' }, [{ port: 80, targetPort: 8081 }], NO_TRANSLATION), deployment('istio-system', 'ingress', { istio: 'ingressgateway' }), deployment('istio-system', 'gw', POD)),
      errors: [{ id: 'LocalServiceGatewayPodsDiffer', data: { pods: 'Deployment istio-system/ingress', gateway: 'istio-system/lg' } }],
    },
    {
      name: 'only a TLS server on the Gateway',
      manifests: layout({ ...gateway('istio-system', 'lg', POD, [{ port: 8081, protocol: 'HTTPS' }]) }, service('istio-system', 'lg', POD, [{ port: 80, targetPort: 8081 }], NO_TRANSLATION)),
      errors: [{ id: 'LocalServicePortMismatch', message: 'no plain HTTP server' }],
    },
    {
      name: 'an ISTIO_MUTUAL server without a DestinationRule: callers send plain text to gateway pods',
      manifests: layout(gateway('istio-system', 'lg', POD, [{ port: 8081, protocol: 'HTTPS', tls: { mode: 'ISTIO_MUTUAL' } }]), service('istio-system', 'lg', POD, [{ port: 80, targetPort: 8081 }], NO_TRANSLATION)),
      errors: [{ id: 'LocalServicePortMismatch', message: 'no plain HTTP server' }],
    },
  ],
});
