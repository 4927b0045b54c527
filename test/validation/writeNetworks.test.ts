/**
 * The write restriction judged on the union of its networks, as Consul matches clients (Go's
 * net.IPNet.Contains: IPv4-mapped networks reduced to IPv4), in every spelling Consul parses.
 */
import { strict as assert } from "node:assert";
import { admittedRange, familiesAdmittedEntirely, unrestrictedWrites } from "../../src/validation/writeNetworks";
import { findHardeningGaps } from "../../src/config/guard";
import { defaultConfigs } from "../support/fixtures";

const EVERY_IPV4: string[][] = [
    ["0.0.0.0/0"],
    ["0.0.0.0/1", "128.0.0.0/1"],
    ["::ffff:0:0/96"],
    ["::ffff:0.0.0.0/96"],
    ["0:0:0:0:0:ffff:0:0/96"],
    ["0.0.0.0/2", "64.0.0.0/2", "128.0.0.0/1"],
    ["0.0.0.0/1", "64.0.0.0/2", "100.0.0.0/6", "128.0.0.0/2", "192.0.0.0/2"], // overlapping
    ["10.0.0.0/8", "::ffff:0.0.0.0/97", "128.0.0.0/1"],
    ["0.0.0.0/1", "::ffff:128.0.0.0/97"],
];
const EVERY_IPV6: string[][] = [["::/0"], ["::/1", "8000::/1"], ["::/2", "4000::/2", "8000::/1"]];
const RESTRICTED: string[][] = [
    ["127.0.0.0/8", "::1/128"],
    ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"],
    ["::ffff:10.0.0.0/104"], // = 10.0.0.0/8
    ["::/96"], // IPv4-compatible: an IPv6 range, matches no IPv4 client
    ["0.0.0.0/1", "128.0.0.0/2"], // a quarter of IPv4 left out
    ["::/1", "8000::/2"],
    ["fd00::/8", "::ffff:0:0/97"],
    ["::ffff:0:0/80"], // ParseCIDR masks the address first: this is ::/80, an IPv6 range
];

describe("write restriction judged on what it admits (allow_write_http_from, CSM-HTTP-02)", () => {
    for (const cidrs of EVERY_IPV4)
        it(`${cidrs.join(" + ")} admits every IPv4 address`, () => assert.ok(familiesAdmittedEntirely(cidrs).includes("IPv4")));
    for (const cidrs of EVERY_IPV6)
        it(`${cidrs.join(" + ")} admits every IPv6 address`, () => assert.deepEqual(familiesAdmittedEntirely(cidrs), ["IPv6"]));
    for (const cidrs of RESTRICTED) it(`${cidrs.join(" + ")} restricts`, () => assert.equal(unrestrictedWrites(cidrs), undefined));

    it("an IPv4-mapped network is matched as the IPv4 network it maps", () => {
        assert.deepEqual(admittedRange("::ffff:10.0.0.0/104"), admittedRange("10.0.0.0/8"));
        assert.deepEqual(admittedRange("::ffff:192.168.1.7/128"), admittedRange("192.168.1.7/32"));
    });

    it("the config guard (so the audit and the policy pack) refuses an override's split catch-all", () => {
        const cfg = defaultConfigs().server as any;
        cfg.http_config.allow_write_http_from = ["0.0.0.0/1", "128.0.0.0/1"];
        const gaps = findHardeningGaps(cfg, "server").filter((g) => g.id === "CSM-HTTP-02");
        assert.equal(gaps.length, 1);
        assert.match(gaps[0].message, /every IPv4 address/);
        cfg.http_config.allow_write_http_from = ["127.0.0.0/8", "10.0.0.0/24"];
        assert.deepEqual(findHardeningGaps(cfg, "server").filter((g) => g.id === "CSM-HTTP-02"), []);
    });
});

describe("write restrictions that admit public addresses are flagged, not refused (CSM-HTTP-02)", () => {
    it("public ranges are named; private, shared, loopback, link-local and ULA space is not", async () => {
        const { publicWriteNetworks } = await import("../../src/validation/writeNetworks");
        assert.deepEqual(publicWriteNetworks(["10.0.0.0/8", "172.16.0.0/12", "192.168.1.0/24", "100.64.0.0/10", "127.0.0.1/32", "169.254.0.0/16", "::1/128", "fd00::/8", "fe80::/64", "::ffff:10.0.0.0/104"]), []);
        assert.deepEqual(publicWriteNetworks(["203.0.113.5/32", "172.0.0.0/8", "::ffff:8.8.8.8/128", "2001:db8::/32", "10.0.0.0/7"]), ["203.0.113.5/32", "172.0.0.0/8", "::ffff:8.8.8.8/128", "2001:db8::/32", "10.0.0.0/7"]);
    });

    it("the audit reports it as a low CSM-HTTP-02 finding; HardenedCluster builds and warns", async () => {
        const { auditAgent } = await import("../../src/audit/audit");
        const { agentFromObject } = await import("../../src/audit/load");
        const server = JSON.parse(JSON.stringify(defaultConfigs().server));
        server.http_config.allow_write_http_from = ["127.0.0.0/8", "203.0.113.5/32"];
        const f = auditAgent(agentFromObject("server.json", server)).filter((x) => x.id === "CSM-HTTP-02");
        assert.equal(f.length, 1);
        assert.equal(f[0].severity, "low");
        assert.match(f[0].message, /public addresses \(203\.0\.113\.5\/32\)/);
        const { HardenedCluster } = await import("../../src/cluster/hardenedCluster");
        const { emulation } = await import("../support/emulation");
        const pulumi = await import("@pulumi/pulumi");
        (await emulation()).reset();
        const warned: string[] = [];
        const warn = pulumi.log.warn;
        (pulumi.log as { warn: typeof warn }).warn = async (m: string) => void warned.push(m);
        try {
            new HardenedCluster("public-admin", { datacenter: "dc1", servers: 1, adminNetworks: ["203.0.113.5/32"] });
        } finally {
            (pulumi.log as { warn: typeof warn }).warn = warn;
        }
        assert.ok(warned.some((m) => /^CSM-HTTP-02: .*203\.0\.113\.5\/32/.test(m)), warned.join("\n"));
    });
});
