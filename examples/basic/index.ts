// The basic example: a 3-server hardened cluster with two client agents. `pulumi up` runs it
// (Pulumi.yaml at the repository root), and `npm run demo` runs it offline through the provider
// emulation. In your own program, import from "consul-hardened".
import { HardenedCluster } from "../../src";

export const cluster = new HardenedCluster("demo", {
    datacenter: "dc1",
    servers: 3,
    serverAddresses: ["10.0.1.11", "10.0.1.12", "10.0.1.13"],
    clientNodeNames: ["app-1", "app-2"],
    // Where `pulumi up` (and so the ACL layer in examples/acl) reaches the servers' API from:
    // HTTP writes from anywhere else are refused (allow_write_http_from, CSM-HTTP-02).
    adminNetworks: ["10.0.0.0/24"],
    paths: { tlsDir: "/etc/consul.d/tls", dataDir: "/opt/consul/data" },
});

export const caCertPem = cluster.caCertPem;
export const serverConfigs = cluster.servers.map((s) => s.config);
export const review = cluster.review;
export const gossipRotationPlan = cluster.gossipRotationPlan;
export const files = cluster.files;
