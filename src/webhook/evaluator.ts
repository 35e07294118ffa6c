/**
 * The webhook's decision on its cache: the request's scope (scope.ts) checked before and after the change, the
 * "before" findings kept per scope while the namespaces it holds are unchanged (many admissions against one state
 * check it once), and a
 * budget: a request whose scope is predicted to take longer than the budget is admitted with a warning that kgd
 * could not decide, instead of holding the API server up (the prediction is the scope's size times the measured
 * time per object, kept as a moving average).
 */
import type { CheckOptions } from '../check.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { checked, findingCounts, introducedBetween, replaced, requestStates, respond, type AdmissionReview } from './admission.js';
import { Partitioner } from './scope.js';
import { sameForRules } from './unchanged.js';
import type { ResourceStore } from './store.js';

export interface EvaluatorOptions {
  readonly denyOn?: 'error' | 'warning';
  readonly check?: CheckOptions;
  /** Longest predicted evaluation (ms) kgd starts; above it the request is admitted undecided. @default 2000 */
  readonly budgetMs?: number;
  /** InferenceServices in the sample a change to a shared object is checked on when the whole cluster is over budget. @default 50 */
  readonly sampleUnits?: number;
  /** Check the whole cluster for every request (no scope): the reference for tests and the benchmark. */
  readonly wholeCluster?: boolean;
}

export type Outcome = 'allowed' | 'warned' | 'denied' | 'undecided' | 'unchecked';

export interface Decision {
  readonly review: AdmissionReview;
  readonly outcome: Outcome;
  /** The scope checked (`cluster`, `namespace NS`, `InferenceService NS/NAME`), when one was. */
  readonly scope?: string;
  readonly objects?: number;
  readonly findings: readonly Diagnostic[];
  readonly ms: number;
}

const BEFORE_CACHE = 256;

export class Evaluator {
  private readonly partitioner: Partitioner;
  private readonly before = new Map<string, { stamp: string; counts: Map<string, number> }>();
  /** Measured ms per object checked (both sides), a moving average; starts pessimistic. */
  private msPerObject = 0.05;

  constructor(private readonly store: ResourceStore, private readonly options: EvaluatorOptions = {}) {
    this.partitioner = new Partitioner(store);
  }

  /** Prepares the split of the cluster (call once the cache is synced). */
  warm(): void {
    if (!this.options.wholeCluster) this.partitioner.warm();
  }

  /** The answer for one AdmissionReview; `synced: false` answers undecided (the cache is not complete yet). */
  decide(review: AdmissionReview, synced = true): Decision {
    const t0 = performance.now();
    const req = review.request;
    if (!req) throw new Error('an AdmissionReview without a request');
    const done = (r: AdmissionReview, outcome: Outcome, findings: readonly Diagnostic[] = [], scope?: string, objects?: number): Decision =>
      ({ review: r, outcome, findings, ms: performance.now() - t0, ...(scope ? { scope, objects } : {}) });
    if (!checked(req)) return done(respond(review, []), 'unchecked');
    if (!synced) return done(respond(review, [], undefined, ['kgd could not decide: its watch of the cluster has not synced yet (admitted unchecked)']), 'undecided');
    const states = requestStates(req, (key) => this.store.get(key));
    // An update that changes nothing the rules read changes no finding.
    if (states.before && states.after && sameForRules(states.before, states.after)) return done(respond(review, []), 'allowed', [], 'unchanged for the rules', 0);
    let scope = this.options.wholeCluster ? this.partitioner.whole() : this.partitioner.scopeFor(states);
    const budget = this.options.budgetMs ?? 2000;
    const cost = (n: number) => n * 2 * this.msPerObject;
    const notes: string[] = [];
    // A change to a shared object on a cluster too big to check whole within the budget: a spread sample.
    if (scope.label === 'cluster' && cost(scope.resources.length) > budget && !this.options.wholeCluster) {
      const sample = this.partitioner.sample(this.options.sampleUnits ?? 50);
      if (sample.sampled.units < sample.sampled.of) {
        scope = sample;
        notes.push(`kgd checked this change on a sample: ${sample.sampled.units} of ${sample.sampled.of} InferenceServices (the whole cluster is over the ${budget} ms budget); kgd check --cluster checks them all`);
      }
    }
    const predicted = cost(scope.resources.length);
    if (predicted > budget) {
      return done(respond(review, [], undefined, [`kgd could not decide: the change reaches ${scope.label} (${scope.resources.length} objects), predicted ${Math.round(predicted)} ms, over the ${budget} ms budget (admitted unchecked; run kgd check --cluster)`]), 'undecided', [], scope.label, scope.resources.length);
    }
    const counts = this.beforeCounts(scope.key, scope.stamp, scope.resources);
    const after = replaced(scope.resources, states.key, states.after);
    const found = introducedBetween(counts, after, this.options.check);
    const ms = performance.now() - t0;
    // Small scopes are dominated by fixed costs: only larger ones teach the per-object time.
    if (scope.resources.length >= 200) this.msPerObject = 0.8 * this.msPerObject + 0.2 * (ms / (scope.resources.length * 2));
    const answer = respond(review, found, this.options.denyOn, notes);
    const outcome: Outcome = !answer.response!.allowed ? 'denied' : found.some((d) => d.severity !== 'info') ? 'warned' : 'allowed';
    return done(answer, outcome, found, scope.label, scope.resources.length);
  }

  private beforeCounts(key: string, stamp: string, resources: Parameters<typeof findingCounts>[0]): Map<string, number> {
    const hit = this.before.get(key);
    if (hit && hit.stamp === stamp) return hit.counts;
    const counts = findingCounts(resources, this.options.check);
    this.before.delete(key);
    this.before.set(key, { stamp, counts });
    if (this.before.size > BEFORE_CACHE) this.before.delete(this.before.keys().next().value!);
    return counts;
  }
}
