import { TLS_FILES } from "../config/settings";

/** The material of a cluster as plain strings (inside an `apply`). */
export interface BundleMaterial {
    caCertPem: string;
    /** certPem/keyPem undefined when Vault issues the servers' certificates. */
    servers: { nodeName: string; configJson: string; configHcl: string; certPem?: string; keyPem?: string }[];
    clientConfigJson: string;
    clients: { nodeName: string; identityJson: string }[];
    /** Undefined when Vault issues the certificates. */
    cliCertPem?: string;
    cliKeyPem?: string;
    /** How the agent runs (no secret): systemd units and the user/directory snippets. */
    process: AgentProcessFiles;
}

/** The rendered process files, by bundle path (plain). */
export type AgentProcessFiles = Record<string, string>;

/** Mode of every bundle file: 0600 for anything holding a key or token (CSM-OS-01). */
export type FileModes = Record<string, number>;

/**
 * Lays the material out as files, ready for cloud-init, a Kubernetes Secret or a VM image:
 *   ca.pem, servers/<node>/{consul.json,consul.hcl,server.pem,server-key.pem},
 *   client/consul.json, client/<node>/agent.json, cli/{cli.pem,cli-key.pem}.
 * Configs hold the gossip key and tokens, so they are 0600 like the keys. Certificates from Vault
 * (`certificates.source: "vault-pki"`): no server.pem, server-key.pem or cli/ (vault/bundle.ts adds
 * what replaces them).
 */
export function bundleFiles(m: BundleMaterial): Record<string, string> {
    const files: Record<string, string> = { [TLS_FILES.ca]: m.caCertPem };
    for (const s of m.servers) {
        files[`servers/${s.nodeName}/consul.json`] = s.configJson;
        files[`servers/${s.nodeName}/consul.hcl`] = s.configHcl;
        if (s.certPem !== undefined && s.keyPem !== undefined) {
            files[`servers/${s.nodeName}/${TLS_FILES.serverCert}`] = s.certPem;
            files[`servers/${s.nodeName}/${TLS_FILES.serverKey}`] = s.keyPem;
        }
    }
    files["client/consul.json"] = m.clientConfigJson;
    for (const c of m.clients) files[`client/${c.nodeName}/agent.json`] = c.identityJson;
    if (m.cliCertPem !== undefined && m.cliKeyPem !== undefined) {
        files["cli/cli.pem"] = m.cliCertPem;
        files["cli/cli-key.pem"] = m.cliKeyPem;
    }
    Object.assign(files, m.process);
    return files;
}

/** Where the process files go in the bundle (install as /etc/systemd/system/consul.service, /usr/lib/sysusers.d/consul.conf, /usr/lib/tmpfiles.d/consul.conf). */
export const AGENT_PROCESS_PATHS = ["systemd/server/consul.service", "systemd/client/consul.service", "systemd/sysusers.d/consul.conf", "systemd/tmpfiles.d/consul.conf"] as const;

/** File modes for the same layout, known without any secret (plain, usable at preview). */
export function bundleFileModes(serverNames: string[], clientNames: string[], withCertificates = true): FileModes {
    const modes: FileModes = { [TLS_FILES.ca]: 0o644, "client/consul.json": 0o600, ...(withCertificates ? { "cli/cli.pem": 0o644, "cli/cli-key.pem": 0o600 } : {}) };
    for (const n of serverNames) {
        modes[`servers/${n}/consul.json`] = 0o600;
        modes[`servers/${n}/consul.hcl`] = 0o600;
        if (!withCertificates) continue;
        modes[`servers/${n}/${TLS_FILES.serverCert}`] = 0o644;
        modes[`servers/${n}/${TLS_FILES.serverKey}`] = 0o600;
    }
    for (const n of clientNames) modes[`client/${n}/agent.json`] = 0o600;
    for (const path of AGENT_PROCESS_PATHS) modes[path] = 0o644;
    return modes;
}
