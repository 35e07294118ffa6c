import type { Snapshot } from '../../snapshot/snapshot.js';
import { decodeStruct, decodeYamlV2 } from '../../shared/go-decode.js';
import { evaluateSimpleTemplate } from '../../shared/go-template.js';
import { knativeServingOf } from './effective.js';
import { isDns1123Label, isDns1123Subdomain } from '../../shared/k8s-names.js';
import { behaves, type Versions } from '../versions.js';

export const VISIBILITY_LABEL = 'networking.knative.dev/visibility';
export const DEFAULT_DOMAIN_TEMPLATE = '{{.Name}}.{{.Namespace}}.{{.Domain}}';

/** One config-domain entry: routes whose labels match `selector` get `domain` (no selector: the default). */
export interface DomainEntry {
  readonly domain: string;
  readonly selector: Readonly<Record<string, string>>;
}

export interface DomainConfig {
  readonly entries: readonly DomainEntry[];
  /** Serving refuses the ConfigMap (a value that does not decode). */
  readonly error: string | undefined;
  /** config-network's domain-template (Serving's default when unset). */
  readonly template: string;
  /** config-network system-internal-tls (or the deprecated internal-encryption) enabled: revisions are reached on 443. */
  readonly systemInternalTls: boolean;
}

/**
 * config-domain as Knative Serving reads it (pkg/reconciler/route/config/domain.go NewDomainFromConfigMap):
 * every key but `_example` is a domain whose value is YAML `{selector: {...}, type: ...}`; an entry without a
 * selector is a default; with no default at all, Serving's default domain is added (`defaultDomain`: since
 * Knative 1.8 `svc.<cluster-domain>`, which makes every route cluster-local). Checked against Serving's own
 * parser by test/upstream.test.ts, at three Serving releases.
 */
export function parseConfigDomain(data: Readonly<Record<string, string>>, clusterDomain: string, template = DEFAULT_DOMAIN_TEMPLATE, systemInternalTls = false, fallback = `svc.${clusterDomain}`): DomainConfig {
  const entries: DomainEntry[] = [];
  let hasDefault = false;
  for (const [k, v] of Object.entries(data)) {
    if (k === '_example') continue;
    const doc = decodeYamlV2(v);
    if (!doc.ok) return { entries: [], error: `config-domain key "${k}": ${doc.error}`, template, systemInternalTls };
    const d = decodeStruct(doc.value, { selector: 'stringMap', type: 'string' }, 'config.domainInternalConfig', { scalarsToStrings: true });
    if (d.errors[0]) return { entries: [], error: `config-domain key "${k}": ${d.errors[0].message}`, template, systemInternalTls };
    const selector = (d.fields['selector'] ?? {}) as Record<string, string>;
    if (Object.keys(selector).length === 0) hasDefault = true;
    entries.push({ domain: k, selector });
  }
  if (!hasDefault) entries.push({ domain: fallback, selector: {} });
  return { entries, error: undefined, template, systemInternalTls };
}

/**
 * config-network's system-internal-tls as knative.dev/networking reads it (pkg/config/config.go
 * NewConfigFromMap): `enabled`/`disabled` in any case; unset, the deprecated boolean internal-encryption
 * decides. Other values make Serving refuse the ConfigMap: kgd then assumes disabled.
 */
export function systemInternalTlsEnabled(network: Readonly<Record<string, string>>): boolean {
  const v = (network['system-internal-tls'] ?? '').toLowerCase();
  if (v === 'enabled') return true;
  if (v !== '') return false;
  return ['1', 't', 'T', 'true', 'TRUE', 'True'].includes(network['internal-encryption'] ?? '');
}

/** Serving's LookupDomainForLabels: cluster-local visibility wins; else the most specific matching selector, ties to the smaller key. */
export function lookupDomainForLabels(cfg: DomainConfig, labels: Readonly<Record<string, string>>, clusterDomain: string): string {
  if (labels[VISIBILITY_LABEL] === 'cluster-local') return `svc.${clusterDomain}`;
  let domain = '';
  let specificity = -1;
  for (const e of cfg.entries) {
    const n = Object.keys(e.selector).length;
    if (!Object.entries(e.selector).every(([k, v]) => labels[k] === v) || n < specificity) continue;
    if (n > specificity || e.domain < domain) {
      domain = e.domain;
      specificity = n;
    }
  }
  return domain;
}

