import { defineRule } from '../engine/define-rule.js';
import { knativeGatewayConfig } from '../platform/knative/effective.js';
import { LEGACY_LOCAL_PREFIX } from '../platform/knative/config-istio.js';

export default defineRule({
  id: 'knative-gateway-not-found',
  meta: {
    description: 'Every gateway named in config-istio must exist as an Istio Gateway.',
    inputs: ['ConfigMap', 'KnativeServing', 'Gateway'],
    emits: ['KnativeGatewayNotFound'],
  },
  check(ctx) {
    const cfg = knativeGatewayConfig(ctx.snapshot);
    if (cfg.status !== 'ok') return;
    if (ctx.snapshot.list('Gateway').length === 0 && !ctx.snapshot.complete) {
      ctx.skip('the input has no Istio Gateway', 'the Istio Gateway objects');
      return;
    }
    const roles = [['local', cfg.parsed.local, '8081'], ['external', cfg.parsed.external, '80']] as const;
    for (const [role, entries, port] of roles) {
      for (const e of entries) {
        if (ctx.snapshot.get('Gateway', e.namespace, e.name)) continue;
        // The removed `local-gateway.mesh` key has its own, more precise finding.
        if (e.name === 'mesh' && e.key.startsWith(LEGACY_LOCAL_PREFIX)) continue;
        const at = cfg.origin(e.key);
        if (!at) continue;
        ctx.report({
          id: 'KnativeGatewayNotFound',
          resource: at.resource,
          path: at.path,
          innerPath: e.innerPath ? [...e.innerPath, 'name'] : undefined,
          data: { role, gateway: `${e.namespace}/${e.name}`, port },
        });
      }
    }
  },
});
