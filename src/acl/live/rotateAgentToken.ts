/**
 * An agent's ACL token — its `agent` token, or the `replication` or `dns` token it holds — replaced
 * on the running agent without a moment in which it holds no valid token (CSM-ROT-02): the new
 * token is made (pre-seeded: the secret the bundle now renders for that node), judged through the
 * agent (it resolves there and may do what its type needs — before the agent takes it), set on the
 * agent through its own API, checked again, and only then is the old token deleted. Each step
 * first looks whether it is done already, so a run interrupted anywhere finishes when run again;
 * the old token is deleted only in a run that has just set the new one.
 *
 * Consul facts (1.16, agent/agent_endpoint.go AgentToken): `PUT /v1/agent/token/agent` needs
 * agent:write on that agent's node, swaps the token in the agent's token store at once and
 * triggers a full anti-entropy sync with it; the agent keeps it over a restart only with
 * `acl.enable_token_persistence`, otherwise it starts from its config file — which is why the
 * bundle's file for the node must carry the new token before the agent next restarts. The check
 * asks, through that agent, that the new token resolves and may write its node
 * (`POST /v1/internal/acl/authorize`, agent/acl_endpoint.go ACLAuthorize): what anti-entropy needs.
 * The same holds for the other tokens an agent holds (agent_endpoint.go AgentToken, one case per
 * type): `replication` (secondary datacenters' servers: ACL replication, which needs acl = "write")
 * and `dns` (Consul 1.17+, `acl.tokens.dns`: answers DNS queries, which need node, service and
 * prepared-query read). Those tokens carry policies rather than a node identity: the library's
 * AclSystem makes them (`replication`, `replicationTokenGeneration`), so the rotation expects the new
 * one to exist and refuses before anything changes when it does not.
 * Secrets are never printed.
 */
import { ApiConnection, apiError, ApiResponse, reachConsul } from "../dynamic/consulHttp";
import { releaseBefore } from "../../config/consulVersion";

/** Which of an agent's tokens a rotation replaces (`PUT /v1/agent/token/<type>`). */
export type AgentTokenType = "agent" | "replication" | "dns";
export const AGENT_TOKEN_TYPES: readonly AgentTokenType[] = ["agent", "replication", "dns"];

/** What each token type must be allowed, asked through the agent with the new token before the old one goes. */
const NEEDS: Record<AgentTokenType, (node: string) => { request: { Resource: string; Access: string; Segment?: string }[]; what: string }> = {
    agent: (node) => ({ request: [{ Resource: "node", Access: "write", Segment: node }], what: `write node ${node} (anti-entropy would fail): give it the node identity ${node}` }),
    replication: () => ({ request: [{ Resource: "acl", Access: "write" }], what: 'write ACLs (ACL replication needs acl = "write")' }),
    dns: (node) => ({
        request: [
            { Resource: "node", Access: "read", Segment: node },
            { Resource: "service", Access: "read", Segment: "consul" },
        ],
        what: "read nodes and services (DNS answers need node, service and query read)",
    }),
};

/** acl.tokens.dns and its endpoint came with this release. */
const DNS_TOKEN_SINCE = "1.17.0";

/**
 * Why an agent cannot hold this token type (its `/v1/agent/self`), or undefined: a client does not
 * replicate ACLs, and acl.tokens.dns and its endpoint came with Consul 1.17 — an older agent would
 * answer 404 only after the old token were gone. Asked of every holder before anything changes.
 */
function unfitHolder(type: string, self: { Config?: { Version?: unknown; Server?: unknown } } | undefined, who: string): string | undefined {
    const version = String(self?.Config?.Version ?? "");
    if (type === "dns" && releaseBefore(version, DNS_TOKEN_SINCE) === true)
        return `${who}: Consul ${version} has no DNS token (acl.tokens.dns came with 1.17; DNS answers run on the default or anonymous token): nothing changed`;
    if (type === "replication" && self?.Config?.Server !== true)
        return `${who}: a client agent does not replicate ACLs (the replication token goes on a secondary datacenter's servers): nothing changed`;
    return undefined;
}

