import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseManifestText } from '../../src/load/parse.js';
import { buildSnapshot } from '../../src/platform/build.js';
import { normalizeVersion, versionEvidence } from '../../src/platform/detect-versions.js';
import { behaves } from '../../src/platform/versions.js';
import { configIstio, docs, gateway, isvc, type Obj } from '../helpers/manifests.js';

const deploy = (ns: string, name: string, image: string, labels: Record<string, string> = {}): Obj => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: ns, labels },
  spec: { selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name, ...labels } }, spec: { containers: [{ name: 'c', image }] } } },
});
const ks = (spec: Record<string, unknown>, status?: Record<string, unknown>): Obj => ({ apiVersion: 'operator.knative.dev/v1beta1', kind: 'KnativeServing', metadata: { name: 'knative-serving', namespace: 'knative-serving' }, spec, ...(status ? { status } : {}) });
const snap = (objs: Obj[], versions = {}) => buildSnapshot(parseManifestText('t.yaml', docs(...objs)).resources, { versions });
const problems = (objs: Obj[], versions = {}) => snap(objs, versions).problems.filter((p) => p.id === 'VersionsAssumed');

describe('versions read off the input', () => {
  it('normalizes release strings and refuses what is not a version', () => {
    assert.equal(normalizeVersion('v1.15.2'), '1.15.2');
    assert.equal(normalizeVersion('1.15'), '1.15.0');
    assert.equal(normalizeVersion('1.24.3-distroless'), '1.24.3');
    assert.equal(normalizeVersion('latest'), undefined);
    assert.equal(normalizeVersion('sha256'), undefined);
  });
  const table: { name: string; objs: Obj[]; want: Record<string, string> }[] = [
    { name: 'Serving controller image tag', objs: [deploy('knative-serving', 'controller', 'gcr.io/knative-releases/knative.dev/serving/cmd/controller:v1.15.2')], want: { serving: '1.15.2' } },
    { name: 'image pinned by digest only: no version', objs: [deploy('knative-serving', 'controller', 'gcr.io/knative-releases/knative.dev/serving/cmd/controller@sha256:abc')], want: {} },
    { name: 'net-istio controller image with tag and digest', objs: [deploy('knative-serving', 'net-istio-controller', 'gcr.io/knative-releases/knative.dev/net-istio/cmd/controller:v1.12.3@sha256:abc')], want: { netIstio: '1.12.3' } },
    { name: 'net-istio by its version label', objs: [deploy('knative-serving', 'net-istio-controller', 'registry.local/netistio:custom', { 'app.kubernetes.io/component': 'net-istio', 'app.kubernetes.io/version': '1.11.0' })], want: { netIstio: '1.11.0' } },
    { name: 'operator image', objs: [deploy('knative-operator', 'knative-operator', 'gcr.io/knative-releases/knative.dev/operator/cmd/operator:v1.7.1')], want: { operator: '1.7.1' } },
    { name: 'KServe controller image', objs: [deploy('kserve', 'kserve-controller-manager', 'kserve/kserve-controller:v0.13.1')], want: { kserve: '0.13.1' } },
    { name: 'istiod image', objs: [deploy('istio-system', 'istiod', 'docker.io/istio/pilot:1.24.3-distroless')], want: { istio: '1.24.3' } },
    { name: 'Istio revision label on the gateway pods', objs: [deploy('istio-system', 'gw', 'registry.local/proxy:x', { 'istio.io/rev': '1-22-1' })], want: { istio: '1.22.1' } },
    { name: 'a revision label that is not a version', objs: [deploy('istio-system', 'gw', 'registry.local/proxy:x', { 'istio.io/rev': 'canary' })], want: {} },
    {
      name: 'KnativeServing: status.version beats spec.version; net-istio and the operator follow its minor',
      objs: [ks({ version: '1.10' }, { version: '1.11.2' })],
      want: { serving: '1.11.2', netIstio: '1.11.0', operator: '1.14.0' },
    },
    {
      name: 'the operator\'s own image beats what the KnativeServing implies',
      objs: [ks({ version: '1.10' }), deploy('knative-operator', 'knative-operator', 'gcr.io/knative-releases/knative.dev/operator/cmd/operator:v1.13.0')],
      want: { serving: '1.10.0', netIstio: '1.10.0', operator: '1.13.0' },
    },
  ];
  for (const c of table) {
    it(c.name, () => {
      const s = snap(c.objs);
      assert.deepEqual(s.versions, c.want);
      for (const src of s.versionSources) assert.ok(src.resource, `${src.component}: no resource for ${src.how}`);
    });
  }
  it('--versions wins over the input', () => {
    const s = snap([deploy('kserve', 'kserve-controller-manager', 'kserve/kserve-controller:v0.13.1')], { kserve: '0.16.0' });
    assert.equal(s.versions.kserve, '0.16.0');
    assert.equal(s.versionSources.find((x) => x.component === 'kserve')?.how, '--versions');
    assert.ok(versionEvidence(s).some((e) => e.version === '0.13.1'), 'the input\'s evidence is still listed');
  });
  it('versioned behaviour follows the detected version on both sides of a boundary (operator 1.21: structured gateway namespace)', () => {
    const op = (v: string) => deploy('knative-operator', 'knative-operator', `gcr.io/knative-releases/knative.dev/operator/cmd/operator:v${v}`);
    assert.equal(behaves('operator-structured-gateway-namespace', snap([op('1.20.2')]).versions), false);
    assert.equal(behaves('operator-structured-gateway-namespace', snap([op('1.21.0')]).versions), true);
    assert.equal(behaves('kserve-host-regexp-exact', snap([deploy('kserve', 'kserve-controller-manager', 'kserve/kserve-controller:v0.13.1')]).versions), false);
  });
  it('says once which versions it assumed, only for the components the input depends on', () => {
    const gwOnly = problems([gateway('istio-system', 'g', { istio: 'ingressgateway' })]);
    assert.equal(gwOnly.length, 1);
    assert.match(gwOnly[0]!.data['assumed']!, /^Istio \(/);
    assert.equal(gwOnly[0]!.data['detected'], 'nothing');
    const kn = problems([configIstio(), isvc('models', 'm')]);
    assert.match(kn[0]!.data['assumed']!, /Knative Serving .*net-istio .*KServe/);
    assert.doesNotMatch(kn[0]!.data['assumed']!, /operator|Istio/);
    assert.equal(problems([gateway('istio-system', 'g', { istio: 'ingressgateway' }), deploy('istio-system', 'istiod', 'docker.io/istio/pilot:1.24.3')]).length, 0, 'nothing assumed: nothing said');
    assert.equal(problems([gateway('istio-system', 'g', { istio: 'ingressgateway' })], { istio: '1.22.0' }).length, 0);
  });
});
