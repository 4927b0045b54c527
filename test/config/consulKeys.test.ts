import { strict as assert } from "node:assert";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeAsConsul, invalidConsulKeys } from "../../src/config/consulKeys";
import { builderValueRefusals } from "../../src/config/consulBuilder";
import { parseHcl } from "../../src/hcl/parse";
import { auditVerdict, writeDirectory } from "../support/verdictCases";

const FIXTURES = join(__dirname, "..", "fixtures", "differential");

/**
 * Cases where the audit once said otherwise than `consul validate` of Consul 1.16.3; each file
 * holds what Consul refused (recorded from its own output, re-checked against the binary by the
 * end-to-end differential test).
 */
describe("Consul's key table: the cases the differential test caught", () => {
    for (const f of readdirSync(FIXTURES).filter((f) => f.endsWith(".json") && !f.startsWith("verdict-"))) {
        const kept = JSON.parse(readFileSync(join(FIXTURES, f), "utf8"));
        it(`${kept.case ?? `seed ${kept.seed}`}: refuses exactly ${JSON.stringify(kept.consulRefuses)}`, () => {
            assert.deepEqual(invalidConsulKeys(kept.config).sort(), [...kept.consulRefuses].sort());
        });
    }

    it("names Consul does not know at every depth, but not inside free-form blocks", () => {
        assert.deepEqual(invalidConsulKeys({ node_meta: { anything: "x" }, http_config: { response_headers: { "X-Any": "y" } }, tls: { grpc: { use_auto_cert: true } } }), []);
        assert.deepEqual(invalidConsulKeys({ tls: { grpc: { use_auto_certs: true } } }), ["tls.grpc.use_auto_certs"]);
    });
});

/**
 * Config directories (several files, JSON and HCL) where the audit's refusal verdict once differed
 * from `consul validate`'s; each holds the files and what Consul said (re-checked against the binary
 * by the end-to-end differential test).
 */
describe("refusal verdicts: the directories the differential test caught", () => {
    const parent = mkdtempSync(join(tmpdir(), "ch-verdict-"));
    for (const f of readdirSync(FIXTURES).filter((f) => f.startsWith("verdict-") && f.endsWith(".json"))) {
        const kept = JSON.parse(readFileSync(join(FIXTURES, f), "utf8"));
        it(`seed ${kept.seed} [${kept.what.join("; ")}]: ${kept.consulRefuses ? `refused (${kept.consulSays})` : "accepted"}`, () => {
            const home = join(parent, f);
            writeDirectory(home, kept.files);
            assert.equal(auditVerdict(home).refused, kept.consulRefuses);
        });
    }
});

describe("decodeAsConsul: a file as Consul's decoder reads it (FileSource.Parse, mapstructure)", () => {
    it("unwraps HCL's lists of one where one block or value goes, keeps lists of blocks as lists", () => {
        const hcl = 'tls { defaults { verify_incoming = true } }\nui_config { metrics_proxy { add_headers = [ { name = "a", value = "b" } ] } }\nservice { name = "web"\n proxy { expose { paths = [ { path = "/h" } ] } } }\n';
        const { config, errors } = decodeAsConsul(parseHcl(hcl));
        assert.deepEqual(errors, []);
        assert.deepEqual(config.tls, { defaults: { verify_incoming: true } });
        assert.deepEqual((config as any).ui_config.metrics_proxy.add_headers, [{ name: "a", value: "b" }]);
        assert.deepEqual((config as any).service.proxy.expose.paths, [{ path: "/h" }]);
        assert.equal(decodeAsConsul({ datacenter: ["dc7"] }).config.datacenter, "dc7");
    });

    it("names keys as Consul does, the exact spelling winning over another", () => {
        assert.deepEqual(decodeAsConsul({ SERVER: true, Ports: { HTTPS: 8501 } }).config, { server: true, ports: { https: 8501 } });
        assert.equal(decodeAsConsul({ Datacenter: "a", datacenter: "b" }).config.datacenter, "b");
    });

    it("takes a dotted key for a key of that spelling, and __proto__ for data (consul validate refuses both)", () => {
        // `"defaults.verify_incoming": false` inside tls is no field: it must not turn verification off.
        const dotted = { tls: { "defaults.verify_incoming": false } };
        assert.deepEqual(invalidConsulKeys(dotted), ["tls.defaults.verify_incoming"]);
        assert.deepEqual(decodeAsConsul(dotted).config, { tls: { "defaults.verify_incoming": false } });
        const proto = JSON.parse('{"__proto__": {"server": true}}') as Record<string, unknown>;
        assert.deepEqual(invalidConsulKeys(proto), ["__proto__"]);
        const decoded = decodeAsConsul(proto).config;
        assert.equal(Object.getPrototypeOf(decoded), Object.prototype, "the key must not become the prototype");
        assert.equal(decoded.server, undefined);
        assert.ok(Object.hasOwn(decoded, "__proto__"));
    });

    it("refuses what mapstructure refuses without weak typing, and leaves it out of the config", () => {
        const { config, errors } = decodeAsConsul({ ports: { https: "8501" }, server: 1, retry_join: "10.0.0.1", datacenter: ["a", "b"], limits: [{}, {}], raft_boltdb: { zzz: true }, bootstrap_expect: 1.5, ports_x: 1 } as Record<string, unknown>);
        assert.deepEqual(errors.map((e) => e.path).sort(), ["datacenter", "limits", "ports.https", "retry_join", "server"]);
        assert.deepEqual(config.ports, {});
        assert.equal(config.server, undefined);
        assert.equal(config.bootstrap_expect, 1.5, "a number goes into an int field (decodeInt takes floats)");
        assert.deepEqual(invalidConsulKeys({ raft_boltdb: { zzz: true, NoFreelistSync: true } }), ["raft_boltdb.zzz"]);
    });
});

