/**
 * The ACL layer under the real engine against a live Consul 1.16.3 (the e2e stage's binary, one
 * server on loopback started from a bundle the library rendered): `pulumi up` of an AclSystem
 * stack creates the pre-seeded agent tokens in Consul through the real dynamic-provider plugin
 * (the provider code serialized by the SDK and run by @pulumi/pulumi's cmd/dynamic-provider);
 * consul.* resources go through the emulated consul plugin. A second `up` changes nothing,
 * `refresh` finds no drift, `destroy` removes the tokens from Consul. Secrets reach the program as
 * `pulumi config set --secret` values.
 */
import { strict as assert } from "node:assert";
import { existsSync } from "node:fs";
import { HardenedCluster } from "../../src/cluster/hardenedCluster";
import { emulateProviders, outputValue } from "../../src/testing";
import { aclsReady, api, CONSUL, LocalAgents, until } from "../e2e/localCluster";
import { ApiConnection } from "../../src/acl/dynamic/consulHttp";
import * as pulumi from "@pulumi/pulumi";
import { AclSystem } from "../../src/acl/aclSystem";
import { PulumiWorkspace } from "./pulumiCli";
import { compareStates, renderDisagreements } from "./stateDiff";

const SERVER = "127.0.0.71";
const PROGRAM = `
const pulumi = require("@pulumi/pulumi");
const { AclSystem } = require(REPO);
const cfg = new pulumi.Config();
const conn = JSON.parse(process.env.CH_CONNECTION);
const acl = new AclSystem("acl", {
    datacenter: "dc1",
    connection: { ...conn, keyPem: cfg.requireSecret("keyPem"), token: cfg.requireSecret("managementToken") },
    agents: [
        { nodeName: "consul-server-1", secretId: cfg.requireSecret("serverToken") },
        { nodeName: "app-1", secretId: cfg.requireSecret("clientToken") },
    ],
});
exports.tokens = acl.tokens;
`;

function changes(ws: PulumiWorkspace, project: string, env: NodeJS.ProcessEnv): string[] {
    const digest = JSON.parse(ws.pulumi(["preview", "--json"], project, { env }).stdout) as { steps?: { op: string; urn: string }[] };
    return (digest.steps ?? []).filter((s) => s.op !== "same").map((s) => `${s.op} ${s.urn.split("::").pop()}`);
}

