import * as pulumi from "@pulumi/pulumi";
import { HardenedCluster } from "../cluster/hardenedCluster";
import { ConsulHardenedOptionError } from "../errors";
import { AclSystemArgs } from "./options";

/**
 * The AclSystem arguments a HardenedCluster in the same stack already determines: its datacenter,
 * its HTTPS connection with the CLI certificate and bootstrap token, and every agent with the
 * SecretID pre-seeded in its config, and the secret seed its TTL tokens derive from.
 */
export function aclArgsFromCluster(
    cluster: HardenedCluster,
    options: {
        /** A token with acl = "write": required for a secondary datacenter (the primary's management token). @default the cluster's bootstrap token */
        token?: pulumi.Input<string>;
    } = {},
): Pick<AclSystemArgs, "datacenter" | "primaryDatacenter" | "connection" | "agents" | "clusterNodeNames" | "secretSeed" | "dnsToken"> {
    const pa = cluster.providerArgs;
    const token = options.token ?? pa.token;
    if (token === undefined)
        throw new ConsulHardenedOptionError("aclArgsFromCluster", [
            {
                option: "token",
                value: "undefined",
                problem: `datacenter ${pa.datacenter} is secondary to ${cluster.primaryDatacenter} and has no management token of its own`,
                fix: `pass the primary's: aclArgsFromCluster(cluster, { token: primary.bootstrapToken })`,
            },
        ]);
    return {
        datacenter: pa.datacenter,
        primaryDatacenter: cluster.primaryDatacenter,
        connection: { address: pa.address, scheme: "https", datacenter: pa.datacenter, caPem: pa.caPem, certPem: pa.certPem, keyPem: pa.keyPem, token, writeFrom: pa.writeFrom },
        agents: Object.entries(cluster.agentTokens).map(([nodeName, secretId]) => ({ nodeName, secretId })),
        clusterNodeNames: Object.keys(cluster.agentTokens),
        secretSeed: cluster.secretSeed,
        ...(cluster.dnsToken ? { dnsToken: cluster.dnsToken } : {}),
    };
}
