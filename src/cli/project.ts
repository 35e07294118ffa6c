/**
 * The project file `.kgd.yaml`, found from the working directory upward (as linters find theirs): which rules run,
 * severities, ignores and the cluster domain. Flags on the command line win over it; ignores add up.
 *
 *   rules: [gateway-selects-no-workload]      # run only these
 *   severity: {KGD1111: off, KGD1304: error}
 *   ignore:
 *     - KGD1404                                 # everywhere
 *     - KGD1411=Gateway istio-system/internal   # on one resource
 *   clusterDomain: corp.internal
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import type { Severity } from '../diagnostics/catalog.js';
import { IgnoreSyntaxError, parseIgnore, type IgnoreEntry } from '../engine/suppress.js';
import { UsageError } from './errors.js';

export const PROJECT_FILE = '.kgd.yaml';

export interface ProjectConfig {
  readonly file: string;
  readonly rules: readonly string[] | undefined;
  readonly severity: Readonly<Record<string, Severity | 'off'>>;
  readonly ignore: readonly IgnoreEntry[];
  readonly clusterDomain: string | undefined;
}

/** The nearest .kgd.yaml at or above `dir`, if any. */
export function findProjectFile(dir: string): string | undefined {
  let d = resolve(dir);
  for (;;) {
    const f = join(d, PROJECT_FILE);
    if (existsSync(f)) return f;
    const up = dirname(d);
    if (up === d) return undefined;
    d = up;
  }
}

/** Reads a project file; a mistake is one line naming the file, the line and what is wrong. */
export function loadProject(file: string): ProjectConfig {
  const text = readFileSync(file, 'utf8');
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc });
  const at = (n: Node | null | undefined) => (n?.range ? `:${lc.linePos(n.range[0]).line}` : '');
  const bad = (n: Node | null | undefined, what: string): never => { throw new UsageError(`${file}${at(n)}: ${what}`); };
  if (doc.errors.length > 0) bad(undefined, `not YAML: ${doc.errors[0]!.message.split('\n')[0]}`);
  const root = doc.contents;
  if (root === null || root === undefined) return { file, rules: undefined, severity: {}, ignore: [], clusterDomain: undefined };
  if (!isMap(root)) return bad(root, 'a mapping with rules, severity, ignore or clusterDomain');
  const out: { rules?: string[]; severity: Record<string, Severity | 'off'>; ignore: IgnoreEntry[]; clusterDomain?: string } = { severity: {}, ignore: [] };
  for (const pair of root.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    const v = pair.value as Node | null;
    if (key === 'rules') {
      if (!isSeq(v)) bad(v, 'rules is a list of rule ids');
      out.rules = (v as { items: Node[] }).items.map((i) => (isScalar(i) ? String(i.value) : bad(i, 'a rule id')));
    } else if (key === 'severity') {
      if (!isMap(v)) bad(v, 'severity maps codes to error, warning, info or off');
      for (const p of (v as { items: { key: Node; value: Node }[] }).items) {
        const level = isScalar(p.value) ? String(p.value.value) : '';
        if (!['error', 'warning', 'info', 'off'].includes(level)) bad(p.value, `severity of ${isScalar(p.key) ? String(p.key.value) : '?'} is error, warning, info or off, not "${level}"`);
        out.severity[isScalar(p.key) ? String(p.key.value) : ''] = level as Severity | 'off';
      }
    } else if (key === 'ignore') {
      if (!isSeq(v)) bad(v, 'ignore is a list of CODE or CODE=Kind namespace/name');
      for (const i of (v as { items: Node[] }).items) {
        try {
          out.ignore.push(parseIgnore(isScalar(i) ? String(i.value) : '', `${file}${at(i)}`));
        } catch (e) {
          if (e instanceof IgnoreSyntaxError) throw new UsageError(e.message);
          throw e;
        }
      }
    } else if (key === 'clusterDomain') {
      if (!isScalar(v) || typeof v.value !== 'string') bad(v, 'clusterDomain is a DNS domain');
      out.clusterDomain = String((v as { value: string }).value);
    } else bad(pair.key as Node, `unknown key "${key}" (rules, severity, ignore, clusterDomain)`);
  }
  return { file, rules: out.rules, severity: out.severity, ignore: out.ignore, clusterDomain: out.clusterDomain };
}
