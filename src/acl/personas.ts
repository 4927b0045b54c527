/** The personas of Consul's Security Model (CSM-ACL-08), plus the machine identities. */
export const Persona = {
    Administrator: "administrator",
    Operator: "operator",
    Developer: "developer",
    User: "user",
    Agent: "agent",
    Dns: "dns",
    Replication: "replication",
    Snapshot: "snapshot",
} as const;
export type Persona = (typeof Persona)[keyof typeof Persona];
export const PERSONAS: readonly Persona[] = Object.values(Persona);

/**
 * Personas whose policies Consul itself requires to hold `acl = "write"` (ACL replication and
 * snapshots read every ACL object). The linter exempts exactly these from CSM-ACL-07, and the plan
 * shows why.
 */
export const ACL_WRITE_EXEMPT: Partial<Record<Persona, string>> = {
    replication: "Consul's ACL replication needs acl = write and operator = write in secondary datacenters",
    snapshot: "Consul snapshots include ACL data and need acl = write",
};
