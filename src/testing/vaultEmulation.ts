/**
 * Emulates the Vault objects @pulumi/vault (terraform-provider-vault) creates for VaultPki, with the
 * checks Vault would make where a mistake would otherwise pass a mocked test: a PKI role or root
 * only on a mounted `pki` engine, an AppRole role only on an enabled `approle` method, a secret ID
 * only for a role that exists, policies that parse as HCL, names Vault's routes take
 * (sdk framework/path.go, GenericNameRegex). It keeps Vault's state for assertions.
 *
 * Outputs are what the provider's read functions set (terraform-provider-vault, vault/): the
 * mount's `accessor` (resource_mount.go, mountRead), the root's `certificate`, `issuing_ca`,
 * `serial_number`, `issuer_id` and `key_id` (resource_pki_secret_backend_root_cert.go,
 * pkiSecretBackendRootCertCreate), the AppRole's generated `role_id`
 * (resource_approle_auth_backend_role.go, approleAuthBackendRoleRead), the secret ID's
 * `secret_id` and `accessor` (resource_approle_auth_backend_role_secret_id.go,
 * approleAuthBackendRoleSecretIDCreate). IDs: src/testing/state/providerIds.ts.
 */
import { randomBytes, randomUUID, X509Certificate } from "node:crypto";
import { parseHcl } from "../hcl/parse";
import { goDurationNanos } from "../config/consulBuilder";
import * as tlsEmulation from "./tlsEmulation";

type State = Record<string, any>;

const VAULT_NAME = /^\w(([\w.-]+)?\w)?$/;
/** A serial number as Vault prints it: lower-case hex pairs joined by colons. */
const vaultSerial = (x: X509Certificate) => x.serialNumber.toLowerCase().match(/.{2}/g)!.join(":");
const trim = (s: unknown) => String(s ?? "").replace(/^\/+|\/+$/g, "");

export class VaultEmulation {
    /** Secrets engines by path (no slashes at either end). */
    readonly mounts = new Map<string, { type: string; maxLeaseTtlSeconds: number; caPem?: string; caKeyPem?: string }>();
    /** Auth methods by path. */
    readonly authMethods = new Map<string, string>();
    readonly policies = new Map<string, string>();
    /** PKI roles by `<mount>/roles/<name>`. */
    readonly pkiRoles = new Map<string, State>();
    /** AppRole roles by `auth/<mount>/role/<name>`. */
    readonly appRoles = new Map<string, State>();
    /** Secret IDs: role path → accessors. */
    readonly secretIds = new Map<string, string[]>();
    /** Kubernetes auth configs by auth mount path (the TokenReview host; the reviewer JWT is never kept). */
    readonly kubernetesConfigs = new Map<string, State>();
    /** Kubernetes auth roles by `auth/<mount>/role/<name>`. */
    readonly kubernetesRoles = new Map<string, State>();

