import { decodeAs, decodeYamlV2, type StructSchema } from '../../shared/go-decode.js';
import { labelSelectorProblem } from '../../model/label-selector.js';
import { isDns1123Subdomain } from '../../shared/k8s-names.js';
import { behaves, NEWEST } from '../versions.js';
import type { FieldPath } from '../../shared/path.js';

/** One gateway entry of config-istio, as net-istio's `config.Gateway` holds it. */
export interface KnativeGatewayEntry {
  readonly namespace: string;
  readonly name: string;
  /** The gateway Service FQDN (`name.ns.svc.<cluster-domain>`). */
  readonly service: string;
  /** The labelSelector as decoded (list format only); an entry with one is not a default gateway. */
  readonly selector: EntrySelector | undefined;
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
  return { namespace: systemNamespace, name: DEFAULT_LOCAL_GATEWAY, service: `knative-local-gateway.istio-system.svc.${clusterDomain}`, selector: undefined, key: LOCAL_GATEWAYS_KEY, innerPath: undefined, isDefault: true };
}

export function defaultExternalEntry(systemNamespace: string, clusterDomain: string): KnativeGatewayEntry {
  return { namespace: systemNamespace, name: DEFAULT_EXTERNAL_GATEWAY, service: `istio-ingressgateway.istio-system.svc.${clusterDomain}`, selector: undefined, key: EXTERNAL_GATEWAYS_KEY, innerPath: undefined, isDefault: true };
}

/** net-istio's `config.Gateway` as sigs.k8s.io/yaml decodes it (Namespace and Name have no JSON tags). */
const GATEWAY_SCHEMA: StructSchema = {
  Namespace: 'string',
  Name: 'string',
  service: 'string',
  labelSelector: {
    struct: {
      matchLabels: 'stringMap',
      matchExpressions: { list: { struct: { key: 'string', operator: 'string', values: 'stringList' } } },
    },
  },
};

/** The raw labelSelector of a list entry, as decoded (undefined: none, so the entry is a default). */
export interface EntrySelector {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: readonly { readonly key?: string; readonly operator?: string; readonly values?: readonly string[] }[];
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
  if (e.selector) {
    const why = labelSelectorProblem(e.selector);
    if (why) issues.push({ id: 'ConfigIstioInvalidSelector', data: { gateway: which, reason: why }, key: e.key, innerPath: at('labelSelector') });
  }
}

/**
 * One list key of the new format (net-istio parseNewFormatGateways): the first YAML document, decoded into
 * `[]config.Gateway` by sigs.k8s.io/yaml. A value that decodes to no entries leaves the code default in place.
 */
function parseList(
  data: Readonly<Record<string, string>>,
  key: string,
  fallback: KnativeGatewayEntry,
  netIstio: string,
  issues: ConfigIstioIssue[],
): KnativeGatewayEntry[] {
  const raw = data[key];
  if (raw === undefined) return [fallback];
  if (raw.trim() === '[]' && behaves('net-istio-empty-list-means-none', { netIstio })) return [];
  const doc = decodeYamlV2(raw);
  if (!doc.ok) {
    issues.push({ id: 'ConfigIstioUnparsable', data: { key, reason: doc.error }, key });
    return [];
  }
  const decoded = decodeAs(doc.value, { list: { struct: GATEWAY_SCHEMA } }, 'the list', { scalarsToStrings: true });
  if (decoded.error) {
    issues.push({ id: 'ConfigIstioUnparsable', data: { key, reason: decoded.error }, key });
    return [];
  }
  const list = (decoded.value ?? []) as Record<string, unknown>[];
  const entries: KnativeGatewayEntry[] = list.map((g, i) => {
    const sel = g['labelSelector'] as EntrySelector | undefined;
    return {
      namespace: (g['Namespace'] as string | undefined) ?? '',
      name: (g['Name'] as string | undefined) ?? '',
      service: (g['service'] as string | undefined) ?? '',
      selector: sel,
      key,
      innerPath: [i],
      isDefault: false,
    };
  });
  // defaultValues(): a list that decodes to no entries gets the code default.
  if (entries.length === 0) return [fallback];
  return entries;
}

