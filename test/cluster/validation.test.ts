/**
 * Bad input: each case must throw ConsulHardenedOptionError naming the option, showing the value
 * (never a secret) and a fix — before any resource is registered.
 */
import { strict as assert } from "node:assert";
import { HardenedCluster } from "../../src/cluster/hardenedCluster";
import { HardenedClusterArgs } from "../../src/cluster/options";
import { ConsulHardenedOptionError } from "../../src/errors";
import { ProviderEmulation } from "../../src/testing/providers";
import { emulation } from "../support/emulation";

const base: HardenedClusterArgs = { datacenter: "dc1" };
const key16 = Buffer.alloc(16, 7).toString("base64");
const key24 = Buffer.alloc(24, 7).toString("base64");

/** [label, args, option that must be named, text the value must show] */
const BAD: [string, HardenedClusterArgs, string, string][] = [
    ["missing datacenter", {} as HardenedClusterArgs, "datacenter", "undefined"],
    ["upper-case datacenter", { datacenter: "DC1" }, "datacenter", '"DC1"'],
    ["datacenter with a dot", { datacenter: "dc.1" }, "datacenter", '"dc.1"'],
    ["domain with trailing dot", { ...base, domain: "consul." }, "domain", '"consul."'],
    ["zero servers", { ...base, servers: 0 }, "servers", "0"],
    ["even server count", { ...base, servers: 4 }, "servers", "4"],
    ["too many servers", { ...base, servers: 9 }, "servers", "9"],
    ["fractional server count", { ...base, servers: 2.5 }, "servers", "2.5"],
    ["node names count mismatch", { ...base, servers: 3, serverNodeNames: ["a", "b"] }, "serverNodeNames", '["a","b"]'],
    ["invalid node name", { ...base, servers: 1, serverNodeNames: ["bad_name"] }, "serverNodeNames[0]", '"bad_name"'],
    ["duplicate node names", { ...base, serverNodeNames: ["s1", "s1", "s3"] }, "serverNodeNames[1]", '"s1"'],
    ["client name clashes with a server", { ...base, clientNodeNames: ["consul-server-1"] }, "clientNodeNames[0]", '"consul-server-1"'],
    ["server address not an IP", { ...base, servers: 1, serverAddresses: ["10.0.0"] }, "serverAddresses[0]", '"10.0.0"'],
    ["server address 0.0.0.0", { ...base, servers: 1, serverAddresses: ["0.0.0.0"] }, "serverAddresses[0]", '"0.0.0.0"'],
    ["wildcard SAN", { ...base, extraServerDnsNames: ["*.consul"] }, "extraServerDnsNames[0]", '"*.consul"'],
    ["invalid IP SAN", { ...base, extraServerIpAddresses: ["999.1.1.1"] }, "extraServerIpAddresses[0]", '"999.1.1.1"'],
    ["TLS 1.1", { ...base, tls: { minVersion: "TLSv1_1" as never } }, "tls.minVersion", '"TLSv1_1"'],
    ["unknown TLS version name", { ...base, tls: { minVersion: "tls13" as never } }, "tls.minVersion", '"tls13"'],
    ["TLS 1.2 without insecure.allowTls12", { ...base, tls: { minVersion: "TLSv1_2" } }, "tls.minVersion", '"TLSv1_2"'],
    ["cipher suites with TLS 1.3", { ...base, tls: { cipherSuites: ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"] } }, "tls.cipherSuites", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"],
    ["CBC cipher suite", { ...base, tls: { minVersion: "TLSv1_2", cipherSuites: ["TLS_RSA_WITH_AES_128_CBC_SHA"] }, insecure: { allowTls12: true } }, "tls.cipherSuites[0]", '"TLS_RSA_WITH_AES_128_CBC_SHA"'],
    ["unknown cipher suite", { ...base, tls: { minVersion: "TLSv1_2", cipherSuites: ["TLS_FAST"] }, insecure: { allowTls12: true } }, "tls.cipherSuites[0]", '"TLS_FAST"'],
    ["16-byte gossip key", { ...base, gossip: { generations: [{ name: "g1", primary: true, key: key16 }] } }, "gossip.generations[0].key", "<secret: 24 characters>"],
    ["24-byte gossip key", { ...base, gossip: { generations: [{ name: "g1", primary: true, key: key24 }] } }, "gossip.generations[0].key", "<secret: 32 characters>"],
    ["non-base64 gossip key", { ...base, gossip: { generations: [{ name: "g1", primary: true, key: "not base64!" }] } }, "gossip.generations[0].key", "<secret: 11 characters>"],
    ["two primary gossip keys", { ...base, gossip: { generations: [{ name: "a", primary: true }, { name: "b", primary: true }] } }, "gossip.generations[].primary", '["a","b"]'],
    ["retired primary gossip key", { ...base, gossip: { generations: [{ name: "a", primary: true, retired: true }] } }, "gossip.generations[0]", '"a"'],
    ["port clash", { ...base, ports: { https: 8301 } }, "ports.serfLan", "8301"],
    ["port out of range", { ...base, ports: { dns: 70000 } }, "ports.dns", "70000"],
    ["unknown port option", { ...base, ports: { http: 8500 } as never }, "ports.http", "8500"],
    ["CA validity over 10 years", { ...base, ca: { validityHours: 100000 } }, "ca.validityHours", "100000"],
    ["RSA 1024", { ...base, ca: { key: { algorithm: "RSA", rsaBits: 1024 as never } } }, "ca.key.rsaBits", "1024"],
    ["P-224 curve", { ...base, certificates: { key: { ecdsaCurve: "P224" as never } } }, "certificates.key.ecdsaCurve", '"P224"'],
    ["early renewal >= validity", { ...base, certificates: { validityHours: 720, earlyRenewalHours: 720 } }, "certificates.earlyRenewalHours", "720"],
    ["relative TLS dir", { ...base, paths: { tlsDir: "tls/" } }, "paths.tlsDir", '"tls/"'],
    ["secondary DC with a CA of its own (one trust domain)", { ...base, federation: { primaryDatacenter: "dc0", replicationToken: "11111111-2222-4333-8444-555555555555", gossipKeys: { g1: key16 } } }, "ca.existing", "undefined"],
    ["a server name of another datacenter on this one's servers", { ...base, extraServerDnsNames: ["server.dc2.consul"] }, "extraServerDnsNames[0]", '"server.dc2.consul"'],
    ["secondary DC without replication token", { ...base, federation: { primaryDatacenter: "dc0" } }, "federation.replicationToken", "undefined"],
    ["secondary DC with a gossip key of its own (WAN gossip needs one keyring)", { ...base, federation: { primaryDatacenter: "dc0", replicationToken: "11111111-2222-4333-8444-555555555555" } }, "federation.gossipKeys", "undefined"],
    ["primary DC given a keyring to share", { ...base, federation: { gossipKeys: {} } }, "federation.gossipKeys", '"(set)"'],
    ["invalid primary datacenter", { ...base, federation: { primaryDatacenter: "Primary" } }, "federation.primaryDatacenter", '"Primary"'],
    ["allowWriteHttpFrom not a CIDR", { ...base, allowWriteHttpFrom: ["10.0.0.1"] }, "allowWriteHttpFrom[0]", '"10.0.0.1"'],
    ["zero limit", { ...base, limits: { server: { http_max_conns_per_client: 0 } } }, "limits.server.http_max_conns_per_client", "0"],
    ["bad duration", { ...base, limits: { client: { https_handshake_timeout: "5 seconds" } } }, "limits.client.https_handshake_timeout", '"5 seconds"'],
    ["unknown override key", { ...base, overrides: { server: { acl: { default_polcy: "deny" } } as never } }, "overrides.server.acl.default_polcy", "(set)"],
    ["override of a managed key", { ...base, overrides: { client: { encrypt: "x" } } }, "overrides.client.encrypt", "(set)"],
    ["override weakening ACL default (CSM-ACL-02)", { ...base, overrides: { server: { acl: { default_policy: "allow" } } } }, "overrides.server.acl.default_policy", '"allow"'],
    ["override turning verify_outgoing off (a library default; Consul would force it on for RPC, builder.go)", { ...base, overrides: { client: { tls: { defaults: { verify_outgoing: false } } } } }, "overrides.client.tls.defaults.verify_outgoing", "false"],
    ["override enabling script checks (CSM-EXE-01)", { ...base, overrides: { server: { enable_script_checks: true } } }, "overrides.server.enable_script_checks", "true"],
    ["override exposing client APIs (CSM-NET-01)", { ...base, overrides: { client: { client_addr: "0.0.0.0" } } }, "overrides.client.client_addr", '"0.0.0.0"'],
    ["unknown insecure option", { ...base, insecure: { allowPlaintext: true } as never }, "insecure.allowPlaintext", "true"],
    ["loopback clientApiAddress", { ...base, insecure: { clientApiAddress: "127.0.0.1" } }, "insecure.clientApiAddress", '"127.0.0.1"'],
    ["log level typo", { ...base, logLevel: "VERBOSE" as never }, "logLevel", '"VERBOSE"'],
    ["token generation zero", { ...base, tokenGeneration: 0 }, "tokenGeneration", "0"],
    ["upper-case node name (Consul refuses it in a node identity)", { ...base, servers: 1, serverNodeNames: ["Consul-1"] }, "serverNodeNames[0]", '"Consul-1"'],
    ["upper-case client name", { ...base, clientNodeNames: ["Web-1"] }, "clientNodeNames[0]", '"Web-1"'],
    ["Go's spelling of a ChaCha20 suite", { ...base, tls: { minVersion: "TLSv1_2", cipherSuites: ["TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305"] }, insecure: { allowTls12: true } }, "tls.cipherSuites[0]", '"TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305"'],
    ["static-RSA suite Consul's agent refuses", { ...base, tls: { minVersion: "TLSv1_2", cipherSuites: ["TLS_RSA_WITH_AES_128_GCM_SHA256"] }, insecure: { allowTls12: true } }, "tls.cipherSuites[0]", '"TLS_RSA_WITH_AES_128_GCM_SHA256"'],
    ["adminNetworks admitting every address (CSM-HTTP-02)", { ...base, adminNetworks: ["0.0.0.0/0"] }, "adminNetworks", '"0.0.0.0/0"'],
    ["adminNetworks admitting every IPv4 address in two halves", { ...base, adminNetworks: ["0.0.0.0/1", "128.0.0.0/1"] }, "adminNetworks", '"128.0.0.0/1"'],
    ["adminNetworks admitting every IPv4 address as IPv4-mapped IPv6", { ...base, adminNetworks: ["::ffff:0:0/96"] }, "adminNetworks", '"::ffff:0:0/96"'],
    ["allowWriteHttpFrom admitting every IPv6 address in two halves", { ...base, allowWriteHttpFrom: ["::/1", "8000::/1"] }, "allowWriteHttpFrom", '"8000::/1"'],
    ["allowWriteHttpFrom and adminNetworks admitting every IPv4 address together", { ...base, allowWriteHttpFrom: ["0.0.0.0/2", "64.0.0.0/2"], adminNetworks: ["128.0.0.0/1"] }, "allowWriteHttpFrom + adminNetworks", '"128.0.0.0/1"'],
    ["allowWriteHttpFrom ::/0 (CSM-HTTP-02)", { ...base, allowWriteHttpFrom: ["::/0"] }, "allowWriteHttpFrom", '"::/0"'],
    ["one serverApiAddress for three servers", { ...base, serverApiAddress: "10.0.1.11" }, "serverApiAddress", '"10.0.1.11"'],
    ["certificates outliving the generated CA", { ...base, ca: { validityHours: 8760 }, certificates: { validityHours: 8760 } }, "certificates.validityHours", "8760"],
    ["adminNetworks not a CIDR", { ...base, adminNetworks: ["10.0.0.5"] }, "adminNetworks[0]", '"10.0.0.5"'],
    ["per-node token generation for an unknown node", { ...base, agentTokenGenerations: { "web-9": 2 } }, "agentTokenGenerations.web-9", "2"],
    ["secret seed that is not 32 bytes", { ...base, secretSeed: Buffer.alloc(16).toString("base64") }, "secretSeed", "<secret: 24 characters>"],
    ["replication token that is not a SecretID", { ...base, federation: { primaryDatacenter: "dc0", replicationToken: "not-a-uuid" } }, "federation.replicationToken", "<secret: 10 characters>"],
];

describe("HardenedCluster refuses bad input before creating anything", () => {
    let emu: ProviderEmulation;
    before(async () => (emu = await emulation()));

    it(`covers at least 25 bad inputs (has ${BAD.length})`, () => assert.ok(BAD.length >= 25));

    for (const [label, args, option, shown] of BAD) {
        it(label, () => {
            const before = emu.resources.length + emu.components.length;
            let error: unknown;
            try {
                new HardenedCluster(`bad-${label.replace(/[^a-z0-9]+/gi, "-")}`, args);
            } catch (e) {
                error = e;
            }
            assert.ok(error instanceof ConsulHardenedOptionError, `expected ConsulHardenedOptionError, got ${String(error)}`);
            const problem = error.problems.find((p) => p.option === option);
            assert.ok(problem, `no problem names ${option}; got ${error.problems.map((p) => p.option).join(", ")}`);
            assert.ok(problem.value.includes(shown), `value ${problem.value} should show ${shown}`);
            assert.ok(problem.fix.length > 0);
            assert.ok(error.message.includes(option) && error.message.includes("fix:"));
            assert.equal(emu.resources.length + emu.components.length, before, "no resource may be registered");
        });
    }

    it("never prints a secret gossip key", () => {
        const secretKey = Buffer.alloc(16, 9).toString("base64");
        assert.throws(
            () => new HardenedCluster("leak", { ...base, gossip: { generations: [{ name: "g1", primary: true, key: secretKey }] } }),
            (e: Error) => !e.message.includes(secretKey),
        );
    });

    it("lists every problem at once", () => {
        assert.throws(
            () => new HardenedCluster("many", { datacenter: "DC", servers: 2, ports: { dns: 0 } }),
            (e: ConsulHardenedOptionError) => e.problems.length === 3,
        );
    });
});
