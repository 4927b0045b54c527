/**
 * What a raised `agentTokenGenerations` entry asks of the running cluster, in plain sight for the
 * review (like the gossip rotation plan): per node whose generation is above 1, the four steps
 * AgentTokenRotation and `consul-hardened rotate-agent-token` run, in their order, with the command
 * that does them on the node's host. Tokens are left out; the preview shows the generations.
 */

/** One node's token rotation. */
export interface AgentTokenRotationStep {
    node: string;
    /** "server" or "client" (a plain string: the component schema takes no union types). */
    role: string;
    /** The generation the node moves to; its previous token is generation - 1's. */
    generation: number;
    /** The steps in order: nothing is deleted before the agent holds and resolves its new token. */
    actions: string[];
    /** The command on the node's host (tokens from the stack: `--new-token-file`, `--old-token-file`). */
    command: string;
}

/** The staged agent-token rotations of this deployment, servers first. */
export interface AgentTokenRotationPlan {
    steps: AgentTokenRotationStep[];
}

export function planAgentTokenRotation(datacenter: string, serverNodes: readonly string[], clientNodes: readonly string[], generations: Record<string, number> | undefined): AgentTokenRotationPlan {
    const nodes = [...serverNodes.map((n) => [n, "server"] as const), ...clientNodes.map((n) => [n, "client"] as const)];
    const steps = nodes
        .filter(([node]) => (generations?.[node] ?? 1) > 1)
        .map(([node, role]) => {
            const generation = generations![node];
            return {
                node,
                role,
                generation,
                actions: [
                    `create token generation ${generation} for ${node} (node identity ${node}, the secret its ${role === "server" ? "server config" : "agent.json"} now carries)`,
                    `set it on the running agent ${node} (PUT /v1/agent/token/agent)`,
                    `verify through ${node} that the new token resolves and may write node ${node}`,
                    `delete token generation ${generation - 1} of ${node}`,
                ],
                command: `consul-hardened rotate-agent-token --node ${node} --datacenter ${datacenter} --new-token-file <token:${node}:${generation}> --old-token-file <token:${node}:${generation - 1}>${role === "client" ? " --agent-address 127.0.0.1:8501 --agent-ca-file <connect-ca>" : ""}`,
            };
        });
    return { steps };
}
