import { defineRule } from '../engine/define-rule.js';
import { displayName } from '../load/resource.js';
import { kserveIngressConfig } from '../platform/kserve/ingress-config.js';

export default defineRule({
  id: 'kserve-ingress-config-invalid',
  meta: {
    description: "KServe's `ingress` config must be JSON with the types KServe expects and an ingressGateway.",
    inputs: ['ConfigMap'],
    emits: ['KServeIngressConfigInvalid'],
  },
  check(ctx) {
    const cfg = kserveIngressConfig(ctx.snapshot);
    if (cfg.status === 'missing') {
      ctx.skip("the input has no KServe inferenceservice-config ConfigMap", 'the inferenceservice-config ConfigMap (namespace kserve or kubeflow)');
      return;
    }
    if (!cfg.configMap) return;
    for (const issue of cfg.issues) {
      ctx.report({
        id: 'KServeIngressConfigInvalid',
        resource: cfg.configMap.res,
        path: cfg.configMap.data['ingress'] === undefined ? ['data'] : cfg.path,
        innerPath: issue.innerPath,
        data: { reason: issue.reason, configMap: displayName(cfg.configMap.res) },
      });
    }
  },
});
