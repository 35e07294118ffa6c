package oracle

// TestAuthz hands kgd's AuthorizationPolicy cases to Istio's own pipeline: the policies go into a fake istiod
// (config store, mesh config with its root namespace and trust domain), a sidecar proxy with the workload's
// namespace and labels is set up, and the authorization plugin builds the HTTP RBAC filters that proxy's
// inbound listeners would get (pilot/pkg/networking/plugin/authz: ListAuthorizationPolicies for the proxy,
// then pilot/pkg/security/authz/builder). The filters' rules are written out, in filter order, as protojson;
// test/upstream/grpc-rbac evaluates requests against them with gRPC's implementation of Envoy's RBAC.

import (
	"encoding/json"
	"testing"

	rbachttp "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/rbac/v3"
	"google.golang.org/protobuf/encoding/protojson"

	"istio.io/istio/pilot/pkg/model"
	"istio.io/istio/pilot/pkg/networking"
	"istio.io/istio/pilot/pkg/networking/plugin/authz"
	"istio.io/istio/pilot/test/xds"
	"istio.io/istio/pkg/config/mesh"
)

type authzCase struct {
	Name      string            `json:"name"`
	Config    string            `json:"config"`
	Mesh      string            `json:"mesh"`
	Namespace string            `json:"namespace"`
	Labels    map[string]string `json:"labels"`
}

type authzFilter struct {
	Name  string          `json:"name"`
	Rules json.RawMessage `json:"rules"`
}

type authzResult struct {
	Name    string        `json:"name"`
	Filters []authzFilter `json:"filters"`
	Failure string        `json:"failure,omitempty"`
}

func TestAuthz(t *testing.T) {
	cases, out := casesFromEnv[authzCase](t, "KGD_AUTHZ_CASES", "KGD_AUTHZ_RESULTS")
	results := make([]authzResult, 0, len(cases))
	for _, c := range cases {
		r := authzResult{Name: c.Name, Filters: []authzFilter{}}
		ok := t.Run(c.Name, func(t *testing.T) {
			m := mesh.DefaultMeshConfig()
			if c.Mesh != "" {
				var err error
				if m, err = mesh.ApplyMeshConfigDefaults(c.Mesh); err != nil {
					t.Fatal(err)
				}
			}
			s := xds.NewFakeDiscoveryServer(t, xds.FakeOptions{ConfigString: c.Config, MeshConfig: m})
			proxy := s.SetupProxy(&model.Proxy{
				Type:            model.SidecarProxy,
				ConfigNamespace: c.Namespace,
				Labels:          c.Labels,
				IPAddresses:     []string{"10.99.0.1"},
				Metadata:        &model.NodeMetadata{Labels: c.Labels, Namespace: c.Namespace},
			})
			// CUSTOM filters come first in the chain (pilot/pkg/networking/core: the custom builder's, then the local
			// one's). Of the CUSTOM ones only RBAC filters that enforce count here: the deny rules Istio generates for a
			// provider mesh config lacks; a valid provider's shadow rules and ext_authz filter are its call.
			filters := authz.NewBuilder(authz.Custom, s.PushContext(), proxy, false).BuildHTTP(networking.ListenerClassSidecarInbound)
			filters = append(filters, authz.NewBuilder(authz.Local, s.PushContext(), proxy, false).BuildHTTP(networking.ListenerClassSidecarInbound)...)
			for _, f := range filters {
				if f.GetName() != "envoy.filters.http.rbac" {
					continue
				}
				var cfg rbachttp.RBAC
				if err := f.GetTypedConfig().UnmarshalTo(&cfg); err != nil {
					t.Fatal(err)
				}
				if cfg.GetRules() == nil {
					continue // a shadow-only (dry-run) filter enforces nothing
				}
				b, err := protojson.Marshal(cfg.GetRules())
				if err != nil {
					t.Fatal(err)
				}
				r.Filters = append(r.Filters, authzFilter{Name: f.GetName(), Rules: b})
			}
		})
		if !ok {
			r.Failure = "Istio rejected the case (see go test output)"
			r.Filters = nil
		}
		results = append(results, r)
	}
	writeResults(t, out, results)
}
