/**
 * Istio security on each hop of an InferenceService's in-cluster path: which identity arrives at which
 * workload, whether the TLS handshake is accepted (PeerAuthentication, DestinationRule, auto mTLS), and what
 * the AuthorizationPolicies there decide. The routing itself is the trace's; this is the part rules, the trace
 * and `generate` share so they never disagree on a hop.
 */
import type { InferenceService } from '../model/kserve.js';
import type { Workload } from '../model/core.js';
import type { Snapshot } from '../snapshot/snapshot.js';
import { authorize, type AuthzDecision, type AuthzRequest } from './istio/authz.js';
import { assumedPeer, peerOf, principalOf, type Peer } from './istio/identity.js';
import { gatewaySelects } from './istio/listeners.js';
import { clientTls, sidecarHandshake, type ClientTls, type HandshakeVerdict } from './istio/mtls.js';
import { knativeGatewayConfig } from './knative/effective.js';
import { firstRevision, revisionBackendPort, revisionPort, revisionProtocol } from './knative/derive.js';
import { knativeDomainConfig } from './knative/domain.js';
import { componentServiceName } from './kserve/names.js';
import { kserveBackendComponent } from './kserve/derive.js';
import { localGateways } from './local-path.js';
import { behaves } from './versions.js';

/** The request as a hop delivers it (Host, path, method and headers after the routes' rewrites). */
export interface HopRequest {
  readonly authority: string;
  readonly path: string;
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
}

export interface HopSecurity {
  /**
   * ok; handshake: the TLS handshake fails (503 at the client); deny: 403 from RBAC; external: an ext_authz provider
   * answers (401 or 302 to its login for a request without credentials); undecided: the input cannot tell.
   */
  readonly verdict: 'ok' | 'handshake' | 'deny' | 'external' | 'undecided';
  readonly tls: ClientTls | undefined;
  readonly handshake: HandshakeVerdict | undefined;
  readonly authz: AuthzDecision | undefined;
  /** The principal the server sees (undefined over plain text). */
  readonly principal: string | undefined;
  /** One sentence for a hop line. */
  readonly summary: string;
  /** What kgd assumed to decide (a peer not in the input, a sidecar it could not see). */
  readonly assumed: string | undefined;
}

/**
 * Security at a workload with a sidecar (or none): the handshake, then authorization with the identity the
 * handshake carried. `dial` is what the client's Envoy connects to (host and Service port), `port` the pod's.
 */
export function sidecarHopSecurity(s: Snapshot, client: Peer, server: Peer, dial: { host: string; port: number; serviceNamespace: string | undefined }, port: number, req: HopRequest, options: { assumeSidecar?: boolean } = {}): HopSecurity {
  if (server.proxy === 'unknown') {
    // Policies are enforced only with a sidecar. kgd evaluates as if there were one; a refusal it then finds
    // stays undecided (unless the caller asked to assume the sidecar), because the input does not show it.
    const sec = sidecarHopSecurity(s, client, { ...server, proxy: 'sidecar', istioTlsMode: true }, dial, port, req);
    const assumed = `${server.name}: whether it has a sidecar is not in the input (${server.why}); evaluated as if it had one`;
    if (options.assumeSidecar || sec.verdict === 'ok' || sec.verdict === 'undecided') return { ...sec, assumed };
    const what = sec.verdict === 'deny' ? `403 (${sec.authz?.envoyDetails ?? 'RBAC'})` : sec.verdict === 'external' ? '401 or 302 from the auth provider' : '503 (TLS handshake)';
    return { ...sec, verdict: 'undecided', assumed, summary: `${sec.summary} — ${what} if a sidecar runs there` };
  }
  const tls = clientTls(s, client, dial.host, dial.port, dial.serviceNamespace, server, port);
  const hs = sidecarHandshake(s, server, port, tls);
  const principal = tls.mode === 'mtls' ? principalOf(s, client) : undefined;
  if (!hs.ok) return { verdict: 'handshake', tls, handshake: hs, authz: undefined, principal, summary: hs.reason, assumed: undefined };
  if (server.proxy === 'none') return { verdict: 'ok', tls, handshake: hs, authz: undefined, principal, summary: hs.reason, assumed: undefined };
  return { ...authorizeHop(s, client, server, principal, port, req), tls, handshake: hs };
}

