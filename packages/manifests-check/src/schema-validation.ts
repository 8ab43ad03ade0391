// Validates each object against the OpenAPI schema of its kind: Kubernetes from kubernetes-models, Istio from
// @kubernetes-models/istio. An object of a kind neither knows is a failure, not a pass.
import * as istioInstall from '@kubernetes-models/istio/install.istio.io/v1alpha1';
import * as istioNetworkingAlpha from '@kubernetes-models/istio/networking.istio.io/v1alpha3';
import * as istioNetworking from '@kubernetes-models/istio/networking.istio.io/v1beta1';
import * as istioSecurity from '@kubernetes-models/istio/security.istio.io/v1';
import * as istioSecurityBeta from '@kubernetes-models/istio/security.istio.io/v1beta1';
import * as istioTelemetry from '@kubernetes-models/istio/telemetry.istio.io/v1alpha1';
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
  istioNetworkingAlpha,
  istioSecurity,
  istioSecurityBeta,
  istioTelemetry,
  istioInstall,
]) {
  for (const value of Object.values(group)) {
    const model = value as Partial<ModelClass>;
    if (typeof value === 'function' && typeof model.apiVersion === 'string' && typeof model.kind === 'string') {
      models.set(`${model.apiVersion}/${model.kind}`, value as ModelClass);
    }
  }
}

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