/**
 * Serving's DomainNameFromTemplate for the templates kgd can evaluate: text with `{{.Name}}`,
 * `{{.Namespace}}`, `{{.Domain}}` and `{{index .Labels "k"}}` / `{{index .Annotations "k"}}`. A cluster-local
 * route always uses the default template. Undefined for any other template (kgd says what it assumed).
 */
export function domainNameFromTemplate(cfg: DomainConfig, name: string, namespace: string, labels: Readonly<Record<string, string>>, annotations: Readonly<Record<string, string>>, clusterDomain: string): string | undefined {
  const domain = lookupDomainForLabels(cfg, labels, clusterDomain);
  const template = labels[VISIBILITY_LABEL] === 'cluster-local' ? DEFAULT_DOMAIN_TEMPLATE : cfg.template;
  return evaluateSimpleTemplate(template, (action) => {
    if (action === '.Name') return name;
    if (action === '.Namespace') return namespace;
    if (action === '.Domain') return domain;
    const idx = /^index \.(Labels|Annotations) "([^"\\]*)"$/.exec(action);
    return idx ? ((idx[1] === 'Labels' ? labels : annotations)[idx[2]!] ?? '') : undefined;
  });
}

/** validation.IsFullyQualifiedDomainName, which Serving applies to every route domain; a reason, or undefined. */
export function fqdnProblem(name: string): string | undefined {
  if (name === '') return 'empty domain name';
  const n = name.endsWith('.') ? name.slice(0, -1) : name;
  if (!isDns1123Subdomain(n)) return `"${name}" is not a lowercase RFC 1123 subdomain`;
  const labels = n.split('.');
  if (labels.length < 2) return `"${name}" should be a domain with at least two segments separated by dots`;
  const bad = labels.find((l) => !isDns1123Label(l));
  return bad === undefined ? undefined : `"${bad}" in "${name}" is not a valid DNS label`;
}

/**
 * The domain Serving gives routes when config-domain has no default entry (pkg/reconciler/route/config/domain.go
 * DefaultDomain), by Serving release: `example.com`, then `svc.cluster.local` (1.8), then `svc.<cluster-domain>` (1.11).
 */
export function defaultDomain(versions: Versions, clusterDomain: string): string {
  if (!behaves('serving-default-domain-cluster-local', versions)) return 'example.com';
  return behaves('serving-default-domain-follows-cluster-domain', versions) ? `svc.${clusterDomain}` : 'svc.cluster.local';
}

/** config-domain and config-network of the input (the KnativeServing's spec.config overrides, merged as the operator does). */
export function knativeDomainConfig(snapshot: Snapshot): DomainConfig {
  return snapshot.memo('knative-domain-config', () => {
    const pick = (name: string) => snapshot.list('ConfigMap').find((c) => c.name === name && c.namespace === 'knative-serving') ?? snapshot.list('ConfigMap').find((c) => c.name === name);
    const ks = knativeServingOf(snapshot);
    const fromCr = (short: string) => ks?.config[`config-${short}`] ?? ks?.config[short] ?? {};
    const domainData = { ...(pick('config-domain')?.data ?? {}), ...fromCr('domain') };
    const network = { ...(pick('config-network')?.data ?? {}), ...fromCr('network') };
    const template = network['domain-template'] ?? network['domainTemplate'] ?? DEFAULT_DOMAIN_TEMPLATE;
    return parseConfigDomain(domainData, snapshot.clusterDomain, template, systemInternalTlsEnabled(network), defaultDomain(snapshot.versions, snapshot.clusterDomain));
  });
}

/** The domain a route with no labels gets (the default config-domain entry), e.g. for messages. */
export function knativeDomain(snapshot: Snapshot): string {
  return lookupDomainForLabels(knativeDomainConfig(snapshot), {}, snapshot.clusterDomain);
}
