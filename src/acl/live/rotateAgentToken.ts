/**
 * An agent's ACL token replaced on the running agent without a moment in which it holds no valid
 * token (CSM-ROT-02): the new token is made (pre-seeded: the secret the bundle now renders for
 * that node), set on the agent through its own API, checked, and only then is the old token
 * deleted. Each step first looks whether it is done already, so a run interrupted anywhere
 * finishes when run again; the old token is deleted only in a run that has just set the new one.
 *
 * Consul facts (1.16, agent/agent_endpoint.go AgentToken): `PUT /v1/agent/token/agent` needs
 * agent:write on that agent's node, swaps the token in the agent's token store at once and
 * triggers a full anti-entropy sync with it; the agent keeps it over a restart only with
 * `acl.enable_token_persistence`, otherwise it starts from its config file — which is why the
 * bundle's file for the node must carry the new token before the agent next restarts. The check
 * asks, through that agent, that the new token resolves and may write its node
 * (`POST /v1/internal/acl/authorize`, agent/acl_endpoint.go ACLAuthorize): what anti-entropy needs.
 * Secrets are never printed.
 */
import { ApiConnection, apiError, ApiResponse, reachConsul } from "../dynamic/consulHttp";

export interface AgentTokenChange {
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

/** Whether Consul allowed every request of a `POST /v1/internal/acl/authorize` answer. */
const allowsAll = (res: ApiResponse) => res.status === 200 && Array.isArray(res.body) && res.body.length > 0 && res.body.every((a: { Allow?: boolean }) => a.Allow === true);

export async function rotateAgentToken(conn: ApiConnection, r: AgentTokenChange, options: RotateAgentTokenOptions = {}): Promise<void> {
    const say = options.onProgress ?? (() => undefined);
    const steps = new Set(options.steps ?? ["create", "set", "verify", "delete"]);
    if (!conn.token) throw new AgentTokenRotationError("a token with acl = \"write\" and agent:write on the node is required (the management token has both)", "step");
    if (r.oldSecret === r.newSecret) throw new AgentTokenRotationError(`${r.node}: the old and the new token are the same: nothing to rotate`, "step");
    if (r.oldSecret !== undefined && r.oldSecret === conn.token) throw new AgentTokenRotationError(`${r.node}: the old token is the token this rotation runs with: it would delete itself`, "step");
    const agent = { ...conn, address: r.agentAddress, caPem: r.agentCaPem ?? conn.caPem };

    // Before anything changes: the agent is the node named, and this token may do every step.
    const self = await call(agent, "GET", "/v1/agent/self");
    if (self.status !== 200) throw new AgentTokenRotationError(apiError(`${r.node}: reading its agent (GET ${r.agentAddress}/v1/agent/self)`, self).message, self.status === 403 ? "step" : "unreachable");
    const nodeName = self.body?.Config?.NodeName;
    if (nodeName !== r.node) throw new AgentTokenRotationError(`the agent at ${r.agentAddress} is node ${JSON.stringify(nodeName)}, not ${JSON.stringify(r.node)}: nothing changed`, "step");
    const may = await call(agent, "POST", "/v1/internal/acl/authorize", [
        { Resource: "acl", Access: "write" },
        { Resource: "agent", Access: "write", Segment: r.node },
    ]);
    if (!allowsAll(may))
        throw new AgentTokenRotationError(`the token given may not write ACLs and agent ${r.node} (acl = "write", agent "${r.node}" write): nothing changed`, "step");

    if (steps.has("create")) {
        const existing = await tokenOf(conn, r.newSecret);
        if (existing) say(`${r.node}: the new token exists`);
        else {
            const res = await call(conn, "PUT", "/v1/acl/token", { SecretID: r.newSecret, Description: `agent token of ${r.node}`, NodeIdentities: [{ NodeName: r.node, Datacenter: r.datacenter }] });
            if (res.status !== 200) throw new AgentTokenRotationError(apiError(`${r.node}: creating its new token`, res).message, "step");
            say(`${r.node}: created its new token (node identity ${r.node})`);
        }
    }
    if (steps.has("set") || steps.has("delete")) {
        // Set again in a resumed run too: the old token is deleted only right after this.
        const res = await call(agent, "PUT", "/v1/agent/token/agent", { Token: r.newSecret });
        if (res.status !== 200) throw new AgentTokenRotationError(apiError(`${r.node}: setting its agent token (PUT ${r.agentAddress}/v1/agent/token/agent)`, res).message, res.status === 403 ? "step" : "unreachable");
        say(`${r.node}: the agent holds the new token`);
    }
    if (steps.has("verify") || steps.has("delete")) {
        // A server agent resolves tokens from its own replica of the state: a token just made may
        // reach it a moment later. Asked again for up to 15 s before the step fails.
        const end = Date.now() + 15_000;
        for (;;) {
            const res = await call({ ...agent, token: r.newSecret }, "POST", "/v1/internal/acl/authorize", [{ Resource: "node", Access: "write", Segment: r.node }]);
            if (allowsAll(res)) break;
            if (Date.now() > end) {
                const why = res.status === 200 ? `the new token may not write node ${r.node} (anti-entropy would fail): give it the node identity ${r.node}` : `its agent does not accept the new token (${res.status}: ${res.text.trim().slice(0, 120)})`;
                throw new AgentTokenRotationError(`${r.node}: ${why}`, "step");
            }
            await new Promise((done) => setTimeout(done, 500));
        }
        say(`${r.node}: its agent resolves the new token, which may write node ${r.node}`);
    }
    if (steps.has("delete") && r.oldSecret !== undefined) {
        const old = await tokenOf(conn, r.oldSecret);
        if (!old) say(`${r.node}: the old token is gone already`);
        else {
            const res = await call(conn, "DELETE", `/v1/acl/token/${old.AccessorID}`);
            if (res.status !== 200) throw new AgentTokenRotationError(apiError(`${r.node}: deleting its old token`, res).message, "step");
            say(`${r.node}: deleted its old token`);
        }
    }
}
