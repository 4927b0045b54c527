/**
 * No secret in plaintext anywhere in the stack's state or in the preview of a change: the state
 * export and the replace plan the emulation records (as the engine would, see harness/state/) are
 * scanned for every secret value the stack holds, in every encoding a provider might store.
 */
import { strict as assert } from "node:assert";
import { sep } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { AclSystem, aclArgsFromCluster, HardenedCluster } from "../../src";
import { findSecrets } from "../../src/testing/state/secretScan";
import { ProviderEmulation } from "../../src/testing/providers";
import { isSecretEnvelope } from "../../src/testing/state/wire";
import { emulation, valueOf } from "../support/emulation";

type Secrets = Record<string, string>;

/** Ground truth, from the providers' own plain results and the library's secret outputs. */
async function secretsOf(emu: ProviderEmulation, outputs: Record<string, pulumi.Input<string> | undefined>): Promise<Secrets> {
    const found: Secrets = {};
    for (const r of emu.ofType("tls:index/privateKey:PrivateKey")) {
        found[`${r.name}.privateKeyPem`] = r.state.privateKeyPem;
        found[`${r.name}.privateKeyPemPkcs8`] = r.state.privateKeyPemPkcs8;
    }
    for (const r of emu.ofType("random:index/randomBytes:RandomBytes")) {
        found[`${r.name}.base64`] = r.state.base64;
        found[`${r.name}.hex`] = r.state.hex;
    }
    for (const [label, out] of Object.entries(outputs)) if (out !== undefined) found[label] = await valueOf(out);
    return found;
}

async function clusterSecrets(prefix: string, c: HardenedCluster): Promise<Record<string, pulumi.Input<string> | undefined>> {
    const files = await valueOf(c.files);
    return {
        ...Object.fromEntries(Object.entries(files).map(([path, content]) => [`${prefix}:${path}`, content])),
        ...Object.fromEntries(Object.entries(c.agentTokens).map(([n, t]) => [`${prefix}:agent-token:${n}`, t])),
        [`${prefix}:gossip`]: c.gossipKey,
        [`${prefix}:seed`]: c.secretSeed,
        [`${prefix}:management`]: c.bootstrapToken,
        [`${prefix}:cli-key`]: c.cliKeyPem,
    };
}

function assertNoSecret(where: string, text: string, secrets: Secrets): void {
    assert.ok(Object.keys(secrets).length > 0);
    const hits = findSecrets(text, secrets);
    assert.deepEqual(hits.map((h) => `${h.label}: …${h.context}…`), [], `${where} holds secrets in plaintext`);
}

/** The demo's own stack (examples/basic + examples/acl), loaded afresh into the emulation. */
function loadDemoStack(): { cluster: HardenedCluster; acl: AclSystem } {
    for (const k of Object.keys(require.cache)) if (k.includes(`${sep}examples${sep}`)) delete require.cache[k];
    return { cluster: require("../../examples/basic").cluster, acl: require("../../examples/acl").acl };
}

