import { defineRule } from '../engine/define-rule.js';
import { knativeGatewayConfig } from '../platform/knative/effective.js';
import { behaves } from '../platform/versions.js';

/** The objectSelector of net-istio's config validation webhook (config/600-validating-webhook.yaml). */
const WEBHOOK_LABELS: Readonly<Record<string, string>> = {
  'app.kubernetes.io/name': 'knative-serving',
  'app.kubernetes.io/component': 'net-istio',
};

export default defineRule({
  id: 'config-istio-webhook-labels',
  meta: {
    description: "config-istio must carry the labels that let net-istio's webhook validate it.",
    inputs: ['ConfigMap', 'KnativeServing'],
    emits: ['ConfigIstioNotValidated'],
  },
  check(ctx) {
    const cm = knativeGatewayConfig(ctx.snapshot).configMap;
    // net-istio < 1.3 selects by the namespace's serving.knative.dev/release label, not the ConfigMap's own.
    if (!cm || !behaves('net-istio-webhook-object-selector', ctx.snapshot.versions)) return;
    const missing = Object.entries(WEBHOOK_LABELS).filter(([k, v]) => cm.labels[k] !== v).map(([k, v]) => `${k}: ${v}`);
    if (missing.length === 0) return;
    const edits = Object.entries(WEBHOOK_LABELS).filter(([k, v]) => cm.labels[k] !== v).map(([k, v]) => ({ resource: cm.res, path: ['metadata', 'labels', k], op: 'set' as const, value: v }));
    ctx.report({ id: 'ConfigIstioNotValidated', resource: cm.res, path: ['metadata', 'labels'], data: { labels: missing.join(', ') }, repair: { summary: `label config-istio ${missing.join(', ')}`, edits } });
  },
});
