import { strict as assert } from "node:assert";
import { X509Certificate } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { HardenedCluster } from "../../src/cluster/hardenedCluster";
import { ProviderEmulation } from "../../src/testing/providers";
import { emulation, valueOf } from "../support/emulation";

const TLS = "tls:index/";
// Consul SecretIDs: hashicorp/go-uuid form, no version bits required.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe("HardenedCluster", () => {
    let emu: ProviderEmulation;
    let cluster: HardenedCluster;
    let files: Record<string, string>;

    before(async () => {
        emu = await emulation();
        emu.reset();
        cluster = new HardenedCluster("prod", { datacenter: "dc1", servers: 3, clientNodeNames: ["web-1", "web-2"] });
        files = await valueOf(cluster.files);
    });

    it("creates exactly the expected resources, all named after the component", () => {
        const count = (type: string) => emu.ofType(type).length;
        assert.equal(count(`${TLS}privateKey:PrivateKey`), 1 + 3 + 1, "CA + 3 servers + CLI");
        assert.equal(count(`${TLS}selfSignedCert:SelfSignedCert`), 1);
        assert.equal(count(`${TLS}certRequest:CertRequest`), 4);
        assert.equal(count(`${TLS}locallySignedCert:LocallySignedCert`), 4);
        // One gossip key and the token seed: tokens derive from the seed, no resource per agent.
        assert.deepEqual(emu.ofType("random:index/randomBytes:RandomBytes").map((r) => r.name), ["prod-gossip-g1", "prod-bootstrap-seed"]);
        assert.equal(count("random:index/randomId:RandomId") + count("random:index/randomUuid:RandomUuid"), 0, "their IDs would carry the value");
        for (const r of [...emu.resources, ...emu.components]) assert.ok(r.name.startsWith("prod"), r.name);
    });

    it("stores no secret in component state: only the cluster's secret-free review configs", async () => {
        const secrets = [await valueOf(cluster.gossipKey), await valueOf(cluster.bootstrapToken!), ...(await Promise.all(cluster.clients.map((c) => valueOf(c.agentToken))))];
        for (const c of emu.components) {
            const stored = JSON.stringify(c.inputs);
            for (const v of secrets) assert.ok(!stored.includes(v), `${c.type} ${c.name} stored a secret`);
            if (c.type !== "consul-hardened:index:HardenedCluster") assert.deepEqual(c.inputs, {}, `${c.type} ${c.name} stored inputs`);
        }
        const top = emu.components.find((c) => c.name === "prod")!;
        assert.deepEqual(Object.keys(top.inputs.reviewConfigs.servers), ["consul-server-1", "consul-server-2", "consul-server-3"]);
        assert.equal(top.inputs.reviewConfigs.client.encrypt, "<secret>");
    });

    it("protects the CA key and nothing else by default", () => {
        // Transformations run in-process on every child with its final options, protect included.
        const protectedNames: string[] = [];
        new HardenedCluster(
            "guarded",
            { datacenter: "dc1", servers: 1 },
            {
                transformations: [
                    (a) => {
                        if (a.opts.protect) protectedNames.push(a.name);
                        return undefined;
                    },
                ],
            },
        );
        assert.deepEqual(protectedNames, ["guarded-ca-key"]);
    });

    it("leaves the CA key unprotected when asked (throwaway stacks)", () => {
        const protectedNames: string[] = [];
        new HardenedCluster(
            "throwaway",
            { datacenter: "dc1", servers: 1, ca: { protectKey: false } },
            { transformations: [(a) => (a.opts.protect && protectedNames.push(a.name), undefined)] },
        );
        assert.deepEqual(protectedNames, []);
    });

    it("marks every sensitive output secret", async () => {
        const secrets: [string, pulumi.Output<unknown>][] = [
            ["gossipKey", cluster.gossipKey],
            ["bootstrapToken", cluster.bootstrapToken!],
            ["clientConfig", cluster.clientConfig],
            ["clientConfigHcl", cluster.clientConfigHcl],
            ["cliKeyPem", cluster.cliKeyPem],
            ["files", cluster.files],
            ["ca.privateKeyPem", cluster.caPrivateKeyPem!],
            ["providerArgs.keyPem", cluster.providerArgs.keyPem],
            ["providerArgs.token", cluster.providerArgs.token!],
            ...cluster.servers.flatMap((s): [string, pulumi.Output<unknown>][] => [
                [`${s.nodeName}.config`, s.config],
                [`${s.nodeName}.configHcl`, s.configHcl],
                [`${s.nodeName}.keyPem`, s.keyPem!],
            ]),
            ...cluster.clients.flatMap((c): [string, pulumi.Output<unknown>][] => [
                [`${c.nodeName}.agentToken`, c.agentToken],
                [`${c.nodeName}.identityConfig`, c.identityConfig],
            ]),
        ];
        for (const [name, out] of secrets) assert.equal(await pulumi.isSecret(out), true, `${name} must be secret`);
        assert.equal(await pulumi.isSecret(cluster.caCertPem), false, "the CA certificate is public");
    });

    it("passes private keys to the tls provider as secrets", () => {
        for (const r of emu.ofType(`${TLS}locallySignedCert:LocallySignedCert`))
            assert.ok(r.secretInputs?.includes("caPrivateKeyPem"), `${r.name} got the CA key in plaintext`);
    });

    it("gives every agent its own random token and the bootstrap token is a separate UUID", async () => {
        const mgmt = await valueOf(cluster.bootstrapToken!);
        const tokens = await Promise.all(cluster.clients.map((c) => valueOf(c.agentToken)));
        const serverTokens = cluster.servers.map((s) => JSON.parse(files[`servers/${s.nodeName}/consul.json`]).acl.tokens.agent);
        const all = [mgmt, ...tokens, ...serverTokens];
        for (const t of all) assert.match(t, UUID);
        assert.equal(new Set(all).size, all.length, "no token is shared");
    });

    it("writes the bundle layout with a complete config per server and a client profile", () => {
        assert.deepEqual(Object.keys(files).sort(), [
            "ca.pem",
            "cli/cli-key.pem",
            "cli/cli.pem",
            "client/consul.json",
            "client/web-1/agent.json",
            "client/web-2/agent.json",
            "systemd/client/consul.service",
            "systemd/server/consul.service",
            "systemd/sysusers.d/consul.conf",
            "systemd/tmpfiles.d/consul.conf",
            ...["consul-server-1", "consul-server-2", "consul-server-3"].flatMap((n) =>
                ["consul.hcl", "consul.json", "server-key.pem", "server.pem"].map((f) => `servers/${n}/${f}`),
            ),
        ].sort());
        for (const [path, mode] of Object.entries(cluster.fileModes)) {
            assert.ok(path in files, path);
            const sensitive = /key\.pem$|\.json$|\.hcl$/.test(path);
            assert.equal(mode, sensitive ? 0o600 : 0o644, `CSM-OS-01 mode of ${path}`);
        }
        const s1 = JSON.parse(files["servers/consul-server-1/consul.json"]);
        assert.equal(s1.node_name, "consul-server-1");
        assert.equal(s1.bootstrap_expect, 3);
        assert.deepEqual(s1.retry_join, ["consul-server-1", "consul-server-2", "consul-server-3"]);
        const identity = JSON.parse(files["client/web-2/agent.json"]);
        assert.equal(identity.node_name, "web-2");
    });

    it("review HCL is plain, hides every secret and still shows the security settings", async () => {
        const secretValues = [await valueOf(cluster.gossipKey), await valueOf(cluster.bootstrapToken!)];
        const texts = [...Object.values(cluster.review.servers), cluster.review.client];
        assert.equal(texts.length, 4);
        for (const t of texts) {
            for (const v of secretValues) assert.ok(!t.includes(v), "review leaks a secret");
            assert.match(t, /encrypt = "<secret>"/);
            assert.match(t, /default_policy = "deny"/);
        }
    });

    it("provider args point at the first server over https with the CLI certificate", async () => {
        assert.equal(cluster.providerArgs.address, "consul-server-1:8501");
        assert.equal(cluster.providerArgs.scheme, "https");
        assert.equal(await valueOf(cluster.providerArgs.certPem), await valueOf(cluster.cliCertPem));
        // The provider verifies the server certificate against the host it dials.
        const host = cluster.providerArgs.address.replace(/:\d+$/, "");
        const serverCert = new X509Certificate(await valueOf(cluster.servers[0].certPem!));
        assert.equal(serverCert.checkHost(host), host);
    });

    it("coverage: nothing waived by default, every config-decidable ID enforced", () => {
        assert.equal(cluster.coverage.filter((r) => r.status === "waived").length, 0);
        assert.equal(cluster.coverage.find((r) => r.id === "CSM-TLS-07")!.status, "enforced");
        assert.equal(cluster.coverage.find((r) => r.id === "CSM-OS-01")!.status, "enforced");
    });

    it("two clusters in one stack do not collide", async () => {
        const other = new HardenedCluster("staging", { datacenter: "dc1", servers: 1 });
        const names = [...emu.resources, ...emu.components].map((r) => `${r.type}::${r.name}`);
        assert.equal(new Set(names).size, names.length, "duplicate URN");
        assert.notEqual(await valueOf(other.gossipKey), await valueOf(cluster.gossipKey));
    });

    it("a secondary datacenter replicates ACLs instead of bootstrapping", async () => {
        const dc2 = new HardenedCluster("dc2", {
            datacenter: "dc2",
            servers: 1,
            federation: { primaryDatacenter: "dc1", replicationToken: pulumi.secret("11111111-2222-4333-8444-555555555555"), retryJoinWan: ["10.0.0.10"], gossipKeys: pulumi.secret({ g1: Buffer.alloc(32, 3).toString("base64") }) },
            ca: { existing: { certPem: cluster.caCertPem, privateKeyPem: cluster.caPrivateKeyPem! } },
        });
        const cfg = JSON.parse(await valueOf(dc2.servers[0].config));
        assert.equal(cfg.primary_datacenter, "dc1");
        assert.equal(cfg.acl.tokens.initial_management, undefined);
        assert.equal(cfg.acl.tokens.replication, "11111111-2222-4333-8444-555555555555");
        assert.equal(cfg.acl.enable_token_replication, true);
        assert.deepEqual(cfg.retry_join_wan, ["10.0.0.10"]);
        assert.equal(dc2.bootstrapToken, undefined);
        assert.equal(await valueOf(dc2.caCertPem), await valueOf(cluster.caCertPem), "one CA across datacenters");
    });

    it("merges overrides deeply and keeps everything else", async () => {
        const c = new HardenedCluster("tuned", {
            datacenter: "dc1",
            servers: 1,
            overrides: { server: { log_level: "WARN", limits: { http_max_conns_per_client: 50 } } },
        });
        const cfg = JSON.parse(await valueOf(c.servers[0].config));
        assert.equal(cfg.log_level, "WARN");
        assert.equal(cfg.limits.http_max_conns_per_client, 50);
        assert.equal(cfg.limits.rpc_max_conns_per_client, 100, "sibling limits survive the merge");
        assert.match(c.review.servers["consul-server-1"], /http_max_conns_per_client = 50/);
    });

    it("insecure options change the config and warn with the checklist ID", async () => {
        const warned: string[] = [];
        const original = pulumi.log.warn;
        (pulumi.log as { warn: typeof pulumi.log.warn }).warn = (msg: string) => {
            warned.push(msg);
            return Promise.resolve();
        };
        let c: HardenedCluster;
        try {
            c = new HardenedCluster("legacy", {
                datacenter: "dc1",
                servers: 1,
                tls: { minVersion: "TLSv1_2" },
                insecure: { allowTls12: true, plaintextHttpOnLoopback: true, gossipVerifyIncomingOff: true },
            });
            const cfg = JSON.parse(await valueOf(c.servers[0].config));
            assert.equal(cfg.tls.defaults.tls_min_version, "TLSv1_2");
            assert.equal(cfg.ports.http, 8500);
            assert.equal(cfg.client_addr, "127.0.0.1", "plaintext HTTP stays on loopback");
            assert.equal(cfg.encrypt_verify_incoming, false);
            assert.deepEqual(c.warnings.map((w) => w.id), ["CSM-TLS-09", "CSM-TLS-10", "CSM-GOS-02"]);
        } finally {
            (pulumi.log as { warn: typeof pulumi.log.warn }).warn = original;
        }
        assert.ok(warned.some((m) => m.startsWith("CSM-TLS-09: insecure.allowTls12")), warned.join("\n"));
        assert.ok(warned.some((m) => m.startsWith("CSM-TLS-10:")));
        assert.deepEqual(
            c.coverage.filter((r) => r.status === "waived").map((r) => r.id),
            ["CSM-TLS-09", "CSM-TLS-10", "CSM-GOS-02"],
            "the coverage report names every waiver",
        );
        assert.match(c.coverage.find((r) => r.id === "CSM-GOS-02")!.detail, /insecure\.gossipVerifyIncomingOff/);
        assert.ok(warned.some((m) => m.startsWith("CSM-GOS-02:")));
    });
});
