import type { Workload } from '../../model/core.js';
import type { Labels } from '../../model/label-selector.js';
import { displayName } from '../../load/resource.js';
import type { Snapshot } from '../../snapshot/snapshot.js';
import { looksLikeGatewayProxy } from './listeners.js';
import { meshSecurity } from './mesh.js';

/**
 * Who is at each end of a hop, as Istio's security sees it: the namespace and ServiceAccount that make the
 * workload's SPIFFE identity, and whether an Envoy runs beside it (only then are PeerAuthentication and
 * AuthorizationPolicy enforced, and only then does it send Istio mTLS).
 */
export interface Peer {
  /** For messages: `Deployment istio-system/cluster-local-gateway`, `a pod in team-a`. */
  readonly name: string;
  readonly namespace: string;
  readonly labels: Labels;
  /** The ServiceAccount; `default` when the pod spec names none. */
  readonly serviceAccount: string;
  /** Whether an Envoy proxy runs in the pod: a sidecar, the gateway itself, none, or not decidable from the input. */
  readonly proxy: 'sidecar' | 'gateway' | 'none' | 'unknown';
  /** How `proxy` and `serviceAccount` were decided (and what was assumed). */
  readonly why: string;
  /** The pod carries `security.istio.io/tlsMode: istio` (set by the sidecar injection template, not the gateway one). */
  readonly istioTlsMode: boolean;
}

const INJECT = 'sidecar.istio.io/inject';

/** Whether the input holds this Namespace object (its labels decide sidecar injection). */
function namespaceKnown(s: Snapshot, ns: string): boolean {
  return s.memo('namespace-names', () => new Set(s.list('Namespace').map((n) => n.name))).has(ns);
}

/**
 * Sidecar injection as Istio's default webhooks decide it (manifests/charts/istio-control/istio-discovery/
 * templates/mutatingwebhook.yaml: the namespace label `istio-injection=enabled` or `istio.io/rev`, else the pod
 * label `sidecar.istio.io/inject=true` or `istio.io/rev`; `istio-injection=disabled` and the pod label or
 * annotation `sidecar.istio.io/inject=false` opt out, pkg/kube/inject/webhook.go injectRequired).
 */
export function sidecarInjected(s: Snapshot, namespace: string, labels: Labels, annotations: Labels = {}): { injected: boolean | undefined; why: string } {
  if (labels[INJECT] === 'false' || annotations[INJECT] === 'false') return { injected: false, why: `the pod sets ${INJECT}: "false"` };
  if (namespace === 'kube-system' || namespace === 'kube-public') return { injected: false, why: `Istio never injects into ${namespace}` };
  const nsLabels = s.namespaceLabels(namespace);
  const known = namespaceKnown(s, namespace);
  if (nsLabels['istio-injection'] === 'disabled') return { injected: false, why: `namespace ${namespace} has istio-injection=disabled` };
  if (nsLabels['istio-injection'] === 'enabled') return { injected: true, why: `namespace ${namespace} has istio-injection=enabled` };
  if (nsLabels['istio.io/rev']) return { injected: true, why: `namespace ${namespace} has istio.io/rev=${nsLabels['istio.io/rev']}` };
  if (labels[INJECT] === 'true') return { injected: true, why: `the pod sets ${INJECT}: "true"` };
  if (labels['istio.io/rev']) return { injected: true, why: `the pod sets istio.io/rev=${labels['istio.io/rev']}` };
  if (!known) return { injected: undefined, why: `namespace ${namespace} is not in the input, so its injection label is unknown` };
  return { injected: false, why: `namespace ${namespace} has no istio-injection or istio.io/rev label` };
}

/** A workload from the input as a peer. Gateway pods are Envoy themselves whatever their injection labels say. */
export function peerOf(s: Snapshot, w: Workload, isGateway = looksLikeGatewayProxy(w)): Peer {
  const sa = w.serviceAccount ?? 'default';
  const saWhy = w.serviceAccount ? `ServiceAccount ${sa}` : 'ServiceAccount default (the pod spec names none)';
  if (isGateway) return { name: displayName(w.res), namespace: w.namespace, labels: w.labels, serviceAccount: sa, proxy: 'gateway', why: `an Istio gateway (Envoy), ${saWhy}`, istioTlsMode: w.labels['security.istio.io/tlsMode'] === 'istio' };
  const inj = sidecarInjected(s, w.namespace, w.labels, w.annotations);
  const proxy = inj.injected === undefined ? 'unknown' : inj.injected ? 'sidecar' : 'none';
  return { name: displayName(w.res), namespace: w.namespace, labels: w.labels, serviceAccount: sa, proxy, why: `${inj.why}; ${saWhy}`, istioTlsMode: proxy === 'sidecar' && w.labels['security.istio.io/tlsMode'] !== 'disabled' };
}

/** A peer kgd did not find in the input (a caller given by flags, revision pods created at run time). */
export function assumedPeer(s: Snapshot, p: { name: string; namespace: string; labels: Labels; serviceAccount?: string; sidecar?: boolean; annotations?: Labels }, what: string): Peer {
  const sa = p.serviceAccount ?? 'default';
  const inj = p.sidecar !== undefined ? { injected: p.sidecar, why: p.sidecar ? 'has a sidecar (given)' : 'has no sidecar (given)' } : sidecarInjected(s, p.namespace, p.labels, p.annotations);
  const proxy = inj.injected === undefined ? 'unknown' : inj.injected ? 'sidecar' : 'none';
  return { name: p.name, namespace: p.namespace, labels: p.labels, serviceAccount: sa, proxy, why: `${what}: ${inj.why}; ServiceAccount ${sa}${p.serviceAccount ? '' : ' (assumed)'}`, istioTlsMode: proxy === 'sidecar' };
}

/** The peer's SPIFFE identity without `spiffe://`, as AuthorizationPolicy principals are written. */
export function principalOf(s: Snapshot, p: Peer): string {
  return `${meshSecurity(s).trustDomain}/ns/${p.namespace}/sa/${p.serviceAccount}`;
}
