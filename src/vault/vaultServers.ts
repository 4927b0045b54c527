/**
 * The Vault certificate source for a cluster's servers, planned and rendered without Vault: the
 * PKI roles, policies and AppRoles Vault must hold (pkiPlan.ts), and per server the Vault Agent
 * config and systemd units (agentFiles.ts) — checked first, so bad options make nothing. What
 * creates the Vault objects (through @pulumi/vault) and wires the files into HardenedCluster's
 * bundle builds on this (issue 24).
 */
import { ProblemList } from "../errors";
import { vaultAgentConfig, vaultAgentUnits } from "./agentFiles";
import { planVaultPki, VaultPkiPlan, VaultPkiServer } from "./pkiPlan";
import { checkVaultPkiOptions, VaultPkiOptions } from "./vaultPkiOptions";

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
    /** Per server node: file name → content (`vault-agent.hcl` and the systemd units). */
    files: Record<string, Record<string, string>>;
    /** The renewal timer's period in seconds (a third of the TTL). */
    renewEverySeconds: number;
}

/** Plans and renders the Vault certificate source; throws ConsulHardenedOptionError naming every bad option. */
export function vaultServers(i: VaultServersInput, component = "VaultPki"): VaultServers {
    const p = new ProblemList();
    const checked = checkVaultPkiOptions(i.vault, i.datacenter, "vault", p);
    p.throwIfAny(component);
    const c = checked!;
    const tlsDir = i.tlsDir ?? "/etc/consul.d/tls";
    const agentDir = i.agentDir ?? "/etc/consul.d/vault-agent";
    const plan = planVaultPki({ datacenter: i.datacenter, domain: i.domain ?? "consul", mountPath: c.mountPath, approlePath: c.approlePath, servers: i.servers, ttl: c.ttl, maxTtl: c.maxTtl });
    const files: VaultServers["files"] = {};
    for (const role of plan.roles)
        files[role.nodeName] = {
            "vault-agent.hcl": vaultAgentConfig({ vaultAddress: c.address, vaultCaFile: `${agentDir}/vault-ca.pem`, approlePath: c.approlePath, mountPath: c.mountPath, role, tlsDir, agentDir, ttl: c.ttl, renewEverySeconds: c.renewEverySeconds }),
            ...vaultAgentUnits({ agentDir, tlsDir, renewEverySeconds: c.renewEverySeconds }),
        };
    return { plan, files, renewEverySeconds: c.renewEverySeconds };
}
