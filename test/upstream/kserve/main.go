// Test-only oracle: calls KServe's own ingress-config parser and VirtualService builder, and Knative
// Serving's config-domain parser and domain template (the versions KServe's go.mod pins), on JSON requests.
// createIngress is unexported; overlay/export_ingress.go.in is added to KServe's package at build time
// (go build -overlay), nothing is copied. See test/helpers/upstream.ts.
package main

import (
	"context"
	"errors"
	"io"
	"strings"

	k8syaml "k8s.io/apimachinery/pkg/util/yaml"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"knative.dev/pkg/kmeta"
	servingv1 "knative.dev/serving/pkg/apis/serving/v1"

	"github.com/kserve/kserve/pkg/apis/serving/v1beta1"
	"github.com/kserve/kserve/pkg/constants"
)

type request struct {
	Op            string                    `json:"op"`
	Data          map[string]string         `json:"data"`
	Isvc          *v1beta1.InferenceService `json:"isvc"`
	DomainList    []string                  `json:"domainList"`
	Host          string                    `json:"host"`
	Parent        string                    `json:"parent"`
	Suffix        string                    `json:"suffix"`
	ConfigDomain  map[string]string         `json:"configDomain"`
	ConfigNetwork map[string]string         `json:"configNetwork"`
	Meta          metav1.ObjectMeta         `json:"meta"`
	Route         *servingv1.Route          `json:"route"`
	Revision      string                    `json:"revision"`
	// The containers of the revision (the Knative Service's template): Serving reads the protocol off them.
	Containers []corev1.Container `json:"containers"`
	// An InferenceService's annotations (deploymentMode: KServe's GetDeploymentMode with the ConfigMap's deploy key).
	Annotations map[string]string `json:"annotations"`
	StatusMode  string            `json:"statusMode"`
	// A manifest stream, decoded as kubectl reads -f files (apimachinery's YAMLOrJSONDecoder, sigs.k8s.io/yaml).
	Text string `json:"text"`
}

func answer(r request) any {
	switch r.Op {
	case "childName":
		return map[string]any{"name": kmeta.ChildName(r.Parent, r.Suffix)}
	case "hostRegExp":
		return map[string]any{"regex": constants.HostRegExp(r.Host)}
	case "ingressConfig":
		cfg, err := ingressConfig(r.Data)
		if err != nil {
			return map[string]any{"error": err.Error()}
		}
		return map[string]any{"config": cfg}
	case "virtualService":
		cfg, err := ingressConfig(r.Data)
		if err != nil {
			return map[string]any{"error": err.Error()}
		}
		vs := createIngress(r.Isvc.DeepCopy(), cfg, r.DomainList)
		if vs == nil {
			return map[string]any{"virtualService": nil, "stopped": stopped(r.Isvc)}
		}
		return map[string]any{"virtualService": vs, "externalName": cfg.LocalGatewayServiceName, "stopped": stopped(r.Isvc)}
	case "domain":
		d, err := domainName(context.Background(), r.ConfigDomain, r.ConfigNetwork, r.Meta)
		if err != nil {
			return map[string]any{"error": err.Error()}
		}
		return map[string]any{"domain": d}
	case "deploymentMode":
		m, err := deploymentMode(r.StatusMode, r.Annotations, r.Data)
		if err != nil {
			return map[string]any{"error": err.Error()}
		}
		return map[string]any{"mode": m}
	case "manifestDecode":
		d := k8syaml.NewYAMLOrJSONDecoder(strings.NewReader(r.Text), 4096)
		var docs []any
		for {
			var obj map[string]any
			if err := d.Decode(&obj); err != nil {
				if errors.Is(err, io.EOF) {
					return map[string]any{"objects": docs}
				}
				return map[string]any{"error": err.Error(), "objects": docs}
			}
			if obj != nil {
				docs = append(docs, obj)
			}
		}
	case "kingress":
		ing, vis, err := kingress(context.Background(), r.ConfigDomain, r.ConfigNetwork, r.Route, r.Revision, r.Containers)
		if err != nil {
			return map[string]any{"error": err.Error()}
		}
		return map[string]any{"ingress": ing, "visibility": vis}
	}
	return map[string]any{"error": "unknown op " + r.Op}
}

func main() {
	var reqs []request
	serve(&reqs, func(i int) interface{} { return answer(reqs[i]) })
}
