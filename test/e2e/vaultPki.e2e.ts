/**
 * The Vault certificate source live (issue 24), against Vault 1.14.2 (MPL, built by
 * scripts/e2e-tools.sh) on loopback and real Consul 1.16.3: VaultPki's resources, recorded under
 * the emulation, are replayed against Vault with the API calls terraform-provider-vault makes
 * (test/support/vaultReplay.ts); each server's Vault Agent — started from the config VaultPki
 * rendered — writes its certificate, key and CA; 3 servers and a client form a cluster with them;
 * the renewal timer (here: the test restarting each agent every third of a 3-minute TTL, as the
 * systemd timer does) renews every server's certificate at least twice while a request loop through
 * the client and between servers records no failure, Consul reading the files without a restart;
 * the Connect CA in Vault (AppRole login) issues a leaf; Vault refuses a name the role does not allow.
 */
import { strict as assert } from "node:assert";
import { ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { X509Certificate, randomUUID } from "node:crypto";
import { join } from "node:path";
import { installProviderEmulation, valueOf } from "../../src/testing/providers";
import { HardenedCluster } from "../../src/cluster/hardenedCluster";
import { VaultPki } from "../../src/vault/vaultPki";
import { aclTokenProvider } from "../../src/acl/dynamic/aclToken";
import { ApiConnection } from "../../src/acl/dynamic/consulHttp";
import { aclsReady, api, consulBinary, consulValidate, LocalAgents, servedSerial, stopProcess, until, VAULT } from "./localCluster";
import { replayVaultResources, vaultRequest, VaultApi } from "../support/vaultReplay";

const NETWORK = "127.0.24";
const SERVERS = [11, 12, 13].map((n) => `${NETWORK}.${n}`);
const NODES = ["consul-server-1", "consul-server-2", "consul-server-3"];
const CLIENT_IP = `${NETWORK}.21`;
const VAULT_ADDR = `http://${NETWORK}.2:8200`;
/** A few minutes, so renewals happen within the test: the timer runs every third of it (60 s). */
const TTL = "3m";


describe("Vault as the certificate authority, live (Vault 1.14.2, Consul 1.16.3)", function () {
    this.timeout(600_000);
    const agents = new LocalAgents(consulBinary("1.16.3"));
    const vaultProcs = new Map<string, ChildProcess>();
    let vaultServer: ChildProcess;
    let v: VaultApi;
    let pki: VaultPki;
    let files: Record<string, string>;
    let caPem: string;
    let conn: ApiConnection;
    const vaultLogs: Record<string, string> = {};

    const agentDir = (n: string) => join(agents.home(n), "vault-agent");
    /** VaultPki's file for this host: its directories in place of the defaults (one host, several servers). */
    const placedText = (n: string, text: string) => text.split("/etc/consul.d/vault-agent").join(agentDir(n)).split("/etc/consul.d/tls").join(agents.home(n));
    const startVaultAgent = (n: string) => {
        const p = spawn(VAULT, ["agent", `-config=${join(agentDir(n), "vault-agent.hcl")}`], { stdio: ["ignore", "pipe", "pipe"], detached: true });
        vaultLogs[n] = "";
        p.stdout!.on("data", (d) => (vaultLogs[n] += d));
        p.stderr!.on("data", (d) => (vaultLogs[n] += d));
        vaultProcs.set(n, p);
    };

    before(async function () {
        for (const bin of [VAULT, consulBinary("1.16.3")]) if (!existsSync(bin)) throw new Error(`${bin} is missing: run scripts/e2e-tools.sh (npm run test:e2e does)`);
        const rootToken = randomUUID();
        vaultServer = spawn(VAULT, ["server", "-dev", `-dev-root-token-id=${rootToken}`, `-dev-listen-address=${VAULT_ADDR.slice(7)}`], { stdio: "ignore", detached: true });
        v = { address: VAULT_ADDR, token: rootToken };
        await until("Vault to answer", async () => ((await vaultRequest(v, "GET", "sys/health")).status === 200 ? true : undefined), 60_000);

        const emu = await installProviderEmulation();
        emu.reset();
        pki = new VaultPki("vault-e2e", { datacenter: "dc1", servers: NODES.map((nodeName, i) => ({ nodeName, addresses: [SERVERS[i]] })), vault: { address: VAULT_ADDR, ttl: TTL, maxTtl: "20m" } });
        // The cluster takes its certificates from Vault: no CA, server or CLI key of its own.
        const cluster = new HardenedCluster("vault-e2e", { datacenter: "dc1", serverAddresses: SERVERS, clientNodeNames: ["app-1"], certificates: { source: "vault-pki", vaultCaPem: pki.caPem, cliCertificate: pki.cliCertificate } });
        files = await valueOf(cluster.files);
        await valueOf(pki.serverCredentials);
        await emu.settled();
        // Vault configured by exactly the library's resources, in the order the program made them.
        const real = await replayVaultResources(v, emu.resources.filter((r) => r.type.startsWith("vault:")));
        caPem = real["vault-e2e-ca"].certificate;
        const credentials = (id: string) => ({ roleId: real[`vault-e2e-${id}-approle-role`].roleId, secretId: real[`vault-e2e-${id}-secret-id`].secretId });
        for (const n of NODES) {
            mkdirSync(agentDir(n), { recursive: true, mode: 0o700 });
            const own = credentials(n);
            const ca = credentials("connect-ca");
            const creds = { "role-id": own.roleId, "secret-id": own.secretId, "connect-ca-role-id": ca.roleId, "connect-ca-secret-id": ca.secretId };
            for (const [f, content] of Object.entries(creds)) writeFileSync(join(agentDir(n), f), content, { mode: 0o600 });
            writeFileSync(join(agentDir(n), "vault-agent.hcl"), placedText(n, pki.serverFiles[n]["vault-agent.hcl"]));
        }
        assert.ok(!Object.keys(files).some((p) => /server(-key)?\.pem$|^cli\//.test(p)), "the cluster made no certificate of its own");
        // The operators' certificate: VaultPki's CLI certificate, as Vault issued it.
        const cli = real["vault-e2e-cli-cert"];
        conn = { address: `${SERVERS[0]}:8501`, caPem, certPem: cli.certificate, keyPem: cli.privateKey, token: await valueOf(cluster.bootstrapToken!) };
    });
    after(async () => {
        await Promise.all([...vaultProcs.values()].map(stopProcess));
        await agents.stopAll();
        if (vaultServer) await stopProcess(vaultServer);
    });

    it("each server's Vault Agent renders its certificate, key and CA with the bundle's modes and the static path's names", async () => {
        for (const n of NODES) startVaultAgent(n);
        for (const [i, n] of NODES.entries()) {
            const cert = await until(`${n}'s certificate`, async () => (existsSync(join(agents.home(n), "ca.pem")) ? new X509Certificate(readFileSync(join(agents.home(n), "server.pem"))) : undefined), 60_000).catch((e) => {
                throw new Error(`${e.message}\n${vaultLogs[n]}`);
            });
            assert.equal(cert.subject, "CN=server.dc1.consul");
            assert.deepEqual(cert.subjectAltName!.split(", ").sort(), ["DNS:localhost", `DNS:${n}.server.dc1.consul`, "DNS:server.dc1.consul", "IP Address:127.0.0.1", `IP Address:${SERVERS[i]}`].sort());
            assert.ok(cert.verify(new X509Certificate(caPem).publicKey), "signed by the mount's CA");
            const life = (Date.parse(cert.validTo) - Date.parse(cert.validFrom)) / 1000;
            assert.ok(life <= 4 * 60, `a ${TTL} certificate (plus Vault's 30 s backdating), not ${life} s`);
            const { statSync } = require("node:fs") as typeof import("node:fs");
            assert.equal(statSync(join(agents.home(n), "server-key.pem")).mode & 0o777, 0o600);
            assert.equal(statSync(join(agents.home(n), "server.pem")).mode & 0o777, 0o644);
        }
    });

    it("consul validate accepts each server's config directory: the bundle's consul.json beside VaultPki's vault-pki.json", () => {
        for (const n of NODES) {
            const dir = join(agents.dir, `validate-${n}`);
            mkdirSync(dir);
            writeFileSync(join(dir, "consul.json"), files[`servers/${n}/consul.json`]);
            writeFileSync(join(dir, "vault-pki.json"), pki.serverFiles[n]["vault-pki.json"]);
            const [code, out] = consulValidate(dir, consulBinary("1.16.3"));
            assert.equal(code, 0, `${n}: ${out}`);
        }
    });

    it("three servers (their certificates from Vault, the Connect CA in Vault) and an auto_encrypt client form a cluster", async () => {
        NODES.forEach((n, i) => {
            const placed = agents.placed(n, files[`servers/${n}/consul.json`], SERVERS[i], {});
            agents.start(n, { ...placed, "vault-pki.json": placedText(n, pki.serverFiles[n]["vault-pki.json"]) });
        });
        await until("a leader", async () => {
            const r = await api(conn, "GET", "/v1/status/leader");
            return r.status === 200 && r.body ? r.body : undefined;
        }, 90_000);
        await aclsReady(conn);
        const agentToken = (f: string) => JSON.parse(files[f]).acl.tokens.agent as string;
        for (const [i, n] of NODES.entries()) await aclTokenProvider.create({ connection: conn, secretId: agentToken(`servers/${n}/consul.json`), description: `Agent token of ${n}`, policies: [], roles: [], nodeIdentities: [{ nodeName: n, datacenter: "dc1" }] }), void i;
        await aclTokenProvider.create({ connection: conn, secretId: agentToken("client/app-1/agent.json"), description: "Agent token of app-1", policies: [], roles: [], nodeIdentities: [{ nodeName: "app-1", datacenter: "dc1" }] });
        // Its auto_encrypt certificate names its address too, as an operator adds to reach the API by it.
        const profile = JSON.parse(files["client/consul.json"]);
        profile.auto_encrypt = { ...profile.auto_encrypt, ip_san: [CLIENT_IP] };
        agents.start("app-1", { ...agents.placed("app-1", JSON.stringify(profile), CLIENT_IP, { "ca.pem": caPem }), "agent.json": files["client/app-1/agent.json"] });
        await until("app-1 in the catalog", async () => {
            const r = await api(conn, "GET", "/v1/catalog/node/app-1");
            return r.status === 200 && r.body?.Node ? true : undefined;
        }, 90_000).catch((e) => {
            throw new Error(`${e.message}\n${agents.log("app-1").slice(-3000)}`);
        });
        const config = await api(conn, "GET", "/v1/connect/ca/configuration");
        assert.equal(config.body.Provider, "vault");
        assert.equal(config.body.Config.Token, undefined, "no static token");
    });

    it("the Connect CA issues a leaf through Vault: signed by Vault's intermediate mount", async () => {
        const leaf = await api(conn, "GET", "/v1/agent/connect/ca/leaf/web");
        assert.equal(leaf.status, 200, JSON.stringify(leaf.body));
        const intermediate = await fetch(`${VAULT_ADDR}/v1/${pki.connectCa!.connect.ca_config.intermediate_pki_path}/ca/pem`).then((r) => r.text());
        const leafCert = new X509Certificate(leaf.body.CertPEM);
        assert.ok(leafCert.verify(new X509Certificate(intermediate).publicKey), "the leaf is signed by the key in Vault's intermediate mount");
        assert.match(leafCert.subjectAltName ?? "", /URI:spiffe:\/\/.*\/svc\/web/);
    });

    it("Vault refuses a name the server's role does not allow, through the server's own AppRole", async () => {
        const dir = agentDir(NODES[0]);
        const login = await vaultRequest({ ...v, token: "" }, "POST", "auth/approle/login", { role_id: readFileSync(join(dir, "role-id"), "utf8"), secret_id: readFileSync(join(dir, "secret-id"), "utf8") });
        assert.equal(login.status, 200);
        const own = { ...v, token: login.body.auth.client_token };
        const role = pki.plan.roles[0].name;
        for (const name of ["consul-server-2.server.dc1.consul", "evil.example.com", "*.server.dc1.consul"]) {
            const r = await vaultRequest(own, "POST", `pki-consul-dc1/issue/${role}`, { common_name: name });
            assert.equal(r.status, 400, `${name}: ${JSON.stringify(r.body)}`);
            assert.match(JSON.stringify(r.body.errors), /not allowed by this role/);
        }
        const other = await vaultRequest(own, "POST", `pki-consul-dc1/issue/${pki.plan.roles[1].name}`, { common_name: "server.dc1.consul" });
        assert.equal(other.status, 403, "another server's role is beyond this AppRole's policy");
    });

    it("renewal at a third of the TTL: every server's certificate is renewed at least twice, Consul reloads it without a restart, and a request loop sees 0 failures", async function () {
        const everyMs = pki.renewEverySeconds * 1000;
        assert.equal(pki.renewEverySeconds, 60);
        const serials: Record<string, Set<string>> = Object.fromEntries(NODES.map((n) => [n, new Set<string>()]));
        const pids = NODES.map((n) => agents.exited(n));
        assert.deepEqual(pids, [undefined, undefined, undefined], "the servers run");
        // The client's HTTPS listener presents its auto_encrypt certificate, from the Connect CA (in Vault).
        const roots = await api(conn, "GET", "/v1/connect/ca/roots");
        const connectChain = roots.body.Roots.flatMap((r: { RootCert: string; IntermediateCerts?: string[] }) => [r.RootCert, ...(r.IntermediateCerts ?? [])]).join("\n");
        const clientConn = { ...conn, address: `${CLIENT_IP}:8501`, caPem: connectChain };
        let ok = 0;
        const failures: string[] = [];
        // Two renewals and half a minute beyond: the first certificate (3 min 30 s with backdating) has expired by then.
        const end = Date.now() + 2 * everyMs + 100_000;
        let nextRenewal = Date.now() + everyMs;
        let i = 0;
        while (Date.now() < end) {
            if (Date.now() >= nextRenewal) {
                // What consul-vault-agent-renew.timer does: restart the agent, which issues afresh.
                for (const n of NODES) {
                    await stopProcess(vaultProcs.get(n)!);
                    startVaultAgent(n);
                }
                nextRenewal += everyMs;
            }
            for (const [k, n] of NODES.entries()) serials[n].add(await servedSerial(SERVERS[k], caPem, conn.certPem, conn.keyPem).catch((e) => (failures.push(`TLS ${n}: ${e.message}`), "")));
            try {
                // Through the client (client → server RPC over TLS), and a write through a follower (server → leader RPC).
                const read = await api(clientConn, "GET", "/v1/catalog/nodes");
                const write = await api({ ...conn, address: `${SERVERS[1 + (i % 2)]}:8501` }, "PUT", `/v1/kv/vault-e2e/${i}`, "x");
                if (read.status === 200 && write.status === 200) ok++;
                else failures.push(`request ${i}: ${read.status} ${write.status} ${JSON.stringify(write.body).slice(0, 200)}`);
            } catch (e) {
                failures.push(`request ${i}: ${(e as Error).message}`);
            }
            i++;
            await new Promise((r) => setTimeout(r, 1000));
        }
        for (const n of NODES) serials[n].delete("");
        console.log(`      (${ok} requests, ${failures.length} failed; certificates served per server: ${NODES.map((n) => serials[n].size).join(", ")})`);
        assert.deepEqual(failures, [], `${failures.length} failed of ${ok + failures.length}`);
        assert.ok(ok > 100, `${ok} requests`);
        for (const n of NODES) assert.ok(serials[n].size >= 3, `${n} served ${serials[n].size} certificates: the first and at least two renewals`);
        assert.deepEqual(NODES.map((n) => agents.exited(n)), [undefined, undefined, undefined], "no Consul server was restarted");
    });
});
