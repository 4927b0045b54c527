/**
 * Upgrading a stack recorded with consul-hardened 0.1's type tokens (consul-hardened:tls:…,
 * :gossip:, :acl:) under the real engine: the state is rewritten to the old tokens and imported
 * (`pulumi stack import`), then `pulumi preview` and `pulumi up` of the current library find every
 * resource under its alias — every step `same`, the protected CA key kept. Control: a token nobody
 * aliased makes the engine plan the CA anew.
 */
import { strict as assert } from "node:assert";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { PulumiWorkspace } from "./pulumiCli";

const PROGRAM = `
const { HardenedCluster } = require(REPO);
const cluster = new HardenedCluster("up", { datacenter: "dc1", servers: 1, clientNodeNames: ["web-1"], adminNetworks: ["10.0.0.5/32"] });
exports.files = cluster.files;
`;

/** The type tokens of 0.1 (as test/state/typeAliases.test.ts, which checks the kit's alias rules). */
const FORMER_TYPES: Record<string, string> = {
    "consul-hardened:index:CertificateAuthority": "consul-hardened:tls:CertificateAuthority",
    "consul-hardened:index:AgentCertificate": "consul-hardened:tls:AgentCertificate",
    "consul-hardened:index:GossipKeyring": "consul-hardened:gossip:GossipKeyring",
    "consul-hardened:index:BootstrapSecrets": "consul-hardened:acl:BootstrapSecrets",
};

function previewSteps(ws: PulumiWorkspace, project: string): { op: string; urn: string }[] {
    return (JSON.parse(ws.pulumi(["preview", "--json"], project).stdout).steps ?? []) as { op: string; urn: string }[];
}

describe("upgrade from 0.1's type tokens under the real engine (aliases)", function () {
    this.timeout(600_000);
    let ws: PulumiWorkspace;
    before(() => (ws = new PulumiWorkspace()));
    after(() => ws?.dispose());

    /** A deployed stack whose state is then rewritten with `types` and imported. */
    function deployedWithTypes(name: string, types: Record<string, string>): { project: string; caKeyId: string } {
        const project = ws.jsProject(name, PROGRAM);
        ws.pulumi(["up", "--yes", "--skip-preview"], project);
        let text = ws.pulumi(["stack", "export"], project).stdout;
        const caKeyId = JSON.parse(text).deployment.resources.find((r: { urn: string }) => r.urn.endsWith("::up-ca-key")).id as string;
        for (const [now, then] of Object.entries(types)) text = text.split(now).join(then);
        const file = join(ws.home, `${name}-state.json`);
        writeFileSync(file, text);
        ws.pulumi(["stack", "import", "--file", file], project);
        return { project, caKeyId };
    }

    it("a stack recorded with the 0.1 tokens: preview and up are all `same`, the CA key is kept", () => {
        const { project, caKeyId } = deployedWithTypes("upgrade", FORMER_TYPES);
        const before = ws.stackExport(project).deployment.resources ?? [];
        assert.ok(before.some((r) => r.type === "consul-hardened:tls:CertificateAuthority"), "the imported state holds the 0.1 tokens");
        const changed = previewSteps(ws, project).filter((s) => s.op !== "same");
        assert.deepEqual(changed.map((s) => `${s.op} ${s.urn}`), []);
        const up = ws.pulumi(["up", "--yes", "--skip-preview"], project).stdout;
        assert.doesNotMatch(up, /\b(created|replaced|deleted)\b/, up.slice(-1500));
        const after = ws.stackExport(project).deployment.resources ?? [];
        const caKey = after.find((r) => r.urn.endsWith("::up-ca-key"))!;
        assert.equal(caKey.id, caKeyId, "the CA key deployed before");
        assert.match(caKey.urn, /consul-hardened:index:CertificateAuthority\$tls:index\/privateKey:PrivateKey::up-ca-key$/, "recorded under its new URN");
        assert.ok(!after.some((r) => /consul-hardened:(tls|gossip|acl):/.test(r.type)), "no 0.1 token left in the state");
    });

    it("control: a former token nobody aliased — the engine plans the CA anew (its protected key blocks the delete)", () => {
        const { project } = deployedWithTypes("control", { "consul-hardened:index:CertificateAuthority": "consul-hardened:pki:CertificateAuthority" });
        const r = ws.pulumi(["preview", "--json"], project, { allowFailure: true });
        const steps = (JSON.parse(r.stdout).steps ?? []) as { op: string; urn: string }[];
        const ops = steps.filter((s) => s.op !== "same").map((s) => `${s.op} ${s.urn.split("::").pop()}`);
        console.log(`      control (exit ${r.code}): ${ops.join(", ")}`);
        for (const step of ["create up-ca-key", "create up-ca-cert", "delete up-ca-key", "delete up-ca-cert", "replace up-consul-server-1-cert", "replace up-cli-cert"])
            assert.ok(ops.includes(step), `${step} in ${ops.join(", ")}`);
        assert.notEqual(r.code, 0, "the engine refuses to delete the protected CA key");
        assert.match(`${r.stdout}${r.stderr}`, /protect/i);
    });
});
