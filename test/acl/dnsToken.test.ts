/**
 * Consul 1.17+ (consulVersion): every agent answers DNS with its own token (`acl.tokens.dns`)
 * instead of the anonymous token (CSM-ACL-06). HardenedCluster renders the DNS token into every
 * agent config (a secret, "<secret>" in review); AclSystem, given it through aclArgsFromCluster,
 * creates it with the DNS read-only policy and leaves the anonymous token with nothing. Before 1.17
 * nothing changes: no key Consul 1.16 would refuse, DNS through the anonymous token.
 */
import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { HardenedCluster } from "../../src/cluster/hardenedCluster";
import { AclSystem } from "../../src/acl/aclSystem";
import { aclArgsFromCluster } from "../../src/acl/fromCluster";
import { ConsulHardenedOptionError } from "../../src/errors";
import { emulation, valueOf } from "../support/emulation";

describe("the DNS token (Consul 1.17+)", function () {
    this.timeout(60_000);

    it("1.17: rendered into every agent config as a secret, created by AclSystem with DNS read, the anonymous token left with nothing", async () => {
        const emu = await emulation();
        emu.reset();
        const cluster = new HardenedCluster("dns17", { datacenter: "dc1", servers: 1, clientNodeNames: ["web-1"], consulVersion: "1.17", adminNetworks: ["10.0.0.5/32"] });
        assert.ok(cluster.dnsToken, "the cluster has a DNS token");
        const dns = await valueOf(cluster.dnsToken!);
        assert.equal(await pulumi.isSecret(cluster.dnsToken!), true);
        const files = await valueOf(cluster.files);
        assert.equal(JSON.parse(files["servers/consul-server-1/consul.json"]).acl.tokens.dns, dns);
        assert.equal(JSON.parse(files["client/consul.json"]).acl.tokens.dns, dns);
        assert.match(cluster.review.client, /dns\s*=\s*"<secret>"/);
        assert.ok(!JSON.stringify(cluster.review).includes(dns));

        const acl = new AclSystem("dns17-acl", aclArgsFromCluster(cluster));
        await Promise.all(Object.values(acl.tokens).map(valueOf));
        await emu.settled();
        assert.deepEqual(acl.plan.anonymousPolicies, []);
        const token = [...emu.consul.tokens.values()].find((t) => t.description === "DNS token of every agent (acl.tokens.dns)");
        assert.ok(token, "AclSystem created the DNS token");
        assert.equal(token.secretId, dns, "with the SecretID the agents carry");
        assert.deepEqual(token.policies, ["dns-read"]);
    });

    it("1.16 (the default): no DNS token, DNS read on the anonymous token as before", async () => {
        const emu = await emulation();
        emu.reset();
        const cluster = new HardenedCluster("dns16", { datacenter: "dc1", servers: 1, adminNetworks: ["10.0.0.5/32"] });
        assert.equal(cluster.dnsToken, undefined);
        const files = await valueOf(cluster.files);
        assert.equal(JSON.parse(files["servers/consul-server-1/consul.json"]).acl.tokens.dns, undefined);
        const acl = new AclSystem("dns16-acl", aclArgsFromCluster(cluster));
        assert.deepEqual(acl.plan.anonymousPolicies, ["dns-read"]);
        assert.ok(!acl.plan.tokens.some((t) => t.key === "dns"));
    });

    it("refuses a DNS token with dns: false (every DNS query would be refused), and one that is no SecretID, without printing it", async () => {
        (await emulation()).reset();
        const cluster = new HardenedCluster("dnsbad", { datacenter: "dc1", servers: 1, consulVersion: "1.22", adminNetworks: ["10.0.0.5/32"] });
        assert.throws(() => new AclSystem("dnsbad-acl", { ...aclArgsFromCluster(cluster), dns: false }), (e: Error) => e instanceof ConsulHardenedOptionError && e.problems.some((p) => p.option === "dns"));
        const bad = "not-a-uuid-but-a-secret";
        assert.throws(
            () => new AclSystem("dnsbad-acl2", { ...aclArgsFromCluster(cluster), dnsToken: bad }),
            (e: Error) => e instanceof ConsulHardenedOptionError && e.problems.some((p) => p.option === "dnsToken") && !e.message.includes(bad),
        );
    });
});
