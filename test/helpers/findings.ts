/**
 * Findings other than the two that say what kgd assumed about a partial input — controller versions (KGD0012)
 * and objects a default install has (KGD0013): tests about what the rules find on a configuration leave them
 * out; test/load.test.ts, test/platform/detect-versions.test.ts and test/platform/install-defaults.test.ts test them.
 */
export function withoutAssumptions<T extends { readonly id: string }>(findings: readonly T[]): T[] {
  return findings.filter((d) => d.id !== 'VersionsAssumed' && d.id !== 'InputAssumed');
}
