/**
 * Parsing on more than one thread, when asked (`--threads N`): the parts ManifestParser cuts (runs of whole documents,
 * about a chunk each) go to a pool of worker threads (parse-worker.ts) while the main thread reads on, and the main
 * thread parses a part itself when every worker is busy. Results are added back in input order, so resources,
 * problems, positions and the onResource calls are exactly those of the single-threaded parse
 * (test/parallel-parse.test.ts). Small inputs and the single executable always parse in the main thread.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ManifestParser, parsePart, ROOT, type ParseOptions, type ParseResult, type PartTask } from './parse.js';
import type { InputProblem } from './problem.js';
import type { Resource } from './resource.js';
import type { SourceText } from './source-text.js';
import type { BareResource, WorkerReply, WorkerTask } from './parse-worker.js';

declare const KGD_BUNDLED_VERSION: string | undefined;

/**
 * Inputs smaller than this are parsed in the main thread: starting workers costs more time and memory than they save
 * (bench, 2 cores: 1,000 InferenceServices, 6.9 MB: 3.3 s with workers, 2.3 s without).
 */
export const PARALLEL_MIN_BYTES = 32 * 1024 * 1024;
/** At most this many workers (the parse is the only work they do; more only costs memory). */
const MAX_WORKERS = 8;

/**
 * The number of threads kgd parses with unless told: 1, the main thread. Measured on 2 cores (`npm run bench`,
 * alternating runs), workers did not pay: `kgd check` took 0.93–1.19 × the single-threaded time at 10,000 and 50,000
 * InferenceServices — parsing is bound by allocation and memory bandwidth, and the workers' results must be copied
 * back. `--threads N` asks for them.
 */
export const DEFAULT_THREADS = 1;

/** A worker per core beside the main thread: what the benchmark compares with the default. */
export function threadsPerCore(): number {
  return Math.min(MAX_WORKERS, availableParallelism()) + 1;
}

function workerFile(): string | undefined {
  // The single executable is one bundled script: there is no module file to start a worker from.
  if (typeof KGD_BUNDLED_VERSION === 'string') return undefined;
  const f = fileURLToPath(new URL('./parse-worker.js', import.meta.url));
  return existsSync(f) ? f : undefined;
}

/** A parse worker failed (a bug, or out of memory): an internal error, not a problem of the input. */
export class ParseWorkerError extends Error {}

/** What a part gave. */
type Parsed = { resources: readonly BareResource[]; problems: readonly InputProblem[] };
/** A worker's answer: what the part gave, or that the main thread must parse it (see WorkerReply). */
type Reply = Parsed | 'parse-here';

/** Worker threads that parse parts, each task answered by a promise. Close it when done (workers keep a process alive). */
export class ParsePool {
  private readonly workers: Worker[] = [];
  private readonly idle: Worker[] = [];
  private readonly waiting: { task: WorkerTask; resolve: (r: Reply) => void; reject: (e: Error) => void }[] = [];
  private readonly pending = new Map<number, { resolve: (r: Reply) => void; reject: (e: Error) => void; worker: Worker }>();
  private nextId = 0;
  /** Parts sent to workers by every pool of this process (tests check that workers did the parsing). */
  static partsSent = 0;

  private constructor(file: string, size: number) {
    for (let i = 0; i < size; i++) {
      // A young generation larger than V8's default for a worker: parsing allocates fast (measured: 16 → 48 MB saved ~5%).
      const w = new Worker(file, { resourceLimits: { maxYoungGenerationSizeMb: 48 } });
      w.on('message', (m: WorkerReply) => this.answer(w, m));
      w.on('error', (e) => this.fail(w, e));
      this.workers.push(w);
      this.idle.push(w);
    }
  }

  /**
   * A pool for `threads` threads in all: the main thread (which parses a part itself whenever every worker is busy)
   * and threads - 1 workers. Undefined when kgd parses in the main thread only (threads 1, or no worker file).
   */
  static create(threads: number): ParsePool | undefined {
    const file = workerFile();
    return threads > 1 && file ? new ParsePool(file, threads - 1) : undefined;
  }

  /** Whether every worker has work (a part given now would wait). */
  get busy(): boolean {
    return this.idle.length === 0;
  }

  run(task: Omit<WorkerTask, 'id'>): Promise<Reply> {
    ParsePool.partsSent++;
    return new Promise((resolve, reject) => {
      this.waiting.push({ task: { ...task, id: this.nextId++ }, resolve, reject });
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.idle.length > 0 && this.waiting.length > 0) {
      const w = this.idle.pop()!;
      const job = this.waiting.shift()!;
      this.pending.set(job.task.id, { resolve: job.resolve, reject: job.reject, worker: w });
      w.postMessage(job.task);
    }
  }

  private answer(w: Worker, m: WorkerReply): void {
    const p = this.pending.get(m.id);
    this.pending.delete(m.id);
    this.idle.push(w);
    if (p) {
      if ('error' in m) p.reject(new ParseWorkerError(`a parse worker failed: ${m.error}`));
      else if ('parseHere' in m) p.resolve('parse-here');
      else p.resolve(JSON.parse(m.json) as Reply);
    }
    this.dispatch();
  }

  private fail(w: Worker, e: Error): void {
    for (const [id, p] of this.pending) {
      if (p.worker !== w) continue;
      this.pending.delete(id);
      p.reject(new ParseWorkerError(`a parse worker stopped: ${e.message}`));
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/**
 * ManifestParser whose parts are parsed by a ParsePool. `push` may leave work in flight: `drain` waits until at
 * most `limit` parts are (the caller's back-pressure), and `finish` returns what `end` would.
 */
export class ParallelManifestParser extends ManifestParser {
  private readonly inFlight: Promise<Parsed>[] = [];

  constructor(
    private readonly src: SourceText,
    private readonly opts: ParseOptions,
    startUnits: number,
    private readonly pool: ParsePool,
    private readonly units: WorkerTask['units'],
  ) {
    super(src, opts, startUnits);
  }

  protected override takePart(part: PartTask): void {
    if (this.pool.busy) {
      // The main thread's share: parsed here, now (no copy to and from a worker), added back in its turn.
      this.inFlight.push(Promise.resolve(this.parseHere(part)));
      return;
    }
    this.inFlight.push(this.pool.run({ ...part, file: this.src.file, units: this.units, parser: this.opts.parser }).then((r) => (r === 'parse-here' ? this.parseHere(part) : r)));
  }

  private parseHere(part: PartTask): Parsed {
    const resources: Resource[] = [];
    const problems: InputProblem[] = [];
    parsePart(part, this.src, this.opts.parser, resources, problems);
    return { resources, problems };
  }

  /** Adds finished parts in order until at most `limit` are in flight. */
  async drain(limit: number): Promise<void> {
    while (this.inFlight.length > limit) {
      const r = await this.inFlight.shift()!;
      const src = this.src;
      this.addParsed(r.resources.map((x): Resource => ({ ...x, origin: x.origin ? { ...x.origin, source: src, base: x.origin.base.length === 0 ? ROOT : x.origin.base } : undefined })), r.problems);
    }
  }

  async finish(): Promise<ParseResult> {
    this.flushAll();
    await this.drain(0);
    return this.end();
  }
}
