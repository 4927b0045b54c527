// Stack 1 of 2 (program of the "consul-cluster" project): the cluster's key material and configs,
// exported for the ACL stack. Type-checked with the repository; run it as its own Pulumi project.
import { HardenedCluster } from "../../src";

const cluster = new HardenedCluster("prod", {
    datacenter: "dc1",
    serverAddresses: ["10.0.1.11", "10.0.1.12", "10.0.1.13"],
    clientNodeNames: ["app-1"],
    adminNetworks: ["10.0.0.0/24"], // where the ACL stack's `pulumi up` runs: HTTP writes from elsewhere get 403
});

export const consulAddress = cluster.providerArgs.address;
export const caCertPem = cluster.caCertPem;
export const cliCertPem = cluster.cliCertPem;
export const cliKeyPem = cluster.cliKeyPem; // secret
export const bootstrapToken = cluster.bootstrapToken; // secret
export const agentTokens = cluster.agentTokens; // secrets, by node name
export const files = cluster.files; // secret: hand these to the machines
