import { defineRule } from '../engine/define-rule.js';
import { versionOf } from '../platform/versions.js';
import { kserveIngressConfig } from '../platform/kserve/ingress-config.js';
import { knativeDomainKeys, kserveObjects } from '../platform/kserve/derive.js';
import { knativeGatewayConfig } from '../platform/knative/effective.js';
import { knativeDomainConfig } from '../platform/knative/domain.js';
import { ingressVirtualServiceName, isvcComponentRoute, knativeObjects } from '../platform/knative/derive.js';

function gatewaysOf(objects: Record<string, unknown>[], name: string): string[] | undefined {
  const vs = objects.find((o) => o['kind'] === 'VirtualService' && (o['metadata'] as { name: string }).name === name);
  return vs ? [...((vs['spec'] as { gateways: string[] }).gateways)].sort() : undefined;
}

export default defineRule({
  id: 'vs-stale-gateways',
  meta: {
    description: 'VirtualServices made by KServe and net-istio must be bound to the gateways the current configuration names.',
    inputs: ['VirtualService', 'InferenceService', 'ConfigMap', 'KnativeServing'],
    emits: ['VirtualServiceStale'],
  },
  check(ctx) {
    const s = ctx.snapshot;
    if (s.list('VirtualService').length === 0 || s.list('InferenceService').length === 0) return;
    const ks = kserveIngressConfig(s);
    const kn = knativeGatewayConfig(s);
    for (const isvc of s.list('InferenceService')) {
      const expected: { name: string; controller: string; gateways: string[] | undefined }[] = [];
      if (ks.status === 'ok' && !ks.disableIstioVirtualHost) expected.push({ name: isvc.name, controller: 'KServe', gateways: gatewaysOf(kserveObjects(isvc, ks, knativeDomainConfig(s), knativeDomainKeys(s), s.clusterDomain), isvc.name) });
      if (kn.status === 'ok') {
        for (const c of isvc.components) {
          const route = isvcComponentRoute(isvc, c, versionOf('kserve', s.versions));
          const objects = knativeObjects(route, kn, knativeDomainConfig(s), s.clusterDomain);
          const name = ingressVirtualServiceName(route.name);
          expected.push({ name, controller: 'net-istio', gateways: gatewaysOf(objects, name) });
        }
      }
      for (const e of expected) {
        const vs = s.get('VirtualService', isvc.namespace, e.name);
        if (!vs || !e.gateways || !vs.gatewaysWritten) continue;
        const actual = [...vs.gateways].sort();
        if (actual.join(',') === e.gateways.join(',')) continue;
        ctx.report({ id: 'VirtualServiceStale', resource: vs.res, path: ['spec', 'gateways'], data: { actual: actual.join(', '), expected: e.gateways.join(', '), controller: e.controller } });
      }
    }
  },
});
