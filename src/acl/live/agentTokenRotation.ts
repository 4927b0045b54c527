import * as pulumi from "@pulumi/pulumi";
import { ApiConnection } from "../dynamic/consulHttp";
import { rotateAgentToken, rotateSharedToken, SharedTokenHolder } from "./rotateAgentToken";
import { hostPort } from "../../validation/net";

/** One agent the resource keeps on its current token. */
export interface RotatedAgent {
    node: string;
    datacenter: string;
    /** host:port of the agent's HTTPS API, reachable from where `pulumi up` runs. */
    agentAddress: string;
    /** The CA of the agent's HTTPS certificate when not the connection's (auto_encrypt clients: the Connect CA). */
    agentCaPem?: string;
    /** The token it must hold (secret). */
    secret: string;
    /** The generation of that token (plain: what the preview shows changing). */
    generation: number;
}

/** A token several agents share, kept on every holder (a secondary datacenter's replication token). */
export interface SharedToken {
    tokenType: "replication" | "dns";
    datacenter: string;
    /** The agents holding it: every one is moved before the old token goes. */
    holders: SharedTokenHolder[];
    /** The token they must hold (secret): made by AclSystem, never by this resource. */
    secret: string;
}

interface Inputs {
    connection: ApiConnection;
    agents: RotatedAgent[];
    sharedTokens?: SharedToken[];
    /** Node → generation, in plain sight (the preview's diff). */
    generations?: Record<string, number>;
}

/**
 * `pulumi up` puts every changed agent token on its running agent: create sets each agent's token;
 * an update rotates each agent whose token changed — new token made if missing, set on the agent,
 * checked through it, then the old token deleted (rotateAgentToken). An agent that cannot be
 * reached or refuses fails the update before its old token is deleted, and the next `up` resumes.
 * Deleting the resource leaves tokens and agents as they are.
 */
export const agentTokenRotationProvider: pulumi.dynamic.ResourceProvider = {
    async create(inputs: Inputs) {
        for (const a of inputs.agents) await rotateAgentToken(inputs.connection, { ...a, newSecret: a.secret }, { steps: ["create", "set", "verify"] });
        for (const t of inputs.sharedTokens ?? []) await rotateSharedToken(inputs.connection, { ...t, newSecret: t.secret });
        return { id: "agent-tokens", outs: inputs };
    },
    async diff(_id: string, olds: Inputs, news: Inputs) {
        // A generation lowered would bring back a token this resource deleted: refused in preview.
        const lowered = Object.entries(news.generations ?? {}).filter(([node, g]) => (olds.generations?.[node] ?? 0) > g);
        if (lowered.length > 0)
            throw new Error(`agentTokenGenerations: ${lowered.map(([node, g]) => `${node} ${olds.generations![node]} → ${g}`).join(", ")}: a generation only goes up (its old token was deleted); write ${lowered.map(([node]) => `${node}: ${olds.generations![node] + 1}`).join(", ")} for a new token`);
        // Only who holds which token decides; a new CLI certificate in the connection is no reason to run.
        const key = (i: Inputs) => JSON.stringify([i.agents.map((a) => [a.node, a.secret, a.agentAddress]), (i.sharedTokens ?? []).map((t) => [t.tokenType, t.secret, t.holders.map((h) => h.agentAddress)])]);
        return { changes: key(olds) !== key(news), replaces: [], deleteBeforeReplace: false };
    },
    async update(_id: string, olds: Inputs, news: Inputs) {
        const before = new Map(olds.agents.map((a) => [a.node, a.secret]));
        for (const a of news.agents) {
            const old = before.get(a.node);
            if (old === a.secret) continue;
            // A node new to the list has no old token of ours: set its token, delete nothing.
            await rotateAgentToken(news.connection, { ...a, newSecret: a.secret, oldSecret: old }, old === undefined ? { steps: ["create", "set", "verify"] } : {});
        }
        // A shared token: its old secret deleted only after every holder has the new one.
        const holdersOf = (t: SharedToken) => JSON.stringify(t.holders.map((h) => h.agentAddress));
        const sharedBefore = new Map((olds.sharedTokens ?? []).map((t) => [t.tokenType, t]));
        for (const t of news.sharedTokens ?? []) {
            const old = sharedBefore.get(t.tokenType);
            if (old?.secret !== t.secret) await rotateSharedToken(news.connection, { ...t, newSecret: t.secret, oldSecret: old?.secret });
            // Holders changed: the token set on every one named now, nothing deleted.
            else if (holdersOf(old) !== holdersOf(t)) await rotateSharedToken(news.connection, { ...t, newSecret: t.secret });
        }
        return { outs: news };
    },
};

