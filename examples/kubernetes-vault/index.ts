// A hardened cluster on Kubernetes whose servers take their certificates from Vault: each server a
// one-pod StatefulSet running as its own service account, which is all its pod holds to log into
// Vault (the Kubernetes auth method); a Vault Agent init container and sidecar write server.pem,
// server-key.pem and ca.pem into a memory-backed volume Consul reads, issued afresh every third of
// the TTL. Restricted Pod Security Standard throughout. Type-checked with the repository and run
// under the provider emulation by the tests; in your own program, import from "consul-hardened".
import * as k8s from "@pulumi/kubernetes";
import { HardenedCluster, VaultPki } from "../../src";

const namespace = "consul";
const paths = { configDir: "/consul/config", tlsDir: "/consul/tls", dataDir: "/consul/data" };
const nodes = ["consul-server-1", "consul-server-2", "consul-server-3"];

export const pki = new VaultPki("k8s-vault", {
    datacenter: "dc1",
    servers: nodes.map((nodeName) => ({ nodeName })),
    tlsDir: paths.tlsDir,
    agentDir: "/vault/config",
    vault: {
        address: "https://vault.vault.svc:8200",
        vaultCaPem: "-----BEGIN CERTIFICATE-----\nMIIBvaultCA\n-----END CERTIFICATE-----\n",
        kubernetes: { namespace, host: "https://kubernetes.default.svc" },
    },
});

// No CA, server or CLI key of the cluster's own in state: Vault's CA, and VaultPki's CLI certificate.
export const cluster = new HardenedCluster("k8s-vault", {
    datacenter: "dc1",
    retryJoin: nodes.map((n) => `${n}-0.${n}`),
    paths,
    certificates: { source: "vault-pki", vaultCaPem: pki.caPem, cliCertificate: pki.cliCertificate },
});

export const servers = cluster.servers.map((server) => {
    const pod = pki.kubernetes![server.nodeName];
    const account = new k8s.core.v1.ServiceAccount(server.nodeName, { metadata: { name: pod.serviceAccountName, namespace } });
    const agentConfig = new k8s.core.v1.ConfigMap(pod.configMapName, { metadata: { name: pod.configMapName, namespace }, data: pod.configMapData });
    // The server's Consul config and the fragment turning on auto_reload_config and the Connect CA in Vault.
    const secret = new k8s.core.v1.Secret(`${server.nodeName}-config`, {
        metadata: { name: `${server.nodeName}-config`, namespace },
        stringData: { "consul.json": server.config, "vault-pki.json": pki.serverFiles[server.nodeName]["vault-pki.json"] },
    });
    const labels = { app: "consul", server: server.nodeName };
    return new k8s.apps.v1.StatefulSet(
        server.nodeName,
        {
            metadata: { name: server.nodeName, namespace },
            spec: {
                serviceName: server.nodeName,
                replicas: 1,
                selector: { matchLabels: labels },
                template: {
                    metadata: { labels },
                    spec: {
                        serviceAccountName: account.metadata.name,
                        automountServiceAccountToken: pod.automountServiceAccountToken,
                        securityContext: cluster.podSecurity.pod,
                        initContainers: pod.initContainers,
                        containers: [
                            {
                                name: "consul",
                                image: "hashicorp/consul:1.16.3",
                                args: ["agent", `-config-dir=${paths.configDir}`],
                                securityContext: cluster.podSecurity.container,
                                volumeMounts: [{ name: "config", mountPath: paths.configDir, readOnly: true }, { name: "data", mountPath: paths.dataDir }, ...pod.consulVolumeMounts],
                            },
                            ...pod.containers,
                        ],
                        volumes: [
                            { name: "config", secret: { secretName: secret.metadata.name, defaultMode: 0o400 } },
                            { name: "data", emptyDir: {} },
                            ...pod.volumes,
                        ],
                    },
                },
            },
        },
        { dependsOn: [agentConfig] },
    );
});
