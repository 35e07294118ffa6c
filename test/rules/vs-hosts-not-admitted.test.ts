import { RuleTester } from '../rule-tester.js';
import rule from '../../src/rules/vs-hosts-not-admitted.js';
import { docs, gateway } from '../helpers/manifests.js';

const vs = (ns: string, hosts: string[], gateways: string[]) => ({ apiVersion: 'networking.istio.io/v1beta1', kind: 'VirtualService', metadata: { name: 'v', namespace: ns }, spec: { hosts, gateways, http: [{ route: [{ destination: { host: 'x' } }] }] } });

new RuleTester().run(rule, {
  valid: [
    { name: 'wildcard server', manifests: docs(gateway('istio-system', 'g', { a: 'b' }, [{ port: 80, hosts: ['*'] }]), vs('models', ['iris.models.svc.cluster.local'], ['istio-system/g'])) },
    { name: 'suffix wildcard', manifests: docs(gateway('istio-system', 'g', { a: 'b' }, [{ port: 80, hosts: ['*.svc.cluster.local'] }]), vs('models', ['iris.models.svc.cluster.local'], ['istio-system/g'])) },
    { name: 'namespace-scoped server host matching the VS namespace', manifests: docs(gateway('istio-system', 'g', { a: 'b' }, [{ port: 80, hosts: ['models/*'] }]), vs('models', ['iris.models'], ['istio-system/g'])) },
    { name: 'wildcard VS host intersecting an exact server host', manifests: docs(gateway('istio-system', 'g', { a: 'b' }, [{ port: 80, hosts: ['a.example.com'] }]), vs('models', ['*.example.com'], ['istio-system/g'])) },
  ],
  invalid: [
    {
      name: 'a Gateway without servers admits nothing (IST0132 reports it too; the Gateway itself is KGD1410)',
      manifests: docs({ apiVersion: 'networking.istio.io/v1', kind: 'Gateway', metadata: { name: 'g', namespace: 'istio-system' }, spec: { selector: { a: 'b' } } }, vs('models', ['iris.models.svc.cluster.local'], ['istio-system/g'])),
      errors: [{ id: 'VirtualServiceHostsNotAdmitted', data: { serverHosts: 'none' } }],
    },
    {
      name: '*.online-serving does not admit the svc host',
      manifests: docs(gateway('istio-system', 'g', { a: 'b' }, [{ port: 80, hosts: ['*.online-serving'] }]), vs('online-serving', ['sklearn-iris.online-serving.svc.cluster.local'], ['istio-system/g'])),
      errors: [{ id: 'VirtualServiceHostsNotAdmitted', data: { gateway: 'istio-system/g' } }],
    },
    {
      name: 'server host scoped to another namespace',
      manifests: docs(gateway('istio-system', 'g', { a: 'b' }, [{ port: 80, hosts: ['./*'] }]), vs('models', ['iris.models.svc.cluster.local'], ['istio-system/g'])),
      errors: [{ id: 'VirtualServiceHostsNotAdmitted' }],
    },
  ],
});
