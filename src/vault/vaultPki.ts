/**
 * VaultPki: the servers' certificates from Vault's PKI secrets engine instead of a CA in Pulumi
 * state (issue 24; the Security Model's recommendation for certificates). A component beside
 * CertificateAuthority rather than an option inside HardenedCluster: its resources live in Vault,
 * under the Vault provider the caller passes (`providers: { vault }` or `provider`), often in
 * another team's stack; the cluster only needs its outputs — the CA, the agent files and the
 * credentials each server's Vault Agent logs in with.
 *
 * Made through @pulumi/vault: the PKI mount and an issuing CA (or an existing mount), a role per
 * server with exactly the static path's names, a policy per role that may only issue from it, an
 * AppRole per server (its secret ID a secret output), an operators' role for CLI certificates, and
 * — unless `connectCa: { enabled: false }` — the AppRole and policy the Connect CA in Vault logs in with.
 * Every option is checked before any resource is made.
 */
import * as pulumi from "@pulumi/pulumi";
import * as vault from "@pulumi/vault";
import { ProblemList } from "../errors";
import { requireDeployment } from "../component/deployment";
import { componentType } from "../component/typeToken";
import { keysOf, refuseUnknownKeys } from "../validation/optionKeys";
import { isDnsName, isIpAddress } from "../validation/net";
import { ConnectCaPlan } from "./connectCaPlan";
import { VaultCliRole, VaultPkiPlan, VaultPkiServer } from "./pkiPlan";
import { credentialFileNames, DEFAULT_AGENT_DIR, planVaultServers, VAULT_CA_FILE } from "./vaultServers";
import { VaultAgentPod } from "./kubernetesPod";
import { isServiceAccountName } from "./kubernetesAuthOptions";
import { checkVaultPkiOptions, CheckedVaultPki, VaultPkiOptions } from "./vaultPkiOptions";
import { DEFAULT_PATHS } from "../config/settings";
import { checkedCertificatePem } from "../validation/whenKnown";

/** One server: its node name, its own addresses and extra DNS names (its certificate's SANs). */
export interface VaultPkiServerSpec {
    /** The server's node name, as in the cluster (`consul-server-1`, …). */
    nodeName: string;
    /** The server's own addresses: IP SANs beside 127.0.0.1. @default [] */
    addresses?: string[];
    /** DNS names beyond the profile's. @default [] */
    extraDnsNames?: string[];
}

export interface VaultPkiArgs {
    /** The Consul datacenter the servers are in. */
    datacenter: string;
    /** Consul's DNS domain. @default "consul" */
    domain?: string;
    /** The servers: node name, own addresses (IP SANs beside 127.0.0.1), extra DNS names. */
    servers: VaultPkiServerSpec[];
    /** Vault: address, mount paths, TTLs, the Connect CA. */
    vault: VaultPkiOptions;
    /** Where the servers keep Consul's TLS files (the bundle's `paths.tlsDir`). @default "/etc/consul.d/tls" */
    tlsDir?: string;
    /** Where the servers keep the Vault Agent config and AppRole credentials. @default "/etc/consul.d/vault-agent" */
    agentDir?: string;
}

const ARG_KEYS = keysOf<VaultPkiArgs>()(["datacenter", "domain", "servers", "vault", "tlsDir", "agentDir"]);
const SERVER_KEYS = keysOf<VaultPkiServerSpec>()(["nodeName", "addresses", "extraDnsNames"]);
/** Vault's name pattern for PKI and AppRole roles (sdk framework/path.go, GenericNameRegex). */
const VAULT_NAME = /^\w(([\w.-]+)?\w)?$/;
/** Consul's datacenter names (agent/config/builder.go, validateBasicName via `dcValid`). */
const DATACENTER = /^[a-z0-9_-]+$/;

/** The credential files of one server, by file name in `agentDir` (role IDs and secret IDs). */
export type VaultServerCredentials = Record<string, string>;

/** The operators' CLI certificate VaultPki issued: HardenedCluster's `certificates.cliCertificate`. */
export interface VaultCliCertificate {
    /** `cli.<dc>.<domain>`, PEM. */
    certPem: pulumi.Output<string>;
    /** Its key (secret). */
    keyPem: pulumi.Output<string>;
}

