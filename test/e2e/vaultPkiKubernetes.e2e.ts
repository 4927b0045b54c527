/**
 * VaultPki's Kubernetes path live (issue 24), against Vault 1.14.2 and Consul 1.16.3 on loopback,
 * with a stand-in for the Kubernetes API's TokenReview (test/support/fakeKubernetesApi.ts): the
 * Kubernetes auth method configured by exactly VaultPki's resources (replayed as the provider calls
 * the API); the pod played on this host — its projected token a file, its ConfigMap and memory
 * volume directories — running the init container's and the sidecar's own commands, as VaultPki
 * wrote them. The init container renders the server's files and exits; Consul starts with them and
 * its Connect CA logs into Vault with the pod's token (a leaf signed by Vault's intermediate); the
 * sidecar issues afresh every third of a 3-minute TTL while a request loop sees 0 failures; Vault
 * refuses another server's account, another audience and a token the API no longer vouches for.
 */
import { strict as assert } from "node:assert";
import { ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { X509Certificate, randomUUID } from "node:crypto";
import { join } from "node:path";
import { installProviderEmulation, valueOf } from "../../src/testing/providers";
import { HardenedCluster } from "../../src/cluster/hardenedCluster";
import { VaultPki } from "../../src/vault/vaultPki";
import { VAULT_TOKEN_PATH } from "../../src/vault/kubernetesAuthOptions";
import { ApiConnection } from "../../src/acl/dynamic/consulHttp";
import { aclsReady, api, consulBinary, consulValidate, LocalAgents, servedSerial, stopProcess, until, VAULT } from "./localCluster";
import { replayVaultResources, vaultRequest, VaultApi } from "../support/vaultReplay";
import { FakeKubernetesApi } from "../support/fakeKubernetesApi";

const NETWORK = "127.0.25";
const SERVER = `${NETWORK}.11`;
const NODE = "consul-server-1";
const VAULT_ADDR = `http://${NETWORK}.2:8200`;
const NAMESPACE = "consul";


/** Runs a command to its end (at most `ms`), with its output. */
function run(command: string[], ms: number): Promise<{ code: number | null; out: string }> {
    return new Promise((resolve) => {
        const p = spawn(command[0], command.slice(1), { stdio: ["ignore", "pipe", "pipe"] });
        let out = "";
        p.stdout!.on("data", (d) => (out += d));
        p.stderr!.on("data", (d) => (out += d));
        const timer = setTimeout(() => p.kill("SIGKILL"), ms);
        p.on("exit", (code) => (clearTimeout(timer), resolve({ code, out })));
    });
}

describe("Vault on Kubernetes, live (Vault 1.14.2 Kubernetes auth, Consul 1.16.3)", function () {
    this.timeout(600_000);
    const agents = new LocalAgents(consulBinary("1.16.3"));
    const k8s = new FakeKubernetesApi(`${NETWORK}.5`);
    let vaultServer: ChildProcess;
    let sidecar: ChildProcess | undefined;
    let v: VaultApi;
    let pki: VaultPki;
    let files: Record<string, string>;
    let caPem: string;
    let conn: ApiConnection;
    const podDir = () => join(agents.dir, "pod");
    /** The pod's mounts on this host: the ConfigMap, the projected token and the memory volume (Consul's home). */
    const placed = (text: string) =>
        text
            .split("/vault/config")
            .join(join(podDir(), "config"))
            .split(VAULT_TOKEN_PATH)
            .join(join(podDir(), "token"))
            .split("/consul/tls")
            .join(agents.home(NODE));

    before(async function () {
        for (const bin of [VAULT, consulBinary("1.16.3")]) if (!existsSync(bin)) throw new Error(`${bin} is missing: run scripts/e2e-tools.sh (npm run test:e2e does)`);
        const rootToken = randomUUID();
        vaultServer = spawn(VAULT, ["server", "-dev", `-dev-root-token-id=${rootToken}`, `-dev-listen-address=${VAULT_ADDR.slice(7)}`], { stdio: "ignore", detached: true });
        v = { address: VAULT_ADDR, token: rootToken };
        const apiUrl = await k8s.listen();
        await until("Vault to answer", async () => ((await vaultRequest(v, "GET", "sys/health")).status === 200 ? true : undefined), 60_000);

        const emu = await installProviderEmulation();
        emu.reset();
        pki = new VaultPki("k8s-vault-e2e", {
            datacenter: "dc1",
            servers: [{ nodeName: NODE, addresses: [SERVER] }],
            tlsDir: "/consul/tls",
            agentDir: "/vault/config",
            vault: {
                address: VAULT_ADDR,
                ttl: "3m",
                maxTtl: "10m",
                kubernetes: { namespace: NAMESPACE, host: apiUrl, caCertPem: k8s.caPem, tokenReviewerJwt: k8s.token("kube-system", "vault-reviewer", "https://kubernetes.default.svc") },
            },
        });
        const cluster = new HardenedCluster("k8s-vault-e2e", { datacenter: "dc1", servers: 1, serverAddresses: [SERVER], certificates: { source: "vault-pki", vaultCaPem: pki.caPem, cliCertificate: pki.cliCertificate } });
        files = await valueOf(cluster.files);
        const configMap = await valueOf(pki.kubernetes![NODE].configMapData);
        await emu.settled();
        const real = await replayVaultResources(v, emu.resources.filter((r) => r.type.startsWith("vault:")));
        caPem = real["k8s-vault-e2e-ca"].certificate;
        mkdirSync(join(podDir(), "config"), { recursive: true, mode: 0o700 });
        mkdirSync(agents.home(NODE), { recursive: true, mode: 0o700 });
        for (const [file, content] of Object.entries(configMap)) writeFileSync(join(podDir(), "config", file), placed(content));
        // What the kubelet mounts: a token for the pod's own service account and VaultPki's audience.
        writeFileSync(join(podDir(), "token"), k8s.token(NAMESPACE, pki.kubernetes![NODE].serviceAccountName, "vault"), { mode: 0o600 });
        const cli = real["k8s-vault-e2e-cli-cert"];
        conn = { address: `${SERVER}:8501`, caPem, certPem: cli.certificate, keyPem: cli.privateKey, token: await valueOf(cluster.bootstrapToken!) };
    });
    after(async () => {
        if (sidecar) await stopProcess(sidecar);
        await agents.stopAll();
        if (vaultServer) await stopProcess(vaultServer);
        await k8s.close();
    });

    it("the init container logs in with the pod's service account, renders the server's files and exits", async () => {
        const init = pki.kubernetes![NODE].initContainers[0].command.map(placed);
        const { code, out } = await run([VAULT, ...init.slice(1)], 60_000);
        assert.equal(code, 0, out);
        const cert = new X509Certificate(readFileSync(join(agents.home(NODE), "server.pem")));
        assert.equal(cert.subject, "CN=server.dc1.consul");
        assert.ok(cert.subjectAltName!.includes(`DNS:${NODE}.server.dc1.consul`) && cert.subjectAltName!.includes(`IP Address:${SERVER}`));
        assert.ok(cert.verify(new X509Certificate(caPem).publicKey));
        assert.equal(statSync(join(agents.home(NODE), "server-key.pem")).mode & 0o777, 0o600);
        assert.deepEqual(k8s.reviews.at(-1), { account: `${NAMESPACE}/${NODE}`, authenticated: true }, "Vault asked the API about the pod's token");
    });

    it("Consul starts with those files; its Connect CA logs into Vault with the pod's token and issues a leaf signed by Vault's intermediate", async () => {
        const fragment = placed(pki.serverFiles[NODE]["vault-pki.json"]);
        const dir = join(agents.dir, "validate");
        mkdirSync(dir);
        writeFileSync(join(dir, "consul.json"), files[`servers/${NODE}/consul.json`]);
        writeFileSync(join(dir, "vault-pki.json"), fragment);
        const [code, out] = consulValidate(dir, consulBinary("1.16.3"));
        assert.equal(code, 0, out);
        const consul = agents.placed(NODE, files[`servers/${NODE}/consul.json`], SERVER, {});
        agents.start(NODE, { ...consul, "vault-pki.json": fragment });
        await until("a leader", async () => {
            const r = await api(conn, "GET", "/v1/status/leader");
            return r.status === 200 && r.body ? r.body : undefined;
        }, 90_000).catch((e) => {
            throw new Error(`${e.message}\n${agents.log(NODE).slice(-3000)}`);
        });
        await aclsReady(conn);
        const config = await api(conn, "GET", "/v1/connect/ca/configuration");
        assert.equal(config.body.Provider, "vault");
        const method = config.body.Config.AuthMethod ?? config.body.Config.auth_method;
        assert.equal(method?.Type ?? method?.type, "kubernetes", JSON.stringify(config.body.Config));
        const leaf = await until("a Connect leaf", async () => {
            const r = await api(conn, "GET", "/v1/agent/connect/ca/leaf/web");
            return r.status === 200 ? r.body : undefined;
        }, 60_000);
        const intermediate = await fetch(`${VAULT_ADDR}/v1/${pki.connectCa!.connect.ca_config.intermediate_pki_path}/ca/pem`).then((r) => r.text());
        assert.ok(new X509Certificate(leaf.CertPEM).verify(new X509Certificate(intermediate).publicKey), "signed by the key in Vault's intermediate mount");
    });

    it("the sidecar issues afresh every third of the TTL (at least twice) while Consul, never restarted, answers every request", async function () {
        assert.equal(pki.renewEverySeconds, 60);
        const command = pki.kubernetes![NODE].containers[0].command.map(placed);
        assert.equal(command[0], "/bin/sh");
        // The image's `vault` is on PATH; here it is the binary this repository built.
        sidecar = spawn(command[0], command.slice(1), { stdio: ["ignore", "pipe", "pipe"], detached: true, env: { ...process.env, PATH: `${join(VAULT, "..")}:${process.env.PATH}` } });
        let sidecarLog = "";
        sidecar.stdout!.on("data", (d) => (sidecarLog += d));
        sidecar.stderr!.on("data", (d) => (sidecarLog += d));
        const serials = new Set<string>();
        const failures: string[] = [];
        let ok = 0;
        const end = Date.now() + 2 * pki.renewEverySeconds * 1000 + 15_000;
        for (let i = 0; Date.now() < end; i++) {
            serials.add(await servedSerial(SERVER, caPem, conn.certPem, conn.keyPem).catch((e) => (failures.push(`TLS: ${e.message}`), "")));
            const put = await api(conn, "PUT", `/v1/kv/k8s-vault/${i}`, "x").catch((e) => ({ status: 0, body: (e as Error).message }));
            if (put.status === 200) ok++;
            else failures.push(`request ${i}: ${put.status} ${JSON.stringify(put.body).slice(0, 200)}`);
            await new Promise((r) => setTimeout(r, 1000));
        }
        serials.delete("");
        console.log(`      (${ok} requests, ${failures.length} failed; certificates served: ${serials.size})`);
        assert.deepEqual(failures, []);
        assert.ok(serials.size >= 4, `served ${serials.size} certificates: the init container's, the sidecar's first and at least two renewals\n${sidecarLog.slice(-2000)}`);
        assert.equal(sidecar.exitCode, null, `the sidecar runs on\n${sidecarLog.slice(-2000)}`);
        assert.equal(agents.exited(NODE), undefined, "Consul was not restarted");
    });

    it("Vault refuses another server's account, another audience and a token the API no longer vouches for", async () => {
        const role = pki.plan.roles[0].name;
        const login = (jwt: string) => vaultRequest({ ...v, token: "" }, "POST", "auth/kubernetes/login", { role, jwt });
        const other = await login(k8s.token(NAMESPACE, "consul-server-2", "vault"));
        assert.equal(other.status, 403, JSON.stringify(other.body));
        assert.match(JSON.stringify(other.body.errors), /service account name not authorized/);
        const audience = await login(k8s.token(NAMESPACE, NODE, "https://kubernetes.default.svc"));
        assert.equal(audience.status, 403, JSON.stringify(audience.body));
        const revoked = k8s.token(NAMESPACE, NODE, "vault");
        assert.equal((await login(revoked)).status, 200, "a live token of the pod's own account logs in");
        k8s.revoke(revoked);
        const after = await login(revoked);
        assert.equal(after.status, 403, `a token the API no longer vouches for: ${JSON.stringify(after.body)}`);
        assert.deepEqual(k8s.reviews.at(-1), { account: "(unknown)", authenticated: false }, "refused because the TokenReview said no");
    });
});
