import * as pulumi from "@pulumi/pulumi";
import { BootstrapSecrets } from "../secrets/bootstrapSecrets";
import { requireDeployment } from "../component/deployment";
import { hostPort } from "../validation/net";
import { renderHcl, renderJson } from "../config/render";
import { GossipKeyring } from "../gossip/keyring";
import { RotationPlan } from "../gossip/rotation";
import { AgentTokenRotationPlan, planAgentTokenRotation } from "../acl/agentTokenPlan";
import { assertConfigsHardened, clientIdentityConfig, clientProfileConfig, renderedWeakenings, reviewConfigs, serverConfig } from "./agentConfigs";
import { AGENT_PROCESS_PATHS, bundleFileModes, bundleFiles, FileModes } from "./bundle";
import { systemdUnit, sysusersSnippet, tmpfilesSnippet } from "../runtime/systemd";
import { PodSecurity, podSecurity } from "../runtime/podSecurity";
import { InsecureWarning, normalizeClusterOptions } from "./normalize";
import { publicWrites } from "../validation/writeNetworks";
import { checkedReplicationToken, checkedSecretSeed, keyedGenerations } from "./lateChecks";
import { HardenedClusterArgs } from "./options";
import { CoverageRow, coverageReport } from "../audit/coverage";
import { serverExtraDnsNames } from "./leafNames";
import { AgentCertProfile } from "../tls/profiles";
import { CaRolloverPlan } from "../tls/rollover/plan";
import { stateCertificates } from "./stateCertificates";
import { vaultCertificates } from "./validate";
import { checkedCertificatePem } from "../validation/whenKnown";

/** One server's files and when its certificate expires. */
export interface ServerMaterial {
    /** The server's node name. */
    nodeName: string;
    /** Complete agent config as JSON (secret: holds the gossip key and tokens). */
    config: pulumi.Output<string>;
    /** The same config as HCL (secret). */
    configHcl: pulumi.Output<string>;
    /** The server certificate (`server.pem`), profile `server`. Undefined with `certificates.source: "vault-pki"`. */
    certPem?: pulumi.Output<string>;
    /** Its private key (`server-key.pem`, secret). Undefined with `certificates.source: "vault-pki"`. */
    keyPem?: pulumi.Output<string>;
    /** When the server certificate expires (RFC 3339). Undefined with `certificates.source: "vault-pki"`. */
    notAfter?: pulumi.Output<string>;
    /** From when the next `pulumi up` renews it (RFC 3339). Undefined with `certificates.source: "vault-pki"`. */
    renewAfter?: pulumi.Output<string>;
}

/** One client agent's identity: its node name and its own agent token. */
export interface ClientMaterial {
    /** The client's node name. */
    nodeName: string;
    /** This client's agent token SecretID (secret). */
    agentToken: pulumi.Output<string>;
    /** `client/<node>/agent.json`: node_name and agent token, loaded beside the profile (secret). */
    identityConfig: pulumi.Output<string>;
}

/** What a reviewer reads: every rendered config as HCL, secrets shown as "<secret>". */
export interface ClusterReview {
    /** Server node name → its config. */
    servers: Record<string, string>;
    /** The client profile. */
    client: string;
}

/** Arguments for `new consul.Provider(...)` talking to this cluster over mTLS. */
export interface ConsulProviderArgs {
    /** `host:port` of the first server's HTTPS API. */
    address: string;
    /** Always "https": the servers serve no plaintext HTTP. */
    scheme: string;
    /** The cluster's datacenter. */
    datacenter: string;
    /** The CA certificate the servers' HTTPS certificates chain to. */
    caPem: pulumi.Output<string>;
    /** The CLI client certificate the servers require (mTLS). */
    certPem: pulumi.Output<string>;
    /** Its private key (secret). */
    keyPem: pulumi.Output<string>;
    /** The initial management token; undefined in a secondary datacenter (use the primary's). */
    token?: pulumi.Output<string>;
    /** The servers' `allow_write_http_from`: where HTTP writes (every ACL change) may come from. */
    writeFrom: string[];
}

/**
 * A hardened Consul cluster's key material and agent configs: CA, server/CLI certificates,
 * gossip keyring, bootstrap tokens, and server/client configs that meet the Security Model
 * checklist by default. It creates no machines; its outputs go to whatever runs the agents.
 *
 * ```ts
 * const cluster = new HardenedCluster("prod", { datacenter: "dc1", servers: 3 });
 * export const serverConfigs = cluster.servers.map((s) => s.config);
 * ```
 */
