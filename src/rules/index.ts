import type { Rule } from '../engine/define-rule.js';
import authzDeniesHop from './authz-denies-hop.js';
import authzDeniesLocalGateway from './authz-denies-local-gateway.js';
import configIstioInvalid from './config-istio-invalid.js';
import configIstioStaleMeshKey from './config-istio-stale-mesh-key.js';
import configIstioWebhookLabels from './config-istio-webhook-labels.js';
import envoyfilterOnLocalGateway from './envoyfilter-on-local-gateway.js';
import gatewayDuplicateListener from './gateway-duplicate-listener.js';
import gatewayHasServers from './gateway-has-servers.js';
import gatewayHostsAdmitRoutes from './gateway-hosts-admit-routes.js';
import gatewayPortOnService from './gateway-port-on-service.js';
import gatewaySelectsNoWorkload from './gateway-selects-no-workload.js';
import ingressReadiness from './ingress-readiness.js';
import knativeGatewayNotFound from './knative-gateway-not-found.js';
import knativeLocalServiceNotFound from './knative-local-service-not-found.js';
import knativeStatusNotReady from './knative-status-not-ready.js';
import kserveIngressConfigInvalid from './kserve-ingress-config-invalid.js';
import kserveIngressGatewayRef from './kserve-ingress-gateway-ref.js';
import kserveKnativeAgree from './kserve-knative-agree.js';
import kserveLocalGatewayRef from './kserve-local-gateway-ref.js';
import kserveLocalServiceNotFound from './kserve-local-service-not-found.js';
import localServiceReachesGateway from './local-service-reaches-gateway.js';
import localServiceSelectsNoPods from './local-service-selects-no-pods.js';
import netpolBlocksGatewayTraffic from './netpol-blocks-gateway-traffic.js';
import operatorConfigKeyShadowed from './operator-config-key-shadowed.js';
import operatorObjectDiffers from './operator-object-differs.js';
import operatorSelectorIgnored from './operator-selector-ignored.js';
import operatorServiceNamespace from './operator-service-namespace.js';
import vsDestinationResolves from './vs-destination-resolves.js';
import vsGatewayNotFound from './vs-gateway-not-found.js';
import vsHostsNotAdmitted from './vs-hosts-not-admitted.js';
import vsRoutesShadowed from './vs-routes-shadowed.js';
import vsStaleGateways from './vs-stale-gateways.js';

/** Every rule, sorted by id. A test checks this list against the files in this folder. */
export const rules: readonly Rule[] = [
  authzDeniesHop,
  authzDeniesLocalGateway,
  configIstioInvalid,
  configIstioStaleMeshKey,
  configIstioWebhookLabels,
  envoyfilterOnLocalGateway,
  gatewayDuplicateListener,
  gatewayHasServers,
  gatewayHostsAdmitRoutes,
  gatewayPortOnService,
  gatewaySelectsNoWorkload,
  ingressReadiness,
  knativeGatewayNotFound,
  knativeLocalServiceNotFound,
  knativeStatusNotReady,
  kserveIngressConfigInvalid,
  kserveIngressGatewayRef,
  kserveKnativeAgree,
  kserveLocalGatewayRef,
  kserveLocalServiceNotFound,
  localServiceReachesGateway,
  localServiceSelectsNoPods,
  netpolBlocksGatewayTraffic,
  operatorConfigKeyShadowed,
  operatorObjectDiffers,
  operatorSelectorIgnored,
  operatorServiceNamespace,
  vsDestinationResolves,
  vsGatewayNotFound,
  vsHostsNotAdmitted,
  vsRoutesShadowed,
  vsStaleGateways,
];
