import { strict as assert } from "node:assert";
import { X509Certificate } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { HardenedCluster } from "../../src/cluster/hardenedCluster";
import { HardenedClusterArgs } from "../../src/cluster/options";
import { ConsulHardenedOptionError } from "../../src/errors";
import { trustTransitionProblem, IMPLICIT_GENERATION, planCaRollover } from "../../src/tls/rollover/plan";
import { RecordedResource } from "../../src/testing/providers";
import { emulation, valueOf } from "../support/emulation";
import { CA_V3, opensslCa, opensslVerify } from "../support/openssl";

const base: HardenedClusterArgs = { datacenter: "dc1", servers: 3, clientNodeNames: ["app-1"] };
const LEAVES = ["ro-cli-cert", "ro-consul-server-1-cert", "ro-consul-server-2-cert", "ro-consul-server-3-cert"];

/** The certificates of a PEM bundle, in order. */
function bundle(pem: string): X509Certificate[] {
    return (pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []).map((p) => new X509Certificate(p));
}

/** An Output's value, or the error it failed with (the SDK's own promise; `valueOf` never settles on failure). */
function outcome<T>(o: pulumi.Output<T>): Promise<T | Error> {
    return (o as unknown as { promise(): Promise<T> }).promise().catch((e: Error) => e);
}

