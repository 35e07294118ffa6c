// Test-only oracle for net-istio knative-v1.2.0 (legacy config-istio keys only; see ../README.md).
package main

import (
	"context"

	corev1 "k8s.io/api/core/v1"
	"knative.dev/net-istio/pkg/reconciler/ingress"
	"knative.dev/net-istio/pkg/reconciler/ingress/config"
	"knative.dev/net-istio/pkg/reconciler/ingress/resources"
	network "knative.dev/networking/pkg"
	"knative.dev/pkg/kmeta"
)

func gateways(in []config.Gateway) []gateway {
	out := []gateway{}
	for _, g := range in {
		out = append(out, gateway{g.Namespace, g.Name, g.ServiceURL, false})
	}
	return out
}

func answer(r request) interface{} {
	switch r.Op {
	case "childName":
		return map[string]interface{}{"name": kmeta.ChildName(r.Parent, r.Suffix)}
	case "config", "ingress":
		istio, err := config.NewIstioFromConfigMap(&corev1.ConfigMap{Data: r.Data})
		if err != nil {
			return map[string]interface{}{"error": err.Error()}
		}
		if r.Op == "config" {
			return map[string]interface{}{"local": gateways(istio.LocalGateways), "external": gateways(istio.IngressGateways)}
		}
		netConfig, err := network.NewConfigFromMap(nil)
		if err != nil {
			return map[string]interface{}{"error": err.Error()}
		}
		ctx := config.ToContext(context.Background(), &config.Config{Istio: istio, Network: netConfig})
		ing := r.Ingress.DeepCopy()
		ing.SetDefaults(ctx)
		vss, err := resources.MakeVirtualServices(ctx, ing, ingress.KgdGatewayNames(ctx))
		if err != nil {
			return map[string]interface{}{"error": err.Error()}
		}
		lb := ingress.KgdPrivateLB(ctx)
		return map[string]interface{}{"virtualServices": vss, "privateLB": []map[string]interface{}{{"domainInternal": lb}}}
	}
	if r.Op == "probeTargets" {
		return probeTargets(r)
	}
	return map[string]interface{}{"error": "unknown op " + r.Op}
}

func main() {
	var reqs []request
	serve(&reqs, func(i int) interface{} { return answer(reqs[i]) })
}