export interface AgentTokenChange {
    /** Which token of the agent. @default "agent" */
    tokenType?: AgentTokenType;
    /** The agent's node name. */
    node: string;
    datacenter: string;
    /** host:port of that agent's HTTPS API (on a client agent, usually its loopback: run there). */
    agentAddress: string;
    /**
     * The CA that issued the agent's HTTPS certificate, when not the connection's: a client agent
     * with auto_encrypt serves a certificate of Consul's Connect CA (`/v1/connect/ca/roots`).
     * @default the connection's CA
     */
    agentCaPem?: string;
    /** The token the agent must end up with (`clients[i].agentToken`, or the server's). */
    newSecret: string;
    /** The token it holds now, deleted at the end; omitted when it is already gone or kept. */
    oldSecret?: string;
}

export interface RotateAgentTokenOptions {
    /** Run only these steps (an interrupted run, in a test). @default all four */
    steps?: ("create" | "set" | "verify" | "delete")[];
    onProgress?: (line: string) => void;
}

/** Where a rotation stopped: "unreachable" (exit 2) or a step that failed (exit 1). */
export class AgentTokenRotationError extends Error {
    constructor(message: string, readonly kind: "unreachable" | "step") {
        super(message);
        this.name = "AgentTokenRotationError";
    }
}

const call = (conn: ApiConnection, method: string, path: string, body?: unknown) =>
    reachConsul(conn, method, path, body, (message) => new AgentTokenRotationError(message, "unreachable"));

/** The token a secret names (AccessorID and node identities), or undefined when Consul has none. */
async function tokenOf(conn: ApiConnection, secret: string): Promise<{ AccessorID: string; NodeIdentities?: { NodeName: string }[] } | undefined> {
    const res = await call({ ...conn, token: secret }, "GET", "/v1/acl/token/self");
    if (res.status === 200) return res.body;
    if (res.status === 403 && /ACL not found/i.test(res.text)) return undefined;
    throw new AgentTokenRotationError(apiError("reading a token (GET /v1/acl/token/self)", res).message, res.status === 403 ? "step" : "unreachable");
}

/** The old token deleted (or found gone), said as `node`'s. */
async function deleteOld(conn: ApiConnection, node: string, secret: string, which: string, say: (line: string) => void): Promise<void> {
    const old = await tokenOf(conn, secret);
    if (!old) return say(`${node}: the old${which} token is gone already`);
    const res = await call(conn, "DELETE", `/v1/acl/token/${old.AccessorID}`);
    if (res.status !== 200) throw new AgentTokenRotationError(apiError(`${node}: deleting its old${which} token`, res).message, "step");
    say(`${node}: deleted its old${which} token`);
}

/** Whether Consul allowed every request of a `POST /v1/internal/acl/authorize` answer. */
const allowsAll = (res: ApiResponse) => res.status === 200 && Array.isArray(res.body) && res.body.length > 0 && res.body.every((a: { Allow?: boolean }) => a.Allow === true);

