/** A problem with how kgd was called or with its input as a whole: printed as one line, exit 2. */
export class UsageError extends Error {}

export const EXIT = { clean: 0, findings: 1, usage: 2, internal: 3 } as const;
