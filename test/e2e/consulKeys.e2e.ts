/**
 * The audit's "Consul refuses this key" verdict against each real Consul release it knows (1.14.11,
 * 1.15.4, 1.16.3 — the audit run for that release's line): each key table is
 * the one Consul's own definitions give (scripts/consul-keys, re-derived here), and on generated
 * configs — unknown keys at every depth of every block, known keys in other letter cases, two
 * spellings of one key, lists of one block where a block goes — `consul validate` and the audit
 * must refuse exactly the same keys. Seeds of cases that disagreed during development are kept in
 * test/fixtures/differential and replayed by the default suite.
 */
import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { installProviderEmulation, valueOf } from "../../src/testing/providers";
import { HardenedCluster } from "../../src/cluster/hardenedCluster";
import { CONSUL_KEY_TABLES } from "../../src/config/consulKeys";
import { BUILT_CONSUL_LINES, CONSUL_RELEASES, ConsulLine } from "../../src/config/consulVersion";
import { auditAgent } from "../../src/audit/audit";
import { agentFromObject } from "../../src/audit/load";
import { AEAD_CIPHER_SUITES, WEAK_CIPHER_SUITES } from "../../src/config/tlsNames";
import { consulBinary, consulVerdict as verdictOf } from "./localCluster";
import { generatedConfig, GENERATED_CASES } from "../support/differential";
import { auditVerdict, BUILDER_CASES, generatedDirectory, VERDICT_CASES, writeDirectory } from "../support/verdictCases";
import { consulModuleRoot } from "../support/realCorpus";

const FIXTURES = join(__dirname, "..", "fixtures", "differential");

/** The config without the keys (dotted paths, as invalidKeys names them) a line refuses. */
function withoutKeys(config: Record<string, unknown>, invalidKeys: (c: Record<string, unknown>) => string[]): Record<string, unknown> {
    for (const path of invalidKeys(config)) {
        const parts = path.split(".");
        let node = config as Record<string, any>;
        for (const p of parts.slice(0, -1)) node = node?.[p];
        if (node) delete node[parts[parts.length - 1]];
    }
    return config;
}

/**
 * The reader that takes a table from a module's source as text (`consul-keys -source`): equal to
 * the reflection on every release built here — so the tables of the BUSL releases, which are read
 * that way only (never built), are what their definitions say.
 */
describe("key tables read from source (consul-keys -source) are the reflection's, and re-derive every line's table", function () {
    this.timeout(300_000);
    const reader = join(__dirname, "..", "..", ".cache", "tools", "consul-1.16.3", "consul-keys");
    const fromSource = (release: string) => JSON.parse(execFileSync(reader, ["-source", consulModuleRoot(release)], { encoding: "utf8", maxBuffer: 64 << 20 }));
    for (const line of BUILT_CONSUL_LINES) {
        const release = CONSUL_RELEASES[line];
        it(`${release} (built): the source reader gives exactly the reflection's table`, () => {
            const reflected = JSON.parse(execFileSync(join(__dirname, "..", "..", ".cache", "tools", `consul-${release}`, "consul-keys"), { encoding: "utf8", maxBuffer: 64 << 20 }));
            assert.deepEqual(fromSource(release), reflected);
        });
    }
    for (const [line, release] of Object.entries(CONSUL_RELEASES) as [ConsulLine, string][])
        if (!BUILT_CONSUL_LINES.includes(line))
            it(`${release} (BUSL, read only): the committed table is what its source says`, () => {
                const committed = JSON.parse(readFileSync(join(__dirname, "..", "..", "src", "config", `consul-keys-${release}.json`), "utf8"));
                assert.deepEqual(fromSource(release), committed, `regenerate src/config/consul-keys-${release}.json with ${reader} -source ${consulModuleRoot(release)}`);
            });

    // Without a binary, the builder rules the audit applies to 1.17+ rest on their builder.go still
    // saying what 1.16.3's says: each message the rules quote is looked for in every line's source.
    const QUOTED = [
        "port must be greater than zero",
        "verify_outgoing is not valid in the tls.grpc stanza",
        "use_auto_cert is only valid in the tls.grpc stanza",
        "raft_multiplier cannot be",
        "must be strictly positive",
        "advertise_reconnect_timeout can only be used on a client",
        "segment_size_mb cannot be",
        "server_rejoin_age_max",
    ];
    it("every builder message the audit's rules quote is in each read-only line's builder.go; verify_server_hostname's changed in 1.17 as the audit says", () => {
        for (const [line, release] of Object.entries(CONSUL_RELEASES) as [ConsulLine, string][]) {
            if (BUILT_CONSUL_LINES.includes(line)) continue;
            const builder = readFileSync(join(consulModuleRoot(release), "agent", "config", "builder.go"), "utf8");
            for (const m of QUOTED) assert.ok(builder.includes(m), `${release}: "${m}"`);
            assert.ok(builder.includes("verify_server_hostname is only valid in the tls.defaults and tls.internal_rpc stanzas"), release);
        }
    });
});

