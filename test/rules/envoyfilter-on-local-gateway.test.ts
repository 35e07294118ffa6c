import { RuleTester } from '../rule-tester.js';
import rule from '../../src/rules/envoyfilter-on-local-gateway.js';
import { defaultStack, docs, type Obj } from '../helpers/manifests.js';

const HCM = 'envoy.filters.network.http_connection_manager';
const extAuthz = { name: 'envoy.filters.http.ext_authz', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.http.ext_authz.v3.ExtAuthz', http_service: { server_uri: { uri: 'http://authservice.istio-system.svc.cluster.local', cluster: 'outbound|8080||authservice.istio-system.svc.cluster.local', timeout: '10s' } } } };
const lua = { name: 'envoy.filters.http.lua', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.http.lua.v3.Lua', default_source_code: { inline_string: 'function envoy_on_request(h) end' } } };
const ef = (name: string, spec: Obj, ns = 'istio-system'): Obj => ({ apiVersion: 'networking.istio.io/v1alpha3', kind: 'EnvoyFilter', metadata: { name, namespace: ns }, spec });
const patch = (match: Obj, operation = 'INSERT_BEFORE', value: Obj = extAuthz): Obj => ({ applyTo: 'HTTP_FILTER', match, patch: { operation, value } });
/** Kubeflow's AuthService filter (kubeflow/manifests common/oidc-authservice): ext_authz on the ingress gateway pods, every listener. */
const authservice = (hcm = HCM, listener: Obj = {}): Obj => ef('authn-filter', { workloadSelector: { labels: { istio: 'ingressgateway' } }, configPatches: [patch({ context: 'GATEWAY', listener: { ...listener, filterChain: { filter: { name: hcm } } } })] });

new RuleTester().run(rule, {
  valid: [
    { name: 'no EnvoyFilter', manifests: docs(defaultStack()) },
    { name: 'AuthService limited to the external listener (8080)', manifests: docs(defaultStack(), authservice(HCM, { portNumber: 8080 })) },
    { name: 'AuthService with the deprecated HCM name on Istio 1.29: the patch matches nothing', manifests: docs(defaultStack(), authservice('envoy.http_connection_manager')), options: { versions: { istio: '1.29.1' } } },
    { name: 'a sidecar-only patch', manifests: docs(defaultStack(), ef('inbound', { configPatches: [patch({ context: 'SIDECAR_INBOUND' })] })) },
    { name: 'selects other pods', manifests: docs(defaultStack(), ef('other', { workloadSelector: { labels: { app: 'other' } }, configPatches: [patch({ context: 'GATEWAY' })] })) },
    { name: 'in another namespace than the pods and not the root namespace', manifests: docs(defaultStack(), ef('elsewhere', { configPatches: [patch({ context: 'GATEWAY' })] }, 'kubeflow')) },
  ],
  invalid: [
    {
      name: 'Kubeflow AuthService on every listener of the ingress gateway pods, which also serve the local gateway',
      manifests: docs(defaultStack(), authservice()),
      errors: [{ id: 'EnvoyFilterAuthOnLocalGateway', resource: 'EnvoyFilter istio-system/authn-filter', data: { filter: 'envoy.filters.http.ext_authz', kind: 'ext_authz', port: '8081' }, message: 'every listener of these pods' }],
    },
    {
      name: 'the same filter with the deprecated HCM name on Istio 1.18 (names matched both ways before 1.19)',
      manifests: docs(defaultStack(), authservice('envoy.http_connection_manager')),
      options: { versions: { istio: '1.18.7' } },
      errors: [{ id: 'EnvoyFilterAuthOnLocalGateway', data: { port: '8081' } }],
    },
    {
      name: '`listener` written beside `match`: dropped by the API server, so the filter lands on 8081 too',
      manifests: docs(defaultStack(), ef('authn-filter', { workloadSelector: { labels: { istio: 'ingressgateway' } }, configPatches: [{ ...patch({ context: 'GATEWAY' }), listener: { portNumber: 8080 } }] })),
      errors: [
        { id: 'EnvoyFilterKeyIgnored', data: { key: 'listener', level: 'configPatch', belongsIn: ' (it belongs in match.listener)' } },
        { id: 'EnvoyFilterAuthOnLocalGateway', data: { port: '8081' } },
      ],
    },
    {
      name: 'the old workloadLabels field: dropped, so the filter applies to every workload of istio-system',
      manifests: docs(defaultStack(), ef('authn-filter', { workloadLabels: { app: 'other' }, configPatches: [patch({ context: 'GATEWAY' })] })),
      errors: [
        { id: 'EnvoyFilterKeyIgnored', data: { key: 'workloadLabels', belongsIn: ' (it belongs in spec.workloadSelector.labels)' } },
        { id: 'EnvoyFilterAuthOnLocalGateway' },
      ],
    },
    {
      name: 'portName limits nothing (istiod matches listeners by name and portNumber only)',
      manifests: docs(defaultStack(), authservice(HCM, { portName: 'http' })),
      errors: [{ id: 'EnvoyFilterAuthOnLocalGateway', data: { port: '8081' } }],
    },
    {
      name: 'a Lua filter on the local listener: may change the request',
      manifests: docs(defaultStack(), ef('lua', { workloadSelector: { labels: { istio: 'ingressgateway' } }, configPatches: [patch({ context: 'GATEWAY', listener: { portNumber: 8081, filterChain: { filter: { name: HCM, subFilter: { name: 'envoy.filters.http.router' } } } } }, 'INSERT_BEFORE', lua)] })),
      errors: [{ id: 'EnvoyFilterOnLocalGateway', data: { kind: 'lua', port: '8081' } }],
    },
    {
      name: 'ADD appends after the router: Envoy rejects the listener',
      manifests: docs(defaultStack(), ef('add', { workloadSelector: { labels: { istio: 'ingressgateway' } }, configPatches: [patch({ context: 'GATEWAY', listener: { portNumber: 8081 } }, 'ADD', lua)] })),
      errors: [{ id: 'EnvoyFilterBreaksListener', data: { port: '8081' } }],
    },
    {
      name: 'anchored on a filter kgd cannot see: undecided, said as info',
      manifests: docs(defaultStack(), ef('mx', { configPatches: [patch({ context: 'GATEWAY', listener: { filterChain: { filter: { name: HCM, subFilter: { name: 'istio.metadata_exchange' } } } } }, 'INSERT_AFTER', lua)] })),
      errors: [{ id: 'EnvoyFilterOnLocalGateway', message: 'istio.metadata_exchange' }],
    },
  ],
});