    readonly resources: Record<string, (inputs: State) => State | Promise<State>> = {
        "pulumi:providers:vault": (i) => {
            const address = String(i.address ?? "");
            if (/^http:/.test(address) && !/^http:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?\/?$/.test(address))
                throw new Error(`vault emulation: provider address ${address} without TLS beyond loopback`);
            return i;
        },
        "vault:index/mount:Mount": (i) => {
            const path = trim(i.path);
            // An update (a later `up` changing the description or TTLs) writes the same path again.
            if (this.mounts.has(path) && this.mounts.get(path)!.type !== i.type) throw new Error(`vault emulation: path is already in use at ${path}/`);
            if (["sys", "auth", "audit", "cubbyhole", "identity"].includes(path.split("/")[0])) throw new Error(`vault emulation: cannot mount under ${path.split("/")[0]}/`);
            this.mounts.set(path, { ...this.mounts.get(path), type: String(i.type), maxLeaseTtlSeconds: Number(i.maxLeaseTtlSeconds ?? 0) });
            return { ...i, accessor: `${i.type}_${randomBytes(4).toString("hex")}` };
        },
        "vault:pkiSecret/secretBackendRootCert:SecretBackendRootCert": (i) => this.rootCert(i),
        "vault:pkiSecret/secretBackendCert:SecretBackendCert": (i) => this.issueCert(i),
        "vault:pkiSecret/secretBackendRole:SecretBackendRole": (i) => {
            const backend = trim(i.backend);
            this.requireMount(backend, "pki", `role ${i.name}`);
            if (!VAULT_NAME.test(String(i.name))) throw new Error(`vault emulation: role name ${i.name} does not match Vault's route`);
            const maxTtl = i.maxTtl ? goDurationNanos(String(i.maxTtl)) : undefined;
            if (i.maxTtl && maxTtl === undefined) throw new Error(`vault emulation: role ${i.name}: max_ttl ${i.maxTtl} is no duration`);
            this.pkiRoles.set(`${backend}/roles/${i.name}`, { ...i });
            return { ...i, backend };
        },
        "vault:index/policy:Policy": (i) => {
            parseHcl(String(i.policy));
            this.policies.set(String(i.name), String(i.policy));
            return i;
        },
        "vault:index/authBackend:AuthBackend": (i) => {
            const path = trim(i.path ?? i.type);
            if (this.authMethods.has(path) && this.authMethods.get(path) !== i.type) throw new Error(`vault emulation: path is already in use at auth/${path}/`);
            this.authMethods.set(path, String(i.type));
            return { ...i, path, accessor: `auth_${i.type}_${randomBytes(4).toString("hex")}` };
        },
        "vault:appRole/authBackendRole:AuthBackendRole": (i) => {
            const backend = trim(i.backend ?? "approle");
            this.requireAuthMethod(backend, "approle");
            if (!VAULT_NAME.test(String(i.roleName))) throw new Error(`vault emulation: AppRole name ${i.roleName} does not match Vault's route`);
            this.requirePolicies(i.tokenPolicies, `AppRole ${i.roleName}`);
            const state = { ...i, backend, roleId: i.roleId ?? randomUUID(), bindSecretId: i.bindSecretId ?? true };
            this.appRoles.set(`auth/${backend}/role/${i.roleName}`, state);
            return state;
        },
        // resource_kubernetes_auth_backend_config.go: `backend` defaults to "kubernetes"; Vault's
        // path_config.go refuses a config without kubernetes_host.
        "vault:kubernetes/authBackendConfig:AuthBackendConfig": (i) => {
            const backend = trim(i.backend ?? "kubernetes");
            this.requireAuthMethod(backend, "kubernetes");
            if (!i.kubernetesHost) throw new Error("vault emulation: kubernetes config: no host was provided");
            this.kubernetesConfigs.set(backend, { kubernetesHost: i.kubernetesHost, kubernetesCaCert: i.kubernetesCaCert });
            return { ...i, backend };
        },
        // resource_kubernetes_auth_backend_role.go; Vault's path_role.go refuses a role without
        // bound service-account names, or with both names and namespaces "*".
        "vault:kubernetes/authBackendRole:AuthBackendRole": (i) => {
            const backend = trim(i.backend ?? "kubernetes");
            this.requireAuthMethod(backend, "kubernetes");
            if (!VAULT_NAME.test(String(i.roleName))) throw new Error(`vault emulation: role name ${i.roleName} does not match Vault's route`);
            const names: string[] = i.boundServiceAccountNames ?? [];
            const namespaces: string[] = i.boundServiceAccountNamespaces ?? [];
            if (names.length === 0) throw new Error(`vault emulation: role ${i.roleName}: "bound_service_account_names" can not be empty`);
            if (names.includes("*") && namespaces.includes("*")) throw new Error(`vault emulation: role ${i.roleName}: service account name and namespace can't both be "*"`);
            this.requirePolicies(i.tokenPolicies, `role ${i.roleName}`);
            this.kubernetesRoles.set(`auth/${backend}/role/${i.roleName}`, { ...i, backend });
            return { ...i, backend };
        },
        "vault:appRole/authBackendRoleSecretId:AuthBackendRoleSecretId": (i) => {
            const backend = trim(i.backend ?? "approle");
            const role = `auth/${backend}/role/${i.roleName}`;
            if (!this.appRoles.has(role)) throw new Error(`vault emulation: role "${i.roleName}" does not exist`);
            const accessor = randomUUID();
            this.secretIds.set(role, [...(this.secretIds.get(role) ?? []), accessor]);
            return { ...i, backend, secretId: i.secretId ?? randomUUID(), accessor };
        },
    };

    /** Auth methods enabled before the program runs (VaultPki's `existingApprole`, `kubernetes.existing`): path → type. */
    readonly preEnabledAuth = new Map<string, string>();

    /** Declares a mount that exists already, e.g. for `existingMount`. */
    addExistingMount(path: string, type: string): void {
        this.mounts.set(trim(path), { type, maxLeaseTtlSeconds: 0 });
    }

    /** Declares an AppRole auth method that is enabled already (`existingApprole`). */
    addExistingApprole(path: string): void {
        this.addExistingAuthMethod(path, "approle");
    }

    /** Declares an auth method that is enabled (and configured) already. */
    addExistingAuthMethod(path: string, type: string): void {
        this.preEnabledAuth.set(trim(path), type);
    }

    /** Vault refuses a role whose token policies do not exist (`default` always does). */
    private requirePolicies(policies: string[] | undefined, what: string): void {
        for (const p of policies ?? []) if (!this.policies.has(p) && p !== "default") throw new Error(`vault emulation: ${what}: policy ${p} does not exist`);
    }

    private requireAuthMethod(path: string, type: string): void {
        const found = this.authMethods.get(path) ?? this.preEnabledAuth.get(path);
        if (found !== type) throw new Error(`vault emulation: no ${type} auth method at auth/${path}/${found ? ` (a ${found} method is there)` : ` (one enabled outside the program: declare it with emu.vault.addExistingAuthMethod("${path}", "${type}"))`}`);
    }

