/**
 * What a log line means on a KServe request's path: Envoy's response flags and response-code details (Envoy's
 * access-log documentation, "Response flags" and "Response code details"), Istio's RBAC details, and the
 * messages Knative's activator, queue-proxy and net-istio's prober, and KServe's controller write.
 */

/** Envoy response flags: name, short meaning, and what it usually means on this path. */
export const RESPONSE_FLAGS: Readonly<Record<string, string>> = {
  NR: 'no route: no virtual host or route matches the Host and path (404), or no filter chain takes the connection — on a gateway, the VirtualService for this host is not bound to the Gateway serving this port',
  UH: 'no healthy upstream: the destination cluster has no ready endpoint (503) — the Service selects no ready pod (revision scaled to zero without the activator, gateway pods down)',
  UF: 'upstream connection failure (503): nothing accepted the connection, or a NetworkPolicy dropped it until the connect timeout, or the mTLS handshake failed',
  URX: 'upstream retry limit exceeded (503): every retry failed',
  UT: 'upstream request timeout (504): the route\'s timeout passed without a response (a cold start slower than the timeout, or a dropped connection)',
  UC: 'upstream connection termination (503): the upstream closed the connection before answering',
  UO: 'upstream overflow (503): circuit breaking (a DestinationRule\'s connection pool limits)',
  DC: 'downstream connection termination: the client went away before the answer (often a client-side timeout)',
  NC: 'upstream cluster not found (503): the route names a destination Envoy has no cluster for (a Service that does not exist)',
  UAEX: 'denied by the external authorization service (ext_authz: an AuthorizationPolicy CUSTOM action or an EnvoyFilter) — 401/403, or 302 to a login page',
  LH: 'the local service failed its health check (503)',
  LR: 'connection local reset (503)',
  UR: 'upstream remote reset (503)',
  DI: 'delayed by fault injection',
  FI: 'aborted by fault injection',
  RL: 'rate limited locally (429)',
  RLSE: 'rate limit service error',
  IH: 'rejected for an invalid header value',
  SI: 'stream idle timeout (408/504)',
  DPE: 'the downstream request had an HTTP protocol error',
  UPE: 'the upstream response had an HTTP protocol error',
  UMSDR: 'the upstream request reached its max stream duration',
  OM: 'the overload manager terminated the request',
  DF: 'DNS resolution failed',
  DT: 'the connection exceeded its max duration',
  DO: 'dropped by overload',
};

/** Response-code details (`%RESPONSE_CODE_DETAILS%`, Istio 1.9+). Prefix match for the parameterised ones. */
const DETAILS: readonly [RegExp, string][] = [
  [/^route_not_found$/, 'no route matched (404 NR): the Host is not in a virtual host of this listener, or no match of its routes fits'],
  [/^rbac_access_denied_matched_policy\[none\]$/, 'Istio RBAC: ALLOW policies apply to this workload and none admits the request (403)'],
  [/^rbac_access_denied_matched_policy\[(.+)\]$/, 'Istio RBAC: the DENY policy $1 matched (403)'],
  [/^ext_authz_denied$/, 'the ext_authz server denied the request (a CUSTOM AuthorizationPolicy or an auth EnvoyFilter)'],
  [/^ext_authz_error$/, 'the ext_authz server could not be reached or failed (403 unless failure_mode_allow)'],
  [/^cluster_not_found$/, 'the route\'s destination has no cluster (503 NC): the Service does not exist'],
  [/^no_healthy_upstream$/, 'the destination has no ready endpoint (503 UH)'],
  [/^upstream_response_timeout$/, 'the route timeout passed (504 UT)'],
  [/^upstream_per_try_timeout$/, 'a retry\'s per-try timeout passed'],
  [/^request_overall_timeout$/, 'the request exceeded its overall timeout'],
  [/^upstream_reset_before_response_started\{(.+)\}$/, 'the connection to the upstream failed before any response: $1 (connection_failure: refused or dropped — NetworkPolicy, nothing listening, failed mTLS; connection_termination / remote_reset: the upstream closed it)'],
  [/^upstream_reset_after_response_started\{(.+)\}$/, 'the upstream reset the stream mid-response: $1'],
  [/^filter_chain_not_found$/, 'no filter chain of the listener takes the connection (TLS/SNI or protocol mismatch)'],
  [/^downstream_remote_disconnect$/, 'the client disconnected'],
  [/^direct_response$/, 'answered by a direct response (no upstream)'],
  [/^via_upstream$/, 'the status came from the upstream application, not from Envoy'],
  [/^stream_idle_timeout$/, 'the stream was idle too long'],
  [/^duration_timeout$/, 'the connection reached its maximum duration'],
  [/^http1\.codec_error$|^http2\.codec_error$/, 'a protocol error (plain HTTP to a TLS port, or the reverse)'],
];

export function explainDetails(details: string): string | undefined {
  for (const [rx, text] of DETAILS) {
    const m = rx.exec(details);
    if (m) return text.replace('$1', m[1] ?? '');
  }
  return undefined;
}

export function explainFlags(flags: string): string[] {
  if (!flags || flags === '-') return [];
  return flags.split(',').map((f) => `${f}: ${RESPONSE_FLAGS[f] ?? 'an Envoy response flag kgd does not know'}`);
}

