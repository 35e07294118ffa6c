import { RuleTester } from '../rule-tester.js';
import rule from '../../src/rules/authz-denies-hop.js';
import { configIstio, docs, gateway, type Obj } from '../helpers/manifests.js';
import { nsOwnerAccessIstio } from '../helpers/kubeflow.js';

/**
 * A Kubeflow profile namespace behind the local gateway: the policies as Kubeflow writes them (kubeflow/manifests
 * common/istio/istio-install global-deny-all, common/knative activator-service; the profile controller's
 * ns-owner-access-istio, test/helpers/kubeflow.ts).
 */
const GW = { app: 'cluster-local-gateway', istio: 'cluster-local-gateway' };
const ns = (name: string, labels: Record<string, string> = { 'istio-injection': 'enabled' }): Obj => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });
const ap = (namespace: string, name: string, spec: Obj): Obj => ({ apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name, namespace }, spec });
const pa = (namespace: string, name: string, spec: Obj): Obj => ({ apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { name, namespace }, spec });
const dep = (namespace: string, name: string, labels: Record<string, string>, sa: string): Obj => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace },
  spec: { selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { serviceAccountName: sa, containers: [{ name: 'c', image: name === 'activator' ? 'gcr.io/knative-releases/knative.dev/serving/cmd/activator' : 'docker.io/istio/proxyv2:1.29.1' }] } } },
});
const isvc: Obj = { apiVersion: 'serving.kserve.io/v1beta1', kind: 'InferenceService', metadata: { name: 'iris', namespace: 'profile' }, spec: { predictor: { sklearn: { storageUri: 'gs://x' } } } };
const globalDenyAll = ap('istio-system', 'global-deny-all', {});
const activatorAllow = ap('knative-serving', 'activator-service', { action: 'ALLOW', rules: [{}], selector: { matchLabels: { app: 'activator' } } });
const profilePolicy = nsOwnerAccessIstio('profile');
const allowance = ap('profile', 'allow-local-gateway-and-activator', { action: 'ALLOW', rules: [{ from: [{ source: { principals: ['cluster.local/ns/istio-system/sa/cluster-local-gateway', 'cluster.local/ns/knative-serving/sa/activator'] } }] }] });
const base = (): Obj[] => [
  configIstio(), gateway('knative-serving', 'knative-local-gateway', GW, [{ port: 8081 }]),
  dep('istio-system', 'cluster-local-gateway', GW, 'cluster-local-gateway'), dep('knative-serving', 'activator', { app: 'activator', role: 'activator' }, 'activator'),
  ns('knative-serving'), ns('profile'), isvc, globalDenyAll, activatorAllow, ap('istio-system', 'cluster-local-gateway', { action: 'ALLOW', rules: [{}], selector: { matchLabels: GW } }),
];

