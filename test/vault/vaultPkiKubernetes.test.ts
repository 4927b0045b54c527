/**
 * VaultPki on Kubernetes (issue 24): the servers' pods log into Vault with their own service
 * accounts. Under the provider emulation: the Kubernetes auth method, its config (the reviewer JWT
 * secret in state) and one role per server bound to that server's service account only; no
 * AppRole and no credential handed to a server; the Vault Agent config and the Connect CA's
 * auth_method; the pod parts admitted by the restricted Pod Security Standard; examples/kubernetes-vault;
 * every refusal before any resource.
 */
import { strict as assert } from "node:assert";
import { sep } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { emulation, valueOf } from "../support/emulation";
import { restrictedViolations } from "../support/podSecurityStandard";
import { VaultPki, VaultPkiArgs } from "../../src/vault/vaultPki";
import { findSecrets, isSecretEnvelope } from "../../src/testing";
import { parseHcl } from "../../src/hcl/parse";
import { ProviderEmulation } from "../../src/testing/providers";
import { refusalsOf } from "../support/refusals";

const caPem = "-----BEGIN CERTIFICATE-----\nMIIBk8sCA\n-----END CERTIFICATE-----\n";
const vaultCaPem = "-----BEGIN CERTIFICATE-----\nMIIBvaultCA\n-----END CERTIFICATE-----\n";
const reviewer = "eyJhbGciOiJSUzI1NiJ9.reviewer-token-secret.sig";
const args: VaultPkiArgs = {
    datacenter: "dc1",
    servers: [{ nodeName: "consul-server-1" }, { nodeName: "consul-server-2" }],
    tlsDir: "/consul/tls",
    agentDir: "/vault/config",
    vault: { address: "https://vault.vault.svc:8200", vaultCaPem, kubernetes: { namespace: "consul", host: "https://kubernetes.default.svc", caCertPem: caPem, tokenReviewerJwt: reviewer } },
};

const problemsOf = (a: unknown) => refusalsOf(() => new VaultPki("bad", a as VaultPkiArgs));

const K8S = ["kubernetes:core/v1:ServiceAccount", "kubernetes:core/v1:ConfigMap", "kubernetes:core/v1:Secret", "kubernetes:apps/v1:StatefulSet"];

