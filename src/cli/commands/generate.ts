import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { isMap, isScalar, LineCounter, parseDocument } from 'yaml';
import { loadSources } from '../../load/sources.js';
import { buildSnapshot } from '../../platform/build.js';
import { DEFAULT_SPEC, generateLocalGateway, SpecError, type LocalGatewaySpec } from '../../generate/local-gateway.js';
import { bundleToHelmValues, bundleToKustomize, bundleToYaml } from '../../generate/render.js';
import { UsageError } from '../errors.js';
import { THREADS_HELP, threadsOf } from '../threads.js';

interface GenerateFlags {
  threads?: string;
  spec?: string;
  name?: string;
  namespace?: string;
  selector?: string;
  knative?: string;
  kserveNamespace?: string;
  port?: string;
  clusterDomain?: string;
  withDeployment?: boolean;
  flavour?: string;
  output: string;
  out?: string;
}

export function parseSelector(v: string, where = '--selector'): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of v.split(',').map((x) => x.trim()).filter(Boolean)) {
    const m = /^([A-Za-z0-9][-A-Za-z0-9_./]*)=([-A-Za-z0-9_.]*)$/.exec(part);
    if (!m) throw new UsageError(`${where} takes key=value[,key=value], not "${part}"`);
    out[m[1]!] = m[2]!;
  }
  return out;
}

const SPEC_KEYS: Record<string, 'string' | 'number' | 'boolean' | 'map'> = {
  name: 'string', namespace: 'string', selector: 'map', knative: 'string', kserveNamespace: 'string', port: 'number',
  clusterDomain: 'string', withDeployment: 'boolean', flavour: 'string',
};

/** A spec file: the same settings as the flags, as a YAML mapping; any mistake names its line. */
export function readSpecFile(file: string): { values: Partial<Record<keyof LocalGatewaySpec, unknown>>; where: Partial<Record<keyof LocalGatewaySpec, string>> } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read spec file ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false });
  const at = (offset: number | undefined) => `${file}:${lc.linePos(offset ?? 0).line}`;
  if (doc.errors.length) throw new UsageError(`${at(doc.errors[0]!.pos[0])}: ${doc.errors[0]!.message.split('\n')[0]}`);
  if (!isMap(doc.contents)) throw new UsageError(`${file}:1: a spec file is a mapping (name:, namespace:, selector:, …)`);
  const out: Record<string, unknown> = {};
  const lines: Record<string, string> = {};
  for (const pair of doc.contents.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    const where = at((pair.key as unknown as { range?: [number] } | null)?.range?.[0]);
    const type = SPEC_KEYS[key];
    if (!type) throw new UsageError(`${where}: unknown key "${key}" (known: ${Object.keys(SPEC_KEYS).join(', ')})`);
    let value = (pair.value as { toJSON?: () => unknown } | null)?.toJSON?.() ?? null;
    // The flag's syntax is accepted too: `selector: app=ml-gw,istio=ml-gw`.
    if (type === 'map' && typeof value === 'string') value = parseSelector(value, `${where}: ${key}`);
    const ok = type === 'map' ? value !== null && typeof value === 'object' && !Array.isArray(value) && Object.values(value).every((v) => typeof v === 'string') : typeof value === type;
    if (!ok) throw new UsageError(`${where}: ${key} must be ${type === 'map' ? 'a mapping of label to string value' : `a ${type}`}`);
    out[key] = value;
    lines[key] = where;
  }
  return { values: out as Partial<Record<keyof LocalGatewaySpec, unknown>>, where: lines };
}

/** Where a spec error came from: `--port 80: …` about a port the spec file set reads `gateway.yaml:4: port 80: …`. */
export function specErrorMessage(message: string, fromFile: Partial<Record<keyof LocalGatewaySpec, string>>, flagsGiven: ReadonlySet<string>): string {
  const m = /^--([a-z-]+)/.exec(message);
  if (!m) return message;
  const key = m[1]!.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()) as keyof LocalGatewaySpec;
  const where = fromFile[key];
  return where && !flagsGiven.has(key) ? `${where}: ${key}${message.slice(m[0].length)}` : message;
}

function oneOf<T extends string>(v: unknown, allowed: readonly T[], what: string): T {
  if (typeof v === 'string' && (allowed as readonly string[]).includes(v)) return v as T;
  throw new UsageError(`${what} must be ${allowed.join(' or ')}, not "${String(v)}"`);
}

/** Flags over the spec file over the defaults. */
export function resolveSpec(flags: GenerateFlags, specFile: ReturnType<typeof readSpecFile> | undefined): LocalGatewaySpec {
  const file = specFile?.values ?? {};
  const name = flags.name ?? file.name;
  const selector = flags.selector !== undefined ? parseSelector(flags.selector) : (file.selector as Record<string, string> | undefined);
  if (typeof name !== 'string') throw new UsageError('--name is required (the gateway name, e.g. ml-local-gateway)');
  if (!selector) throw new UsageError('--selector is required (the gateway pods\' labels, e.g. app=ml-local-gateway)');
  const port = flags.port !== undefined ? Number(flags.port) : ((file.port as number | undefined) ?? DEFAULT_SPEC.port);
  if (!Number.isInteger(port)) throw new UsageError(`--port must be a whole number, not "${flags.port}"`);
  if (flags.out !== undefined && flags.output !== 'kustomize') throw new UsageError(`--out writes the folder of -o kustomize; -o ${flags.output} goes to standard output (redirect it)`);
  return {
    name,
    namespace: (flags.namespace ?? file.namespace ?? 'istio-system') as string,
    selector,
    knative: oneOf(flags.knative ?? file.knative ?? DEFAULT_SPEC.knative, ['operator', 'manifests'] as const, '--knative'),
    kserveNamespace: (flags.kserveNamespace ?? file.kserveNamespace ?? DEFAULT_SPEC.kserveNamespace) as string,
    port,
    clusterDomain: (flags.clusterDomain ?? file.clusterDomain ?? DEFAULT_SPEC.clusterDomain) as string,
    withDeployment: (flags.withDeployment ?? file.withDeployment ?? DEFAULT_SPEC.withDeployment) as boolean,
    flavour: oneOf(flags.flavour ?? file.flavour ?? DEFAULT_SPEC.flavour, ['custom', 'kubeflow'] as const, '--flavour'),
  };
}

