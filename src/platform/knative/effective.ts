import type { Resource } from '../../load/resource.js';
import type { ConfigMapInfo } from '../../model/core.js';
import type { KnativeServing } from '../../model/knative.js';
import type { FieldPath } from '../../shared/path.js';
import type { Snapshot } from '../../snapshot/snapshot.js';
import { versionOf } from '../versions.js';
import { defaultEntries, parseConfigIstio, type KnativeGatewayEntry, type ParsedConfigIstio } from './config-istio.js';

export const KNATIVE_SYSTEM_NAMESPACE = 'knative-serving';
export const CONFIG_ISTIO = 'config-istio';

/** Where one config-istio key was written: the ConfigMap, or the KnativeServing CR's spec.config. */
export interface KeyOrigin {
  readonly resource: Resource;
  readonly path: FieldPath;
}

/** Knative's gateway configuration as net-istio would see it after the operator (if any) merged its keys. */
export interface KnativeGatewayConfig {
  /** 'missing': neither config-istio nor a KnativeServing is in the input (and no --assume-defaults). */
  readonly status: 'ok' | 'invalid' | 'missing';
  readonly systemNamespace: string;
  readonly data: Readonly<Record<string, string>>;
  readonly parsed: ParsedConfigIstio;
  readonly configMap: ConfigMapInfo | undefined;
  readonly knativeServing: KnativeServing | undefined;
  /** Which spec.config key of the KnativeServing is used ('config-istio' wins over 'istio'). */
  readonly operatorConfigKey: 'config-istio' | 'istio' | undefined;
  /** The default local gateway (first selector-less entry): the one every cluster-local route uses. */
  readonly localDefault: KnativeGatewayEntry | undefined;
  readonly externalDefault: KnativeGatewayEntry | undefined;
  /** Where to point a report about `key` (the KnativeServing when it sets the key, else the ConfigMap). */
  origin(key: string): KeyOrigin | undefined;
  /** Where to point a report about the whole config. */
  readonly anchor: KeyOrigin | undefined;
}

function pickConfigMap(snapshot: Snapshot): ConfigMapInfo | undefined {
  const all = snapshot.list('ConfigMap').filter((c) => c.name === CONFIG_ISTIO);
  return all.find((c) => c.namespace === KNATIVE_SYSTEM_NAMESPACE) ?? all[0];
}

export function knativeServingOf(snapshot: Snapshot): KnativeServing | undefined {
  return [...snapshot.list('KnativeServing')].sort((a, b) => `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`))[0];
}

/** The operator reads `config-istio` first and ignores `istio` when both are set (the "config-" prefix is optional). */
export function operatorIstioConfig(ks: KnativeServing): { key: 'config-istio' | 'istio'; data: Readonly<Record<string, string>> } | undefined {
  if (ks.config['config-istio']) return { key: 'config-istio', data: ks.config['config-istio'] };
  if (ks.config['istio']) return { key: 'istio', data: ks.config['istio'] };
  return undefined;
}

export function knativeGatewayConfig(snapshot: Snapshot): KnativeGatewayConfig {
  return snapshot.memo('knative-gateway-config', () => {
    const cm = pickConfigMap(snapshot);
    const ks = knativeServingOf(snapshot);
    const fromOperator = ks ? operatorIstioConfig(ks) : undefined;
    const systemNamespace = cm?.namespace ?? ks?.namespace ?? KNATIVE_SYSTEM_NAMESPACE;
    // The operator merges its keys over the ConfigMap and never deletes one (config_maps.go).
    const data: Record<string, string> = { ...(cm?.data ?? {}), ...(fromOperator?.data ?? {}) };
    const origin = (key: string): KeyOrigin | undefined => {
      if (ks && fromOperator && key in fromOperator.data) return { resource: ks.res, path: ['spec', 'config', fromOperator.key, key] };
      if (cm && key in cm.data) return { resource: cm.res, path: ['data', key] };
      if (ks && fromOperator) return { resource: ks.res, path: ['spec', 'config', fromOperator.key] };
      if (cm) return { resource: cm.res, path: ['data'] };
      if (ks) return { resource: ks.res, path: ['spec'] };
      return undefined;
    };
    const anchor = ks && fromOperator ? { resource: ks.res, path: ['spec', 'config', fromOperator.key] } : cm ? { resource: cm.res, path: ['data'] } : ks ? { resource: ks.res, path: ['spec'] } : undefined;
    const present = cm !== undefined || ks !== undefined || snapshot.assumeDefaults;
    const parsed = parseConfigIstio(data, systemNamespace, snapshot.clusterDomain, versionOf('netIstio', snapshot.versions));
    const status = !present ? 'missing' : parsed.issues.length > 0 ? 'invalid' : 'ok';
    return {
      status,
      systemNamespace,
      data,
      parsed,
      configMap: cm,
      knativeServing: ks,
      operatorConfigKey: fromOperator?.key,
      localDefault: defaultEntries(parsed.local)[0],
      externalDefault: defaultEntries(parsed.external)[0],
      origin,
      anchor,
    };
  });
}
