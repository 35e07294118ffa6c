package main

import (
	"context"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	corev1listers "k8s.io/client-go/listers/core/v1"
	"k8s.io/client-go/tools/cache"
	netv1alpha1 "knative.dev/networking/pkg/apis/networking/v1alpha1"
	netcfg "knative.dev/networking/pkg/config"
	cfgmap "knative.dev/serving/pkg/apis/config"
	servingv1 "knative.dev/serving/pkg/apis/serving/v1"
	"knative.dev/serving/pkg/reconciler/route/config"
	"knative.dev/serving/pkg/reconciler/route/domains"
	"knative.dev/serving/pkg/reconciler/route/resources"
	"knative.dev/serving/pkg/reconciler/route/traffic"
	"knative.dev/serving/pkg/reconciler/route/visibility"
)

// routeContext is Knative Serving's route reconciler context: config-domain, config-network and
// config-features parsed by Serving's own parsers.
func routeContext(ctx context.Context, configDomain, configNetwork, configFeatures map[string]string) (context.Context, error) {
	d, err := config.NewDomainFromConfigMap(&corev1.ConfigMap{Data: configDomain})
	if err != nil {
		return nil, err
	}
	n, err := netcfg.NewConfigFromMap(configNetwork)
	if err != nil {
		return nil, err
	}
	f, err := cfgmap.NewFeaturesConfigFromMap(configFeatures)
	if err != nil {
		return nil, err
	}
	return config.ToContext(ctx, &config.Config{Domain: d, Network: n, Features: f}), nil
}

// domainName is Serving's DomainNameFromTemplate for a route.
func domainName(ctx context.Context, configDomain, configNetwork map[string]string, meta metav1.ObjectMeta) (string, error) {
	ctx, err := routeContext(ctx, configDomain, configNetwork, nil)
	if err != nil {
		return "", err
	}
	return domains.DomainNameFromTemplate(ctx, meta, meta.Name)
}

// kingress is the KIngress Serving's route reconciler builds for a Route that sends all traffic to one
// revision: visibility from Serving's own resolver (no placeholder Services), the revision's protocol from
// Serving's Revision.GetProtocol on its containers, then resources.MakeIngress.
func kingress(ctx context.Context, configDomain, configNetwork map[string]string, route *servingv1.Route, revision string, containers []corev1.Container) (*netv1alpha1.Ingress, map[string]netv1alpha1.IngressVisibility, error) {
	ctx, err := routeContext(ctx, configDomain, configNetwork, nil)
	if err != nil {
		return nil, nil, err
	}
	lister := corev1listers.NewServiceLister(cache.NewIndexer(cache.MetaNamespaceKeyFunc, cache.Indexers{cache.NamespaceIndex: cache.MetaNamespaceIndexFunc}))
	vis, err := visibility.NewResolver(lister).GetVisibility(ctx, route)
	if err != nil {
		return nil, nil, err
	}
	rev := &servingv1.Revision{Spec: servingv1.RevisionSpec{PodSpec: corev1.PodSpec{Containers: containers}}}
	percent := int64(100)
	latest := true
	tc := &traffic.Config{
		Targets: map[string]traffic.RevisionTargets{
			traffic.DefaultTarget: {{TrafficTarget: servingv1.TrafficTarget{RevisionName: revision, Percent: &percent, LatestRevision: &latest}, Protocol: rev.GetProtocol()}},
		},
		Visibility: vis,
	}
	ing, err := resources.MakeIngress(ctx, route, tc, nil, "istio.ingress.networking.knative.dev")
	return ing, vis, err
}
