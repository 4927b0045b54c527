import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { load as loadYaml } from "js-yaml";
import { getPulumiComponents } from "@pulumi/pulumi/provider/experimental";
import { COMPONENTS } from "../../src/plugin/components";
import { HardenedCluster } from "../../src/cluster/hardenedCluster";
import { AclSystem } from "../../src/acl/aclSystem";
import { aclArgsFromCluster } from "../../src/acl/fromCluster";
import { CertificateAuthority } from "../../src/tls/certificateAuthority";
import { AgentCertificate } from "../../src/tls/agentCertificate";
import { GossipKeyring } from "../../src/gossip/keyring";
import { BootstrapSecrets } from "../../src/secrets/bootstrapSecrets";
import { emulation, valueOf } from "../support/emulation";
import { inferredSchema, localTypeOf, PropertySpec, secretAtRunTime } from "./support";

const token = (name: string) => `consul-hardened:index:${name}`;
type Spec = { inputProperties: Record<string, PropertySpec>; properties: Record<string, PropertySpec>; requiredInputs: string[]; description?: string };

describe("component package: the schema Pulumi infers from the TypeScript types (getSchema)", function () {
    this.timeout(120_000);
    let schema: Awaited<ReturnType<typeof inferredSchema>>;
    const resource = (name: string) => schema.resources[token(name)] as unknown as Spec;
    const type = (name: string) => schema.types[token(name)] as unknown as { properties?: Record<string, PropertySpec>; enum?: { name: string; value: unknown }[]; required?: string[] };
    before(async () => {
        schema = await inferredSchema();
    });

    it("serves every exported component — the list Pulumi's own discovery finds in the package — under consul-hardened:index", () => {
        const discovered = getPulumiComponents(require("../../src/index")).map((c) => c.name).sort();
        assert.deepEqual(COMPONENTS.map((c) => c.name).sort(), discovered);
        assert.deepEqual(Object.keys(schema.resources).sort(), discovered.map(token).sort());
        assert.equal(schema.name, "consul-hardened");
        assert.deepEqual(schema.dependencies, [], "no other package's types: SDKs generate and compile on their own");
        assert.equal((schema.language as any).go.generateExtraInputTypes, true, "Go's generator needs it for AclSystemArgs.Agents (see schema.ts)");
    });

    it("HardenedCluster: inputs, the one required input, outputs, and the nested option types", () => {
        const c = resource("HardenedCluster");
        assert.deepEqual(c.requiredInputs, ["datacenter"]);
        for (const input of ["datacenter", "servers", "serverAddresses", "clientNodeNames", "adminNetworks", "ca", "certificates", "gossip", "federation", "overrides", "insecure", "secretSeed"])
            assert.ok(c.inputProperties[input], `input ${input}`);
        assert.equal(c.inputProperties.servers.type, "number");
        assert.equal(c.inputProperties.datacenter.plain, true, "graph shape is plain: previews know every resource");
        assert.equal(localTypeOf(c.inputProperties.ca), "ClusterCaOptions");
        assert.equal(localTypeOf(c.inputProperties.federation), "FederationOptions");
        assert.equal(c.inputProperties.overrides.$ref, `#/types/${token("ClusterOverrides")}`);
        assert.equal(type("ClusterOverrides").properties!.server.additionalProperties!.$ref, "pulumi.json#/Any", "raw Consul config: any JSON");
        for (const output of ["caCertPem", "servers", "clientConfig", "clients", "cliCertPem", "gossipKeys", "bootstrapToken", "files", "review", "providerArgs", "warnings", "coverage"])
            assert.ok(c.properties[output], `output ${output}`);
        assert.equal(localTypeOf(c.properties.servers), "ServerMaterial");
        assert.deepEqual(type("ServerMaterial").required, ["config", "configHcl", "nodeName"], "certPem, keyPem, notAfter, renewAfter: none with certificates from Vault");
        assert.ok(!c.properties.bootstrapToken.type || !(schema.resources[token("HardenedCluster")] as any).required.includes("bootstrapToken"), "undefined in a secondary datacenter");
    });

    it("AclSystem: required connection, agents and datacenter; persona and Sentinel levels are enums", () => {
        const a = resource("AclSystem");
        assert.deepEqual(a.requiredInputs, ["agents", "connection", "datacenter"]);
        assert.deepEqual(type("ConsulConnection").required, ["address", "caPem", "certPem", "keyPem"]);
        assert.deepEqual(type("Persona").enum!.map((e) => e.value), ["administrator", "operator", "developer", "user", "agent", "dns", "replication", "snapshot"]);
        assert.deepEqual(type("SentinelLevel").enum!.map((e) => e.value), ["advisory", "soft-mandatory", "hard-mandatory"]);
        assert.equal(type("CustomPolicySpec").properties!.rules.type, "string", "rules in HCL from any language");
    });

    it("enums from the `as const` objects, numbers included", () => {
        assert.deepEqual(type("KeyAlgorithm").enum!.map((e) => e.value), ["ECDSA", "RSA"]);
        assert.deepEqual(type("EcdsaCurve").enum!.map((e) => e.value), ["P256", "P384"]);
        assert.deepEqual(type("RsaBits").enum!.map((e) => e.value), [2048, 3072, 4096]);
        assert.deepEqual(type("AgentCertProfile").enum!.map((e) => e.value), ["server", "client", "cli"]);
        assert.deepEqual(type("TlsVersion").enum!.map((e) => e.value), ["TLSv1_2", "TLSv1_3"]);
        assert.deepEqual(type("LogLevel").enum!.map((e) => e.value), ["TRACE", "DEBUG", "INFO", "WARN", "ERR"]);
    });

    it("secret inputs are secret in the schema, so other languages' SDKs encrypt them in the caller's state", () => {
        assert.equal(resource("HardenedCluster").inputProperties.secretSeed.secret, true);
        assert.equal(resource("AclSystem").inputProperties.secretSeed.secret, true);
        assert.equal(resource("AgentCertificate").inputProperties.caPrivateKeyPem.secret, true);
        assert.equal(resource("BootstrapSecrets").inputProperties.seed.secret, true);
        for (const [t, p] of [["ExistingCa", "privateKeyPem"], ["FederationOptions", "replicationToken"], ["FederationOptions", "gossipKeys"], ["GossipKeyGeneration", "key"], ["ConsulConnection", "keyPem"], ["ConsulConnection", "token"], ["AgentTokenSpec", "secretId"]])
            assert.equal(type(t).properties![p].secret, true, `${t}.${p}`);
        assert.equal(type("ExistingCa").properties!.certPem.secret, undefined, "a certificate is public");
        assert.equal(resource("HardenedCluster").inputProperties.datacenter.secret, undefined);
    });

    it("every component and every input, down through the option types, has a description", () => {
        const missing: string[] = [];
        const seen = new Set<string>();
        const visit = (where: string, props: Record<string, PropertySpec>) => {
            for (const [name, p] of Object.entries(props)) {
                if (!p.description) missing.push(`${where}.${name}`);
                const t = localTypeOf(p);
                if (t && !seen.has(t)) {
                    seen.add(t);
                    visit(t, type(t).properties ?? {});
                }
            }
        };
        for (const [name, r] of Object.entries(schema.resources) as [string, unknown][]) {
            const spec = r as Spec;
            if (!spec.description) missing.push(name);
            visit(name, spec.inputProperties);
            for (const [o, p] of Object.entries(spec.properties)) if (!p.description) missing.push(`${name} output ${o}`);
        }
        assert.deepEqual(missing, []);
        assert.ok(seen.has("ClusterCaOptions") && seen.has("LimitsConfig") && seen.has("SentinelRule"), "the walk reached the nested types");
    });

    it("examples/sdk-yaml (a Pulumi YAML program) names only types, properties and enum values the schema has", () => {
        const program = loadYaml(readFileSync("examples/sdk-yaml/Pulumi.yaml", "utf8")) as { resources: Record<string, { type: string; properties: Record<string, unknown> }>; outputs: Record<string, string> };
        const problems: string[] = [];
        const check = (where: string, value: unknown, props: Record<string, PropertySpec>) => {
            for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
                const p = props[k];
                if (!p) {
                    problems.push(`${where}.${k}: no such property`);
                    continue;
                }
                const t = localTypeOf(p);
                const spec = t ? type(t) : undefined;
                if (spec?.enum && !spec.enum.some((e) => e.value === v)) problems.push(`${where}.${k}: ${String(v)} is not a ${t}`);
                else if (spec?.properties && v && typeof v === "object" && !Array.isArray(v)) check(`${where}.${k}`, v, spec.properties);
            }
        };
        const kinds: Record<string, string> = {};
        for (const [name, r] of Object.entries(program.resources)) {
            // YAML's short form `consul-hardened:HardenedCluster` is the index module's type.
            const [pkg, component] = r.type.split(":");
            kinds[name] = component;
            assert.equal(pkg, "consul-hardened");
            check(name, r.properties, resource(component).inputProperties);
        }
        for (const expr of Object.values(program.outputs)) {
            const [, name, property] = /^\$\{(\w+)\.(\w+)\}$/.exec(expr)!;
            if (!resource(kinds[name]).properties[property]) problems.push(`output ${expr}: no such output`);
        }
        assert.deepEqual(problems, []);
        assert.ok(Object.keys(program.resources).length > 0);
    });

    it("the schema's secret outputs are exactly the outputs that are secret when the components run", async () => {
        const emu = await emulation();
        emu.reset();
        // 1.17: every optional secret output (dnsToken) is there to be judged.
        const cluster = new HardenedCluster("sch", { datacenter: "dc1", servers: 1, clientNodeNames: ["web-1"], adminNetworks: ["10.0.0.5/32"], consulVersion: "1.17" });
        const instances: Record<string, object> = {
            HardenedCluster: cluster,
            CertificateAuthority: new CertificateAuthority("sch-ca2", { protectKey: false }),
            AgentCertificate: new AgentCertificate("sch-leaf", { profile: "client", datacenter: "dc1", caCertPem: cluster.caCertPem, caPrivateKeyPem: cluster.caPrivateKeyPem! }),
            GossipKeyring: new GossipKeyring("sch-gossip"),
            BootstrapSecrets: new BootstrapSecrets("sch-secrets", { datacenter: "dc1", agentNodeNames: ["a"] }),
            AclSystem: new AclSystem("sch-acl", aclArgsFromCluster(cluster)),
        };
        await valueOf(cluster.files);
        const disagreements: string[] = [];
        const compare = async (where: string, spec: Record<string, PropertySpec>, value: Record<string, unknown>) => {
            for (const [name, p] of Object.entries(spec)) {
                const v = value[name];
                const atRunTime = await secretAtRunTime(v);
                if (atRunTime !== "not an output" && atRunTime !== Boolean(p.secret)) disagreements.push(`${where}.${name}: schema ${Boolean(p.secret)}, run time ${atRunTime}`);
                if (atRunTime === "not an output" && p.secret) disagreements.push(`${where}.${name}: secret in the schema but a plain value`);
                const t = localTypeOf(p);
                const nested = t ? type(t).properties : undefined;
                if (nested && v && typeof v === "object")
                    for (const item of Array.isArray(v) ? v : [v]) await compare(t!, nested, item as Record<string, unknown>);
            }
        };
        for (const [name, instance] of Object.entries(instances)) await compare(name, resource(name).properties, instance as Record<string, unknown>);
        assert.deepEqual(disagreements, []);
    });
});
