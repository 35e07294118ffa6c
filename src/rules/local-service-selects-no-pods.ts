import { defineRule } from '../engine/define-rule.js';
import { displayName } from '../load/resource.js';
import { formatLabels } from '../model/label-selector.js';
import { gatewaySelects, gatewayWorkloads } from '../platform/istio/listeners.js';
import { localObligations } from '../platform/local-path.js';
import { selectorHint } from './_hints.js';
import { operatorOwnedSelector } from '../platform/knative/operator.js';

export default defineRule({
  id: 'local-service-selects-no-pods',
  meta: {
    description: 'The local gateway Service must select running gateway pods.',
    inputs: ['ConfigMap', 'KnativeServing', 'Service', 'Workload', 'Endpoints', 'Gateway'],
    emits: ['LocalServiceSelectsNoPods'],
  },
  check(ctx) {
    const obligations = localObligations(ctx.snapshot);
    const done = new Set<string>();
    for (const o of obligations) {
      const svc = o.service;
      if (!svc || done.has(`${svc.namespace}/${svc.name}`)) continue;
      done.add(`${svc.namespace}/${svc.name}`);
      const endpoints = ctx.snapshot.get('Endpoints', svc.namespace, svc.name);
      // The Gateway's selector is a guide only when it picks pods itself (else the fix would be circular).
      const gw = o.gateway;
      const gwPicks = gw !== undefined && ctx.snapshot.list('Workload').some((w) => gatewaySelects(gw, w));
      const gwHint = gw?.selector && Object.keys(gw.selector).length > 0
        ? (gwPicks ? ` — Gateway ${gw.namespace}/${gw.name} selects ${formatLabels(gw.selector)}` : ` (Gateway ${gw.namespace}/${gw.name}'s selector ${formatLabels(gw.selector)} matches no pods either: look up the labels the gateway pods really carry)`)
        : '';
      const base = { resource: svc.res, data: { service: `${svc.namespace}/${svc.name}`, role: o.role } };
      if (!svc.selector || Object.keys(svc.selector).length === 0) {
        if (endpoints && endpoints.readyAddresses > 0) continue;
        ctx.report({ ...base, id: 'LocalServiceSelectsNoPods', path: ['spec'], data: { ...base.data, problem: 'has no selector and no ready endpoints', hint: gwHint } });
        continue;
      }
      if (ctx.snapshot.list('Workload').length === 0 && !ctx.snapshot.complete) {
        ctx.skip('the input has no Pods or workloads', 'the gateway Deployments');
        continue;
      }
      const pods = ctx.snapshot.workloadsMatching(svc.selector, svc.namespace);
      if (pods.length === 0) {
        const near = selectorHint(svc.selector, gatewayWorkloads(ctx.snapshot).filter((w) => w.namespace === svc.namespace));
        // The Gateway this Service must reach picks pods in the Service's namespace: select exactly those.
        const gwSel = gwPicks ? o.gateway?.selector : undefined;
        const repair = gwSel && Object.keys(gwSel).length > 0 && ctx.snapshot.workloadsMatching(gwSel, svc.namespace).length > 0
          ? { summary: `select the Gateway's pods (${formatLabels(gwSel)})`, edits: [{ resource: svc.res, path: ['spec', 'selector'], op: 'set' as const, value: { ...gwSel } }] }
          : undefined;
        // The operator's Service: an edit would be reverted; the fix is the KnativeServing field (no repair then).
        const owner = operatorOwnedSelector(ctx.snapshot, svc.res, gwSel && Object.keys(gwSel).length > 0 ? formatLabels(gwSel) : 'the gateway pods\' labels');
        ctx.report({ ...base, id: 'LocalServiceSelectsNoPods', path: ['spec', 'selector'], data: { ...base.data, problem: `selects no pods in namespace ${svc.namespace} (selector ${formatLabels(svc.selector)})${near}`, hint: gwHint }, ...(owner ? { owner } : repair ? { repair } : {}) });
        continue;
      }
      if (endpoints && endpoints.readyAddresses === 0) {
        ctx.report({ ...base, id: 'LocalServiceSelectsNoPods', path: ['spec', 'selector'], related: [{ resource: endpoints.res }], data: { ...base.data, problem: `has no ready endpoints (${displayName(endpoints.res)} lists none; are the gateway pods running?)`, hint: '' } });
      }
    }
  },
});