export async function rotateAgentToken(conn: ApiConnection, r: AgentTokenChange, options: RotateAgentTokenOptions = {}): Promise<void> {
    const say = options.onProgress ?? (() => undefined);
    const steps = new Set(options.steps ?? ["create", "set", "verify", "delete"]);
    if (!conn.token) throw new AgentTokenRotationError("a token with acl = \"write\" and agent:write on the node is required (the management token has both)", "step");
    if (r.oldSecret === r.newSecret) throw new AgentTokenRotationError(`${r.node}: the old and the new token are the same: nothing to rotate`, "step");
    if (r.oldSecret !== undefined && r.oldSecret === conn.token) throw new AgentTokenRotationError(`${r.node}: the old token is the token this rotation runs with: it would delete itself`, "step");
    const type = r.tokenType ?? "agent";
    if (!AGENT_TOKEN_TYPES.includes(type)) throw new AgentTokenRotationError(`token type ${JSON.stringify(type)}: not one of ${AGENT_TOKEN_TYPES.join(", ")}`, "step");
    const which = type === "agent" ? "" : ` ${type}`;
    const agent = { ...conn, address: r.agentAddress, caPem: r.agentCaPem ?? conn.caPem };

    // Before anything changes: the agent is the node named, and this token may do every step.
    const self = await call(agent, "GET", "/v1/agent/self");
    if (self.status !== 200) throw new AgentTokenRotationError(apiError(`${r.node}: reading its agent (GET ${r.agentAddress}/v1/agent/self)`, self).message, self.status === 403 ? "step" : "unreachable");
    const nodeName = self.body?.Config?.NodeName;
    if (nodeName !== r.node) throw new AgentTokenRotationError(`the agent at ${r.agentAddress} is node ${JSON.stringify(nodeName)}, not ${JSON.stringify(r.node)}: nothing changed`, "step");
    const unfit = unfitHolder(type, self.body, r.node);
    if (unfit) throw new AgentTokenRotationError(unfit, "step");
    const may = await call(agent, "POST", "/v1/internal/acl/authorize", [
        { Resource: "acl", Access: "write" },
        { Resource: "agent", Access: "write", Segment: r.node },
    ]);
    if (!allowsAll(may))
        throw new AgentTokenRotationError(`the token given may not write ACLs and agent ${r.node} (acl = "write", agent "${r.node}" write): nothing changed`, "step");

    if (type !== "agent") {
        // Policy-carrying tokens are the AclSystem's to make: a missing one is refused, not invented.
        if (!(await tokenOf(conn, r.newSecret)))
            throw new AgentTokenRotationError(`${r.node}: Consul has no token with the new${which} secret: create it first (AclSystem: ${type === "replication" ? "replication: true, then bump replicationTokenGeneration" : "a token with DNS read"}) — nothing changed`, "step");
        if (steps.has("create")) say(`${r.node}: the new${which} token exists`);
    } else if (steps.has("create")) {
        const existing = await tokenOf(conn, r.newSecret);
        if (existing) say(`${r.node}: the new token exists`);
        else {
            const res = await call(conn, "PUT", "/v1/acl/token", { SecretID: r.newSecret, Description: `agent token of ${r.node}`, NodeIdentities: [{ NodeName: r.node, Datacenter: r.datacenter }] });
            if (res.status !== 200) throw new AgentTokenRotationError(apiError(`${r.node}: creating its new token`, res).message, "step");
            say(`${r.node}: created its new token (node identity ${r.node})`);
        }
    }
    /**
     * Through the agent, the new token resolves and may do what its type needs. A server agent
     * resolves tokens from its own replica of the state: a token just made may reach it a moment
     * later, so it is asked again for up to 15 s before the rotation stops.
     */
    const need = NEEDS[type](r.node);
    const accepted = async (then: string) => {
        const end = Date.now() + 15_000;
        for (;;) {
            const res = await call({ ...agent, token: r.newSecret }, "POST", "/v1/internal/acl/authorize", need.request);
            if (allowsAll(res)) return;
            if (Date.now() > end) {
                const why = res.status === 200 ? `the new${which} token may not ${need.what}` : `its agent does not accept the new${which} token (${res.status}: ${res.text.trim().slice(0, 120)})`;
                throw new AgentTokenRotationError(`${r.node}: ${why}${then}`, "step");
            }
            await new Promise((done) => setTimeout(done, 500));
        }
    };
    if (steps.has("set") || steps.has("delete")) {
        // Judged before the agent takes it: a token it could not work with is never set.
        await accepted(`: the agent keeps its${which} token`);
        // Set again in a resumed run too: the old token is deleted only right after this.
        const res = await call(agent, "PUT", `/v1/agent/token/${type}`, { Token: r.newSecret });
        if (res.status !== 200) throw new AgentTokenRotationError(apiError(`${r.node}: setting its ${type} token (PUT ${r.agentAddress}/v1/agent/token/${type})`, res).message, res.status === 403 ? "step" : "unreachable");
        say(`${r.node}: the agent holds the new${which} token`);
    }
    if (steps.has("verify") || steps.has("delete")) {
        await accepted("");
        say(`${r.node}: its agent resolves the new${which} token, which may ${type === "agent" ? `write node ${r.node}` : need.what.replace(/ \(.*$/, "")}`);
    }
    if (steps.has("delete") && r.oldSecret !== undefined) await deleteOld(conn, r.node, r.oldSecret, which, say);
}