describe("builderValueRefusals: values the builder parses after decoding (builder.go)", () => {
    const invalidDurations = (c: Record<string, unknown>) => builderValueRefusals(c).map((r) => r.path);
    it("refuses a number without its unit, a unit in capitals, an empty string; takes Go's forms", () => {
        for (const bad of ["5", "5 s", "5sec", "10S", ""]) assert.deepEqual(invalidDurations({ limits: { rpc_handshake_timeout: bad } }), ["limits.rpc_handshake_timeout"], bad);
        for (const good of ["0", "300ms", "1h30m", ".5s", "1.5h", "2m0s"]) assert.deepEqual(invalidDurations({ limits: { rpc_handshake_timeout: good } }), [], good);
    });

    it("reads every check, a sidecar's too, and only the keys the builder parses as durations", () => {
        const config = decodeAsConsul({ services: [{ name: "web", check: { interval: "10" }, connect: { sidecar_service: { checks: [{ ttl: "30" }] } } }], node_name: "5", telemetry: { prometheus_retention_time: "60" } }).config;
        assert.deepEqual(invalidDurations(config).sort(), ["services[0].check.interval", "services[0].connect.sidecar_service.checks[0].ttl", "telemetry.prometheus_retention_time"]);
    });

    it("addresses as expandAddrs, expandIPs and expandFirstIP read them; CIDRs as net.ParseCIDR; templates left to the host", () => {
        const refused = (c: Record<string, unknown>) => builderValueRefusals(c).map((r) => r.path);
        assert.deepEqual(refused({ addresses: { http: "localhost" } }), ["addresses.http"]);
        assert.deepEqual(refused({ addresses: { http: "127.0.0.1 unix:///run/consul.sock", https: "[::]" } }), []);
        assert.deepEqual(refused({ client_addr: "unix:///run/consul.sock" }), ["client_addr"], "client_addr takes IPs only");
        assert.deepEqual(refused({ advertise_addr: "10.0.0.1 10.0.0.2" }), ["advertise_addr"], "one address");
        assert.deepEqual(refused({ bind_addr: "" }), ["bind_addr"]);
        assert.deepEqual(refused({ bind_addr: '{{ GetPrivateInterfaces | attr "address" }}', client_addr: "010.0.0.1" }), ["client_addr"], "leading zeros are no IPv4 for Go");
        assert.deepEqual(refused({ http_config: { allow_write_http_from: ["10.0.0.0/8", "10.0.0.1", "::1/129"] }, serf_lan_allowed_cidrs: ["10.0.0.0/33"] }), ["http_config.allow_write_http_from", "http_config.allow_write_http_from", "serf_lan_allowed_cidrs"]);
    });
});
