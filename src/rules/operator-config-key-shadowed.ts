import { defineRule } from '../engine/define-rule.js';

export default defineRule({
  id: 'operator-config-key-shadowed',
  meta: {
    description: 'KnativeServing spec.config.istio is ignored when spec.config.config-istio is also set.',
    inputs: ['KnativeServing'],
    emits: ['OperatorConfigKeyShadowed'],
  },
  check(ctx) {
    for (const ks of ctx.snapshot.list('KnativeServing')) {
      if (ks.config['istio'] && ks.config['config-istio']) {
        ctx.report({ id: 'OperatorConfigKeyShadowed', resource: ks.res, path: ['spec', 'config', 'istio'] });
      }
    }
  },
});