/** Security at a gateway's listener: the Gateway server decides TLS (the trace's listener step); here, authorization. */
export function gatewayHopSecurity(s: Snapshot, client: Peer, gateway: Peer, port: number, req: HopRequest, sendsMtls: boolean): HopSecurity {
  return authorizeHop(s, client, gateway, sendsMtls && client.proxy !== 'none' ? principalOf(s, client) : undefined, port, req);
}

/** The AuthorizationPolicies at `server` for a request from `client`, identified only over mTLS (`principal`). */
function authorizeHop(s: Snapshot, client: Peer, server: Peer, principal: string | undefined, port: number, req: HopRequest): HopSecurity {
  const authz = authorize(s, server, { principal: principal ?? null, authority: req.authority, path: req.path, method: req.method, headers: req.headers, port, sni: principal ? undefined : null });
  const who = principal ? `as ${principal} (mTLS)` : 'without a peer identity (plain text)';
  const verdict = authz.decision === 'allow' ? 'ok' : authz.decision;
  return { verdict, tls: undefined, handshake: undefined, authz, principal, summary: `${client.name} arrives ${who}; ${authz.reason}`, assumed: undefined };
}

/** The local gateway's pods as a peer (the first workload a local Gateway selects). */
export function localGatewayPeer(s: Snapshot): Peer | undefined {
  const gws = localGateways(s);
  const w = s.list('Workload').find((x) => gws.some((g) => gatewaySelects(g, x)));
  return w ? peerOf(s, w, true) : undefined;
}

/** Knative's activator: the Deployment in the input, else the one the Serving release ships. */
export function activatorPeer(s: Snapshot): Peer {
  const ns = knativeGatewayConfig(s).systemNamespace;
  const w = activatorWorkload(s, ns);
  if (w) return peerOf(s, w);
  const sa = behaves('serving-activator-service-account', s.versions) ? 'activator' : 'controller';
  return assumedPeer(s, { name: `the activator (${ns}, not in the input)`, namespace: ns, labels: { app: 'activator', role: 'activator' }, serviceAccount: sa, annotations: {} }, 'as Knative Serving ships it');
}

/** The first workload in `namespace` labelled app=`app`, if the input has it (through an index: callers are per InferenceService). */
export function appWorkload(s: Snapshot, namespace: string, app: string): Workload | undefined {
  return s.firstBy('Workload', 'namespace/app', (w) => {
    const a = w.labels['app'];
    return a === undefined ? undefined : `${w.namespace}/${a}`;
  }, `${namespace}/${app}`);
}

/** The activator's workload in Knative's system namespace (label app=activator), if the input has it. */
export function activatorWorkload(s: Snapshot, systemNamespace: string): Workload | undefined {
  return appWorkload(s, systemNamespace, 'activator');
}

/** The InferenceService whose backend Knative Service is `ksvc` in `namespace`, if the input has it. */
export function inferenceServiceOf(s: Snapshot, namespace: string, ksvc: string): InferenceService | undefined {
  return s.firstBy('InferenceService', 'namespace/backend-ksvc', (i) => `${i.namespace}/${backendKnativeService(s, i)}`, `${namespace}/${ksvc}`);
}

