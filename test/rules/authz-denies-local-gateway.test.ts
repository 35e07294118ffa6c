import { RuleTester } from '../rule-tester.js';
import rule from '../../src/rules/authz-denies-local-gateway.js';
import { configIstio, deployment, docs, gateway, type Obj } from '../helpers/manifests.js';

const GW = { app: 'cluster-local-gateway', istio: 'cluster-local-gateway' };
const base = (): Obj[] => [configIstio(), gateway('knative-serving', 'knative-local-gateway', GW, [{ port: 8081 }]), deployment('istio-system', 'cluster-local-gateway', GW)];
const ap = (ns: string, name: string, spec: Obj): Obj => ({ apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name, namespace: ns }, spec });
const globalDenyAll = ap('istio-system', 'global-deny-all', {});
const allowGateway = ap('istio-system', 'cluster-local-gateway', { action: 'ALLOW', rules: [{}], selector: { matchLabels: GW } });

new RuleTester().run(rule, {
  valid: [
    { name: 'Kubeflow: global deny-all plus an ALLOW for the gateway', manifests: docs(base(), globalDenyAll, allowGateway) },
    {
      name: 'm2m DENY spares requests with a JWT only on health paths, but ALLOW admits tokens',
      manifests: docs(base(), ap('istio-system', 'require-jwt', { action: 'DENY', selector: { matchLabels: GW }, rules: [{ from: [{ source: { notRequestPrincipals: ['*'] } }], to: [{ operation: { paths: ['/healthz'] } }] }] })),
    },
    { name: 'policy for other workloads', manifests: docs(base(), ap('istio-system', 'other', { action: 'DENY', selector: { matchLabels: { app: 'x' } }, rules: [{}] })) },
  ],
  invalid: [
    {
      name: 'oauth2-proxy CUSTOM policy on the local gateway pods (kubeflow/manifests istio-external-auth, selecting them)',
      manifests: docs(base(), allowGateway, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'istio', namespace: 'istio-system' }, data: { mesh: 'extensionProviders:\n- name: oauth2-proxy\n  envoyExtAuthzHttp: {service: oauth2-proxy.oauth2-proxy.svc.cluster.local, port: 80}\n' } }, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'oauth2-proxy', namespace: 'oauth2-proxy' }, spec: { selector: { app: 'oauth2-proxy' }, ports: [{ port: 80, targetPort: 4180 }] } },
        ap('istio-system', 'oauth2', { action: 'CUSTOM', provider: { name: 'oauth2-proxy' }, selector: { matchLabels: GW }, rules: [{ when: [{ key: 'request.headers[authorization]', notValues: ['*'] }], to: [{ operation: { notPaths: ['/dex/*', '/oauth2/*'] } }] }] })),
      errors: [{ id: 'AuthProviderOnPath', resource: 'AuthorizationPolicy istio-system/oauth2', message: 'answers 401 or redirects to its login (302)' }],
    },
    { name: 'global deny-all without an ALLOW for the gateway', manifests: docs(base(), globalDenyAll), errors: [{ id: 'AuthorizationPolicyDeniesLocalGateway', message: 'has no rules, so it allows nothing' }] },
    {
      // Source namespaces are read from the peer's mTLS certificate; an HTTP Gateway server takes plain text, and
      // callers' sidecars send plain text to gateway pods (auto mTLS only targets pods with the sidecar's
      // security.istio.io/tlsMode label, which Istio's gateway injection template does not set).
      name: 'ALLOW with source namespaces only: plain text at the gateway has no namespace',
      manifests: docs(base(), ap('istio-system', 'ns-only', { action: 'ALLOW', selector: { matchLabels: GW }, rules: [{ from: [{ source: { namespaces: ['team-a'] } }] }] })),
      errors: [{ id: 'AuthorizationPolicyDeniesLocalGateway', message: 'ALLOW policy istio-system/ns-only applies and none of its rules matches' }],
    },
    {
      name: 'm2m DENY for requests without a JWT principal (kubeflow m2m-auth overlay)',
      manifests: docs(base(), allowGateway, ap('istio-system', 'cluster-local-gateway-require-jwt', { action: 'DENY', selector: { matchLabels: GW }, rules: [{ from: [{ source: { notRequestPrincipals: ['*'] } }], to: [{ operation: { notPaths: ['/healthz', '/ready', '/wait-for-drain'] } }] }] })),
      errors: [{ id: 'AuthorizationPolicyDeniesLocalGateway', resource: 'AuthorizationPolicy istio-system/cluster-local-gateway-require-jwt' }],
    },
    { name: 'ALLOW only with request principals', manifests: docs(base(), ap('istio-system', 'jwt-only', { action: 'ALLOW', selector: { matchLabels: GW }, rules: [{ from: [{ source: { requestPrincipals: ['*'] } }] }] })), errors: [{ id: 'AuthorizationPolicyDeniesLocalGateway' }] },
  ],
});
