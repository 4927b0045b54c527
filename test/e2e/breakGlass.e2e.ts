/**
 * Break-glass on a live Consul 1.16.3 cluster (3 servers, loopback): the management token is
 * deleted — the classic ACL outage — and comes back with the same secret, so the stack's
 * `bootstrapToken` (what `pulumi up` uses) works again unchanged. Both ways Consul offers:
 * `consul-hardened restore-management-token` on the leader's host (bootstrap reset index), and a
 * new leader re-creating it from the `initial_management` of its config.
 */
import { strict as assert } from "node:assert";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { installProviderEmulation } from "../../src/testing/providers";
import { HardenedCluster } from "../../src/cluster/hardenedCluster";
import { ApiConnection } from "../../src/acl/dynamic/consulHttp";
import { secretForms } from "../../src/testing";
import { aclsReady, api, CONSUL, LocalAgents, runBin, until } from "./localCluster";
import { valueOf } from "../../src/testing/providers";

const NODES = ["consul-server-1", "consul-server-2", "consul-server-3"];
const SERVERS = ["127.0.0.161", "127.0.0.162", "127.0.0.163"];

describe("break-glass: a deleted management token restored with the same secret (real Consul 1.16.3, loopback)", function () {
    this.timeout(600_000);
    const agents = new LocalAgents();
    let conn: ApiConnection;
    let token: string;
    let files: Record<string, string>;

    before(async () => {
        if (!existsSync(CONSUL)) throw new Error(`${CONSUL} is missing: run scripts/e2e-tools.sh (npm run test:e2e does)`);
        const emu = await installProviderEmulation();
        emu.reset();
        const cluster = new HardenedCluster("glass", { datacenter: "dc1", serverAddresses: SERVERS });
        files = await valueOf(cluster.files);
        token = await valueOf(cluster.bootstrapToken!);
        assert.equal(JSON.parse(files["servers/consul-server-2/consul.json"]).acl.tokens.initial_management, token, "the stack's bootstrapToken is the servers' initial_management");
        conn = { address: `${SERVERS[0]}:8501`, caPem: files["ca.pem"], certPem: files["cli/cli.pem"], keyPem: files["cli/cli-key.pem"], token };
        agents.startServers(files, NODES, SERVERS);
        await until("a leader", async () => ((await api(conn, "GET", "/v1/status/leader")).body || undefined), 90_000);
        await aclsReady(conn);
    });
    after(() => agents.stopAll());

    /** The leader's node and its HTTPS address, from /v1/status/leader (no token needed). */
    async function leader(): Promise<{ node: string; address: string }> {
        const rpc = await until("a leader", async () => ((await api({ ...conn, token: undefined }, "GET", "/v1/status/leader")).body || undefined), 90_000);
        const ip = String(rpc).split(":")[0];
        return { node: NODES[SERVERS.indexOf(ip)], address: `${ip}:8501` };
    }

    /**
     * Deletes the management token — with a short-lived second one, as Consul refuses a token
     * deleting itself — and waits until that one expired too: no token can write ACLs (the outage).
     */
    async function deleteManagementToken(): Promise<void> {
        const self = await api(conn, "GET", "/v1/acl/token/self");
        assert.equal(self.status, 200);
        const helper = await api(conn, "PUT", "/v1/acl/token", { Description: "break-glass test", Policies: [{ Name: "global-management" }], ExpirationTTL: "1m" });
        assert.equal(helper.status, 200, helper.text);
        const deleted = await api({ ...conn, token: helper.body.SecretID }, "DELETE", `/v1/acl/token/${self.body.AccessorID}`);
        assert.equal(deleted.status, 200, deleted.text);
        await until("the helper token expired", async () => ((await api({ ...conn, token: helper.body.SecretID }, "GET", "/v1/acl/token/self")).status === 403 ? true : undefined), 120_000);
        await until("the deleted token refused", async () => ((await api(conn, "GET", "/v1/acl/token/self")).status === 403 ? true : undefined));
        const write = await api(conn, "PUT", "/v1/acl/policy", { Name: "after-loss", Rules: 'key_prefix "x/" { policy = "read" }' });
        assert.equal(write.status, 403, "no ACL write is possible: the outage");
    }

    /** The restored token is the same secret, with global-management: an ACL write goes through. */
    async function assertRestored(name: string): Promise<void> {
        const self = await api(conn, "GET", "/v1/acl/token/self");
        assert.equal(self.status, 200, self.text);
        assert.ok(self.body.Policies.some((p: { Name: string }) => p.Name === "global-management"));
        const write = await api(conn, "PUT", "/v1/acl/policy", { Name: name, Rules: 'key_prefix "x/" { policy = "read" }' });
        assert.equal(write.status, 200, write.text);
    }

    function cliConn(address: string) {
        const write = agents.writeShared.bind(agents);
        return ["--address", address, "--ca-file", write("ca.pem", conn.caPem), "--client-cert", write("cli.pem", conn.certPem), "--client-key", write("cli-key.pem", conn.keyPem)];
    }

    it("restore-management-token: says nothing to do while the token works; after its deletion, asks for the leader's data_dir, refuses a follower's, and restores on the leader's", async () => {
        const env = { ...process.env, CONSUL_HTTP_TOKEN: token };
        const lead = await leader();
        const fine = await runBin(["restore-management-token", ...cliConn(lead.address)], env);
        assert.equal(fine.code, 0, fine.err);
        assert.match(fine.out, /nothing to do/);

        await deleteManagementToken();
        const noDir = await runBin(["restore-management-token", ...cliConn(lead.address)], env);
        assert.equal(noDir.code, 1, noDir.out + noDir.err);
        assert.match(noDir.err, /bootstrapped before \(reset index \d+\): give the leader's data_dir/);

        const follower = NODES.find((n) => n !== lead.node)!;
        const wrong = await runBin(["restore-management-token", ...cliConn(`${SERVERS[NODES.indexOf(follower)]}:8501`), "--data-dir", join(agents.home(follower), "data")], env);
        assert.equal(wrong.code, 1, wrong.out + wrong.err);
        assert.match(wrong.err, /did not take the reset index .*run this on the leader's host/);

        const right = await runBin(["restore-management-token", ...cliConn(lead.address), "--data-dir", join(agents.home(lead.node), "data")], env);
        assert.equal(right.code, 0, right.out + right.err);
        assert.match(right.out, /wrote reset index \d+ .*\n.*the management token works again/s);
        for (const out of [fine, noDir, wrong, right]) for (const form of secretForms(token)) assert.ok(!`${out.out}${out.err}`.includes(form), "the secret was printed");
        await assertRestored("after-reset");
    });

    it("a new leader re-creates it from its config: restart the leader's agent", async () => {
        await deleteManagementToken();
        const old = await leader();
        await agents.stop(old.node);
        agents.restart(old.node);
        await until("the management token working again", async () => ((await api(conn, "GET", "/v1/acl/token/self")).status === 200 ? true : undefined), 120_000);
        await assertRestored("after-new-leader");
    });
});
