import { defineRule } from '../engine/define-rule.js';
import type { KnativeObject } from '../model/knative.js';

/** What each reason means for the gateway path (domain notes §3.6 and §7). */
const CAUSES: Readonly<Record<string, string>> = {
  IngressNotConfigured: 'No controller reconciled the KIngress: check that net-istio-controller is running (it exits on an invalid config-istio at start-up) and that config-network ingress-class is istio.ingress.networking.knative.dev.',
  ReconcileIngressFailed: 'net-istio could not reconcile the KIngress: a Gateway named in config-istio does not exist, or the Service matched to a Gateway has no Endpoints. Run kgd check on config-istio and the Gateways.',
  Uninitialized: 'The prober is waiting for the gateway pods to answer with the route: they return 404/503 or do not answer (VirtualService bound to a Gateway those pods do not serve, a port mismatch, an Envoy listener conflict, or stale pod IPs).',
};
const GENERIC = 'Read the condition message and the controller events; run kgd check on the gateway configuration.';

const WATCHED = new Set(['Ready', 'IngressReady', 'LoadBalancerReady', 'NetworkConfigured', 'RoutesReady']);

export default defineRule({
  id: 'knative-status-not-ready',
  meta: {
    description: 'Reports Knative Routes, Services, Ingresses and InferenceServices whose status shows a gateway-related failure.',
    inputs: ['Route', 'KnativeService', 'KIngress', 'InferenceService'],
    emits: ['KnativeNotReady'],
  },
  check(ctx) {
    const objects: Pick<KnativeObject, 'res' | 'conditions' | 'namespace' | 'name'>[] = [
      ...ctx.snapshot.list('Route'), ...ctx.snapshot.list('KnativeService'), ...ctx.snapshot.list('KIngress'), ...ctx.snapshot.list('InferenceService'),
    ];
    for (const o of objects) {
      // The most specific condition that is not True; Ready alone only when nothing more precise is set.
      const bad = o.conditions.filter((c) => WATCHED.has(c.type) && c.status !== 'True');
      const c = bad.find((x) => x.type !== 'Ready') ?? bad[0];
      if (!c) continue;
      const i = o.conditions.indexOf(c);
      ctx.report({
        id: 'KnativeNotReady',
        resource: o.res,
        path: ['status', 'conditions', i],
        data: {
          kind: `${o.res.kind} ${o.namespace}/${o.name}`,
          condition: c.type,
          status: c.status,
          reason: c.reason ?? '(none)',
          detail: c.message ? ` ("${c.message}")` : '',
          cause: CAUSES[c.reason ?? ''] ?? GENERIC,
        },
      });
    }
  },
});