describe("secrets in Pulumi state", () => {
    let emu: ProviderEmulation;
    before(async () => (emu = await emulation()));
    beforeEach(() => emu.reset());

    it("the scan finds a secret stored as it would be by a RandomUuid (the design this replaced)", async () => {
        const leaky = new random.RandomUuid("leaky-token", {});
        const value = await valueOf(leaky.result);
        const exported = JSON.stringify(emu.stateExport());
        // The provider's ID is the UUID: in the export's `id` and, for a replace, in `[id=…]`.
        assert.deepEqual([...new Set(findSecrets(exported, { token: value }).map((h) => h.label))], ["token"]);
        assert.ok(findSecrets(value.replace(/-/g, "").toUpperCase(), { token: value }).length > 0, "dash-less upper-case form");
    });

    it("the demo stack (cluster + ACL system): no secret in plaintext in the state export", async () => {
        const { cluster, acl } = loadDemoStack();
        const tokens = Object.fromEntries(Object.entries(acl.tokens).map(([k, t]) => [`acl:${k}`, t]));
        const secrets = await secretsOf(emu, { ...(await clusterSecrets("dc1", cluster)), ...tokens });
        const exported = emu.stateExport();
        assertNoSecret("state export", JSON.stringify(exported), secrets);
        // The secrets are in the export — encrypted: each token Consul holds sits in a secret envelope.
        const dynamicTokens = exported.deployment.resources.filter((r) => r.type === "pulumi-nodejs:dynamic/consul-hardened:AclToken");
        assert.ok(dynamicTokens.length >= 5);
        for (const r of dynamicTokens) assert.ok(isSecretEnvelope(r.outputs.secretId) && isSecretEnvelope(r.inputs.secretId), r.urn);
        // Component outputs are stored too; the cluster's secret ones are encrypted.
        const top = exported.deployment.resources.find((r) => r.type === "consul-hardened:index:HardenedCluster")!;
        for (const k of ["files", "gossipKey", "bootstrapToken"]) assert.ok(isSecretEnvelope(top.outputs[k]), k);
    });

    it("state export: IDs and secret marks as the providers and the engine form them", async () => {
        const cluster = new HardenedCluster("ids", { datacenter: "dc1", servers: 1 });
        await valueOf(cluster.files);
        const res = emu.stateExport().deployment.resources;
        const byUrnEnd = (end: string) => res.find((r) => r.urn.endsWith(end))!;
        const seed = byUrnEnd("::ids-bootstrap-seed");
        assert.equal(seed.id, "none");
        assert.ok(isSecretEnvelope(seed.outputs.base64) && isSecretEnvelope(seed.outputs.hex));
        assert.deepEqual(seed.outputs.keepers, { generation: "1" }, "keepers stay readable");
        assert.equal(seed.urn, "urn:pulumi:test::consul-hardened::consul-hardened:index:HardenedCluster$consul-hardened:index:BootstrapSecrets$random:index/randomBytes:RandomBytes::ids-bootstrap-seed");
        assert.equal(seed.parent, byUrnEnd("::ids-bootstrap").urn);
        const caKey = res.find((r) => r.type === "tls:index/privateKey:PrivateKey" && r.urn.endsWith("::ids-ca-key"))!;
        assert.match(caKey.id!, /^[0-9a-f]{40}$/, "hex SHA-1 of the public key");
        assert.ok(caKey.protect, "the CA key is protected");
        assert.ok(isSecretEnvelope(caKey.outputs.privateKeyPem));
        assert.equal(typeof caKey.outputs.publicKeyPem, "string", "the public key is not secret");
        const leaf = res.find((r) => r.type === "tls:index/locallySignedCert:LocallySignedCert")!;
        assert.match(leaf.id!, /^[0-9]+$/, "the serial number in decimal");
        assert.ok(isSecretEnvelope(leaf.inputs.caPrivateKeyPem) && isSecretEnvelope(leaf.outputs.caPrivateKeyPem));
        // The program sees provider-marked outputs as secrets, as from a real engine.
        const key = new random.RandomBytes("marks", { length: 8 });
        assert.equal(await pulumi.isSecret(key.base64), true);
    });

    it("two gossip generations (one retired) and a bumped token generation: no secret in the export or in the preview of the change", async () => {
        const before = new HardenedCluster("rot", { datacenter: "dc1", servers: 3, clientNodeNames: ["web-1"] });
        const beforeSecrets = await secretsOf(emu, await clusterSecrets("before", before));
        const prior = emu.snapshot();

        emu.reset(prior);
        const after = new HardenedCluster("rot", {
            datacenter: "dc1",
            servers: 3,
            clientNodeNames: ["web-1"],
            gossip: { generations: [{ name: "g1", retired: true }, { name: "g2", primary: true }] },
            tokenGeneration: 2,
        });
        const secrets = { ...beforeSecrets, ...(await secretsOf(emu, await clusterSecrets("after", after))) };
        assert.notEqual(secrets["before:agent-token:web-1"], secrets["after:agent-token:web-1"], "the bump rotated the token");
        assertNoSecret("state export after the change", JSON.stringify(emu.stateExport()), secrets);
        assertNoSecret("preview --diff", emu.renderedPlan(), secrets);
        assertNoSecret("plan steps", JSON.stringify(emu.plan()), secrets);

        // The preview says what a real one would: the seed replaced (its keepers), g2 created,
        // the CA and every certificate unchanged.
        const changed = emu.plan().filter((s) => s.op !== "same").map((s) => `${s.op} ${s.urn.split("::").pop()} ${s.oldId ?? ""}`.trim());
        assert.deepEqual(changed.sort(), ["create rot-gossip-g2", "replace rot-bootstrap-seed none"]);
        assert.match(emu.renderedPlan(), /\+- random:index\/randomBytes:RandomBytes: \(replace\)\n {4}\[id=none\]/);
        assert.match(emu.renderedPlan(), /keepers: \{"generation":"1"\} => \{"generation":"2"\}/);
    });

    it("a secondary datacenter with a replication token: no secret in the export", async () => {
        const dc1 = new HardenedCluster("dc1", { datacenter: "dc1", servers: 1, adminNetworks: ["10.0.0.5/32"] });
        const acl1 = new AclSystem("dc1-acl", { ...aclArgsFromCluster(dc1), replication: true });
        const replicationToken = acl1.tokens.replication;
        const dc2 = new HardenedCluster("dc2", {
            datacenter: "dc2",
            servers: 1,
            ca: { existing: { certPem: dc1.caCertPem, privateKeyPem: dc1.caPrivateKeyPem! } },
            federation: { primaryDatacenter: "dc1", replicationToken, gossipKeys: dc1.gossipKeys },
        });
        const dc2Server = JSON.parse(await valueOf(dc2.servers[0].config));
        assert.equal(dc2Server.acl.tokens.replication, await valueOf(replicationToken), "dc2's servers carry the token");
        const secrets = await secretsOf(emu, { ...(await clusterSecrets("dc1", dc1)), ...(await clusterSecrets("dc2", dc2)), replication: replicationToken });
        assertNoSecret("state export", JSON.stringify(emu.stateExport()), secrets);
    });
});

