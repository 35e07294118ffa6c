/**
 * A parse worker (worker_threads): parses the parts of a file it is sent with parsePart, exactly as the main thread
 * would, and posts the resources and problems back as JSON. Origins go without their source (an object with methods):
 * the main thread puts its own back. See parallel-parse.ts.
 */
import { parentPort } from 'node:worker_threads';
import { parsePart, type PartTask } from './parse.js';
import type { InputProblem } from './problem.js';
import type { Origin, Resource } from './resource.js';
import type { SourceText } from './source-text.js';

export interface WorkerTask extends PartTask {
  readonly id: number;
  readonly file: string;
  /** How the source counts offsets: bytes (a file) or characters (text in memory). */
  readonly units: 'bytes' | 'chars';
  readonly parser: 'fast' | 'yaml' | undefined;
}

/** A resource as a worker sends it: its origin without the source. */
export type BareResource = Omit<Resource, 'origin'> & { readonly origin: Omit<Origin, 'source'> | undefined };

/**
 * A worker's answer: `json` holds `{ resources: BareResource[], problems: InputProblem[] }` (JSON.parse in the main
 * thread is faster than the structured clone of the same objects: measured, 10,000 InferenceServices).
 */
export type WorkerReply =
  | { readonly id: number; readonly json: string }
  /** A document of the part went through the `yaml` library, whose values JSON may not carry: the main thread parses it. */
  | { readonly id: number; readonly parseHere: true }
  | { readonly id: number; readonly error: string };

function measureOnly(file: string, units: WorkerTask['units']): SourceText {
  return {
    file,
    units: units === 'bytes' ? (t) => Buffer.byteLength(t, 'utf8') : (t) => t.length,
    slice: () => {
      throw new Error('a parse worker does not read sources back');
    },
  };
}

parentPort?.on('message', (task: WorkerTask) => {
  try {
    const resources: Resource[] = [];
    const problems: InputProblem[] = [];
    const seen = { composed: false };
    parsePart(task, measureOnly(task.file, task.units), task.parser, resources, problems, seen);
    if (seen.composed) {
      parentPort!.postMessage({ id: task.id, parseHere: true } satisfies WorkerReply);
      return;
    }
    const bare = resources.map((r): BareResource => {
      if (!r.origin) return r;
      const { file, start, end, line, column, base } = r.origin;
      return { ...r, origin: { file, start, end, line, column, base } };
    });
    parentPort!.postMessage({ id: task.id, json: JSON.stringify({ resources: bare, problems }) } satisfies WorkerReply);
  } catch (e) {
    parentPort!.postMessage({ id: task.id, error: (e as Error).stack ?? String(e) } satisfies WorkerReply);
  }
});