/** The pods of a Knative Service's revision: from the input when there, else as KServe and Knative label them. */
export function revisionPeer(s: Snapshot, namespace: string, ksvc: string): Peer {
  const isvc = inferenceServiceOf(s, namespace, ksvc);
  const real = s.firstBy('Workload', 'namespace/knative-service', (w) => {
    const svc = w.labels['serving.knative.dev/service'];
    return svc === undefined ? undefined : `${w.namespace}/${svc}`;
  }, `${namespace}/${ksvc}`);
  if (real) return peerOf(s, real);
  const knative = { 'serving.knative.dev/service': ksvc, 'serving.knative.dev/configuration': ksvc, 'serving.knative.dev/revision': firstRevision(ksvc) };
  if (!isvc) return assumedPeer(s, { name: `the pods of Knative Service ${namespace}/${ksvc}`, namespace, labels: knative, annotations: {} }, 'created at run time');
  const component = kserveBackendComponent(isvc);
  const labels = { ...isvc.labels, 'serving.kserve.io/inferenceservice': isvc.name, component, ...knative };
  return assumedPeer(s, { name: `the ${component} pods of InferenceService ${isvc.namespace}/${isvc.name}`, namespace, labels, serviceAccount: isvc.serviceAccounts[component], annotations: isvc.annotations }, 'created at run time');
}

/** One secured hop behind the local gateway. */
export interface SecuredHop {
  readonly from: Peer;
  readonly to: Peer;
  readonly port: number;
  readonly security: HopSecurity;
}

/** The two ways Knative delivers a request behind the gateway, each as its hops. */
export interface RevisionPaths {
  /** gateway → activator → revision: while scaled to zero, or while target-burst-capacity keeps the activator in the path. */
  readonly viaActivator: readonly SecuredHop[];
  /** gateway → revision: when the revision has enough spare capacity and Knative takes the activator out. */
  readonly direct: readonly SecuredHop[];
}

/** The Knative Service KServe makes for an InferenceService's backend (predictor, or transformer when there is one). */
export function backendKnativeService(s: Snapshot, isvc: InferenceService): string {
  return componentServiceName(isvc, kserveBackendComponent(isvc), s.versions.kserve);
}

/**
 * Security on both delivery paths from `client` (the gateway that routes to the revision Service `host`) to
 * the revision's pods: through the activator, and straight to the pods.
 */
export function revisionPaths(s: Snapshot, client: Peer, pod: Peer, host: string, serviceNamespace: string, req: HopRequest, servicePort = 80, options: { assumeSidecar?: boolean } = {}): RevisionPaths {
  const podPort = revisionBackendPort(servicePort);
  const activator = activatorPeer(s);
  const dial = { host, port: servicePort, serviceNamespace };
  const toActivator = sidecarHopSecurity(s, client, activator, dial, podPort, req, options);
  const activatorToPod = sidecarHopSecurity(s, activator, pod, dial, podPort, req, options);
  const direct = sidecarHopSecurity(s, client, pod, dial, podPort, req, options);
  return {
    viaActivator: [{ from: client, to: activator, port: podPort, security: toActivator }, { from: activator, to: pod, port: podPort, security: activatorToPod }],
    direct: [{ from: client, to: pod, port: podPort, security: direct }],
  };
}

/**
 * Only the first hop behind the gateway on one delivery path (to the activator, or straight to the revision's pods):
 * the hop of `revisionPaths` that a network probe crosses (the first Knative component answers it), without
 * evaluating the others. `pod` is asked for only on the direct path.
 */
export function revisionFirstHop(s: Snapshot, client: Peer, pod: () => Peer, host: string, serviceNamespace: string, req: HopRequest, servicePort: number, via: 'activator' | 'direct'): SecuredHop {
  const podPort = revisionBackendPort(servicePort);
  const to = via === 'activator' ? activatorPeer(s) : pod();
  return { from: client, to, port: podPort, security: sidecarHopSecurity(s, client, to, { host, port: servicePort, serviceNamespace }, podPort, req) };
}

