import { defineRule } from '../engine/define-rule.js';
import { knativeGatewayConfig } from '../platform/knative/effective.js';
import { LEGACY_LOCAL_PREFIX } from '../platform/knative/config-istio.js';

export default defineRule({
  id: 'config-istio-stale-mesh-key',
  meta: {
    description: 'The `local-gateway.mesh` key was removed from Knative and is now read as a gateway named "mesh".',
    inputs: ['ConfigMap', 'KnativeServing', 'Gateway'],
    emits: ['ConfigIstioStaleMeshKey'],
  },
  check(ctx) {
    const cfg = knativeGatewayConfig(ctx.snapshot);
    if (cfg.status !== 'ok' || cfg.parsed.format !== 'legacy') return;
    for (const e of cfg.parsed.local) {
      if (e.isDefault || !e.key.startsWith(LEGACY_LOCAL_PREFIX) || e.name !== 'mesh') continue;
      if (ctx.snapshot.get('Gateway', e.namespace, e.name)) continue;
      const at = cfg.origin(e.key);
      if (at) ctx.report({ id: 'ConfigIstioStaleMeshKey', resource: at.resource, path: at.path, data: { key: e.key, gateway: `${e.namespace}/${e.name}` }, repair: { summary: `delete ${e.key}`, edits: [{ resource: at.resource, path: at.path, op: 'remove' }] } });
    }
  },
});
