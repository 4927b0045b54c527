/**
 * The agent's process hardened: the rendered systemd units, scored by systemd's own
 * `systemd-analyze security --offline` and accepted by `systemd-analyze verify`.
 */
import { strict as assert } from "node:assert";
import { HardenedCluster } from "../../src/cluster/hardenedCluster";
import { HardenedClusterArgs } from "../../src/cluster/options";
import { ConsulHardenedOptionError } from "../../src/errors";
import { emulation } from "../support/emulation";
import { exposure, verify, HAVE_SYSTEMD_ANALYZE } from "../support/systemdAnalyze";

const base: HardenedClusterArgs = { datacenter: "dc1", servers: 1, agentProcess: { binary: process.execPath } };


describe("the agent process (systemd)", () => {
    before(emulation);
    /** The scoring tests need systemd's own tool (Debian's `systemd` package; .ci/run installs it). */
    function needsSystemdAnalyze(ctx: Mocha.Context): void {
        if (!HAVE_SYSTEMD_ANALYZE) {
            console.log("      (skipped: systemd-analyze is not installed — apt-get install systemd)");
            ctx.skip();
        }
    }
    beforeEach(async () => (await emulation()).reset());

    it("HashiCorp's way (User= and nothing else) scores UNSAFE — the yardstick", function () {
        needsSystemdAnalyze(this);
        assert.ok(exposure("[Service]\nUser=consul\nExecStart=/usr/bin/consul agent -config-dir=/etc/consul.d\n") >= 9.0);
    });

    for (const [label, extra] of [["default", {}], ["with DNS on port 53", { ports: { dns: 53 }, insecure: { dnsBelow1024: true } }]] as const) {
        it(`server and client units score ≤ 2.0 and pass systemd-analyze verify (${label})`, function () {
            needsSystemdAnalyze(this);
            const c = new HardenedCluster(`sd-${label.length}`, { ...base, ...extra });
            for (const role of ["server", "client"]) {
                const unit = c.agentProcessFiles[`systemd/${role}/consul.service`];
                const score = exposure(unit);
                assert.ok(score <= 2.0, `${role} ${label}: exposure ${score}`);
                const v = verify(unit);
                assert.ok(v.ok, v.out);
            }
        });
    }

    it("no capability unless DNS is below 1024, and then only CAP_NET_BIND_SERVICE", () => {
        const plain = new HardenedCluster("sd-plain", base).agentProcessFiles["systemd/server/consul.service"];
        assert.match(plain, /^CapabilityBoundingSet=$/m);
        assert.match(plain, /^User=consul$/m);
        assert.match(plain, /^ReadWritePaths=\/opt\/consul\/data$/m);
        const dns = new HardenedCluster("sd-dns", { ...base, ports: { dns: 53 }, insecure: { dnsBelow1024: true } });
        assert.match(dns.agentProcessFiles["systemd/server/consul.service"], /^CapabilityBoundingSet=CAP_NET_BIND_SERVICE$/m);
        assert.ok(dns.warnings.some((w) => w.option === "insecure.dnsBelow1024"));
    });

    it("the user and directories follow the options, with the bundle's modes", () => {
        const c = new HardenedCluster("sd-paths", { ...base, agentProcess: { ...base.agentProcess, user: "svc-consul", group: "svc" }, paths: { dataDir: "/var/lib/consul", configDir: "/etc/consul" } });
        assert.match(c.agentProcessFiles["systemd/sysusers.d/consul.conf"], /^u svc-consul -:svc /m);
        assert.match(c.agentProcessFiles["systemd/tmpfiles.d/consul.conf"], /^d \/var\/lib\/consul 0700 svc-consul svc -$/m);
        assert.match(c.agentProcessFiles["systemd/server/consul.service"], /-config-dir=\/etc\/consul$/m);
        assert.equal(c.fileModes["systemd/server/consul.service"], 0o644);
    });

    const refused: [string, HardenedClusterArgs, string][] = [
        ["DNS on 53 without the capability option", { ...base, ports: { dns: 53 } }, "ports.dns"],
        ["the agent as root", { ...base, agentProcess: { user: "root" } }, "agentProcess.user"],
        ["a data dir inside the read-only config dir", { ...base, paths: { dataDir: "/etc/consul.d/data" } }, "paths.dataDir"],
        ["the capability option with DNS above 1024", { ...base, insecure: { dnsBelow1024: true } }, "insecure.dnsBelow1024"],
        ["a relative binary", { ...base, agentProcess: { binary: "consul" } }, "agentProcess.binary"],
    ];
    for (const [label, args, option] of refused)
        it(`refuses ${label}`, () =>
            assert.throws(() => new HardenedCluster("sd-bad", args), (e: ConsulHardenedOptionError) => e.problems.some((p) => p.option === option)));
});
