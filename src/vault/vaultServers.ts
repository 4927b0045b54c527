/**
 * The Vault certificate source for a cluster's servers, planned and rendered without Vault: the
 * PKI roles, policies and AppRoles Vault must hold (pkiPlan.ts), the Connect CA's login
 * (connectCaPlan.ts), and per server the Vault Agent config, systemd units and Consul fragment
 * (agentFiles.ts). Pure: VaultPki turns the plan into resources; `vaultServers` checks the options
 * first, so bad options make nothing.
 */
import { ProblemList } from "../errors";
import { DEFAULT_PATHS } from "../config/settings";
import { AgentLogin, vaultAgentConfig, vaultAgentUnits } from "./agentFiles";
import { ConnectCaPlan, planConnectCa } from "./connectCaPlan";
import { VAULT_TOKEN_PATH } from "./kubernetesAuthOptions";
import { VaultAgentPod, vaultAgentPod } from "./kubernetesPod";
import { planCliRole, planVaultPki, VaultCliRole, VaultPkiPlan, VaultPkiServer } from "./pkiPlan";
import { CheckedVaultPki, checkVaultPkiOptions, VaultPkiOptions } from "./vaultPkiOptions";

/** Where the servers keep the Vault Agent config and AppRole credentials unless told otherwise. */
export const DEFAULT_AGENT_DIR = "/etc/consul.d/vault-agent";

/** The AppRole credential files in agentDir (mode 0600): the server's own login, then the Connect CA's. None on Kubernetes. */
export function credentialFileNames(withConnectCa: boolean, kubernetes = false): string[] {
    if (kubernetes) return [];
    return ["role-id", "secret-id", ...(withConnectCa ? ["connect-ca-role-id", "connect-ca-secret-id"] : [])];
}

/** The file beside the agent's config holding the CA of Vault's HTTPS certificate (`vaultCaPem`). */
export const VAULT_CA_FILE = "vault-ca.pem";

export interface VaultServersInput {
    datacenter: string;
    /** @default "consul" */
    domain?: string;
    servers: VaultPkiServer[];
    vault: VaultPkiOptions;
    /** Where the servers keep Consul's TLS files. @default "/etc/consul.d/tls" */
    tlsDir?: string;
    /** Where the servers keep the Vault Agent config and AppRole credentials. @default "/etc/consul.d/vault-agent" */
    agentDir?: string;
}

export interface VaultServers {
    plan: VaultPkiPlan;
    cliRole: VaultCliRole;
    /** Undefined with `connectCa: { enabled: false }`. */
    connectCa?: ConnectCaPlan;
    /** Per server node: file name → content (`vault-agent.hcl`, the systemd units on VMs, `vault-pki.json`). */
    files: Record<string, Record<string, string>>;
    /** On Kubernetes, per server node: its Vault Agent init container, sidecar, volumes and mounts. */
    pods?: Record<string, VaultAgentPod>;
    /** The renewal timer's period in seconds (a third of the TTL). */
    renewEverySeconds: number;
}

/** Plans and renders from options already checked (checkVaultPkiOptions). */
export function planVaultServers(c: CheckedVaultPki, i: Omit<VaultServersInput, "vault">): VaultServers {
    const domain = i.domain ?? "consul";
    const tlsDir = i.tlsDir ?? DEFAULT_PATHS.tlsDir;
    const agentDir = i.agentDir ?? DEFAULT_AGENT_DIR;
    const plan = planVaultPki({ datacenter: i.datacenter, domain, mountPath: c.mountPath, approlePath: c.approlePath, servers: i.servers, ttl: c.ttl, maxTtl: c.maxTtl });
    // Vault's own HTTPS certificate is checked against this file when given; else the system's trust store.
    const vaultCaFile = c.vaultCaPem !== undefined ? `${agentDir}/${VAULT_CA_FILE}` : undefined;
    const k8s = c.kubernetes;
    const connectCa = c.connectCa
        ? planConnectCa(
              i.datacenter,
              { ...c, connectCa: c.connectCa },
              k8s ? { method: "kubernetes", mountPath: k8s.path, tokenPath: VAULT_TOKEN_PATH } : { method: "approle", agentDir },
              vaultCaFile,
          )
        : undefined;
    // Consul reads new certificate files without a restart (config/builder.go: AutoReloadConfig).
    const consulFragment = JSON.stringify({ auto_reload_config: true, ...(connectCa ? { connect: connectCa.connect } : {}) }, null, 2) + "\n";
    const files: VaultServers["files"] = {};
    const pods: Record<string, VaultAgentPod> = {};
    for (const role of plan.roles) {
        const login: AgentLogin = k8s ? { method: "kubernetes", mountPath: k8s.path, role: role.name, tokenPath: VAULT_TOKEN_PATH } : { method: "approle", mountPath: c.approlePath };
        files[role.nodeName] = {
            "vault-agent.hcl": vaultAgentConfig({ vaultAddress: c.address, vaultCaFile, login, mountPath: c.mountPath, role, tlsDir, agentDir, ttl: c.ttl, renewEverySeconds: c.renewEverySeconds }),
            // On Kubernetes the sidecar renews (kubernetesPod.ts); on VMs systemd does.
            ...(k8s ? {} : vaultAgentUnits({ agentDir, tlsDir, renewEverySeconds: c.renewEverySeconds })),
            "vault-pki.json": consulFragment,
        };
        if (k8s) pods[role.nodeName] = vaultAgentPod({ nodeName: role.nodeName, auth: k8s, agentDir, tlsDir, renewEverySeconds: c.renewEverySeconds, connectCa: connectCa !== undefined });
    }
    return {
        plan,
        cliRole: planCliRole({ datacenter: i.datacenter, domain, mountPath: c.mountPath, ttl: c.ttl, maxTtl: c.maxTtl }),
        connectCa,
        files,
        ...(k8s ? { pods } : {}),
        renewEverySeconds: c.renewEverySeconds,
    };
}

/** Checks the options, then plans and renders; throws ConsulHardenedOptionError naming every bad option. */
export function vaultServers(i: VaultServersInput, component = "VaultPki"): VaultServers {
    const p = new ProblemList();
    const checked = checkVaultPkiOptions(i.vault, i.datacenter, "vault", p);
    p.throwIfAny(component);
    return planVaultServers(checked!, i);
}