/** One server's Vault Agent on Kubernetes: the pod parts, and the data of the ConfigMap they mount. */
export interface VaultAgentPodOutput extends VaultAgentPod {
    /** `vault-agent.hcl` (and `vault-ca.pem`): no secret, for the ConfigMap named `configMapName`. */
    configMapData: pulumi.Output<Record<string, string>>;
}

/**
 * The servers' certificates from Vault's PKI secrets engine: a role, issue-only policy and AppRole
 * per server, the mount and its CA (or an existing mount), the operators' CLI role and the Connect
 * CA's login — and per server the Vault Agent files that fetch and renew its certificate.
 */
export class VaultPki extends pulumi.ComponentResource {
    /** The issuing CA (PEM): every agent's `ca_file`, and what operators trust. */
    readonly caPem: pulumi.Output<string>;
    /** The Vault objects, planned (plain: for review and tests). */
    readonly plan: VaultPkiPlan;
    /** The operators' role: `vault write <mount>/issue/<name> common_name=cli.<dc>.<domain>`. */
    readonly cliRole: VaultCliRole;
    /** The Connect CA in Vault (undefined with `connectCa: { enabled: false }`). */
    readonly connectCa?: ConnectCaPlan;
    /** The renewal timer's period in seconds (a third of the TTL). */
    readonly renewEverySeconds: number;
    /**
     * Per server node, the files beside its bundle (no secret): `vault-agent.hcl` and the systemd
     * units for `agentDir` and /etc/systemd/system, and `vault-pki.json` for Consul's config
     * directory (`auto_reload_config`, and the Connect CA in Vault).
     */
    readonly serverFiles: Record<string, Record<string, string>>;
    /** Per server node, `role-id` and `secret-id` (and the Connect CA's) for `agentDir`, mode 0600 (secret). Empty records on Kubernetes. */
    readonly serverCredentials: pulumi.Output<Record<string, VaultServerCredentials>>;
    /**
     * One CLI certificate from the operators' role (`vault.cliCertificate`, default on), for
     * HardenedCluster's `certificates.cliCertificate`: the key is secret.
     */
    readonly cliCertificate?: VaultCliCertificate;
    /** The CA of Vault's HTTPS certificate (`vault.vaultCaPem`), for `agentDir/vault-ca.pem`; undefined when not given. */
    readonly vaultCaPem?: pulumi.Output<string>;
    /**
     * With `vault.kubernetes`, per server node: the service account, the Vault Agent init container
     * and sidecar, the volumes and the Consul container's mounts to merge into its pod, and the
     * ConfigMap's data. Undefined on VMs.
     */
    readonly kubernetes?: Record<string, VaultAgentPodOutput>;

