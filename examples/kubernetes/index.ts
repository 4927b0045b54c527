// A hardened cluster on Kubernetes: each server a StatefulSet of one pod whose config, certificate
// and key come from its own Secret, under the restricted Pod Security Standard (`podSecurity`).
// Only the secret-free review config goes to a ConfigMap. Type-checked with the repository and run
// under the provider emulation by the tests; in your own program, import from "consul-hardened".
import * as k8s from "@pulumi/kubernetes";
import { HardenedCluster } from "../../src";

const namespace = "consul";
const paths = { configDir: "/consul/config", tlsDir: "/consul/config/tls", dataDir: "/consul/data" };

export const cluster = new HardenedCluster("k8s", {
    datacenter: "dc1",
    // Servers reach each other by their StatefulSet pods' stable DNS names.
    retryJoin: ["consul-server-1-0.consul-server-1", "consul-server-2-0.consul-server-2", "consul-server-3-0.consul-server-3"],
    paths,
});

// Plain review configs (secrets shown as "<secret>"): safe in a ConfigMap.
export const reviewConfigMap = new k8s.core.v1.ConfigMap("consul-review", {
    metadata: { name: "consul-review", namespace },
    data: { "client.hcl": cluster.review.client },
});

export const servers = cluster.servers.map((server) => {
    const secret = new k8s.core.v1.Secret(`${server.nodeName}-files`, {
        metadata: { name: `${server.nodeName}-files`, namespace },
        stringData: { "consul.json": server.config, "server.pem": server.certPem!, "server-key.pem": server.keyPem!, "ca.pem": cluster.caCertPem },
    });
    const labels = { app: "consul", server: server.nodeName };
    return new k8s.apps.v1.StatefulSet(server.nodeName, {
        metadata: { name: server.nodeName, namespace },
        spec: {
            serviceName: server.nodeName,
            replicas: 1,
            selector: { matchLabels: labels },
            template: {
                metadata: { labels },
                spec: {
                    securityContext: cluster.podSecurity.pod,
                    containers: [
                        {
                            name: "consul",
                            image: "hashicorp/consul:1.16.3",
                            args: ["agent", `-config-dir=${paths.configDir}`],
                            securityContext: cluster.podSecurity.container,
                            ports: [8501, 8503, 8300, 8301, 8302].map((containerPort) => ({ containerPort })),
                            volumeMounts: [
                                { name: "files", mountPath: paths.configDir, readOnly: true },
                                { name: "data", mountPath: paths.dataDir },
                            ],
                        },
                    ],
                    volumes: [
                        {
                            name: "files",
                            secret: {
                                secretName: secret.metadata.name,
                                defaultMode: 0o400,
                                items: [
                                    { key: "consul.json", path: "consul.json" },
                                    { key: "ca.pem", path: "tls/ca.pem" },
                                    { key: "server.pem", path: "tls/server.pem" },
                                    { key: "server-key.pem", path: "tls/server-key.pem" },
                                ],
                            },
                        },
                        { name: "data", emptyDir: {} },
                    ],
                },
            },
        },
    });
});
