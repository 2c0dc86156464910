// The "restricted" Pod Security Standard (https://kubernetes.io/docs/concepts/security/pod-security-standards/),
// checked on every pod template before it reaches a cluster — where a namespace enforcing it would reject the pods
// only at rollout time, and a namespace not enforcing it would run them.
import { ResourceValidationPolicy } from "@pulumi/policy";
import { ContainerRef, Props, containersOf, describeContainer, describeObject, podSpecOf } from "../lib/kubernetes";

const ALLOWED_VOLUME_TYPES = ["configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret"];
const SAFE_SYSCTLS = [
    "kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.ip_unprivileged_port_start",
    "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range", "net.ipv4.ip_local_reserved_ports",
    "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes",
];
const SECCOMP_TYPES = ["RuntimeDefault", "Localhost"];

/** What keeps a pod spec out of the restricted profile, each phrased as the change to make. */
export function restrictedProblems(pod: Props): string[] {
    const problems: string[] = [];
    const podSecurity: Props = pod.securityContext ?? {};
    const containers = containersOf(pod, { init: true, ephemeral: true });

    for (const field of ["hostNetwork", "hostPID", "hostIPC"]) {
        if (pod[field] === true) {
            problems.push(`remove ${field}: true (pods must not share the node's namespaces)`);
        }
    }
    for (const volume of pod.volumes ?? []) {
        const type = Object.keys(volume).find((key) => key !== "name");
        if (type !== undefined && !ALLOWED_VOLUME_TYPES.includes(type)) {
            problems.push(`volume "${volume.name}": replace the ${type} volume with one of ${ALLOWED_VOLUME_TYPES.join(", ")}`);
        }
    }
    for (const sysctl of podSecurity.sysctls ?? []) {
        if (!SAFE_SYSCTLS.includes(sysctl.name)) {
            problems.push(`remove securityContext.sysctls ${sysctl.name} (only the safe sysctls are allowed)`);
        }
    }

    // Fields that may be set on the pod for all containers, or on every container.
    const podNonRoot = podSecurity.runAsNonRoot === true;
    const podSeccomp = SECCOMP_TYPES.includes(podSecurity.seccompProfile?.type);
    if (podSecurity.seccompProfile?.type !== undefined && !podSeccomp) {
        problems.push(`set securityContext.seccompProfile.type to RuntimeDefault (not ${podSecurity.seccompProfile.type})`);
    }
    if (podSecurity.runAsUser === 0) {
        problems.push("set securityContext.runAsUser to a non-zero uid (not 0, root)");
    }
    problems.push(...seLinuxProblems("securityContext", podSecurity));
    if (podSecurity.appArmorProfile?.type === "Unconfined") {
        problems.push("remove securityContext.appArmorProfile type Unconfined");
    }

    for (const ref of containers) {
        problems.push(...containerProblems(ref, { podNonRoot, podSeccomp }));
    }
    return problems;
}

function containerProblems(ref: ContainerRef, pod: { podNonRoot: boolean; podSeccomp: boolean }): string[] {
    const problems: string[] = [];
    const where = describeContainer(ref);
    const security: Props = ref.container.securityContext ?? {};

    if (security.privileged === true) {
        problems.push(`${where}: remove securityContext.privileged: true`);
    }
    if (security.allowPrivilegeEscalation !== false) {
        problems.push(`${where}: set securityContext.allowPrivilegeEscalation: false`);
    }
    if (security.runAsNonRoot === false || (!pod.podNonRoot && security.runAsNonRoot !== true)) {
        problems.push(`${where}: set securityContext.runAsNonRoot: true (here or on the pod)`);
    }
    if (security.runAsUser === 0) {
        problems.push(`${where}: set securityContext.runAsUser to a non-zero uid (not 0, root)`);
    }
    const seccomp = security.seccompProfile?.type;
    if (seccomp !== undefined ? !SECCOMP_TYPES.includes(seccomp) : !pod.podSeccomp) {
        problems.push(`${where}: set securityContext.seccompProfile.type: RuntimeDefault (here or on the pod)`);
    }
    const drop: string[] = security.capabilities?.drop ?? [];
    if (!drop.includes("ALL")) {
        problems.push(`${where}: set securityContext.capabilities.drop: ["ALL"]`);
    }
    const added = (security.capabilities?.add ?? []).filter((capability: string) => capability !== "NET_BIND_SERVICE");
    if (added.length > 0) {
        problems.push(`${where}: remove capabilities.add ${added.join(", ")} (only NET_BIND_SERVICE may be added)`);
    }
    if (security.procMount !== undefined && security.procMount !== "Default") {
        problems.push(`${where}: remove securityContext.procMount ${security.procMount}`);
    }
    problems.push(...seLinuxProblems(`${where}: securityContext`, security));
    if (security.appArmorProfile?.type === "Unconfined") {
        problems.push(`${where}: remove securityContext.appArmorProfile type Unconfined`);
    }
    for (const port of ref.container.ports ?? []) {
        if (port.hostPort !== undefined && port.hostPort !== 0) {
            problems.push(`${where}: remove hostPort ${port.hostPort} (expose the port through a Service)`);
        }
    }
    return problems;
}

function seLinuxProblems(where: string, security: Props): string[] {
    const options: Props | undefined = security.seLinuxOptions;
    if (!options) {
        return [];
    }
    const problems: string[] = [];
    if (options.type !== undefined && !["", "container_t", "container_init_t", "container_kvm_t"].includes(options.type)) {
        problems.push(`${where}.seLinuxOptions.type: use container_t (not ${options.type})`);
    }
    if (options.user || options.role) {
        problems.push(`${where}.seLinuxOptions: remove user and role`);
    }
    return problems;
}

export const podSecurityRestricted: ResourceValidationPolicy = {
    name: "pod-security-restricted",
    description: "Every pod template meets the restricted Pod Security Standard.",
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        // undefined for anything without a pod template
        const pod = podSpecOf(args.type, args.props);
        if (!pod) {
            return;
        }
        const problems = restrictedProblems(pod);
        if (problems.length > 0) {
            reportViolation(
                `${describeObject(args.type, args.props, args.name)} does not meet the restricted Pod Security Standard; ` +
                `${problems.join("; ")}. ` +
                "(goship's WebService sets all of this; see https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted)",
            );
        }
    },
};