function checkDefaults(entries: readonly KnativeGatewayEntry[], role: 'local' | 'external', key: string, issues: ConfigIstioIssue[]): void {
  const defaults = defaultEntries(entries);
  if (defaults.length !== 1) {
    issues.push({
      id: 'ConfigIstioDefaultCount',
      data: { role, count: String(defaults.length), gateways: defaults.map((e) => `${e.namespace}/${e.name}`).join(', ') || 'none' },
      key,
    });
  }
}

function legacyKeys(data: Readonly<Record<string, string>>, prefix: string): string[] {
  // The bare prefix counts as "the old format is used" but names no gateway (parseOldFormatGateways skips it).
  return Object.keys(data).filter((k) => k.startsWith(prefix) && k !== prefix).sort();
}

function parseLegacy(data: Readonly<Record<string, string>>, prefix: string, systemNamespace: string): KnativeGatewayEntry[] {
  return legacyKeys(data, prefix).map((key) => {
    const suffix = key.slice(prefix.length);
    const dot = suffix.indexOf('.');
    const [namespace, name] = dot < 0 ? [systemNamespace, suffix] : [suffix.slice(0, dot), suffix.slice(dot + 1)];
    return { namespace, name, service: data[key] ?? '', selector: undefined, key, innerPath: undefined, isDefault: false };
  });
}

/**
 * Parses config-istio data as net-istio does (pkg/reconciler/ingress/config/istio.go, NewIstioFromConfigMap),
 * at the given net-istio version (see src/platform/versions.ts):
 * - ≥ 1.14: the list format (`local-gateways`, `external-gateways`) or the legacy `gateway.<ns>.<name>` /
 *   `local-gateway.<ns>.<name>` keys, never both; code defaults for an unset or empty list; exactly one
 *   selector-less entry per list; every entry validated (namespace, name, service, selector).
 * - older: only the legacy keys (list keys are not read); each service must be a DNS-1123 subdomain; local
 *   gateways named `mesh` are dropped before 1.5.
 * Checked against net-istio's own parser at 1.21.1 and 1.2.0 by test/upstream.test.ts.
 */
export function parseConfigIstio(data: Readonly<Record<string, string>>, systemNamespace: string, clusterDomain: string, netIstio: string = NEWEST.netIstio): ParsedConfigIstio {
  const issues: ConfigIstioIssue[] = [];
  const defLocal = defaultLocalEntry(systemNamespace, clusterDomain);
  const defExternal = defaultExternalEntry(systemNamespace, clusterDomain);
  if (!behaves('net-istio-config-list-format', { netIstio })) return parseBeforeListFormat(data, systemNamespace, defLocal, defExternal, netIstio);
  const keys = Object.keys(data);
  const hasList = LOCAL_GATEWAYS_KEY in data || EXTERNAL_GATEWAYS_KEY in data;
  const oldKeys = keys.filter((k) => k.startsWith(LEGACY_EXTERNAL_PREFIX) || k.startsWith(LEGACY_LOCAL_PREFIX)).sort();
  if (hasList && oldKeys.length > 0) {
    issues.push({ id: 'ConfigIstioMixedFormats', data: { legacyKeys: oldKeys.join(', ') }, key: oldKeys[0]! });
    return { format: 'list', local: [], external: [], issues };
  }
  if (hasList) {
    const external = parseList(data, EXTERNAL_GATEWAYS_KEY, defExternal, netIstio, issues);
    const local = parseList(data, LOCAL_GATEWAYS_KEY, defLocal, netIstio, issues);
    if (issues.length > 0) return { format: 'list', local, external, issues };
    if (external.length > 0) checkDefaults(external, 'external', EXTERNAL_GATEWAYS_KEY, issues);
    if (local.length > 0) checkDefaults(local, 'local', LOCAL_GATEWAYS_KEY, issues);
    for (const e of external) validateEntry(e, 'external', issues);
    for (const e of local) validateEntry(e, 'local', issues);
    return { format: 'list', local, external, issues };
  }
  if (oldKeys.length > 0) {
    const external = parseLegacy(data, LEGACY_EXTERNAL_PREFIX, systemNamespace);
    const local = parseLegacy(data, LEGACY_LOCAL_PREFIX, systemNamespace);
    const ext = external.length ? external : [defExternal];
    const loc = local.length ? local : [defLocal];
    for (const e of ext) validateEntry(e, 'external', issues);
    for (const e of loc) validateEntry(e, 'local', issues);
    return { format: 'legacy', local: loc, external: ext, issues };
  }
  return { format: 'defaults', local: [defLocal], external: [defExternal], issues };
}

