import type { Peer } from '../../platform/istio/identity.js';
import { securityFix, type HopSecurity } from '../../platform/security-path.js';
import type { TraceResult } from '../types.js';
import type { StageContext } from './context.js';

/**
 * Istio's security at one workload (`to`, on pod port `port`): the identity kgd assumed, the mTLS handshake and the
 * AuthorizationPolicies (src/platform/security-path.ts decides; rules share it). A finished result when it refuses
 * the call: 503 on a failed handshake, 403 from RBAC, 302/401 from a CUSTOM policy's ext_authz provider.
 */
export function securityStage(ctx: StageContext, sec: HopSecurity, from: Peer, to: Peer, port: number): TraceResult | undefined {
  const { hops, at, finish } = ctx;
  const fromName = from.name;
  const toName = to.name;
  if (sec.assumed && sec.verdict !== 'ok') hops.push({ step: 'identity', verdict: 'note', summary: sec.assumed });
  if (sec.verdict === 'handshake') {
    const pa = sec.handshake?.server?.by;
    hops.push({ step: 'mtls', verdict: 'fail', summary: `${fromName} → ${toName}: ${sec.summary}: the TLS handshake fails`, ...(pa ? at(pa.res, ['spec']) : sec.tls?.rule ? at(sec.tls.rule.res, ['spec', 'trafficPolicy']) : {}) });
    return finish('503', `${sec.summary}: the connection is reset and the client's Envoy answers 503 (upstream connect error or disconnect/reset before headers)`, securityFix(sec, from, to, port));
  }
  const a = sec.authz;
  if (sec.verdict === 'deny' && a?.policy) {
    const path = a.policy.action === 'DENY' ? ['spec', 'rules', a.rule ?? 0] : ['spec'];
    hops.push({ step: 'authorization', verdict: 'fail', summary: `${toName}: ${sec.summary}; Envoy logs 403 ${a.envoyDetails}`, ...at(a.policy.res, path) });
    return finish('403', `${toName} refuses ${fromName}: ${a.reason}: 403 RBAC: access denied (response details ${a.envoyDetails})`, securityFix(sec, from, to, port));
  }
  if (sec.verdict === 'external' && a?.policy) {
    hops.push({ step: 'authorization', verdict: 'fail', summary: `${toName}: ${a.reason}`, ...at(a.policy.res, ['spec', 'rules', a.rule ?? 0]) });
    return finish('302/401', `${toName} hands ${fromName}'s call to ext_authz provider ${a.provider?.name ?? ''} (CUSTOM policy ${a.policy.namespace}/${a.policy.name}): without credentials it answers 401 or redirects to its login (302)`, securityFix(sec, from, to, port));
  }
  if (sec.verdict === 'undecided') hops.push({ step: 'authorization', verdict: 'note', summary: `${toName}: could not decide: ${sec.assumed ? sec.summary : (a?.reason ?? sec.summary)}` });
  else if (a && a.applicable.length > 0) hops.push({ step: 'authorization', verdict: 'ok', summary: `${toName}: ${sec.summary}`, ...(a.policy ? at(a.policy.res, ['spec', 'rules', a.rule ?? 0]) : {}) });
  return undefined;
}
