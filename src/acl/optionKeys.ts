import { ProblemList } from "../errors";
import { keysOf, refuseUnknownKeys } from "../validation/optionKeys";
import { AclSystemArgs, AgentTokenSpec, ConsulConnection, CustomPolicySpec, DeveloperSpec, NamespaceSpec, OperatorSpec } from "./options";

/** Every AclSystem option block's keys (the compiler holds each list complete). */
const TOP = keysOf<AclSystemArgs>()([
    "datacenter", "primaryDatacenter", "connection", "agents", "clusterNodeNames", "dns", "dnsToken", "breakGlass", "enterprise", "namespaces", "operators",
    "developers", "replication", "snapshot", "policies", "tokenGeneration", "replicationTokenGeneration", "machineTokenGeneration", "secretSeed",
]);
const CONNECTION = keysOf<ConsulConnection>()(["address", "scheme", "datacenter", "caPem", "certPem", "keyPem", "token", "writeFrom"]);
const LISTS: Record<string, readonly string[]> = {
    agents: keysOf<AgentTokenSpec>()(["nodeName", "secretId"]),
    operators: keysOf<OperatorSpec>()(["name", "namespace", "prefix", "token", "tokenTtl", "kvSentinel", "policies"]),
    developers: keysOf<DeveloperSpec>()(["name", "namespace", "prefix", "keyPrefix", "token", "tokenTtl", "policies"]),
    policies: keysOf<CustomPolicySpec>()(["name", "persona", "rules", "namespace", "description"]),
};
const NAMESPACE = keysOf<NamespaceSpec>()(["description", "defaultPolicies"]);

/** Every key of AclSystem's options, at every level it reads, that is not an option there. */
export function refuseUnknownAclKeys(args: AclSystemArgs, p: ProblemList): void {
    refuseUnknownKeys(args, TOP, "", p);
    refuseUnknownKeys(args.connection, CONNECTION, "connection", p);
    for (const [list, known] of Object.entries(LISTS)) {
        const items = (args as unknown as Record<string, unknown>)[list];
        if (Array.isArray(items)) items.forEach((item, i) => refuseUnknownKeys(item, known, `${list}[${i}]`, p));
    }
    const namespaces = args.namespaces;
    if (namespaces && typeof namespaces === "object") for (const [name, spec] of Object.entries(namespaces)) refuseUnknownKeys(spec, NAMESPACE, `namespaces.${name}`, p);
}
