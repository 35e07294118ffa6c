/**
 * The article's configuration (examples/article, see its README): what kgd says about its snippets as printed,
 * with only the gateway pods and Service it implies added, and with --complete (issue #11's done-when).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkPaths, checkResources } from '../src/check.js';
import { loadSources } from '../src/load/sources.js';
import { parseManifestText } from '../src/load/parse.js';
import { stringify } from 'yaml';
import { KSERVE_DEFAULT_INGRESS } from '../src/platform/kserve/ingress-config.js';
import { fromRoot } from './helpers/paths.js';

const ARTICLE = fromRoot('examples', 'article');
const PODS = fromRoot('test', 'fixtures', 'article-gateway-pods.yaml');
const summary = (ds: readonly { code: string; severity: string; resource?: string | undefined }[]) => ds.filter((d) => d.severity !== 'info').map((d) => `${d.severity} ${d.code} ${d.resource}`).sort();

describe('the article (examples/article)', () => {
  it('as printed: the ingress JSON lacks ingressGateway, the operator\'s selector misses custom-gateway, and the custom Service is not in the input', async () => {
    const r = await checkPaths([ARTICLE]);
    assert.deepEqual(summary(r.diagnostics), [
      'error KGD1109 KnativeServing knative-serving/knative-serving',
      'error KGD1301 ConfigMap kserve/inferenceservice-config',
      'warning KGD1201 KnativeServing knative-serving/knative-serving',
    ]);
    const codes = r.diagnostics.map((d) => d.code);
    assert.ok(codes.includes('KGD0013'), 'Istio\'s ingress gateway is assumed, and said so');
    assert.ok(codes.includes('KGD0010'), 'the selectors of Gateways without pods in the input are not checked, and said so');
  });
  it('with its gateway Deployment and Service: the one error left is the ingress JSON KServe itself refuses; completed with KServe\'s shipped ingressGateway, none', async () => {
    const r = await checkPaths([ARTICLE, PODS]);
    assert.deepEqual(summary(r.diagnostics), ['error KGD1301 ConfigMap kserve/inferenceservice-config', 'warning KGD1201 KnativeServing knative-serving/knative-serving']);
    const loaded = await loadSources([ARTICLE, PODS]);
    const json = { ingressGateway: KSERVE_DEFAULT_INGRESS['ingressGateway'], localGateway: 'istio-system/custom-gateway', localGatewayService: 'custom-gateway.istio-system.svc.cluster.local' };
    const cm = parseManifestText('ingress.yaml', stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'inferenceservice-config', namespace: 'kserve' }, data: { ingress: JSON.stringify(json) } })).resources;
    const completed = [...loaded.resources.filter((x) => x.name !== 'inferenceservice-config'), ...cm];
    assert.deepEqual(summary(checkResources(completed).diagnostics), ['warning KGD1201 KnativeServing knative-serving/knative-serving']);
    // --complete: the input is the whole cluster, so the default ingress gateway pods are missing for real.
    const whole = summary(checkResources(completed, { complete: true }).diagnostics);
    assert.deepEqual(whole, ['error KGD1401 Gateway knative-serving/knative-ingress-gateway', 'warning KGD1201 KnativeServing knative-serving/knative-serving']);
  });
});
