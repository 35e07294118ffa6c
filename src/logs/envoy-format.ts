/**
 * Envoy access-log format strings compiled into line parsers: Istio's built-in TEXT formats and any custom
 * `--format`. Each command operator (`%NAME%`, `%NAME(arg)%`, `%NAME(arg):len%`) becomes a capture; text between
 * them must match literally. A quoted operator (`"%REQ(USER-AGENT)%"`) may hold spaces; an unquoted one may not.
 */

/**
 * Istio's default TEXT formats, newest first (the order lines are tried in).
 * - 1.9+: pilot/pkg/model/telemetry_logging.go EnvoyTextLogFormat (RESPONSE_CODE_DETAILS and
 *   CONNECTION_TERMINATION_DETAILS added; UPSTREAM_CLUSTER_RAW since 1.24, istio/istio#52384 — same text).
 * - 1.8: pilot/pkg/networking/core/v1alpha3/accesslog.go at 1.8.0 (Mixer's status dropped).
 * - 1.3–1.7: EnvoyTextLogFormat13 at 1.3.0, the same text in listener.go at 1.7.0 (Mixer's status, ROUTE_NAME).
 * - 1.2: EnvoyTextLogFormat12 at 1.3.0 (no ROUTE_NAME).
 */
export const ISTIO_TEXT_FORMATS: readonly { readonly name: string; readonly format: string }[] = [
  {
    name: 'istio-1.9',
    format: '[%START_TIME%] "%REQ(:METHOD)% %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% %PROTOCOL%" %RESPONSE_CODE% %RESPONSE_FLAGS% %RESPONSE_CODE_DETAILS% %CONNECTION_TERMINATION_DETAILS% "%UPSTREAM_TRANSPORT_FAILURE_REASON%" %BYTES_RECEIVED% %BYTES_SENT% %DURATION% %RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)% "%REQ(X-FORWARDED-FOR)%" "%REQ(USER-AGENT)%" "%REQ(X-REQUEST-ID)%" "%REQ(:AUTHORITY)%" "%UPSTREAM_HOST%" %UPSTREAM_CLUSTER_RAW% %UPSTREAM_LOCAL_ADDRESS% %DOWNSTREAM_LOCAL_ADDRESS% %DOWNSTREAM_REMOTE_ADDRESS% %REQUESTED_SERVER_NAME% %ROUTE_NAME%',
  },
  {
    name: 'istio-1.8',
    format: '[%START_TIME%] "%REQ(:METHOD)% %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% %PROTOCOL%" %RESPONSE_CODE% %RESPONSE_FLAGS% "%UPSTREAM_TRANSPORT_FAILURE_REASON%" %BYTES_RECEIVED% %BYTES_SENT% %DURATION% %RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)% "%REQ(X-FORWARDED-FOR)%" "%REQ(USER-AGENT)%" "%REQ(X-REQUEST-ID)%" "%REQ(:AUTHORITY)%" "%UPSTREAM_HOST%" %UPSTREAM_CLUSTER% %UPSTREAM_LOCAL_ADDRESS% %DOWNSTREAM_LOCAL_ADDRESS% %DOWNSTREAM_REMOTE_ADDRESS% %REQUESTED_SERVER_NAME% %ROUTE_NAME%',
  },
  {
    name: 'istio-1.3',
    format: '[%START_TIME%] "%REQ(:METHOD)% %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% %PROTOCOL%" %RESPONSE_CODE% %RESPONSE_FLAGS% "%DYNAMIC_METADATA(istio.mixer:status)%" "%UPSTREAM_TRANSPORT_FAILURE_REASON%" %BYTES_RECEIVED% %BYTES_SENT% %DURATION% %RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)% "%REQ(X-FORWARDED-FOR)%" "%REQ(USER-AGENT)%" "%REQ(X-REQUEST-ID)%" "%REQ(:AUTHORITY)%" "%UPSTREAM_HOST%" %UPSTREAM_CLUSTER% %UPSTREAM_LOCAL_ADDRESS% %DOWNSTREAM_LOCAL_ADDRESS% %DOWNSTREAM_REMOTE_ADDRESS% %REQUESTED_SERVER_NAME% %ROUTE_NAME%',
  },
  {
    name: 'istio-1.2',
    format: '[%START_TIME%] "%REQ(:METHOD)% %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% %PROTOCOL%" %RESPONSE_CODE% %RESPONSE_FLAGS% "%DYNAMIC_METADATA(istio.mixer:status)%" "%UPSTREAM_TRANSPORT_FAILURE_REASON%" %BYTES_RECEIVED% %BYTES_SENT% %DURATION% %RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)% "%REQ(X-FORWARDED-FOR)%" "%REQ(USER-AGENT)%" "%REQ(X-REQUEST-ID)%" "%REQ(:AUTHORITY)%" "%UPSTREAM_HOST%" %UPSTREAM_CLUSTER% %UPSTREAM_LOCAL_ADDRESS% %DOWNSTREAM_LOCAL_ADDRESS% %DOWNSTREAM_REMOTE_ADDRESS% %REQUESTED_SERVER_NAME%',
  },
];