describe("CA rollover in stages (ca.generations), over recorded state", () => {
    type Run = { files: Record<string, string>; steps: string[]; state: RecordedResource[]; cluster: HardenedCluster };
    async function run(prior: RecordedResource[] | undefined, ca: HardenedClusterArgs["ca"]): Promise<Run> {
        const emu = await emulation();
        emu.reset(prior);
        const cluster = new HardenedCluster("ro", { ...base, ca });
        const files = await valueOf(cluster.files);
        const steps = emu.plan().filter((s) => s.op !== "same").map((s) => `${s.op} ${s.urn.split("::").pop()}`).sort();
        return { files, steps, state: emu.snapshot(), cluster };
    }
    const serverCert = (r: Run) => new X509Certificate(r.files["servers/consul-server-1/server.pem"]);

    it("trust → issue → retire: each stage changes exactly what it says, and no agent is ever left without the CA it needs", async () => {
        const start = await run(undefined, undefined);
        const [oldCa] = bundle(start.files["ca.pem"]);

        // Stage 1: the new CA joins the trust; the running CA (adopted by "old") keeps signing.
        const trust = await run(start.state, { generations: [{ name: "old" }, { name: "new" }] });
        assert.deepEqual(trust.steps, ["create ro-ca-new", "create ro-ca-new-cert", "create ro-ca-new-key", "update ro-ca-trust"]);
        const trusted = bundle(trust.files["ca.pem"]);
        assert.equal(trusted.length, 2);
        assert.equal(trusted[0].fingerprint256, oldCa.fingerprint256, "the same CA, first: it still signs");
        const newCa = trusted[1];
        assert.equal(serverCert(trust).serialNumber, serverCert(start).serialNumber, "no certificate re-issued yet");
        assert.equal(trust.cluster.caRolloverPlan!.stage, "trust");
        assert.match(trust.cluster.caRolloverPlan!.next, /ca\.signing = "new"/);

        // Stage 2: certificates are re-issued by the new CA; both still trusted.
        const issue = await run(trust.state, { generations: [{ name: "old", protectKey: false }, { name: "new" }], signing: "new" });
        assert.deepEqual(issue.steps, [...LEAVES.map((l) => `replace ${l}`), "update ro-ca-trust"].sort());
        const both = bundle(issue.files["ca.pem"]);
        assert.deepEqual(both.map((c) => c.fingerprint256), [newCa.fingerprint256, oldCa.fingerprint256], "the signer first, the old one still trusted");
        assert.ok(serverCert(issue).verify(newCa.publicKey), "signed by the new CA");
        assert.ok(!serverCert(issue).verify(oldCa.publicKey));
        // An agent still on stage-1 files (trusting both) accepts the new certificate; an agent on
        // stage-2 files accepts the old ones the others still present.
        assert.ok(trusted.some((c) => serverCert(issue).verify(c.publicKey)));
        assert.ok(both.some((c) => serverCert(trust).verify(c.publicKey)));
        assert.equal(issue.cluster.caRolloverPlan!.stage, "issue");
        assert.match(issue.cluster.caRolloverPlan!.next, /protectKey: false/);

        // Stage 3: the old CA leaves the trust; nothing it signed is in use.
        const retire = await run(issue.state, { generations: [{ name: "new" }], signing: "new" });
        assert.deepEqual(retire.steps, ["delete ro-ca-old", "delete ro-ca-old-cert", "delete ro-ca-old-key", "update ro-ca-trust"]);
        assert.deepEqual(bundle(retire.files["ca.pem"]).map((c) => c.fingerprint256), [newCa.fingerprint256]);
        assert.equal(serverCert(retire).serialNumber, serverCert(issue).serialNumber, "nothing re-issued");
        assert.equal(retire.cluster.caRolloverPlan!.stage, "steady");
    });

    it("to a brought CA (e.g. Vault's): openssl verifies every certificate of each stage under the ca.pem of the stage before and after", async () => {
        const vault = opensslCa("vault-ca", CA_V3);
        const start = await run(undefined, { generations: [{ name: "gen" }] });
        const trust = await run(start.state, { generations: [{ name: "gen" }, { name: "vault", existing: vault }] });
        assert.deepEqual(trust.steps, ["create ro-ca-vault", "update ro-ca-trust"], "a brought CA creates no provider resource, only its component");
        const issue = await run(trust.state, { generations: [{ name: "gen", protectKey: false }, { name: "vault", existing: vault }], signing: "vault" });
        const retire = await run(issue.state, { generations: [{ name: "vault", existing: vault }], signing: "vault" });
        const leaf = (r: Run) => r.files["servers/consul-server-1/server.pem"];
        // Each stage's certificates under the neighbouring stages' trust: what mixed agents meet.
        for (const [certs, trusts] of [[start, [start, trust]], [trust, [start, trust, issue]], [issue, [trust, issue, retire]], [retire, [issue, retire]]] as [Run, Run[]][])
            for (const t of trusts) assert.ok(opensslVerify(t.files["ca.pem"], leaf(certs)).ok, opensslVerify(t.files["ca.pem"], leaf(certs)).out);
        assert.ok(!opensslVerify(retire.files["ca.pem"], leaf(trust)).ok, "after retiring, the old CA's certificates are refused");
        assert.ok(opensslVerify(vault.certPem, leaf(retire)).ok, "signed by the brought CA");
    });

    it("skipping the trust stage (new CA and signing switched in one up) is refused before any CA or certificate changes", async () => {
        const start = await run(undefined, undefined);
        const emu = await emulation();
        emu.reset(start.state);
        const cluster = new HardenedCluster("ro", { ...base, ca: { generations: [{ name: "old" }, { name: "new" }], signing: "new" } });
        const result = await outcome(cluster.caCertPem);
        assert.ok(result instanceof Error);
        assert.match(result.message, /CaTrustGuard resource 'ro-ca-trust' is invalid: signing: ca\.signing = "new", but the agents' current ca\.pem trusts only old/);
        assert.match(result.message, /stage 1: trust/);
        await outcome(cluster.files);
        const touched = emu.plan().filter((s) => s.op !== "same" && s.op !== "delete").map((s) => s.urn.split("::").pop());
        assert.deepEqual(touched, [], "no CA created, no certificate replaced");
        assert.equal(emu.resources.filter((r) => r.type === "tls:index/locallySignedCert:LocallySignedCert").length, 0);
    });

    it("skipping the issue stage (dropping the CA that signed the deployed certificates) is refused", async () => {
        const start = await run(undefined, undefined);
        const trust = await run(start.state, { generations: [{ name: "old" }, { name: "new" }] });
        const emu = await emulation();
        emu.reset(trust.state);
        const cluster = new HardenedCluster("ro", { ...base, ca: { generations: [{ name: "new" }] } });
        const result = await outcome(cluster.caCertPem);
        assert.ok(result instanceof Error);
        assert.match(result.message, /generation "old" leaves the trust, but the certificates deployed now were signed by it/);
        await outcome(cluster.files);
        assert.equal(emu.resources.filter((r) => r.type === "tls:index/locallySignedCert:LocallySignedCert").length, 0, "no certificate re-issued");
    });

    it("bad rollover options fail before any resource, naming the option and the fix", async () => {
        const emu = await emulation();
        emu.reset();
        const bad: [string, HardenedClusterArgs["ca"], string][] = [
            ["signing a generation not listed", { generations: [{ name: "a" }], signing: "b" }, "ca.signing"],
            ["two generations with one name", { generations: [{ name: "a" }, { name: "a" }] }, "ca.generations[1].name"],
            ["three CAs at once", { generations: [{ name: "a" }, { name: "b" }, { name: "c" }] }, "ca.generations"],
            ["a CA option beside generations", { validityHours: 1000, generations: [{ name: "a" }] }, "ca.validityHours"],
            ["signing without generations", { signing: "a" }, "ca.signing"],
            ["a generation outlived by the certificates", { generations: [{ name: "a", validityHours: 100 }] }, "certificates.validityHours"],
            ["a generation's renewal window longer than its validity", { generations: [{ name: "a", validityHours: 20000, earlyRenewalHours: 30000 }] }, "ca.generations[0].earlyRenewalHours"],
        ];
        for (const [what, ca, option] of bad) {
            assert.throws(() => new HardenedCluster("bad", { ...base, ca }), (e: ConsulHardenedOptionError) => e instanceof ConsulHardenedOptionError && e.problems.some((p) => p.option === option), what);
        }
        assert.equal(emu.resources.length + emu.components.length, 0);
    });

    it("the transition rule, case by case", () => {
        const s = (trusted: string[], signing: string) => ({ trusted, signing });
        assert.equal(trustTransitionProblem(undefined, s(["a"], "a")), undefined, "first deployment");
        assert.equal(trustTransitionProblem(s([IMPLICIT_GENERATION], IMPLICIT_GENERATION), s(["a", "b"], "a")), undefined, "the oldest generation continues the implicit CA");
        assert.match(trustTransitionProblem(s([IMPLICIT_GENERATION], IMPLICIT_GENERATION), s(["a", "b"], "b"))!, /trusts only a/);
        assert.equal(trustTransitionProblem(s(["a", "b"], "a"), s(["a", "b"], "b")), undefined);
        assert.equal(trustTransitionProblem(s(["a", "b"], "b"), s(["b"], "b")), undefined);
        assert.match(trustTransitionProblem(s(["a", "b"], "a"), s(["b"], "b"))!, /"a" leaves the trust/);
        assert.match(trustTransitionProblem(s(["a"], "a"), s(["b"], "b"))!, /trusts only a/, "a wholesale swap");
        assert.equal(trustTransitionProblem(s(["a", "b"], "b"), s(["a", "b"], "a")), undefined, "rolling back to the old signer while both are trusted");
        assert.equal(planCaRollover(["a", "b"], "b").stage, "issue");
    });
});
