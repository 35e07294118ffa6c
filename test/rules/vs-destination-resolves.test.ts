import { RuleTester } from '../rule-tester.js';
import rule from '../../src/rules/vs-destination-resolves.js';
import { docs, gateway, INGRESS_PODS, service, type Obj } from '../helpers/manifests.js';

// Cases written from Istio's analyzer (pkg/config/analysis/analyzers/virtualservice/destinationhosts.go: IST0101,
// IST0112) and its route building (pilot/pkg/networking/core/route/route.go GetDestinationCluster).
const gw = gateway('istio-system', 'g', INGRESS_PODS, [{ port: 8081 }]);
const vs = (dest: Obj, labels: Record<string, string> = {}): Obj => ({ apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'v', namespace: 'models', labels }, spec: { hosts: ['a.example.com'], gateways: ['istio-system/g'], http: [{ route: [{ destination: dest }] }] } });
const multi = service('models', 'multi', { app: 'm' }, [{ port: 80 }, { port: 8012 }]);

new RuleTester().run(rule, {
  valid: [
    { name: 'a short name resolved in the VirtualService namespace', manifests: docs(gw, service('models', 'single', { app: 's' }, [{ port: 8080 }]), vs({ host: 'single' })) },
    { name: 'a port on a multi-port Service', manifests: docs(gw, multi, vs({ host: 'multi.models.svc.cluster.local', port: { number: 8012 } })) },
    { name: 'partial input: a missing Service may be left out', manifests: docs(gw, vs({ host: 'absent.models.svc.cluster.local' })), options: { complete: false } },
    { name: 'a host outside the cluster domain (a ServiceEntry may define it)', manifests: docs(gw, vs({ host: 'api.example.org' })) },
    { name: 'Knative\'s VirtualServices route to revision Services created at run time', manifests: docs(gw, vs({ host: 'iris-predictor-00001.models.svc.cluster.local', port: { number: 80 } }, { 'networking.internal.knative.dev/ingress': 'iris' })) },
  ],
  invalid: [
    { name: 'a whole cluster without the destination Service (IST0101)', manifests: docs(gw, vs({ host: 'absent' })), errors: [{ id: 'VirtualServiceDestinationNotFound', data: { fqdn: 'absent.models.svc.cluster.local' } }] },
    {
      name: 'no port on a multi-port Service: the server port 8081, which it lacks (IST0112)',
      manifests: docs(gw, multi, vs({ host: 'multi' })),
      errors: [{ id: 'VirtualServiceDestinationPortRequired', data: { ports: '80, 8012', outcome: 'on server port 8081 the Service has no such port: no cluster, 503 (NC)' } }],
    },
    {
      name: 'no port, and the server port happens to be one of the Service\'s',
      manifests: docs(gateway('istio-system', 'g', INGRESS_PODS, [{ port: 80 }]), multi, vs({ host: 'multi' })),
      errors: [{ id: 'VirtualServiceDestinationPortRequired', data: { outcome: 'the server port (80) happens to be one of them' } }],
    },
  ],
});