export function registerGenerate(program: Command, io: { stdout: NodeJS.WriteStream; stderr: NodeJS.WriteStream; setExit: (n: number) => void }): void {
  const generate = program.command('generate').description('Produce configuration that agrees everywhere it must.');
  generate
    .command('local-gateway')
    .description('Every resource KServe and Knative need to use a custom Istio local gateway: the Gateway, its Service (80 → the Gateway\'s port), optionally the gateway Deployment, Knative\'s config (config-istio or the KnativeServing CR) and KServe\'s ingress config. Given your current manifests, ConfigMaps are merged with them and NetworkPolicy allowances added where your policies would drop the traffic.')
    .argument('[paths...]', 'your current manifests (files or folders, "-" for stdin) to merge with; optional')
    .option('--spec <file>', 'read the settings from a YAML file (keys: name, namespace, selector, knative, kserveNamespace, port, clusterDomain, withDeployment, flavour); flags override it')
    .option('--name <name>', 'gateway name (Gateway, Service, Deployment)')
    .option('--namespace <ns>', 'namespace of the gateway pods and their Service (default: istio-system)')
    .option('--selector <labels>', 'labels of the gateway pods, key=value[,key=value]')
    .option('--knative <install>', 'how Knative Serving is installed: operator or manifests (default: manifests)')
    .option('--kserve-namespace <ns>', 'namespace of KServe\'s inferenceservice-config (default: kserve)')
    .option('--port <port>', 'the Gateway\'s HTTP port (default: 8081)')
    .option('--cluster-domain <domain>', 'the cluster DNS domain (default: cluster.local)')
    .option('--with-deployment', 'also generate the gateway Deployment, ServiceAccount and PodDisruptionBudget (Istio gateway injection)')
    .option('--flavour <flavour>', 'custom (a Gateway and Service of their own) or kubeflow (re-point Knative\'s knative-local-gateway, as Kubeflow does) (default: custom)')
    .option('-o, --output <format>', 'yaml (one stream), kustomize (a folder, needs --out) or helm-values (KServe chart values)', 'yaml')
    .option('--out <dir>', 'folder for -o kustomize (must not exist or be empty; nothing is overwritten)')
    .option('--threads <n>', THREADS_HELP)
    .addHelpText('after', '\nExit status: 0 generated, 2 usage error or a spec that cannot work (said, not generated), 3 internal error.\nExamples:\n  kgd generate local-gateway --name ml-local-gateway --namespace istio-system --selector app=ml-local-gateway --with-deployment\n  kgd generate local-gateway --spec gateway.yaml --knative operator my-cluster-manifests/ > local-gateway.yaml\n  kgd generate local-gateway --flavour kubeflow --name cluster-local-gateway --selector app=cluster-local-gateway,istio=cluster-local-gateway -o kustomize --out overlays/local-gateway')
    .action(async (paths: string[], flags: GenerateFlags) => {
      const threads = threadsOf(flags);
      const specFile = flags.spec ? readSpecFile(flags.spec) : undefined;
      const spec = resolveSpec(flags, specFile);
      if (!['yaml', 'kustomize', 'helm-values'].includes(flags.output)) throw new UsageError(`unknown output format "${flags.output}" (use yaml, kustomize or helm-values)`);
      if (flags.output === 'kustomize' && !flags.out) throw new UsageError('-o kustomize writes a folder: give it with --out <dir>');
      let current;
      if (paths.length > 0) {
        const loaded = await loadSources(paths, { threads });
        const p = loaded.problems.find((x) => x.id !== 'NoResources');
        if (p) {
          throw new UsageError(`cannot merge with ${p.location ? `${p.location.file}:${p.location.line}` : 'the input'}: ${p.id} ${JSON.stringify(p.data)} (run kgd check on it)`);
        }
        current = buildSnapshot(loaded.resources, { clusterDomain: spec.clusterDomain });
      }
      let bundle;
      try {
        bundle = generateLocalGateway(spec, current);
      } catch (e) {
        if (e instanceof SpecError) {
          const fromFile = specFile?.where ?? {};
          const given = new Set(Object.keys(flags).filter((k) => (flags as unknown as Record<string, unknown>)[k] !== undefined));
          throw new UsageError(specErrorMessage(e.message, fromFile, given));
        }
        throw e;
      }
      if (flags.output === 'yaml') io.stdout.write(bundleToYaml(bundle));
      else if (flags.output === 'helm-values') io.stdout.write(bundleToHelmValues(bundle));
      else {
        const dir = flags.out!;
        if (existsSync(dir) && readdirSync(dir).length > 0) throw new UsageError(`${dir} is not empty: kgd writes a new overlay and never overwrites files`);
        mkdirSync(dir, { recursive: true });
        const files = bundleToKustomize(bundle);
        for (const [name, text] of files) writeFileSync(join(dir, name), text, { flag: 'wx' });
        io.stderr.write(`wrote ${files.size} files to ${dir}\n`);
      }
      io.setExit(0);
    });
}
