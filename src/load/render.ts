/**
 * Folders that are not manifests yet: a kustomization (kustomization.yaml) or a Helm chart (Chart.yaml), named
 * on the command line, are rendered by the tool that owns the format — `kustomize build` (or `kubectl kustomize`)
 * and `helm template` — found on the PATH, and the output is read as manifests. Nothing is rendered by kgd
 * itself. When the tool is missing the user is told which one and how to render by hand (exit 2).
 *
 * Positions point into the rendered output: for kustomize, lines of `kustomize build DIR`; for Helm, each
 * document is named by the template it came from (Helm's own `# Source:` comment) and its lines count from that
 * template's first rendered line, so `chart/templates/gateway.yaml (rendered):12` is line 12 of that template's
 * output.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { InputError } from './sources.js';

export type RenderKind = 'kustomize' | 'helm';

const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

/** What a folder is, when it must be rendered before reading. */
export function renderKind(dir: string): RenderKind | undefined {
  if (KUSTOMIZATION_FILES.some((f) => existsSync(join(dir, f)))) return 'kustomize';
  if (existsSync(join(dir, 'Chart.yaml'))) return 'helm';
  return undefined;
}

/** The first executable of these names on the PATH. */
function onPath(names: readonly string[]): string | undefined {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter).filter(Boolean)) {
    for (const n of names) if (existsSync(join(dir, n))) return join(dir, n);
  }
  return undefined;
}

function run(cmd: string, args: string[], what: string): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1024 * 1024 * 1024 });
  if (r.error) throw new InputError(`${what}: ${r.error.message}`);
  if (r.status !== 0) {
    // Helm and kustomize say what went wrong on an `Error:` line (and may add hints after it).
    const lines = (r.stderr || r.stdout).trim().split('\n').filter(Boolean);
    const why = lines.find((l) => l.startsWith('Error: '))?.slice('Error: '.length) ?? lines.at(-1) ?? `exit ${r.status}`;
    throw new InputError(`${what} failed: ${why}`);
  }
  return r.stdout;
}

/** One rendered text per name a finding will show. */
export interface RenderedText {
  readonly name: string;
  readonly text: string;
}

export function renderFolder(dir: string, kind: RenderKind): RenderedText[] {
  if (kind === 'kustomize') {
    const kustomize = onPath(['kustomize']);
    const kubectl = kustomize ? undefined : onPath(['kubectl']);
    if (!kustomize && !kubectl) throw new InputError(`${dir} is a kustomization: kgd renders it with \`kustomize build\` or \`kubectl kustomize\`, and neither is on the PATH (install one, or render it yourself: kustomize build ${dir} | kgd check -)`);
    const text = kustomize ? run(kustomize, ['build', dir], `kustomize build ${dir}`) : run(kubectl!, ['kustomize', dir], `kubectl kustomize ${dir}`);
    return [{ name: `${dir} (${kustomize ? 'kustomize build' : 'kubectl kustomize'})`, text }];
  }
  const helm = onPath(['helm']);
  if (!helm) throw new InputError(`${dir} is a Helm chart: kgd renders it with \`helm template\`, and helm is not on the PATH (install it, or render it yourself: helm template ${dir} | kgd check -)`);
  return splitHelmSources(run(helm, ['template', 'kgd', dir], `helm template ${dir}`), dir);
}

/**
 * Helm writes each document as `---\n# Source: <chart>/templates/<file>\n…`: group the documents by template,
 * each named `<dir>/templates/<file> (rendered)`. Text before the first Source line (there is none normally) keeps
 * the chart's name.
 */
export function splitHelmSources(output: string, dir: string): RenderedText[] {
  const byName = new Map<string, string[]>();
  for (const doc of output.split(/^---[ \t]*$/m)) {
    if (doc.trim() === '') continue;
    const m = /^\s*# Source: [^/\n]+\/(.+)$/m.exec(doc);
    const name = m ? `${join(dir, m[1]!.trim())} (rendered)` : `${dir} (helm template)`;
    // The document starts after its Source line, so line 1 is the template's first rendered line.
    const body = m ? doc.slice(doc.indexOf('\n', m.index + 1) + 1) : doc;
    const docs = byName.get(name);
    if (docs) docs.push(body);
    else byName.set(name, [body]);
  }
  return [...byName].map(([name, docs]) => ({ name, text: docs.map((d) => d.replace(/^\n+/, '').replace(/\n*$/, '\n')).join('---\n') }));
}
