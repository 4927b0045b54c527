/**
 * rotateSharedToken refuses what it cannot rotate before it connects: an agent token (one agent's,
 * not shared), no holder, the same holder twice. Nothing listens at the addresses: a call would fail
 * as "unreachable" instead.
 */
import { strict as assert } from "node:assert";
import { AgentTokenRotationError, rotateSharedToken } from "../../src/acl/live/rotateAgentToken";

const conn = { address: "127.0.0.1:1", caPem: "", certPem: "", keyPem: "", token: "6b1d1a7e-3f0c-4d2a-9e5b-8c7f6a5b4c3d" };
const secret = "7c2e2b8f-4a1d-4e3b-8f6c-9d8e7f6a5b4c";

describe("rotateSharedToken refuses before it connects", () => {
    const refused = (change: Parameters<typeof rotateSharedToken>[1], says: RegExp) =>
        assert.rejects(rotateSharedToken(conn, change), (e: Error) => e instanceof AgentTokenRotationError && e.kind === "step" && says.test(e.message));

    it("an agent token", () => refused({ tokenType: "agent" as never, datacenter: "dc1", holders: [{ agentAddress: "127.0.0.1:1" }], newSecret: secret }, /a shared token is "replication" or "dns"/));
    it("no holder", () => refused({ tokenType: "replication", datacenter: "dc1", holders: [], newSecret: secret }, /no agent holds the replication token/));
    it("one holder twice", () => refused({ tokenType: "dns", datacenter: "dc1", holders: [{ agentAddress: "127.0.0.1:1" }, { agentAddress: "127.0.0.1:1" }], newSecret: secret }, /name one agent twice/));
    it("with a holder, it does try to connect (unreachable, not refused)", () =>
        assert.rejects(rotateSharedToken(conn, { tokenType: "replication", datacenter: "dc1", holders: [{ agentAddress: "127.0.0.1:1" }], newSecret: secret }), (e: Error) => e instanceof AgentTokenRotationError && e.kind === "unreachable"));
});
