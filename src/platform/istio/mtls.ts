/**
 * Mutual TLS between two peers, as Istio decides it on each side:
 *
 * - the server's mode: pilot/pkg/security/authn/policy_applier.go ComposePeerAuthentication (mesh-wide policy
 *   in the root namespace without selector, then the namespace's, then the workload's, each overriding unless
 *   UNSET; the oldest wins at each level; portLevelMtls only on a workload policy; default PERMISSIVE), with the
 *   candidates from pilot/pkg/model/authentication.go getConfigsForWorkload;
 * - what the client sends: a DestinationRule's `trafficPolicy.tls` (port-level first) for the host, else auto
 *   mTLS (meshConfig.enableAutoMtls, default true): Istio mTLS to endpoints whose pod carries
 *   `security.istio.io/tlsMode: istio` — the sidecar injection template sets it, the gateway template does not
 *   (manifests/charts/istio-control/istio-discovery/files/injection-template.yaml vs gateway-injection-template.yaml)
 *   — unless the server's PeerAuthentication disables mTLS for it (pilot/pkg/xds/endpoints).
 * A plain-text request to a STRICT port, or mTLS to a port that does not expect it, fails during the handshake:
 * the client's Envoy answers 503 (`upstream connect error or disconnect/reset before headers`).
 */
import type { DestinationRule, MtlsMode, PeerAuthentication } from '../../model/istio.js';
import type { Snapshot } from '../../snapshot/snapshot.js';
import { hostMatches } from './hosts.js';
import type { Peer } from './identity.js';
import { meshSecurity } from './mesh.js';

export interface ServerMtls {
  readonly mode: Exclude<MtlsMode, 'UNSET'>;
  /** The policy that set the mode (undefined: Istio's default, PERMISSIVE). */
  readonly by: PeerAuthentication | undefined;
}

function oldest(ps: readonly PeerAuthentication[]): PeerAuthentication | undefined {
  return [...ps].sort((a, b) => (a.created ?? Infinity) - (b.created ?? Infinity) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))[0];
}

/** The mTLS mode a workload's sidecar enforces on one container port. */
export function serverMtls(s: Snapshot, w: { namespace: string; labels: Readonly<Record<string, string>> }, port: number): ServerMtls {
  const root = meshSecurity(s).rootNamespace;
  const candidates = s.list('PeerAuthentication').filter((p) => (p.namespace === w.namespace || p.namespace === root)
    && (p.selector === undefined || Object.entries(p.selector).every(([k, v]) => w.labels[k] === v)));
  const wide = (p: PeerAuthentication) => p.selector === undefined || Object.keys(p.selector).length === 0;
  const mesh = oldest(candidates.filter((p) => wide(p) && p.namespace === root));
  const ns = oldest(candidates.filter((p) => wide(p) && p.namespace !== root));
  const wl = oldest(candidates.filter((p) => !wide(p) && p.namespace !== root));
  let out: ServerMtls = { mode: 'PERMISSIVE', by: undefined };
  for (const p of [mesh, ns, wl]) if (p?.mode && p.mode !== 'UNSET') out = { mode: p.mode, by: p };
  const portMode = wl?.portModes.get(port);
  if (wl && portMode && portMode !== 'UNSET') out = { mode: portMode, by: wl };
  return out;
}

/** The DestinationRule a client in `clientNs` uses for a host: its own namespace, the Service's, then the root's. */
export function destinationRuleFor(s: Snapshot, clientNs: string, host: string, serviceNs: string | undefined): DestinationRule | undefined {
  const root = meshSecurity(s).rootNamespace;
  const visible = (d: DestinationRule) => d.exportTo === undefined || d.exportTo.includes('*') || d.exportTo.includes(clientNs) || (d.exportTo.includes('.') && d.namespace === clientNs);
  for (const ns of [...new Set([clientNs, serviceNs, root].filter((x): x is string => x !== undefined))]) {
    const dr = s.list('DestinationRule').filter((d) => d.namespace === ns && d.host && visible(d) && hostMatches(fqdn(d.host, d.namespace, s.clusterDomain), host))
      .sort((a, b) => (a.host!.startsWith('*') ? 1 : 0) - (b.host!.startsWith('*') ? 1 : 0))[0];
    if (dr) return dr;
  }
  return undefined;
}

