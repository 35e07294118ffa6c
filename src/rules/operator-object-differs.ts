import semver from 'semver';
import { defineRule } from '../engine/define-rule.js';
import type { Resource } from '../load/resource.js';
import { formatLabels } from '../model/label-selector.js';
import { knativeServingOf } from '../platform/knative/effective.js';
import { operatorLocalServiceNamespace, overrideSelector, reconciledByOperator, selects } from '../platform/knative/operator.js';
import { DEFAULT_GATEWAY_SELECTOR } from '../platform/knative/shipped.js';
import { behaves, versionOf } from '../platform/versions.js';

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
    const operator = versionOf('operator', ctx.snapshot.versions);
    // The operator's own version is often not in the input; from the KnativeServing's Serving release it is a range
    // (an operator installs its own Serving minor and the three before): a bug anywhere in it may be the cause.
    const source = ctx.snapshot.versionSources.find((v) => v.component === 'operator');
    const estimated = source !== undefined && source.how.startsWith('the newest operator that installs');
    const low = semver.coerce(ks.statusVersion ?? ks.version ?? '');
    const candidates = estimated && low ? Array.from({ length: 4 }, (_, i) => `${low.major}.${low.minor + i}.0`).filter((v) => semver.lte(v, operator)) : [operator];
    const buggy = (id: 'operator-gateway-override-skipped' | 'operator-local-service-selector', bad: boolean) => candidates.filter((v) => behaves(id, { ...ctx.snapshot.versions, operator: v }) === bad);
    const short = (v: string) => v.replace(/\.0$/, '');
    /** Who does it, and the verb in agreement: `operator 1.11.0 skips`, `operators 1.11, 1.12 (…) skip`. */
    const who = (vs: readonly string[], plural: string, singular: string) => (estimated
      ? `operator${vs.length > 1 ? 's' : ''} ${vs.map(short).join(', ')} (this one's version is not in the input: KnativeServing ${ksName} runs Serving ${ks.statusVersion ?? ks.version ?? '?'}, which operators ${short(candidates[0]!)}–${short(candidates.at(-1)!)} install) ${vs.length > 1 ? plural : singular}`
      : `operator ${operator} ${singular}`);
    const ksName = `${ks.namespace}/${ks.name}`;
    const svcNs = operatorLocalServiceNamespace(ks, ctx.snapshot.versions);
    const targets: { res: Resource | undefined; selector: Readonly<Record<string, string>> | undefined; key: string }[] = [
      { ...view(ctx.snapshot.get('Gateway', ks.namespace, 'knative-local-gateway')), key: 'knative-local-gateway' },
      { ...view(ctx.snapshot.get('Gateway', ks.namespace, 'knative-ingress-gateway')), key: 'knative-ingress-gateway' },
      { ...view(ctx.snapshot.get('Service', svcNs, 'knative-local-gateway')), key: 'knative-local-gateway' },
    ];
    for (const t of targets) {
      if (!t.res || !reconciledByOperator(t.res)) continue;
      const override = overrideSelector(t.key === 'knative-local-gateway' ? ks.localGatewayOverride : ks.ingressGatewayOverride);
      const wanted = override ?? DEFAULT_GATEWAY_SELECTOR;
      const actual = t.selector ?? {};
      // The operator merges: keys it does not set may stay, so only what it sets has to be there.
      if (selects(wanted, actual)) continue;
      const field = `spec.ingress.istio.${t.key}.selector`;
      const isService = t.res.kind === 'Service';
      let why = `the operator has not applied it since the KnativeServing last changed; check that the operator runs and its log for KnativeServing ${ksName} (a failed reconcile stops before the gateways)`;
      let fixText = `Once the operator reconciles KnativeServing ${ksName} it sets ${formatLabels(wanted)}; if it does not, look at its log. Change ${field}, not the ${t.res.kind}: the operator reverts edits to it.`;
      const skips = buggy('operator-gateway-override-skipped', true);
      const serviceLeft = buggy('operator-local-service-selector', false);
      if (override && !isService && skips.length > 0) {
        why = `the Knative ${who(skips, 'skip', 'skips')} ${field} for the v1beta1 Gateways it installs (knative/operator#1469)`;
        fixText = `Upgrade the Knative operator to 1.13 (or 1.10.8, 1.11.12) or later; ${field} then reaches the Gateway.${estimated ? ' If yours is already newer, pass --versions operator=<its version>.' : ''}`;
      } else if (override && isService && serviceLeft.length > 0) {
        why = `the Knative ${who(serviceLeft, 'apply', 'applies')} ${field} to the Gateway only, not to this Service (knative/operator#1206, fixed by #1231)`;
        fixText = `Upgrade the Knative operator to 1.8 or later; ${field} then reaches the Service too.`;
      }
      ctx.report({
        id: 'OperatorObjectDiffers', resource: t.res, path: ['spec', 'selector'],
        related: [{ resource: ks.res, path: override ? ['spec', 'ingress', 'istio', t.key, 'selector'] : ['spec'] }],
        data: { object: `${t.res.kind} ${t.res.namespace}/${t.res.name}`, actual: formatLabels(actual), ks: ksName, wanted: `${formatLabels(wanted)}${override ? ` (${field})` : ' (net-istio\'s default: no override set)'}`, why, fixText },
      });
    }
  },
});

function view(v: { res: Resource; selector?: Readonly<Record<string, string>> | undefined } | undefined): { res: Resource | undefined; selector: Readonly<Record<string, string>> | undefined } {
  return { res: v?.res, selector: v?.selector };
}