describe("VaultPki on Kubernetes (emulated @pulumi/vault)", () => {
    let emu: ProviderEmulation;
    before(async () => {
        emu = await emulation();
        for (const type of K8S) emu.addEmulator(type, (inputs) => ({ ...inputs }));
    });
    beforeEach(() => emu.reset());

    it("enables and configures the Kubernetes method; each server's role takes its own service account only; no AppRole", async () => {
        const pki = new VaultPki("vk", args);
        assert.deepEqual(await valueOf(pki.serverCredentials), { "consul-server-1": {}, "consul-server-2": {} }, "no credential to hand out");
        await emu.settled();
        const ids = (type: string) => emu.ofType(type).map((r) => String(r.id)).sort();
        assert.deepEqual(ids("vault:index/authBackend:AuthBackend"), ["kubernetes"]);
        assert.deepEqual(ids("vault:kubernetes/authBackendConfig:AuthBackendConfig"), ["auth/kubernetes/config"]);
        assert.deepEqual(ids("vault:kubernetes/authBackendRole:AuthBackendRole"), ["auth/kubernetes/role/consul-dc1-connect-ca", "auth/kubernetes/role/consul-dc1-server-consul-server-1", "auth/kubernetes/role/consul-dc1-server-consul-server-2"]);
        assert.equal(emu.ofType("vault:appRole/authBackendRole:AuthBackendRole").length + emu.ofType("vault:appRole/authBackendRoleSecretId:AuthBackendRoleSecretId").length, 0);
        const role = emu.vault.kubernetesRoles.get("auth/kubernetes/role/consul-dc1-server-consul-server-2")!;
        assert.deepEqual([role.boundServiceAccountNames, role.boundServiceAccountNamespaces, role.audience, role.tokenPolicies], [["consul-server-2"], ["consul"], "vault", ["consul-dc1-server-consul-server-2"]]);
        assert.deepEqual(emu.vault.kubernetesRoles.get("auth/kubernetes/role/consul-dc1-connect-ca")!.boundServiceAccountNames, ["consul-server-1", "consul-server-2"], "any server may lead the Connect CA");
        assert.equal(emu.vault.kubernetesConfigs.get("kubernetes")!.kubernetesCaCert, caPem);
        const config = emu.ofType("vault:kubernetes/authBackendConfig:AuthBackendConfig")[0];
        assert.ok(isSecretEnvelope(config.wireOutputs.tokenReviewerJwt), "the reviewer JWT is a secret output");
        assert.deepEqual(findSecrets(JSON.stringify(emu.stateExport()), { reviewer }), [], "no reviewer JWT in plaintext in state");
    });

    it("the agent logs in with the pod's projected token; the Connect CA uses the Kubernetes method; no systemd units", async () => {
        const pki = new VaultPki("vk", args);
        await emu.settled();
        const files = pki.serverFiles["consul-server-1"];
        assert.deepEqual(Object.keys(files).sort(), ["vault-agent.hcl", "vault-pki.json"]);
        const agent = parseHcl(files["vault-agent.hcl"]) as any;
        const method = agent.auto_auth[0].method[0].kubernetes[0];
        assert.deepEqual(method.config, [{ role: "consul-dc1-server-consul-server-1", token_path: "/var/run/secrets/vault/token" }]);
        assert.equal(method.mount_path, "auth/kubernetes");
        assert.equal(agent.vault[0].ca_cert, "/vault/config/vault-ca.pem");
        const connect = JSON.parse(files["vault-pki.json"]).connect.ca_config;
        assert.deepEqual(connect.auth_method, { type: "kubernetes", mount_path: "kubernetes", params: { role: "consul-dc1-connect-ca", token_path: "/var/run/secrets/vault/token" } });
        assert.equal(connect.ca_file, "/vault/config/vault-ca.pem");
        assert.deepEqual(await valueOf(pki.kubernetes!["consul-server-1"].configMapData), { "vault-agent.hcl": files["vault-agent.hcl"], "vault-ca.pem": vaultCaPem });
    });

    it("the pod parts: restricted, the TLS files in memory and read-only to Consul, renewal every third of the TTL", async () => {
        const pki = new VaultPki("vk", { ...args, vault: { ...args.vault, ttl: "6h", maxTtl: "12h" } });
        await emu.settled();
        const pod = pki.kubernetes!["consul-server-2"];
        assert.equal(pod.serviceAccountName, "consul-server-2");
        assert.equal(pod.automountServiceAccountToken, false);
        const consul = { name: "consul", securityContext: pod.containers[0].securityContext, volumeMounts: pod.consulVolumeMounts };
        const spec = { securityContext: { runAsNonRoot: true, runAsUser: 100, runAsGroup: 1000, fsGroup: 1000, seccompProfile: { type: "RuntimeDefault" } }, initContainers: pod.initContainers, containers: [consul, ...pod.containers], volumes: pod.volumes };
        assert.deepEqual(restrictedViolations(spec), []);
        assert.deepEqual(pod.consulVolumeMounts.find((m) => m.mountPath === "/consul/tls"), { name: "consul-tls", mountPath: "/consul/tls", readOnly: true });
        assert.deepEqual(pod.volumes.find((v) => v.name === "consul-tls"), { name: "consul-tls", emptyDir: { medium: "Memory", sizeLimit: "1Mi" } });
        assert.deepEqual(pod.volumes.find((v) => v.name === "vault-token"), { name: "vault-token", projected: { sources: [{ serviceAccountToken: { audience: "vault", expirationSeconds: 3600, path: "token" } }] } });
        assert.deepEqual(pod.initContainers[0].command, ["vault", "agent", "-exit-after-auth", "-config=/vault/config/vault-agent.hcl"]);
        assert.equal(pod.containers[0].command.join(" "), "/bin/sh -c while vault agent -exit-after-auth -config=/vault/config/vault-agent.hcl; do sleep 7200; done; exit 1");
        const sidecar = pod.containers[0];
        assert.ok(sidecar.volumeMounts.every((m) => m.readOnly || m.mountPath === "/consul/tls"), "the sidecar writes the TLS directory only");
    });

    it("connectCa { enabled: false }: Consul's container gets no Vault token", async () => {
        const pki = new VaultPki("vk", { ...args, vault: { ...args.vault, connectCa: { enabled: false } } });
        await emu.settled();
        assert.deepEqual(pki.kubernetes!["consul-server-1"].consulVolumeMounts.map((m) => m.name), ["consul-tls"]);
        assert.ok(!emu.vault.kubernetesRoles.has("auth/kubernetes/role/consul-dc1-connect-ca"));
    });

    it("existing: true adds only the roles, on the method at `path`", async () => {
        emu.vault.addExistingAuthMethod("k8s-prod", "kubernetes");
        new VaultPki("vk", { ...args, vault: { ...args.vault, kubernetes: { namespace: "consul", path: "k8s-prod", existing: true } } });
        await emu.settled();
        assert.equal(emu.ofType("vault:index/authBackend:AuthBackend").length + emu.ofType("vault:kubernetes/authBackendConfig:AuthBackendConfig").length, 0);
        assert.equal(emu.ofType("vault:kubernetes/authBackendRole:AuthBackendRole").filter((r) => String(r.id).startsWith("auth/k8s-prod/role/")).length, 3);
    });

    it("examples/kubernetes-vault: restricted pods, each with its own service account; no secret in a ConfigMap", async () => {
        for (const k of Object.keys(require.cache)) if (k.includes(`${sep}examples${sep}kubernetes-vault`)) delete require.cache[k];
        const { cluster, servers } = require("../../examples/kubernetes-vault") as typeof import("../../examples/kubernetes-vault");
        await Promise.all(servers.map((s) => valueOf(s.urn)));
        await emu.settled();
        const sets = emu.ofType("kubernetes:apps/v1:StatefulSet");
        assert.equal(sets.length, 3);
        for (const s of sets) {
            const spec = s.inputs.spec.template.spec;
            assert.deepEqual(restrictedViolations(spec), [], s.name);
            assert.equal(spec.serviceAccountName, s.name, "the server's own service account");
            const consul = spec.containers.find((c: { name: string }) => c.name === "consul");
            assert.ok(consul.volumeMounts.some((m: { mountPath: string; readOnly?: boolean }) => m.mountPath === "/consul/tls" && m.readOnly));
        }
        const secretValues = { gossip: await valueOf(cluster.gossipKey), management: await valueOf(cluster.bootstrapToken!) };
        for (const cm of emu.ofType("kubernetes:core/v1:ConfigMap")) assert.deepEqual(findSecrets(JSON.stringify(cm.inputs), secretValues), [], cm.name);
        assert.equal(await pulumi.isSecret(cluster.servers[0].config), true);
        assert.deepEqual(emu.resources.filter((r) => r.type.startsWith("tls:")).map((r) => r.name), [], "no CA or certificate of the cluster's own");
    });

    const cases: [string, unknown, string, RegExp][] = [
        ["the Kubernetes API over plain http", { ...args, vault: { ...args.vault, kubernetes: { namespace: "consul", host: "http://10.0.0.1:6443" } } }, "vault.kubernetes.host", /without TLS/],
        ["no Kubernetes API host", { ...args, vault: { ...args.vault, kubernetes: { namespace: "consul" } } }, "vault.kubernetes.host", /Kubernetes API's URL/],
        ["a namespace Kubernetes refuses", { ...args, vault: { ...args.vault, kubernetes: { namespace: "Consul_NS", host: "https://k:6443" } } }, "vault.kubernetes.namespace", /namespace name/],
        ["an AppRole path beside kubernetes", { ...args, vault: { ...args.vault, approlePath: "approle" } }, "vault.approlePath", /service accounts/],
        ["host with existing: true", { ...args, vault: { ...args.vault, kubernetes: { namespace: "consul", existing: true, host: "https://k:6443" } } }, "vault.kubernetes.host", /configured already/],
        ["a root sidecar", { ...args, vault: { ...args.vault, kubernetes: { ...args.vault.kubernetes!, runAsUser: 0 } } }, "vault.kubernetes.runAsUser", /non-root/],
        ["an auth path Vault cannot mount", { ...args, vault: { ...args.vault, kubernetes: { ...args.vault.kubernetes!, path: "/kubernetes/" } } }, "vault.kubernetes.path", /mount path/],
        ["an unknown kubernetes option", { ...args, vault: { ...args.vault, kubernetes: { ...args.vault.kubernetes!, serviceAccount: "consul-servers" } } }, "vault.kubernetes.serviceAccount", /not an option here/],
        ["a node name Kubernetes takes as no service account", { ...args, servers: [{ nodeName: "Consul-Server-1" }] }, "servers[0].nodeName", /service account/],
        ["an agentDir the sidecar's shell would read as a command", { ...args, agentDir: "/vault/config;wget${IFS}evil" }, "agentDir", /plain absolute directory path/],
        ["a Vault CA with plain http", { ...args, vault: { address: "http://127.0.0.1:8200", vaultCaPem: caPem } }, "vault.vaultCaPem", /plain http/],
    ];
    for (const [label, bad, option, says] of cases)
        it(`refuses ${label} before any resource, naming ${option}`, () => {
            const problems = problemsOf(bad);
            const p = problems.find((x) => x.option === option);
            assert.ok(p, `no problem names ${option}: ${JSON.stringify(problems)}`);
            assert.match(p.problem, says);
            assert.equal(emu.resources.length + emu.components.length, 0, "nothing registered");
        });

    it("an empty reviewer JWT is refused without printing what was given", () => {
        const problems = problemsOf({ ...args, vault: { ...args.vault, kubernetes: { ...args.vault.kubernetes!, tokenReviewerJwt: " " } } });
        const p = problems.find((x) => x.option === "vault.kubernetes.tokenReviewerJwt");
        assert.ok(p && /empty/.test(p.problem));
        assert.match(p.value, /^<secret/);
    });
});
