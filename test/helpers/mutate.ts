import assert from 'node:assert/strict';
import { makeDerived } from '../../src/load/derived.js';
import type { Resource } from '../../src/load/resource.js';

export type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Replaces or removes one resource of a loaded input, keeping the positions of the others. */
export function mutate(resources: readonly Resource[], kind: string, ns: string | undefined, name: string, change: ((o: Obj) => void) | 'delete'): Resource[] {
  let found = false;
  const out: Resource[] = [];
  for (const r of resources) {
    if (r.kind === kind && r.name === name && (ns === undefined || r.namespace === ns)) {
      found = true;
      if (change === 'delete') continue;
      const object = structuredClone(r.object) as Obj;
      change(object);
      out.push({ ...r, object });
    } else out.push(r);
  }
  assert.ok(found, `${kind} ${ns}/${name} is not in the input`);
  return out;
}

/** A resource added by a test (no file position). */
export function added(object: Obj): Resource {
  return { ...makeDerived(object, 'added by the test'), derivedFrom: undefined };
}
