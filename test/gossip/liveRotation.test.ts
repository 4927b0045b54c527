import { strict as assert } from "node:assert";
import * as https from "node:https";
import { AddressInfo } from "node:net";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HardenedCluster } from "../../src/cluster/hardenedCluster";
import { ApiConnection } from "../../src/acl/dynamic/consulHttp";
import { RotationError, rotateKeyring, rotationTarget } from "../../src/gossip/live/rotate";
import { gossipRotationProvider } from "../../src/gossip/live/gossipRotation";
import { run } from "../../src/cli/main";
import { emulation, valueOf } from "../support/emulation";

const TOKEN = "6b2e5c3a-1f0d-4e2b-9a7c-8d5e4f3a2b10";

/**
 * Consul's keyring endpoint, as agent/operator_endpoint.go answers it: one entry per pool with each
 * key's member count; POST/PUT/DELETE relayed to every member. `deaf` members never acknowledge
 * an install (a member that is unreachable for the relay). Needs the management token and a
 * client certificate, like the real one.
 */
class FakeKeyring {
    pools = [
        { WAN: true, Datacenter: "", NumNodes: 3, keys: new Map<string, number>(), primary: "", primaryCount: 3 },
        { WAN: false, Datacenter: "dc1", NumNodes: 4, keys: new Map<string, number>(), primary: "", primaryCount: 4 },
    ];
    deaf = 0;
    /** GETs answered as Consul does while a member does not respond (500 "4/5 nodes reported success"). */
    silentGets = 0;
    /** Methods whose next write one LAN member misses, answered 500 "3/4 nodes reported success" (the others did it). */
    readonly partialWrites = new Set<string>();
    readonly writes: string[] = [];
    address = "";
    private server?: https.Server;

    constructor(private readonly tls: { ca: string; cert: string; key: string }, initial: string) {
        for (const p of this.pools) p.keys.set(initial, p.NumNodes), (p.primary = initial);
    }

