/**
 * The command on anything a user can hand it: every command answers --help; FIFOs, devices,
 * directories, binary and random bytes, DER certificates, empty directories, files nested 2,000
 * deep, JSON that is not what a flag needs — each refused with exit 2, the file or flag named, in
 * bounded time, with no stack trace and nothing of a secret input in the output.
 */
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { secretForms } from "../../src/testing";

const ROOT = join(__dirname, "..", "..");
const BIN = join(ROOT, "bin", "consul-hardened.js");
const dir = mkdtempSync(join(tmpdir(), "ch-hostile-"));
const SECRET_KEY = Buffer.alloc(32, 0x5a).toString("base64");

function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
    const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", cwd: ROOT, timeout: 20_000, killSignal: "SIGKILL", env: { PATH: process.env.PATH, ...env } });
    return { code: r.status, out: `${r.stdout}${r.stderr}`, timedOut: r.error !== undefined };
}

/** What no refusal may contain: a stack trace, a raw JS error name, a secret in any encoding. */
function assertCleanRefusal(r: ReturnType<typeof cli>, names: string): void {
    assert.equal(r.timedOut, false, "terminated within the bound");
    assert.equal(r.code, 2, r.out);
    assert.doesNotMatch(r.out, /\n\s+at [\w$.<]+ \(|TypeError|RangeError|ReferenceError|Maximum call stack/, r.out);
    assert.ok(r.out.includes(names), `names ${names}: ${r.out}`);
    for (const form of [...secretForms(SECRET_KEY), SECRET_KEY.slice(0, 6)]) assert.ok(!r.out.includes(form), `a form of the secret key was printed: ${r.out}`);
}

describe("consul-hardened on hostile input", function () {
    this.timeout(120_000);
    const file = (name: string, content: string | Buffer) => (writeFileSync(join(dir, name), content), join(dir, name));
    const fifo = join(dir, "pipe.json");
    before(() => {
        spawnSync("mkfifo", [fifo]);
        mkdirSync(join(dir, "empty"));
    });

    for (const command of ["audit", "report", "certs", "rotate-gossip", "probe", "restore-management-token", "rotate-agent-token"])
        it(`${command} --help and help ${command} exit 0 with the command's usage and exit codes`, () => {
            for (const args of [[command, "--help"], ["help", command], [command, "-h"]]) {
                const r = cli(args);
                assert.equal(r.code, 0, r.out);
                assert.match(r.out, new RegExp(`consul-hardened ${command}`));
                assert.match(r.out, /Exit codes: 0/);
            }
        });

    it("the usage names every command", () => {
        const r = cli([]);
        assert.equal(r.code, 2);
        for (const command of ["audit", "report", "certs", "rotate-gossip", "probe", "restore-management-token", "rotate-agent-token", "help"]) assert.match(r.out, new RegExp(`consul-hardened ${command}`));
    });

    const audits: [string, () => string, string][] = [
        ["a FIFO (would block a read forever)", () => fifo, "FIFO"],
        ["a device", () => "/dev/zero", "/dev/zero"],
        ["random bytes", () => file("random.json", Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256))), "binary"],
        ["bytes that are not UTF-8", () => file("latin1.hcl", Buffer.from([0x61, 0x20, 0x3d, 0x20, 0x22, 0xe9, 0xff, 0x22])), "not UTF-8"],
        ["JSON nested 2,000 deep (a stack overflow before)", () => file("deep.json", '{"a":'.repeat(2000) + "1" + "}".repeat(2000)), "nested 2000 levels"],
        ["HCL nested 2,000 deep", () => file("deep.hcl", "a {".repeat(2000) + "}".repeat(2000)), "nested 2000 levels"],
        ["a JSON syntax error in a file holding a key (V8 would quote its start)", () => file("secret.json", `${SECRET_KEY} {`), "JSON syntax error"],
        ["a file too large", () => file("large.json", `{"a":"${"x".repeat(1024 * 1024 + 10)}"}`), "limit"],
    ];
    for (const [label, path, names] of audits) it(`audit refuses ${label}`, () => assertCleanRefusal(cli(["audit", path()]), names));

    const certs: [string, () => string, string][] = [
        ["a DER certificate", () => file("cert.der", Buffer.from([0x30, 0x82, 0x01, 0x0a, 0x02, 0x82, 0x01, 0x01, 0x00])), "binary"],
        ["a text file without a certificate", () => file("notes.pem", "hello\n"), "no PEM certificate"],
        ["an empty directory", () => join(dir, "empty"), "no .pem or .crt file"],
        ["a FIFO named .pem", () => (spawnSync("mkfifo", [join(dir, "pipe.pem")]), join(dir, "pipe.pem")), "FIFO"],
        ["a private key only (no certificate)", () => file("key.pem", `-----BEGIN EC PRIVATE KEY-----\n${SECRET_KEY}\n-----END EC PRIVATE KEY-----\n`), "no PEM certificate"],
    ];
    for (const [label, path, names] of certs) it(`certs refuses ${label}`, () => assertCleanRefusal(cli(["certs", path()]), names));

    describe("rotate-gossip validates its keys and plan before anything else, printing nothing of a key", () => {
        const env = { CONSUL_HTTP_TOKEN: "t", CONSUL_HTTP_ADDR: "127.0.0.1:1", CONSUL_CACERT: "", CONSUL_CLIENT_CERT: "", CONSUL_CLIENT_KEY: "" };
        const conn = () => ["--ca-file", file("ca.pem", "x"), "--client-cert", file("c.pem", "x"), "--client-key", file("k.pem", "x")];
        const plan = () => file("plan.json", JSON.stringify({ primary: "g1", steps: [{ action: "install", generation: "g1" }, { action: "use", generation: "g1" }] }));
        const cases: [string, () => string[], string][] = [
            ["a keys file that is not JSON (V8 would quote its first characters)", () => ["--keys", file("keys.txt", `${SECRET_KEY} trailing`), "--plan", plan()], "--keys: not JSON"],
            ["keys that are null", () => ["--keys", file("null.json", "null"), "--plan", plan()], "--keys: must be a JSON object"],
            ["keys that are a list", () => ["--keys", file("list.json", JSON.stringify([SECRET_KEY])), "--plan", plan()], "--keys: must be a JSON object"],
            ["a plan that is null", () => ["--keys", file("keys.json", JSON.stringify({ g1: SECRET_KEY })), "--plan", file("nullplan.json", "null")], "--plan: must be a gossip rotation plan"],
            ["a plan without steps", () => ["--keys", file("keys.json", JSON.stringify({ g1: SECRET_KEY })), "--plan", file("bad.json", '{"primary":"g1"}')], "--plan: must be a gossip rotation plan"],
            ["a keys FIFO", () => ["--keys", fifo, "--plan", plan()], "FIFO"],
        ];
        for (const [label, args, names] of cases) it(label, () => assertCleanRefusal(cli(["rotate-gossip", ...args(), ...conn()], env), names));
    });

    /** PEM-shaped files for the connection flags of the live commands, pointing where nothing listens. */
    const PEM_CERT = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
    const liveConnection = () => ["--address", "127.0.0.1:1", "--ca-file", file("live-ca.pem", PEM_CERT), "--client-cert", file("live-cli.pem", PEM_CERT), "--client-key", file("live-cli-key.pem", "-----BEGIN EC PRIVATE KEY-----\nx\n-----END EC PRIVATE KEY-----\n")];

    describe("restore-management-token refuses bad input before it connects, printing nothing of the secret", () => {
        it("no CONSUL_HTTP_TOKEN", () => assertCleanRefusal(cli(["restore-management-token", ...liveConnection()]), "CONSUL_HTTP_TOKEN is not set"));
        it("a --data-dir that does not exist", () => assertCleanRefusal(cli(["restore-management-token", ...liveConnection(), "--data-dir", join(dir, "nowhere")], { CONSUL_HTTP_TOKEN: SECRET_KEY }), "--data-dir"));
        it("a --data-dir that is a file", () => assertCleanRefusal(cli(["restore-management-token", ...liveConnection(), "--data-dir", file("afile", "x")], { CONSUL_HTTP_TOKEN: SECRET_KEY }), "not a directory"));
        it("no client certificate", () => assertCleanRefusal(cli(["restore-management-token", "--address", "127.0.0.1:1", "--ca-file", file("rca2.pem", PEM_CERT)], { CONSUL_HTTP_TOKEN: SECRET_KEY }), "--client-cert"));
        it("nothing listening: unreachable, exit 2", () => assertCleanRefusal(cli(["restore-management-token", ...liveConnection()], { CONSUL_HTTP_TOKEN: SECRET_KEY }), "cannot reach Consul"));
    });

    describe("rotate-agent-token refuses bad input before it connects, printing nothing of a token", () => {
        const TOKEN = "6b1d1a7e-3f0c-4d2a-9e5b-8c7f6a5b4c3d";
        const env = { CONSUL_HTTP_TOKEN: TOKEN };
        const cases: [string, () => string[], NodeJS.ProcessEnv, string][] = [
            ["no --node", () => ["--datacenter", "dc1", "--new-token-file", file("nt", TOKEN)], env, "--node is required"],
            ["a node name with a slash", () => ["--node", "../x", "--datacenter", "dc1", "--new-token-file", file("nt", TOKEN)], env, "not a node name"],
            ["a token file holding a key, not a token", () => ["--node", "web-1", "--datacenter", "dc1", "--new-token-file", file("nk", SECRET_KEY)], env, "--new-token-file: does not hold one token"],
            ["the same token old and new", () => ["--node", "web-1", "--datacenter", "dc1", "--new-token-file", file("nt", TOKEN), "--old-token-file", file("ot", TOKEN)], env, "hold the same token"],
            ["an --agent-address that is no HOST:PORT", () => ["--node", "web-1", "--datacenter", "dc1", "--new-token-file", file("nt", TOKEN), "--agent-address", "web-1"], env, "--agent-address web-1"],
            ["no CONSUL_HTTP_TOKEN", () => ["--node", "web-1", "--datacenter", "dc1", "--new-token-file", file("nt", TOKEN)], {}, "CONSUL_HTTP_TOKEN is not set"],
            ["nothing listening: unreachable", () => ["--node", "web-1", "--datacenter", "dc1", "--new-token-file", file("nt", TOKEN)], env, "cannot reach Consul"],
            ["an unknown --token-type", () => ["--token-type", "gossip", "--node", "web-1", "--datacenter", "dc1", "--new-token-file", file("nt", TOKEN)], env, "--token-type \"gossip\": one of agent, replication, dns"],
            ["--node with a shared token type", () => ["--token-type", "replication", "--node", "s1", "--datacenter", "dc2", "--new-token-file", file("nt", TOKEN)], env, "--node: a replication token is shared"],
            ["two --agent-address for an agent token", () => ["--node", "web-1", "--datacenter", "dc1", "--new-token-file", file("nt", TOKEN), "--agent-address", "10.0.0.1:8501", "--agent-address", "10.0.0.2:8501"], env, "an agent token belongs to one agent"],
            ["the same agent twice for a shared token", () => ["--token-type", "dns", "--datacenter", "dc1", "--new-token-file", file("nt", TOKEN), "--agent-address", "10.0.0.1:8501", "--agent-address", "10.0.0.1:8501"], env, "the same agent named twice"],
            ["a shared token, nothing listening: unreachable", () => ["--token-type", "replication", "--datacenter", "dc2", "--new-token-file", file("nt", TOKEN), "--agent-address", "127.0.0.1:1"], env, "cannot reach Consul"],
        ];
        it("rotate-agent-tokens is the same command", () => assertCleanRefusal(cli(["rotate-agent-tokens", "--datacenter", "dc1", "--new-token-file", file("nt", TOKEN), ...liveConnection()], env), "--node is required"));
        for (const [label, args, e, names] of cases)
            it(label, () => {
                const r = cli(["rotate-agent-token", ...args(), ...liveConnection()], e);
                assertCleanRefusal(r, names);
                assert.ok(!r.out.includes(TOKEN), "the token was printed");
            });
    });

    it("probe refuses an --expect file that is not a JSON object", () => {
        const r = cli(["probe", "--address", "127.0.0.1:1", "--ca-file", file("ca2.pem", "x"), "--expect", file("expect.json", "[1,2]")]);
        assertCleanRefusal(r, "--expect");
    });
});
