/**
 * The Kubernetes Pod Security Standards' **restricted** profile (baseline + restricted controls,
 * kubernetes.io/docs/concepts/security/pod-security-standards/, policy version "latest" as of
 * Kubernetes 1.30), as checks on a pod spec: the oracle the Kubernetes tests judge pods with.
 */
type Obj = Record<string, any>;

const RESTRICTED_VOLUMES = ["configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret"];
const BASELINE_CAPS = ["AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"];
const SAFE_SYSCTLS = ["kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.ip_unprivileged_port_start", "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range", "net.ipv4.ip_local_reserved_ports", "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes"];

/** Every violation of the restricted profile, as "control: where". Empty means the pod is admitted. */
export function restrictedViolations(pod: Obj): string[] {
    const out: string[] = [];
    const psc: Obj = pod.securityContext ?? {};
    const containers: Obj[] = [...(pod.containers ?? []), ...(pod.initContainers ?? []), ...(pod.ephemeralContainers ?? [])];
    // Baseline
    for (const k of ["hostNetwork", "hostPID", "hostIPC"]) if (pod[k]) out.push(`host namespaces: ${k}`);
    for (const v of pod.volumes ?? []) if (v.hostPath) out.push(`hostPath volumes: ${v.name}`);
    for (const s of psc.sysctls ?? []) if (!SAFE_SYSCTLS.includes(s.name)) out.push(`sysctls: ${s.name}`);
    // Restricted
    for (const v of pod.volumes ?? []) {
        const kind = Object.keys(v).find((k) => k !== "name");
        if (!kind || !RESTRICTED_VOLUMES.includes(kind)) out.push(`volume types: ${v.name} (${kind})`);
    }
    for (const c of containers) {
        const sc: Obj = c.securityContext ?? {};
        const at = `container ${c.name}`;
        if (sc.privileged) out.push(`privileged: ${at}`);
        for (const p of c.ports ?? []) if (p.hostPort) out.push(`host ports: ${at}`);
        for (const cap of sc.capabilities?.add ?? []) if (!BASELINE_CAPS.includes(cap)) out.push(`capabilities (baseline): ${at} adds ${cap}`);
        if (sc.procMount && sc.procMount !== "Default") out.push(`/proc mount: ${at}`);
        if (sc.allowPrivilegeEscalation !== false) out.push(`privilege escalation: ${at}`);
        if (!(sc.runAsNonRoot ?? psc.runAsNonRoot)) out.push(`running as non-root: ${at}`);
        if ((sc.runAsUser ?? psc.runAsUser) === 0) out.push(`running as non-root user: ${at}`);
        const seccomp = sc.seccompProfile?.type ?? psc.seccompProfile?.type;
        if (seccomp !== "RuntimeDefault" && seccomp !== "Localhost") out.push(`seccomp: ${at}`);
        if (!(sc.capabilities?.drop ?? []).includes("ALL")) out.push(`capabilities: ${at} does not drop ALL`);
        for (const cap of sc.capabilities?.add ?? []) if (cap !== "NET_BIND_SERVICE") out.push(`capabilities: ${at} adds ${cap}`);
    }
    if ((psc.runAsUser ?? 1) === 0) out.push("running as non-root user: pod");
    return out;
}
