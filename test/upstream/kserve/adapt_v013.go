//go:build kserve013

package main

import (
	"context"

	istioclientv1beta1 "istio.io/client-go/pkg/apis/networking/v1beta1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes/fake"

	"github.com/kserve/kserve/pkg/apis/serving/v1beta1"
	"github.com/kserve/kserve/pkg/constants"
	"github.com/kserve/kserve/pkg/controller/v1beta1/inferenceservice/reconcilers/ingress"
	isvcutils "github.com/kserve/kserve/pkg/controller/v1beta1/inferenceservice/utils"
)

// KServe 0.13 reads the ConfigMap itself through a clientset: give it a fake one holding the data.
func ingressConfig(data map[string]string) (*v1beta1.IngressConfig, error) {
	cs := fake.NewSimpleClientset(&corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: constants.InferenceServiceConfigMapName, Namespace: constants.KServeNamespace}, Data: data})
	_ = context.Background()
	return v1beta1.NewIngressConfig(cs)
}

// useDefault is false unless a `<isvc>-predictor-default` Knative Service exists (KServe < 0.8 naming).
func createIngress(isvc *v1beta1.InferenceService, cfg *v1beta1.IngressConfig, domainList []string) *istioclientv1beta1.VirtualService {
	return ingress.KgdCreateIngress(isvc, false, cfg, &domainList)
}

// KServe 0.13 has no stop annotation.
func stopped(_ *v1beta1.InferenceService) bool {
	return false
}

// deploymentMode is KServe 0.13's own decision (it reads the deploy key through a clientset, like the ingress key;
// it has no mode in the status).
func deploymentMode(_ string, annotations map[string]string, data map[string]string) (string, error) {
	cs := fake.NewSimpleClientset(&corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: constants.InferenceServiceConfigMapName, Namespace: constants.KServeNamespace}, Data: data})
	dc, err := v1beta1.NewDeployConfig(cs)
	if err != nil {
		return "", err
	}
	return string(isvcutils.GetDeploymentMode(annotations, dc)), nil
}
