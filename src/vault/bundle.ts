/**
 * A HardenedCluster bundle with its server certificates from Vault (issue 24): the same layout
 * (bundle.ts) with what changes when VaultPki is the source —
 *   ca.pem                              Vault's issuing CA (every agent's ca_file; clients keep auto_encrypt)
 *   servers/<node>/server.pem, -key.pem gone: each server's Vault Agent writes them, renewed every TTL/3
 *   servers/<node>/vault-pki.json       Consul config beside consul.json: auto_reload_config, the Connect CA in Vault
 *   servers/<node>/vault-agent/…        vault-agent.hcl, role-id, secret-id (and the Connect CA's) for agentDir
 *   systemd/vault-agent/…               the agent's unit and its renewal timer
 *   cli/cli.pem, cli-key.pem            gone: operators issue `cli.<dc>.<domain>` from VaultPki's CLI role
 * A server never holds a certificate from a CA in Pulumi state; with `certificates.source:
 * "vault-pki"` the cluster made none, so no server key is in state either.
 */
import * as pulumi from "@pulumi/pulumi";
import { TLS_FILES } from "../config/settings";
import { FileModes } from "../cluster/bundle";
import type { HardenedCluster } from "../cluster/hardenedCluster";
import { ProblemList } from "../errors";
import { VaultPki } from "./vaultPki";
import { VaultPkiRole } from "./pkiPlan";
import { parseHcl } from "../hcl/parse";
import { credentialFileNames, VAULT_CA_FILE } from "./vaultServers";

/** A cluster's bundle with its servers' certificates from Vault: the files (secret) and their modes (plain). */
export interface VaultPkiBundle {
    files: pulumi.Output<Record<string, string>>;
    fileModes: FileModes;
}

/**
 * The cluster's files with the server certificates from Vault. Refused before anything (naming the
 * servers) when VaultPki's servers are not exactly the cluster's.
 */
export function vaultPkiBundle(cluster: Pick<HardenedCluster, "files" | "fileModes" | "review">, pki: VaultPki): VaultPkiBundle {
    const nodes = Object.keys(pki.serverFiles);
    const bundled = [...new Set(Object.keys(cluster.fileModes).filter((p) => p.startsWith("servers/")).map((p) => p.split("/")[1]))];
    const p = new ProblemList();
    if (nodes.length !== bundled.length || nodes.some((n) => !bundled.includes(n)))
        p.add("VaultPki servers", nodes.join(", "), `not the cluster's servers (${bundled.join(", ")})`, "give VaultPki the cluster's server node names, one entry each");
    else for (const role of pki.plan.roles) namesProblems(role, cluster.review.servers[role.nodeName], p);
    p.throwIfAny("vaultPkiBundle");
    const files = pulumi.secret(
        pulumi.all([cluster.files, pki.caPem, pki.serverCredentials, pki.vaultCaPem]).apply(([clusterFiles, caPem, credentials, vaultCaPem]) => {
            const out: Record<string, string> = {};
            for (const [path, content] of Object.entries(clusterFiles)) if (!replaced(path)) out[path] = content;
            out[TLS_FILES.ca] = caPem;
            for (const n of nodes) {
                const { "vault-pki.json": consulFragment, "vault-agent.hcl": agentConfig, ...units } = pki.serverFiles[n];
                out[`servers/${n}/vault-pki.json`] = consulFragment;
                out[`servers/${n}/vault-agent/vault-agent.hcl`] = agentConfig;
                for (const [file, content] of Object.entries(credentials[n])) out[`servers/${n}/vault-agent/${file}`] = content;
                if (vaultCaPem !== undefined) out[`servers/${n}/vault-agent/${VAULT_CA_FILE}`] = vaultCaPem;
                for (const [unit, content] of Object.entries(units)) out[`systemd/vault-agent/${unit}`] = content;
            }
            return out;
        }),
    );
    return { files, fileModes: modesOf(cluster.fileModes, pki) };
}

/**
 * Whether Vault's certificate for a server carries what the cluster's config needs: the name every
 * agent verifies (`server.<datacenter>.<domain>`, verify_server_hostname) and the server's own
 * address (clients reaching it by IP — providerArgs, the CLI — check it). A VaultPki given another
 * datacenter, domain or address would make certificates the cluster refuses, found only once the
 * servers run. Read from the cluster's review (plain at preview).
 */
function namesProblems(role: VaultPkiRole, reviewHcl: string | undefined, p: ProblemList): void {
    if (reviewHcl === undefined) return;
    const config = parseHcl(reviewHcl);
    const serverName = `server.${String(config.datacenter)}.${String(config.domain ?? "consul")}`;
    if (role.commonName !== serverName)
        p.add("VaultPki datacenter / domain", role.commonName, `the cluster's agents verify the servers as ${serverName}`, "give VaultPki the cluster's datacenter and domain");
    const address = config.bind_addr;
    if (typeof address === "string" && !role.ipSans.includes(address))
        p.add(`VaultPki servers (${role.nodeName}).addresses`, role.ipSans.filter((ip) => ip !== "127.0.0.1"), `lack the server's address ${address}: clients that reach it by IP (providerArgs, the CLI) would refuse its certificate`, `addresses: ["${address}"]`);
}

/** The static path's server certificates and CLI certificate: not in a Vault bundle. */
const replaced = (path: string) => /^servers\/[^/]+\/(server\.pem|server-key\.pem)$/.test(path) || path.startsWith("cli/");

function modesOf(clusterModes: FileModes, pki: VaultPki): FileModes {
    const modes: FileModes = {};
    for (const [path, mode] of Object.entries(clusterModes)) if (!replaced(path)) modes[path] = mode;
    for (const n of Object.keys(pki.serverFiles)) {
        modes[`servers/${n}/vault-pki.json`] = 0o600;
        modes[`servers/${n}/vault-agent/vault-agent.hcl`] = 0o600;
        for (const file of credentialFileNames(pki.connectCa !== undefined, pki.kubernetes !== undefined)) modes[`servers/${n}/vault-agent/${file}`] = 0o600;
        if (pki.vaultCaPem !== undefined) modes[`servers/${n}/vault-agent/${VAULT_CA_FILE}`] = 0o644;
        for (const unit of Object.keys(pki.serverFiles[n]).filter((f) => /\.(service|timer)$/.test(f))) modes[`systemd/vault-agent/${unit}`] = 0o644;
    }
    return modes;
}
