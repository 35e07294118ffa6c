/**
 * Findings about routing: leaves out the two that say what kgd assumed about a partial input — controller
 * versions (KGD0012) and objects a default install has (KGD0013) — KGD1704, which says that net-istio's prober
 * never probes a gateway (true of Knative's shipped layout and Kubeflow's: the local gateway's Service has no port
 * 8081), so that Ready says nothing about it, and KGD1703 (no Endpoints for the gateway Service, on a whole
 * cluster: the test API server runs no Endpoints controller). Tests about what the rules find on a configuration
 * leave them out; test/load.test.ts, test/platform/detect-versions.test.ts, test/platform/install-defaults.test.ts
 * and test/rules/ingress-readiness.test.ts test them.
 */
export function routingFindings<T extends { readonly id: string }>(findings: readonly T[]): T[] {
  return findings.filter((d) => d.id !== 'VersionsAssumed' && d.id !== 'InputAssumed' && d.id !== 'GatewayNotProbed' && d.id !== 'IngressReconcileFails');
}

/** Only the two assumption findings left out (the rule tester: a rule's own findings all count). */
export function withoutAssumptions<T extends { readonly id: string }>(findings: readonly T[]): T[] {
  return findings.filter((d) => d.id !== 'VersionsAssumed' && d.id !== 'InputAssumed');
}