/** A field name for a command operator: Istio's JSON key where it has one (telemetry_logging.go EnvoyJSONLogFormatIstio). */
export function fieldName(op: string): string {
  const m = /^([A-Z_]+)(?:\((.*)\))?$/.exec(op);
  if (!m) return op.toLowerCase();
  const [, name, arg] = m as unknown as [string, string, string | undefined];
  if (name === 'REQ' || name === 'RESP') {
    const header = (arg ?? '').split('?')[0]!.replace(/^:/, '').toLowerCase().replace(/-/g, '_');
    if (header === 'x_envoy_original_path') return 'path';
    if (name === 'RESP' && header === 'x_envoy_upstream_service_time') return 'upstream_service_time';
    return name === 'RESP' ? `response_${header}` : header;
  }
  if (name === 'UPSTREAM_CLUSTER_RAW') return 'upstream_cluster';
  if (name === 'DYNAMIC_METADATA') return `metadata_${(arg ?? '').replace(/[^a-z0-9]+/gi, '_').toLowerCase()}`;
  return name.toLowerCase();
}

export class FormatError extends Error {}

export interface CompiledFormat {
  readonly name: string;
  readonly fields: readonly string[];
  /** The capture group of each field (1-based, as in the match array). */
  readonly index: Readonly<Record<string, number>>;
  /** The raw match, without building a record (most lines are successes and need two fields only). */
  match(line: string): RegExpExecArray | null;
  record(m: RegExpExecArray): Record<string, string>;
  parse(line: string): Record<string, string> | undefined;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Compiles an Envoy format string; a `%` that opens no operator is refused with where it is. */
export function compileFormat(format: string, name = 'custom'): CompiledFormat {
  const text = format.replace(/\\n$|\n$/, '');
  const parts: ({ lit: string } | { op: string })[] = [];
  let i = 0;
  let lit = '';
  while (i < text.length) {
    if (text[i] === '%') {
      if (text[i + 1] === '%') {
        lit += '%';
        i += 2;
        continue;
      }
      const end = text.indexOf('%', i + 1);
      if (end < 0) throw new FormatError(`an unterminated command operator at character ${i + 1} of the format: "${text.slice(i, i + 30)}"`);
      const op = text.slice(i + 1, end).replace(/:\d+$/, '');
      if (!/^[A-Z_]+(\(.*\))?$/.test(op)) throw new FormatError(`"%${op}%" at character ${i + 1} is not an Envoy command operator`);
      if (lit) parts.push({ lit });
      lit = '';
      parts.push({ op });
      i = end + 1;
      continue;
    }
    lit += text[i];
    i++;
  }
  if (lit) parts.push({ lit });
  const fields: string[] = [];
  let re = '^';
  parts.forEach((p, k) => {
    if ('lit' in p) {
      re += escape(p.lit).replace(/ /g, ' +');
      return;
    }
    fields.push(fieldName(p.op));
    const before = parts[k - 1];
    const after = parts[k + 1];
    const quoted = before && 'lit' in before && before.lit.endsWith('"') && after && 'lit' in after && after.lit.startsWith('"');
    const bracketed = before && 'lit' in before && before.lit.endsWith('[') && after && 'lit' in after && after.lit.startsWith(']');
    const numeric = /^(RESPONSE_CODE|BYTES_RECEIVED|BYTES_SENT|DURATION|RESP\(X-ENVOY-UPSTREAM-SERVICE-TIME\))$/.test(p.op);
    // Numbers are digits or "-"; other unquoted values have no space and no quote (so that formats of different
    // Istio releases do not match each other's lines with shifted fields).
    // A quoted value may hold spaces and quotes, but not a quote followed by a space (the end of the value).
    re += quoted ? '((?:[^"]|"(?! |$))*)' : bracketed ? '([^\\]]*)' : numeric ? '(\\d+|-)' : '([^\\s"]*)';
  });
  re += ' *$';
  const rx = new RegExp(re);
  const index: Record<string, number> = {};
  fields.forEach((f, k) => (index[f] ??= k + 1));
  const record = (m: RegExpExecArray) => {
    const out: Record<string, string> = {};
    fields.forEach((f, k) => (out[f] = m[k + 1] ?? ''));
    return out;
  };
  return {
    name, fields, index, record,
    match: (line: string) => rx.exec(line),
    parse(line: string) {
      const m = rx.exec(line);
      return m ? record(m) : undefined;
    },
  };
}

let builtins: CompiledFormat[] | undefined;
export function istioFormats(): readonly CompiledFormat[] {
  return (builtins ??= ISTIO_TEXT_FORMATS.map((f) => compileFormat(f.format, f.name)));
}
