import { RuleTester } from '../rule-tester.js';
import rule from '../../src/rules/vs-routes-shadowed.js';
import { deployment, docs, gateway, INGRESS_PODS, type Obj } from '../helpers/manifests.js';

// Cases written from Istio's gateway route building (pilot/pkg/networking/core/gateway.go buildGatewayHTTPRouteConfig:
// VirtualServices in creation order, virtual hosts merged per host, catch-all routes last); the same model is checked
// against Istio's simulator in test/oracle.test.ts ("conflicting VirtualServices").
const pods = deployment('istio-system', 'istio-ingressgateway', INGRESS_PODS);
const gw = gateway('knative-serving', 'knative-local-gateway', INGRESS_PODS, [{ port: 8081 }]);
const vs = (name: string, hosts: string[], http: Obj[], opts: { gateways?: string[]; created?: string; ns?: string } = {}): Obj => ({
  apiVersion: 'networking.istio.io/v1', kind: 'VirtualService',
  metadata: { name, namespace: opts.ns ?? 'models', ...(opts.created ? { creationTimestamp: opts.created } : {}) },
  spec: { hosts, gateways: opts.gateways ?? ['knative-serving/knative-local-gateway'], http },
});
const to = (host: string, match?: Obj[]): Obj => ({ ...(match ? { match } : {}), route: [{ destination: { host } }] });
const HOST = 'iris.models.svc.cluster.local';

new RuleTester().run(rule, {
  valid: [
    { name: 'different hosts', manifests: docs(gw, pods, vs('a', [HOST], [to('a')]), vs('b', ['other.models.svc.cluster.local'], [to('b')])) },
    { name: 'same host, different prefixes', manifests: docs(gw, pods, vs('a', [HOST], [to('a', [{ uri: { prefix: '/a' } }])]), vs('b', [HOST], [to('b', [{ uri: { prefix: '/b' } }])])) },
    { name: 'an earlier catch-all moves last: the later prefix route still matches', manifests: docs(gw, pods, vs('a', [HOST], [to('a')], { created: '2024-01-01T00:00:00Z' }), vs('b', [HOST], [to('b', [{ uri: { prefix: '/explain' } }])], { created: '2024-02-01T00:00:00Z' })) },
    { name: 'one VirtualService shadowing its own routes is its own business', manifests: docs(gw, pods, vs('a', [HOST], [to('a'), to('b', [{ uri: { prefix: '/x' } }])])) },
  ],
  invalid: [
    {
      name: 'KServe\'s VirtualService and an older one of the user\'s, both catch-all for the InferenceService host: the older wins',
      manifests: docs(gw, pods, vs('iris', [HOST], [to('iris-predictor.models.svc.cluster.local')], { created: '2024-03-01T00:00:00Z' }), vs('my-iris', [HOST], [to('legacy')], { created: '2024-01-01T00:00:00Z' })),
      errors: [{ id: 'VirtualServiceRoutesShadowed', resource: 'VirtualService models/iris', data: { host: HOST, winner: 'models/my-iris', why: 'a catch-all route', port: '8081' } }],
    },
    {
      name: 'the very same match in two VirtualServices: the first by creation time, then name, wins',
      manifests: docs(gw, pods, vs('b', [HOST], [to('b', [{ uri: { prefix: '/v1' } }])]), vs('a', [HOST], [to('a', [{ uri: { prefix: '/v1' } }])])),
      errors: [{ id: 'VirtualServiceRoutesShadowed', resource: 'VirtualService models/b', data: { winner: 'models/a', why: 'the same match' } }],
    },
    {
      name: 'two Gateways on the same pods and port: Istio merges their servers, so their VirtualServices meet in one virtual host',
      manifests: docs(gateway('istio-system', 'one', INGRESS_PODS, [{ port: 8081 }]), gateway('istio-system', 'two', INGRESS_PODS, [{ port: 8081 }]), pods,
        vs('a', [HOST], [to('a')], { gateways: ['istio-system/one'] }), vs('b', [HOST], [to('b')], { gateways: ['istio-system/two'] })),
      errors: [{ id: 'VirtualServiceRoutesShadowed', resource: 'VirtualService models/b', data: { winner: 'models/a' } }],
    },
  ],
});