// The differentials against `consul validate` need the binary: the releases built here.
for (const [line, release] of (Object.entries(CONSUL_RELEASES) as [ConsulLine, string][]).filter(([l]) => BUILT_CONSUL_LINES.includes(l))) {
    const KEYS_TOOL = join(__dirname, "..", "..", ".cache", "tools", `consul-${release}`, "consul-keys");
    const consulVerdict = (path: string) => verdictOf(path, consulBinary(release));
    const invalidConsulKeys = CONSUL_KEY_TABLES[line].invalidKeys;
    /** Disagreements are kept for replay against 1.16.3 (test/fixtures/differential); other lines' go to the run's directory. */
    const keptIn = (dir: string) => (line === "1.16" ? FIXTURES : dir);

    /** What `consul validate` refuses of one config file: its "invalid config key" list, or other errors. */
    function consulRefuses(file: string): { keys: string[]; other: string } {
        const v = consulVerdict(file);
        return { keys: v.keys ?? [], other: v.refused && !v.keys ? v.message : "" };
    }

    describe(`the audit's key verdicts against the real Consul ${release} (consul validate)`, function () {
        this.timeout(600_000);
        const dir = mkdtempSync(join(tmpdir(), "ch-diff-"));
        let base: Record<string, unknown>;

        before(async () => {
            await installProviderEmulation();
            const files = await valueOf(new HardenedCluster("diff", { datacenter: "dc1", servers: 1, clientNodeNames: ["app-1"] }).files);
            // The library renders for 1.16: an older line's run starts from what that line takes.
            base = withoutKeys(JSON.parse(files["servers/consul-server-1/consul.json"]), invalidConsulKeys);
        });

        it("the key table is exactly what Consul's own definitions give (scripts/consul-keys)", () => {
            const derived = JSON.parse(execFileSync(KEYS_TOOL, { encoding: "utf8" }));
            const committed = JSON.parse(readFileSync(join(__dirname, "..", "..", "src", "config", `consul-keys-${release}.json`), "utf8"));
            assert.deepEqual(committed, derived, `regenerate src/config/consul-keys-${release}.json with ${KEYS_TOOL}`);
            console.log(`      key table: ${derived.keys.length} keys, ${derived.opaque.length} opaque blocks, from Consul ${derived.consul}`);
        });

        it(`${GENERATED_CASES} generated configs: consul validate and the audit refuse the same keys (0 disagreements)`, () => {
            const disagreements: string[] = [];
            let refused = 0;
            for (let seed = 1; seed <= GENERATED_CASES; seed++) {
                const config = generatedConfig(base, seed);
                const file = join(dir, `case-${seed}.json`);
                writeFileSync(file, JSON.stringify(config));
                const consul = consulRefuses(file);
                const ours = invalidConsulKeys(config).sort();
                if (consul.other) disagreements.push(`seed ${seed}: consul validate failed otherwise: ${consul.other.slice(0, 200)}`);
                else if (JSON.stringify(consul.keys) !== JSON.stringify(ours)) {
                    disagreements.push(`seed ${seed}: consul ${JSON.stringify(consul.keys)}, audit ${JSON.stringify(ours)}`);
                    writeFileSync(join(keptIn(dir), `seed-${seed}.json`), JSON.stringify({ seed, consulRefuses: consul.keys, config }, null, 1) + "\n");
                }
                if (consul.keys.length) refused++;
            }
            console.log(`      differential: ${GENERATED_CASES} configs compared, ${refused} refused by Consul, ${disagreements.length} disagreements`);
            assert.deepEqual(disagreements, []);
        });

        it("values Consul refuses: TLS version names old and new, cipher suite names, settings in a stanza that ignores them, auto_encrypt on a server — the same verdicts", () => {
            type Case = [string, (c: Record<string, any>) => void];
            const cases: Case[] = [];
            for (const v of ["TLSv1_0", "TLSv1_1", "TLSv1_2", "TLSv1_3", "tls12", "TLSv1_4", "bogus"]) cases.push([`tls.defaults.tls_min_version = ${v}`, (c) => (c.tls.defaults.tls_min_version = v)]);
            for (const v of ["tls10", "tls11", "tls12", "tls13", "TLSv1_2", "bogus"])
                cases.push([`top-level tls_min_version = ${v}`, (c) => (delete c.tls.defaults.tls_min_version, (c.tls_min_version = v))]);
            for (const suite of [...AEAD_CIPHER_SUITES, ...WEAK_CIPHER_SUITES, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305", "TLS_RSA_WITH_AES_128_GCM_SHA256", "TLS_AES_128_GCM_SHA256"])
                cases.push([`TLSv1_2 with ${suite}`, (c) => ((c.tls.defaults.tls_min_version = "TLSv1_2"), (c.tls.defaults.tls_cipher_suites = suite))]);
            cases.push(["TLSv1_3 with a cipher suite", (c) => (c.tls.defaults.tls_cipher_suites = AEAD_CIPHER_SUITES[0])]);
            cases.push(["auto_encrypt.tls on a server", (c) => (c.auto_encrypt = { ...c.auto_encrypt, tls: true })]);
            // The builder's own rules (BUILDER_CASES, also judged without Consul by the unit suite).
            for (const [what, mutate] of BUILDER_CASES) cases.push([what, mutate]);
            // Enterprise keys the community edition warns about ("will have no effect") and still loads.
            cases.push(["Enterprise keys on the community edition", (c) => Object.assign(c, { partition: "p1", license_path: "/etc/consul.d/license.hclic", audit: { enabled: true }, autopilot: { redundancy_zone_tag: "az" } })]);
            cases.push(["tls.grpc.verify_outgoing", (c) => (c.tls.grpc = { ...c.tls.grpc, verify_outgoing: true })]);
            for (const stanza of ["defaults", "grpc", "https", "internal_rpc"]) {
                cases.push([`tls.${stanza}.verify_server_hostname`, (c) => (c.tls[stanza] = { ...c.tls[stanza], verify_server_hostname: true })]);
                cases.push([`tls.${stanza}.use_auto_cert`, (c) => (c.tls[stanza] = { ...c.tls[stanza], use_auto_cert: false })]);
            }
            const disagreements: string[] = [];
            for (const [i, [what, mutate]] of cases.entries()) {
                const config = structuredClone(base) as Record<string, any>;
                mutate(config);
                const file = join(dir, `value-${i}.json`);
                writeFileSync(file, JSON.stringify(config));
                const consul = consulVerdict(file);
                const ours = auditAgent(agentFromObject(file, config, line)).filter((f) => f.id === "CONSUL-REJECT");
                if (consul.refused !== ours.length > 0)
                    disagreements.push(`${what}: consul ${consul.refused ? `refuses (${consul.message})` : "accepts"}, audit ${ours.length ? `refuses (${ours[0].message})` : "accepts"}`);
            }
            console.log(`      values: ${cases.length} configs compared, ${disagreements.length} disagreements`);
            assert.deepEqual(disagreements, []);
        });

        it(`${VERDICT_CASES} generated config directories (mixed JSON/HCL, 1-3 files): consul validate and the audit give the same refusal verdict, and name the same first file and keys (0 disagreements)`, () => {
            const bases = ["server", "client"].map((role) => withoutKeys(JSON.parse(readFileSync(join(__dirname, "..", "fixtures", "audit", "secure", `${role}.json`), "utf8")), invalidConsulKeys));
            // Valid keys from every block, with values Consul takes: Consul's own every-key fixture.
            const donor = JSON.parse(readFileSync(join(consulModuleRoot(release), "agent", "config", "testdata", "full-config.json"), "utf8"));
            const disagreements: string[] = [];
            const counts = { refused: 0, multiFile: 0, hcl: 0 };
            for (let seed = 1; seed <= VERDICT_CASES; seed++) {
                const c = generatedDirectory(bases, seed, donor);
                const home = join(dir, `dir-${seed}`);
                writeDirectory(home, c.files);
                const consul = consulVerdict(home);
                const ours = auditVerdict(home, line);
                let why = "";
                if (consul.refused !== ours.refused) why = `consul ${consul.refused ? `refuses (${consul.message})` : "accepts"}, audit ${ours.refused ? `refuses (${ours.why})` : "accepts"}`;
                else if (consul.file !== undefined && (consul.file !== ours.firstFile || (consul.keys ? JSON.stringify(consul.keys) : "parse error") !== ours.firstFails))
                    why = `consul fails ${consul.file} with ${consul.keys ? JSON.stringify(consul.keys) : "a parse error"}; the audit's first failing file is ${ours.firstFile} with ${ours.firstFails}`;
                if (why) {
                    disagreements.push(`seed ${seed} [${c.what.join("; ")}]: ${why}`);
                    writeFileSync(join(keptIn(dir), `verdict-seed-${seed}.json`), JSON.stringify({ seed, what: c.what, consulRefuses: consul.refused, consulSays: consul.message, files: c.files }, null, 1) + "\n");
                }
                if (consul.refused) counts.refused++;
                if (c.files.length > 1) counts.multiFile++;
                if (c.files.some(([n]) => n.endsWith(".hcl"))) counts.hcl++;
            }
            console.log(`      verdicts: ${VERDICT_CASES} directories compared (${counts.multiFile} of several files, ${counts.hcl} with HCL), ${counts.refused} refused by Consul, ${disagreements.length} disagreements`);
            assert.deepEqual(disagreements.slice(0, 20), []);
        });

        // The kept cases were recorded against 1.16.3.
        if (line === "1.16")
            it("the kept cases still say what Consul 1.16.3 says", () => {
                for (const f of readdirSync(FIXTURES).filter((f) => f.endsWith(".json"))) {
                    const kept = JSON.parse(readFileSync(join(FIXTURES, f), "utf8"));
                    if (f.startsWith("verdict-")) {
                        const home = join(dir, `kept-${f}`);
                        writeDirectory(home, kept.files);
                        assert.equal(consulVerdict(home).refused, kept.consulRefuses, f);
                        continue;
                    }
                    const file = join(dir, f);
                    writeFileSync(file, JSON.stringify(kept.config));
                    assert.deepEqual(consulRefuses(file).keys, [...kept.consulRefuses].sort(), f);
                }
            });
    });
}
