/**
 * Kubernetes: `podSecurity` meets the restricted Pod Security Standard (checked against the
 * standard's controls), and examples/kubernetes — a HardenedCluster composed with
 * @pulumi/kubernetes — runs under the emulation (kubernetes resources echoed) with no secret in a
 * ConfigMap and the Secrets' data encrypted in state.
 */
import { strict as assert } from "node:assert";
import { sep } from "node:path";
import { HardenedCluster } from "../../src/cluster/hardenedCluster";
import { findSecrets } from "../../src/testing/state/secretScan";
import { isSecretEnvelope } from "../../src/testing/state/wire";
import { ProviderEmulation } from "../../src/testing/providers";
import { restrictedViolations } from "../support/podSecurityStandard";
import { emulation, valueOf } from "../support/emulation";

const K8S = ["kubernetes:core/v1:ConfigMap", "kubernetes:core/v1:Secret", "kubernetes:apps/v1:StatefulSet"];

describe("Kubernetes: restricted pod security", () => {
    let emu: ProviderEmulation;
    before(async () => {
        emu = await emulation();
        for (const type of K8S) emu.addEmulator(type, (inputs) => ({ ...inputs }));
    });
    beforeEach(() => emu.reset());

    const pod = (c: HardenedCluster, extra: Record<string, unknown> = {}) => ({
        securityContext: c.podSecurity.pod,
        containers: [{ name: "consul", securityContext: { ...c.podSecurity.container, ...extra } }],
        volumes: [{ name: "data", emptyDir: {} }],
    });

    it("the checker refuses what the standard refuses (it can fail)", () => {
        assert.deepEqual(restrictedViolations({ containers: [{ name: "c" }] }).sort(), [
            "capabilities: container c does not drop ALL",
            "privilege escalation: container c",
            "running as non-root: container c",
            "seccomp: container c",
        ]);
        const c = new HardenedCluster("pss-ctl", { datacenter: "dc1", servers: 1 });
        assert.deepEqual(restrictedViolations(pod(c, { capabilities: { drop: ["ALL"], add: ["SYS_ADMIN"] } })), ["capabilities (baseline): container consul adds SYS_ADMIN", "capabilities: container consul adds SYS_ADMIN"]);
        assert.deepEqual(restrictedViolations({ ...pod(c), hostNetwork: true, volumes: [{ name: "h", hostPath: { path: "/" } }] }).sort(), ["host namespaces: hostNetwork", "hostPath volumes: h", "volume types: h (hostPath)"]);
    });

    it("podSecurity is admitted under restricted, also with DNS below 1024 (NET_BIND_SERVICE only)", () => {
        const plain = new HardenedCluster("pss", { datacenter: "dc1", servers: 1 });
        assert.deepEqual(restrictedViolations(pod(plain)), []);
        assert.deepEqual(plain.podSecurity.container.capabilities, { drop: ["ALL"] });
        assert.equal(plain.podSecurity.container.readOnlyRootFilesystem, true);
        const dns = new HardenedCluster("pss-dns", { datacenter: "dc1", servers: 1, ports: { dns: 53 }, insecure: { dnsBelow1024: true } });
        assert.deepEqual(restrictedViolations(pod(dns)), []);
        assert.deepEqual(dns.podSecurity.container.capabilities.add, ["NET_BIND_SERVICE"]);
    });

    it("examples/kubernetes: restricted pods, no secret in a ConfigMap, Secrets encrypted in state", async () => {
        for (const k of Object.keys(require.cache)) if (k.includes(`${sep}examples${sep}kubernetes`)) delete require.cache[k];
        const { cluster, servers } = require("../../examples/kubernetes") as typeof import("../../examples/kubernetes");
        const files = await valueOf(cluster.files);
        await Promise.all(servers.map((s) => valueOf(s.urn)));
        const sets = emu.ofType("kubernetes:apps/v1:StatefulSet");
        assert.equal(sets.length, 3);
        for (const s of sets) assert.deepEqual(restrictedViolations(s.inputs.spec.template.spec), [], s.name);
        const secretValues: Record<string, string> = {
            gossip: await valueOf(cluster.gossipKey),
            management: await valueOf(cluster.bootstrapToken!),
            serverKey: files["servers/consul-server-1/server-key.pem"],
            ...Object.fromEntries(await Promise.all(Object.entries(cluster.agentTokens).map(async ([n, t]) => [n, await valueOf(t)] as const))),
        };
        for (const cm of emu.ofType("kubernetes:core/v1:ConfigMap")) assert.deepEqual(findSecrets(JSON.stringify(cm.inputs), secretValues), [], cm.name);
        const exported = emu.stateExport().deployment.resources.filter((r) => r.type === "kubernetes:core/v1:Secret");
        assert.equal(exported.length, 3);
        for (const r of exported) assert.ok(isSecretEnvelope(r.inputs.stringData) || Object.values(r.inputs.stringData).every(isSecretEnvelope), r.urn);
        assert.deepEqual(findSecrets(JSON.stringify(emu.stateExport()), secretValues), [], "no secret in plaintext anywhere in state");
    });
});
