import { parse as parseYaml } from 'yaml';
import type { ConfigMapInfo } from '../../model/core.js';
import type { Snapshot } from '../../snapshot/snapshot.js';
import { destinationService } from './gateway-routing.js';

/**
 * The few mesh-config fields Istio's security reads (istio.io/api mesh/v1alpha1 MeshConfig): where they come
 * from, and what kgd assumed when the input does not hold the mesh ConfigMap (`istio` in istio-system, key
 * `mesh`, as istiod reads it; `istio-<rev>` for a revision).
 */
export interface MeshSecurity {
  /** meshConfig.rootNamespace (default istio-system): its selector-less policies apply mesh-wide. */
  readonly rootNamespace: string;
  /** meshConfig.trustDomain (default cluster.local): principals are `<trustDomain>/ns/<ns>/sa/<sa>`. */
  readonly trustDomain: string;
  readonly trustDomainAliases: readonly string[];
  /** meshConfig.enableAutoMtls (default true): sidecars send Istio mTLS to endpoints that have a sidecar. */
  readonly autoMtls: boolean;
  /** meshConfig.extensionProviders[].name: what CUSTOM AuthorizationPolicies may name. */
  readonly extensionProviders: readonly string[];
  /** The ext_authz providers among them (envoyExtAuthzHttp / envoyExtAuthzGrpc), by name. */
  readonly extAuthz: ReadonlyMap<string, ExtAuthzProvider>;
  /** The ConfigMap read; undefined: the defaults above were assumed. */
  readonly source: ConfigMapInfo | undefined;
}

/** An external authorization provider of mesh config (istio.io/api mesh/v1alpha1 MeshConfig.ExtensionProvider). */
export interface ExtAuthzProvider {
  readonly name: string;
  readonly kind: 'envoyExtAuthzHttp' | 'envoyExtAuthzGrpc';
  /** The auth service (e.g. oauth2-proxy.oauth2-proxy.svc.cluster.local) and port. */
  readonly service: string;
  readonly port: number | undefined;
}

const DEFAULTS = { rootNamespace: 'istio-system', trustDomain: 'cluster.local', trustDomainAliases: [], autoMtls: true, extensionProviders: [], extAuthz: new Map<string, ExtAuthzProvider>() };

export function meshSecurity(s: Snapshot): MeshSecurity {
  return s.memo('mesh-security', () => {
    const cm = s.list('ConfigMap').find((c) => (c.name === 'istio' || c.name.startsWith('istio-')) && typeof c.data['mesh'] === 'string' && c.data['mesh'] !== '');
    if (!cm) return { ...DEFAULTS, source: undefined };
    let mesh: Record<string, unknown> = {};
    try {
      const v = parseYaml(cm.data['mesh']!) as unknown;
      if (v && typeof v === 'object' && !Array.isArray(v)) mesh = v as Record<string, unknown>;
    } catch {
      // A mesh config istiod cannot parse keeps istiod from starting; kgd reads the defaults (KGD rules on the mesh are out of scope here).
    }
    const str = (k: string, d: string): string => (typeof mesh[k] === 'string' && mesh[k] !== '' ? (mesh[k] as string) : d);
    const providers = Array.isArray(mesh['extensionProviders']) ? mesh['extensionProviders'] : [];
    return {
      rootNamespace: str('rootNamespace', DEFAULTS.rootNamespace),
      trustDomain: str('trustDomain', DEFAULTS.trustDomain),
      trustDomainAliases: Array.isArray(mesh['trustDomainAliases']) ? mesh['trustDomainAliases'].filter((x): x is string => typeof x === 'string') : [],
      autoMtls: mesh['enableAutoMtls'] !== false,
      extensionProviders: providers.map((p) => (p && typeof p === 'object' ? (p as Record<string, unknown>)['name'] : undefined)).filter((x): x is string => typeof x === 'string'),
      extAuthz: new Map(providers.flatMap((p): [string, ExtAuthzProvider][] => {
        if (!p || typeof p !== 'object') return [];
        const o = p as Record<string, unknown>;
        const kind = 'envoyExtAuthzHttp' in o ? 'envoyExtAuthzHttp' : 'envoyExtAuthzGrpc' in o ? 'envoyExtAuthzGrpc' : undefined;
        const name = o['name'];
        if (!kind || typeof name !== 'string') return [];
        const cfg = (o[kind] ?? {}) as Record<string, unknown>;
        return [[name, { name, kind, service: String(cfg['service'] ?? ''), port: typeof cfg['port'] === 'number' ? cfg['port'] : undefined }]];
      })),
      source: cm,
    };
  });
}

/**
 * Whether istiod finds an ext_authz provider's service (model.LookupCluster): `<namespace>/<hostname>` or a
 * hostname, matched against Services' `<name>.<namespace>.svc.<cluster domain>`. When it does not, the provider
 * is in error and CUSTOM policies naming it deny what they match. 'unknown': not in the input, which is partial
 * (or could hold a ServiceEntry kgd does not read).
 */
export function providerServiceFound(s: Snapshot, p: ExtAuthzProvider): 'yes' | 'no' | 'unknown' {
  const [ns, host] = p.service.includes('/') ? (p.service.split('/', 2) as [string, string]) : [undefined, p.service];
  const svc = destinationService(s, host);
  if (svc && (ns === undefined || svc.namespace === ns)) return 'yes';
  return s.complete ? 'no' : 'unknown';
}
