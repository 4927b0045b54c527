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
