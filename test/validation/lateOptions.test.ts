/**
 * Options whose values are Outputs (a StackReference to the primary, a secret store) can only be
 * checked once known. Each refusal must fail once, as the ConsulHardenedOptionError a plain value
 * gets: naming the option as the user wrote it, never the value, as a RunError (the Pulumi runtime
 * prints it without a stack), and with a message the runtime's `error serializing property`
 * prefixing cannot grow (sdk/nodejs/runtime/rpc.ts, serializeFilteredProperties, assigns
 * `err.message` on the same error object once per consuming property).
 */
import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { ConsulHardenedOptionError } from "../../src/errors";
import { HardenedCluster } from "../../src/cluster/hardenedCluster";
import { HardenedClusterArgs } from "../../src/cluster/options";
import { GossipKeyring } from "../../src/gossip/keyring";
import { BootstrapSecrets } from "../../src/secrets/bootstrapSecrets";
import { VaultPki } from "../../src/vault/vaultPki";
import { emulation, valueOf } from "../support/emulation";

const KEY = "c2VjcmV0LWdvc3NpcC1rZXktZm9yLXRoZS10ZXN0cyE="; // 32 bytes
const SHORT_KEY = "MDEyMzQ1Njc4OWFiY2RlZg=="; // 16 bytes
const TOKEN = "4b1f4a52-93c1-4d55-9a52-0c9a4e3d7f21";
const later = <T>(v: T) => pulumi.secret(pulumi.output(v));
const primaryCa = async (name: string) => {
    const primary = new HardenedCluster(name, { datacenter: "dc1", servers: 1 });
    return { certPem: await valueOf(primary.caCertPem), privateKeyPem: await valueOf(primary.caPrivateKeyPem!) };
};

/** The error an Output-valued option fails with, after checking what every such error must be. */
async function lateRefusal(build: () => pulumi.Output<unknown>, planted: string[]): Promise<ConsulHardenedOptionError> {
    let caught: unknown;
    await valueOf(build()).then(
        () => assert.fail("accepted"),
        (e) => (caught = e),
    );
    const e = caught as ConsulHardenedOptionError;
    assert.ok(e instanceof ConsulHardenedOptionError, `a ConsulHardenedOptionError, not ${String(e)}`);
    assert.ok(pulumi.RunError.isInstance(e), "a RunError: the runtime prints the message without a stack");
    const before = e.message;
    e.message = `error serializing property "config": ${e.message}`;
    assert.equal(e.message, before, "the runtime's prefixes do not grow the message");
    for (const s of planted) for (const n of [s, s.slice(0, 6)]) assert.ok(!e.message.includes(n), `no part of a secret in: ${e.message}`);
    return e;
}

