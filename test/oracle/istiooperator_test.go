package oracle

// TestIstioOperator renders kgd's IstioOperator cases with Istio's own installer (operator/pkg/render
// GenerateManifest: profiles, component specs, the gateway Helm charts embedded in the module) and writes out the
// gateway Deployments and Services it would install: namespace, name, pod labels, Service selector and ports.

import (
	"os"
	"path/filepath"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"

	"istio.io/istio/operator/pkg/render"
)

type iopCase struct {
	Name string `json:"name"`
	IOP  string `json:"iop"`
}

type iopPort struct {
	Name       string `json:"name"`
	Port       int64  `json:"port"`
	TargetPort any    `json:"targetPort"`
}

type iopObject struct {
	Kind      string            `json:"kind"`
	Namespace string            `json:"namespace"`
	Name      string            `json:"name"`
	Labels    map[string]string `json:"labels"`
	Selector  map[string]string `json:"selector,omitempty"`
	Ports     []iopPort         `json:"ports,omitempty"`
}

type iopResult struct {
	Name    string      `json:"name"`
	Objects []iopObject `json:"objects"`
	Error   string      `json:"error,omitempty"`
}

func TestIstioOperator(t *testing.T) {
	cases, out := casesFromEnv[iopCase](t, "KGD_IOP_CASES", "KGD_IOP_RESULTS")
	dir := t.TempDir()
	results := make([]iopResult, 0, len(cases))
	for _, c := range cases {
		r := iopResult{Name: c.Name, Objects: []iopObject{}}
		f := filepath.Join(dir, "iop.yaml")
		if err := os.WriteFile(f, []byte(c.IOP), 0o644); err != nil {
			t.Fatal(err)
		}
		sets, _, err := render.GenerateManifest([]string{f}, nil, false, nil, nil)
		if err != nil {
			r.Error = err.Error()
			results = append(results, r)
			continue
		}
		for _, set := range sets {
			for _, m := range set.Manifests {
				u := m.Unstructured
				if u == nil || (u.GetKind() != "Deployment" && u.GetKind() != "Service") {
					continue
				}
				o := iopObject{Kind: u.GetKind(), Namespace: u.GetNamespace(), Name: u.GetName()}
				if u.GetKind() == "Deployment" {
					labels, _, _ := unstructured.NestedStringMap(u.Object, "spec", "template", "metadata", "labels")
					o.Labels = labels
				} else {
					o.Labels = u.GetLabels()
					sel, _, _ := unstructured.NestedStringMap(u.Object, "spec", "selector")
					o.Selector = sel
					ports, _, _ := unstructured.NestedSlice(u.Object, "spec", "ports")
					for _, p := range ports {
						pm, _ := p.(map[string]any)
						b, _ := yaml.Marshal(pm)
						var ip iopPort
						_ = yaml.Unmarshal(b, &ip)
						o.Ports = append(o.Ports, ip)
					}
				}
				r.Objects = append(r.Objects, o)
			}
		}
		results = append(results, r)
	}
	writeResults(t, out, results)
}
