// A test-only program that answers with Knative Serving's own config-domain parser and domain template at the
// Serving release its modfile pins (go.mod: v0.37.0 = Knative 1.10; go.v17.mod: v0.34.0 = Knative 1.7), so
// that kgd's versioned default domain is checked on both sides of Serving's changes. The request loop
// (serve.go) is test/upstream/kserve/serve.go, copied in by test/helpers/upstream.ts.
package main

import (
	"context"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	netcfg "knative.dev/networking/pkg/config"
	"knative.dev/pkg/network"
	"knative.dev/serving/pkg/reconciler/route/config"
	"knative.dev/serving/pkg/reconciler/route/domains"
)

type request struct {
	Op           string            `json:"op"`
	ConfigDomain map[string]string `json:"configDomain"`
	Meta         metav1.ObjectMeta `json:"meta"`
}

func answer(r request) interface{} {
	switch r.Op {
	case "clusterDomain":
		return map[string]interface{}{"clusterDomain": network.GetClusterDomainName()}
	case "domain":
		d, err := config.NewDomainFromConfigMap(&corev1.ConfigMap{Data: r.ConfigDomain})
		if err != nil {
			return map[string]interface{}{"error": err.Error()}
		}
		n, err := netcfg.NewConfigFromMap(map[string]string{})
		if err != nil {
			return map[string]interface{}{"error": err.Error()}
		}
		ctx := config.ToContext(context.Background(), &config.Config{Domain: d, Network: n})
		host, err := domains.DomainNameFromTemplate(ctx, r.Meta, r.Meta.Name)
		if err != nil {
			return map[string]interface{}{"error": err.Error(), "lookup": d.LookupDomainForLabels(r.Meta.Labels)}
		}
		return map[string]interface{}{"domain": host, "lookup": d.LookupDomainForLabels(r.Meta.Labels)}
	}
	return map[string]interface{}{"error": "unknown op " + r.Op}
}

func main() {
	var reqs []request
	serve(&reqs, func(i int) interface{} { return answer(reqs[i]) })
}
