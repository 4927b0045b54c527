import * as pulumi from "@pulumi/pulumi";
import { SentinelRule } from "./rules/types";
import { Persona } from "./personas";

/**
 * How AclSystem reaches Consul: `HardenedCluster.providerArgs`, or the same values from a
 * StackReference. HTTPS with a CA is required; the management token writes the ACL objects.
 */
export interface ConsulConnection {
    /** `host:port` of a server's HTTPS API (`HardenedCluster.providerArgs.address`). */
    address: pulumi.Input<string>;
    /** Only "https" is accepted: ACLs are managed over mTLS (CSM-TLS-10). @default "https" */
    scheme?: string;
    /** The datacenter the connection talks to. @default AclSystem's datacenter */
    datacenter?: pulumi.Input<string>;
    /** The CA certificate the servers' HTTPS certificates chain to. */
    caPem: pulumi.Input<string>;
    /** Client certificate (the cluster's CLI certificate): servers verify incoming HTTPS. */
    certPem: pulumi.Input<string>;
    /** Secret. */
    keyPem: pulumi.Input<string>;
    /** A management token (secret). */
    token?: pulumi.Input<string>;
    /**
     * The servers' `allow_write_http_from` (`HardenedCluster.providerArgs.writeFrom`). When given,
     * a connection every write through would be refused (a non-loopback address while only
     * loopback may write) fails before anything is created, naming the fix.
     */
    writeFrom?: string[];
}

/** An Enterprise namespace AclSystem creates. */
export interface NamespaceSpec {
    /** The namespace's description. @default "Namespace <name> (consul-hardened)" */
    description?: string;
    /** Names of policies in this plan every token in the namespace gets, besides `dns-read`. @default [] */
    defaultPolicies?: string[];
}

/** An agent and, when it was pre-seeded in its config, the SecretID it already carries. */
export interface AgentTokenSpec {
    /** The agent's node name: its token gets this node identity. */
    nodeName: string;
    /** The pre-seeded SecretID (secret). Without it, Consul generates one and the output carries it. */
    secretId?: pulumi.Input<string>;
}

export interface OperatorSpec {
    /** Role name suffix: the role is `operator-<name>`. */
    name: string;
    /** Enterprise: the namespace the operator owns (everything inside, nothing outside). */
    namespace?: string;
    /** Community edition: the service/KV name prefix the operator owns, e.g. "team-a". */
    prefix?: string;
    /** Issue a token for this role (e.g. for the team's CI). @default true */
    token?: boolean;
    /** Token lifetime, Consul duration (CSM-ACL-09). @default "8h" */
    tokenTtl?: string;
    /** Enterprise: Sentinel code every KV write of this operator must pass (CSM-SEN-01). */
    kvSentinel?: SentinelRule;
    /**
     * Names of your own `policies` added to this operator's role (same namespace, or the
     * default namespace). @default []
     */
    policies?: string[];
}

export interface DeveloperSpec {
    /** Role name suffix: the role is `developer-<name>`. */
    name: string;
    /** Enterprise: the namespace whose services and KV are visible. */
    namespace?: string;
    /** Community edition: the service/KV prefix that is visible. @default "" (all services) with no KV */
    prefix?: string;
    /** KV prefix made readable. @default none */
    keyPrefix?: string;
    /** Issue a token for this role. @default true */
    token?: boolean;
    /** Token lifetime, Consul duration (CSM-ACL-09). @default "8h" */
    tokenTtl?: string;
    /** Names of your own `policies` added to this developer's role (same namespace, or the default one). @default [] */
    policies?: string[];
}

/**
 * A policy of your own, linted before it is created. Give it to people through an operator's or
 * developer's `policies`, or to anything else by name (`AclSystem.plan` lists it).
 */
