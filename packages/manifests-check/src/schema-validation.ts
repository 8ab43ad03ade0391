// Validates each object against the OpenAPI schema of its kind: Kubernetes from kubernetes-models, Istio from
// @kubernetes-models/istio, the Gateway API from @kubernetes-models/gateway-api. An object of a kind (or an API
// version) none of them is registered for here is a failure, not a pass: Istio's beta and alpha versions of kinds
// that have a v1 are left out on purpose (api-versions.check.ts says why).
import * as gatewayApi from '@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1';
import * as istioInstall from '@kubernetes-models/istio/install.istio.io/v1alpha1';
import * as istioNetworking from '@kubernetes-models/istio/networking.istio.io/v1';
import * as istioNetworkingAlpha from '@kubernetes-models/istio/networking.istio.io/v1alpha3';
import * as istioSecurity from '@kubernetes-models/istio/security.istio.io/v1';
import * as istioTelemetry from '@kubernetes-models/istio/telemetry.istio.io/v1';
import * as apps from 'kubernetes-models/apps/v1';
import * as autoscaling from 'kubernetes-models/autoscaling/v2';
import * as networking from 'kubernetes-models/networking.k8s.io/v1';
import * as policy from 'kubernetes-models/policy/v1';
import * as rbac from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import * as core from 'kubernetes-models/v1';
import { type KubeObject, ref } from './kube-object.js';

interface ModelClass {
  apiVersion: string;
  kind: string;
  new (data: unknown): { validate(): void };
}

const models = new Map<string, ModelClass>();
for (const group of [
  core,
  apps,
  autoscaling,
  networking,
  policy,
  rbac,
  istioNetworking,
  istioSecurity,
  istioTelemetry,
  istioInstall,
  gatewayApi,
]) {
  for (const value of Object.values(group)) {
    const model = value as Partial<ModelClass>;
    if (typeof value === 'function' && typeof model.apiVersion === 'string' && typeof model.kind === 'string') {
      models.set(`${model.apiVersion}/${model.kind}`, value as ModelClass);
    }
  }
}
// EnvoyFilter exists only as v1alpha3; the other kinds of that version have a v1
models.set('networking.istio.io/v1alpha3/EnvoyFilter', istioNetworkingAlpha.EnvoyFilter as unknown as ModelClass);

/** The problems of one object; empty when it conforms. */
export function validateObject(object: KubeObject): string[] {
  const Model = models.get(`${object.apiVersion}/${object.kind}`);
  if (!Model) return [`${ref(object)}: no schema for ${object.apiVersion} ${object.kind}`];
  try {
    new Model(apiServerView(object)).validate();
    return [];
  } catch (error) {
    return [`${ref(object)}: ${(error as Error).message}`];
  }
}

/**
 * kustomize wraps long base64 values of a Secret over several lines; the API server's decoder skips those line
 * breaks, the schema's base64 pattern does not, so they are dropped before validating.
 */
function apiServerView(object: KubeObject): KubeObject {
  if (object.kind !== 'Secret' || !object.data) return object;
  const data = Object.fromEntries(
    Object.entries(object.data).map(([key, value]) => [key, value.replace(/[\r\n]/g, '')]),
  );
  return { ...object, data };
}
