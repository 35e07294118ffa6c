/**
 * `kgd logs`: reads Envoy access logs (Istio's TEXT formats, its JSON encoding, or a custom `--format`) and the
 * JSON logs of Knative's activator, queue-proxy and net-istio controller and KServe's controller, line by line
 * (streamed: memory does not grow with the file), explains each failing line, and groups repeated ones by
 * authority, code and flags with counts and first/last time.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { compileFormat, istioFormats, type CompiledFormat } from './envoy-format.js';
import { envoyHop, explainDetails, explainFlags, explainMessage } from './explain.js';

export interface LogSource {
  /** Shown in findings: a file name, `-` for stdin, or `pod/container` for logs read from the cluster. */
  readonly name: string;
  readonly stream: () => Readable;
  /** What the source is, when known (logs fetched from a cluster): `gateway`, `activator`, `net-istio`, ... */
  readonly component?: string;
}

export interface LogGroup {
  readonly key: string;
  readonly kind: 'envoy' | 'component';
  /** Envoy: the Host; component: the component's name. */
  readonly subject: string;
  readonly code?: string;
  readonly flags?: string;
  readonly details?: string;
  readonly component?: string;
  readonly level?: string;
  readonly message?: string;
  /** Knative's `knative.dev/key` (namespace/name) on component lines. */
  readonly knativeKey?: string;
  readonly path?: string;
  readonly userAgent?: string;
  readonly hop: string;
  readonly meaning: readonly string[];
  /** False for lines kept because they explain something (net-istio skipping a Gateway) without being an error. */
  readonly failing: boolean;
  count: number;
  first: { source: string; line: number; time: string | undefined };
  last: { source: string; line: number; time: string | undefined };
  readonly sample: string;
}

export interface LogReport {
  lines: number;
  envoyLines: number;
  componentLines: number;
  otherLines: number;
  /** Failing lines that did not fit once the group limit was reached (counted, not grouped). */
  ungrouped: number;
  readonly formats: Record<string, number>;
  /** Failing Envoy lines per response code (all of them, grouped or not). */
  readonly codes: Record<string, number>;
  readonly groups: LogGroup[];
}

/** Groups kept at most; past it lines are still counted. Bounds memory whatever the input's size. */
export const MAX_GROUPS = 2000;
const SAMPLE = 400;

const ZAP_MESSAGE = ['message', 'msg'];
const ZAP_LEVEL = ['severity', 'level'];
const ZAP_TIME = ['timestamp', 'ts', 'time'];

function str(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : JSON.stringify(v);
}

function componentOf(o: Record<string, unknown>, hint: string | undefined): string {
  const logger = (str(o['logger']) ?? '').toLowerCase();
  const msg = str(o['message'] ?? o['msg']) ?? '';
  if (logger.includes('activator')) return 'activator';
  if (logger.includes('queueproxy') || logger.includes('queue-proxy')) return 'queue-proxy';
  if (logger.includes('net-istio') || logger.includes('istiocontroller') || logger.includes('ingress') || /^Probing of |^Skipping (Gateway|Server)/.test(msg)) return 'net-istio';
  if (logger.includes('kserve') || logger.includes('kfserving') || logger.includes('inferenceservice') || logger.includes('v1beta1') || str(o['InferenceService']) !== undefined) return 'kserve-controller';
  return hint ?? (logger || 'unknown');
}

function timeOf(o: Record<string, unknown>): string | undefined {
  for (const k of ZAP_TIME) {
    const v = o[k];
    if (typeof v === 'number') return new Date(v * 1000).toISOString();
    if (typeof v === 'string') return v;
  }
  return undefined;
}

/** A status of 400 or more, no status at all (0: reset before any), or any response flag. */
function isFailing(code: string, flags: string): boolean {
  const n = Number(code);
  return (Number.isFinite(n) && n >= 400) || n === 0 || (flags !== '-' && flags !== '');
}

export interface AnalyzeOptions {
  /** A custom Envoy format string (tried before Istio's). */
  readonly format?: string;
  /** Called every 100,000 lines (progress on a TTY). */
  readonly onProgress?: (lines: number) => void;
}

export class LogAnalyzer {
  readonly report: LogReport = { lines: 0, envoyLines: 0, componentLines: 0, otherLines: 0, ungrouped: 0, formats: {}, codes: {}, groups: [] };
  private readonly byKey = new Map<string, LogGroup>();
  private readonly formats: readonly CompiledFormat[];
  private last: CompiledFormat | undefined;

  constructor(private readonly options: AnalyzeOptions = {}) {
    this.formats = [...(options.format ? [compileFormat(options.format)] : []), ...istioFormats()];
  }

