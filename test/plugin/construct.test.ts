import { strict as assert } from "node:assert";
import { X509Certificate } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { HardenedCluster } from "../../src/cluster/hardenedCluster";
import { HardenedClusterArgs } from "../../src/cluster/options";
import { AclSystem } from "../../src/acl/aclSystem";
import { aclArgsFromCluster } from "../../src/acl/fromCluster";
import { emulation, valueOf } from "../support/emulation";
import { sharedProvider } from "./support";

/**
 * construct() as the component provider serves it to Python, Go, C# or YAML: the inputs arrive as
 * plain JSON, with a secret given by the caller as an Output marked secret (what the SDK's provider
 * server hands over, `deserializeInputs` in provider/server.js), and the outputs go back by the
 * schema's names.
 */
async function construct(name: string, type: string, inputs: Record<string, unknown>): Promise<Record<string, any>> {
    const result = await sharedProvider().construct(name, `consul-hardened:index:${type}`, inputs, {});
    assert.ok(result.urn, "the component registered");
    return result.state as Record<string, any>;
}

/** Resolves every Output in a value (deeply), as the engine does before it sends outputs back. */
async function resolved(value: unknown): Promise<unknown> {
    if (pulumi.Output.isInstance(value)) return resolved(await valueOf(value));
    if (Array.isArray(value)) return Promise.all(value.map(resolved));
    if (value && typeof value === "object") return Object.fromEntries(await Promise.all(Object.entries(value).map(async ([k, v]) => [k, await resolved(v)])));
    return value;
}

const sans = (pem: string) => new X509Certificate(pem).subjectAltName;

