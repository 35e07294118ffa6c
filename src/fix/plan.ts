import { readFileSync, writeFileSync } from 'node:fs';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { FieldEdit } from '../diagnostics/repair.js';
import { displayName, type Resource } from '../load/resource.js';
import { jsonPatchFor, mergePatchFor, RepairNotPossible, type JsonPatchOp } from './patch.js';
import { applyTextEdits, documentSpan, textEditsFor, type TextEdit } from './write.js';

/** The repairs of one resource: every safe repair its findings carry, as one patch. */
export interface ResourceRepair {
  readonly resource: Resource;
  readonly name: string;
  readonly diagnostics: readonly Diagnostic[];
  readonly jsonPatch: readonly JsonPatchOp[];
  readonly mergePatch: Record<string, unknown>;
}

export interface FixPlan {
  readonly repairs: readonly ResourceRepair[];
  /** Findings with no single safe repair: their fix text is a suggestion, and kgd picks none. */
  readonly suggestions: readonly Diagnostic[];
  /** Findings whose repair kgd could not make safely, and why. */
  readonly refused: readonly { readonly diagnostic: Diagnostic; readonly reason: string }[];
}

/** Groups the safe repairs of `diagnostics` by resource and turns them into patches. */
export function planFixes(diagnostics: readonly Diagnostic[]): FixPlan {
  const byResource = new Map<Resource, { diags: Diagnostic[]; edits: FieldEdit[] }>();
  const suggestions: Diagnostic[] = [];
  const refused: { diagnostic: Diagnostic; reason: string }[] = [];
  for (const d of diagnostics) {
    if (!d.repair) {
      if (d.rule !== 'input' && d.id !== 'CheckSkipped') suggestions.push(d);
      continue;
    }
    const derived = d.repair.edits.find((e) => e.resource.derivedFrom !== undefined);
    if (derived) {
      refused.push({ diagnostic: d, reason: `${displayName(derived.resource)} is not in the input (${derived.resource.derivedFrom ?? 'derived by kgd'}); change what makes it` });
      continue;
    }
    for (const e of d.repair.edits) {
      let entry = byResource.get(e.resource);
      if (!entry) byResource.set(e.resource, (entry = { diags: [], edits: [] }));
      if (!entry.diags.includes(d)) entry.diags.push(d);
      entry.edits.push(e);
    }
  }
  const repairs: ResourceRepair[] = [];
  for (const [resource, { diags, edits }] of byResource) {
    try {
      const jsonPatch = jsonPatchFor(resource, edits);
      repairs.push({ resource, name: displayName(resource), diagnostics: diags, jsonPatch, mergePatch: mergePatchFor(resource, jsonPatch) });
    } catch (e) {
      if (!(e instanceof RepairNotPossible)) throw e;
      for (const d of diags) refused.push({ diagnostic: d, reason: e.message });
    }
  }
  repairs.sort((a, b) => a.name.localeCompare(b.name));
  return { repairs, suggestions, refused };
}

export interface WriteResult {
  readonly written: readonly string[];
  readonly refused: readonly { readonly repair: ResourceRepair; readonly reason: string }[];
}

/**
 * Edits the files in place: only the repaired fields' text changes (comments, quoting, order and
 * everything else stay byte for byte). A file is written only if every edit to it reads back as the
 * patched object; otherwise it is left untouched and the reason given.
 */
export function writeRepairs(repairs: readonly ResourceRepair[]): WriteResult {
  const byFile = new Map<string, ResourceRepair[]>();
  const refused: { repair: ResourceRepair; reason: string }[] = [];
  for (const r of repairs) {
    const file = r.resource.origin?.file;
    if (file === undefined) {
      refused.push({ repair: r, reason: 'it was read from the cluster, not a file; use --cluster --apply' });
      continue;
    }
    if (file === '<stdin>') {
      refused.push({ repair: r, reason: 'it came from standard input; use the patch instead' });
      continue;
    }
    const list = byFile.get(file) ?? [];
    list.push(r);
    byFile.set(file, list);
  }
  const written: string[] = [];
  for (const [file, list] of [...byFile].sort(([a], [b]) => a.localeCompare(b))) {
    const raw = readFileSync(file, 'utf8');
    const bom = raw.charCodeAt(0) === 0xfeff ? '\ufeff' : '';
    const text = bom ? raw.slice(1) : raw;
    const edits: TextEdit[] = [];
    let ok = true;
    for (const r of list) {
      const span = documentSpan(text, r.resource);
      try {
        if (!span) throw new RepairNotPossible('the file changed since it was read');
        edits.push(...textEditsFor(span.text, span.start, r.resource.origin!.base, r.jsonPatch, r.resource.object));
      } catch (e) {
        if (!(e instanceof RepairNotPossible)) throw e;
        refused.push({ repair: r, reason: e.message });
        ok = false;
      }
    }
    if (!ok || edits.length === 0) continue;
    let next: string;
    try {
      next = applyTextEdits(text, edits);
    } catch (e) {
      if (!(e instanceof RepairNotPossible)) throw e;
      for (const r of list) refused.push({ repair: r, reason: e.message });
      continue;
    }
    writeFileSync(file, bom + next);
    written.push(file);
  }
  return { written, refused };
}
