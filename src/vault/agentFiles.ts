/**
 * The files a server needs to take its certificate from Vault (issue 24): a Vault Agent config that
 * logs in with the server's AppRole and renders `server.pem`, `server-key.pem` and `ca.pem` where
 * the server's Consul config expects them, with the bundle's modes — and, because Vault Agent alone
 * renews too late for this library's rule, a systemd timer that restarts it every third of the TTL.
 *
 * Renewal facts (Vault 1.14 vendors consul-template v0.33.0): a `secret "<mount>/issue/<role>"`
 * answer with `no_store` has no lease, so consul-template takes the certificate's `expiration` as
 * the lease and re-fetches a non-renewable lease at 0.90 ± 0.05 of it (dependency/vault_common.go,
 * leaseCheckWait; VaultLeaseRenewalThreshold defaults to 0.90 and Vault 1.14's agent has no setting
 * for it); `pkiCert` re-fetches at 87–93 % of the remaining life (dependency/vault_pki.go, goodFor).
 * Both renew with about a tenth of the life left. A restart renders every template afresh (a
 * `secret` write is fetched again on start), so the timer restarting the agent at TTL/3 renews at
 * one third of the life — within the two thirds the checklist's early renewal asks (CSM-ROT-01).
 *
 * The three templates make the same `secret` call: consul-template keys a write by its path and a
 * hash of its data (dependency/vault_write.go, String) and watches one dependency per key
 * (watch/watcher.go, Add), so the certificate, its key and its CA come from one issue. Consul reads the new
 * files on its own with `auto_reload_config = true` (no restart).
 */
import { VaultPkiRole } from "./pkiPlan";

export interface VaultAgentInput {
    /** Vault's address as the server reaches it (https, or http on loopback only). */
    vaultAddress: string;
    /** Where the server keeps the CA of Vault's own HTTPS certificate (none for http on loopback). */
    vaultCaFile?: string;
    /** How the agent logs in: the server's AppRole (VMs) or its pod's service account (Kubernetes). */
    login: AgentLogin;
    mountPath: string;
    role: VaultPkiRole;
    /** Directory of the Consul TLS files (the server's tls_* paths point here). */
    tlsDir: string;
    /** Directory of the Vault Agent config and the AppRole credentials. */
    agentDir: string;
    /** Certificate lifetime the template asks for (Go duration). */
    ttl: string;
    /** The timer's period: a third of the TTL, in seconds. */
    renewEverySeconds: number;
}

/**
 * The agent's login. AppRole: the role and secret ID files in agentDir. Kubernetes: the pod's
 * projected service-account token and the server's own Vault role (command/agentproxyshared/auth/
 * kubernetes/kubernetes.go in Vault 1.14: `role`, `token_path`).
 */
export type AgentLogin = { method: "approle"; mountPath: string } | { method: "kubernetes"; mountPath: string; role: string; tokenPath: string };

/** HCL string literal (Vault Agent's config is HCL): quotes and backslashes escaped. */
const q = (s: string) => JSON.stringify(s);

/** The Go-template call every one of the three templates makes. */
export function issueCall(i: Pick<VaultAgentInput, "mountPath" | "role" | "ttl">): string {
    const args = [`common_name=${i.role.commonName}`, `alt_names=${i.role.altNames.join(",")}`, `ip_sans=${i.role.ipSans.join(",")}`, `ttl=${i.ttl}`];
    return `secret ${[`${i.mountPath}/issue/${i.role.name}`, ...args].map((a) => JSON.stringify(a)).join(" ")}`;
}

