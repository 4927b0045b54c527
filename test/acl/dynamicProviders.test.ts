/**
 * The dynamic providers, exactly as Pulumi serialized them, driven against a loopback stand-in
 * for Consul's ACL API that verifies client certificates with the cluster's real CA.
 */
import { strict as assert } from "node:assert";
import { randomUUID } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { HardenedCluster } from "../../src/cluster/hardenedCluster";
import { PreseededAclToken } from "../../src/acl/dynamic/aclToken";
import { AclBootstrap } from "../../src/acl/dynamic/aclBootstrap";
import { emulation, valueOf } from "../support/emulation";
import { FakeConsul } from "../support/fakeConsul";

/** Loads the provider from the text Pulumi serialized into the resource's `__provider` input. */
function loadSerialized(text: string): pulumi.dynamic.ResourceProvider {
    const exports: { handler?: () => pulumi.dynamic.ResourceProvider } = {};
    new Function("exports", "require", text)(exports, require);
    return exports.handler!();
}

describe("dynamic providers against a Consul ACL API over mTLS", () => {
    let consulApi: FakeConsul;
    let conn: { address: string; caPem: string; certPem: string; keyPem: string; token: string };
    let tokenProvider: pulumi.dynamic.ResourceProvider;
    let bootstrapProvider: pulumi.dynamic.ResourceProvider;
    const management = randomUUID();

    before(async () => {
        const emu = await emulation();
        const cluster = new HardenedCluster("api", { datacenter: "dc1", servers: 1 });
        // The server side of the API: a server certificate with an IP SAN for 127.0.0.1.
        consulApi = new FakeConsul(
            { ca: await valueOf(cluster.caCertPem), cert: await valueOf(cluster.servers[0].certPem!), key: await valueOf(cluster.servers[0].keyPem!) },
            management,
        );
        await consulApi.start();
        conn = { address: consulApi.address, caPem: await valueOf(cluster.caCertPem), certPem: await valueOf(cluster.cliCertPem), keyPem: await valueOf(cluster.cliKeyPem), token: management };

        const t = new PreseededAclToken("ser-token", { connection: conn, secretId: randomUUID(), description: "x" });
        const b = new AclBootstrap("ser-boot", { connection: conn });
        await Promise.all([valueOf(t.secretId), valueOf(b.secretId)]);
        tokenProvider = loadSerialized(emu.named("ser-token").inputs.__provider);
        bootstrapProvider = loadSerialized(emu.named("ser-boot").inputs.__provider);
    });
    after(() => consulApi.stop());

    it("creates a token with the pre-seeded SecretID and node identity, presenting the CLI certificate", async () => {
        const secretId = randomUUID();
        const inputs = { connection: conn, secretId, description: "Agent token of n1", policies: [], roles: [], nodeIdentities: [{ nodeName: "n1", datacenter: "dc1" }] };
        const created = await tokenProvider.create(inputs);
        const stored = consulApi.tokens.get(created.id)!;
        assert.equal(stored.SecretID, secretId);
        assert.deepEqual(stored.NodeIdentities, [{ NodeName: "n1", Datacenter: "dc1" }]);
        assert.equal(consulApi.requests.at(-1)!.clientCertCn, "cli.dc1.consul");
        assert.equal(consulApi.requests.at(-1)!.token, management);

        const read = await tokenProvider.read!(created.id, created.outs);
        assert.deepEqual(read.props.nodeIdentities, [{ nodeName: "n1", datacenter: "dc1" }]);

        const diff = await tokenProvider.diff!(created.id, created.outs, { ...inputs, secretId: randomUUID() });
        assert.deepEqual([diff.replaces, diff.deleteBeforeReplace], [["secretId"], false], "rotation creates the new token before deleting the old (CSM-ROT-02)");
        const noop = await tokenProvider.diff!(created.id, created.outs, inputs);
        assert.equal(noop.changes, false);

        await tokenProvider.update!(created.id, created.outs, { ...inputs, description: "renamed" });
        assert.equal(consulApi.tokens.get(created.id)!.Description, "renamed");
        assert.equal(consulApi.tokens.get(created.id)!.SecretID, secretId, "update keeps the secret");

        await tokenProvider.delete!(created.id, created.outs);
        assert.equal(consulApi.tokens.has(created.id), false);
        const gone = await tokenProvider.read!(created.id, created.outs);
        assert.equal(gone.id, "", "a deleted token reads as gone, so the next up re-creates it");
    });

    it("passes an expiration TTL (CSM-ACL-09)", async () => {
        const created = await tokenProvider.create({ connection: conn, secretId: randomUUID(), description: "dev", policies: [], roles: [], nodeIdentities: [], expirationTtl: "8h" });
        assert.equal(consulApi.tokens.get(created.id)!.ExpirationTTL, "8h");
        assert.ok(created.outs.expirationTime);
    });

    it("waits while the leader has not bootstrapped ACLs yet (403 \"ACL system must be bootstrapped\"), then creates the token", async () => {
        consulApi.notBootstrappedYet = 3;
        const secretId = randomUUID();
        const created = await tokenProvider.create!({ connection: conn, secretId, description: "early", policies: [], roles: [], nodeIdentities: [] });
        assert.equal(consulApi.tokens.get(created.id)!.SecretID, secretId);
        assert.equal(consulApi.notBootstrappedYet, 0, "asked again until the cluster answered");
    });

    it("fails clearly, without the secret, when Consul refuses", async () => {
        const secretId = randomUUID();
        await assert.rejects(
            tokenProvider.create({ connection: { ...conn, token: "wrong" }, secretId, description: "x", policies: [], roles: [], nodeIdentities: [] }),
            (e: Error) => /creating ACL token "x": Consul answered 403/.test(e.message) && !e.message.includes(secretId),
        );
    });

    it("refuses a server it cannot verify against the configured CA", async () => {
        // The CLI certificate is not a CA: nothing the server presents chains to it.
        await assert.rejects(
            tokenProvider.create({ connection: { ...conn, caPem: conn.certPem }, secretId: randomUUID(), description: "x", policies: [], roles: [], nodeIdentities: [] }),
            /Consul PUT \/v1\/acl\/token at 127\.0\.0\.1:\d+: /,
        );
    });

    it("bootstraps once, then explains how to adopt the existing token", async () => {
        const first = await bootstrapProvider.create({ connection: conn });
        assert.equal(first.outs.secretId, management);
        await assert.rejects(bootstrapProvider.create({ connection: conn }), (e: Error) => /already bootstrapped \(reset index 42\)/.test(e.message) && /Adopt the existing management token/.test(e.message) && /write 42 to <data_dir>\/acl-bootstrap-reset/.test(e.message));
    });
});
