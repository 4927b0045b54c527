/**
 * A server pod's part in taking its certificate from Vault on Kubernetes (issue 24): an init
 * container that renders `server.pem`, `server-key.pem` and `ca.pem` before Consul starts, and a
 * sidecar that issues them afresh every third of the TTL — both Vault Agent with
 * `-exit-after-auth`, which renders every template once and exits (Vault 1.14
 * command/agent/template/template.go, Run: `doneRendering && ts.exitAfterAuth`). A restart issues
 * afresh as on VMs; a failed render ends the sidecar and the kubelet restarts it.
 *
 * What the pod may touch, and nothing more (the restricted Pod Security Standard, like Consul's own
 * container): the rendered files live in a memory-backed emptyDir the sidecar writes and Consul
 * mounts read-only; the agent config comes from a ConfigMap (no secret in it); the only credential
 * is a projected service-account token for Vault's audience, expiring within the hour, mounted
 * read-only — the pod's default API token is not mounted at all.
 */
import { PodSecurity, podSecurity } from "../runtime/podSecurity";
import { CheckedKubernetesAuth, VAULT_TOKEN_DIR } from "./kubernetesAuthOptions";

export interface VolumeMountSpec {
    name: string;
    mountPath: string;
    readOnly?: boolean;
}

export interface ContainerSpec {
    name: string;
    image: string;
    command: string[];
    securityContext: PodSecurity["container"];
    volumeMounts: VolumeMountSpec[];
}

export interface ConfigMapVolumeSpec {
    name: string;
    defaultMode: number;
}
export interface ServiceAccountTokenProjection {
    audience: string;
    expirationSeconds: number;
    path: string;
}
export interface ProjectionSpec {
    serviceAccountToken: ServiceAccountTokenProjection;
}
export interface ProjectedVolumeSpec {
    sources: ProjectionSpec[];
}
export interface EmptyDirVolumeSpec {
    medium: string;
    sizeLimit: string;
}

/**
 * One of the pod's volumes, shaped like the Kubernetes API's (one source set per volume). An
 * interface rather than a union: the component provider's schema takes no unions.
 */
export interface VolumeSpec {
    name: string;
    configMap?: ConfigMapVolumeSpec;
    projected?: ProjectedVolumeSpec;
    emptyDir?: EmptyDirVolumeSpec;
}

/** One server's Vault Agent in its pod: merge into the StatefulSet's pod spec. */
export interface VaultAgentPod {
    /** The service account the pod runs as: the server's node name, the only one its Vault role accepts. */
    serviceAccountName: string;
    /** false: the pod needs no Kubernetes API token, only the projected one for Vault. */
    automountServiceAccountToken: boolean;
    /** The ConfigMap holding `vault-agent.hcl` (and `vault-ca.pem`): create it from `configMapData`. */
    configMapName: string;
    /** Renders the certificate once before Consul starts. */
    initContainers: ContainerSpec[];
    /** The sidecar issuing the certificate afresh every third of the TTL. */
    containers: ContainerSpec[];
    volumes: VolumeSpec[];
    /** What the Consul container mounts: the TLS directory read-only (and Vault's token for the Connect CA). */
    consulVolumeMounts: VolumeMountSpec[];
}

/** The projected token lives this long (the kubelet renews it at 80 %); Kubernetes' minimum is 600 s. */
const TOKEN_SECONDS = 3600;

export interface VaultAgentPodInput {
    nodeName: string;
    auth: CheckedKubernetesAuth;
    /** Where the containers see the agent config (the ConfigMap's mount). */
    agentDir: string;
    /** Where the containers see the TLS files (the emptyDir's mount). */
    tlsDir: string;
    renewEverySeconds: number;
    /** The Consul container reads the token too when its Connect CA logs into Vault. */
    connectCa: boolean;
}

export function vaultAgentPod(i: VaultAgentPodInput): VaultAgentPod {
    const security = podSecurity(i.auth.runAsUser, i.auth.runAsGroup, false).container;
    const config = `${i.agentDir}/vault-agent.hcl`;
    const mounts: VolumeMountSpec[] = [
        { name: "vault-agent-config", mountPath: i.agentDir, readOnly: true },
        { name: "vault-token", mountPath: VAULT_TOKEN_DIR, readOnly: true },
        { name: "consul-tls", mountPath: i.tlsDir },
    ];
    const container = (name: string, command: string[]): ContainerSpec => ({ name, image: i.auth.agentImage, command, securityContext: security, volumeMounts: mounts });
    const render = ["vault", "agent", "-exit-after-auth", `-config=${config}`];
    return {
        serviceAccountName: i.nodeName,
        automountServiceAccountToken: false,
        configMapName: `${i.nodeName}-vault-agent`,
        initContainers: [container("vault-agent-init", render)],
        // Render, wait a third of the TTL, render again; a failed render ends the container (exit 1).
        containers: [container("vault-agent", ["/bin/sh", "-c", `while ${render.join(" ")}; do sleep ${i.renewEverySeconds}; done; exit 1`])],
        volumes: [
            { name: "vault-agent-config", configMap: { name: `${i.nodeName}-vault-agent`, defaultMode: 0o444 } },
            { name: "vault-token", projected: { sources: [{ serviceAccountToken: { audience: i.auth.audience, expirationSeconds: TOKEN_SECONDS, path: "token" } }] } },
            // In memory: the private key never lands on the node's disk.
            { name: "consul-tls", emptyDir: { medium: "Memory", sizeLimit: "1Mi" } },
        ],
        consulVolumeMounts: [
            { name: "consul-tls", mountPath: i.tlsDir, readOnly: true },
            ...(i.connectCa ? [{ name: "vault-token", mountPath: VAULT_TOKEN_DIR, readOnly: true }] : []),
        ],
    };
}
