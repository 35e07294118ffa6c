import type { Location } from '../load/resource.js';
import type { Workload } from '../model/core.js';

/**
 * The predicted result of a request. 'unresolvable': the name does not resolve (curl: could not resolve host);
 * '302/401': an ext_authz provider answers a request without credentials (401, or 302 to its login page).
 */
export type Outcome = '200' | '301' | '302/401' | '403' | '404' | '503' | '504' | 'unresolvable' | 'unknown';

/** The outcomes that are a success: the answer, or the redirect to HTTPS. */
export function succeeded(outcome: string): boolean {
  return outcome === '200' || outcome === '301';
}

export interface Hop {
  /** What was decided at this hop: dns, service, network-policy, mtls, listener, filters, authorization, identity, virtual-host, route, destination, revision, sidecar. */
  readonly step: string;
  readonly verdict: 'ok' | 'fail' | 'note';
  readonly summary: string;
  readonly resource?: string;
  readonly path?: string;
  readonly location?: Location;
  /** Set when the resource is not in the input and kgd derived it from what a controller would create. */
  readonly derivedFrom?: string;
}

export interface TraceRequest {
  readonly url: string;
  readonly method?: string;
  /** Extra headers ("Name: value"); a Host header overrides the URL's host for routing. */
  readonly headers?: readonly string[];
  /** The calling pod: namespace, labels, whether it has an Istio sidecar, and its ServiceAccount (`default` when not given). */
  /**
   * Which delivery path behind the gateway to evaluate: `in` through the activator (scaled to zero, or kept in
   * the path by target-burst-capacity), `out` straight to the revision's pods, `both` (default): a failure on
   * either is the outcome.
   */
  readonly activator?: 'in' | 'out' | 'both';
  /**
   * Dial this pod port of this workload directly instead of resolving the URL's host (net-istio's prober dials
   * `podIP:podPort` from Endpoints and sends the URL's host as Host).
   */
  readonly direct?: { readonly workload: Workload; readonly port: number; readonly why: string };
  readonly from?: { readonly namespace: string; readonly labels: Readonly<Record<string, string>>; readonly sidecar: boolean; readonly serviceAccount?: string };
}

export interface TraceResult {
  readonly request: { readonly url: string; readonly authority: string; readonly path: string; readonly from: string };
  readonly hops: readonly Hop[];
  readonly outcome: Outcome;
  /** One line: where and why it fails, or that it succeeds. */
  readonly verdict: string;
  /** What to change, when the outcome is a failure kgd can explain. */
  readonly fix: string | undefined;
  /** Resources kgd derived (not in the input) that the trace used. */
  readonly derived: readonly string[];
  /** Controller-made VirtualServices in the input that the controllers would now bind to other gateways. */
  readonly stale: readonly string[];
}
