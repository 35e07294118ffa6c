// kube-controller-manager of the same Kubernetes release as the test API server: the Knative operator's
// aggregated ClusterRoles need its clusterrole-aggregation controller (../shared/upstream-src/README.md).
package main

import (
	"os"

	"k8s.io/component-base/cli"
	"k8s.io/kubernetes/cmd/kube-controller-manager/app"
)

func main() {
	os.Exit(cli.Run(app.NewControllerManagerCommand()))
}
