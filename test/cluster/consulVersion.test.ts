/**
 * HardenedCluster's `consulVersion`: overrides judged by that line's keys and builder rules (a key
 * 1.15 took refused for 1.14, a value 1.14 refuses accepted for 1.15), an unknown version refused
 * before any resource naming the option, and the policy pack reading the review configs as the
 * recorded line does.
 */
import { strict as assert } from "node:assert";
import { HardenedCluster } from "../../src/cluster/hardenedCluster";
import { HardenedClusterArgs } from "../../src/cluster/options";
import { ConsulHardenedOptionError } from "../../src/errors";
import { CLUSTER_TYPE, findingsOf } from "../../src/policy/agentConfigs";
import { emulation } from "../support/emulation";

const base: HardenedClusterArgs = { datacenter: "dc1", servers: 1 };

function problemsOf(args: HardenedClusterArgs): readonly { option: string; problem: string; fix: string }[] {
    try {
        new HardenedCluster(`v-${Math.random().toString(36).slice(2, 8)}`, args);
    } catch (e) {
        assert.ok(e instanceof ConsulHardenedOptionError, String(e));
        return e.problems;
    }
    return [];
}

describe("HardenedCluster consulVersion", function () {
    this.timeout(60_000);
    before(async () => (await emulation()).reset());

    for (const v of ["1.23", "latest", "1.9", "1.16.x"])
        it(`refuses ${JSON.stringify(v)} before any resource, naming consulVersion and the versions known`, async () => {
            const emu = await emulation();
            const before = emu.resources.length + emu.components.length;
            const p = problemsOf({ ...base, consulVersion: v }).find((x) => x.option === "consulVersion");
            assert.ok(p, "no problem names consulVersion");
            assert.match(p.problem, /1\.14 \(1\.14\.11\), 1\.15 \(1\.15\.4\), 1\.16 \(1\.16\.3\), .*1\.22 \(1\.22\.3\)/);
            assert.match(p.fix, /"1\.14" to "1\.22"/);
            assert.equal(emu.resources.length + emu.components.length, before);
        });

    it("judges overrides by the line: raft_logstore is a key 1.14 lacks; a negative cache rate only 1.14 refuses", () => {
        const logstore: Partial<HardenedClusterArgs> = { overrides: { server: { raft_logstore: { backend: "wal" } } as never } };
        assert.deepEqual(problemsOf({ ...base, ...logstore, consulVersion: "1.14.11" }).map((p) => `${p.option}: ${p.problem}`), ["overrides.server.raft_logstore: Consul 1.14 rejects this key (invalid config key)"]);
        assert.deepEqual(problemsOf({ ...base, ...logstore, consulVersion: "1.15" }), []);
        const rate: Partial<HardenedClusterArgs> = { overrides: { server: { cache: { entry_fetch_rate: -1 } } as never } };
        assert.match(problemsOf({ ...base, ...rate, consulVersion: "1.14" }).map((p) => `${p.option}: ${p.problem}`).join("\n"), /overrides\.server\.cache\.entry_fetch_rate: Consul 1\.14 refuses it: .*strictly positive, was: -1/);
        assert.deepEqual(problemsOf({ ...base, ...rate }), [], "1.16 (the default) takes -1 as no limit");
    });

    it("the policy pack audits a cluster's review configs as its recorded line reads them", () => {
        const props = { reviewConfigs: { servers: { s1: { server: true, raft_logstore: { backend: "wal" } } } } };
        const rejects = (p: Record<string, unknown>) => findingsOf(CLUSTER_TYPE, `c-${Math.random()}`, p).filter((f) => f.finding.id === "CONSUL-REJECT").map((f) => f.finding.path);
        assert.deepEqual(rejects({ ...props, consulVersion: "1.14" }), ["raft_logstore"]);
        assert.deepEqual(rejects(props), []);
        assert.deepEqual(rejects({ ...props, consulVersion: "toString" }), [], "an unknown recorded value reads as unsaid (1.16)");
    });

    it("1.18 and later render default_intention_policy = deny (CSM-ACL-10); 1.16, which has no such key, does not", async () => {
        const review = (consulVersion?: string) => new HardenedCluster(`r-${consulVersion ?? "default"}`, { ...base, clientNodeNames: ["app-1"], ...(consulVersion ? { consulVersion } : {}) }).review;
        const r18 = review("1.18");
        assert.match(r18.servers["consul-server-1"], /default_intention_policy = "deny"/);
        assert.match(r18.client, /default_intention_policy = "deny"/);
        assert.doesNotMatch(review().servers["consul-server-1"], /default_intention_policy/);
    });
});
