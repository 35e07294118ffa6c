//go:build !kserve013

package main

import (
	istioclientv1beta1 "istio.io/client-go/pkg/apis/networking/v1beta1"
	corev1 "k8s.io/api/core/v1"

	"github.com/kserve/kserve/pkg/apis/serving/v1beta1"
	"github.com/kserve/kserve/pkg/controller/v1beta1/inferenceservice/reconcilers/ingress"
	isvcutils "github.com/kserve/kserve/pkg/controller/v1beta1/inferenceservice/utils"
	"github.com/kserve/kserve/pkg/utils"
)

func ingressConfig(data map[string]string) (*v1beta1.IngressConfig, error) {
	return v1beta1.NewIngressConfig(&corev1.ConfigMap{Data: data})
}

func createIngress(isvc *v1beta1.InferenceService, cfg *v1beta1.IngressConfig, domainList []string) *istioclientv1beta1.VirtualService {
	return ingress.KgdCreateIngress(isvc, cfg, &domainList, &v1beta1.InferenceServicesConfig{})
}

// stopped is KServe's own test for the stop annotation; reconcileVirtualService deletes the VirtualService then.
func stopped(isvc *v1beta1.InferenceService) bool {
	return utils.GetForceStopRuntime(isvc)
}

// deploymentMode is KServe's own decision, with the mode its status recorded ("" for a new InferenceService).
func deploymentMode(status string, annotations map[string]string, data map[string]string) (string, error) {
	dc, err := v1beta1.NewDeployConfig(&corev1.ConfigMap{Data: data})
	if err != nil {
		return "", err
	}
	return string(isvcutils.GetDeploymentMode(status, annotations, dc)), nil
}