/** net-istio before the list format: legacy keys only, each service checked, `mesh` dropped (< 1.5). */
function parseBeforeListFormat(data: Readonly<Record<string, string>>, systemNamespace: string, defLocal: KnativeGatewayEntry, defExternal: KnativeGatewayEntry, netIstio: string): ParsedConfigIstio {
  const issues: ConfigIstioIssue[] = [];
  const external = parseLegacy(data, LEGACY_EXTERNAL_PREFIX, systemNamespace);
  const local = parseLegacy(data, LEGACY_LOCAL_PREFIX, systemNamespace);
  for (const [role, list] of [['external', external], ['local', local]] as const) {
    for (const e of list) {
      const host = e.service.endsWith('.') ? e.service.slice(0, -1) : e.service;
      if (!isDns1123Subdomain(host)) issues.push({ id: 'ConfigIstioInvalidService', data: { gateway: `${role} gateway ${e.namespace}/${e.name}`, service: e.service }, key: e.key });
    }
    if (issues.length > 0) break;
  }
  const vsStatus = data['enable-virtualservice-status'];
  if (issues.length === 0 && vsStatus !== undefined && !GO_BOOLS.has(vsStatus)) {
    issues.push({ id: 'ConfigIstioUnparsable', data: { key: 'enable-virtualservice-status', reason: `"${vsStatus}" is not a boolean` }, key: 'enable-virtualservice-status' });
  }
  let loc = local.length ? local : codeDefaultLocal(defLocal, systemNamespace, netIstio);
  if (!behaves('net-istio-mesh-gateway-kept', { netIstio })) loc = loc.filter((e) => e.name !== 'mesh');
  return { format: local.length || external.length ? 'legacy' : 'defaults', local: loc, external: external.length ? external : [defExternal], issues };
}

/**
 * net-istio's code default for the local gateways (pkg/reconciler/ingress/config/istio.go defaultLocalGateways) by
 * release: `cluster-local-gateway` before 0.18, then that and `knative-local-gateway` (its Service in the system
 * namespace) in 0.18, then `knative-local-gateway` alone with its Service in istio-system.
 */
function codeDefaultLocal(defLocal: KnativeGatewayEntry, systemNamespace: string, netIstio: string): KnativeGatewayEntry[] {
  if (behaves('net-istio-knative-local-gateway-default', { netIstio })) return [defLocal];
  const domain = defLocal.service.slice(defLocal.service.indexOf('.svc.') + 5);
  const clusterLocal = { ...defLocal, name: 'cluster-local-gateway', service: `cluster-local-gateway.istio-system.svc.${domain}` };
  if (!behaves('net-istio-knative-local-gateway-added', { netIstio })) return [clusterLocal];
  return [clusterLocal, { ...defLocal, service: `knative-local-gateway.${systemNamespace}.svc.${domain}` }];
}

/** strconv.ParseBool's accepted spellings. */
const GO_BOOLS = new Set(['1', 't', 'T', 'TRUE', 'true', 'True', '0', 'f', 'F', 'FALSE', 'false', 'False']);

/**
 * The default gateways (no labelSelector) in the order net-istio uses them; the first one's service
 * becomes the Route's private load balancer, i.e. the ExternalName of `<route>.<ns>.svc`.
 */
export function defaultEntries(entries: readonly KnativeGatewayEntry[]): KnativeGatewayEntry[] {
  return entries.filter((e) => e.selector === undefined);
}

/** Splits a Service FQDN `name.ns.svc.<domain>` into name and namespace. */
export function parseServiceHost(host: string, clusterDomain: string): { name: string; namespace: string; inClusterDomain: boolean } | undefined {
  const h = host.endsWith('.') ? host.slice(0, -1) : host;
  const parts = h.split('.');
  if (parts.length < 2) return undefined;
  const suffix = parts.slice(2).join('.');
  return { name: parts[0]!, namespace: parts[1]!, inClusterDomain: suffix === `svc.${clusterDomain}` };
}
