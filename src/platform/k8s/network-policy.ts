import type { NetworkPolicy, NetworkPolicyIngressRule, NetworkPolicyPeer } from '../../model/core.js';
import { matchesSelector, type Labels } from '../../model/label-selector.js';
import type { Snapshot } from '../../snapshot/snapshot.js';

/** A pod as NetworkPolicy sees it: labels, namespace, and named container ports (for named policy ports). */
export interface PodRef {
  readonly namespace: string;
  readonly labels: Labels;
  readonly containerPorts?: readonly { readonly name: string | undefined; readonly containerPort: number }[];
}

function peerMatches(snapshot: Snapshot, np: NetworkPolicy, peer: NetworkPolicyPeer, src: PodRef): boolean {
  // An ipBlock may or may not cover pod IPs; kgd cannot know, so it does not call such traffic dropped.
  if (peer.ipBlock) return true;
  const nsOk = peer.namespaceSelector ? matchesSelector(peer.namespaceSelector, snapshot.namespaceLabels(src.namespace)) : src.namespace === np.namespace;
  const podOk = peer.podSelector ? matchesSelector(peer.podSelector, src.labels) : true;
  return nsOk && podOk;
}

function portMatches(rule: NetworkPolicyIngressRule, dst: PodRef, port: number): boolean {
  if (!rule.ports || rule.ports.length === 0) return true;
  return rule.ports.some((p) => {
    if (p.protocol !== 'TCP') return false;
    if (p.port === undefined) return true;
    if (typeof p.port === 'string') return dst.containerPorts?.some((c) => c.name === p.port && c.containerPort === port) ?? false;
    return p.endPort !== undefined ? port >= p.port && port <= p.endPort : p.port === port;
  });
}

export function ruleAdmits(snapshot: Snapshot, np: NetworkPolicy, rule: NetworkPolicyIngressRule, src: PodRef, dst: PodRef, port: number): boolean {
  if (!portMatches(rule, dst, port)) return false;
  if (!rule.from || rule.from.length === 0) return true;
  return rule.from.some((peer) => peerMatches(snapshot, np, peer, src));
}

export interface IngressVerdict {
  /** Policies that isolate the destination for ingress; empty means all traffic is allowed. */
  readonly isolating: readonly NetworkPolicy[];
  readonly allowed: boolean;
}

/** Kubernetes NetworkPolicy semantics: isolated pods accept only what some isolating policy admits. */
export function ingressVerdict(snapshot: Snapshot, src: PodRef, dst: PodRef, port: number): IngressVerdict {
  const isolating = snapshot.list('NetworkPolicy').filter((np) => np.namespace === dst.namespace && np.isolatesIngress && matchesSelector(np.podSelector, dst.labels));
  if (isolating.length === 0) return { isolating, allowed: true };
  const allowed = isolating.some((np) => np.ingress.some((r) => ruleAdmits(snapshot, np, r, src, dst, port)));
  return { isolating, allowed };
}

/** A namespace that no selector names: what "any caller" looks like to a NetworkPolicy. */
export const ANY_CALLER: PodRef = { namespace: 'kgd-any-caller-namespace', labels: {} };
