// The network policies and the Istio authorization policies allow exactly the calls of the request flow: every call
// of the flow is allowed, and nothing else between the platform's pods is.
import { find, type KubeObject, ofKind, ref, workloads } from '../kube-object.js';
import { platformNamespace, requestFlow } from '../platform-services.js';
import type { NetworkPolicyPeer, NetworkPolicySpec } from './selectors.check.js';

const appOf = (labels: Record<string, string> | undefined) => labels?.app;

/** The calls the NetworkPolicies allow between pods of the namespace, seen from the receiving side and the calling side. */
export function networkPolicyCalls(objects: KubeObject[]): { ingress: Set<string>; egress: Set<string> } {
  const ingress = new Set<string>();
  const egress = new Set<string>();
  const inNamespace = (peer: NetworkPolicyPeer) => !peer.namespaceSelector && peer.podSelector;
  for (const policy of ofKind(objects, 'NetworkPolicy')) {
    if (policy.metadata.namespace !== platformNamespace) continue;
    const spec = policy.spec as NetworkPolicySpec;
    const self = appOf(spec.podSelector?.matchLabels);
    if (!self) continue;
    for (const rule of spec.ingress ?? []) {
      const callers =
        rule.from === undefined
          ? ['ingress']
          : rule.from.filter(inNamespace).map((p) => appOf(p.podSelector?.matchLabels));
      for (const caller of callers)
        for (const port of rule.ports ?? []) ingress.add(`${caller ?? '*'}->${self}:${port.port}`);
    }
    for (const rule of spec.egress ?? []) {
      for (const peer of (rule.to ?? []).filter(inNamespace)) {
        for (const port of rule.ports ?? [])
          egress.add(`${self}->${appOf(peer.podSelector?.matchLabels) ?? '*'}:${port.port}`);
      }
    }
  }
  return { ingress, egress };
}

export function checkNetworkPolicyFlow(objects: KubeObject[]): string[] {
  const problems: string[] = [];
  const { ingress, egress } = networkPolicyCalls(objects);
  const expected = new Set<string>(requestFlow);
  const mesh = objects.some((o) => o.kind === 'AuthorizationPolicy');
  // a port open to anyone (no `from`) lets every caller of the namespace in too
  const admitted = (call: string) => ingress.has(call) || ingress.has(`ingress->${call.split('->')[1]}`);
  for (const call of expected) {
    const fromOutside = call.startsWith('ingress->');
    if (!fromOutside && !egress.has(call))
      problems.push(`NetworkPolicy: ${call} is in the request flow but no egress rule allows it`);
    if (!fromOutside && !admitted(call))
      problems.push(`NetworkPolicy: ${call} is in the request flow but no ingress rule allows it`);
    // without the mesh the public entries are open to the way in, whatever it is; with it, to the ingress gateway
    if (fromOutside && !mesh && !ingress.has(call))
      problems.push(`NetworkPolicy: nothing lets clients reach ${call.split('->')[1]}`);
  }
  for (const call of egress)
    if (!expected.has(call)) problems.push(`NetworkPolicy: egress ${call} is not in the request flow`);
  for (const call of ingress)
    if (!expected.has(call)) problems.push(`NetworkPolicy: ingress ${call} is not in the request flow`);
  if (!find(objects, 'NetworkPolicy', 'default-deny', platformNamespace))
    problems.push('NetworkPolicy: no default-deny');
  return problems;
}

interface AuthorizationPolicySpec {
  selector?: { matchLabels?: Record<string, string> };
  action?: string;
  rules?: {
    from?: { source: { principals?: string[]; notRequestPrincipals?: string[] } }[];
    to?: { operation: { ports?: string[] } }[];
  }[];
}

/**
 * The Istio ALLOW policies, with an allow-nothing default: their principals are service accounts that exist (or the
 * ingress gateway's), and the calls they allow, by caller's service account, are exactly the request flow.
 */
export function checkAuthorizationFlow(objects: KubeObject[], ingressServiceAccount: string): string[] {
  const problems: string[] = [];
  const policies = ofKind(objects, 'AuthorizationPolicy').filter((p) => p.metadata.namespace === platformNamespace);
  const allowNothing = policies.find((p) => {
    const spec = p.spec as AuthorizationPolicySpec;
    return !spec.selector && !spec.rules && (spec.action ?? 'ALLOW') === 'ALLOW';
  });
  if (!allowNothing) problems.push(`AuthorizationPolicy: no allow-nothing policy in ${platformNamespace}`);

  const pods = workloads(objects);
  const ingressPrincipal = `cluster.local/ns/istio-system/sa/${ingressServiceAccount}`;
  const callerOf = (principal: string): string | undefined => {
    if (principal === ingressPrincipal) return 'ingress';
    const match = /^cluster\.local\/ns\/([^/]+)\/sa\/([^/]+)$/.exec(principal);
    if (!match || !find(objects, 'ServiceAccount', match[2] ?? '', match[1])) return undefined;
    const user = pods.find((w) => w.namespace === match[1] && (w.podSpec.serviceAccountName ?? 'default') === match[2]);
    return user?.podLabels.app;
  };
  const allowed = new Set<string>();
  for (const policy of policies) {
    const spec = policy.spec as AuthorizationPolicySpec;
    if ((spec.action ?? 'ALLOW') !== 'ALLOW' || !spec.selector) continue;
    const target = appOf(spec.selector.matchLabels);
    for (const rule of spec.rules ?? []) {
      const principals = (rule.from ?? []).flatMap((f) => f.source.principals ?? []);
      const ports = (rule.to ?? []).flatMap((t) => t.operation.ports ?? []);
      if (principals.length === 0) problems.push(`${ref(policy)}: a rule allows any caller`);
      if (ports.length === 0) problems.push(`${ref(policy)}: a rule allows every port`);
      for (const principal of principals) {
        const caller = callerOf(principal);
        if (!caller) {
          problems.push(`${ref(policy)}: principal ${principal} is no ServiceAccount a workload runs as`);
          continue;
        }
        for (const port of ports) allowed.add(`${caller}->${target}:${port}`);
      }
    }
  }
  const expected = new Set<string>(requestFlow);
  for (const call of expected)
    if (!allowed.has(call)) problems.push(`AuthorizationPolicy: ${call} is in the request flow but not allowed`);
  for (const call of allowed)
    if (!expected.has(call)) problems.push(`AuthorizationPolicy: ${call} is allowed but not in the request flow`);

  // every workload runs as its own service account, which exists, so a principal names exactly one workload
  for (const w of pods.filter((p) => p.namespace === platformNamespace)) {
    const account = w.podSpec.serviceAccountName;
    if (!account || !find(objects, 'ServiceAccount', account, w.namespace)) {
      problems.push(
        `${ref(w.object)}: runs as service account ${account ?? 'default'}, which the manifests do not create`,
      );
    } else if (account !== w.podLabels.app) {
      problems.push(`${ref(w.object)}: runs as ${account}, not as its app's own account ${w.podLabels.app}`);
    }
  }
  return problems;
}
