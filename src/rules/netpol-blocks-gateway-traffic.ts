import { defineRule } from '../engine/define-rule.js';
import { versionOf } from '../platform/versions.js';
import { kserveBackend, kserveBackendComponent } from '../platform/kserve/derive.js';
import type { Workload } from '../model/core.js';
import { formatLabels } from '../model/label-selector.js';
import { gatewaySelects, reachThroughService } from '../platform/istio/listeners.js';
import { ANY_CALLER, ingressVerdict, type PodRef } from '../platform/k8s/network-policy.js';
import { knativeGatewayConfig } from '../platform/knative/effective.js';
import { knativeDomainConfig } from '../platform/knative/domain.js';
import { revisionBackendPort, revisionPort, revisionProtocol } from '../platform/knative/derive.js';
import type { InferenceService } from '../model/kserve.js';
import { localGateways, localObligations } from '../platform/local-path.js';
import { describeWorkloads } from './_hints.js';

const DEFAULT_ACTIVATOR_LABELS = { app: 'activator', role: 'activator' };

function describeSources(snapshotPolicies: readonly { ingress: readonly { from?: readonly { podSelector?: unknown; namespaceSelector?: unknown }[] | undefined }[] }[]): string {
  const parts: string[] = [];
  for (const p of snapshotPolicies) for (const r of p.ingress) for (const f of r.from ?? []) parts.push(JSON.stringify({ ...(f.namespaceSelector ? { namespaceSelector: f.namespaceSelector } : {}), ...(f.podSelector ? { podSelector: f.podSelector } : {}) }));
  return [...new Set(parts)].join(', ') || 'nowhere';
}

export default defineRule({
  id: 'netpol-blocks-gateway-traffic',
  meta: {
    description: 'NetworkPolicies must let the local gateway pods reach the activator and the InferenceService pods, and let callers reach the gateway.',
    inputs: ['NetworkPolicy', 'Namespace', 'Workload', 'Gateway', 'Service', 'ConfigMap', 'KnativeServing', 'InferenceService'],
    emits: ['NetworkPolicyBlocksActivator', 'NetworkPolicyBlocksPredictor', 'NetworkPolicyBlocksGatewayCallers'],
  },
  check(ctx) {
    const s = ctx.snapshot;
    if (s.list('NetworkPolicy').length === 0) return;
    const gateways = localGateways(s);
    const gwPods: Workload[] = s.list('Workload').filter((w) => gateways.some((g) => gatewaySelects(g, w)));
    if (gwPods.length === 0) return; // nothing to check from; other rules report missing gateway pods
    const gwPod = gwPods[0]!;
    const gwData = { pods: describeWorkloads(gwPods), gatewayNamespace: gwPod.namespace, gatewayLabels: formatLabels(gwPod.labels['app'] ? { app: gwPod.labels['app'] } : gwPod.labels) };
    const systemNs = knativeGatewayConfig(s).systemNamespace;

    // The pod port each InferenceService's revision is reached on, at the activator and at queue-proxy:
    // 8012 (HTTP/1), 8013 (h2c), 8112 (system-internal TLS), as Serving's KIngress and SKS choose it.
    const internalTls = knativeDomainConfig(s).systemInternalTls;
    const backendPort = (isvc: InferenceService) => revisionBackendPort(revisionPort(revisionProtocol(isvc.containerPorts[kserveBackendComponent(isvc)]), internalTls));
    const isvcs = s.list('InferenceService');

    // Gateway → activator, on every port a revision here needs (8012 when there is no InferenceService).
    const activators = s.list('Workload').filter((w) => w.namespace === systemNs && w.labels['app'] === 'activator');
    const activatorRefs: PodRef[] = activators.length ? activators : [{ namespace: systemNs, labels: DEFAULT_ACTIVATOR_LABELS }];
    const activatorPorts = isvcs.length ? [...new Set(isvcs.map(backendPort))].sort((a, b) => a - b) : [revisionBackendPort(80)];
    for (const port of activatorPorts) {
      for (const act of activatorRefs) {
        const v = ingressVerdict(s, gwPod, act, port);
        if (v.allowed) continue;
        const np = v.isolating[0]!;
        ctx.report({ id: 'NetworkPolicyBlocksActivator', resource: np.res, path: ['spec', 'ingress'], data: { ...gwData, policy: `${np.namespace}/${np.name}`, port: String(port) } });
        break;
      }
    }

    // Gateway (or activator) → InferenceService pods.
    for (const isvc of isvcs) {
      const top = kserveBackendComponent(isvc);
      const service = kserveBackend(isvc, versionOf('kserve', s.versions));
      const pod: PodRef = {
        namespace: isvc.namespace,
        labels: { 'serving.kserve.io/inferenceservice': isvc.name, component: top, 'serving.knative.dev/service': service, 'serving.knative.dev/configuration': service },
      };
      const port = backendPort(isvc);
      const fromGw = ingressVerdict(s, gwPod, pod, port);
      if (fromGw.allowed) continue;
      const fromActivator = ingressVerdict(s, activatorRefs[0]!, pod, port);
      if (fromActivator.allowed) continue;
      const np = fromGw.isolating[0]!;
      ctx.report({ id: 'NetworkPolicyBlocksPredictor', resource: np.res, path: ['spec', 'ingress'], related: [{ resource: isvc.res }], data: { ...gwData, policy: `${np.namespace}/${np.name}`, isvc: `${isvc.namespace}/${isvc.name}` } });
    }

    // Callers → gateway, on the port the local Service targets.
    const reported = new Set<string>();
    for (const o of localObligations(s)) {
      if (!o.service) continue;
      for (const x of reachThroughService(s, o.service, 80).workloads) {
        if (x.targetPort === undefined) continue;
        const v = ingressVerdict(s, ANY_CALLER, x.workload, x.targetPort);
        if (v.allowed) continue;
        const np = v.isolating[0]!;
        const k = `${np.namespace}/${np.name}:${x.targetPort}`;
        if (reported.has(k)) continue;
        reported.add(k);
        ctx.report({ id: 'NetworkPolicyBlocksGatewayCallers', resource: np.res, path: ['spec', 'ingress'], related: [{ resource: x.workload.res }], data: { policy: `${np.namespace}/${np.name}`, port: String(x.targetPort), sources: describeSources(v.isolating) } });
      }
    }
  },
});