describe("options given as Outputs: refused once known, naming the option, as one stable error", () => {
    let ca: { certPem: string; privateKeyPem: string };
    before(async () => {
        (await emulation()).reset();
        ca = await primaryCa("late-primary");
    });
    beforeEach(async () => (await emulation()).reset());

    const secondary = (f: HardenedClusterArgs["federation"], extra: Partial<HardenedClusterArgs> = {}): HardenedClusterArgs => ({
        datacenter: "dc2",
        servers: 1,
        federation: { primaryDatacenter: "dc1", replicationToken: TOKEN, gossipKeys: { g1: KEY }, ...f },
        ca: { existing: ca },
        ...extra,
    });

    it("secretSeed: not 32 bytes of base64", async () => {
        const e = await lateRefusal(() => new HardenedCluster("late-seed", { datacenter: "dc1", servers: 1, secretSeed: later(SHORT_KEY) }).files, [SHORT_KEY]);
        assert.equal(e.problems[0].option, "secretSeed");
        assert.match(e.message, /^HardenedCluster "late-seed": 1 invalid option\(s\):\n {2}- secretSeed = <secret: 24 characters>: decodes to 16 bytes/);
    });

    it("gossip.generations[i].key: a 16-byte key, and a value that is no string", async () => {
        const e = await lateRefusal(() => new HardenedCluster("late-gk", { datacenter: "dc1", servers: 1, gossip: { generations: [{ name: "g1", primary: true, key: later(SHORT_KEY) }] } }).files, [SHORT_KEY]);
        assert.equal(e.problems[0].option, "gossip.generations[0].key");
        assert.match(e.message, /AES-128/);
        (await emulation()).reset();
        const n = await lateRefusal(() => new HardenedCluster("late-gk2", { datacenter: "dc1", servers: 1, gossip: { generations: [{ name: "g1", primary: true, key: later(null as unknown as string) }] } }).files, []);
        assert.match(n.message, /gossip\.generations\[0\]\.key = <secret: null>: must be a string/);
    });

    it("federation.gossipKeys: a generation the primary lacks, a bad key, not a map", async () => {
        const missing = await lateRefusal(() => new HardenedCluster("late-fk", secondary({ gossipKeys: later({ g2: KEY }) })).files, [KEY]);
        assert.equal(missing.problems[0].option, "federation.gossipKeys.g1");
        assert.match(missing.message, /the primary has no generation "g1" \(it has g2\)/);
        (await emulation()).reset();
        const bad = await lateRefusal(() => new HardenedCluster("late-fk2", secondary({ gossipKeys: later({ g1: SHORT_KEY }) })).files, [SHORT_KEY]);
        assert.equal(bad.problems[0].option, "federation.gossipKeys.g1");
        (await emulation()).reset();
        const list = await lateRefusal(() => new HardenedCluster("late-fk3", secondary({ gossipKeys: later([KEY] as unknown as Record<string, string>) })).files, [KEY]);
        assert.match(list.message, /federation\.gossipKeys = <secret: a list>: must be the primary's keys by generation name/);
    });

    it("federation.replicationToken: not a SecretID", async () => {
        const e = await lateRefusal(() => new HardenedCluster("late-rt", secondary({ replicationToken: later("not-a-token-" + KEY) })).files, [KEY]);
        assert.equal(e.problems[0].option, "federation.replicationToken");
        assert.match(e.message, /not a Consul SecretID/);
    });

    it("ca.existing given as Outputs: a key that does not match the certificate", async () => {
        const other = await primaryCa("late-other");
        (await emulation()).reset();
        const e = await lateRefusal(
            () => new HardenedCluster("late-ca", { datacenter: "dc1", servers: 1, ca: { existing: { certPem: later(ca.certPem), privateKeyPem: later(other.privateKeyPem) } } }).files,
            [other.privateKeyPem.split("\n")[1]],
        );
        assert.match(e.problems[0].option, /^ca\.existing/);
    });

    it("the standalone components name their own options", async () => {
        const k = await lateRefusal(() => new GossipKeyring("late-ring", { generations: [{ name: "g1", primary: true, key: later(SHORT_KEY) }] }).keys, [SHORT_KEY]);
        assert.match(k.message, /^GossipKeyring "late-ring": 1 invalid option\(s\):\n {2}- generations\[0\]\.key = <secret: 24 characters>/);
        const s = await lateRefusal(() => new BootstrapSecrets("late-bs", { datacenter: "dc1", agentNodeNames: ["a"], seed: later("x") }).seed, []);
        assert.match(s.message, /^BootstrapSecrets "late-bs": 1 invalid option\(s\):\n {2}- seed = <secret: 1 characters>/);
    });

    it("certificates from Vault given as Outputs: a CA or CLI certificate that is no PEM", async () => {
        const fromVault = (vaultCaPem: pulumi.Input<string>, certPem: pulumi.Input<string>) =>
            new HardenedCluster("late-vault", { datacenter: "dc1", servers: 1, certificates: { source: "vault-pki", vaultCaPem, cliCertificate: { certPem, keyPem: later("k") } } });
        const badCa = await lateRefusal(() => fromVault(later("MIIB-not-pem"), ca.certPem).files, []);
        assert.match(badCa.message, /certificates\.vaultCaPem = <secret: 12 characters>: not a PEM certificate/);
        (await emulation()).reset();
        const badCli = await lateRefusal(() => fromVault(ca.certPem, later(null as unknown as string)).providerArgs.certPem, []);
        assert.match(badCli.message, /certificates\.cliCertificate\.certPem = <secret: null>: must be a string/);
    });

    it("VaultPki's certificate options given as Outputs: existingMount.caPem, vaultCaPem, kubernetes.caCertPem", async () => {
        const base = { datacenter: "dc1", servers: [{ nodeName: "s1", addresses: ["10.0.1.11"] }] };
        const address = "https://vault.internal:8200";
        const emu = await emulation();
        emu.vault.addExistingMount("pki-consul-dc1", "pki");
        const mount = await lateRefusal(() => new VaultPki("late-mount", { ...base, vault: { address, existingMount: { caPem: later("junk") } } }).caPem, []);
        assert.match(mount.message, /^VaultPki "late-mount": 1 invalid option\(s\):\n {2}- vault\.existingMount\.caPem = <secret: 4 characters>: not a PEM certificate/);
        emu.reset();
        const vaultCaPem = await lateRefusal(() => new VaultPki("late-vca", { ...base, vault: { address, vaultCaPem: later("junk") } }).vaultCaPem!, []);
        assert.equal(vaultCaPem.problems[0].option, "vault.vaultCaPem");
        emu.reset();
        // The Kubernetes CA goes only into Vault's auth config: the program fails on it.
        new VaultPki("late-k8s", { ...base, vault: { address, kubernetes: { namespace: "consul", host: "https://kubernetes.example:6443", caCertPem: later("junk") } } });
        await emu.settled();
        const named = () => emu.failures.find((f) => f instanceof ConsulHardenedOptionError && f.problems[0].option === "vault.kubernetes.caCertPem");
        for (let i = 0; i < 40 && !named(); i++) await new Promise((r) => setTimeout(r, 25));
        assert.ok(named(), emu.failures.map(String).join("\n"));
    });

    it("a plain federation.gossipKeys map missing a generation is refused before any resource", () => {
        assert.throws(
            () => new HardenedCluster("plain-fk", secondary({ gossipKeys: { g2: KEY } })),
            (e: ConsulHardenedOptionError) => e.problems.some((p) => p.option === "federation.gossipKeys.g1") && !e.message.includes(KEY.slice(0, 6)),
        );
    });
});
