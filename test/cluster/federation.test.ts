/**
 * Two datacenters from the library: the secondary shares the primary's gossip keyring and CA, and
 * its AclSystem manages only its agents' (local) tokens — no global name is created twice.
 */
import { strict as assert } from "node:assert";
import { AclSystem, aclArgsFromCluster, HardenedCluster } from "../../src";
import { ConsulHardenedOptionError } from "../../src/errors";
import { ProviderEmulation } from "../../src/testing/providers";
import { emulation, valueOf } from "../support/emulation";

describe("federation: a secondary datacenter", () => {
    let emu: ProviderEmulation;
    before(async () => (emu = await emulation()));
    beforeEach(() => emu.reset());

    function twoDatacenters(generations = [{ name: "g1", primary: true }]) {
        const dc1 = new HardenedCluster("dc1", { datacenter: "dc1", servers: 1, adminNetworks: ["10.0.0.5/32"], gossip: { generations } });
        const acl1 = new AclSystem("dc1-acl", { ...aclArgsFromCluster(dc1), replication: true });
        const dc2 = new HardenedCluster("dc2", {
            datacenter: "dc2",
            servers: 1,
            adminNetworks: ["10.0.0.5/32"],
            gossip: { generations },
            ca: { existing: { certPem: dc1.caCertPem, privateKeyPem: dc1.caPrivateKeyPem! } },
            federation: { primaryDatacenter: "dc1", retryJoinWan: ["10.0.1.11"], replicationToken: acl1.tokens.replication, gossipKeys: dc1.gossipKeys },
        });
        return { dc1, acl1, dc2 };
    }

    /** Waits until every resource of the two datacenters is registered (none leaks into the next test). */
    async function settled(d: ReturnType<typeof twoDatacenters>) {
        await Promise.all([valueOf(d.dc1.files), valueOf(d.dc2.files), ...Object.values(d.acl1.tokens).map((t) => valueOf(t))]);
        return d;
    }

    it("uses the primary's gossip keys (no key of its own) for every generation", async () => {
        const { dc1, dc2 } = await settled(twoDatacenters([{ name: "a", retired: true } as never, { name: "b", primary: true }]));
        const [k1, k2] = [await valueOf(dc1.gossipKeys), await valueOf(dc2.gossipKeys)];
        assert.deepEqual(k2, k1);
        assert.equal(JSON.parse(await valueOf(dc2.servers[0].config)).encrypt, k1.b);
        assert.deepEqual(emu.ofType("random:index/randomBytes:RandomBytes").filter((r) => r.name.startsWith("dc2-gossip")), []);
    });

    it("its AclSystem creates only its agents' tokens, local to it, with the primary's token", async () => {
        const { dc1, dc2 } = await settled(twoDatacenters());
        const before = emu.consul.policies.size;
        const acl2 = new AclSystem("dc2-acl", aclArgsFromCluster(dc2, { token: dc1.bootstrapToken }));
        await Promise.all(Object.values(acl2.tokens).map((t) => valueOf(t)));
        assert.deepEqual(acl2.plan.policies, []);
        assert.deepEqual(acl2.plan.roles, []);
        assert.equal(emu.consul.policies.size, before, "no global object created twice (dns-read, consul-administrator)");
        const tokens = emu.ofType("pulumi-nodejs:dynamic/consul-hardened:AclToken").filter((r) => r.name.startsWith("dc2-acl"));
        assert.deepEqual(tokens.map((t) => [t.inputs.local, t.inputs.nodeIdentities[0].datacenter]), [[true, "dc2"]]);
        assert.equal(tokens[0].inputs.connection.token, await valueOf(dc1.bootstrapToken!));
    });

    it("aclArgsFromCluster on a secondary without a token says which one to pass", async () => {
        const { dc2 } = await settled(twoDatacenters());
        assert.throws(() => aclArgsFromCluster(dc2), (e: ConsulHardenedOptionError) => e.problems[0].option === "token" && /primary\.bootstrapToken/.test(e.problems[0].fix));
    });

    it("a secondary AclSystem refuses global objects, naming each option", async () => {
        const { dc1, dc2 } = await settled(twoDatacenters());
        assert.throws(
            () => new AclSystem("x", { ...aclArgsFromCluster(dc2, { token: dc1.bootstrapToken }), operators: [{ name: "ops", prefix: "ops" }], replication: true }),
            (e: ConsulHardenedOptionError) => {
                assert.deepEqual(e.problems.map((p) => p.option), ["operators", "replication"]);
                assert.match(e.problems[0].problem, /live in the primary datacenter dc1/);
                return true;
            },
        );
    });
});
