// Every selector selects something: Services, PodDisruptionBudgets, NetworkPolicies and Istio policies select pods
// that a workload makes, Deployments select their own template, autoscalers target a workload that exists.
import { find, type KubeObject, matchesLabels, ofKind, ref, workloads } from '../kube-object.js';

export function checkSelectors(objects: KubeObject[]): string[] {
  const problems: string[] = [];
  const pods = workloads(objects);
  const selectsPods = (namespace: string | undefined, selector: Record<string, string> | undefined) =>
    pods.some((w) => w.namespace === namespace && matchesLabels(selector, w.podLabels));

  for (const w of pods) {
    const selector = (w.object.spec as { selector?: { matchLabels?: Record<string, string> } }).selector?.matchLabels;
    if (!selector || Object.keys(selector).length === 0) problems.push(`${ref(w.object)}: empty selector`);
    else if (!matchesLabels(selector, w.podLabels))
      problems.push(`${ref(w.object)}: selector does not match its pods' labels`);
  }
  for (const service of ofKind(objects, 'Service')) {
    const spec = service.spec as { type?: string; selector?: Record<string, string> };
    if (spec.type === 'ExternalName') continue;
    if (!spec.selector || !selectsPods(service.metadata.namespace, spec.selector)) {
      problems.push(`${ref(service)}: selector ${JSON.stringify(spec.selector)} matches no pod template`);
    }
  }
  for (const pdb of ofKind(objects, 'PodDisruptionBudget')) {
    const selector = (pdb.spec as { selector?: { matchLabels?: Record<string, string> } }).selector?.matchLabels;
    if (!selectsPods(pdb.metadata.namespace, selector)) problems.push(`${ref(pdb)}: selects no pods`);
  }
  for (const hpa of ofKind(objects, 'HorizontalPodAutoscaler')) {
    const target = (hpa.spec as { scaleTargetRef: { kind: string; name: string } }).scaleTargetRef;
    if (!find(objects, target.kind, target.name, hpa.metadata.namespace)) {
      problems.push(`${ref(hpa)}: scales ${target.kind} ${target.name}, which does not exist`);
    }
  }
  for (const policy of ofKind(objects, 'NetworkPolicy')) {
    const spec = policy.spec as NetworkPolicySpec;
    const own = spec.podSelector?.matchLabels;
    if (own && Object.keys(own).length > 0 && !selectsPods(policy.metadata.namespace, own)) {
      problems.push(`${ref(policy)}: podSelector ${JSON.stringify(own)} selects no pods`);
    }
    for (const rule of [
      ...(spec.ingress ?? []).flatMap((r) => r.from ?? []),
      ...(spec.egress ?? []).flatMap((r) => r.to ?? []),
    ]) {
      // peers in other namespaces are the cluster's (kube-dns, istiod, the observability stack), checked elsewhere
      if (rule.namespaceSelector || !rule.podSelector) continue;
      if (!selectsPods(policy.metadata.namespace, rule.podSelector.matchLabels)) {
        problems.push(`${ref(policy)}: peer ${JSON.stringify(rule.podSelector.matchLabels)} selects no pods`);
      }
    }
  }
  for (const policy of [...ofKind(objects, 'AuthorizationPolicy'), ...ofKind(objects, 'RequestAuthentication')]) {
    const selector = (policy.spec as { selector?: { matchLabels?: Record<string, string> } }).selector?.matchLabels;
    if (selector && !selectsPods(policy.metadata.namespace, selector)) problems.push(`${ref(policy)}: selects no pods`);
  }
  for (const rule of ofKind(objects, 'DestinationRule')) {
    const spec = rule.spec as { host: string; subsets?: { name: string; labels?: Record<string, string> }[] };
    const [name, namespace] = spec.host.split('.');
    const service = find(objects, 'Service', name ?? '', namespace);
    if (!service) {
      problems.push(`${ref(rule)}: host ${spec.host} is no Service`);
      continue;
    }
    const serviceSelector = (service.spec as { selector?: Record<string, string> }).selector;
    for (const subset of spec.subsets ?? []) {
      if (!selectsPods(namespace, { ...serviceSelector, ...subset.labels })) {
        problems.push(`${ref(rule)}: subset ${subset.name} selects no pods of ${spec.host}`);
      }
    }
  }
  return problems;
}

export interface NetworkPolicyPeer {
  podSelector?: { matchLabels?: Record<string, string> };
  namespaceSelector?: { matchLabels?: Record<string, string> };
}
export interface NetworkPolicyRule {
  from?: NetworkPolicyPeer[];
  to?: NetworkPolicyPeer[];
  ports?: { protocol?: string; port?: number | string }[];
}
export interface NetworkPolicySpec {
  podSelector?: { matchLabels?: Record<string, string> };
  ingress?: NetworkPolicyRule[];
  egress?: NetworkPolicyRule[];
}