describe("ACL tokens through the real engine and dynamic-provider plugin, on a live Consul", function () {
    this.timeout(600_000);
    const agents = new LocalAgents();
    let ws: PulumiWorkspace;
    let conn: ApiConnection;
    let project: string;
    let tokens: Record<string, string>;
    const env = { CH_CONNECTION: "" };

    before(async () => {
        if (!existsSync(CONSUL)) throw new Error(`${CONSUL} is missing: the e2e stage builds it (scripts/e2e-tools.sh consul)`);
        await emulateProviders();
        const cluster = new HardenedCluster("live", { datacenter: "dc1", servers: 1, serverAddresses: [SERVER], clientNodeNames: ["app-1"] });
        const files = await outputValue(cluster.files);
        tokens = await outputValue(cluster.agentTokens as unknown as Record<string, string>);
        agents.startServers(files, ["consul-server-1"], [SERVER]);
        conn = { address: `${SERVER}:8501`, caPem: files["ca.pem"], certPem: files["cli/cli.pem"], keyPem: files["cli/cli-key.pem"], token: await outputValue(cluster.bootstrapToken!) };
        await until("a leader", async () => ((await api(conn, "GET", "/v1/status/leader")).body ? true : undefined), 90_000);
        await aclsReady(conn);

        ws = new PulumiWorkspace();
        project = ws.jsProject("acl", PROGRAM);
        env.CH_CONNECTION = JSON.stringify({ address: conn.address, caPem: conn.caPem, certPem: conn.certPem });
        for (const [key, value] of [["keyPem", conn.keyPem], ["managementToken", conn.token!], ["serverToken", tokens["consul-server-1"]], ["clientToken", tokens["app-1"]]])
            ws.setSecret(project, key, value);
    });
    after(async () => {
        await agents.stopAll();
        ws?.dispose();
    });

    const tokenSelf = (secret: string) => api({ ...conn, token: secret }, "GET", "/v1/acl/token/self");

    it("pulumi up creates the pre-seeded agent tokens in Consul, with the SecretIDs the bundle carries", async () => {
        for (const node of ["consul-server-1", "app-1"]) assert.equal((await tokenSelf(tokens[node])).status, 403, `${node}'s token exists before up`);
        ws.pulumi(["up", "--yes", "--skip-preview"], project, { env });
        for (const node of ["consul-server-1", "app-1"]) {
            const self = await tokenSelf(tokens[node]);
            assert.equal(self.status, 200, `${node}: ${JSON.stringify(self.body)}`);
            assert.deepEqual(self.body.NodeIdentities, [{ NodeName: node, Datacenter: "dc1" }]);
        }
        const exported = ws.pulumi(["stack", "export"], project).stdout;
        for (const node of ["consul-server-1", "app-1"]) assert.ok(!exported.includes(tokens[node]), `${node}'s SecretID in plaintext in the state`);
        assert.ok(!exported.includes(conn.token!), "the management token in plaintext in the state");
    });

    it("the kit's stateExport() of the same AclSystem agrees with the engine's (explicit consul provider, dynamic tokens)", async () => {
        const emu = await emulateProviders();
        // The stack's config as the engine passed it (the dynamic provider receives all of it).
        const config = { "acl:keyPem": conn.keyPem, "acl:managementToken": conn.token!, "acl:serverToken": tokens["consul-server-1"], "acl:clientToken": tokens["app-1"] };
        pulumi.runtime.setAllConfig(config, Object.keys(config));
        const program = { conn: JSON.parse(env.CH_CONNECTION), keyPem: pulumi.secret(conn.keyPem), token: pulumi.secret(conn.token!) };
        const acl = new AclSystem("acl", {
            datacenter: "dc1",
            connection: { ...program.conn, keyPem: program.keyPem, token: program.token },
            agents: [
                { nodeName: "consul-server-1", secretId: pulumi.secret(tokens["consul-server-1"]) },
                { nodeName: "app-1", secretId: pulumi.secret(tokens["app-1"]) },
            ],
        });
        await Promise.all(Object.values(acl.tokens).map((t) => outputValue(t)));
        await emu.settled();
        await emu.recordStackOutputs({ tokens: acl.tokens });
        const engine = ws.stackExport(project).deployment.resources ?? [];
        const rows = compareStates(emu.stateExport().deployment.resources, engine);
        pulumi.runtime.setAllConfig({}, []); // the process's config is global: leave none for the next spec
        console.log(`      ${renderDisagreements(rows)} (${engine.length} resources in the engine's state)`);
        assert.deepEqual(rows, []);
    });

    it("a second up changes nothing; refresh finds no drift", () => {
        assert.deepEqual(changes(ws, project, env), []);
        const refresh = ws.pulumi(["refresh", "--yes", "--skip-preview"], project, { env }).stdout;
        assert.doesNotMatch(refresh, /\b(updated|deleted)\b/, refresh.slice(-1500));
        assert.deepEqual(changes(ws, project, env), [], "nothing to do after the refresh");
    });

    it("pulumi destroy deletes the tokens from Consul", async () => {
        ws.pulumi(["destroy", "--yes", "--skip-preview"], project, { env });
        for (const node of ["consul-server-1", "app-1"]) assert.equal((await tokenSelf(tokens[node])).status, 403, `${node}'s token is gone`);
        assert.equal((ws.stackExport(project).deployment.resources ?? []).length, 0);
    });
});
