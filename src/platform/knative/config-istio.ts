import { parse as parseYaml } from 'yaml';
import type { FieldPath } from '../../shared/path.js';

/** One gateway entry of config-istio, as net-istio's `config.Gateway` holds it. */
export interface KnativeGatewayEntry {
  readonly namespace: string;
  readonly name: string;
  /** The gateway Service FQDN (`name.ns.svc.<cluster-domain>`). */
  readonly service: string;
  /** True when the entry has a labelSelector: it is then not a default gateway. */
  readonly hasSelector: boolean;
  /** Where the entry was written: the data key, and for the list format the index inside the value. */
  readonly key: string;
  readonly innerPath: FieldPath | undefined;
  /** True when net-istio's code default supplied this entry. */
  readonly isDefault: boolean;
}

export type ConfigIstioIssueId =
  | 'ConfigIstioMixedFormats'
  | 'ConfigIstioUnparsable'
  | 'ConfigIstioFieldMissing'
  | 'ConfigIstioInvalidService'
  | 'ConfigIstioDefaultCount'
  | 'ConfigIstioInvalidSelector';

export interface ConfigIstioIssue {
  readonly id: ConfigIstioIssueId;
  readonly data: Readonly<Record<string, string>>;
  readonly key: string;
  readonly innerPath?: FieldPath;
}

export interface ParsedConfigIstio {
  readonly format: 'list' | 'legacy' | 'defaults';
  readonly local: readonly KnativeGatewayEntry[];
  readonly external: readonly KnativeGatewayEntry[];
  /** Any issue here makes net-istio refuse the whole ConfigMap. */
  readonly issues: readonly ConfigIstioIssue[];
}

export const LOCAL_GATEWAYS_KEY = 'local-gateways';
export const EXTERNAL_GATEWAYS_KEY = 'external-gateways';
export const LEGACY_EXTERNAL_PREFIX = 'gateway.';
export const LEGACY_LOCAL_PREFIX = 'local-gateway.';
export const DEFAULT_LOCAL_GATEWAY = 'knative-local-gateway';
export const DEFAULT_EXTERNAL_GATEWAY = 'knative-ingress-gateway';

export function defaultLocalEntry(systemNamespace: string, clusterDomain: string): KnativeGatewayEntry {
  return { namespace: systemNamespace, name: DEFAULT_LOCAL_GATEWAY, service: `knative-local-gateway.istio-system.svc.${clusterDomain}`, hasSelector: false, key: LOCAL_GATEWAYS_KEY, innerPath: undefined, isDefault: true };
}

export function defaultExternalEntry(systemNamespace: string, clusterDomain: string): KnativeGatewayEntry {
  return { namespace: systemNamespace, name: DEFAULT_EXTERNAL_GATEWAY, service: `istio-ingressgateway.istio-system.svc.${clusterDomain}`, hasSelector: false, key: EXTERNAL_GATEWAYS_KEY, innerPath: undefined, isDefault: true };
}

/** DNS-1123 subdomain, as k8s.io/apimachinery validates it. */
export function isDns1123Subdomain(s: string): boolean {
  return s.length > 0 && s.length <= 253 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(s);
}

/** Finds a struct field the way Go's encoding/json does: exact key first, then case-insensitively. */
function field(obj: Record<string, unknown>, name: string): unknown {
  if (name in obj) return obj[name];
  const k = Object.keys(obj).find((x) => x.toLowerCase() === name.toLowerCase());
  return k === undefined ? undefined : obj[k];
}

const OPERATORS = new Set(['In', 'NotIn', 'Exists', 'DoesNotExist']);

/** Mirrors metav1.LabelSelectorAsSelector's checks; returns a reason, or undefined when valid. */
function labelSelectorProblem(sel: unknown): string | undefined {
  if (sel === null || typeof sel !== 'object' || Array.isArray(sel)) return 'labelSelector must be a mapping';
  const exprs = field(sel as Record<string, unknown>, 'matchExpressions');
  if (exprs === undefined || exprs === null) return undefined;
  if (!Array.isArray(exprs)) return 'matchExpressions must be a list';
  for (const e of exprs) {
    const op = e && typeof e === 'object' ? field(e as Record<string, unknown>, 'operator') : undefined;
    const values = e && typeof e === 'object' ? field(e as Record<string, unknown>, 'values') : undefined;
    const n = Array.isArray(values) ? values.length : 0;
    if (typeof op !== 'string' || !OPERATORS.has(op)) return `"${String(op)}" is not a valid label selector operator`;
    if ((op === 'In' || op === 'NotIn') && n === 0) return `for 'in', 'notin' operators, values set can't be empty`;
    if ((op === 'Exists' || op === 'DoesNotExist') && n > 0) return `values set must be empty for exists and does not exist`;
  }
  return undefined;
}