new RuleTester().run(rule, {
  valid: [
    { name: 'profile with the allowance for the gateway and the activator', manifests: docs(base(), profilePolicy, allowance) },
    { name: 'no policies at all', manifests: docs(configIstio(), gateway('knative-serving', 'knative-local-gateway', GW, [{ port: 8081 }]), dep('istio-system', 'cluster-local-gateway', GW, 'gw'), ns('profile'), isvc) },
    { name: 'InferenceService namespace without sidecars: nothing is enforced there', manifests: docs(base().filter((o) => !(o['kind'] === 'Namespace' && (o['metadata'] as Obj)['name'] === 'profile')), ns('profile', {}), profilePolicy) },
    { name: 'a profile policy admitting knative-serving and istio-system by namespace (Knative docs: allowing access from system pods)', manifests: docs(base(), ap('profile', 'allow-system', { rules: [{ from: [{ source: { namespaces: ['knative-serving', 'istio-system'] } }] }] })) },
    { name: 'STRICT mTLS in the profile: the gateway and the activator send mTLS (auto mTLS)', manifests: docs(base(), profilePolicy, allowance, pa('profile', 'strict', { mtls: { mode: 'STRICT' } })) },
  ],
  invalid: [
    {
      name: 'Kubeflow profile without the allowance: the activator and the gateway are refused at the predictor pods',
      manifests: docs(base(), profilePolicy),
      errors: [
        { id: 'AuthorizationPolicyDeniesHop', resource: 'AuthorizationPolicy profile/ns-owner-access-istio', message: 'cluster.local/ns/istio-system/sa/cluster-local-gateway' },
        { id: 'AuthorizationPolicyDeniesHop', resource: 'AuthorizationPolicy profile/ns-owner-access-istio', message: 'cluster.local/ns/knative-serving/sa/activator' },
      ],
    },
    {
      name: 'only the mesh-wide global-deny-all: it allows nothing',
      manifests: docs(base()),
      errors: [
        { id: 'AuthorizationPolicyAllowsNothing', resource: 'AuthorizationPolicy istio-system/global-deny-all', message: 'straight from the gateway' },
        { id: 'AuthorizationPolicyAllowsNothing', resource: 'AuthorizationPolicy istio-system/global-deny-all', message: 'through the activator' },
      ],
    },
    {
      name: 'the activator without its ALLOW under global-deny-all',
      manifests: docs(base().filter((o) => o !== activatorAllow), profilePolicy, allowance),
      errors: [{ id: 'AuthorizationPolicyAllowsNothing', message: 'Deployment knative-serving/activator' }],
    },
    {
      name: 'a DENY in the profile for the activator principal names its rule',
      manifests: docs(base(), profilePolicy, allowance, ap('profile', 'deny-activator', { action: 'DENY', rules: [{ from: [{ source: { principals: ['*/sa/activator'] } }] }] })),
      errors: [{ id: 'AuthorizationPolicyDeniesHop', resource: 'AuthorizationPolicy profile/deny-activator', message: 'rbac_access_denied_matched_policy[ns[profile]-policy[deny-activator]-rule[0]]' }],
    },
    {
      name: 'STRICT in the profile and a DestinationRule that makes the gateway send plain text',
      manifests: docs(base(), profilePolicy, allowance, pa('profile', 'strict', { mtls: { mode: 'STRICT' } }),
        { apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name: 'plain', namespace: 'istio-system' }, spec: { host: '*.profile.svc.cluster.local', trafficPolicy: { tls: { mode: 'DISABLE' } } } }),
      // A DestinationRule in the root namespace is the fallback for every client: the activator's too.
      errors: [{ id: 'MtlsHandshakeFails', resource: 'PeerAuthentication profile/strict', message: 'straight from the gateway' }, { id: 'MtlsHandshakeFails', resource: 'PeerAuthentication profile/strict', message: 'Deployment knative-serving/activator →' }],
    },
    {
      name: 'an ext_authz CUSTOM policy in the profile namespace: in-cluster calls without credentials go to the provider',
      manifests: docs(base(), profilePolicy, allowance, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'istio', namespace: 'istio-system' }, data: { mesh: 'extensionProviders:\n- name: oauth2-proxy\n  envoyExtAuthzHttp: {service: oauth2-proxy.oauth2-proxy.svc.cluster.local, port: 80}\n' } }, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'oauth2-proxy', namespace: 'oauth2-proxy' }, spec: { selector: { app: 'oauth2-proxy' }, ports: [{ port: 80, targetPort: 4180 }] } },
        ap('profile', 'ext', { action: 'CUSTOM', provider: { name: 'oauth2-proxy' }, rules: [{ to: [{ operation: { paths: ['/v1/*'] } }] }] })),
      errors: [{ id: 'AuthProviderOnPath', resource: 'AuthorizationPolicy profile/ext', message: 'straight from the gateway' }, { id: 'AuthProviderOnPath', resource: 'AuthorizationPolicy profile/ext', message: 'through the activator' }],
    },
    {
      name: 'profile namespace not in the input: refusal only if the pods have a sidecar (undecided)',
      manifests: docs(base().filter((o) => !(o['kind'] === 'Namespace' && (o['metadata'] as Obj)['name'] === 'profile')), profilePolicy),
      errors: [{ id: 'AuthorizationUndecided', message: 'if a sidecar runs there' }, { id: 'AuthorizationUndecided', message: 'if a sidecar runs there' }],
    },
  ],
});
