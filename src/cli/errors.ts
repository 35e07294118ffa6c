/** A problem with how kgd was called or with its input as a whole: printed as one line, exit 2. */
export class UsageError extends Error {}

export const EXIT = { clean: 0, findings: 1, usage: 2, internal: 3 } as const;

/** A flag's value as a whole number within [min, max], or a usage error naming the flag. */
export function wholeNumber(flag: string, v: string, min: number, max: number): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`${flag} takes a whole number from ${min} to ${max}, not "${v}"`);
  return n;
}