    async start(): Promise<void> {
        this.server = https.createServer({ ...this.tls, requestCert: true, rejectUnauthorized: true }, (req, res) => {
            let body = "";
            req.on("data", (d) => (body += d));
            req.on("end", (): void => {
                const send = (status: number, payload: unknown): void => void (res.writeHead(status), res.end(typeof payload === "string" ? payload : JSON.stringify(payload)));
                if (req.headers["x-consul-token"] !== TOKEN) return send(403, "Permission denied: token lacks permission 'keyring:write'");
                if (req.url !== "/v1/operator/keyring") return send(404, "not found");
                const key = body ? JSON.parse(body).Key : undefined;
                if (req.method === "GET" && this.silentGets > 0) {
                    this.silentGets--;
                    return send(500, "1 error occurred:\n\t* dc1 (LAN) error: 3/4 nodes reported success\n");
                }
                if (req.method === "GET")
                    return send(200, this.pools.map((p) => ({ WAN: p.WAN, Datacenter: p.Datacenter, NumNodes: p.NumNodes, Keys: Object.fromEntries(p.keys), PrimaryKeys: { [p.primary]: Math.min(p.primaryCount, p.keys.get(p.primary) ?? 0) } })));
                this.writes.push(`${req.method} ${key}`);
                const missed = this.partialWrites.delete(req.method!) ? 1 : 0;
                for (const p of this.pools) {
                    const lanMissing = p.WAN ? 0 : this.deaf + missed;
                    if (req.method === "POST") p.keys.set(key, p.NumNodes - lanMissing);
                    else if (req.method === "PUT") (p.primary = key), (p.primaryCount = p.NumNodes - lanMissing);
                    else if (req.method === "DELETE") {
                        if (p.primary === key) return send(500, "Removing the primary key is not allowed");
                        if (lanMissing > 0) p.keys.set(key, lanMissing);
                        else p.keys.delete(key);
                    }
                }
                if (missed) return send(500, "1 error occurred:\n\t* dc1 (LAN) error: 3/4 nodes reported success\n");
                send(200, "");
            });
        });
        await new Promise<void>((r) => this.server!.listen(0, "127.0.0.1", r));
        this.address = `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    }

    stop(): Promise<void> {
        return new Promise((r) => this.server!.close(() => r()));
    }
}

describe("gossip key rotation carried out (keyring API), against a stand-in of Consul's endpoint", () => {
    let files: Record<string, string>;
    let keys: Record<string, string>;
    let plan: HardenedCluster["gossipRotationPlan"];
    let fake: FakeKeyring;
    let conn: ApiConnection;

    before(async () => {
        const emu = await emulation();
        emu.reset();
        const cluster = new HardenedCluster("rot-live", { datacenter: "dc1", servers: 1, serverAddresses: ["127.0.0.1"], gossip: { generations: [{ name: "g1", retired: true }, { name: "g2", primary: true }] } });
        files = await valueOf(cluster.files);
        keys = await valueOf(cluster.gossipKeys);
        plan = cluster.gossipRotationPlan;
    });
    beforeEach(async () => {
        fake = new FakeKeyring({ ca: files["ca.pem"], cert: files["servers/consul-server-1/server.pem"], key: files["servers/consul-server-1/server-key.pem"] }, keys.g1);
        await fake.start();
        conn = { address: fake.address, caPem: files["ca.pem"], certPem: files["cli/cli.pem"], keyPem: files["cli/cli-key.pem"], token: TOKEN };
    });
    afterEach(() => fake.stop());

    it("install → use → remove, each verified on every pool before the next; progress names generations, never keys", async () => {
        const lines: string[] = [];
        await rotateKeyring(conn, rotationTarget(keys, plan), { pollMs: 10, onProgress: (l) => lines.push(l) });
        assert.deepEqual(fake.writes, [`POST ${keys.g2}`, `PUT ${keys.g2}`, `DELETE ${keys.g1}`]);
        assert.deepEqual(lines, ["install g2: on every member now", "use g2: primary on every member now", "remove g1: gone from every member"]);
        assert.ok(fake.pools.every((p) => p.primary === keys.g2 && !p.keys.has(keys.g1)));
    });

    it("interrupted after the install stage, a second run resumes: no install again, then use and remove", async () => {
        const target = rotationTarget(keys, plan);
        await rotateKeyring(conn, target, { pollMs: 10, stages: ["install"] });
        assert.deepEqual(fake.writes, [`POST ${keys.g2}`]);
        const lines: string[] = [];
        await rotateKeyring(conn, target, { pollMs: 10, onProgress: (l) => lines.push(l) });
        assert.deepEqual(fake.writes, [`POST ${keys.g2}`, `PUT ${keys.g2}`, `DELETE ${keys.g1}`]);
        assert.equal(lines[0], "install g2: already on every member");
        // And once more: everything is done, nothing is written.
        await rotateKeyring(conn, target, { pollMs: 10 });
        assert.equal(fake.writes.length, 3);
    });

    it("a member that never acknowledges fails the install stage with the counts and what to do — and nothing is used or removed", async () => {
        fake.deaf = 1;
        await assert.rejects(rotateKeyring(conn, rotationTarget(keys, plan), { pollMs: 10, stageTimeoutMs: 200 }), (e: RotationError) => {
            assert.equal(e.kind, "stage");
            assert.match(e.message, /install g2: not on every member after 0s — LAN dc1: 3 of 4 members/);
            assert.match(e.message, /consul members/);
            assert.match(e.message, /Nothing was removed/);
            assert.ok(!e.message.includes(keys.g2) && !e.message.includes(keys.g1), "no key in the message");
            return true;
        });
        assert.ok(fake.writes.length >= 1 && fake.writes.every((w) => w === `POST ${keys.g2}`), `only the install is sent (again while a member lags), no use, no remove: ${fake.writes.length}`);
    });

    it("a member that does not answer for a while (Consul's 500 \"3/4 nodes reported success\") is waited for, not fatal", async () => {
        fake.silentGets = 3;
        await rotateKeyring(conn, rotationTarget(keys, plan), { pollMs: 10 });
        assert.deepEqual(fake.writes, [`POST ${keys.g2}`, `PUT ${keys.g2}`, `DELETE ${keys.g1}`]);
        fake.silentGets = 1_000;
        await assert.rejects(rotateKeyring(conn, rotationTarget(keys, plan), { pollMs: 10, stageTimeoutMs: 100 }), (e: RotationError) => e.kind === "stage" && /3\/4 nodes reported success/.test(e.message));
    });

    it("a write one member misses (Consul's 500 \"3/4 nodes reported success\" on POST, PUT and DELETE) is sent again until every member has it", async () => {
        for (const m of ["POST", "PUT", "DELETE"]) fake.partialWrites.add(m);
        const lines: string[] = [];
        await rotateKeyring(conn, rotationTarget(keys, plan), { pollMs: 5, onProgress: (l) => lines.push(l) });
        assert.deepEqual(lines, ["install g2: on every member now", "use g2: primary on every member now", "remove g1: gone from every member"]);
        assert.deepEqual(fake.writes, [`POST ${keys.g2}`, `POST ${keys.g2}`, `PUT ${keys.g2}`, `PUT ${keys.g2}`, `DELETE ${keys.g1}`, `DELETE ${keys.g1}`], "each partial write sent once more");
        assert.ok(fake.pools.every((p) => p.primary === keys.g2 && p.primaryCount === p.NumNodes && !p.keys.has(keys.g1)));
    });

    it("a token without keyring rights, or no answer: 'unreachable', naming what is missing", async () => {
        await assert.rejects(rotateKeyring({ ...conn, token: "00000000-0000-0000-0000-000000000000" }, rotationTarget(keys, plan)), (e: RotationError) => e.kind === "unreachable" && /keyring = "write"/.test(e.message));
        await assert.rejects(rotateKeyring({ ...conn, address: "127.0.0.1:9" }, rotationTarget(keys, plan)), (e: RotationError) => e.kind === "unreachable" && /cannot reach/.test(e.message));
        assert.deepEqual(fake.writes, []);
    });

    it("the resource runs the rotation on create and on a changed target, not on a changed connection", async () => {
        const inputs = { connection: conn, target: rotationTarget(keys, plan) };
        await gossipRotationProvider.create!(inputs);
        assert.equal(fake.writes.length, 3);
        const diff = await gossipRotationProvider.diff!("keyring", inputs, { ...inputs, connection: { ...conn, certPem: "a renewed CLI certificate" } });
        assert.equal(diff.changes, false);
        assert.equal((await gossipRotationProvider.diff!("keyring", inputs, { ...inputs, target: { ...inputs.target, remove: [] } })).changes, true);
    });

    it("consul-hardened rotate-gossip: progress per stage, exit 0; bad input and a missing token exit 2 naming the fix; no key printed", async () => {
        const dir = mkdtempSync(join(tmpdir(), "ch-rotate-"));
        const write = (name: string, content: string) => (writeFileSync(join(dir, name), content), join(dir, name));
        const flags = ["--keys", write("keys.json", JSON.stringify(keys)), "--plan", write("plan.json", JSON.stringify(plan)), "--address", fake.address, "--ca-file", write("ca.pem", files["ca.pem"]), "--client-cert", write("cli.pem", files["cli/cli.pem"]), "--client-key", write("cli-key.pem", files["cli/cli-key.pem"])];
        const cli = async (args: string[], env: NodeJS.ProcessEnv) => {
            let out = "";
            let err = "";
            const code = await run(args, { out: (s) => (out += s), err: (s) => (err += s) }, env);
            return { code, out, err };
        };
        const noToken = await cli(["rotate-gossip", ...flags], {});
        assert.equal(noToken.code, 2);
        assert.match(noToken.err, /CONSUL_HTTP_TOKEN is not set/);
        const badPlan = await cli(["rotate-gossip", ...flags.slice(0, 2), "--plan", write("bad.json", "{"), ...flags.slice(4)], { CONSUL_HTTP_TOKEN: TOKEN });
        assert.equal(badPlan.code, 2);
        assert.match(badPlan.err, /not JSON/);
        const ok = await cli(["rotate-gossip", ...flags], { CONSUL_HTTP_TOKEN: TOKEN });
        assert.equal(ok.code, 0, ok.err);
        assert.match(ok.out, /install g2, g1|install g2/);
        assert.match(ok.out, /use g2: primary on every member now\n.*remove g1: gone from every member\ndone/s);
        for (const k of Object.values(keys)) assert.ok(!ok.out.includes(k) && !ok.err.includes(k), "a key in the output");
    });
});
