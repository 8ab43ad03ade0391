// The Pod Security Standard "restricted" (https://kubernetes.io/docs/concepts/security/pod-security-standards/),
// every control of its baseline and restricted levels, for each pod of a namespace that enforces it; and every
// namespace the manifests create enforces it. Written out here because no schema states admission policy.
import type { IContainer, IPodSpec, ISecurityContext } from 'kubernetes-models/v1';
import { type KubeObject, ofKind, ref, workloads } from '../kube-object.js';

const allowedVolumeTypes = [
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'persistentVolumeClaim',
  'projected',
  'secret',
];
const safeSysctls = [
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
];

export function podSecurityProblems(podSpec: IPodSpec): string[] {
  const problems: string[] = [];
  const pod = podSpec.securityContext ?? {};
  if (podSpec.hostNetwork || podSpec.hostPID || podSpec.hostIPC) problems.push('shares a host namespace');
  for (const volume of podSpec.volumes ?? []) {
    const type = Object.keys(volume).find((k) => k !== 'name');
    if (!type || !allowedVolumeTypes.includes(type)) problems.push(`volume ${volume.name} is of type ${type}`);
  }
  for (const sysctl of pod.sysctls ?? [])
    if (!safeSysctls.includes(sysctl.name)) problems.push(`sysctl ${sysctl.name}`);
  if (pod.seLinuxOptions?.user || pod.seLinuxOptions?.role) problems.push('sets an SELinux user or role');
  if (pod.appArmorProfile?.type === 'Unconfined') problems.push('AppArmor is unconfined');
  if (pod.windowsOptions?.hostProcess) problems.push('is a Windows host process');
  if (pod.runAsUser === 0) problems.push('runs as uid 0');
  if (pod.seccompProfile && !['RuntimeDefault', 'Localhost'].includes(pod.seccompProfile.type))
    problems.push(`seccomp ${pod.seccompProfile.type}`);

  const containers: IContainer[] = [...(podSpec.initContainers ?? []), ...podSpec.containers];
  for (const container of containers) {
    const c: ISecurityContext = container.securityContext ?? {};
    const name = `container ${container.name}`;
    if (c.privileged) problems.push(`${name} is privileged`);
    if (c.allowPrivilegeEscalation !== false) problems.push(`${name} does not set allowPrivilegeEscalation: false`);
    if (!(c.capabilities?.drop ?? []).includes('ALL')) problems.push(`${name} does not drop ALL capabilities`);
    for (const added of c.capabilities?.add ?? [])
      if (added !== 'NET_BIND_SERVICE') problems.push(`${name} adds ${added}`);
    if ((c.runAsNonRoot ?? pod.runAsNonRoot) !== true) problems.push(`${name} does not set runAsNonRoot`);
    if (c.runAsUser === 0) problems.push(`${name} runs as uid 0`);
    const seccomp = c.seccompProfile ?? pod.seccompProfile;
    if (!seccomp || !['RuntimeDefault', 'Localhost'].includes(seccomp.type))
      problems.push(`${name} has no RuntimeDefault or Localhost seccomp profile`);
    if (c.procMount && c.procMount !== 'Default') problems.push(`${name} sets procMount ${c.procMount}`);
    if (c.seLinuxOptions?.user || c.seLinuxOptions?.role) problems.push(`${name} sets an SELinux user or role`);
    if (c.appArmorProfile?.type === 'Unconfined') problems.push(`${name} AppArmor is unconfined`);
    if (c.windowsOptions?.hostProcess) problems.push(`${name} is a Windows host process`);
    for (const port of container.ports ?? [])
      if (port.hostPort) problems.push(`${name} uses host port ${port.hostPort}`);
  }
  return problems;
}

export function checkPodSecurity(objects: KubeObject[]): string[] {
  const problems: string[] = [];
  const restricted = new Set<string>();
  for (const namespace of ofKind(objects, 'Namespace')) {
    if (namespace.metadata.labels?.['pod-security.kubernetes.io/enforce'] === 'restricted')
      restricted.add(namespace.metadata.name);
    else problems.push(`${ref(namespace)}: does not enforce Pod Security "restricted"`);
  }
  for (const w of workloads(objects)) {
    if (!restricted.has(w.namespace)) {
      problems.push(`${ref(w.object)}: its namespace is not one the manifests create under "restricted"`);
      continue;
    }
    for (const problem of podSecurityProblems(w.podSpec)) problems.push(`${ref(w.object)}: ${problem}`);
  }
  return problems;
}
