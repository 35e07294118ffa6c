import { RuleTester } from '../rule-tester.js';
import rule from '../../src/rules/gateway-has-servers.js';
import { docs, gateway, type Obj } from '../helpers/manifests.js';

// Cases written from Istio's validation (pkg/config/validation/validation.go ValidateGateway) and its analyzer's
// VirtualService check (pkg/config/analysis/analyzers/virtualservice/gateways.go, IST0132).
const noServers = (ns: string, name: string): Obj => ({ apiVersion: 'networking.istio.io/v1', kind: 'Gateway', metadata: { name, namespace: ns }, spec: { selector: { istio: 'ingressgateway' } } });
const vs = (ns: string, name: string, gateways: string[]): Obj => ({ apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name, namespace: ns }, spec: { hosts: ['a.example.com'], gateways, http: [{ route: [{ destination: { host: 'a' } }] }] } });

new RuleTester().run(rule, {
  valid: [
    { name: 'a Gateway with a server', manifests: docs(gateway('istio-system', 'g', { istio: 'ingressgateway' }, [{ port: 80 }])) },
    { name: 'a VirtualService bound to mesh only', manifests: docs(gateway('istio-system', 'g', { istio: 'ingressgateway' }, [{ port: 80 }]), vs('apps', 'v', ['mesh'])) },
  ],
  invalid: [
    { name: 'no servers at all', manifests: docs(noServers('istio-system', 'empty')), errors: [{ id: 'GatewayWithoutServers', resource: 'Gateway istio-system/empty', data: { bound: '' } }] },
    {
      name: 'an empty servers list, with VirtualServices bound by short and namespaced names',
      manifests: docs({ ...noServers('apps', 'empty'), spec: { selector: { istio: 'ingressgateway' }, servers: [] } }, vs('apps', 'short', ['empty']), vs('other', 'full', ['apps/empty']), vs('other', 'elsewhere', ['empty'])),
      errors: [{ id: 'GatewayWithoutServers', resource: 'Gateway apps/empty', data: { bound: '; VirtualServices bound to it route nothing: apps/short, other/full' } }],
    },
  ],
});
