import { defineRule } from '../engine/define-rule.js';
import { formatLabels, matchesMap } from '../model/label-selector.js';
import { operatorReleases } from '../platform/detect-versions.js';
import { knativeServingOf } from '../platform/knative/effective.js';
import { operatorLocalServiceNamespace, operatorWants, reconciledByOperator } from '../platform/knative/operator.js';
import { behaves } from '../platform/versions.js';

export default defineRule({
  id: 'operator-object-differs',
  meta: {
    description: 'Gateways and the Service the operator applied (read from a cluster) should select what their KnativeServing asks for.',
    inputs: ['KnativeServing', 'Gateway', 'Service'],
    emits: ['OperatorObjectDiffers'],
  },
  check(ctx) {
    const ks = knativeServingOf(ctx.snapshot);
    if (!ks || !ks.istioEnabled) return;
    const ksName = `${ks.namespace}/${ks.name}`;
    // The operator's own version is often not in the input; from the KnativeServing's Serving release it is a range,
    // and a bug anywhere in it may be the cause.
    const { versions: candidates, estimated } = operatorReleases(ctx.snapshot, ks);
    const buggy = (id: 'operator-gateway-override-skipped' | 'operator-local-service-selector', bad: boolean) => candidates.filter((v) => behaves(id, { ...ctx.snapshot.versions, operator: v }) === bad);
    const short = (v: string) => v.replace(/\.0$/, '');
    /** Who does it, and the verb in agreement: `operator 1.11.0 skips`, `operators 1.11, 1.12 (…) skip`. */
    const who = (vs: readonly string[], plural: string, singular: string) => (estimated
      ? `operator${vs.length > 1 ? 's' : ''} ${vs.map(short).join(', ')} (this one's version is not in the input: KnativeServing ${ksName} runs Serving ${ks.statusVersion ?? ks.version ?? '?'}, which operators ${short(candidates[0]!)}–${short(candidates.at(-1)!)} install) ${vs.length > 1 ? plural : singular}`
      : `operator ${candidates[0]!} ${singular}`);
    const objects = [
      ctx.snapshot.get('Gateway', ks.namespace, 'knative-local-gateway'),
      ctx.snapshot.get('Gateway', ks.namespace, 'knative-ingress-gateway'),
      ctx.snapshot.get('Service', operatorLocalServiceNamespace(ks, ctx.snapshot.versions), 'knative-local-gateway'),
    ];
    for (const o of objects) {
      if (!o || !reconciledByOperator(o.res)) continue;
      const wants = operatorWants(ctx.snapshot, o.res);
      const actual = o.selector ?? {};
      // The operator merges: keys it does not set may stay, so only what it sets has to be there.
      if (!wants || matchesMap(wants.selector, actual)) continue;
      const field = `spec.ingress.istio.${wants.key}.selector`;
      const kind = o.res.kind;
      let why = `the operator has not applied it since the KnativeServing last changed; check that the operator runs and its log for KnativeServing ${ksName} (a failed reconcile stops before the gateways)`;
      let fixText = `Once the operator reconciles KnativeServing ${ksName} it sets ${formatLabels(wants.selector)}; if it does not, look at its log. Change ${field}, not the ${kind}: the operator reverts edits to it.`;
      const skips = buggy('operator-gateway-override-skipped', true);
      const serviceLeft = buggy('operator-local-service-selector', false);
      if (wants.overridden && kind === 'Gateway' && skips.length > 0) {
        why = `the Knative ${who(skips, 'skip', 'skips')} ${field} for the v1beta1 Gateways it installs (knative/operator#1469)`;
        fixText = `Upgrade the Knative operator to 1.13 (or 1.10.8, 1.11.12) or later; ${field} then reaches the Gateway.${estimated ? ' If yours is already newer, pass --versions operator=<its version>.' : ''}`;
      } else if (wants.overridden && kind === 'Service' && serviceLeft.length > 0) {
        why = `the Knative ${who(serviceLeft, 'apply', 'applies')} ${field} to the Gateway only, not to this Service (knative/operator#1206, fixed by #1231)`;
        fixText = `Upgrade the Knative operator to 1.8 or later; ${field} then reaches the Service too.`;
      }
      ctx.report({
        id: 'OperatorObjectDiffers', resource: o.res, path: ['spec', 'selector'],
        related: [{ resource: ks.res, path: wants.overridden ? ['spec', 'ingress', 'istio', wants.key, 'selector'] : ['spec'] }],
        data: { object: `${kind} ${o.res.namespace}/${o.res.name}`, actual: formatLabels(actual), ks: ksName, wanted: `${formatLabels(wants.selector)}${wants.overridden ? ` (${field})` : ' (net-istio\'s default: no override set)'}`, why, fixText },
      });
    }
  },
});