function fqdn(host: string, ns: string, clusterDomain: string): string {
  if (host.includes('*') || host.split('.').length > 2) return host;
  return host.includes('.') ? `${host}.svc.${clusterDomain}` : `${host}.${ns}.svc.${clusterDomain}`;
}

export interface ClientTls {
  /** mtls: Istio mTLS with the client's certificate; plain: no TLS; tls: TLS the DestinationRule originates (not Istio's identity). */
  readonly mode: 'mtls' | 'plain' | 'tls';
  readonly why: string;
  readonly rule: DestinationRule | undefined;
}

/** What a client's proxy sends to a destination pod for `host:port` (servicePort: the port the client dials). */
export function clientTls(s: Snapshot, client: Peer, host: string, servicePort: number, serviceNs: string | undefined, server: Peer, serverPort: number): ClientTls {
  if (client.proxy === 'none') return { mode: 'plain', why: `${client.name} has no Envoy, so it sends plain text`, rule: undefined };
  if (client.proxy === 'unknown') return { mode: 'plain', why: `${client.name} is assumed to send plain text (whether it has a sidecar is not in the input)`, rule: undefined };
  const dr = destinationRuleFor(s, client.namespace, host, serviceNs);
  const drMode = dr ? (dr.portTlsModes.get(servicePort) ?? dr.tlsMode) : undefined;
  if (dr && drMode) {
    const mode = drMode === 'ISTIO_MUTUAL' ? 'mtls' : drMode === 'DISABLE' ? 'plain' : 'tls';
    return { mode, why: `DestinationRule ${dr.namespace}/${dr.name} sets tls.mode ${drMode} for ${host}`, rule: dr };
  }
  if (!meshSecurity(s).autoMtls) return { mode: 'plain', why: 'meshConfig.enableAutoMtls is false and no DestinationRule sets TLS', rule: undefined };
  if (!server.istioTlsMode) {
    const what = server.proxy === 'gateway' ? 'gateway pods do not carry security.istio.io/tlsMode=istio' : server.proxy === 'sidecar' ? 'the pod does not carry security.istio.io/tlsMode=istio' : `${server.name} has no sidecar`;
    return { mode: 'plain', why: `auto mTLS sends plain text: ${what}`, rule: undefined };
  }
  if (serverMtls(s, server, serverPort).mode === 'DISABLE') return { mode: 'plain', why: 'auto mTLS sends plain text: the server\'s PeerAuthentication disables mTLS', rule: undefined };
  return { mode: 'mtls', why: `auto mTLS: ${client.name}'s Envoy sends Istio mTLS to a pod with a sidecar`, rule: undefined };
}

export interface HandshakeVerdict {
  readonly ok: boolean;
  /** The server's mode (sidecar destinations only). */
  readonly server: ServerMtls | undefined;
  readonly reason: string;
}

/** Whether a connection from a client sending `tls` to a sidecar (or proxy-less) pod on `port` is accepted. */
export function sidecarHandshake(s: Snapshot, server: Peer, port: number, tls: ClientTls): HandshakeVerdict {
  if (server.proxy === 'none') {
    return tls.mode === 'mtls'
      ? { ok: false, server: undefined, reason: `${tls.why}, but ${server.name} has no sidecar to terminate it` }
      : { ok: true, server: undefined, reason: `${server.name} has no sidecar: nothing enforces mTLS or authorization there` };
  }
  const m = serverMtls(s, server, port);
  const by = m.by ? `PeerAuthentication ${m.by.namespace}/${m.by.name}` : "Istio's default";
  if (m.mode === 'STRICT' && tls.mode !== 'mtls') return { ok: false, server: m, reason: `${by} makes port ${port} STRICT and ${tls.why}` };
  if (m.mode === 'DISABLE' && tls.mode === 'mtls') return { ok: false, server: m, reason: `${by} disables mTLS on port ${port} and ${tls.why}` };
  return { ok: true, server: m, reason: `${by}: ${m.mode} on port ${port}; ${tls.why}` };
}
