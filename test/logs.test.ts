/**
 * `kgd logs` on real log lines, each cited, with the explanation expected; lines kgd's own trace predicts for its
 * examples, joined back to the trace; and the command line. net-istio's prober's own lines are checked in
 * test/probe-oracle.test.ts (produced live by net-istio 1.21.1's status.Prober).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { LogAnalyzer, MAX_GROUPS, type LogGroup } from '../src/logs/analyze.js';
import { compileFormat, FormatError, istioFormats } from '../src/logs/envoy-format.js';
import { fromRoot, ROOT } from './helpers/paths.js';

interface Case {
  readonly source: string;
  readonly line: string;
  /** undefined: the line is not a failure (no group). */
  readonly expect?: { kind: 'envoy' | 'component'; format?: string; code?: string; flags?: string; component?: string; meaning: RegExp; hop?: RegExp };
}

const CORPUS: readonly Case[] = [
  {
    source: 'Istio docs, tasks/observability/logs/access-log (istio/istio.io content/en/docs/tasks/observability/logs/access-log/index.md): sleep\'s sidecar',
    line: '[2020-11-25T21:26:18.409Z] "GET /status/418 HTTP/1.1" 418 - via_upstream - "-" 0 135 4 4 "-" "curl/7.73.0-DEV" "84961386-6d84-929d-98bd-c5aee93b5c88" "httpbin:8000" "10.44.1.27:80" outbound|8000||httpbin.foo.svc.cluster.local 10.44.1.23:37652 10.0.45.184:8000 10.44.1.23:46520 - default',
    expect: { kind: 'envoy', format: 'istio-1.9', code: '418', flags: '-', meaning: /via_upstream: the status came from the upstream application/, hop: /sending to httpbin\.foo\.svc\.cluster\.local:8000/ },
  },
  {
    source: 'same page: httpbin\'s sidecar (inbound)',
    line: '[2020-11-25T21:26:18.409Z] "GET /status/418 HTTP/1.1" 418 - via_upstream - "-" 0 135 3 1 "-" "curl/7.73.0-DEV" "84961386-6d84-929d-98bd-c5aee93b5c88" "httpbin:8000" "127.0.0.1:80" inbound|8000|| 127.0.0.1:41854 10.44.1.27:80 10.44.1.23:37652 outbound_.8000_._.httpbin.foo.svc.cluster.local default',
    expect: { kind: 'envoy', format: 'istio-1.9', code: '418', meaning: /via_upstream/, hop: /destination's sidecar \(inbound, pod port 8000\)/ },
  },
  {
    source: 'KServe\'s debugging guide (kserve/website docs/developer/debug.md, from KFSERVING_DEBUG_GUIDE.md): the ingress gateway, Istio 1.3 format, NR for net-istio\'s probe',
    line: '[2020-02-11T18:16:21.419Z] "GET / HTTP/1.1" 404 NR "-" "-" 0 0 0 - "10.88.0.31" "Go-http-client/1.1" "4a8bd584-2323-4f40-9230-9797d890b9fb" "helloworld-go.default:80" "-" - - 10.88.1.13:80 10.88.0.31:36237 - -',
    expect: { kind: 'envoy', format: 'istio-1.3', code: '404', flags: 'NR', meaning: /^NR: no route/, hop: /listening on port 80/ },
  },
  {
    source: 'same guide: 302 UAEX (auth on the ingress gateway turns the probe away)',
    line: '[2020-02-11T18:16:21.420Z] "GET / HTTP/1.1" 302 UAEX "-" "-" 0 269 21 21 "10.88.0.31" "Go-http-client/1.1" "27aa43fa-ac17-4a71-8ca2-b4d9fb772219" "helloworld-go.default.example.com:80" "-" - - 10.88.1.13:80 10.88.0.31:36249 - -',
    expect: { kind: 'envoy', format: 'istio-1.3', code: '302', flags: 'UAEX', meaning: /UAEX: denied by the external authorization service/ },
  },
  {
    source: 'same guide: Knative < 0.11.2\'s prober retried every non-200 (the JSON line is split over lines there; joined here)',
    line: '{"level":"error","ts":"2020-03-26T19:12:00.749Z","logger":"istiocontroller.ingress-controller.status-manager","caller":"ingress/status.go:366","msg":"Probing of http://flowers-sample-predictor-default.kubeflow-jeanarmel-luce.example.com:80/ failed, IP: 10.0.0.29:80, ready: false, error: unexpected status code: want [200], got 403 (depth: 0)","commit":"6b0e5c6","knative.dev/controller":"ingress-controller"}',
    expect: { kind: 'component', component: 'net-istio', meaning: /gets 403 .*before 0\.11\.2/ },
  },
  {
    source: 'knative/serving#11877 (istio-proxy of the activator, Istio JSON encoding): UH on the activator\'s /healthz probe',
    line: '{"upstream_local_address":null,"request_id":"578ab442-6490-470e-9cc3-76a7dc6ea46d","downstream_local_address":"100.65.210.81:80","bytes_received":0,"path":"/healthz","upstream_host":null,"requested_server_name":null,"upstream_transport_failure_reason":null,"response_flags":"UH","duration":0,"bytes_sent":19,"upstream_service_time":null,"authority":"100.65.210.81:80","downstream_remote_address":"100.96.4.180:46424","upstream_cluster":null,"response_code":503,"grpc_status":"Unavailable","correlation_id":null,"protocol":"HTTP/1.1","start_time":"2021-09-09T10:09:19.984Z","user_agent":"Knative-Activator-Probe","method":"GET","x_forwarded_for":null}',
    expect: { kind: 'envoy', format: 'istio-json', code: '503', flags: 'UH', meaning: /^UH: no healthy upstream/ },
  },
  {
    source: 'kserve/kserve#4387 (non-default local gateway, timeouts): the activator cannot probe the revision pods',
    line: '{"severity":"WARNING","timestamp":"2025-04-14T21:25:29.918624339Z","logger":"activator","caller":"net/revision_backends.go:342","message":"Failed probing pods","commit":"6265a8e","knative.dev/controller":"activator","knative.dev/pod":"activator-78fdbb4486-lgtvg","knative.dev/key":"online-serving/fraud-unique-model-transformer-predictor-00002","curDests":{"ready":"10.132.0.34:8012","notReady":""},"error":"error roundtripping http://10.132.0.34:8012/healthz: context deadline exceeded"}',
    expect: { kind: 'component', component: 'activator', meaning: /activator cannot reach the revision pods' queue-proxy/ },
  },
  {
    source: 'kserve/kserve#4387: the activator cannot probe the private Service',
    line: '{"severity":"ERROR","timestamp":"2025-04-14T21:25:29.94931122Z","logger":"activator","caller":"net/revision_backends.go:398","message":"Failed to probe clusterIP 10.0.52.232:80","commit":"6265a8e","knative.dev/controller":"activator","knative.dev/pod":"activator-78fdbb4486-lgtvg","knative.dev/key":"online-serving/iris-issue-predictor-00002","error":"error roundtripping http://10.0.52.232:80/healthz: context deadline exceeded"}',
    expect: { kind: 'component', component: 'activator', meaning: /private Service/ },
  },
  {
    source: 'knative/serving#10115 (Waiting for load balancer to be ready): the older zap keys level/ts/msg',
    line: '{"level":"error","ts":"2021-01-04T13:25:34.977Z","logger":"activator","caller":"net/revision_backends.go:293","msg":"Failed to probe clusterIP 10.233.63.180:80","commit":"f87352b","knative.dev/controller":"activator","knative.dev/pod":"activator-8cb6d456-jl4zz","knative.dev/key":"air/test-ksvc-1","error":"error roundtripping http://10.233.63.180:80/healthz: context deadline exceeded"}',
    expect: { kind: 'component', component: 'activator', meaning: /private Service/ },
  },
  {
    source: 'net-istio 1.21.1\'s status.Prober, run by test/probe-oracle.test.ts against a gateway pod answering 404',
    line: '{"level":"error","ts":1795720948.731362,"logger":"fallback","caller":"status/status.go:421","msg":"Probing of http://probe.example:8081 failed, IP: 127.0.0.1:34557, ready: false, error: unexpected status code: want 200, got 404 (depth: 0)"}',
    expect: { kind: 'component', component: 'net-istio', meaning: /gets 404 .*Uninitialized/ },
  },
  {
    source: 'same run: a gateway pod answering 403',
    line: '{"level":"error","ts":1795720948.7312138,"logger":"fallback","caller":"status/status.go:489","msg":"Probing of http://probe.example:8081 abandoned, IP: 127.0.0.1:40793: the response status is 403, expected one of: [200 404 503]"}',
    expect: { kind: 'component', component: 'net-istio', meaning: /got 403 .*counts it as success/ },
  },
  {
    source: 'same run: nothing listening',
    line: '{"level":"error","ts":1795720948.7298758,"logger":"fallback","caller":"status/status.go:421","msg":"Probing of http://probe.example:8081 failed, IP: 127.0.0.1:41103, ready: false, error: error roundtripping http://probe.example:8081/healthz: dial tcp 127.0.0.1:41103: connect: connection refused (depth: 0)"}',
    expect: { kind: 'component', component: 'net-istio', meaning: /no answer \(connection refused\)/ },
  },
  {
    source: 'kserve/kserve#1065 (KFServing 0.4 controller; the stacktrace field left out): Istio\'s webhook refuses the VirtualService',
    line: '{"level":"error","ts":1598938875.0398953,"logger":"kfserving-controller","msg":"Failed to reconcile","error":"admission webhook \\"pilot.validation.istio.io\\" denied the request: configuration is invalid: 1 error occurred:\\n\\n* attempts must be positive"}',
    expect: { kind: 'component', component: 'kserve-controller', meaning: /validation webhook refused .*attempts must be positive/s },
  },
  {
    source: 'kserve/kserve#2643: net-istio reconciling normally (an INFO line is not a finding)',
    line: '{"severity":"INFO","timestamp":"2023-01-13T13:48:34.279031618Z","logger":"net-istio-controller.istio-ingress-controller","caller":"ingress/ingress.go:366","message":"Cleaning up Gateway Servers","commit":"dc8f82e","knative.dev/controller":"istio-ingress-controller","knative.dev/kind":"networking.internal.knative.dev.Ingress","knative.dev/key":"krystian-koziel/sklearn-iris-predictor-default"}',
  },
  {
    source: 'the Istio docs line above with a 200 (a success is not a finding)',
    line: '[2020-11-25T21:26:18.409Z] "GET /status/200 HTTP/1.1" 200 - via_upstream - "-" 0 135 4 4 "-" "curl/7.73.0-DEV" "84961386-6d84-929d-98bd-c5aee93b5c88" "httpbin:8000" "10.44.1.27:80" outbound|8000||httpbin.foo.svc.cluster.local 10.44.1.23:37652 10.0.45.184:8000 10.44.1.23:46520 - default',
  },
];

const one = (line: string, format?: string): { a: LogAnalyzer; g: LogGroup | undefined } => {
  const a = new LogAnalyzer({ format });
  a.line(line, 'corpus', 1);
  return { a, g: a.report.groups[0] };
};

describe('kgd logs: the corpus of real lines', () => {
  for (const c of CORPUS) {
    it(c.source, () => {
      const { a, g } = one(c.line);
      assert.equal(a.report.otherLines, 0, 'the line was not recognised');
      if (!c.expect) return void assert.equal(g, undefined, 'a success was reported');
      assert.ok(g, 'no group for a failing line');
      assert.equal(g.kind, c.expect.kind);
      if (c.expect.format) assert.deepEqual(Object.keys(a.report.formats), [c.expect.format]);
      if (c.expect.code) assert.equal(g.code, c.expect.code);
      if (c.expect.flags) assert.equal(g.flags, c.expect.flags);
      if (c.expect.component) assert.equal(g.component, c.expect.component);
      assert.match(g.meaning.join('\n'), c.expect.meaning);
      assert.equal(g.failing, true);
      if (c.expect.hop) assert.match(g.hop, c.expect.hop);
    });
  }

  it('every response flag the issue names has a meaning, and RBAC and reset details are read with their parameters', () => {
    for (const f of ['NR', 'UH', 'UF', 'URX', 'UT', 'UC', 'UO', 'DC', 'NC', 'UAEX']) {
      const { g } = one(`[2024-01-01T00:00:00.000Z] "GET / HTTP/1.1" 503 ${f} - - "-" 0 0 1 - "-" "curl" "id" "a.b:80" "-" - - 10.0.0.1:8081 10.0.0.2:1 - -`);
      assert.doesNotMatch(g!.meaning[0]!, /does not know/, f);
    }
    const rbac = one('[2024-01-01T00:00:00.000Z] "POST /v1/models/m:predict HTTP/1.1" 403 - rbac_access_denied_matched_policy[ns[kubeflow]-policy[deny-all]-rule[0]] - "-" 0 19 0 - "-" "curl" "id" "m.ns.svc.cluster.local" "-" - - 10.0.0.1:8081 10.0.0.2:1 - -').g!;
    assert.match(rbac.meaning.join(), /DENY policy ns\[kubeflow\]-policy\[deny-all\]-rule\[0\] matched/);
    const none = one('[2024-01-01T00:00:00.000Z] "POST / HTTP/1.1" 403 - rbac_access_denied_matched_policy[none] - "-" 0 19 0 - "-" "curl" "id" "m.ns.svc.cluster.local" "-" - - 10.0.0.1:8081 10.0.0.2:1 - -').g!;
    assert.match(none.meaning.join(), /none admits the request/);
    const reset = one('[2024-01-01T00:00:00.000Z] "POST / HTTP/1.1" 503 UF upstream_reset_before_response_started{connection_failure} - "-" 0 91 10000 - "-" "curl" "id" "m.ns.svc.cluster.local" "-" outbound|80||activator-service.knative-serving.svc.cluster.local - 10.0.0.1:8081 10.0.0.2:1 - -').g!;
    assert.match(reset.meaning.join('\n'), /connection to the upstream failed before any response: connection_failure/);
    assert.match(reset.hop, /sending to the activator/);
  });

  it('--format: a custom Envoy format is compiled and tried first; a broken one is refused with where', () => {
    const fmt = '%START_TIME% %RESPONSE_CODE% %RESPONSE_FLAGS% %REQ(:AUTHORITY)% %UPSTREAM_CLUSTER%';
    const { a, g } = one('2024-01-01T00:00:00Z 404 NR m.ns.svc.cluster.local -', fmt);
    assert.deepEqual(a.report.formats, { custom: 1 });
    assert.equal(g!.subject, 'm.ns.svc.cluster.local');
    assert.throws(() => compileFormat('%START_TIME% %RESPONSE_CODE'), (e: Error) => e instanceof FormatError && /unterminated command operator at character 14/.test(e.message));
    assert.throws(() => compileFormat('%start_time%'), FormatError);
    // Istio 1.8's default (no Mixer status, no details), written by hand from the format in Istio's source at 1.8.0:
    // not taken for the 1.3–1.7 format, whose Mixer field would shift every later field.
    const v18 = one('[2021-01-01T00:00:00.000Z] "GET /healthz HTTP/1.1" 503 UF "-" 0 91 1000 - "-" "Knative-Ingress-Probe" "id" "m.ns:8081" "10.0.0.3:8081" outbound|80||activator-service.knative-serving.svc.cluster.local - 10.0.0.2:8081 10.0.0.9:4000 - -');
    assert.deepEqual(Object.keys(v18.a.report.formats), ['istio-1.8']);
    assert.match(v18.g!.meaning.join('\n'), /readiness probe/);
    // Istio's own formats compile to the fields its JSON encoding names.
    assert.ok(istioFormats()[0]!.fields.includes('response_code_details') && istioFormats()[0]!.fields.includes('upstream_cluster'));
  });

  it('repeated lines are one group with a count and first/last time; groups are bounded', () => {
    const a = new LogAnalyzer();
    for (let i = 0; i < 5; i++) a.line(`[2024-01-01T00:00:0${i}.000Z] "GET / HTTP/1.1" 404 NR route_not_found - "-" 0 0 0 - "-" "curl" "id${i}" "m.ns.svc.cluster.local" "-" - - 10.0.0.1:8081 10.0.0.2:${i} - -`, 'f', i + 1);
    assert.equal(a.report.groups.length, 1);
    const g = a.report.groups[0]!;
    assert.deepEqual([g.count, g.first.time, g.last.time, g.first.line, g.last.line], [5, '2024-01-01T00:00:00.000Z', '2024-01-01T00:00:04.000Z', 1, 5]);
    const b = new LogAnalyzer();
    for (let i = 0; i < MAX_GROUPS + 10; i++) b.line(`[2024-01-01T00:00:00.000Z] "GET / HTTP/1.1" 404 NR route_not_found - "-" 0 0 0 - "-" "curl" "id" "h${i}.ns.svc.cluster.local" "-" - - 10.0.0.1:8081 10.0.0.2:1 - -`, 'f', i + 1);
    assert.equal(b.report.groups.length, MAX_GROUPS);
    assert.equal(b.report.ungrouped, 10);
  });
});

describe('kgd logs: the command', () => {
  const kgd = (args: string[], input?: string) => spawnSync(process.execPath, [fromRoot('bin', 'kgd.js'), 'logs', ...args], { cwd: ROOT, input, encoding: 'utf8', env: { ...process.env, NO_COLOR: '' } });

  it('the line kgd\'s trace predicts for the broken example (404 at the local gateway\'s listener, which the KServe VirtualService is not bound to), joined back with -f: "kgd trace predicts the same"', () => {
    const line = '[2026-11-26T10:00:00.000Z] "POST /v1/models/sklearn-iris:predict HTTP/1.1" 404 NR route_not_found - "-" 0 0 0 - "-" "curl/8.5.0" "5b2c" "sklearn-iris.online-serving.svc.cluster.local" "-" - - 10.1.0.9:8081 10.1.0.3:51234 - -';
    const r = kgd(['-', '-f', 'examples/custom-gateway-broken'], `${line}\n${line}\n`);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stdout, /404 NR route_not_found {2}Host "sklearn-iris\.online-serving\.svc\.cluster\.local".* ×2/);
    assert.match(r.stdout, /→ kgd trace predicts the same: .*404/);
  });

  it('an activator line about a revision, joined with -f to the finding in its namespace (kserve/kserve#4387\'s line, the fixed example plus a deny-all NetworkPolicy)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kgd-logs-'));
    const np = join(dir, 'deny-all.yaml');
    writeFileSync(np, 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny-all, namespace: online-serving}\nspec: {podSelector: {}, policyTypes: [Ingress]}\n');
    const line = CORPUS.find((c) => c.line.includes('Failed probing pods'))!.line.replace('online-serving/fraud-unique-model-transformer-predictor-00002', 'online-serving/sklearn-iris-predictor-00001');
    const r = kgd(['-', '-f', 'examples/custom-gateway-fixed', '-f', np], `${line}\n`);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stdout, /activator warning: Failed probing pods \(online-serving\/sklearn-iris-predictor-00001\)/);
    assert.match(r.stdout, /→ finding KGD1602 NetworkPolicy online-serving\/deny-all: /);
    const without = kgd(['-', '-f', 'examples/custom-gateway-fixed'], `${line}\n`);
    assert.doesNotMatch(without.stdout, /→ finding/);
  });

  it('a line that only informs (net-istio skipping a Gateway) is shown but fails nothing: exit 0', () => {
    const r = kgd(['-'], '{"severity":"INFO","timestamp":"2026-01-01T00:00:00Z","logger":"net-istio-controller","message":"Skipping Gateway istio-system/custom-gateway because it has no corresponding Service"}\n');
    assert.equal(r.status, 0, r.stdout);
    assert.match(r.stdout, /never probed/);
    assert.match(r.stdout, /0 failing group\(s\), 1 informative/);
  });

  it('json output, exit 0 when nothing fails, and usage errors (exit 2)', () => {
    const ok = kgd(['-', '-o', 'json'], `${CORPUS.at(-1)!.line}\n`);
    assert.equal(ok.status, 0, ok.stderr);
    assert.deepEqual((JSON.parse(ok.stdout) as { groups: unknown[]; envoyLines: number }).envoyLines, 1);
    assert.equal(kgd([]).status, 2);
    const missing = kgd(['no-such.log']);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /cannot read no-such\.log: no such file/);
    assert.match(kgd(['-', '--format', '%BROKEN'], 'x\n').stderr, /--format: an unterminated command operator/);
  });
});