    private requireMount(path: string, type: string, what: string): void {
        const mount = this.mounts.get(path);
        if (!mount) throw new Error(`vault emulation: ${what}: no secrets engine mounted at ${path}/ (one made outside the program, e.g. existingMount: declare it with emu.vault.addExistingMount("${path}", "${type}"))`);
        if (mount.type !== type) throw new Error(`vault emulation: ${what}: ${path}/ is a ${mount.type} engine, not ${type}`);
    }

    /**
     * A certificate issued through a role (resource_pki_secret_backend_cert.go, Create: POST
     * <backend>/issue/<name>): the role must exist and allow the common name exactly (VaultPki's
     * roles: bare domains, no subdomains or globs); signed by the mount's own root.
     */
    private async issueCert(i: State): Promise<State> {
        const backend = trim(i.backend);
        this.requireMount(backend, "pki", `certificate ${i.commonName}`);
        const role = this.pkiRoles.get(`${backend}/roles/${i.name}`);
        if (!role) throw new Error(`vault emulation: unknown role: ${i.name}`);
        if (!(role.allowedDomains ?? []).includes(i.commonName)) throw new Error(`vault emulation: common name ${i.commonName} not allowed by this role`);
        const mount = this.mounts.get(backend)!;
        if (!mount.caPem || !mount.caKeyPem) throw new Error(`vault emulation: ${backend}/ has no issuer (this emulation signs with a root VaultPki made)`);
        const ttlNs = goDurationNanos(String(i.ttl ?? role.ttl ?? "72h"));
        if (ttlNs === undefined) throw new Error(`vault emulation: ttl ${i.ttl} is no duration`);
        const key = tlsEmulation.privateKey({ algorithm: "ECDSA", ecdsaCurve: "P256" });
        const csr = await tlsEmulation.certRequest({ privateKeyPem: key.privateKeyPem, subject: { commonName: i.commonName } });
        const cert = await tlsEmulation.locallySignedCert({
            certRequestPem: csr.certRequestPem,
            caCertPem: mount.caPem,
            caPrivateKeyPem: mount.caKeyPem,
            validityPeriodHours: Math.max(1, Math.floor(ttlNs / 3.6e12)),
            allowedUses: ["digital_signature", "key_agreement", ...(role.clientFlag ? ["client_auth"] : []), ...(role.serverFlag ? ["server_auth"] : [])],
        });
        const x = new X509Certificate(String(cert.certPem));
        return { ...i, backend, certificate: cert.certPem, privateKey: key.privateKeyPem, privateKeyType: "ec", issuingCa: mount.caPem, caChain: [mount.caPem], serialNumber: vaultSerial(x), expiration: Math.floor(Date.parse(x.validTo) / 1000), renewPending: false };
    }

    private async rootCert(i: State): Promise<State> {
        const backend = trim(i.backend);
        this.requireMount(backend, "pki", "root certificate");
        if (i.type !== "internal" && i.type !== "exported") throw new Error(`vault emulation: root type ${i.type} is not emulated`);
        const mount = this.mounts.get(backend)!;
        if (mount.caPem) throw new Error(`vault emulation: ${backend}/ already holds a root (this emulation keeps one issuer per mount)`);
        const ttlNs = goDurationNanos(String(i.ttl ?? "768h"));
        if (ttlNs === undefined) throw new Error(`vault emulation: root ttl ${i.ttl} is no duration`);
        // Vault caps a root's lifetime at the mount's max lease TTL, with a warning only
        // (Vault 1.14 builtin/logical/pki/cert_util.go, getCertificateNotAfter).
        const cap = mount.maxLeaseTtlSeconds ? mount.maxLeaseTtlSeconds * 1e9 : ttlNs;
        const hours = Math.floor(Math.min(ttlNs, cap) / 3.6e12);
        const curve = i.keyType === "ec" ? (Number(i.keyBits ?? 256) === 384 ? "P384" : "P256") : undefined;
        const key = tlsEmulation.privateKey(curve ? { algorithm: "ECDSA", ecdsaCurve: curve } : { algorithm: "RSA", rsaBits: Number(i.keyBits ?? 2048) });
        const cert = await tlsEmulation.selfSignedCert({
            privateKeyPem: key.privateKeyPem,
            subject: { commonName: i.commonName, ...(i.organization ? { organization: i.organization } : {}) },
            validityPeriodHours: hours,
            isCaCertificate: true,
            setSubjectKeyId: true,
            allowedUses: ["cert_signing", "crl_signing"],
        });
        mount.caPem = String(cert.certPem);
        mount.caKeyPem = String(key.privateKeyPem);
        const serial = vaultSerial(new X509Certificate(mount.caPem));
        return { ...i, backend, certificate: mount.caPem, issuingCa: mount.caPem, serialNumber: serial, issuerId: randomUUID(), keyId: randomUUID() };
    }
}
