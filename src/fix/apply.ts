import type { KubeConfig } from '@kubernetes/client-node';
import { createTwoFilesPatch } from 'diff';
import { objectPath, resourceNames } from '../load/cluster.js';
import { KubeHttpError, kubeRequest } from '../load/kube-http.js';
import { objectToYaml } from '../generate/yaml-out.js';
import type { ResourceRepair } from './plan.js';
import { mergePatchFor, type JsonPatchOp } from './patch.js';

/** kgd's field manager for server-side apply: the fields it repairs are owned by "kgd" afterwards. */
export const FIELD_MANAGER = 'kgd';

export interface ApplyOutcome {
  readonly repair: ResourceRepair;
  readonly status: 'applied' | 'would-apply' | 'conflict' | 'failed';
  readonly message: string;
  /** Unified diff of the object before and after (from the server's dry run). */
  readonly diff: string;
  readonly resourceVersion: string | undefined;
}

/** The object without what changes on every write, for a readable diff. */
function forDiff(o: unknown): Record<string, unknown> {
  const obj = structuredClone(o ?? {}) as Record<string, unknown>;
  const meta = { ...((obj['metadata'] as Record<string, unknown>) ?? {}) };
  for (const k of ['managedFields', 'resourceVersion', 'generation', 'creationTimestamp', 'uid']) delete meta[k];
  obj['metadata'] = meta;
  delete obj['status'];
  return obj;
}

/**
 * Sends each repair to the API server: fields to set by server-side apply (field manager `kgd`; a field
 * another manager owns is a conflict, reported, and only taken over with `force`), fields to delete by a
 * JSON Patch (apply cannot remove fields others own). With `dryRun` the server validates and answers with
 * the result (`dryRun=All`) and stores nothing.
 */
export async function applyRepairs(kc: KubeConfig, repairs: readonly ResourceRepair[], options: { dryRun: boolean; force: boolean }): Promise<ApplyOutcome[]> {
  const names = resourceNames(kc);
  const out: ApplyOutcome[] = [];
  for (const r of repairs) {
    const res = r.resource;
    const path = await objectPath(names, res.apiVersion, res.kind, res.namespace, res.name);
    const q = (extra: string) => `${path}?fieldManager=${FIELD_MANAGER}${options.dryRun ? '&dryRun=All' : ''}${extra}`;
    const sets = r.jsonPatch.filter((op) => op.op !== 'remove');
    const removes: JsonPatchOp[] = r.jsonPatch.filter((op) => op.op === 'remove');
    let after: unknown = res.object;
    try {
      if (sets.length > 0) {
        after = await kubeRequest(kc, 'PATCH', q(`&force=${options.force}`), mergePatchFor(res, sets), 'application/apply-patch+yaml');
      }
      if (removes.length > 0) {
        after = await kubeRequest(kc, 'PATCH', q(''), removes, 'application/json-patch+json');
      }
      const diff = createTwoFilesPatch(`live ${r.name}`, `repaired ${r.name}`, objectToYaml(forDiff(res.object)), objectToYaml(forDiff(after)), '', '', { context: 2 });
      const rv = (after as { metadata?: { resourceVersion?: string } }).metadata?.resourceVersion;
      out.push({ repair: r, status: options.dryRun ? 'would-apply' : 'applied', message: r.diagnostics.map((d) => `${d.code} ${d.repair!.summary}`).join('; '), diff, resourceVersion: rv });
    } catch (e) {
      const status = e instanceof KubeHttpError ? e.status : undefined;
      out.push({ repair: r, status: status === 409 ? 'conflict' : 'failed', message: status === 409 ? `${(e as Error).message} (another field manager owns these fields; --force-conflicts takes them over)` : (e as Error).message, diff: '', resourceVersion: undefined });
    }
  }
  return out;
}