    constructor(name: string, args: VaultPkiArgs, opts?: pulumi.ComponentResourceOptions) {
        const problems = new ProblemList();
        const checked = checkVaultPkiArgs(args, problems);
        problems.throwIfAny(`VaultPki "${name}"`);
        const { c, servers } = checked!;
        requireDeployment("VaultPki", name);
        super(componentType("VaultPki"), name, {}, opts);

        const planned = planVaultServers(c, { datacenter: args.datacenter, domain: args.domain, servers, tlsDir: args.tlsDir, agentDir: args.agentDir });
        this.plan = planned.plan;
        this.cliRole = planned.cliRole;
        this.connectCa = planned.connectCa;
        this.renewEverySeconds = planned.renewEverySeconds;
        this.serverFiles = planned.files;

        const child = { parent: this };
        // The mount and its CA, or the existing mount's path and CA.
        let mountPath: pulumi.Input<string> = c.mountPath;
        let root: vault.pkisecret.SecretBackendRootCert | undefined;
        const component = `VaultPki "${name}"`;
        if (c.existingMount) this.caPem = checkedCertificatePem(c.existingMount.caPem, component, "vault.existingMount.caPem", "the mount's issuing CA certificate (PEM)");
        else {
            const mount = new vault.Mount(`${name}-mount`, { path: c.mountPath, type: "pki", description: `Consul ${args.datacenter} agent certificates (consul-hardened)`, maxLeaseTtlSeconds: c.caTtlSeconds, defaultLeaseTtlSeconds: Math.min(c.caTtlSeconds, 3600) }, child);
            mountPath = mount.path;
            root = new vault.pkisecret.SecretBackendRootCert(
                `${name}-ca`,
                { backend: mount.path, type: "internal", commonName: `Consul ${args.datacenter} agent CA (Vault)`, organization: "consul-hardened", keyType: "ec", keyBits: 256, ttl: c.caTtl },
                child,
            );
            this.caPem = root.certificate;
        }
        if (c.vaultCaPem !== undefined) this.vaultCaPem = checkedCertificatePem(c.vaultCaPem, component, "vault.vaultCaPem", "the CA that signed Vault's HTTPS certificate (PEM)");
        const k8s = c.kubernetes;
        let approlePath: pulumi.Input<string> = c.approlePath;
        let kubernetesPath: pulumi.Input<string> = k8s?.path ?? "";
        if (k8s && !k8s.existing) {
            const method = new vault.AuthBackend(`${name}-kubernetes`, { type: "kubernetes", path: k8s.path, description: "Consul servers' pods (consul-hardened)" }, child);
            kubernetesPath = method.path;
            new vault.kubernetes.AuthBackendConfig(
                `${name}-kubernetes-config`,
                {
                    backend: method.path,
                    kubernetesHost: k8s.host!,
                    ...(k8s.caCertPem !== undefined ? { kubernetesCaCert: checkedCertificatePem(k8s.caCertPem, component, "vault.kubernetes.caCertPem", "the API server's CA certificate (PEM)") } : {}),
                    ...(k8s.tokenReviewerJwt !== undefined ? { tokenReviewerJwt: pulumi.secret(k8s.tokenReviewerJwt) } : {}),
                },
                child,
            );
        } else if (!k8s && !c.existingApprole)
            approlePath = new vault.AuthBackend(`${name}-approle`, { type: "approle", path: c.approlePath, description: "Consul servers' Vault Agents (consul-hardened)" }, child).path;

        const roleParams = (p: VaultPkiPlan["roles"][number]["params"] | VaultCliRole["params"]) => ({
            allowedDomains: p.allowed_domains,
            allowBareDomains: p.allow_bare_domains,
            allowSubdomains: p.allow_subdomains,
            allowGlobDomains: p.allow_glob_domains,
            allowWildcardCertificates: p.allow_wildcard_certificates,
            allowLocalhost: p.allow_localhost,
            allowIpSans: p.allow_ip_sans,
            enforceHostnames: p.enforce_hostnames,
            serverFlag: p.server_flag,
            clientFlag: p.client_flag,
            keyType: p.key_type,
            keyBits: p.key_bits,
            ttl: p.ttl,
            maxTtl: p.max_ttl,
            noStore: p.no_store,
        });
        // Every login's Vault token: an hour, renewable to four (Vault Agent and Consul renew them).
        const loginToken = { tokenTtl: 3600, tokenMaxTtl: 4 * 3600 };
        // On Kubernetes: a role bound to the given service accounts in the servers' namespace, for
        // the projected tokens' audience only; its tokens carry only `policy`.
        const kubernetesRole = (id: string, roleName: string, policy: vault.Policy, serviceAccounts: string[]) =>
            new vault.kubernetes.AuthBackendRole(
                `${name}-${id}-kubernetes-role`,
                { backend: kubernetesPath, roleName, boundServiceAccountNames: serviceAccounts, boundServiceAccountNamespaces: [k8s!.namespace], audience: k8s!.audience, tokenPolicies: [policy.name], ...loginToken },
                child,
            );
        // One AppRole and one secret ID: the role's tokens carry only `policy`.
        const appRole = (id: string, roleName: string, policy: vault.Policy) => {
            const role = new vault.approle.AuthBackendRole(`${name}-${id}-approle-role`, { backend: approlePath, roleName, tokenPolicies: [policy.name], ...loginToken }, child);
            const secret = new vault.approle.AuthBackendRoleSecretId(`${name}-${id}-secret-id`, { backend: approlePath, roleName: role.roleName }, child);
            return { roleId: role.roleId, secretId: secret.secretId };
        };

        const credentials: Record<string, pulumi.Output<Record<string, string>>> = {};
        const connectPolicy = this.connectCa ? new vault.Policy(`${name}-connect-ca-policy`, { name: this.connectCa.policyName, policy: this.connectCa.policyHcl }, child) : undefined;
        // The Connect CA's login: any server may lead, so every server's service account (or one AppRole's files on each).
        if (connectPolicy && k8s) kubernetesRole("connect-ca", this.connectCa!.roleName, connectPolicy, servers.map((x) => x.nodeName));
        const connectLogin = connectPolicy && !k8s ? appRole("connect-ca", this.connectCa!.roleName, connectPolicy) : undefined;
        for (const role of this.plan.roles) {
            new vault.pkisecret.SecretBackendRole(`${name}-${role.nodeName}-role`, { backend: mountPath, name: role.name, ...roleParams(role.params) }, child);
            const policy = new vault.Policy(`${name}-${role.nodeName}-policy`, { name: role.name, policy: this.plan.policies.find((p) => p.name === role.name)!.hcl }, child);
            if (k8s) {
                kubernetesRole(role.nodeName, role.name, policy, [role.nodeName]);
                credentials[role.nodeName] = pulumi.output<Record<string, string>>({});
                continue;
            }
            const login = appRole(role.nodeName, role.name, policy);
            const values = [login.roleId, login.secretId, ...(connectLogin ? [connectLogin.roleId, connectLogin.secretId] : [])];
            const names = credentialFileNames(connectLogin !== undefined);
            credentials[role.nodeName] = pulumi.all(values).apply((v): Record<string, string> => Object.fromEntries(names.map((n, k) => [n, v[k]])));
        }
        if (planned.pods) {
            const vaultCa = this.vaultCaPem;
            this.kubernetes = Object.fromEntries(
                Object.entries(planned.pods).map(([node, pod]) => {
                    const agentConfig = planned.files[node]["vault-agent.hcl"];
                    const configMapData = (vaultCa ?? pulumi.output<string | undefined>(undefined)).apply((pem): Record<string, string> => ({ "vault-agent.hcl": agentConfig, ...(pem ? { [VAULT_CA_FILE]: pem } : {}) }));
                    return [node, { ...pod, configMapData }];
                }),
            );
        }
        const cliRole = new vault.pkisecret.SecretBackendRole(`${name}-cli-role`, { backend: mountPath, name: this.cliRole.name, ...roleParams(this.cliRole.params) }, child);
        new vault.Policy(`${name}-cli-policy`, { name: this.cliRole.name, policy: this.cliRole.policyHcl }, child);
        if (c.cliCertificate) {
            const cli = new vault.pkisecret.SecretBackendCert(
                `${name}-cli-cert`,
                // It lives maxTtl (only `pulumi up` uses it) and is issued anew by the `up` after a
                // third of that (auto_renew: renew_pending once fewer than min_seconds_remaining are
                // left, resource_pki_secret_backend_cert.go).
                { backend: mountPath, name: cliRole.name, commonName: this.cliRole.commonName, ttl: c.maxTtl, autoRenew: true, minSecondsRemaining: Math.floor((2 * c.maxTtlSeconds) / 3) },
                // Vault issues only once the mount holds its CA.
                { ...child, dependsOn: root ? [root] : [] },
            );
            this.cliCertificate = { certPem: cli.certificate, keyPem: pulumi.secret(cli.privateKey) };
        }

        this.serverCredentials = pulumi.secret(pulumi.all(credentials));
        this.registerOutputs({ caPem: this.caPem, serverCredentials: this.serverCredentials, cliCertificate: this.cliCertificate });
    }
}