export class HardenedCluster extends pulumi.ComponentResource {
    /**
     * The agents' trust, `ca_file` of every agent (`ca.pem`): the CA certificate, or during a
     * rollover every trusted generation's, the signing one first.
     */
    readonly caCertPem: pulumi.Output<string>;
    /** The signing CA's private key (secret): for a secondary datacenter's `ca.existing`, or signing elsewhere. Undefined with certificates from Vault. */
    readonly caPrivateKeyPem?: pulumi.Output<string>;
    /** Where a CA rollover stands, what this `up` changes, what to do next (plain). Undefined with certificates from Vault. */
    readonly caRolloverPlan?: CaRolloverPlan;
    /** Per server: its config (JSON and HCL), certificate and key, and when the certificate expires. */
    readonly servers: ServerMaterial[];
    /** Client profile config (JSON, secret: holds the gossip key). */
    readonly clientConfig: pulumi.Output<string>;
    /** The same client profile as HCL (secret). */
    readonly clientConfigHcl: pulumi.Output<string>;
    /** Per client agent: its node name, agent token and `client/<node>/agent.json`. */
    readonly clients: ClientMaterial[];
    /** A `cli` certificate for operators and the consul provider (mTLS to the HTTPS API); with certificates from Vault, `certificates.cliCertificate`. */
    readonly cliCertPem: pulumi.Output<string>;
    /** Secret. */
    readonly cliKeyPem: pulumi.Output<string>;
    /** The primary gossip key (secret). */
    readonly gossipKey: pulumi.Output<string>;
    /** Every gossip key by generation name (secret): a secondary datacenter's `federation.gossipKeys`. */
    readonly gossipKeys: pulumi.Output<Record<string, string>>;
    /** The ACL and CA authority datacenter (this one unless `federation.primaryDatacenter` says otherwise). */
    readonly primaryDatacenter: string;
    /** The staged gossip key rotation plan, keys left out (plain). */
    readonly gossipRotationPlan: RotationPlan;
    /**
     * The agent-token rotations `agentTokenGenerations` asks for: per node above generation 1, the
     * steps (create, set on the agent, verify, delete the old) and the command (plain, no tokens).
     */
    readonly agentTokenRotationPlan: AgentTokenRotationPlan;
    /** Every agent's pre-seeded token SecretID by node name, servers and clients (each secret). */
    readonly agentTokens: Record<string, pulumi.Output<string>>;
    /**
     * Consul 1.17+ (`consulVersion`): the DNS token every agent answers DNS with
     * (`acl.tokens.dns`, secret) — AclSystem creates it with DNS read (aclArgsFromCluster passes
     * it), and the anonymous token then reads nothing. Undefined before 1.17.
     */
    readonly dnsToken?: pulumi.Output<string>;
    /**
     * The seed every token of this cluster derives from (secret; as sensitive as all the tokens
     * together). AclSystem derives its TTL tokens from it too (`aclArgsFromCluster`).
     */
    readonly secretSeed: pulumi.Output<string>;
    /** Initial management token (secret); undefined in a secondary datacenter. */
    readonly bootstrapToken?: pulumi.Output<string>;
    /** Bundle path → content (secret as a whole: it holds keys and tokens). */
    readonly files: pulumi.Output<Record<string, string>>;
    /** Bundle path → file mode (plain). */
    readonly fileModes: FileModes;
    /**
     * How the agents run (plain, also in `files`): a sandboxed, unprivileged systemd unit per role
     * (`systemd-analyze security` exposure ≤ 2.0) and the sysusers.d/tmpfiles.d snippets.
     */
    readonly agentProcessFiles: Record<string, string>;
    /**
     * Kubernetes: the pod and container `securityContext` that meet the restricted Pod Security
     * Standard (non-root, no escalation, all capabilities dropped, RuntimeDefault seccomp,
     * read-only root file system). Plain.
     */
    readonly podSecurity: PodSecurity;
    /** Arguments for `new consul.Provider(...)` and `AclSystem.connection`, talking to this cluster over mTLS. */
    readonly providerArgs: ConsulProviderArgs;
    /**
     * Server and client-profile configs as HCL with every secret shown as "<secret>". Plain and
     * known at preview, so a reviewer sees any change to a security setting in the diff.
     */
    readonly review: ClusterReview;
    /** The `insecure` options in effect, each with the checklist ID it breaks. */
    readonly warnings: InsecureWarning[];
    /** Every checklist ID: enforced, configured by option, waived (with the reason) or not decidable. */
    readonly coverage: CoverageRow[];

