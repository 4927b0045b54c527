/**
 * `consul-hardened certs`: expiry and profile of a bundle's certificates, as an operator sees them.
 */
import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { run } from "../../src/cli/main";
import { emulation } from "../support/emulation";
import { bundleDir } from "../support/bundle";

function cli(...args: string[]): { code: number; out: string; err: string } {
    let out = "";
    let err = "";
    const code = run(args, { out: (s) => (out += s), err: (s) => (err += s) });
    if (typeof code !== "number") throw new Error("certs answers at once");
    return { code, out, err };
}

describe("consul-hardened certs", () => {
    before(emulation);
    afterEach(async () => (await emulation()).setClock(undefined));

    it("a fresh bundle: CA, server and CLI certificates, chained, a year left, no finding (exit 0)", async () => {
        (await emulation()).reset();
        const dir = await bundleDir("certs-ok", { datacenter: "dc1", servers: 1 });
        const r = cli("certs", "--format", "json", dir);
        assert.equal(r.code, 0, r.err);
        const report = JSON.parse(r.out);
        assert.deepEqual(report.certificates.map((c: { profile: string }) => c.profile).sort(), ["ca", "cli", "server"]);
        const server = report.certificates.find((c: { profile: string }) => c.profile === "server");
        assert.equal(server.chainsToCa, true);
        assert.ok(server.daysLeft >= 364 && server.daysLeft <= 365, String(server.daysLeft));
        assert.ok(server.dnsNames.includes("server.dc1.consul"));
        assert.deepEqual(report.findings, []);
    });

    it("an expired bundle: CSM-ROT-01 high for each certificate (exit 1), in text and SARIF", async () => {
        const emu = await emulation();
        emu.reset();
        emu.setClock(new Date("2019-01-01T00:00:00Z"));
        const dir = await bundleDir("certs-old", { datacenter: "dc1", servers: 1, ca: { validityHours: 8760 * 2, earlyRenewalHours: 8760 } });
        const r = cli("certs", dir);
        assert.equal(r.code, 1);
        assert.match(r.out, /HIGH CSM-ROT-01 .*servers\/consul-server-1\/server\.pem {2}notAfter: expired \d+ day\(s\) ago/);
        const sarif = JSON.parse(cli("certs", "--format", "sarif", dir).out);
        assert.equal(sarif.runs[0].results.filter((x: { ruleId: string }) => x.ruleId === "CSM-ROT-01").length, 3);
    });

    it("a server certificate without server.<dc>.<domain> from another CA: CSM-TLS-07 and the chain (exit 1)", async () => {
        (await emulation()).reset();
        const dir = await bundleDir("certs-bad", { datacenter: "dc1", servers: 1 });
        const out = join(dir, "servers", "consul-server-1", "server.pem");
        execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", join(dir, "rogue-key.pem"), "-out", out, "-days", "30", "-subj", "/CN=server.dc1.consul", "-addext", "extendedKeyUsage=serverAuth", "-addext", "basicConstraints=critical,CA:FALSE"], { stdio: "ignore" });
        const report = JSON.parse(cli("certs", "--format", "json", dir).out);
        const ids = report.findings.filter((f: { file: string }) => f.file === out).map((f: { id: string; path: string }) => `${f.id} ${f.path}`).sort();
        assert.deepEqual(ids, ["CSM-ROT-01 notAfter", "CSM-TLS-05 issuer", "CSM-TLS-07 extendedKeyUsage", "CSM-TLS-07 subjectAltName"]);
    });

    it("unreadable input: exit 2", () => {
        const r = cli("certs", join(tmpdir(), "no-such-bundle-here"));
        assert.equal(r.code, 2);
        assert.match(r.err, /no-such-bundle-here/);
    });
});