  /** One line of one source. */
  line(raw: string, source: string, lineNo: number, hint?: string): void {
    const r = this.report;
    r.lines++;
    if (this.options.onProgress && r.lines % 100_000 === 0) this.options.onProgress(r.lines);
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') {
      r.lines--;
      return;
    }
    // `kubectl logs --prefix` and `--timestamps` put a prefix before the line: drop it.
    const text = line.replace(/^\[pod\/[^\]]+\] /, '').replace(/^\d{4}-\d\d-\d\dT[\d:.]+Z (?=[[{])/, '');
    if (text.startsWith('{')) {
      let o: Record<string, unknown>;
      try {
        o = JSON.parse(text) as Record<string, unknown>;
      } catch {
        r.otherLines++;
        return;
      }
      if ('response_code' in o || 'response_flags' in o) return this.envoy(Object.fromEntries(Object.entries(o).map(([k, v]) => [k, str(v) ?? '-'])), 'istio-json', text, source, lineNo);
      const msgKey = ZAP_MESSAGE.find((k) => typeof o[k] === 'string');
      if (msgKey) return this.component(o, msgKey, text, source, lineNo, hint);
      r.otherLines++;
      return;
    }
    let m = this.last ? this.last.match(text) : null;
    if (!m) {
      for (const f of this.formats) {
        if ((m = f.match(text))) {
          this.last = f;
          break;
        }
      }
    }
    if (!m) {
      r.otherLines++;
      return;
    }
    const f = this.last!;
    // Most lines succeed: decide from the code and flags alone before building the whole record.
    const code = f.index['response_code'] !== undefined ? m[f.index['response_code']] ?? '' : '';
    const flags = f.index['response_flags'] !== undefined ? m[f.index['response_flags']] ?? '-' : '-';
    if (!isFailing(code, flags)) {
      r.envoyLines++;
      r.formats[f.name] = (r.formats[f.name] ?? 0) + 1;
      return;
    }
    this.envoy(f.record(m), f.name, text, source, lineNo);
  }

  private envoy(f: Record<string, string>, format: string, text: string, source: string, lineNo: number): void {
    const r = this.report;
    r.envoyLines++;
    r.formats[format] = (r.formats[format] ?? 0) + 1;
    const code = f['response_code'] ?? '';
    const flags = f['response_flags'] ?? '-';
    const details = f['response_code_details'];
    const n = Number(code);
    if (!isFailing(code, flags)) return;
    r.codes[code] = (r.codes[code] ?? 0) + 1;
    const authority = f['authority'] ?? '-';
    const key = `envoy|${authority}|${code}|${flags}|${details ?? ''}|${f['upstream_cluster'] ?? ''}`;
    const time = f['start_time'];
    this.add(key, source, lineNo, time, () => {
      const meaning = [...explainFlags(flags)];
      const d = details && details !== '-' ? explainDetails(details) : undefined;
      if (details && details !== '-') meaning.push(`${details}: ${d ?? 'an Envoy response code detail kgd does not know'}`);
      if (f['upstream_transport_failure_reason'] && f['upstream_transport_failure_reason'] !== '-') meaning.push(`upstream transport failure: ${f['upstream_transport_failure_reason']}`);
      if ((f['user_agent'] ?? '').startsWith('Knative-Ingress-Probe')) meaning.push('this is net-istio\'s readiness probe: the KIngress stays Uninitialized while it fails with 404/503 or no answer');
      if (meaning.length === 0 && n >= 400) meaning.push(`${code} from the upstream application or a filter (no Envoy flag)`);
      return { kind: 'envoy' as const, failing: true, subject: authority, code, flags, details, path: f['path'], userAgent: f['user_agent'], hop: envoyHop(f), meaning, sample: text.slice(0, SAMPLE) };
    });
  }

  private component(o: Record<string, unknown>, msgKey: string, text: string, source: string, lineNo: number, hint: string | undefined): void {
    const r = this.report;
    r.componentLines++;
    const message = str(o[msgKey]) ?? '';
    const error = str(o['error']);
    const level = (str(ZAP_LEVEL.map((k) => o[k]).find((v) => v !== undefined)) ?? '').toLowerCase();
    const ex = explainMessage(message, error);
    const bad = level === 'error' || level === 'fatal' || level === 'panic' || level === 'dpanic';
    if (!ex?.failing && !bad && !ex) return;
    const component = componentOf(o, hint);
    const knativeKey = str(o['knative.dev/key']);
    // Group by the message with its variable parts (IPs, URLs, numbers) taken out.
    const shape = message.replace(/https?:\/\/\S+/g, 'URL').replace(/\d+\.\d+\.\d+\.\d+(:\d+)?/g, 'IP').replace(/\d+/g, 'N');
    const key = `component|${component}|${level}|${shape}|${knativeKey ?? ''}`;
    this.add(key, source, lineNo, timeOf(o), () => ({
      kind: 'component' as const, failing: (ex?.failing ?? false) || bad, subject: component, component, level, message, knativeKey, hop: component,
      meaning: ex ? [ex.meaning, ...(error && error !== message ? [`error: ${error}`] : [])] : [`${level} from ${component}${error ? `: ${error}` : ''}`],
      sample: text.slice(0, SAMPLE),
    }));
  }

  private add(key: string, source: string, line: number, time: string | undefined, make: () => Omit<LogGroup, 'key' | 'count' | 'first' | 'last'>): void {
    const g = this.byKey.get(key);
    if (g) {
      g.count++;
      g.last = { source, line, time };
      return;
    }
    if (this.byKey.size >= MAX_GROUPS) {
      this.report.ungrouped++;
      return;
    }
    const made: LogGroup = { key, ...make(), count: 1, first: { source, line, time }, last: { source, line, time } };
    this.byKey.set(key, made);
    this.report.groups.push(made);
  }

  async read(source: LogSource): Promise<void> {
    const rl = createInterface({ input: source.stream(), crlfDelay: Infinity });
    let n = 0;
    for await (const l of rl) this.line(l, source.name, ++n, source.component);
  }
}

export function fileSource(path: string): LogSource {
  return path === '-' ? { name: '-', stream: () => process.stdin } : { name: path, stream: () => createReadStream(path) };
}

/** Reads every source in order; groups sorted by count (most first). */
export async function analyzeLogs(sources: readonly LogSource[], options: AnalyzeOptions = {}): Promise<LogReport> {
  const a = new LogAnalyzer(options);
  for (const s of sources) await a.read(s);
  a.report.groups.sort((x, y) => y.count - x.count || x.key.localeCompare(y.key));
  return a.report;
}
