// The ACL layer on the basic example's cluster, in one stack: an Enterprise-style setup with two
// team namespaces. The offline demo writes its plan to demo-out/acl/. Applying it needs a running
// cluster reachable at the first server's address (see the README's ACL section).
import { cluster } from "../basic";
import { AclSystem, aclArgsFromCluster } from "../../src";

export const acl = new AclSystem("demo-acl", {
    ...aclArgsFromCluster(cluster),
    enterprise: true,
    namespaces: { "team-a": { description: "Team A's services" }, "team-b": { description: "Team B's services" } },
    operators: [
        { name: "team-a", namespace: "team-a" },
        { name: "team-b", namespace: "team-b" },
    ],
    developers: [
        { name: "team-a", namespace: "team-a", keyPrefix: "config/" },
        { name: "team-b", namespace: "team-b", keyPrefix: "config/" },
    ],
    breakGlass: true,
    replication: true,
    snapshot: true,
});

export const aclPlan = acl.plan;
