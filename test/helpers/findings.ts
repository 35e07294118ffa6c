/**
 * Findings other than the one that says which controller versions kgd assumed (KGD0012): tests about what the
 * rules find on a configuration leave that one out; test/load.test.ts and test/platform/detect-versions.test.ts
 * test it.
 */
export function withoutAssumptions<T extends { readonly id: string }>(findings: readonly T[]): T[] {
  return findings.filter((d) => d.id !== 'VersionsAssumed');
}
