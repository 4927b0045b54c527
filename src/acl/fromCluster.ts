import { HardenedCluster } from "../cluster/hardenedCluster";
import { AclSystemArgs } from "./options";

/**
 * The AclSystem arguments a HardenedCluster in the same stack already determines: its datacenter,
 * its HTTPS connection with the CLI certificate and bootstrap token, and every agent with the
 * SecretID pre-seeded in its config, and the secret seed its TTL tokens derive from.
 */
export function aclArgsFromCluster(cluster: HardenedCluster): Pick<AclSystemArgs, "datacenter" | "connection" | "agents" | "clusterNodeNames" | "secretSeed"> {
    const pa = cluster.providerArgs;
    return {
        datacenter: pa.datacenter,
        connection: { address: pa.address, scheme: "https", datacenter: pa.datacenter, caPem: pa.caPem, certPem: pa.certPem, keyPem: pa.keyPem, token: pa.token, writeFrom: pa.writeFrom },
        agents: Object.entries(cluster.agentTokens).map(([nodeName, secretId]) => ({ nodeName, secretId })),
        clusterNodeNames: Object.keys(cluster.agentTokens),
        secretSeed: cluster.secretSeed,
    };
}
