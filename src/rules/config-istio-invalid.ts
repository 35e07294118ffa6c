import { defineRule } from '../engine/define-rule.js';
import { knativeGatewayConfig } from '../platform/knative/effective.js';

export default defineRule({
  id: 'config-istio-invalid',
  meta: {
    description: 'config-istio must parse exactly as net-istio parses it (one format, complete entries, one default gateway per list).',
    inputs: ['ConfigMap', 'KnativeServing'],
    emits: ['ConfigIstioMixedFormats', 'ConfigIstioUnparsable', 'ConfigIstioFieldMissing', 'ConfigIstioInvalidService', 'ConfigIstioDefaultCount', 'ConfigIstioInvalidSelector'],
  },
  check(ctx) {
    const cfg = knativeGatewayConfig(ctx.snapshot);
    if (cfg.status === 'missing') {
      ctx.skip('the input has neither the config-istio ConfigMap nor a KnativeServing', 'knative-serving/config-istio');
      return;
    }
    for (const issue of cfg.parsed.issues) {
      const at = cfg.origin(issue.key);
      if (!at) continue;
      ctx.report({ id: issue.id, resource: at.resource, path: at.path, innerPath: issue.innerPath, data: issue.data });
    }
  },
});
