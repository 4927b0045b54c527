/**
 * Consul's ACL rule language as TypeScript types, spelled as Consul spells it. A rule set that
 * type-checks here renders to HCL that Consul reads exactly as written: no resource name Consul
 * would silently ignore, no policy value it would refuse.
 */

/** A disposition. `list` exists only on key rules. */
export type Access = "read" | "write" | "deny";
export type KeyAccess = Access | "list";
/** Sentinel enforcement levels (Enterprise). */
export const SentinelLevel = { Advisory: "advisory", SoftMandatory: "soft-mandatory", HardMandatory: "hard-mandatory" } as const;
export type SentinelLevel = (typeof SentinelLevel)[keyof typeof SentinelLevel];

/** Enterprise: Sentinel code evaluated on KV writes (CSM-SEN-01). */
export interface SentinelRule {
    /** The Sentinel policy code. */
    code: string;
    /** How a failing check is enforced. */
    enforcementlevel: SentinelLevel;
}

export type KeyRule = KeyAccess | { policy: KeyAccess; sentinel?: SentinelRule };
export type ServiceRule = Access | { policy: Access; intentions?: Access };
export type SimpleRule = Access | { policy: Access };

/** Rules keyed by the segment (name or prefix) they apply to. */
export type Labelled<R> = Record<string, R>;

/** Rules that may appear at the top level, in a namespace block, or both. */
export interface ScopedRules {
    agent?: Labelled<SimpleRule>;
    agent_prefix?: Labelled<SimpleRule>;
    event?: Labelled<SimpleRule>;
    event_prefix?: Labelled<SimpleRule>;
    key?: Labelled<KeyRule>;
    key_prefix?: Labelled<KeyRule>;
    node?: Labelled<SimpleRule>;
    node_prefix?: Labelled<SimpleRule>;
    query?: Labelled<SimpleRule>;
    query_prefix?: Labelled<SimpleRule>;
    service?: Labelled<ServiceRule>;
    service_prefix?: Labelled<ServiceRule>;
    session?: Labelled<SimpleRule>;
    session_prefix?: Labelled<SimpleRule>;
    /** Deprecated by Consul (use service): accepted with a warning. */
    identity?: Labelled<ServiceRule>;
    identity_prefix?: Labelled<ServiceRule>;
}

/** Enterprise: rules of one namespace, plus the namespace-management disposition. */
export interface NamespaceRules extends ScopedRules {
    policy?: Access;
}

/** Enterprise: rules of one admin partition. */
export interface PartitionRules extends ScopedRules {
    policy?: Access;
    mesh?: Access;
    peering?: Access;
    namespace?: Labelled<NamespaceRules>;
    namespace_prefix?: Labelled<NamespaceRules>;
}

export interface AclRules extends ScopedRules {
    acl?: Access;
    keyring?: Access;
    operator?: Access;
    mesh?: Access;
    peering?: Access;
    namespace?: Labelled<NamespaceRules>;
    namespace_prefix?: Labelled<NamespaceRules>;
    partition?: Labelled<PartitionRules>;
    partition_prefix?: Labelled<PartitionRules>;
}

export const SCALAR_RESOURCES = ["acl", "keyring", "operator", "mesh", "peering"] as const;
export type ScalarResource = (typeof SCALAR_RESOURCES)[number];

/** Labelled resources in the order rules are rendered. */
export const LABELLED_RESOURCES = [
    "agent", "agent_prefix", "event", "event_prefix", "identity", "identity_prefix", "key", "key_prefix",
    "node", "node_prefix", "query", "query_prefix", "service", "service_prefix", "session", "session_prefix",
] as const;
export type LabelledResource = (typeof LABELLED_RESOURCES)[number];

export const ENTERPRISE_BLOCKS = ["namespace", "namespace_prefix", "partition", "partition_prefix"] as const;

/** The resource a labelled block governs (`key_prefix` → `key`). */
export function baseResource(block: LabelledResource): string {
    return block.replace(/_prefix$/, "");
}
