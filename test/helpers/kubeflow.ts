import type { Obj } from './manifests.js';

/**
 * The AuthorizationPolicy Kubeflow's profile controller writes into every profile namespace
 * (kubeflow/dashboard components/profile-controller/controllers/profile_controller.go getAuthorizationPolicy,
 * ns-owner-access-istio): the ingress gateway or the pipelines UI with the owner's kubeflow-userid header, the
 * namespace itself, Knative's probe paths, and the notebook controller on the kernels API.
 */
export function nsOwnerAccessIstio(namespace: string, owner = 'user@example.com'): Obj {
  return {
    apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name: 'ns-owner-access-istio', namespace },
    spec: {
      action: 'ALLOW',
      rules: [
        { from: [{ source: { principals: ['cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account', 'cluster.local/ns/kubeflow/sa/ml-pipeline-ui'] } }], when: [{ key: 'request.headers[kubeflow-userid]', values: [owner] }] },
        { when: [{ key: 'source.namespace', values: [namespace] }] },
        { to: [{ operation: { paths: ['/healthz', '/metrics', '/wait-for-drain'] } }] },
        { from: [{ source: { principals: ['cluster.local/ns/kubeflow/sa/notebook-controller-service-account'] } }], to: [{ operation: { methods: ['GET'], paths: ['*/api/kernels'] } }] },
      ],
    },
  };
}