/** Everything VaultPki's args must be, checked before any resource; problems added to `p`. */
export function checkVaultPkiArgs(args: VaultPkiArgs, p: ProblemList): { c: CheckedVaultPki; servers: VaultPkiServer[] } | undefined {
    if (args === undefined || args === null || typeof args !== "object") {
        p.add("", args, "VaultPki needs its arguments", "{ datacenter, servers, vault: { address } }");
        return undefined;
    }
    refuseUnknownKeys(args, ARG_KEYS, "", p);
    if (typeof args.datacenter !== "string" || !DATACENTER.test(args.datacenter))
        p.add("datacenter", args.datacenter, "not a Consul datacenter name (lower-case letters, digits, - and _)", '"dc1"');
    // Vault issues only host names (enforce_hostnames): `server.dc_1.consul` is refused at issue
    // time, on the servers, long after `pulumi up` (builtin/logical/pki/cert_util.go, validateNames:
    // hostnameRegex after idna's StrictDomainName and VerifyDNSLength — no _, no - at a label's ends,
    // at most 63 characters a label). Consul itself takes such a datacenter name.
    else if (!isDnsName(args.datacenter))
        p.add("datacenter", args.datacenter, "Vault issues certificates only for host names, and server.<datacenter>.<domain> would not be one (no _, no - at either end, at most 63 characters)", '"dc1" (rename the datacenter, e.g. dc_1 → dc-1)');
    // The default mount paths and the names checked below derive from the datacenter: a refused
    // datacenter is reported once, not again as options the user never set.
    const dc = p.all.some((x) => x.option === "datacenter") ? "dc1" : String(args.datacenter);
    if (args.domain !== undefined && (typeof args.domain !== "string" || !isDnsName(args.domain)))
        p.add("domain", args.domain, "not a DNS domain", '"consul"');
    for (const [option, value] of [["tlsDir", args.tlsDir], ["agentDir", args.agentDir]] as const)
        // Letters, digits and . _ - / only: the paths land in HCL, in systemd units and in the
        // sidecar's `sh -c` command, where a `;`, `$` or quote would be read as more than a path.
        if (value !== undefined && (typeof value !== "string" || !/^\/[A-Za-z0-9._\/-]*[A-Za-z0-9._-]$/.test(value) || value.split("/").some((seg) => seg === "..")))
            p.add(option, value, "not a plain absolute directory path (letters, digits, . _ - between slashes; no trailing slash)", option === "tlsDir" ? `"${DEFAULT_PATHS.tlsDir}"` : `"${DEFAULT_AGENT_DIR}"`);
    const servers: VaultPkiServer[] = [];
    if (!Array.isArray(args.servers) || args.servers.length === 0) p.add("servers", args.servers, "must list the servers (at least one)", '[{ nodeName: "consul-server-1", addresses: ["10.0.1.11"] }]');
    else {
        const seen = new Set<string>();
        args.servers.forEach((s, i) => {
            const at = `servers[${i}]`;
            if (typeof s !== "object" || s === null) return p.add(at, s, "must be { nodeName, addresses }", '{ nodeName: "consul-server-1", addresses: ["10.0.1.11"] }');
            refuseUnknownKeys(s, SERVER_KEYS, at, p);
            const roleName = `consul-${dc}-server-${String(s.nodeName)}`;
            if (typeof s.nodeName !== "string" || !VAULT_NAME.test(roleName) || s.nodeName.length > 63)
                p.add(`${at}.nodeName`, s.nodeName, "not a node name Vault takes in a role name (letters, digits, -, _ and . inside)", '"consul-server-1"');
            else if (!isDnsName(s.nodeName) || `${s.nodeName}.server.${dc}.${String(args.domain ?? "consul")}`.length > 253)
                p.add(`${at}.nodeName`, s.nodeName, "Vault issues certificates only for host names, and <node>.server.<datacenter>.<domain> would not be one (no _, no - at a label's ends, at most 63 characters a label, 253 in all)", '"consul-server-1"');
            else if (seen.has(s.nodeName)) p.add(`${at}.nodeName`, s.nodeName, "listed twice: one role per server", "give each server its own node name");
            else if (args.vault?.kubernetes !== undefined && !isServiceAccountName(s.nodeName))
                p.add(`${at}.nodeName`, s.nodeName, "on Kubernetes the node name is the server's service account, which Kubernetes takes only in lower case (letters, digits, - and .)", '"consul-server-1"');
            seen.add(String(s.nodeName));
            const addresses = s.addresses ?? [];
            if (!Array.isArray(addresses) || addresses.some((a) => typeof a !== "string" || !isIpAddress(a)))
                p.add(`${at}.addresses`, s.addresses, "must be IP addresses (the certificate's IP SANs)", '["10.0.1.11"]');
            const extra = s.extraDnsNames ?? [];
            if (!Array.isArray(extra) || extra.some((n) => typeof n !== "string" || !isDnsName(n)))
                p.add(`${at}.extraDnsNames`, s.extraDnsNames, "must be host names (Vault's enforce_hostnames refuses anything else, and no wildcards)", '["consul-1.example.internal"]');
            servers.push({ nodeName: String(s.nodeName), addresses: Array.isArray(addresses) ? addresses : [], extraDnsNames: Array.isArray(extra) ? extra : [] });
        });
    }
    const c = checkVaultPkiOptions(args.vault, dc, "vault", p);
    return c && p.all.length === 0 ? { c, servers } : undefined;
}
