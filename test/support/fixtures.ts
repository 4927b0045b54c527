import { randomBytes, randomUUID } from "node:crypto";
import { normalizeClusterOptions } from "../../src/cluster/normalize";
import { clientProfileConfig, ConfigOverrides, serverConfig } from "../../src/cluster/agentConfigs";
import { HardenedClusterArgs } from "../../src/cluster/options";

/** Real-shaped secrets: a 32-byte gossip key and UUID tokens. */
export function fakeSecrets() {
    return {
        gossipKey: randomBytes(32).toString("base64"),
        agentToken: randomUUID(),
        initialManagementToken: randomUUID(),
    };
}

/** Default server and client configs of a cluster built from `args`, through the pure functions. */
export function defaultConfigs(args: HardenedClusterArgs = { datacenter: "dc1" }, overrides?: ConfigOverrides) {
    const n = normalizeClusterOptions(args);
    const secrets = fakeSecrets();
    return {
        n,
        secrets,
        server: serverConfig(n, 0, secrets, overrides),
        client: clientProfileConfig(n, secrets.gossipKey, overrides),
    };
}
