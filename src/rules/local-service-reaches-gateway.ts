import { defineRule } from '../engine/define-rule.js';
import { displayName } from '../load/resource.js';
import { formatLabels, matchesMap } from '../model/label-selector.js';
import {
  DISABLE_PORT_TRANSLATION_LABEL, gatewaySelects, isPlainHttpServer, listenersFor, reachThroughService, serverTlsMode,
} from '../platform/istio/listeners.js';
import { localObligations } from '../platform/local-path.js';
import { destinationRuleFor } from '../platform/istio/mtls.js';
import type { GatewayServer } from '../model/istio.js';
import { operatorOwnedSelector, operatorWants } from '../platform/knative/operator.js';
import { describeWorkloads } from './_hints.js';

export default defineRule({
  id: 'local-service-reaches-gateway',
  meta: {
    description: "Port 80 of the local gateway Service must land on pods, and a pod port, where the Gateway's HTTP server listens.",
    inputs: ['ConfigMap', 'KnativeServing', 'Service', 'Workload', 'Gateway', 'DestinationRule'],
    emits: ['LocalServiceGatewayPodsDiffer', 'LocalServicePortMismatch'],
  },
  check(ctx) {
    for (const o of localObligations(ctx.snapshot)) {
      const svc = o.service;
      const gw = o.gateway;
      if (!svc || !gw) continue;
      const gwName = `${gw.namespace}/${gw.name}`;
      const data = { service: `${svc.namespace}/${svc.name}`, role: o.role };
      const reach = reachThroughService(ctx.snapshot, svc, 80);
      const httpServers = gw.servers.filter(isPlainHttpServer);
      if (!reach.port) {
        const want = httpServers[0]?.portNumber;
        ctx.report({
          id: 'LocalServicePortMismatch', resource: svc.res, path: ['spec', 'ports'], related: [{ resource: gw.res }],
          data: { ...data, problem: 'has no port 80, which is the port callers and KServe use', fixText: `Add port 80${want ? ` with targetPort ${want}` : ''} to Service ${svc.namespace}/${svc.name}.` },
        });
        continue;
      }
      if (reach.workloads.length === 0) continue; // local-service-selects-no-pods reports it
      const portPath = ['spec', 'ports', reach.port.index, 'targetPort'];
      const foreign = reach.workloads.filter((x) => !gatewaySelects(gw, x.workload));
      if (foreign.length > 0) {
        // An operator-owned object is fixed through the KnativeServing: first the one that is not what the
        // KnativeServing asks for, else the Service (to the Gateway's pods), else the Gateway (to the Service's).
        const gwWants = operatorWants(ctx.snapshot, gw.res)?.selector;
        const svcWants = operatorWants(ctx.snapshot, svc.res)?.selector;
        const owner = gwWants && !matchesMap(gwWants, gw.selector ?? {}) ? operatorOwnedSelector(ctx.snapshot, gw.res, formatLabels(gwWants))
          : svcWants && !matchesMap(svcWants, svc.selector ?? {}) ? operatorOwnedSelector(ctx.snapshot, svc.res, formatLabels(svcWants))
          : operatorOwnedSelector(ctx.snapshot, svc.res, formatLabels(gw.selector ?? {})) ?? (svc.selector ? operatorOwnedSelector(ctx.snapshot, gw.res, formatLabels(svc.selector)) : undefined);
        ctx.report({
          id: 'LocalServiceGatewayPodsDiffer', resource: svc.res, path: ['spec', 'selector'], related: [{ resource: gw.res, path: ['spec', 'selector'] }],
          data: { ...data, pods: describeWorkloads(foreign.map((x) => x.workload)), gateway: gwName, gatewaySelector: formatLabels(gw.selector ?? {}), hint: ` (Gateway ${gwName} selects ${formatLabels(gw.selector ?? {})})` },
          ...(owner ? { owner } : {}),
        });
        continue;
      }
      // An ISTIO_MUTUAL server takes Istio mTLS, which a client's proxy sends to gateway pods only when a
      // DestinationRule asks for it (auto mTLS targets pods with a sidecar; Istio's gateway template has none):
      // with such a rule for this Service the path works for callers with a proxy (the trace shows plain ones fail).
      const mtlsOnly = httpServers.length === 0 && gw.servers.some((x) => serverTlsMode(x) === 'ISTIO_MUTUAL')
        && destinationRuleFor(ctx.snapshot, reach.workloads[0]!.workload.namespace, `${svc.name}.${svc.namespace}.svc.${ctx.snapshot.clusterDomain}`, svc.namespace)?.tlsMode === 'ISTIO_MUTUAL';
      const usable = (x: GatewayServer) => isPlainHttpServer(x) || (mtlsOnly && serverTlsMode(x) === 'ISTIO_MUTUAL');
      if (httpServers.length === 0 && !mtlsOnly) {
        ctx.report({
          id: 'LocalServicePortMismatch', resource: svc.res, path: portPath, related: [{ resource: gw.res, path: ['spec', 'servers'] }],
          data: { ...data, problem: `reaches Gateway ${gwName}, which has no plain HTTP server`, fixText: `Add an HTTP server (protocol HTTP, hosts ["*"]) to Gateway ${gwName}.` },
        });
        continue;
      }
      for (const x of reach.workloads) {
        const pods = displayName(x.workload.res);
        if (x.targetPort === undefined) {
          ctx.report({
            id: 'LocalServicePortMismatch', resource: svc.res, path: portPath, related: [{ resource: x.workload.res }],
            data: { ...data, problem: `port 80 targets the port name "${String(reach.port.targetPort)}", which ${pods} does not define`, fixText: 'Use the number of the port the Gateway listens on as targetPort.' },
          });
          break;
        }
        if (x.servers.some((b) => b.gateway === gw && usable(b.server))) continue;
        const bound = [...(listenersFor(ctx.snapshot, x.workload).byPort.values())].flat().filter((b) => b.gateway === gw && usable(b.server));
        const where = bound.map((b) => `server port ${b.server.portNumber} listens on pod port ${b.listenerPort}${b.translatedBy ? ` (translated by Service ${b.translatedBy.service.namespace}/${b.translatedBy.service.name})` : ''}`).join('; ');
        const others = x.servers.map((b) => `${b.gateway.namespace}/${b.gateway.name}`);
        const landsOn = others.length ? `where only ${[...new Set(others)].join(', ')} listen(s)` : 'where nothing listens';
        const listenPort = bound[0]?.listenerPort;
        const labelled = DISABLE_PORT_TRANSLATION_LABEL in svc.labels;
        const fixText = listenPort !== undefined
          ? `Set targetPort of port 80 to ${listenPort}, or move Gateway ${gwName}'s HTTP server to port ${x.targetPort}${labelled ? '' : ` and label the Service ${DISABLE_PORT_TRANSLATION_LABEL}: "true"`}.`
          : `Make Gateway ${gwName} select ${pods} and listen on port ${x.targetPort}.`;
        ctx.report({
          id: 'LocalServicePortMismatch', resource: svc.res, path: portPath, related: [{ resource: gw.res, path: ['spec', 'servers', bound[0]?.server.index ?? 0, 'port'] }],
          data: { ...data, problem: `port 80 targets pod port ${x.targetPort} on ${pods}, ${landsOn}; Gateway ${gwName}'s ${where || 'server is not bound there'}`, fixText },
          // One listener port for this Gateway on these pods: pointing the Service there changes nothing else.
          ...(new Set(bound.map((b) => b.listenerPort)).size === 1 && listenPort !== undefined
            ? { repair: { summary: `set targetPort of port 80 to ${listenPort}`, edits: [{ resource: svc.res, path: portPath, op: 'set' as const, value: listenPort }] } }
            : {}),
        });
        break;
      }
    }
  },
});
