/**
 * Break-glass: the cluster's management token was deleted (or its ACL entry lost), and nothing
 * can write ACLs any more. Consul offers two ways back, and with this library's configs both bring
 * back the *same* secret — the `initial_management` token every server config carries, derived
 * from the cluster's seed — so the next `pulumi up` finds its provider token working and changes
 * nothing:
 *
 * 1. A new leader re-creates it: establishing leadership, the leader looks up the configured
 *    initial management secret and, when no token has it, writes one with global-management
 *    (agent/consul/leader.go, initializeACLs → initializeManagementToken, Consul 1.16). Restarting
 *    the leader's agent (another server takes over) is enough — no token needed.
 * 2. Consul's bootstrap reset: `PUT /v1/acl/bootstrap` answers "ACL bootstrap no longer allowed
 *    (reset index: N)"; N written to `<data_dir>/acl-bootstrap-reset` on the leader lets one more
 *    bootstrap through (agent/consul/acl_endpoint.go, fileBootstrapResetIndex, which removes the
 *    file once used), and the request's `BootstrapSecret` chooses the token's secret.
 *
 * `restoreManagementToken` carries out the second from the leader's host, checking first whether
 * the token works already. The secret is never printed.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { ApiConnection, reachConsul } from "../dynamic/consulHttp";

/** What was done: nothing (the token works), a first bootstrap, or a bootstrap after a reset. */
export type RestoreOutcome = "working" | "bootstrapped" | "reset";

export interface RestoreOptions {
    /** The leader's data_dir, where the reset index is written (the command runs on the leader's host). */
    dataDir?: string;
    /** A line per step. */
    onProgress?: (line: string) => void;
}

/** Why the token could not be restored: "unreachable" (exit 2) or a step that failed (exit 1). */
export class RestoreError extends Error {
    constructor(message: string, readonly kind: "unreachable" | "step") {
        super(message);
        this.name = "RestoreError";
    }
}

/** Consul's answer to a bootstrap once bootstrapped: structs.ACLBootstrapNotAllowedErr with the index. */
const RESET_INDEX = /ACL bootstrap no longer allowed \(reset index: (\d+)\)/;

const call = (conn: ApiConnection, method: string, path: string, token: string | undefined, body?: unknown) =>
    reachConsul({ ...conn, token }, method, path, body, (message) => new RestoreError(message, "unreachable"));

/** Whether `secret` is a token with global-management (GET /v1/acl/token/self). */
async function isManagement(conn: ApiConnection, secret: string): Promise<boolean> {
    const res = await call(conn, "GET", "/v1/acl/token/self", secret);
    if (res.status === 200) return ((res.body?.Policies ?? []) as { Name?: string }[]).some((p) => p.Name === "global-management");
    if (res.status === 403 || res.status === 401) return false;
    throw new RestoreError(`GET /v1/acl/token/self: Consul answered ${res.status}: ${res.text.trim().slice(0, 200)}`, "unreachable");
}

export async function restoreManagementToken(conn: Omit<ApiConnection, "token">, secret: string, options: RestoreOptions = {}): Promise<RestoreOutcome> {
    const say = options.onProgress ?? (() => undefined);
    if (await isManagement(conn, secret)) {
        say("the management token works: nothing to do");
        return "working";
    }
    say("the management token is refused (ACL not found): bootstrapping it again with the same secret");
    const bootstrap = () => call(conn, "PUT", "/v1/acl/bootstrap", undefined, { BootstrapSecret: secret });
    let res = await bootstrap();
    let outcome: RestoreOutcome = "bootstrapped";
    const reset = RESET_INDEX.exec(res.text);
    if (res.status !== 200 && reset) {
        if (!options.dataDir)
            throw new RestoreError(`Consul's ACLs were bootstrapped before (reset index ${reset[1]}): give the leader's data_dir (--data-dir) and run this on the leader's host, or restart the leader's agent (a new leader re-creates the token from its config)`, "step");
        const file = join(options.dataDir, "acl-bootstrap-reset");
        try {
            // Not secret (an index), and the agent's user must read it: 0644.
            writeFileSync(file, `${reset[1]}\n`, { mode: 0o644 });
        } catch (e) {
            throw new RestoreError(`cannot write the reset index to ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, "step");
        }
        say(`wrote reset index ${reset[1]} to ${file}`);
        res = await bootstrap();
        outcome = "reset";
        if (res.status !== 200 && RESET_INDEX.test(res.text)) {
            const leader = await call(conn, "GET", "/v1/status/leader", undefined);
            throw new RestoreError(
                `Consul did not take the reset index from ${file}: the leader reads its own data_dir — run this on the leader's host (the leader is ${String(leader.body ?? "unknown")}), with the agent's data_dir`,
                "step",
            );
        }
    }
    if (res.status !== 200) throw new RestoreError(`PUT /v1/acl/bootstrap: Consul answered ${res.status}: ${res.text.trim().slice(0, 200)}`, "step");
    if (!(await isManagement(conn, secret))) throw new RestoreError("Consul bootstrapped a token, but the management secret is still refused", "step");
    say("the management token works again (same secret: `pulumi up` needs no change)");
    return outcome;
}