/** One agent among those sharing a token (a secondary datacenter's servers share its replication token). */
export interface SharedTokenHolder {
    /** host:port of the agent's HTTPS API. */
    agentAddress: string;
    /** The CA of its HTTPS certificate when not the connection's. */
    agentCaPem?: string;
}

/**
 * A token several agents hold (`replication`, `dns`) replaced on all of them: the new one set and
 * checked on every agent first, and the old one deleted only after the last — deleting it after the
 * first would cut the others off. Each agent's node name is read from the agent itself.
 */
export async function rotateSharedToken(
    conn: ApiConnection,
    change: { tokenType: Exclude<AgentTokenType, "agent">; datacenter: string; holders: SharedTokenHolder[]; newSecret: string; oldSecret?: string },
    options: Pick<RotateAgentTokenOptions, "onProgress"> = {},
): Promise<void> {
    if (change.tokenType !== "replication" && change.tokenType !== "dns")
        throw new AgentTokenRotationError(`token type ${JSON.stringify(change.tokenType)}: a shared token is "replication" or "dns" (an agent token belongs to one agent)`, "step");
    if (!Array.isArray(change.holders) || change.holders.length === 0) throw new AgentTokenRotationError(`no agent holds the ${change.tokenType} token: name at least one`, "step");
    const addresses = change.holders.map((h) => h.agentAddress);
    if (new Set(addresses).size < addresses.length) throw new AgentTokenRotationError(`the ${change.tokenType} token's holders name one agent twice: name each once`, "step");
    const nodes: string[] = [];
    for (const h of change.holders) {
        const self = await call({ ...conn, address: h.agentAddress, caPem: h.agentCaPem ?? conn.caPem }, "GET", "/v1/agent/self");
        const node = self.status === 200 ? self.body?.Config?.NodeName : undefined;
        if (typeof node !== "string") throw new AgentTokenRotationError(apiError(`reading the agent at ${h.agentAddress} (GET /v1/agent/self)`, self).message, self.status === 403 ? "step" : "unreachable");
        // Every holder fit before the first one changes (rotateAgentToken asks each again).
        const unfit = unfitHolder(change.tokenType, self.body, `${node} (${h.agentAddress})`);
        if (unfit) throw new AgentTokenRotationError(unfit, "step");
        nodes.push(node);
    }
    const base = (i: number): AgentTokenChange => ({ tokenType: change.tokenType, node: nodes[i], datacenter: change.datacenter, agentAddress: change.holders[i].agentAddress, agentCaPem: change.holders[i].agentCaPem, newSecret: change.newSecret, oldSecret: change.oldSecret });
    for (let i = 0; i < nodes.length; i++) await rotateAgentToken(conn, base(i), { steps: ["create", "set", "verify"], onProgress: options.onProgress });
    // Every holder was given the new token and checked just now: only then does the old one go.
    if (change.oldSecret !== undefined) await deleteOld(conn, nodes[nodes.length - 1], change.oldSecret, ` ${change.tokenType}`, options.onProgress ?? (() => undefined));
}
