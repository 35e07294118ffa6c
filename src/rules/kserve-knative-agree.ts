import { parseServiceHost } from '../platform/knative/config-istio.js';
import type { Resource } from '../load/resource.js';
import type { FieldPath } from '../shared/path.js';
import type { Repair } from '../diagnostics/repair.js';
import { defineRule } from '../engine/define-rule.js';
import { resolveGatewayRef } from '../platform/istio/gateway-ref.js';
import { knativeGatewayConfig } from '../platform/knative/effective.js';
import { kserveIngressConfig } from '../platform/kserve/ingress-config.js';
import { normalizeHost } from '../platform/local-path.js';
import { behaves } from '../platform/versions.js';

/** KServe's Service keys only name where to send traffic; Knative's choice is the one that has a Gateway bound to it. */
function setKServeKey(res: Resource, path: FieldPath, key: string, value: string): Repair {
  return { summary: `set ${key} to "${value}"`, edits: [{ resource: res, path, op: 'set', inner: { key }, value }] };
}

export default defineRule({
  id: 'kserve-knative-agree',
  meta: {
    description: "KServe's localGateway and local gateway Service should be the ones config-istio uses.",
    inputs: ['ConfigMap', 'KnativeServing', 'Service', 'Gateway'],
    emits: ['KServeLocalGatewayMismatch', 'KServeLocalServiceMismatch'],
  },
  check(ctx) {
    const ks = kserveIngressConfig(ctx.snapshot);
    const kn = knativeGatewayConfig(ctx.snapshot);
    if (ks.status !== 'ok' || !ks.configMap || kn.status !== 'ok' || !kn.localDefault) return;
    const local = kn.localDefault;
    const res = ks.configMap.res;
    // Repairing KServe's side is only safe when Knative's side is whole: its Gateway and Service exist.
    const host = parseServiceHost(local.service, ctx.snapshot.clusterDomain);
    const knativeWhole = host !== undefined && ctx.snapshot.get('Service', host.namespace, host.name) !== undefined && ctx.snapshot.get('Gateway', local.namespace, local.name) !== undefined;
    const repairTo = (key: string) => (knativeWhole ? { repair: setKServeKey(res, ks.path, key, local.service) } : {});
    // With knativeLocalGatewayService set, KServe runs its own local gateway for hop 1 on purpose:
    // only the Service of hop 2 has to be Knative's.
    if (ks.knativeLocalGatewayServiceSet) {
      if (normalizeHost(ks.knativeLocalGatewayService) !== normalizeHost(local.service)) {
        ctx.report({ id: 'KServeLocalServiceMismatch', resource: res, path: ks.path, innerPath: ['knativeLocalGatewayService'], data: { key: 'knativeLocalGatewayService', kserve: ks.knativeLocalGatewayService, knative: local.service }, ...repairTo('knativeLocalGatewayService') });
      }
      return;
    }
    // KServe ≥ 0.14 can keep its own local gateway for hop 1 and hand hop 2 to Knative's: name that key too.
    const alternative = behaves('kserve-ingress-service-required', ctx.snapshot.versions) ? '' : `; or, to keep KServe on its own local gateway, set knativeLocalGatewayService to "${local.service}" so that the second hop reaches Knative's`;
    if (ks.localGateway) {
      const r = resolveGatewayRef(ks.localGateway, '');
      if (r.namespace && (r.namespace !== local.namespace || r.name !== local.name)) {
        ctx.report({ id: 'KServeLocalGatewayMismatch', resource: res, path: ks.path, innerPath: ['localGateway'], data: { kserve: `${r.namespace}/${r.name}`, knative: `${local.namespace}/${local.name}`, alternative } });
      }
    }
    if (ks.localGatewayService && normalizeHost(ks.localGatewayService) !== normalizeHost(local.service)) {
      ctx.report({ id: 'KServeLocalServiceMismatch', resource: res, path: ks.path, innerPath: ['localGatewayService'], data: { key: 'localGatewayService', kserve: ks.localGatewayService, knative: local.service }, ...repairTo('localGatewayService') });
    }
  },
});
