import { defineRule } from '../engine/define-rule.js';
import type { Workload } from '../model/core.js';
import type { Gateway, GatewayServer } from '../model/istio.js';
import { gatewayWorkloads, listenersFor, type BoundServer } from '../platform/istio/listeners.js';
import { describeWorkloads } from './_hints.js';

const serverName = (b: BoundServer) => `${b.gateway.namespace}/${b.gateway.name} port ${b.server.portNumber} ${b.server.protocol ?? ''}`.trim();

export default defineRule({
  id: 'gateway-duplicate-listener',
  meta: {
    description: 'Gateway servers must resolve to one listener per pod port, unambiguously.',
    inputs: ['Gateway', 'Service', 'Workload'],
    emits: ['GatewayPortTranslationAmbiguous', 'GatewayProtocolConflict'],
  },
  check(ctx) {
    const ambiguous = new Map<string, { gateway: Gateway; server: GatewayServer; candidates: string; services: Set<string>; pods: Workload[]; related: Set<Workload['res']> }>();
    const conflicts = new Map<string, { b: BoundServer; kept: BoundServer; port: number; pods: Workload[] }>();
    for (const w of gatewayWorkloads(ctx.snapshot)) {
      const l = listenersFor(ctx.snapshot, w);
      for (const a of l.ambiguities) {
        const k = `${a.gateway.namespace}/${a.gateway.name}#${a.server.index}`;
        const entry = ambiguous.get(k) ?? {
          gateway: a.gateway, server: a.server, services: new Set<string>(), pods: [], related: new Set(),
          candidates: a.candidates.map((c) => `Service ${c.service.namespace}/${c.service.name} (${c.port.port}→${c.targetPort})`).sort().join(' and '),
        };
        entry.pods.push(w);
        for (const c of a.candidates) entry.related.add(c.service.res);
        ambiguous.set(k, entry);
      }
      for (const c of l.conflicts) {
        const k = `${c.dropped.gateway.namespace}/${c.dropped.gateway.name}#${c.dropped.server.index}@${c.listenerPort}`;
        const entry = conflicts.get(k) ?? { b: c.dropped, kept: c.kept, port: c.listenerPort, pods: [] };
        entry.pods.push(w);
        conflicts.set(k, entry);
      }
    }
    for (const a of ambiguous.values()) {
      ctx.report({
        id: 'GatewayPortTranslationAmbiguous',
        resource: a.gateway.res,
        path: ['spec', 'servers', a.server.index, 'port', 'number'],
        related: [...a.related].map((resource) => ({ resource, path: ['metadata', 'labels'] })),
        data: { port: String(a.server.portNumber), candidates: a.candidates, pods: describeWorkloads(a.pods) },
      });
    }
    // Reported on both Gateways, as Istio's analyzer does (IST0145 ConflictingGateways names each one): the dropped
    // server's, and the kept one's with the dropped one as related (the fix may belong to either). Each conflict
    // entry is one dropped server, so neither side repeats.
    const portOf = (b: BoundServer) => ({ resource: b.gateway.res, path: ['spec', 'servers', b.server.index, 'port'] });
    for (const c of conflicts.values()) {
      const data = { pods: describeWorkloads(c.pods), port: String(c.port), dropped: serverName(c.b), kept: serverName(c.kept) };
      const sides = c.kept.gateway === c.b.gateway ? [[c.b, c.kept]] : [[c.b, c.kept], [c.kept, c.b]];
      for (const [at, other] of sides as [BoundServer, BoundServer][]) {
        ctx.report({ id: 'GatewayProtocolConflict', ...portOf(at), related: [portOf(other)], data });
      }
    }
  },
});