/** Where an Envoy line was written, from its clusters and addresses. */
export function envoyHop(f: Readonly<Record<string, string>>): string {
  const cluster = f['upstream_cluster'] ?? '';
  const m = /^(outbound|inbound)\|(\d*)\|[^|]*\|(.*)$/.exec(cluster);
  const local = f['downstream_local_address'] ?? '';
  const localPort = /:(\d+)$/.exec(local)?.[1];
  if (m && m[1] === 'inbound') return `the destination's sidecar (inbound, pod port ${m[2]})`;
  if (m) {
    const host = m[3] ?? '';
    if (/(^|\.)activator-service\./.test(host)) return `a proxy sending to the activator (${host}:${m[2]})`;
    if (/-\d{5}(-private)?\./.test(host)) return `a proxy sending to a Knative revision (${host}:${m[2]})`;
    if (/gateway/.test(host)) return `a caller's sidecar sending to a gateway Service (${host}:${m[2]})`;
    return `a proxy sending to ${host}:${m[2]}`;
  }
  if (localPort) return `the proxy listening on port ${localPort} (${local})`;
  return 'an Envoy proxy';
}

/** Messages of Knative's and KServe's components that point at the path (zap JSON lines). */
const COMPONENT: readonly [RegExp, string, boolean][] = [
  [/^Failed probing pods/, 'the activator cannot reach the revision pods\' queue-proxy (port 8012) with its health probe: a NetworkPolicy drops knative-serving → the model namespace, or mTLS/AuthorizationPolicy refuses the activator', true],
  [/^Failed to probe clusterIP/, 'the activator cannot reach the revision\'s private Service: NetworkPolicy, mTLS or no ready pod', true],
  [/activator request timeout/, 'the activator gave up waiting for a ready pod of the revision (504): the pod never got ready, or the activator cannot reach it', true],
  [/^error reverse proxying request/, 'the proxy (activator or queue-proxy) failed to forward the request to the next hop', true],
  [/request timeout/i, 'queue-proxy timed out the request (the revision\'s timeoutSeconds)', true],
  [/^Probing of (\S+) failed, IP: (\S+), ready: false, error: unexpected status code: want \[200\], got (\d+)/, 'net-istio\'s probe to gateway pod $2 gets $3 for $1; Knative before 0.11.2 retried every answer but 200 (knative/serving#6829), so the KIngress never becomes Ready — later versions count answers other than 404/503 as success', true],
  [/^Probing of (\S+) failed, IP: (\S+), ready: false, error: unexpected status code: want 200, got (404|503)/, 'net-istio\'s readiness probe to gateway pod $2 gets $3 for $1: the KIngress stays Uninitialized ("Waiting for load balancer to be ready") until it gets 200', true],
  [/^Probing of (\S+) failed, IP: (\S+), ready: false, error: unexpected hash/, 'net-istio\'s probe reached a route with an older KIngress hash: the gateway has not applied the newest VirtualService yet (retried)', true],
  [/^Probing of (\S+) failed, IP: (\S+), ready: false, error: .*(context deadline exceeded|connection refused|i\/o timeout|no route to host)/, 'net-istio\'s probe to gateway pod $2 gets no answer ($3): nothing listens on that pod port, or a NetworkPolicy drops knative-serving → the gateway pods (retried for ever)', true],
  [/^Probing of (\S+) abandoned, IP: (\S+): the response status is (\d+)/, 'net-istio\'s probe got $3 (an auth filter or AuthorizationPolicy on the gateway?) and counts it as success: Ready is no evidence for this path', true],
  [/^Probing of (\S+) abandoned, IP: (\S+): the response doesn't contain/, 'net-istio\'s probe got 200 without K-Network-Hash (not from Knative\'s activator or queue-proxy) and counts it as success', false],
  [/^Skipping Gateway (\S+) because it has no corresponding Service/, 'net-istio\'s prober found no Service whose labels match Gateway $1\'s selector: that gateway is never probed, so Ready says nothing about it', false],
  [/^Skipping Server "(.*)" because Service (\S+) doesn't contain a port (\d+)/, 'net-istio\'s prober skips the server: Service $2 (found by the Gateway\'s selector labels) has no port $3; that gateway is not probed', false],
  [/admission webhook "(?:pilot\.)?validation\.istio\.io" denied the request: (.*)/s, 'Istio\'s validation webhook refused an object the controller writes (a VirtualService): $1 — the InferenceService gets no route until the config that produces it is fixed', true],
  [/^Failed to reconcile/, 'KServe\'s controller failed to reconcile an InferenceService: its VirtualService or ExternalName Service may be missing or stale', true],
  [/failed to get Gateway "([^"]+)"/, 'net-istio cannot find Gateway $1 named in config-istio: every KIngress on it fails with ReconcileIngressFailed', true],
  [/failed to get Endpoints/, 'net-istio cannot read the Endpoints of the gateway Service it found: ReconcileIngressFailed', true],
];

export interface ComponentExplanation {
  readonly meaning: string;
  readonly failing: boolean;
}

export function explainMessage(message: string, error: string | undefined): ComponentExplanation | undefined {
  for (const [rx, text, failing] of COMPONENT) {
    for (const s of [message, error ?? '']) {
      const m = rx.exec(s);
      if (m) return { meaning: text.replace(/\$(\d)/g, (_, d: string) => m[Number(d)] ?? ''), failing };
    }
  }
  return undefined;
}
