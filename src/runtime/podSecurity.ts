/**
 * Kubernetes: the pod and container `securityContext` of an agent that meets the **restricted**
 * Pod Security Standard — non-root uid/gid, no privilege escalation, every capability dropped
 * (NET_BIND_SERVICE added back only with `insecure.dnsBelow1024`, the one the standard allows),
 * the runtime's default seccomp profile, a read-only root file system (mount the data directory
 * as a volume). Shaped like the Kubernetes API objects, so it drops into a pod spec.
 */

/** A securityContext's `seccompProfile`. */
export interface SeccompProfileSpec {
    type: string;
}

/** A container's Linux capabilities. */
export interface CapabilitiesSpec {
    drop: string[];
    add?: string[];
}

export interface PodSecurityContextSpec {
    runAsNonRoot: boolean;
    runAsUser: number;
    runAsGroup: number;
    fsGroup: number;
    seccompProfile: SeccompProfileSpec;
}

export interface ContainerSecurityContextSpec {
    runAsNonRoot: boolean;
    runAsUser: number;
    runAsGroup: number;
    allowPrivilegeEscalation: boolean;
    readOnlyRootFilesystem: boolean;
    privileged: boolean;
    capabilities: CapabilitiesSpec;
    seccompProfile: SeccompProfileSpec;
}

export interface PodSecurity {
    pod: PodSecurityContextSpec;
    container: ContainerSecurityContextSpec;
}

export function podSecurity(uid: number, gid: number, bindBelow1024: boolean): PodSecurity {
    const seccompProfile = { type: "RuntimeDefault" };
    return {
        pod: { runAsNonRoot: true, runAsUser: uid, runAsGroup: gid, fsGroup: gid, seccompProfile },
        container: {
            runAsNonRoot: true,
            runAsUser: uid,
            runAsGroup: gid,
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            privileged: false,
            capabilities: { drop: ["ALL"], ...(bindBelow1024 ? { add: ["NET_BIND_SERVICE"] } : {}) },
            seccompProfile,
        },
    };
}
