/**
 * An option key the library does not read is refused with the likely intended key, never ignored:
 * `federation.primaryDataCenter` ignored would make a secondary datacenter a primary of its own.
 */
import { strict as assert } from "node:assert";
import { ConsulHardenedOptionError } from "../../src/errors";
import { HardenedCluster } from "../../src/cluster/hardenedCluster";
import { HardenedClusterArgs } from "../../src/cluster/options";
import { buildAclPlan } from "../../src/acl/plan";
import { CertificateAuthority } from "../../src/tls/certificateAuthority";
import { GossipKeyring } from "../../src/gossip/keyring";
import { emulation } from "../support/emulation";

const refusal = (build: () => unknown): ConsulHardenedOptionError => {
    try {
        build();
    } catch (e) {
        assert.ok(e instanceof ConsulHardenedOptionError, String(e));
        return e;
    }
    assert.fail("accepted");
};

describe("unknown option keys are refused, naming the key meant", () => {
    before(async () => (await emulation()).reset());

    const cases: [string, Record<string, unknown>, string, RegExp][] = [
        ["a misspelt top-level option", { server: 3 }, "server", /did you mean servers\?/],
        ["federation.primaryDataCenter (would make this datacenter a primary)", { federation: { primaryDataCenter: "dc0" } }, "federation.primaryDataCenter", /did you mean federation\.primaryDatacenter\?/],
        ["tls.minVersoin", { tls: { minVersoin: "TLSv1_3" } }, "tls.minVersoin", /did you mean tls\.minVersion\?/],
        ["Consul keys straight under overrides (not under server/client)", { overrides: { node_meta: { rack: "r1" } } }, "overrides.node_meta", /the options here are server, client/],
        ["ca.validityHour", { ca: { validityHour: 5 } }, "ca.validityHour", /did you mean ca\.validityHours\?/],
        ["paths.datadir", { paths: { datadir: "/x" } }, "paths.datadir", /did you mean paths\.dataDir\?/],
        ["gossip.generations[0].retierd", { gossip: { generations: [{ name: "g1", primary: true, retierd: false }] } }, "gossip.generations[0].retierd", /did you mean gossip\.generations\[0\]\.retired\?/],
        ["ca.generations[1].existing.keyPem", { ca: { generations: [{ name: "a" }, { name: "b", existing: { certPem: "x", keyPem: "y" } }] } }, "ca.generations[1].existing.keyPem", /the options here are certPem, privateKeyPem/],
        ["agentProcess.User", { agentProcess: { User: "consul" } }, "agentProcess.User", /did you mean agentProcess\.user\?/],
    ];
    for (const [what, extra, option, fix] of cases)
        it(what, () => {
            const e = refusal(() => new HardenedCluster("keys", { datacenter: "dc1", servers: 1, ...extra } as HardenedClusterArgs));
            const p = e.problems.find((x) => x.option === option);
            assert.ok(p, `${option} named in:\n${e.message}`);
            assert.match(p.fix, fix);
        });

    it("every option the interfaces declare is accepted (the tables are complete)", () => {
        new HardenedCluster("keys-ok", {
            datacenter: "dc1",
            servers: 1,
            ports: { https: 8501 },
            paths: { dataDir: "/opt/consul/data" },
            tls: { minVersion: "TLSv1_3" },
            gossip: { generations: [{ name: "g1", primary: true }] },
            overrides: { server: { node_meta: { rack: "r1" } } },
        });
    });

    it("AclSystem, CertificateAuthority and GossipKeyring refuse theirs", () => {
        const acl = refusal(() => buildAclPlan({ datacenter: "dc1", connection: { address: "a:8501", caPem: "c", certPem: "c", keyPem: "k", token: "t" }, agents: [{ nodeName: "n", secretID: "x" }], operater: [] } as never));
        assert.ok(acl.problems.some((p) => p.option === "agents[0].secretID" && /secretId/.test(p.fix)), acl.message);
        assert.ok(acl.problems.some((p) => p.option === "operater" && /operators/.test(p.fix)), acl.message);
        const ca = refusal(() => new CertificateAuthority("keys-ca", { commonname: "x" } as never));
        assert.match(ca.problems[0].fix, /commonName/);
        const ring = refusal(() => new GossipKeyring("keys-ring", { generations: [{ name: "g1", primary: true }], generation: [] } as never));
        assert.equal(ring.problems[0].option, "generation");
    });
});

describe("overrides naming files the agent writes", () => {
    before(async () => (await emulation()).reset());
    it("pid_file and log_file outside paths.dataDir are refused (the unit and the pod let the agent write there only); inside it they pass", () => {
        for (const [key, value] of [["pid_file", "/root/consul.pid"], ["log_file", "/var/log/consul/"], ["pid_file", "/opt/consul/data/../../etc/x"]]) {
            const e = refusal(() => new HardenedCluster("files", { datacenter: "dc1", servers: 1, overrides: { server: { [key]: value } } }));
            assert.ok(e.problems.some((p) => p.option === `overrides.server.${key}` && /paths\.dataDir/.test(p.problem)), e.message);
        }
        new HardenedCluster("files-ok", { datacenter: "dc1", servers: 1, paths: { dataDir: "/srv/consul" }, overrides: { server: { pid_file: "/srv/consul/consul.pid", log_file: "/srv/consul/logs/" } } });
    });
});
