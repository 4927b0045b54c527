/**
 * Overrides: every key Consul 1.16 accepts is welcome; any weakening of the library's defaults —
 * not only of the checklist's floor — needs the same insecure.* option as the typed option, and
 * coverage is computed from what is rendered.
 */
import { strict as assert } from "node:assert";
import { HardenedCluster } from "../../src/cluster/hardenedCluster";
import { HardenedClusterArgs } from "../../src/cluster/options";
import { ConsulHardenedOptionError } from "../../src/errors";
import { emulation } from "../support/emulation";

const base: HardenedClusterArgs = { datacenter: "dc1", servers: 1 };

function refused(args: HardenedClusterArgs): { option: string; problem: string; fix: string }[] {
    try {
        new HardenedCluster("o", args);
    } catch (e) {
        if (e instanceof ConsulHardenedOptionError) return [...e.problems];
        throw e;
    }
    return [];
}

describe("overrides", () => {
    before(emulation);
    beforeEach(async () => (await emulation()).reset());

    it("accept keys Consul 1.16 accepts that the library does not render", () => {
        const c = new HardenedCluster("keys", {
            ...base,
            overrides: {
                server: { telemetry: { prometheus_retention_time: "60s" }, connect: { enabled: true }, recursors: ["10.0.0.2"], node_meta: { rack: "r1" }, autopilot: { cleanup_dead_servers: true }, performance: { raft_multiplier: 1 }, log_json: true },
                client: { telemetry: { disable_hostname: true } },
            },
        });
        assert.match(c.review.servers["consul-server-1"], /prometheus_retention_time = "60s"/);
    });

    it("refuse keys Consul refuses, and deprecated spellings of keys the library renders", () => {
        const problems = refused({ ...base, overrides: { server: { telemetri: {}, acl: { default_polcy: "deny" }, verify_incoming: false } as never } });
        assert.deepEqual(problems.map((p) => p.option).sort(), ["overrides.server.acl.default_polcy", "overrides.server.telemetri", "overrides.server.verify_incoming"]);
        assert.match(problems.find((p) => p.option.endsWith("verify_incoming"))!.fix, /tls\.defaults\.verify_incoming/);
    });

    it("refuse values Consul's decoder cannot read, naming the key and the type Consul wants (the audit's table)", () => {
        const problems = refused({ ...base, overrides: { server: { log_json: "yes", telemetry: { disable_hostname: 1 }, recursors: "10.0.0.2", autopilot: [{ cleanup_dead_servers: true }, {}] } } });
        assert.deepEqual(problems.map((p) => p.option).sort(), ["overrides.server.autopilot", "overrides.server.log_json", "overrides.server.recursors", "overrides.server.telemetry.disable_hostname"]);
        assert.match(problems.find((p) => p.option.endsWith("log_json"))!.problem, /expects true or false, got a string/);
        assert.match(problems.find((p) => p.option.endsWith("recursors"))!.problem, /expects a list/);
        assert.match(problems.find((p) => p.option.endsWith("autopilot"))!.problem, /given 2 times/);
        // A list of one where one value goes is what HCL writes; Consul takes its element.
        assert.deepEqual(refused({ ...base, overrides: { server: { log_level: ["WARN"] } } }), []);
    });

    const optionKeys: [string, HardenedClusterArgs["overrides"], string, RegExp][] = [
        ["one bind_addr for every server", { server: { bind_addr: "10.0.0.9" } }, "overrides.server.bind_addr", /serverAddresses/],
        ["one advertise_addr for every client", { client: { advertise_addr: "10.0.0.9" } }, "overrides.client.advertise_addr", /host's address/],
        ["a data_dir the unit may not write", { server: { data_dir: "/var/lib/elsewhere" } }, "overrides.server.data_dir", /paths\.dataDir/],
        ["an HTTPS port the provider arguments do not use", { server: { ports: { https: 9501 } } }, "overrides.server.ports.https", /ports\.https/],
        ["a privileged DNS port without the capability", { server: { ports: { dns: 53 } } }, "overrides.server.ports.dns", /insecure\.dnsBelow1024/],
        ["retry_join beside retryJoin", { client: { retry_join: ["10.0.0.1"] } }, "overrides.client.retry_join", /retryJoin/],
    ];
    for (const [label, overrides, option, fix] of optionKeys)
        it(`refuses ${label}, naming the option to use`, () => {
            const p = refused({ ...base, overrides }).find((x) => x.option === option);
            assert.ok(p, `${option} refused`);
            assert.match(p.fix, fix);
        });

    const weakenings: [string, HardenedClusterArgs["overrides"], string, string | undefined][] = [
        ["plaintext HTTP (CSM-TLS-10)", { server: { ports: { http: 8500 } } }, "overrides.server.ports.http", "plaintextHttpOnLoopback"],
        ["TLS 1.2 on HTTPS (CSM-TLS-09)", { server: { tls: { https: { tls_min_version: "TLSv1_2" } } } }, "overrides.server.tls.https.tls_min_version", "allowTls12"],
        ["TLS 1.2 by default (CSM-TLS-09)", { client: { tls: { defaults: { tls_min_version: "TLSv1_2" } } } }, "overrides.client.tls.defaults.tls_min_version", "allowTls12"],
        ["plaintext gRPC", { server: { ports: { grpc: 8502 } } }, "overrides.server.ports.grpc", undefined],
        ["writes from anywhere (CSM-HTTP-02)", { server: { http_config: { allow_write_http_from: ["0.0.0.0/0"] } } }, "overrides.server.http_config.allow_write_http_from", undefined],
        ["writes from anywhere, spelled ::ffff:0.0.0.0/96 (CSM-HTTP-02)", { server: { http_config: { allow_write_http_from: ["127.0.0.0/8", "::ffff:0.0.0.0/96"] } } }, "overrides.server.http_config.allow_write_http_from", undefined],
    ];
    for (const [label, overrides, option, insecure] of weakenings) {
        it(`an override weakening ${label} needs ${insecure ? `insecure.${insecure}` : "more than an override: it is refused"}`, () => {
            const problems = refused({ ...base, overrides });
            const p = problems.find((x) => x.option === option);
            assert.ok(p, `${option} refused: ${JSON.stringify(problems)}`);
            if (insecure) {
                assert.match(p.fix, new RegExp(`insecure\\.${insecure}`));
                assert.deepEqual(refused({ ...base, overrides, insecure: { [insecure]: true } }), [], "allowed with the option");
            }
        });
    }

    it("coverage is computed from the rendered configs: an allowed override shows as waived, an unused flag does not", () => {
        const lowered = new HardenedCluster("cov1", { ...base, overrides: { server: { tls: { https: { tls_min_version: "TLSv1_2" } } } }, insecure: { allowTls12: true } });
        const row = lowered.coverage.find((r) => r.id === "CSM-TLS-09")!;
        assert.equal(row.status, "waived");
        assert.match(row.detail, /rendered: server: tls\.https\.tls_min_version/);
        const flagOnly = new HardenedCluster("cov2", { ...base, insecure: { allowTls12: true } });
        assert.equal(flagOnly.coverage.find((r) => r.id === "CSM-TLS-09")!.status, "enforced", "TLS 1.3 is still what is rendered");
        // Warnings too say what is rendered: an unused flag warns of nothing.
        assert.deepEqual(flagOnly.warnings, []);
        assert.deepEqual(lowered.warnings.map((w) => w.option), ["insecure.allowTls12"]);
    });

    it("insecure.plaintextHttpOnLoopback with clientApiAddress keeps plaintext HTTP on loopback", () => {
        const c = new HardenedCluster("http", { ...base, insecure: { plaintextHttpOnLoopback: true, clientApiAddress: "0.0.0.0" } });
        assert.match(c.review.client, /addresses \{\s*http = "127\.0\.0\.1"/);
        assert.match(c.review.client, /client_addr = "0\.0\.0\.0"/);
    });
});