function validateEntry(e: KnativeGatewayEntry, role: 'local' | 'external', issues: ConfigIstioIssue[]): void {
  const at = (field: string) => (e.innerPath ? [...e.innerPath, field] : undefined);
  const which = `${role} gateway ${e.namespace}/${e.name}`;
  if (e.namespace === '') issues.push({ id: 'ConfigIstioFieldMissing', data: { gateway: which, field: 'namespace' }, key: e.key, innerPath: e.innerPath });
  if (e.name === '') issues.push({ id: 'ConfigIstioFieldMissing', data: { gateway: which, field: 'name' }, key: e.key, innerPath: e.innerPath });
  if (e.service === '') issues.push({ id: 'ConfigIstioFieldMissing', data: { gateway: which, field: 'service' }, key: e.key, innerPath: e.innerPath });
  else {
    const host = e.service.endsWith('.') ? e.service.slice(0, -1) : e.service;
    if (!isDns1123Subdomain(host)) issues.push({ id: 'ConfigIstioInvalidService', data: { gateway: which, service: e.service }, key: e.key, innerPath: at('service') });
  }
}

function parseList(
  data: Readonly<Record<string, string>>,
  key: string,
  role: 'local' | 'external',
  fallback: KnativeGatewayEntry,
  issues: ConfigIstioIssue[],
): KnativeGatewayEntry[] {
  const raw = data[key];
  // An empty value means "use the default"; "[]" means "no gateways of this kind".
  if (raw === undefined || raw.trim() === '') return [fallback];
  let value: unknown;
  try {
    value = parseYaml(raw, { prettyErrors: false });
  } catch (e) {
    issues.push({ id: 'ConfigIstioUnparsable', data: { key, reason: (e as Error).message.split('\n')[0]! }, key });
    return [];
  }
  if (value === null || value === undefined) return [];
  if (!Array.isArray(value)) {
    issues.push({ id: 'ConfigIstioUnparsable', data: { key, reason: `expected a list of gateways, got ${typeof value === 'object' ? 'a mapping' : 'a ' + typeof value}` }, key });
    return [];
  }
  const entries: KnativeGatewayEntry[] = [];
  value.forEach((item, i) => {
    if (item !== null && (typeof item !== 'object' || Array.isArray(item))) {
      issues.push({ id: 'ConfigIstioUnparsable', data: { key, reason: `item ${i} is not a mapping` }, key, innerPath: [i] });
      return;
    }
    const obj = (item ?? {}) as Record<string, unknown>;
    const str = (f: string): string | undefined => {
      const v = field(obj, f);
      if (v === undefined || v === null) return '';
      if (typeof v !== 'string') {
        issues.push({ id: 'ConfigIstioUnparsable', data: { key, reason: `item ${i}: ${f} must be a string, got ${JSON.stringify(v)}` }, key, innerPath: [i, f] });
        return undefined;
      }
      return v;
    };
    const namespace = str('namespace');
    const name = str('name');
    const service = str('service');
    if (namespace === undefined || name === undefined || service === undefined) return;
    const selector = field(obj, 'labelSelector');
    const hasSelector = selector !== undefined && selector !== null;
    if (hasSelector) {
      const why = labelSelectorProblem(selector);
      if (why) issues.push({ id: 'ConfigIstioInvalidSelector', data: { gateway: `${role} gateway ${namespace}/${name}`, reason: why }, key, innerPath: [i, 'labelSelector'] });
    }
    entries.push({ namespace, name, service, hasSelector, key, innerPath: [i], isDefault: false });
  });
  if (entries.length > 0) {
    const defaults = entries.filter((e) => !e.hasSelector);
    if (defaults.length !== 1) {
      issues.push({
        id: 'ConfigIstioDefaultCount',
        data: { role, count: String(defaults.length), gateways: defaults.map((e) => `${e.namespace}/${e.name}`).join(', ') || 'none' },
        key,
      });
    }
  }
  for (const e of entries) validateEntry(e, role, issues);
  return entries;
}

