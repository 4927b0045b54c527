/**
 * How an error message prints a refused value: whole when short, cut when long (a pasted file or a
 * runaway string would otherwise fill the terminal — found by feeding VaultPki a 5,000-character
 * datacenter, echoed six times), withheld when it looks like a key.
 */
import { strict as assert } from "node:assert";
import { show } from "../../src/errors";
import { HardenedCluster } from "../../src/cluster/hardenedCluster";
import { refusalsOf } from "../support/refusals";
import { emulation } from "../support/emulation";

describe("refused values in error messages", () => {
    it("prints a short value whole and cuts a long one, saying how long it was", () => {
        assert.equal(show("dc_1"), '"dc_1"');
        assert.equal(show(["10.0.0.1"]), '["10.0.0.1"]');
        const long = show("x".repeat(10_000));
        assert.ok(long.length < 200, `${long.length} characters`);
        assert.match(long, /^"x+… \(10002 characters\)$/);
        assert.equal(show(Symbol("s")), "Symbol(s)");
    });

    it("a component's refusal of a 10,000-character value stays short", async () => {
        (await emulation()).reset();
        const problems = refusalsOf(() => new HardenedCluster("long", { datacenter: "D".repeat(10_000) }));
        const p = problems.find((x) => x.option === "datacenter");
        assert.ok(p && p.value.length < 200 && /10002 characters/.test(p.value), JSON.stringify(p).slice(0, 300));
    });

    it("withholds what looks like a token in any field: a Vault token, a service-account JWT", () => {
        for (const token of ["hvs.CAESIJ9t0aKb3xYz7Qw2Lm4Np8Rs1Uv5Wx6Yz0Ab", "s.Qf1s5zigZ4OX6akYjQXJC1jY", "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW0ifQ.c2lnbmF0dXJl"])
            assert.match(show(token), /withheld/, token.slice(0, 4));
        assert.equal(show("server.dc1.consul"), '"server.dc1.consul"', "a host name is no token");
    });
});
