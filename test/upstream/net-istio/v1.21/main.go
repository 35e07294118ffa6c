// Test-only oracle: calls net-istio's own config parser and VirtualService builders (see ../README.md).
package main

import (
	"context"

	corev1 "k8s.io/api/core/v1"
	"knative.dev/net-istio/pkg/reconciler/ingress"
	"knative.dev/net-istio/pkg/reconciler/ingress/config"
	"knative.dev/net-istio/pkg/reconciler/ingress/resources"
	"knative.dev/networking/pkg/apis/networking/v1alpha1"
	netcfg "knative.dev/networking/pkg/config"
	"knative.dev/pkg/kmeta"
)

func gateways(in []config.Gateway) []gateway {
	out := []gateway{}
	for _, g := range in {
		out = append(out, gateway{g.Namespace, g.Name, g.ServiceURL, g.LabelSelector != nil})
	}
	return out
}

func answer(r request) any {
	switch r.Op {
	case "childName":
		return map[string]any{"name": kmeta.ChildName(r.Parent, r.Suffix)}
	case "config", "ingress":
		istio, err := config.NewIstioFromConfigMap(&corev1.ConfigMap{Data: r.Data})
		if err != nil {
			return map[string]any{"error": err.Error()}
		}
		if r.Op == "config" {
			return map[string]any{"local": gateways(istio.LocalGateways), "external": gateways(istio.IngressGateways)}
		}
		network, err := netcfg.NewConfigFromMap(nil)
		if err != nil {
			return map[string]any{"error": err.Error()}
		}
		ctx := config.ToContext(context.Background(), &config.Config{Istio: istio, Network: network})
		ing := r.Ingress.DeepCopy()
		ing.SetDefaults(ctx)
		chosen, err := resources.GatewaysFromContext(ctx, ing)
		if err != nil {
			return map[string]any{"error": err.Error()}
		}
		names, err := resources.QualifiedGatewayNamesFromContext(ctx, ing)
		if err != nil {
			return map[string]any{"error": err.Error()}
		}
		vss, err := resources.MakeVirtualServices(ing, names)
		if err != nil {
			return map[string]any{"error": err.Error()}
		}
		return map[string]any{
			"virtualServices": vss,
			"privateLB":       ingress.KgdPrivateLB(chosen[v1alpha1.IngressVisibilityClusterLocal]),
		}
	case "probeTargets":
		return probeTargets(r)
	case "probeVerdicts":
		return probeVerdicts(r)
	}
	return map[string]any{"error": "unknown op " + r.Op}
}

func main() {
	var reqs []request
	serve(&reqs, func(i int) interface{} { return answer(reqs[i]) })
}