function parseLegacy(data: Readonly<Record<string, string>>, prefix: string, role: 'local' | 'external', systemNamespace: string, issues: ConfigIstioIssue[]): KnativeGatewayEntry[] {
  const keys = Object.keys(data).filter((k) => k.startsWith(prefix)).sort();
  const out: KnativeGatewayEntry[] = [];
  for (const key of keys) {
    const suffix = key.slice(prefix.length);
    const dot = suffix.indexOf('.');
    const [namespace, name] = dot < 0 ? [systemNamespace, suffix] : [suffix.slice(0, dot), suffix.slice(dot + 1)];
    const e: KnativeGatewayEntry = { namespace, name, service: data[key] ?? '', hasSelector: false, key, innerPath: undefined, isDefault: false };
    validateEntry(e, role, issues);
    out.push(e);
  }
  return out;
}

/**
 * Parses config-istio data exactly as net-istio does (pkg/reconciler/ingress/config/istio.go): the list
 * format (`local-gateways`, `external-gateways`) or the legacy `gateway.<ns>.<name>` /
 * `local-gateway.<ns>.<name>` keys, never both, with code defaults for whatever is left unset.
 */
export function parseConfigIstio(data: Readonly<Record<string, string>>, systemNamespace: string, clusterDomain: string): ParsedConfigIstio {
  const issues: ConfigIstioIssue[] = [];
  const keys = Object.keys(data);
  const hasList = LOCAL_GATEWAYS_KEY in data || EXTERNAL_GATEWAYS_KEY in data;
  const legacyKeys = keys.filter((k) => k.startsWith(LEGACY_EXTERNAL_PREFIX) || k.startsWith(LEGACY_LOCAL_PREFIX)).sort();
  const defLocal = defaultLocalEntry(systemNamespace, clusterDomain);
  const defExternal = defaultExternalEntry(systemNamespace, clusterDomain);
  if (hasList && legacyKeys.length > 0) {
    issues.push({ id: 'ConfigIstioMixedFormats', data: { legacyKeys: legacyKeys.join(', ') }, key: legacyKeys[0]! });
    return { format: 'list', local: [], external: [], issues };
  }
  if (hasList) {
    const external = parseList(data, EXTERNAL_GATEWAYS_KEY, 'external', defExternal, issues);
    const local = parseList(data, LOCAL_GATEWAYS_KEY, 'local', defLocal, issues);
    return { format: 'list', local, external, issues };
  }
  if (legacyKeys.length > 0) {
    const external = parseLegacy(data, LEGACY_EXTERNAL_PREFIX, 'external', systemNamespace, issues);
    const local = parseLegacy(data, LEGACY_LOCAL_PREFIX, 'local', systemNamespace, issues);
    return { format: 'legacy', local: local.length ? local : [defLocal], external: external.length ? external : [defExternal], issues };
  }
  return { format: 'defaults', local: [defLocal], external: [defExternal], issues };
}

/**
 * The default gateways (no labelSelector) in the order net-istio uses them; the first one's service
 * becomes the Route's private load balancer, i.e. the ExternalName of `<route>.<ns>.svc`.
 */
export function defaultEntries(entries: readonly KnativeGatewayEntry[]): KnativeGatewayEntry[] {
  return entries.filter((e) => !e.hasSelector);
}

/** Splits a Service FQDN `name.ns.svc.<domain>` into name and namespace. */
export function parseServiceHost(host: string, clusterDomain: string): { name: string; namespace: string; inClusterDomain: boolean } | undefined {
  const h = host.endsWith('.') ? host.slice(0, -1) : host;
  const parts = h.split('.');
  if (parts.length < 2) return undefined;
  const suffix = parts.slice(2).join('.');
  return { name: parts[0]!, namespace: parts[1]!, inClusterDomain: suffix === `svc.${clusterDomain}` };
}