export interface CustomPolicySpec {
    /** The policy name: letters, digits, `-`, `_`, at most one `/`; not a generated policy's name. */
    name: string;
    /** Who the policy is for: the linter judges its rules by the persona (CSM-ACL-07/08). */
    persona: Persona;
    /**
     * The policy's rules in Consul's HCL, parsed with HashiCorp's parser and linted. From
     * TypeScript, `renderRules({ key_prefix: { "app/": "read" } })` writes them from typed rules.
     */
    rules: string;
    /** Enterprise: the namespace the policy lives in. @default the default namespace */
    namespace?: string;
    /** The policy's description. @default "Custom policy (<persona>)" */
    description?: string;
}

export interface AclSystemArgs {
    /** The cluster's datacenter (node identities are per datacenter). */
    datacenter: string;
    /**
     * The ACL authority datacenter. When it is not `datacenter`, this AclSystem manages a
     * secondary datacenter: only its agents' tokens (local to it); policies, roles and the
     * anonymous token are global and come from the primary's AclSystem by replication.
     * @default datacenter (a primary)
     */
    primaryDatacenter?: string;
    /**
     * How to reach the servers. Required even with `provider`: the pre-seeded and TTL tokens are
     * created through Consul's ACL API directly (the consul provider cannot choose a SecretID).
     */
    connection: ConsulConnection;
    /** One agent token per node (CSM-ACL-05). */
    agents: AgentTokenSpec[];
    /** When set, every agent must be one of these nodes (e.g. the cluster's own list). */
    clusterNodeNames?: string[];
    /** Attach the DNS read-only policy to the anonymous token; false leaves it with nothing (CSM-ACL-06). @default true */
    dns?: boolean;
    /**
     * The SecretID every agent answers DNS with (`HardenedCluster.dnsToken`, Consul 1.17+;
     * aclArgsFromCluster passes it): created here with the DNS read-only policy, and the anonymous
     * token then reads nothing (CSM-ACL-06). @default none: DNS reads through the anonymous token
     */
    dnsToken?: pulumi.Input<string>;
    /** A break-glass token holding the administrator role, besides the bootstrap token. @default false */
    breakGlass?: boolean;
    /** Consul Enterprise features: namespaces, Sentinel, namespace-scoped roles. @default false */
    enterprise?: boolean;
    /**
     * Enterprise namespaces to create. Every token in a namespace gets its default policies:
     * `dns-read` (when `dns` is on) plus `defaultPolicies` (names of policies in this plan).
     */
    namespaces?: Record<string, NamespaceSpec>;
    /** Consul Operator persona: one role (and token) per team, confined to its namespace or prefix. @default [] */
    operators?: OperatorSpec[];
    /** Developer persona: read-only roles (and tokens). @default [] */
    developers?: DeveloperSpec[];
    /** A token for secondary datacenters' ACL replication. @default false */
    replication?: boolean;
    /** A token for the snapshot agent. @default false */
    snapshot?: boolean;
    /** Your own policies, linted before anything is created (a finding of medium or high severity refuses them). @default [] */
    policies?: CustomPolicySpec[];
    /**
     * Bump to replace the people's tokens — operators, developers, break-glass — new ones before
     * old ones go (CSM-ROT-02). Machine and replication tokens have their own generations.
     * @default 1
     */
    tokenGeneration?: number;
    /**
     * Bump to replace the replication token. Every secondary datacenter's servers carry it in
     * their configs (`federation.replicationToken`): redeploy them with the new one. @default 1
     */
    replicationTokenGeneration?: number;
    /** Bump to replace the snapshot agent's token and agent tokens Consul generated (not the pre-seeded ones). @default 1 */
    machineTokenGeneration?: number;
    /**
     * The secret seed (standard base64 of 32 bytes) the SecretIDs of TTL tokens and the AccessorIDs
     * derive from — `HardenedCluster.secretSeed` (what `aclArgsFromCluster` passes). Secret.
     * @default a `random.RandomBytes` seed of this component (secret in state, ID "none")
     */
    secretSeed?: pulumi.Input<string>;
}
