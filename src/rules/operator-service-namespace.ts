import { defineRule } from '../engine/define-rule.js';
import { knativeGatewayConfig } from '../platform/knative/effective.js';
import { operatorMisplacesLocalService } from '../platform/knative/operator.js';

export default defineRule({
  id: 'operator-service-namespace',
  meta: {
    description: 'The Service the operator creates for the local gateway must be the one config-istio names.',
    inputs: ['KnativeServing', 'ConfigMap', 'Service'],
    emits: ['OperatorServiceNamespaceMismatch'],
  },
  check(ctx) {
    const m = operatorMisplacesLocalService(ctx.snapshot);
    if (!m) return;
    const at = knativeGatewayConfig(ctx.snapshot).origin(m.key);
    ctx.report({
      id: 'OperatorServiceNamespaceMismatch',
      resource: at?.resource ?? m.ks.res,
      path: at?.path ?? ['spec', 'config'],
      data: { operatorNamespace: m.operatorNamespace, service: m.serviceHost, serviceNamespace: m.serviceNamespace, serviceName: m.serviceName },
    });
  },
});
