import { isKnativeMode } from '../platform/kserve/deployment-mode.js';
import { defineRule } from '../engine/define-rule.js';
import type { Resource } from '../load/resource.js';
import type { FieldPath } from '../shared/path.js';
import { inferenceServicePaths, localGatewayPeer, securityFix, type SecuredHop } from '../platform/security-path.js';
import type { CatalogKey } from '../diagnostics/catalog.js';

/**
 * Istio security on the hops behind the local gateway (gateway → activator → InferenceService pods, and
 * gateway → pods), evaluated per InferenceService with the identity each hop carries. The same evaluation
 * decides `kgd trace`'s authorization and mtls hops (src/platform/security-path.ts).
 */
export default defineRule({
  id: 'authz-denies-hop',
  meta: {
    description: 'Every hop behind the local gateway must admit the identity of the hop before it (AuthorizationPolicy, PeerAuthentication, DestinationRule TLS).',
    inputs: ['AuthorizationPolicy', 'PeerAuthentication', 'DestinationRule', 'InferenceService', 'Gateway', 'Workload', 'Namespace', 'ConfigMap', 'KnativeServing', 'Service'],
    emits: ['AuthorizationPolicyDeniesHop', 'AuthorizationPolicyAllowsNothing', 'MtlsHandshakeFails', 'AuthorizationUndecided', 'AuthProviderOnPath'],
  },
  check(ctx) {
    const s = ctx.snapshot;
    if (s.list('AuthorizationPolicy').length === 0 && s.list('PeerAuthentication').length === 0 && s.list('DestinationRule').length === 0) return;
    const isvcs = s.list('InferenceService').filter((i) => isKnativeMode(s, i));
    if (isvcs.length === 0) return;
    const gateway = localGatewayPeer(s);
    const seen = new Set<string>();
    for (const isvc of isvcs) {
      if (!gateway) continue;
      const paths = inferenceServicePaths(s, gateway, isvc);
      const hops: [SecuredHop, string][] = [
        ...paths.viaActivator.map((h): [SecuredHop, string] => [h, 'through the activator, while the revision is scaled to zero or target-burst-capacity keeps the activator in the path']),
        ...paths.direct.map((h): [SecuredHop, string] => [h, 'straight from the gateway, once Knative takes the activator out of the path']),
      ];
      for (const [h, path] of hops) {
        const sec = h.security;
        if (sec.verdict === 'ok') continue;
        let id: CatalogKey;
        let resource: Resource = isvc.res;
        let at: FieldPath = [];
        if (sec.verdict === 'handshake') {
          id = 'MtlsHandshakeFails';
          const pa = sec.handshake?.server?.by;
          if (pa) resource = pa.res;
          else if (sec.tls?.rule) { resource = sec.tls.rule.res; at = ['spec', 'trafficPolicy']; }
        } else if (sec.verdict === 'external' && sec.authz?.policy) {
          id = 'AuthProviderOnPath';
          resource = sec.authz.policy.res;
          at = ['spec', 'rules', sec.authz.rule ?? 0];
        } else if (sec.verdict === 'deny' && sec.authz?.policy) {
          id = sec.authz.allowsNothing ? 'AuthorizationPolicyAllowsNothing' : 'AuthorizationPolicyDeniesHop';
          resource = sec.authz.policy.res;
          at = sec.authz.policy.action === 'DENY' ? ['spec', 'rules', sec.authz.rule ?? 0] : ['spec'];
        } else {
          id = 'AuthorizationUndecided';
        }
        // One finding per policy (or per InferenceService when no policy decides) and hop.
        const key = `${id}|${resource.kind}/${resource.namespace}/${resource.name}|${h.from.name}|${h.to.namespace}`;
        if (seen.has(key)) continue;
        seen.add(key);
        ctx.report({
          id,
          resource,
          path: at,
          related: resource === isvc.res ? [] : [{ resource: isvc.res }],
          data: {
            target: h.to.name,
            source: sec.principal ? `${h.from.name} (${sec.principal})` : h.from.name,
            path,
            policy: sec.authz?.policy ? `AuthorizationPolicy ${sec.authz.policy.namespace}/${sec.authz.policy.name}` : '',
            detail: sec.verdict === 'deny' ? `${sec.authz?.reason ?? sec.summary}; Envoy logs 403 ${sec.authz?.envoyDetails ?? ''}` : sec.verdict === 'external' ? `${sec.authz?.reason ?? sec.summary} (${path})` : sec.summary,
            advice: securityFix(sec, h.from, h.to, h.port) ?? 'Admit the previous hop on this workload.',
          },
        });
      }
    }
  },
});
