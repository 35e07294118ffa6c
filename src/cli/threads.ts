/** `--threads N`: how many threads parse large inputs (check, trace, fix, generate and logs read files). */
import type { Command } from 'commander';
import { UsageError } from './errors.js';

export const THREADS_HELP = 'threads that parse inputs of 32 MiB or more: the main thread and N-1 workers (default 1: on 2 cores workers measured no faster, see the README)';

export function addThreadsOption(cmd: Command): Command {
  return cmd.option('--threads <n>', THREADS_HELP);
}

/** The --threads value as a whole number from 1 to 64, or undefined for the default. */
export function threadsOf(flags: { threads?: string }): number | undefined {
  if (flags.threads === undefined) return undefined;
  const n = /^\d+$/.test(flags.threads) ? Number(flags.threads) : NaN;
  if (!(n >= 1 && n <= 64)) throw new UsageError(`--threads takes a whole number from 1 to 64, not "${flags.threads}"`);
  return n;
}