export interface AgentTokenRotationArgs {
    /** A server's HTTPS API and a token with acl = "write" and agent:write (the management token). */
    connection: pulumi.Input<{ address: pulumi.Input<string>; caPem: pulumi.Input<string>; certPem: pulumi.Input<string>; keyPem: pulumi.Input<string>; token: pulumi.Input<string> }>;
    /** The agents to keep on their current tokens (`agentTokenTargets` builds them from a cluster). */
    agents: pulumi.Input<pulumi.Input<{ node: string; datacenter: string; agentAddress: string; agentCaPem?: pulumi.Input<string>; secret: pulumi.Input<string>; generation: number }>[]>;
    /**
     * Tokens several agents share, each set on all its holders before its old secret is deleted:
     * a secondary datacenter's servers and the replication token from the primary's AclSystem
     * (`aclSystem.tokens.replication`; bump `replicationTokenGeneration` to rotate). @default none
     */
    sharedTokens?: pulumi.Input<pulumi.Input<{ tokenType: "replication" | "dns"; datacenter: string; holders: { agentAddress: string; agentCaPem?: pulumi.Input<string> }[]; secret: pulumi.Input<string> }>[]>;
}

/**
 * Agent tokens rotated on running agents as part of `pulumi up` (CSM-ROT-02): bump a node in
 * HardenedCluster's `agentTokenGenerations`, and this resource sets the new token on that agent,
 * checks it, and deletes the old one — the preview shows which node's generation changes.
 *
 * ```ts
 * new AgentTokenRotation("agent-tokens", {
 *     connection: { ...cluster.providerArgs, token: cluster.bootstrapToken! },
 *     agents: agentTokenTargets(cluster, { datacenter: "dc1", serverAddresses, generations }),
 * });
 * ```
 */
export class AgentTokenRotation extends pulumi.dynamic.Resource {
    constructor(name: string, args: AgentTokenRotationArgs, opts?: pulumi.CustomResourceOptions) {
        const connection = pulumi.output(args.connection).apply((c) => ({ address: c.address, caPem: c.caPem, certPem: c.certPem, keyPem: c.keyPem, token: c.token }));
        super(
            agentTokenRotationProvider,
            name,
            {
                connection: pulumi.secret(connection),
                agents: pulumi.secret(pulumi.output(args.agents)),
                sharedTokens: pulumi.secret(pulumi.output(args.sharedTokens ?? [])),
                generations: pulumi.output(args.agents).apply((as) => Object.fromEntries(as.map((a) => [a.node, a.generation]))),
            },
            { ...opts, additionalSecretOutputs: ["connection", "agents", "sharedTokens"] },
            "consul-hardened",
            "AgentTokenRotation",
        );
    }
}

export interface AgentTokenTargetOptions {
    datacenter: string;
    /** The servers' addresses, in the cluster's order (HardenedCluster's `serverAddresses`). */
    serverAddresses: string[];
    /** The servers' HTTPS port. @default 8501 */
    httpsPort?: number;
    /**
     * Client agents whose HTTPS API this run can reach, by node name: their address (host:port)
     * and the CA of their certificate (auto_encrypt: Consul's Connect CA). Clients not listed are
     * left out — rotate those with `consul-hardened rotate-agent-token` on their hosts.
     */
    clients?: Record<string, { address: string; caPem?: pulumi.Input<string> }>;
    /** The cluster's `agentTokenGenerations` (what the preview shows). @default every node at 1 */
    generations?: Record<string, number>;
}

/** The `agents` input of AgentTokenRotation for a cluster: its servers, and the clients given. */
export function agentTokenTargets(
    cluster: { servers: { nodeName: string; config: pulumi.Output<string> }[]; clients: { nodeName: string; agentToken: pulumi.Output<string> }[] },
    options: AgentTokenTargetOptions,
): pulumi.Output<RotatedAgent[]> {
    if (options.serverAddresses.length !== cluster.servers.length)
        throw new Error(`agentTokenTargets: serverAddresses lists ${options.serverAddresses.length} addresses for ${cluster.servers.length} servers`);
    const unknown = Object.keys(options.clients ?? {}).filter((n) => !cluster.clients.some((c) => c.nodeName === n));
    if (unknown.length) throw new Error(`agentTokenTargets: clients names ${unknown.join(", ")}, not client nodes of the cluster (${cluster.clients.map((c) => c.nodeName).join(", ") || "none"})`);
    const generation = (node: string) => options.generations?.[node] ?? 1;
    const port = options.httpsPort ?? 8501;
    const servers = cluster.servers.map((s, i) =>
        s.config.apply((json) => ({
            node: s.nodeName,
            datacenter: options.datacenter,
            agentAddress: hostPort(options.serverAddresses[i], port),
            secret: JSON.parse(json).acl.tokens.agent as string,
            generation: generation(s.nodeName),
        })),
    );
    const clients = cluster.clients
        .filter((c) => options.clients?.[c.nodeName])
        .map((c) =>
            pulumi.all([c.agentToken, options.clients![c.nodeName].caPem]).apply(([secret, caPem]) => ({
                node: c.nodeName,
                datacenter: options.datacenter,
                agentAddress: options.clients![c.nodeName].address,
                ...(caPem ? { agentCaPem: caPem } : {}),
                secret,
                generation: generation(c.nodeName),
            })),
        );
    return pulumi.secret(pulumi.all([...servers, ...clients]));
}