describe("renewal on a later pulumi up (the tls provider's rule, on recorded state)", () => {
    it("within earlyRenewalHours of expiry, the next run replaces the leaf certificates — and only them", async () => {
        const emu = await emulation();
        emu.reset();
        const t0 = new Date("2027-01-01T00:00:00Z");
        emu.setClock(t0);
        try {
            const args = { datacenter: "dc1", servers: 3 };
            await valueOf(new HardenedCluster("renew", args).files);
            const prior = emu.snapshot();

            emu.reset(prior);
            emu.setClock(new Date(t0.getTime() + (8760 - 721) * 3600_000)); // 1h before the 30-day window
            await valueOf(new HardenedCluster("renew", args).files);
            assert.deepEqual(emu.plan().filter((s) => s.op !== "same"), [], "nothing is due yet");

            emu.reset(prior);
            emu.setClock(new Date(t0.getTime() + (8760 - 719) * 3600_000)); // inside it
            const renewed = new HardenedCluster("renew", args);
            const files = await valueOf(renewed.files);
            const replaced = emu.plan().filter((s) => s.op !== "same");
            assert.deepEqual(replaced.map((s) => `${s.op} ${s.urn.split("::").pop()}`).sort(), ["replace renew-cli-cert", "replace renew-consul-server-1-cert", "replace renew-consul-server-2-cert", "replace renew-consul-server-3-cert"]);
            assert.ok(replaced.every((s) => s.replaces?.join() === "readyForRenewal"));
            const { X509Certificate } = await import("node:crypto");
            const leaf = new X509Certificate(files["servers/consul-server-1/server.pem"]);
            assert.equal(new Date(leaf.validTo).getUTCFullYear(), 2028, "the new certificate runs a year from the new now");
            assert.ok(leaf.verify(new X509Certificate(files["ca.pem"]).publicKey), "signed by the same, kept CA");
        } finally {
            emu.setClock(undefined);
        }
    });
});

describe("CA renewal on a later pulumi up (same key and subject)", () => {
    it("the CA certificate is renewed within ca.earlyRenewalHours; old and new leaves verify under old and new CA (openssl)", async () => {
        const { execFileSync } = await import("node:child_process");
        const { mkdtempSync, writeFileSync } = await import("node:fs");
        const { join } = await import("node:path");
        const { tmpdir } = await import("node:os");
        const emu = await emulation();
        emu.reset();
        const t0 = new Date("2027-01-01T00:00:00Z");
        emu.setClock(t0);
        try {
            const args = { datacenter: "dc1", servers: 1, ca: { protectKey: false } };
            await valueOf(new HardenedCluster("carenew", args).files);
            // Years of yearly leaf renewals later: the last `up` before the CA's renewal window.
            emu.reset(emu.snapshot());
            emu.setClock(new Date(t0.getTime() + (43800 - 8760 - 48) * 3600_000));
            const before = await valueOf(new HardenedCluster("carenew", args).files);
            emu.reset(emu.snapshot());
            const renewalAt = new Date(t0.getTime() + (43800 - 8759) * 3600_000); // inside the CA's renewal window
            emu.setClock(renewalAt);
            const after = await valueOf(new HardenedCluster("carenew", args).files);
            const changed = emu.plan().filter((s) => s.op !== "same").map((s) => `${s.op} ${s.urn.split("::").pop()}`).sort();
            assert.deepEqual(changed, ["replace carenew-ca-cert", "replace carenew-cli-cert", "replace carenew-consul-server-1-cert"], "the CA key stays; the CA certificate and the leaves are re-issued");
            assert.notEqual(after["ca.pem"], before["ca.pem"]);
            const dir = mkdtempSync(join(tmpdir(), "ch-carenew-"));
            const write = (name: string, pem: string) => (writeFileSync(join(dir, name), pem), join(dir, name));
            // At the renewal's moment (the emulation's clock is in the future).
            const at = String(Math.floor(renewalAt.getTime() / 1000) + 60);
            const verify = (ca: string, leaf: string) => execFileSync("openssl", ["verify", "-attime", at, "-CAfile", ca, leaf], { encoding: "utf8" });
            const [oldCa, newCa] = [write("old-ca.pem", before["ca.pem"]), write("new-ca.pem", after["ca.pem"])];
            const [oldLeaf, newLeaf] = [write("old.pem", before["servers/consul-server-1/server.pem"]), write("new.pem", after["servers/consul-server-1/server.pem"])];
            // Agents that still have the old files and agents that have the new ones trust each other.
            assert.match(verify(newCa, oldLeaf), /OK/);
            assert.match(verify(oldCa, newLeaf), /OK/);
        } finally {
            emu.setClock(undefined);
        }
    });
});
