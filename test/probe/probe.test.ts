import { strict as assert } from "node:assert";
import { driftFindings, effectiveFindings } from "../../src/probe/probe";
import { run } from "../../src/cli/main";

/** The parts of a hardened server's `/v1/agent/self` DebugConfig the probe reads (Consul 1.16.3, recorded). */
const HARDENED = {
    ACLResolverSettings: { ACLDefaultPolicy: "deny", ACLDownPolicy: "extend-cache", ACLsEnabled: true },
    EnableRemoteScriptChecks: false,
    EnableLocalScriptChecks: false,
    DisableRemoteExec: true,
    HTTPPort: -1,
    HTTPSPort: 8501,
    GRPCTLSPort: 8503,
    ServerMode: true,
    TLS: {
        GRPC: { TLSMinVersion: "TLSv1_3", VerifyIncoming: true, VerifyOutgoing: false, VerifyServerHostname: false },
        HTTPS: { TLSMinVersion: "TLSv1_3", VerifyIncoming: true, VerifyOutgoing: true, VerifyServerHostname: false },
        InternalRPC: { TLSMinVersion: "TLSv1_3", VerifyIncoming: true, VerifyOutgoing: true, VerifyServerHostname: true },
    },
};

describe("probe: the effective config and drift (pure parts)", () => {
    it("a hardened server's DebugConfig gives nothing", () => {
        assert.deepEqual(effectiveFindings(HARDENED), []);
    });

    it("each weakened setting gives its checklist ID", () => {
        const weak = structuredClone(HARDENED) as any;
        weak.ACLResolverSettings.ACLDefaultPolicy = "allow";
        weak.EnableLocalScriptChecks = true;
        weak.DisableRemoteExec = false;
        weak.TLS.InternalRPC.VerifyIncoming = false;
        weak.TLS.InternalRPC.VerifyServerHostname = false;
        weak.HTTPPort = 8500;
        assert.deepEqual(effectiveFindings(weak).map((f) => f.id).sort(), ["CSM-ACL-02", "CSM-EXE-01", "CSM-EXE-02", "CSM-TLS-03", "CSM-TLS-07", "CSM-TLS-10"]);
        assert.deepEqual(effectiveFindings({ ...HARDENED, ACLResolverSettings: { ACLsEnabled: false, ACLDefaultPolicy: "allow" } }).map((f) => f.id), ["CSM-ACL-01"], "ACLs off says so, not the default");
    });

    it("the running write restriction is judged on its union, as the audit judges it (CSM-HTTP-02)", () => {
        // DebugConfig lists the networks as strings, or as Go's JSON of net.IPNet (IP and base64 mask).
        const v4 = (ip: string, bits: number) => ({ IP: ip, Mask: Buffer.from([0, 1, 2, 3].map((i) => (0xff << (8 - Math.max(0, Math.min(8, bits - 8 * i)))) & 0xff)).toString("base64") });
        const mapped = { IP: "0.0.0.0", Mask: Buffer.from([...Array(12).fill(0xff), 0, 0, 0, 0]).toString("base64") }; // ::ffff:0:0/96
        const cases: [unknown[], boolean][] = [
            [["127.0.0.0/8", "::1/128"], false],
            [[v4("127.0.0.0", 8), v4("10.0.0.0", 24)], false],
            [["0.0.0.0/1", "128.0.0.0/1"], true],
            [[v4("0.0.0.0", 1), v4("128.0.0.0", 1)], true],
            [[mapped], true],
        ];
        for (const [networks, refused] of cases) {
            const ids = effectiveFindings({ ...HARDENED, AllowWriteHTTPFrom: networks }).map((f) => f.id);
            assert.equal(ids.includes("CSM-HTTP-02"), refused, JSON.stringify(networks));
        }
    });

    it("drift: only settings the intended config states, compared with what runs", () => {
        const intended = { acl: { default_policy: "deny" }, disable_remote_exec: true, tls: { defaults: { tls_min_version: "TLSv1_3", verify_incoming: true } }, ports: { http: -1 } };
        assert.deepEqual(driftFindings(HARDENED, { file: "consul.json", config: intended }), []);
        const running = structuredClone(HARDENED) as any;
        running.TLS.InternalRPC.TLSMinVersion = "TLSv1_2";
        running.ACLResolverSettings.ACLDefaultPolicy = "allow";
        const drift = driftFindings(running, { file: "consul.json", config: intended });
        assert.deepEqual(drift.map((f) => `${f.id} ${f.path}`), ["CSM-ACL-02 acl.default_policy", "CSM-TLS-09 tls.defaults.tls_min_version"]);
        assert.match(drift[1].message, /intended "TLSv1_3", running "TLSv1_2"/);
    });

    it("the command refuses bad input before connecting (exit 2), naming the flag", async () => {
        const cli = async (...args: string[]) => {
            let err = "";
            const code = await run(["probe", ...args], { out: () => undefined, err: (s) => (err += s) }, {});
            return { code, err };
        };
        const none = await cli();
        assert.equal(none.code, 2);
        assert.match(none.err, /--ca-file \(or CONSUL_CACERT\) is required/);
        assert.match(none.err, /--address \(or CONSUL_HTTP_ADDR\) is required/);
        const bad = await cli("--address", "127.0.0.1:8501", "--ca-file", "/nonexistent/ca.pem", "--min-tls", "TLSv1_0", "--format", "xml");
        assert.match(bad.err, /--ca-file \/nonexistent\/ca.pem/);
        assert.match(bad.err, /--min-tls TLSv1_0: use TLSv1_2 or TLSv1_3/);
        assert.match(bad.err, /--format xml/);
    });
});
