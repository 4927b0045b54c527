/**
 * The Connect CA in Vault (issue 24, CSM-CA-01): Consul's servers manage a root and an intermediate
 * PKI mount of their own and log into Vault with an AppRole — never a static `token`, which expires
 * (consul#16106) and would sit in every server's config. Pure: VaultPki turns it into resources.
 *
 * The policy is what Consul 1.16's Vault provider does with Consul-managed mounts
 * (agent/connect/ca/provider_vault.go): it creates both mounts and may unmount the intermediate
 * (`mountNamespaced`, `unmountNamespaced`: `sys/mounts/<path>`), tunes the intermediate's TTL
 * (`tuneMountNamespaced`: `sys/mounts/<intermediate>/tune`), generates and signs under both
 * paths, and looks up and renews its own token (`Configure`: `LookupSelf`, `renewToken`).
 */
import { CheckedVaultPki } from "./vaultPkiOptions";

export interface ConnectCaPlan {
    /** One Vault role (AppRole, or Kubernetes bound to every server's service account) for every server: only the leader signs, but any server may become leader. */
    roleName: string;
    policyName: string;
    /** Vault policy HCL over exactly the two mounts Consul manages, and the token's own renewal. */
    policyHcl: string;
    /** The servers' `connect` block (no secret: the credentials are files beside the config). */
    connect: ConnectBlock;
}

/** Consul's `connect` block with the Vault provider. */
export interface ConnectBlock {
    enabled: boolean;
    /** "vault" */
    ca_provider: string;
    ca_config: VaultCaConfig;
}

export interface VaultCaConfig {
    address: string;
    root_pki_path: string;
    intermediate_pki_path: string;
    /** The CA of Vault's HTTPS certificate (https addresses only). */
    ca_file?: string;
    auth_method: VaultCaAuthMethod;
}

export interface VaultCaAuthMethod {
    /** "approle" or "kubernetes" */
    type: string;
    mount_path: string;
    /** AppRole: role_id_file_path and secret_id_file_path. Kubernetes: role and token_path (agent/connect/ca/provider_vault_auth_k8s.go, K8sLoginDataGen). */
    params: Record<string, string>;
}

/** How the servers' Connect CA logs in: AppRole files in agentDir, or the pod's projected service-account token. */
export type ConnectCaLogin = { method: "approle"; agentDir: string } | { method: "kubernetes"; mountPath: string; tokenPath: string };

export function planConnectCa(datacenter: string, c: CheckedVaultPki & { connectCa: NonNullable<CheckedVaultPki["connectCa"]> }, login: ConnectCaLogin, vaultCaFile?: string): ConnectCaPlan {
    const { rootPath, intermediatePath } = c.connectCa;
    const crud = '["create", "read", "update", "delete", "list"]';
    const block = (path: string, caps: string) => `path "${path}" {\n  capabilities = ${caps}\n}\n`;
    const name = `consul-${datacenter}-connect-ca`;
    return {
        roleName: name,
        policyName: name,
        policyHcl: [
            block(`sys/mounts/${rootPath}`, crud),
            block(`sys/mounts/${intermediatePath}`, crud),
            block(`sys/mounts/${intermediatePath}/tune`, '["update"]'),
            block(`${rootPath}/*`, crud),
            block(`${intermediatePath}/*`, crud),
            block("auth/token/renew-self", '["update"]'),
            block("auth/token/lookup-self", '["read"]'),
        ].join("\n"),
        connect: {
            enabled: true,
            ca_provider: "vault",
            ca_config: {
                address: c.address,
                root_pki_path: rootPath,
                intermediate_pki_path: intermediatePath,
                ...(vaultCaFile ? { ca_file: vaultCaFile } : {}),
                auth_method:
                    login.method === "approle"
                        ? {
                              type: "approle",
                              mount_path: c.approlePath,
                              params: { role_id_file_path: `${login.agentDir}/connect-ca-role-id`, secret_id_file_path: `${login.agentDir}/connect-ca-secret-id` },
                          }
                        : { type: "kubernetes", mount_path: login.mountPath, params: { role: name, token_path: login.tokenPath } },
            },
        },
    };
}
