/**
 * Resolves a VirtualService's gateway reference to `namespace/name` the way Istio does: `ns/name`,
 * `./name` and a bare `name` (the VirtualService's namespace), and the legacy FQDN form
 * `name.ns[.svc.cluster.local]`, which Istio still accepts for backward compatibility.
 */
export function resolveGatewayRef(ref: string, vsNamespace: string): { namespace: string; name: string; legacyForm: boolean } {
  const slash = ref.indexOf('/');
  if (slash >= 0) {
    const ns = ref.slice(0, slash);
    return { namespace: ns === '.' ? vsNamespace : ns, name: ref.slice(slash + 1), legacyForm: false };
  }
  const dot = ref.indexOf('.');
  if (dot < 0) return { namespace: vsNamespace, name: ref, legacyForm: false };
  const rest = ref.slice(dot + 1);
  const next = rest.indexOf('.');
  return { namespace: next < 0 ? rest : rest.slice(0, next), name: ref.slice(0, dot), legacyForm: true };
}

export const MESH_GATEWAY = 'mesh';