/** Both delivery paths for an InferenceService's in-cluster call, from the local gateway's pods. */
export function inferenceServicePaths(s: Snapshot, gateway: Peer, isvc: InferenceService, options: { assumeSidecar?: boolean } = {}): RevisionPaths {
  const ksvc = backendKnativeService(s, isvc);
  const host = `${firstRevision(ksvc)}.${isvc.namespace}.svc.${s.clusterDomain}`;
  // The revision Service port Knative's route uses: 80 (HTTP/1), 81 (h2c), 443 (system-internal TLS).
  const servicePort = revisionPort(revisionProtocol(isvc.containerPorts[kserveBackendComponent(isvc)]), knativeDomainConfig(s).systemInternalTls);
  return revisionPaths(s, gateway, revisionPeer(s, isvc.namespace, ksvc), host, isvc.namespace, inferenceRequest(s, isvc), servicePort, options);
}

/** The request the gateway forwards for an InferenceService's in-cluster URL (KServe's Host rewrite, a predict call). */
export function inferenceRequest(s: Snapshot, isvc: InferenceService): HopRequest {
  const ksvc = backendKnativeService(s, isvc);
  return { authority: `${ksvc}.${isvc.namespace}.svc.${s.clusterDomain}`, path: `/v1/models/${isvc.name}:predict`, method: 'POST', headers: {} };
}

export type { AuthzRequest };

/** What to change so a hop's security admits the call, naming the field the user owns. */
export function securityFix(sec: HopSecurity, from: Peer, to: Peer, port: number): string | undefined {
  if (sec.verdict === 'handshake') {
    const pa = sec.handshake?.server?.by;
    if (sec.tls?.mode === 'mtls') return sec.tls.rule
      ? `Stop DestinationRule ${sec.tls.rule.namespace}/${sec.tls.rule.name} from originating Istio mTLS to ${to.name} (spec.trafficPolicy.tls.mode), or give ${to.name} a sidecar.`
      : `Give ${to.name} a sidecar, or set its PeerAuthentication to PERMISSIVE on port ${port}.`;
    const sidecar = from.proxy === 'none' || from.proxy === 'unknown' ? `inject a sidecar into ${from.name} (namespace label istio-injection=enabled), or ` : '';
    return pa
      ? `${sidecar[0]?.toUpperCase() ?? ''}${sidecar.slice(1)}${sidecar ? 'set' : 'Set'} spec.portLevelMtls["${port}"].mode of PeerAuthentication ${pa.namespace}/${pa.name} to PERMISSIVE${sec.tls?.rule ? `, or drop tls.mode DISABLE from DestinationRule ${sec.tls.rule.namespace}/${sec.tls.rule.name}` : ''}.`
      : undefined;
  }
  if (sec.verdict === 'external' && sec.authz?.policy) {
    const p = sec.authz.policy;
    return `Keep in-cluster calls out of CUSTOM policy ${p.namespace}/${p.name}: limit its rules (e.g. to.operation.hosts of the external host, or to.operation.ports of the external listener) so they do not match ${to.name}'s in-cluster traffic, or send credentials with the call.`;
  }
  if (sec.verdict !== 'deny' || !sec.authz?.policy) return undefined;
  const p = sec.authz.policy;
  const who = sec.principal ? `principal ${sec.principal}` : 'plain-text callers';
  if (p.action === 'DENY') return `Narrow rule ${sec.authz.rule} of DENY policy ${p.namespace}/${p.name} so it does not match ${who} (${from.name}).`;
  if (!sec.principal) return `${to.name} only admits identified callers: make ${from.name} send Istio mTLS (a sidecar, or a DestinationRule with tls.mode ISTIO_MUTUAL), then admit its principal in an ALLOW policy in ${to.namespace}.`;
  // ALLOW policies add up: a policy of the user's own admits the hop without editing one a controller owns
  // (a Kubeflow profile's ns-owner-access-istio is rewritten by the profile controller).
  const scope = to.labels['app'] === 'activator' ? ' with selector app=activator' : '';
  return `Add an ALLOW AuthorizationPolicy of your own in ${to.namespace}${scope} with rules[].from[].source.principals ["${sec.principal}"] (ALLOW policies add up; ${p.namespace}/${p.name} stays as it is)${to.labels['serving.kserve.io/inferenceservice'] ? '; `kgd generate local-gateway` writes it for the InferenceService namespaces' : ''}.`;
}
