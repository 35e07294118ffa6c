// Command grpc-rbac answers kgd's authz oracle: for each request, the RBAC filters Istio built (protojson, in
// filter order, from test/oracle TestAuthz) are evaluated by gRPC's implementation of Envoy's RBAC filter.
// Input and output are JSON arrays on stdin and stdout, one answer per request.
package main

import (
	"encoding/json"
	"os"
	"regexp"
	"sort"

	v3rbacpb "github.com/envoyproxy/go-control-plane/envoy/config/rbac/v3"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/kgdrbac"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
)

type request struct {
	Filters   []json.RawMessage `json:"filters"`
	Path      string            `json:"path"`
	Authority string            `json:"authority"`
	Headers   map[string]string `json:"headers"`
	Principal string            `json:"principal"`
	Port      int               `json:"port"`
}

type answer struct {
	Allowed bool `json:"allowed"`
	// Every DENY policy (Istio's ns[..]-policy[..]-rule[i]) that matches, in byte order: Envoy keeps a filter's
	// policies in a std::map (source/extensions/filters/common/rbac/engine_impl.h) and logs the first match, while
	// gRPC's engine keeps them in a Go map, so each DENY policy is asked on its own.
	DenyMatches []string `json:"denyMatches"`
	Error       string   `json:"error,omitempty"`
}

var denyPolicy = regexp.MustCompile(`matched a deny policy "([^"]*)"`)

func main() {
	var reqs []request
	if err := json.NewDecoder(os.Stdin).Decode(&reqs); err != nil {
		panic(err)
	}
	out := make([]answer, 0, len(reqs))
	for _, r := range reqs {
		var policies []*v3rbacpb.RBAC
		var a answer
		for _, f := range r.Filters {
			var p v3rbacpb.RBAC
			if err := protojson.Unmarshal(f, &p); err != nil {
				a.Error = err.Error()
			}
			// AUDIT policies become filters with action LOG, which Envoy's rbac.proto documents as allowing every
			// request (it only marks matches for the access log); gRPC's engine has no LOG action.
			if p.GetAction() == v3rbacpb.RBAC_LOG {
				continue
			}
			policies = append(policies, &p)
		}
		if a.Error == "" {
			err := kgdrbac.Authorize(policies, kgdrbac.Request{Path: r.Path, Authority: r.Authority, Headers: r.Headers, Principal: r.Principal, Port: r.Port})
			switch {
			case err == nil:
				a.Allowed = true
			case status.Code(err) == codes.PermissionDenied:
				if denyPolicy.MatchString(status.Convert(err).Message()) {
					a.DenyMatches = denyMatches(policies, r)
				}
			default:
				a.Error = err.Error()
			}
		}
		out = append(out, a)
	}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		panic(err)
	}
}

// denyMatches asks every DENY policy of every filter on its own whether it matches the request.
func denyMatches(policies []*v3rbacpb.RBAC, r request) []string {
	out := []string{}
	for _, f := range policies {
		if f.GetAction() != v3rbacpb.RBAC_DENY {
			continue
		}
		for name, p := range f.GetPolicies() {
			one := &v3rbacpb.RBAC{Action: v3rbacpb.RBAC_DENY, Policies: map[string]*v3rbacpb.Policy{name: p}}
			err := kgdrbac.Authorize([]*v3rbacpb.RBAC{one}, kgdrbac.Request{Path: r.Path, Authority: r.Authority, Headers: r.Headers, Principal: r.Principal, Port: r.Port})
			if status.Code(err) == codes.PermissionDenied {
				out = append(out, name)
			}
		}
	}
	sort.Strings(out)
	return out
}
