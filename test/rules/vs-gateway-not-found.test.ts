import { RuleTester, yaml } from '../rule-tester.js';
import rule from '../../src/rules/vs-gateway-not-found.js';
import { docs, gateway } from '../helpers/manifests.js';

const vs = (ns: string, gateways: string[]) => ({ apiVersion: 'networking.istio.io/v1beta1', kind: 'VirtualService', metadata: { name: 'iris', namespace: ns }, spec: { hosts: ['iris.models.svc.cluster.local'], gateways, http: [{ route: [{ destination: { host: 'x' } }] }] } });

new RuleTester().run(rule, {
  valid: [
    { name: 'qualified reference', manifests: docs(gateway('knative-serving', 'knative-local-gateway', { a: 'b' }), vs('models', ['knative-serving/knative-local-gateway', 'mesh'])) },
    { name: 'short name in the same namespace', manifests: docs(gateway('models', 'gw', { a: 'b' }), vs('models', ['gw'])) },
    { name: 'legacy FQDN form name.namespace', manifests: docs(gateway('knative-serving', 'knative-local-gateway', { a: 'b' }), vs('models', ['knative-local-gateway.knative-serving.svc.cluster.local'])) },
    { name: './name', manifests: docs(gateway('models', 'gw', { a: 'b' }), vs('models', ['./gw'])) },
    { name: 'only mesh', manifests: docs(gateway('x', 'g', { a: 'b' }), vs('models', ['mesh'])) },
  ],
  invalid: [
    {
      name: 'short name resolves to the VirtualService namespace',
      manifests: docs(gateway('knative-serving', 'knative-local-gateway', { a: 'b' }), vs('models', ['knative-local-gateway'])),
      errors: [{ id: 'VirtualServiceGatewayNotFound', data: { ref: 'knative-local-gateway', gateway: 'models/knative-local-gateway' }, line: 26 }],
    },
    {
      name: 'gateway in a match block',
      manifests: yaml`
        apiVersion: networking.istio.io/v1beta1
        kind: Gateway
        metadata: {name: g, namespace: istio-system}
        spec: {selector: {app: g}, servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: ["*"]}]}
        ---
        apiVersion: networking.istio.io/v1beta1
        kind: VirtualService
        metadata: {name: v, namespace: models}
        spec:
          hosts: [a]
          gateways: [istio-system/g]
          http:
            - match:
                - gateways: [istio-system/missing]
              route: [{destination: {host: a}}]
      `,
      errors: [{ id: 'VirtualServiceGatewayNotFound', data: { gateway: 'istio-system/missing' }, line: 14 }],
    },
  ],
});
