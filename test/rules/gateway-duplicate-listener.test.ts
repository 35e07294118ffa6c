import { RuleTester } from '../rule-tester.js';
import rule from '../../src/rules/gateway-duplicate-listener.js';
import { deployment, docs, gateway, NO_TRANSLATION, service } from '../helpers/manifests.js';

const POD = { app: 'cluster-local-gateway', istio: 'cluster-local-gateway' };
const base = [deployment('istio-system', 'cluster-local-gateway', POD), gateway('istio-system', 'cluster-local-gateway', POD, [{ port: 80 }]), gateway('knative-serving', 'knative-local-gateway', POD, [{ port: 8081 }])];

new RuleTester().run(rule, {
  valid: [
    { name: 'Kubeflow after #2092: the knative Service opts out of translation', manifests: docs(base, service('istio-system', 'cluster-local-gateway', POD, [{ port: 80, targetPort: 8080 }]), service('istio-system', 'knative-local-gateway', POD, [{ port: 80, targetPort: 8081 }], NO_TRANSLATION)) },
    { name: 'two HTTP servers merged on one port', manifests: docs(deployment('istio-system', 'gw', { app: 'gw' }), gateway('a', 'g1', { app: 'gw' }, [{ port: 80, hosts: ['a.example.com'] }]), gateway('b', 'g2', { app: 'gw' }, [{ port: 80, hosts: ['b.example.com'] }])) },
    { name: 'two HTTPS servers on one port with distinct SNI hosts', manifests: docs(deployment('istio-system', 'gw', { app: 'gw' }), gateway('a', 'g1', { app: 'gw' }, [{ port: 443, protocol: 'HTTPS', hosts: ['a.example.com'], tls: { mode: 'SIMPLE', credentialName: 'a' } }]), gateway('b', 'g2', { app: 'gw' }, [{ port: 443, protocol: 'HTTPS', hosts: ['b.example.com'], tls: { mode: 'ISTIO_MUTUAL' } }])) },
    { name: 'an HTTPS server first, then a plain HTTP one: they share the listener (Istio keeps both)', manifests: docs(deployment('istio-system', 'gw', { app: 'gw' }), gateway('a', 'g1', { app: 'gw' }, [{ port: 8443, protocol: 'HTTPS', hosts: ['a.example.com'], tls: { mode: 'SIMPLE', credentialName: 'a' } }]), gateway('b', 'g2', { app: 'gw' }, [{ port: 8443, hosts: ['b.example.com'] }])) },
  ],
  invalid: [
    {
      name: 'Kubeflow 1.4 before #2092 (kubeflow/manifests#2082)',
      manifests: docs(base, service('istio-system', 'cluster-local-gateway', POD, [{ port: 80, targetPort: 8080 }]), service('istio-system', 'knative-local-gateway', POD, [{ port: 80, targetPort: 8081 }])),
      errors: [{ id: 'GatewayPortTranslationAmbiguous', resource: 'Gateway istio-system/cluster-local-gateway', data: { port: '80', candidates: 'Service istio-system/cluster-local-gateway (80→8080) and Service istio-system/knative-local-gateway (80→8081)' } }],
    },
    {
      name: 'HTTP and TCP servers on one pod port (Istio merges Gateways by name: raw before web)',
      manifests: docs(deployment('istio-system', 'gw', { app: 'gw' }), gateway('a', 'web', { app: 'gw' }, [{ port: 9000 }]), gateway('b', 'raw', { app: 'gw' }, [{ port: 9000, protocol: 'TCP' }])),
      errors: [{ id: 'GatewayProtocolConflict', resource: 'Gateway a/web', data: { port: '9000', kept: 'b/raw port 9000 TCP' } }, { id: 'GatewayProtocolConflict', resource: 'Gateway b/raw', data: { dropped: 'a/web port 9000 HTTP' } }],
    },
    {
      name: 'a plain HTTP server first, then an HTTPS one on the same port: the HTTPS server is dropped',
      manifests: docs(deployment('istio-system', 'gw', { app: 'gw' }), gateway('a', 'g1', { app: 'gw' }, [{ port: 8443, hosts: ['a.example.com'] }]), gateway('b', 'g2', { app: 'gw' }, [{ port: 8443, protocol: 'HTTPS', hosts: ['b.example.com'], tls: { mode: 'SIMPLE', credentialName: 'b' } }])),
      errors: [{ id: 'GatewayProtocolConflict', resource: 'Gateway b/g2', data: { port: '8443', kept: 'a/g1 port 8443 HTTP' } }, { id: 'GatewayProtocolConflict', resource: 'Gateway a/g1' }],
    },
    {
      name: 'two HTTPS servers claim the same SNI host on one port: the later one is dropped',
      manifests: docs(deployment('istio-system', 'gw', { app: 'gw' }), gateway('a', 'g1', { app: 'gw' }, [{ port: 443, protocol: 'HTTPS', hosts: ['a.example.com'], tls: { mode: 'SIMPLE', credentialName: 'a' } }]), gateway('b', 'g2', { app: 'gw' }, [{ port: 443, protocol: 'HTTPS', hosts: ['a.example.com'], tls: { mode: 'SIMPLE', credentialName: 'b' } }])),
      errors: [{ id: 'GatewayProtocolConflict', resource: 'Gateway b/g2', data: { port: '443', kept: 'a/g1 port 443 HTTPS' } }, { id: 'GatewayProtocolConflict', resource: 'Gateway a/g1' }],
    },
  ],
});
