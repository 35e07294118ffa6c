import { defineRule } from '../engine/define-rule.js';
import { versionOf } from '../platform/versions.js';
import { kserveBackend } from '../platform/kserve/derive.js';
import type { Gateway } from '../model/istio.js';
import { hostsIntersect, parseServerHost, serverHostAdmits } from '../platform/istio/hosts.js';
import { isPlainHttpServer } from '../platform/istio/listeners.js';
import { resolveGatewayRef } from '../platform/istio/gateway-ref.js';
import { knativeGatewayConfig } from '../platform/knative/effective.js';
import { kserveIngressConfig } from '../platform/kserve/ingress-config.js';

export default defineRule({
  id: 'gateway-hosts-admit-routes',
  meta: {
    description: "The local Gateway's server hosts must admit the in-cluster hosts KServe and Knative route.",
    inputs: ['Gateway', 'ConfigMap', 'KnativeServing', 'InferenceService'],
    emits: ['GatewayHostsExcludeRoutes'],
  },
  check(ctx) {
    const cd = ctx.snapshot.clusterDomain;
    const kn = knativeGatewayConfig(ctx.snapshot);
    const ks = kserveIngressConfig(ctx.snapshot);
    const knGw = kn.status === 'ok' && kn.localDefault ? ctx.snapshot.get('Gateway', kn.localDefault.namespace, kn.localDefault.name) : undefined;
    const ksRef = ks.status === 'ok' && ks.localGateway ? resolveGatewayRef(ks.localGateway, '') : undefined;
    const ksGw = ksRef?.namespace ? ctx.snapshot.get('Gateway', ksRef.namespace, ksRef.name) : undefined;
    const isvcs = ctx.snapshot.list('InferenceService');
    // Each Gateway with the hosts it must admit: KServe's gets `<isvc>.<ns>.svc`, Knative's the component host.
    const wanted = new Map<Gateway, { host: string; ns: string | undefined }[]>();
    const want = (g: Gateway | undefined, host: string, ns: string | undefined) => {
      if (!g) return;
      const list = wanted.get(g) ?? [];
      list.push({ host, ns });
      wanted.set(g, list);
    };
    if (isvcs.length === 0) {
      want(ksGw, `*.svc.${cd}`, undefined);
      want(knGw, `*.svc.${cd}`, undefined);
    }
    for (const i of isvcs) {
      want(ksGw, `${i.name}.${i.namespace}.svc.${cd}`, i.namespace);
      want(knGw, `${kserveBackend(i, versionOf('kserve', ctx.snapshot.versions))}.${i.namespace}.svc.${cd}`, i.namespace);
    }
    for (const [g, hosts] of wanted) {
      const servers = g.servers.filter(isPlainHttpServer);
      if (servers.length === 0) continue;
      const serverHosts = servers.flatMap((s) => s.hosts.map((h) => parseServerHost(h, g.namespace)));
      const reported = new Set<string>();
      for (const { host, ns } of hosts) {
        const ok = serverHosts.some((sh) =>
          ns === undefined ? sh.namespace !== '~' && hostsIntersect(sh.host, host) : serverHostAdmits(sh, host, ns),
        );
        if (ok || reported.has(host)) continue;
        reported.add(host);
        const first = servers[0]!;
        ctx.report({
          id: 'GatewayHostsExcludeRoutes',
          resource: g.res,
          path: ['spec', 'servers', first.index, 'hosts'],
          data: {
            host: host.startsWith('*') ? `<name>.<namespace>.svc.${cd}` : host,
            why: `server hosts are ${servers.flatMap((s) => s.hosts).map((h) => JSON.stringify(h)).join(', ') || 'empty'}`,
            clusterDomain: cd,
          },
        });
      }
    }
  },
});