describe("component package: construct() from another language's inputs, under the emulation", function () {
    this.timeout(120_000);
    const args: HardenedClusterArgs = {
        datacenter: "dc1",
        servers: 3,
        serverAddresses: ["10.0.1.11", "10.0.1.12", "10.0.1.13"],
        clientNodeNames: ["app-1"],
        adminNetworks: ["10.0.0.5/32"],
        certificates: { key: { algorithm: "RSA", rsaBits: 2048 } },
        gossip: { generations: [{ name: "g1", retired: true }, { name: "g2", primary: true }] },
        insecure: { allowTls12: true },
        tls: { minVersion: "TLSv1_2" },
    };

    it("HardenedCluster built from JSON has the outputs the TypeScript API gives for the same options", async () => {
        const emu = await emulation();
        emu.reset();
        const fromJson = await resolved(await construct("ml", "HardenedCluster", JSON.parse(JSON.stringify(args)))) as Record<string, any>;
        const ts = await resolved(new HardenedCluster("ts", args)) as Record<string, any>;

        for (const plain of ["review", "fileModes", "warnings", "coverage", "gossipRotationPlan", "agentTokenRotationPlan", "primaryDatacenter", "agentProcessFiles", "podSecurity"])
            assert.deepEqual(fromJson[plain], ts[plain], plain);
        assert.equal(fromJson.review.servers["consul-server-1"].includes('tls_min_version = "TLSv1_2"'), true, "the options took effect");
        assert.deepEqual(fromJson.servers.map((s: any) => s.nodeName), ["consul-server-1", "consul-server-2", "consul-server-3"]);
        for (let i = 0; i < 3; i++) assert.equal(sans(fromJson.servers[i].certPem), sans(ts.servers[i].certPem), `server ${i + 1}'s names`);
        assert.equal(new X509Certificate(fromJson.servers[0].certPem).publicKey.asymmetricKeyType, "rsa", "certificates.key took effect");
        assert.ok(new X509Certificate(fromJson.servers[0].certPem).verify(new X509Certificate(fromJson.caCertPem).publicKey));
        assert.deepEqual(Object.keys(fromJson.files).sort(), Object.keys(ts.files).sort());
        assert.deepEqual(Object.keys(fromJson.gossipKeys), ["g1", "g2"]);
        assert.deepEqual({ ...fromJson.providerArgs, caPem: 0, certPem: 0, keyPem: 0, token: 0 }, { ...ts.providerArgs, caPem: 0, certPem: 0, keyPem: 0, token: 0 });
    });

    it("its secret outputs leave construct() as secrets", async () => {
        const emu = await emulation();
        emu.reset();
        const state = await construct("ml-secrets", "HardenedCluster", { datacenter: "dc1", servers: 1 });
        for (const name of ["gossipKey", "bootstrapToken", "files", "clientConfig", "cliKeyPem", "secretSeed"]) assert.equal(await pulumi.isSecret(state[name]), true, name);
        assert.equal(await pulumi.isSecret(state.servers[0].config), true);
        assert.equal(await pulumi.isSecret(state.caCertPem), false);
    });

    it("AclSystem built from JSON, connected with the cluster's outputs, plans and creates what the TypeScript API does", async () => {
        const emu = await emulation();
        emu.reset();
        const cluster = new HardenedCluster("acl-ml", { datacenter: "dc1", servers: 1, clientNodeNames: ["app-1"], adminNetworks: ["10.0.0.5/32"] });
        const tsArgs = aclArgsFromCluster(cluster);
        const pa = cluster.providerArgs;
        // What a Python program passes: plain strings, with its secrets as secrets.
        const inputs = {
            datacenter: "dc1",
            connection: {
                address: pa.address,
                caPem: await valueOf(pa.caPem),
                certPem: await valueOf(pa.certPem),
                keyPem: pulumi.secret(await valueOf(pa.keyPem)),
                token: pulumi.secret(await valueOf(pa.token!)),
                writeFrom: pa.writeFrom,
            },
            agents: await Promise.all(Object.entries(cluster.agentTokens).map(async ([nodeName, t]) => ({ nodeName, secretId: pulumi.secret(await valueOf(t)) }))),
            secretSeed: pulumi.secret(await valueOf(cluster.secretSeed)),
            operators: [{ name: "team-a", prefix: "team-a" }],
            policies: [{ name: "billing-read", persona: "developer", rules: 'key_prefix "billing/" { policy = "read" }' }],
        };
        const policyNames = () => emu.ofType("consul:index/aclPolicy:AclPolicy").map((r) => String(r.inputs.name)).sort();
        const state = await construct("acl-ml", "AclSystem", inputs);
        const mlTokens = state.tokens as Record<string, pulumi.Output<string>>;
        assert.equal(await valueOf(mlTokens["agent-app-1"]), await valueOf(cluster.agentTokens["app-1"]), "the agent's pre-seeded SecretID");
        assert.equal(await pulumi.isSecret(mlTokens["operator-team-a"]), true);
        await Promise.all(Object.values(mlTokens).map(valueOf));
        const mlPolicies = policyNames();
        assert.ok(mlPolicies.includes("billing-read"));

        // The same through the TypeScript API, against a fresh Consul (one Consul refuses a second
        // token with the agents' SecretIDs).
        emu.reset();
        const ts = new AclSystem("acl-ts", { ...tsArgs, operators: inputs.operators, policies: [{ name: "billing-read", persona: "developer", rules: inputs.policies[0].rules }] });
        await Promise.all(Object.values(ts.tokens).map(valueOf));
        assert.deepEqual(await resolved(state.plan), await resolved(ts.plan));
        assert.deepEqual(Object.keys(mlTokens).sort(), Object.keys(ts.tokens).sort());
        assert.deepEqual(mlPolicies, policyNames());
    });

    it("bad input from another language fails before any resource, naming the option and the fix", async () => {
        const emu = await emulation();
        emu.reset();
        await assert.rejects(construct("bad", "HardenedCluster", { datacenter: "DC 1", servers: 2 }), (e: Error) => /datacenter/.test(e.message) && /servers/.test(e.message) && /odd/.test(e.message));
        assert.equal(emu.resources.length, 0);
    });
});
