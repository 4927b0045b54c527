/**
 * VaultPki under the provider emulation (issue 24): the resources @pulumi/vault would create, with
 * terraform-provider-vault's IDs, secrets and replacement rules; the credentials secret in state;
 * the Connect CA's AppRole and policy; bad options refused before any resource.
 */
import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { emulation, valueOf } from "../support/emulation";
import { VaultPki, VaultPkiArgs } from "../../src/vault/vaultPki";
import { HardenedCluster } from "../../src/cluster/hardenedCluster";
import { vaultPkiBundle } from "../../src/vault/bundle";
import { findSecrets, isSecretEnvelope } from "../../src/testing";
import { parseHcl } from "../../src/hcl/parse";
import { refusalsOf } from "../support/refusals";

const args: VaultPkiArgs = {
    datacenter: "dc1",
    servers: [
        { nodeName: "consul-server-1", addresses: ["10.0.1.11"] },
        { nodeName: "consul-server-2", addresses: ["10.0.1.12"] },
    ],
    vault: { address: "https://vault.internal:8200" },
};

const problemsOf = (a: unknown) => refusalsOf(() => new VaultPki("bad", a as VaultPkiArgs));

describe("VaultPki (emulated @pulumi/vault)", () => {
    it("creates the mount, its CA, a role, policy and AppRole per server, the CLI role and the Connect CA's login — with the provider's IDs", async () => {
        const emu = await emulation();
        emu.reset();
        const pki = new VaultPki("vpki", args);
        const caPem = await valueOf(pki.caPem);
        const creds = await valueOf(pki.serverCredentials);
        await emu.settled();
        assert.match(caPem, /BEGIN CERTIFICATE/);
        const ids = (type: string) => emu.ofType(type).map((r) => String(r.id)).sort();
        assert.deepEqual(ids("vault:index/mount:Mount"), ["pki-consul-dc1"]);
        assert.deepEqual(ids("vault:index/authBackend:AuthBackend"), ["approle"]);
        assert.deepEqual(ids("vault:pkiSecret/secretBackendRole:SecretBackendRole"), ["pki-consul-dc1/roles/consul-dc1-cli", "pki-consul-dc1/roles/consul-dc1-server-consul-server-1", "pki-consul-dc1/roles/consul-dc1-server-consul-server-2"]);
        assert.deepEqual(ids("vault:index/policy:Policy"), ["consul-dc1-cli", "consul-dc1-connect-ca", "consul-dc1-server-consul-server-1", "consul-dc1-server-consul-server-2"]);
        assert.deepEqual(ids("vault:appRole/authBackendRole:AuthBackendRole"), ["auth/approle/role/consul-dc1-connect-ca", "auth/approle/role/consul-dc1-server-consul-server-1", "auth/approle/role/consul-dc1-server-consul-server-2"]);
        for (const s of emu.ofType("vault:appRole/authBackendRoleSecretId:AuthBackendRoleSecretId")) assert.match(String(s.id), /^backend=approle::role=consul-dc1-[a-z0-9-]+::accessor=[0-9a-f-]{36}$/);
        assert.match(String(emu.ofType("vault:pkiSecret/secretBackendRootCert:SecretBackendRootCert")[0].id), /^pki-consul-dc1\/issuer\/[0-9a-f-]{36}$/);
        assert.deepEqual(Object.keys(creds).sort(), ["consul-server-1", "consul-server-2"]);
        assert.deepEqual(Object.keys(creds["consul-server-1"]).sort(), ["connect-ca-role-id", "connect-ca-secret-id", "role-id", "secret-id"]);
        assert.equal(emu.vault.policies.get("consul-dc1-server-consul-server-1"), 'path "pki-consul-dc1/issue/consul-dc1-server-consul-server-1" {\n  capabilities = ["update"]\n}\n');
    });

    it("keeps every secret ID out of plaintext state; the outputs are secret", async () => {
        const emu = await emulation();
        emu.reset();
        const pki = new VaultPki("vpki", args);
        const creds = await valueOf(pki.serverCredentials);
        await emu.settled();
        assert.equal(await pulumi.isSecret(pki.serverCredentials), true);
        const secretIds = Object.fromEntries(Object.entries(creds).flatMap(([n, c]) => [[`${n} secret-id`, c["secret-id"]], [`${n} connect-ca-secret-id`, c["connect-ca-secret-id"]]]));
        assert.deepEqual(findSecrets(JSON.stringify(emu.stateExport()), secretIds), [], "no secret ID in plaintext in state");
        for (const r of emu.ofType("vault:appRole/authBackendRoleSecretId:AuthBackendRoleSecretId"))
            assert.ok(isSecretEnvelope(r.wireOutputs.secretId), `${r.name}: secret_id is stored as a secret (the SDK's additionalSecretOutputs)`);
    });

    it("the servers' Consul fragment turns on auto_reload_config and the Connect CA in Vault with AppRole, never a token", async () => {
        const emu = await emulation();
        emu.reset();
        const pki = new VaultPki("vpki", args);
        await emu.settled();
        const fragment = JSON.parse(pki.serverFiles["consul-server-1"]["vault-pki.json"]);
        assert.equal(fragment.auto_reload_config, true);
        assert.equal(fragment.connect.ca_provider, "vault");
        assert.deepEqual(fragment.connect.ca_config.auth_method.type, "approle");
        assert.equal(fragment.connect.ca_config.token, undefined);
        assert.equal(fragment.connect.ca_config.ca_file, undefined, "https Vault without vaultCaPem: the system's trust store");
        const policy = parseHcl(pki.connectCa!.policyHcl) as Record<string, unknown>;
        const paths = (Array.isArray(policy.path) ? policy.path : [policy.path]).flatMap((p) => Object.keys(p as object));
        assert.deepEqual(paths, ["sys/mounts/connect-root-dc1", "sys/mounts/connect-intermediate-dc1", "sys/mounts/connect-intermediate-dc1/tune", "connect-root-dc1/*", "connect-intermediate-dc1/*", "auth/token/renew-self", "auth/token/lookup-self"]);
    });

    it("connectCa { enabled: false } leaves Consul's built-in Connect CA: no AppRole or policy for it", async () => {
        const emu = await emulation();
        emu.reset();
        const pki = new VaultPki("vpki", { ...args, vault: { ...args.vault, connectCa: { enabled: false } } });
        await valueOf(pki.serverCredentials);
        await emu.settled();
        assert.equal(pki.connectCa, undefined);
        assert.ok(!emu.vault.policies.has("consul-dc1-connect-ca"));
        assert.equal(JSON.parse(pki.serverFiles["consul-server-1"]["vault-pki.json"]).connect, undefined);
    });

    it("an existing mount and AppRole method: no mount, root or auth method made; the given CA is the agents'", async () => {
        const emu = await emulation();
        emu.reset();
        emu.vault.addExistingMount("pki-shared", "pki");
        emu.vault.addExistingApprole("approle");
        const pki = new VaultPki("vpki", { ...args, vault: { ...args.vault, mountPath: "pki-shared", existingMount: { caPem: "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n" }, existingApprole: true } });
        assert.match(await valueOf(pki.caPem), /MIIB/);
        await valueOf(pki.serverCredentials);
        await emu.settled();
        assert.equal(emu.ofType("vault:index/mount:Mount").length, 0);
        assert.equal(emu.ofType("vault:pkiSecret/secretBackendRootCert:SecretBackendRootCert").length, 0);
        assert.equal(emu.ofType("vault:index/authBackend:AuthBackend").length, 0);
        assert.equal(emu.ofType("vault:pkiSecret/secretBackendRole:SecretBackendRole").length, 3);
    });

    it("a later up: a longer TTL updates the roles in place; a renamed server replaces its role, AppRole and secret ID", async () => {
        const emu = await emulation();
        emu.reset();
        await valueOf(new VaultPki("vpki", args).serverCredentials);
        await emu.settled();
        const prior = emu.snapshot();
        emu.reset(prior);
        await valueOf(new VaultPki("vpki", { ...args, vault: { ...args.vault, ttl: "96h" } }).serverCredentials);
        await emu.settled();
        const changed = emu.plan().filter((s) => s.op !== "same").map((s) => `${s.op} ${s.urn.split("::").pop()}`).sort();
        assert.deepEqual(changed, ["update vpki-cli-role", "update vpki-consul-server-1-role", "update vpki-consul-server-2-role"]);
        emu.reset(prior);
        await valueOf(new VaultPki("vpki", { ...args, servers: [args.servers[0], { nodeName: "consul-server-9", addresses: ["10.0.1.12"] }] }).serverCredentials);
        await emu.settled();
        const ops = emu.plan().filter((s) => s.op !== "same").map((s) => `${s.op} ${s.urn.split("::").pop()}`).sort();
        assert.ok(ops.includes("create vpki-consul-server-9-secret-id") && ops.includes("delete vpki-consul-server-2-secret-id"), ops.join("\n"));
    });

    const cases: [string, unknown, string, RegExp][] = [
        ["a PKI mount under sys/", { ...args, vault: { ...args.vault, mountPath: "sys/pki" } }, "vault.mountPath", /no secrets engine under sys\//],
        ["a Connect CA path equal to the agents' mount", { ...args, vault: { ...args.vault, connectCa: { rootPath: "pki-consul-dc1" } } }, "vault.connectCa", /three different mounts/],
        ["maxTtl beyond the mount's max lease (caTtl)", { ...args, vault: { ...args.vault, maxTtl: "2000h", caTtl: "1000h" } }, "vault.maxTtl", /max lease TTL/],
        ["caTtl with an existing mount", { ...args, vault: { ...args.vault, caTtl: "1000h", existingMount: { caPem: "x" } } }, "vault.caTtl", /existingMount/],
        ["an existing mount without its CA", { ...args, vault: { ...args.vault, existingMount: { caPem: null } } }, "vault.existingMount.caPem", /must be a string/],
        ["an existing mount's CA that is no PEM", { ...args, vault: { ...args.vault, existingMount: { caPem: "MIIBk8s" } } }, "vault.existingMount.caPem", /not a PEM certificate/],
        ["a node name Vault cannot route", { ...args, servers: [{ nodeName: "server one", addresses: [] }] }, "servers[0].nodeName", /role name/],
        ["a server listed twice", { ...args, servers: [args.servers[0], args.servers[0]] }, "servers[1].nodeName", /twice/],
        ["an address that is no IP", { ...args, servers: [{ nodeName: "s1", addresses: ["vault.internal"] }] }, "servers[0].addresses", /IP addresses/],
        ["a wildcard DNS name", { ...args, servers: [{ nodeName: "s1", extraDnsNames: ["*.example.com"] }] }, "servers[0].extraDnsNames", /host names/],
        ["a datacenter with capitals", { ...args, datacenter: "DC1" }, "datacenter", /datacenter name/],
        // Consul takes these; Vault 1.14.2 refuses the names ("common name server.dc_1.consul not allowed by this role").
        ["a datacenter Vault's host-name check refuses (_)", { ...args, datacenter: "dc_1" }, "datacenter", /only for host names/],
        ["a node name Vault's host-name check refuses (_)", { ...args, servers: [{ nodeName: "consul_1", addresses: ["10.0.1.11"] }] }, "servers[0].nodeName", /only for host names/],
        ["a node name Vault's host-name check refuses (- first)", { ...args, servers: [{ nodeName: "-s1", addresses: ["10.0.1.11"] }] }, "servers[0].nodeName", /only for host names/],
        ["plain http to a remote Vault", { ...args, vault: { address: "http://10.0.0.5:8200" } }, "vault.address", /without TLS beyond loopback/],
    ];
    for (const [label, bad, option, says] of cases)
        it(`refuses ${label} before any resource, naming ${option}`, async () => {
            const emu = await emulation();
            emu.reset();
            const p = problemsOf(bad).find((x) => x.option === option);
            assert.ok(p, `no problem names ${option}: ${JSON.stringify(problemsOf(bad))}`);
            assert.match(p.problem, says);
            assert.equal(emu.resources.length + emu.components.length, 0, "nothing registered");
        });

    it("a refused datacenter is reported once, not again as the default mount paths derived from it", () => {
        const problems = problemsOf({ ...args, datacenter: "x".repeat(300) });
        assert.deepEqual(problems.map((x) => x.option), ["datacenter"]);
        assert.ok(problems[0].value.length < 200, "a long value is cut in the message");
    });

    it("refuses a static token for the Connect CA or the agents, without printing it", () => {
        const token = "hvs.CAESIstaticsecretvalue";
        const problems = problemsOf({ ...args, vault: { ...args.vault, token } });
        assert.ok(problems.some((p) => p.option === "vault.token"));
        assert.ok(!JSON.stringify(problems).includes(token));
    });
});

describe("vaultPkiBundle: the cluster's bundle with its server certificates from Vault", () => {
    const servers = ["consul-server-1", "consul-server-2", "consul-server-3"].map((nodeName, i) => ({ nodeName, addresses: [`10.0.1.1${i + 1}`] }));
    // A new run with the three-server cluster these VaultPkis are made for.
    async function cluster(): Promise<HardenedCluster> {
        (await emulation()).reset();
        return new HardenedCluster("vb", { datacenter: "dc1", serverAddresses: servers.map((s) => s.addresses[0]) });
    }

    it("replaces ca.pem, drops the static server and CLI certificates, adds each server's Vault Agent files and Consul fragment", async () => {
        const c = await cluster();
        const pki = new VaultPki("vb", { ...args, servers });
        const bundle = vaultPkiBundle(c, pki);
        const files = await valueOf(bundle.files);
        assert.equal(await pulumi.isSecret(bundle.files), true);
        assert.equal(files["ca.pem"], await valueOf(pki.caPem));
        assert.ok(!Object.keys(files).some((p) => /server(-key)?\.pem$|^cli\//.test(p)), "no certificate or key from the CA in state");
        assert.ok(files["servers/consul-server-2/vault-pki.json"] && files["servers/consul-server-2/vault-agent/secret-id"]);
        assert.match(files["systemd/vault-agent/consul-vault-agent-renew.timer"], /OnUnitActiveSec=86400s/);
        const modes = bundle.fileModes;
        assert.deepEqual(Object.keys(modes).sort(), Object.keys(files).sort(), "a mode for every file");
        assert.equal(modes["servers/consul-server-1/vault-agent/secret-id"], 0o600);
        assert.equal(files["servers/consul-server-1/vault-agent/vault-ca.pem"], undefined, "no Vault CA given, none written");
    });

    it("vaultCaPem: each server's vault-ca.pem (0644), and the agent and the Connect CA check Vault against it", async () => {
        const vaultCaPem = "-----BEGIN CERTIFICATE-----\nMIIBvault\n-----END CERTIFICATE-----\n";
        const c = await cluster();
        const pki = new VaultPki("vb", { ...args, servers, vault: { ...args.vault, vaultCaPem } });
        const bundle = vaultPkiBundle(c, pki);
        const files = await valueOf(bundle.files);
        assert.equal(files["servers/consul-server-3/vault-agent/vault-ca.pem"], vaultCaPem);
        assert.equal(bundle.fileModes["servers/consul-server-3/vault-agent/vault-ca.pem"], 0o644);
        assert.equal(JSON.parse(pki.serverFiles["consul-server-3"]["vault-pki.json"]).connect.ca_config.ca_file, "/etc/consul.d/vault-agent/vault-ca.pem");
        assert.match(pki.serverFiles["consul-server-3"]["vault-agent.hcl"], /ca_cert = "\/etc\/consul\.d\/vault-agent\/vault-ca\.pem"/);
    });

    it("refuses a VaultPki whose servers are not the cluster's, before any file", async () => {
        const c = await cluster();
        assert.match(refusalsOf(() => vaultPkiBundle(c, new VaultPki("vb", args)))[0].problem, /not the cluster's servers/);
    });

    it("refuses a VaultPki whose certificates the cluster would refuse: another datacenter or domain, a server's address missing", async () => {
        const c = await cluster();
        const otherDc = refusalsOf(() => vaultPkiBundle(c, new VaultPki("vb-dc2", { ...args, datacenter: "dc2", servers })));
        assert.deepEqual(otherDc.map((x) => [x.option, x.value]), servers.map(() => ["VaultPki datacenter / domain", '"server.dc2.consul"']), "one per server");
        assert.match(otherDc[0].problem, /verify the servers as server\.dc1\.consul/);
        assert.equal(refusalsOf(() => vaultPkiBundle(c, new VaultPki("vb-dom", { ...args, domain: "example", servers })))[0].option, "VaultPki datacenter / domain");
        const moved = refusalsOf(() => vaultPkiBundle(c, new VaultPki("vb-ip", { ...args, servers: servers.map((s, i) => (i === 1 ? { ...s, addresses: ["10.9.9.9"] } : s)) })));
        assert.deepEqual(moved.map((x) => x.option), ["VaultPki servers (consul-server-2).addresses"]);
        assert.match(moved[0].problem, /10\.0\.1\.12/);
    });
});