    constructor(name: string, args: HardenedClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        requireDeployment("HardenedCluster", name);
        // Validation and the override guard run before super(): bad input creates nothing.
        const component = `HardenedCluster "${name}"`;
        const n = normalizeClusterOptions(args);
        const overrides = args.overrides ?? {};
        const review = reviewConfigs(n, overrides);
        assertConfigsHardened(n, overrides, component, review);
        // Component args are stored in state: only this secret-free subset goes there, so policy
        // packs can audit the rendered configs at preview (secrets appear as "<secret>").
        super(
            "consul-hardened:index:HardenedCluster",
            name,
            {
                reviewConfigs: { servers: Object.fromEntries(review.servers.map((r) => [r.nodeName, r.config])), client: review.client },
                insecure: n.warnings,
                // Only when asked for: the policy pack reads the configs as that line does.
                ...(args.consulVersion !== undefined ? { consulVersion: n.consulLine } : {}),
            },
            opts,
        );
        const parent = { parent: this };
        const s = n.settings;

        // What the rendered configs really weaken decides the warnings and the coverage: an
        // insecure.* flag that nothing uses (allowTls12 with TLS 1.3 everywhere) warns of nothing.
        // The process option (dnsBelow1024) shows in the unit, not the configs: it always warns.
        const rendered = renderedWeakenings(args, review);
        const renderedIds = new Set(rendered.map((r) => r.id));
        this.warnings = n.warnings.filter((w) => renderedIds.has(w.id) || w.option === "insecure.dnsBelow1024");
        this.coverage = coverageReport(this.warnings, rendered);
        for (const w of this.warnings) pulumi.log.warn(`${w.id}: ${w.option} — ${w.message}`, this);
        const open = publicWrites(n.settings.allowWriteHttpFrom);
        if (open) pulumi.log.warn(`CSM-HTTP-02: adminNetworks/allowWriteHttpFrom — ${open}`, this);

        // Where the certificates come from: a CA in state (the default), or Vault issuing them on
        // each server — then no CA, server or CLI key is made here.
        const serverNames = n.servers.map((x) => x.nodeName);
        const fromState = vaultCertificates(args) ? undefined : stateCertificates(name, args, serverNames, s.datacenter, s.domain, parent);
        this.caCertPem = fromState ? fromState.caCertPem : checkedCertificatePem(args.certificates!.vaultCaPem!, component, "certificates.vaultCaPem", "vaultCaPem: pki.caPem (the VaultPki's)");
        this.caPrivateKeyPem = fromState?.caPrivateKeyPem;
        this.caRolloverPlan = fromState?.caRolloverPlan;
        const constraints = fromState?.constraints;
        const keyring = new GossipKeyring(`${name}-gossip`, { generations: keyedGenerations(n.gossipGenerations, args.federation?.gossipKeys, component) }, parent);
        this.gossipKey = keyring.primaryKey;
        this.gossipKeys = keyring.keys;
        this.primaryDatacenter = s.primaryDatacenter;
        this.gossipRotationPlan = keyring.plan;

        this.agentTokenRotationPlan = planAgentTokenRotation(s.datacenter, serverNames, n.clientNodeNames, args.agentTokenGenerations);
        const secrets = new BootstrapSecrets(
            `${name}-bootstrap`,
            {
                datacenter: s.datacenter,
                agentNodeNames: [...serverNames, ...n.clientNodeNames],
                generation: args.tokenGeneration,
                agentTokenGenerations: args.agentTokenGenerations,
                seed: args.secretSeed === undefined ? undefined : checkedSecretSeed(args.secretSeed, component),
            },
            parent,
        );
        this.bootstrapToken = n.secondary ? undefined : secrets.initialManagementToken;
        this.agentTokens = secrets.agentTokens;
        this.dnsToken = n.settings.dnsToken ? secrets.dnsToken : undefined;
        this.secretSeed = secrets.seed;
        const replicationToken = args.federation?.replicationToken
            ? pulumi.secret(checkedReplicationToken(args.federation.replicationToken, component))
            : pulumi.output<string | undefined>(undefined);

        this.servers = n.servers.map((server, i) => {
            const cert = fromState?.issue(`${name}-${server.nodeName}`, {
                profile: AgentCertProfile.Server,
                nodeName: server.nodeName,
                extraDnsNames: serverExtraDnsNames(server.nodeName, constraints, n.extraServerDnsNames),
                // Its own address and the shared ones (a VIP) only: a server certificate that
                // carried every server's address would let one server answer for another's.
                extraIpAddresses: [...new Set([...(server.bindAddr ? [server.bindAddr] : []), ...n.extraServerIpAddresses])],
            });
            const cfg = pulumi
                .all([keyring.primaryKey, secrets.agentTokens[server.nodeName], secrets.initialManagementToken, replicationToken, secrets.dnsToken])
                .apply(([gossipKey, agentToken, mgmt, repl, dns]) =>
                    serverConfig(n, i, { gossipKey, agentToken, initialManagementToken: mgmt, replicationToken: repl, dnsToken: dns }, overrides),
                );
            return {
                nodeName: server.nodeName,
                config: pulumi.secret(cfg.apply(renderJson)),
                configHcl: pulumi.secret(cfg.apply(renderHcl)),
                ...(cert ? { certPem: cert.certPem, keyPem: cert.privateKeyPem, notAfter: cert.notAfter, renewAfter: cert.renewAfter } : {}),
            };
        });

        const profile = pulumi.all([keyring.primaryKey, secrets.dnsToken]).apply(([k, dns]) => clientProfileConfig(n, k, overrides, dns));
        this.clientConfig = pulumi.secret(profile.apply(renderJson));
        this.clientConfigHcl = pulumi.secret(profile.apply(renderHcl));
        this.clients = n.clientNodeNames.map((nodeName) => {
            const token = secrets.agentTokens[nodeName];
            return {
                nodeName,
                agentToken: token,
                // `token` is a secret, so whatever is derived from it is too (a test holds this).
                identityConfig: token.apply((t) => renderJson(clientIdentityConfig(nodeName, t))),
            };
        });

        // The operators' certificate: signed here, or Vault's (certificates.cliCertificate).
        const cli = fromState?.issue(`${name}-cli`, { profile: AgentCertProfile.Cli });
        const vaultCli = args.certificates?.cliCertificate;
        this.cliCertPem = cli ? cli.certPem : checkedCertificatePem(vaultCli!.certPem, component, "certificates.cliCertificate.certPem", "cliCertificate: pki.cliCertificate (the VaultPki's)");
        this.cliKeyPem = cli ? cli.privateKeyPem : pulumi.secret(vaultCli!.keyPem);

        this.review = {
            servers: Object.fromEntries(review.servers.map((r) => [r.nodeName, renderHcl(r.config)])),
            client: renderHcl(review.client),
        };

        this.fileModes = bundleFileModes(serverNames, n.clientNodeNames, fromState !== undefined);
        const proc = {
            user: args.agentProcess?.user ?? "consul",
            group: args.agentProcess?.group ?? "consul",
            binary: args.agentProcess?.binary ?? "/usr/bin/consul",
            configDir: s.paths.configDir,
            dataDir: s.paths.dataDir,
            tlsDir: s.paths.tlsDir,
            bindBelow1024: args.insecure?.dnsBelow1024 ?? false,
        };
        this.podSecurity = podSecurity(args.agentProcess?.uid ?? 100, args.agentProcess?.gid ?? 1000, proc.bindBelow1024);
        this.agentProcessFiles = {
            [AGENT_PROCESS_PATHS[0]]: systemdUnit("server", proc),
            [AGENT_PROCESS_PATHS[1]]: systemdUnit("client", proc),
            [AGENT_PROCESS_PATHS[2]]: sysusersSnippet(proc),
            [AGENT_PROCESS_PATHS[3]]: tmpfilesSnippet(proc),
        };
        // Flat pulumi.all over arrays: deep-unwrapping one nested object per client costs more.
        const serverParts = this.servers.map((x) => pulumi.all([x.config, x.configHcl, x.certPem, x.keyPem]));
        this.files = pulumi.secret(
            pulumi
                // Vault's CLI certificate is the operators' own: not in the agents' bundle.
                .all([this.caCertPem, pulumi.all(serverParts), this.clientConfig, pulumi.all(this.clients.map((c) => c.identityConfig)), cli?.certPem, cli?.privateKeyPem])
                .apply(([caCertPem, servers, clientConfigJson, identities, cliCertPem, cliKeyPem]) =>
                    bundleFiles({
                        caCertPem,
                        servers: servers.map(([configJson, configHcl, certPem, keyPem], i) => ({ nodeName: serverNames[i], configJson, configHcl, certPem, keyPem })),
                        clientConfigJson,
                        clients: identities.map((identityJson, i) => ({ nodeName: n.clientNodeNames[i], identityJson })),
                        cliCertPem,
                        cliKeyPem,
                        process: this.agentProcessFiles,
                    }),
                ),
        );

        const first = args.serverAddresses?.[0] ?? serverNames[0];
        this.providerArgs = {
            address: hostPort(first, s.ports.https),
            scheme: "https",
            datacenter: s.datacenter,
            caPem: this.caCertPem,
            certPem: this.cliCertPem,
            keyPem: this.cliKeyPem,
            token: this.bootstrapToken,
            writeFrom: [...s.allowWriteHttpFrom],
        };

        this.registerOutputs({
            caCertPem: this.caCertPem,
            clientConfig: this.clientConfig,
            cliCertPem: this.cliCertPem,
            gossipKey: this.gossipKey,
            bootstrapToken: this.bootstrapToken,
            files: this.files,
            review: this.review,
            gossipRotationPlan: this.gossipRotationPlan,
            agentTokenRotationPlan: this.agentTokenRotationPlan,
        });
    }
}
