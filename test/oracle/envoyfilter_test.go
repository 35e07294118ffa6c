package oracle

// TestEnvoyFilter hands kgd's EnvoyFilter cases to Istio's own pipeline: Gateways, EnvoyFilters (and
// AuthorizationPolicies, which add HTTP filters of their own) go into a fake istiod with a mesh config, a
// gateway proxy with the case's namespace, labels and Istio version is set up, and the listeners Istio
// generates for it — EnvoyFilter patches applied (pilot/pkg/networking/core/envoyfilter) — are written out:
// per listener and filter chain, the HTTP filters of the HTTP connection manager, in order.

import (
	"testing"

	listener "github.com/envoyproxy/go-control-plane/envoy/config/listener/v3"
	hcm "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/http_connection_manager/v3"

	"istio.io/istio/pilot/pkg/model"
	"istio.io/istio/pilot/pkg/simulation"
	"istio.io/istio/pilot/test/xds"
	"istio.io/istio/pkg/config/mesh"
)

type envoyFilterCase struct {
	Name         string            `json:"name"`
	Config       string            `json:"config"`
	Mesh         string            `json:"mesh"`
	Namespace    string            `json:"namespace"`
	Labels       map[string]string `json:"labels"`
	IstioVersion string            `json:"istioVersion"`
	// Kubernetes objects (Services) Istio reads from the cluster registry, as YAML.
	Kube string `json:"kube"`
	// "sidecar": the proxy is an application's sidecar (its inbound and outbound listeners); else a gateway.
	Mode string `json:"mode"`
}

type chainDump struct {
	Name        string   `json:"name"`
	Sni         []string `json:"sni"`
	DestPort    uint32   `json:"destinationPort"`
	Transport   string   `json:"transportProtocol"`
	HTTPFilters []string `json:"httpFilters"`
}

type listenerDump struct {
	Name   string      `json:"name"`
	Port   uint32      `json:"port"`
	Chains []chainDump `json:"chains"`
}

type envoyFilterResult struct {
	Name      string         `json:"name"`
	Listeners []listenerDump `json:"listeners"`
	Failure   string         `json:"failure,omitempty"`
}

func dumpListeners(ls []*listener.Listener) []listenerDump {
	out := []listenerDump{}
	for _, l := range ls {
		d := listenerDump{Name: l.GetName(), Port: l.GetAddress().GetSocketAddress().GetPortValue(), Chains: []chainDump{}}
		for _, fc := range l.GetFilterChains() {
			c := chainDump{Name: fc.GetName(), Sni: fc.GetFilterChainMatch().GetServerNames(), DestPort: fc.GetFilterChainMatch().GetDestinationPort().GetValue(),
				Transport: fc.GetFilterChainMatch().GetTransportProtocol(), HTTPFilters: []string{}}
			for _, f := range fc.GetFilters() {
				if f.GetName() != "envoy.filters.network.http_connection_manager" {
					continue
				}
				var h hcm.HttpConnectionManager
				if err := f.GetTypedConfig().UnmarshalTo(&h); err != nil {
					continue
				}
				for _, hf := range h.GetHttpFilters() {
					c.HTTPFilters = append(c.HTTPFilters, hf.GetName())
				}
			}
			d.Chains = append(d.Chains, c)
		}
		out = append(out, d)
	}
	return out
}

func TestEnvoyFilter(t *testing.T) {
	cases, out := casesFromEnv[envoyFilterCase](t, "KGD_ENVOYFILTER_CASES", "KGD_ENVOYFILTER_RESULTS")
	results := make([]envoyFilterResult, 0, len(cases))
	for _, c := range cases {
		r := envoyFilterResult{Name: c.Name}
		ok := t.Run(c.Name, func(t *testing.T) {
			m := mesh.DefaultMeshConfig()
			if c.Mesh != "" {
				var err error
				if m, err = mesh.ApplyMeshConfigDefaults(c.Mesh); err != nil {
					t.Fatal(err)
				}
			}
			s := xds.NewFakeDiscoveryServer(t, xds.FakeOptions{ConfigString: c.Config, MeshConfig: m, KubernetesObjectString: c.Kube})
			meta := &model.NodeMetadata{Labels: c.Labels, Namespace: c.Namespace, IstioVersion: c.IstioVersion}
			var proxy *model.Proxy
			if c.Mode == "sidecar" {
				proxy = s.SetupProxy(&model.Proxy{Type: model.SidecarProxy, ConfigNamespace: c.Namespace, Labels: c.Labels, IPAddresses: []string{"10.99.0.1"}, Metadata: meta})
			} else {
				proxy = s.SetupProxy(&model.Proxy{Type: model.Router, ConfigNamespace: c.Namespace, Labels: c.Labels, Metadata: meta})
			}
			sim := simulation.NewSimulation(t, s, proxy)
			r.Listeners = dumpListeners(sim.Listeners)
		})
		if !ok {
			r.Failure = "Istio rejected the case (see go test output)"
		}
		results = append(results, r)
	}
	writeResults(t, out, results)
}
