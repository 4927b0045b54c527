import { strict as assert } from "node:assert";
import { HardenedCluster } from "../../src/cluster/hardenedCluster";
import { AclSystem } from "../../src/acl/aclSystem";
import { aclArgsFromCluster } from "../../src/acl/fromCluster";
import { RecordedResource } from "../../src/testing/providers";
import { emulation, valueOf } from "../support/emulation";

/** The type tokens of consul-hardened 0.1, before every component moved to the `index` module. */
const FORMER_TYPES: Record<string, string> = {
    "consul-hardened:index:CertificateAuthority": "consul-hardened:tls:CertificateAuthority",
    "consul-hardened:index:AgentCertificate": "consul-hardened:tls:AgentCertificate",
    "consul-hardened:index:GossipKeyring": "consul-hardened:gossip:GossipKeyring",
    "consul-hardened:index:BootstrapSecrets": "consul-hardened:acl:BootstrapSecrets",
    "consul-hardened:index:AclSystem": "consul-hardened:acl:AclSystem",
};

/** The same state as a stack deployed with other type tokens would hold (URNs carry the type chain). */
function withTypes(state: RecordedResource[], types: Record<string, string>): RecordedResource[] {
    let text = JSON.stringify(state);
    for (const [now, then] of Object.entries(types)) text = text.split(now).join(then);
    return JSON.parse(text);
}

async function deploy(): Promise<void> {
    const cluster = new HardenedCluster("up", { datacenter: "dc1", servers: 1, clientNodeNames: ["web-1"], adminNetworks: ["10.0.0.5/32"] });
    const acl = new AclSystem("up-acl", aclArgsFromCluster(cluster));
    await valueOf(cluster.files);
    await Promise.all(Object.values(acl.tokens).map(valueOf));
}

describe("upgrading a stack deployed with 0.1's type tokens (consul-hardened:tls:…, :gossip:, :acl:)", () => {
    it("every resource is found under its alias: nothing created, replaced or deleted — the protected CA key stays", async () => {
        const emu = await emulation();
        emu.reset();
        await deploy();
        const current = emu.snapshot();
        const caKey = current.find((r) => r.type === "tls:index/privateKey:PrivateKey" && r.name === "up-ca-key")!;
        assert.ok(caKey.urn.includes("consul-hardened:index:CertificateAuthority$"), caKey.urn);

        emu.reset(withTypes(current, FORMER_TYPES));
        await deploy();
        const changed = emu.plan().filter((s) => s.op !== "same");
        assert.deepEqual(changed.map((s) => `${s.op} ${s.urn}`), []);
        const again = emu.snapshot().find((r) => r.name === "up-ca-key")!;
        assert.equal(again.id, caKey.id, "the CA key is the one deployed before");
        assert.equal(again.urn, caKey.urn, "and is recorded under the new URN");
    });

    it("control: a former token nobody aliased loses the CA (delete and create), so every certificate is signed anew", async () => {
        const emu = await emulation();
        emu.reset();
        await deploy();
        emu.reset(withTypes(emu.snapshot(), { "consul-hardened:index:CertificateAuthority": "consul-hardened:pki:CertificateAuthority" }));
        await deploy();
        const changed = emu.plan().filter((s) => s.op !== "same").map((s) => `${s.op} ${s.urn.split("::").pop()}`);
        for (const step of ["create up-ca-key", "delete up-ca-key", "create up-ca-cert", "delete up-ca-cert", "replace up-consul-server-1-cert", "replace up-cli-cert"])
            assert.ok(changed.includes(step), `${step} in ${changed.join(", ")}`);
    });
});