/** The Vault Agent config (HCL) of one server. */
export function vaultAgentConfig(i: VaultAgentInput): string {
    const call = issueCall(i);
    const template = (field: string, file: string, perms: string) =>
        [
            "template {",
            `  contents    = ${q(`{{ with ${call} }}{{ .Data.${field} }}{{ end }}`)}`,
            `  destination = ${q(`${i.tlsDir}/${file}`)}`,
            `  perms       = ${q(perms)}`,
            "}",
        ].join("\n");
    return (
        [
            "# Vault Agent for one Consul server: its certificate from Vault's PKI (consul-hardened).",
            "vault {",
            `  address = ${q(i.vaultAddress)}`,
            ...(i.vaultCaFile ? [`  ca_cert = ${q(i.vaultCaFile)}`] : []),
            "}",
            "",
            "auto_auth {",
            `  method ${q(i.login.method)} {`,
            `    mount_path = ${q(`auth/${i.login.mountPath}`)}`,
            "    config = {",
            ...(i.login.method === "approle"
                ? [
                      `      role_id_file_path                   = ${q(`${i.agentDir}/role-id`)}`,
                      `      secret_id_file_path                 = ${q(`${i.agentDir}/secret-id`)}`,
                      "      remove_secret_id_file_after_reading = false",
                  ]
                : [`      role       = ${q(i.login.role)}`, `      token_path = ${q(i.login.tokenPath)}`]),
            "    }",
            "  }",
            "}",
            "",
            "# A template that cannot be rendered stops the agent (and systemd restarts it): never a stale file.",
            "template_config {",
            "  exit_on_retry_failure = true",
            "}",
            "",
            template("certificate", "server.pem", "0644"),
            "",
            template("private_key", "server-key.pem", "0600"),
            "",
            template("issuing_ca", "ca.pem", "0644"),
        ].join("\n") + "\n"
    );
}

/** The systemd units: the agent, and the timer that restarts it every third of the TTL. */
export function vaultAgentUnits(i: Pick<VaultAgentInput, "agentDir" | "tlsDir" | "renewEverySeconds">, binary = "/usr/bin/vault", user = "consul"): Record<string, string> {
    return {
        "consul-vault-agent.service": [
            "[Unit]",
            "Description=Vault Agent rendering the Consul server's certificate (consul-hardened)",
            "Wants=network-online.target",
            "After=network-online.target",
            "",
            "[Service]",
            `User=${user}`,
            `Group=${user}`,
            `ExecStart=${binary} agent -config=${i.agentDir}/vault-agent.hcl`,
            "Restart=on-failure",
            "RestartSec=5",
            "UMask=0077",
            // The same confinement as Consul's own unit (src/runtime/systemd.ts): no capability, a
            // read-only system, and it writes the rendered files into the TLS directory only (no
            // token sink; the AppRole files are only read).
            "CapabilityBoundingSet=",
            "AmbientCapabilities=",
            "NoNewPrivileges=yes",
            "ProtectSystem=strict",
            `ReadWritePaths=${i.tlsDir}`,
            "ProtectHome=yes",
            "PrivateTmp=yes",
            "PrivateDevices=yes",
            "DevicePolicy=closed",
            "ProtectProc=invisible",
            "ProcSubset=pid",
            "RemoveIPC=yes",
            "ProtectKernelTunables=yes",
            "ProtectKernelModules=yes",
            "ProtectKernelLogs=yes",
            "ProtectControlGroups=yes",
            "ProtectClock=yes",
            "ProtectHostname=yes",
            "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX AF_NETLINK",
            "RestrictNamespaces=yes",
            "RestrictRealtime=yes",
            "RestrictSUIDSGID=yes",
            "LockPersonality=yes",
            "MemoryDenyWriteExecute=yes",
            "SystemCallArchitectures=native",
            "SystemCallFilter=@system-service",
            "SystemCallFilter=~@privileged",
            "SystemCallErrorNumber=EPERM",
            "PrivateUsers=yes",
            "",
            "[Install]",
            "WantedBy=multi-user.target",
            "",
        ].join("\n"),
        "consul-vault-agent-renew.service": [
            "[Unit]",
            "Description=Restart Vault Agent so it issues the Consul server's certificate afresh (consul-hardened)",
            "",
            "[Service]",
            "Type=oneshot",
            "ExecStart=/usr/bin/systemctl try-restart consul-vault-agent.service",
            "",
        ].join("\n"),
        "consul-vault-agent-renew.timer": [
            "[Unit]",
            "Description=Renew the Consul server's certificate at a third of its lifetime (consul-hardened)",
            "",
            "[Timer]",
            `OnUnitActiveSec=${i.renewEverySeconds}s`,
            `OnBootSec=${i.renewEverySeconds}s`,
            "",
            "[Install]",
            "WantedBy=timers.target",
            "",
        ].join("\n"),
    };
}
