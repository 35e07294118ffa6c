import { RuleTester } from '../rule-tester.js';
import rule from '../../src/rules/operator-object-differs.js';
import { docs, gateway, service, type Obj } from '../helpers/manifests.js';

/** As read from a cluster after the operator applied it: an ownerReference to the KnativeServing. */
const owned = (o: Obj): Obj => ({ ...o, metadata: { ...(o['metadata'] as Obj), resourceVersion: '7', ownerReferences: [{ apiVersion: 'operator.knative.dev/v1beta1', kind: 'KnativeServing', name: 'knative-serving', uid: 'u', controller: true }] } });
const ks = (selector: Record<string, string> | undefined, version = '1.13.0'): Obj => ({
  apiVersion: 'operator.knative.dev/v1beta1', kind: 'KnativeServing', metadata: { name: 'knative-serving', namespace: 'knative-serving' },
  spec: { version, ingress: { istio: { enabled: true, ...(selector ? { 'knative-local-gateway': { selector } } : {}) } } },
  status: { version },
});
const CUSTOM = { app: 'custom-gateway' };
const INGRESS = { istio: 'ingressgateway' };
const localGw = (sel: Record<string, string>) => owned(gateway('knative-serving', 'knative-local-gateway', sel));
const ingressGw = owned(gateway('knative-serving', 'knative-ingress-gateway', INGRESS, [{ port: 8080 }]));
const localSvc = (sel: Record<string, string>) => owned(service('istio-system', 'knative-local-gateway', sel, [{ port: 80, targetPort: 8081 }]));

new RuleTester().run(rule, {
  valid: [
    { name: 'the operator applied the override everywhere', manifests: docs(ks(CUSTOM), localGw(CUSTOM), ingressGw, localSvc(CUSTOM)) },
    { name: 'no override: net-istio\'s selector', manifests: docs(ks(undefined), localGw(INGRESS), ingressGw, localSvc(INGRESS)) },
    { name: 'extra selector keys the operator does not set may stay', manifests: docs(ks(CUSTOM), localGw({ ...CUSTOM, tier: 'x' }), ingressGw, localSvc(CUSTOM)) },
    { name: 'objects in manifest files (no ownerReference): kgd predicts what the operator makes, nothing to compare', manifests: docs(ks(CUSTOM), gateway('knative-serving', 'knative-local-gateway', INGRESS)) },
  ],
  invalid: [
    {
      name: 'operator 1.11.0 (given) left the v1beta1 Gateway on istio: ingressgateway (knative/operator#1469)',
      manifests: docs(ks(CUSTOM, '1.11.0'), localGw(INGRESS), ingressGw, localSvc(CUSTOM)),
      options: { versions: { operator: '1.11.0' } },
      errors: [{ id: 'OperatorObjectDiffers', resource: 'Gateway knative-serving/knative-local-gateway', message: 'operator 1.11.0 skips spec.ingress.istio.knative-local-gateway.selector', data: { actual: 'istio=ingressgateway', wanted: 'app=custom-gateway (spec.ingress.istio.knative-local-gateway.selector)', fixText: 'Upgrade the Knative operator to 1.13 (or 1.10.8, 1.11.12) or later; spec.ingress.istio.knative-local-gateway.selector then reaches the Gateway.' } }],
    },
    {
      name: 'the same from a dump with only spec.version 1.11.0: the operators that may have done it, and how to say which runs',
      manifests: docs(ks(CUSTOM, '1.11.0'), localGw(INGRESS), ingressGw, localSvc(CUSTOM)),
      errors: [{ id: 'OperatorObjectDiffers', message: 'operators 1.11, 1.12 (this one\'s version is not in the input: KnativeServing knative-serving/knative-serving runs Serving 1.11.0, which operators 1.11–1.14 install) skip', data: { fixText: 'Upgrade the Knative operator to 1.13 (or 1.10.8, 1.11.12) or later; spec.ingress.istio.knative-local-gateway.selector then reaches the Gateway. If yours is already newer, pass --versions operator=<its version>.' } }],
    },
    {
      name: 'operator 1.7 left the Service on istio: ingressgateway (knative/operator#1206)',
      manifests: docs(ks(CUSTOM, '1.7.2'), localGw(CUSTOM), ingressGw, localSvc(INGRESS)),
      errors: [{ id: 'OperatorObjectDiffers', resource: 'Service istio-system/knative-local-gateway', message: 'operator 1.7 (this one\'s version is not in the input: KnativeServing knative-serving/knative-serving runs Serving 1.7.2, which operators 1.7–1.10 install) applies spec.ingress.istio.knative-local-gateway.selector to the Gateway only' }],
    },
    {
      name: 'a current operator that has not reconciled (or failed): says so, the fix is not an edit of the object',
      manifests: docs(ks(CUSTOM), localGw(INGRESS), ingressGw, localSvc(CUSTOM)),
      errors: [{ id: 'OperatorObjectDiffers', resource: 'Gateway knative-serving/knative-local-gateway', message: 'has not applied it since the KnativeServing last changed' }],
    },
  ],
});
