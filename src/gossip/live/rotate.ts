/**
 * The staged gossip key rotation (CSM-GOS-03) carried out against a running cluster through
 * Consul's keyring API (`/v1/operator/keyring`, agent/operator_endpoint.go in Consul 1.16: GET
 * lists every pool — the WAN pool and each datacenter's LAN pool — with how many members hold each
 * key; POST installs, PUT makes primary, DELETE removes; each is relayed to every member of every
 * pool and every datacenter). Each stage is verified on every member before the next begins, and
 * each checks first whether it is already done, so an interrupted rotation finishes when run again.
 * Keys are never printed: messages name their generations.
 */
import { apiError, ApiConnection, consulRequest } from "../../acl/dynamic/consulHttp";

/** One key of the rotation, with the generation name messages use instead of the key. */
export interface NamedKey {
    name: string;
    key: string;
}

/** What the keyring must end up as: these installed, this one primary, those removed. */
export interface RotationTarget {
    install: NamedKey[];
    primary: NamedKey;
    remove: NamedKey[];
}

/** One pool of `GET /v1/operator/keyring` (api/operator_keyring.go, KeyringResponse). */
export interface KeyringPool {
    WAN: boolean;
    Datacenter: string;
    Segment?: string;
    Partition?: string;
    Keys: Record<string, number>;
    PrimaryKeys?: Record<string, number>;
    NumNodes: number;
}

export interface RotationOptions {
    /** How long one stage may take to reach every member. @default 60000 */
    stageTimeoutMs?: number;
    /** Pause between checks. @default 500 */
    pollMs?: number;
    /** A line per stage and what it found. */
    onProgress?: (line: string) => void;
    /** Run only these stages (a rotation interrupted on purpose, e.g. in a test). @default all three */
    stages?: ("install" | "use" | "remove")[];
}

/** A rotation that cannot go on: where it stopped and what to do. */
export class RotationError extends Error {
    constructor(
        message: string,
        /** "unreachable" (no answer, TLS, token): exit 2; "stage" (a member does not follow): exit 1. */
        readonly kind: "unreachable" | "stage",
    ) {
        super(message);
        this.name = "RotationError";
    }
}

const poolName = (p: KeyringPool) => (p.WAN ? "WAN" : `LAN ${p.Datacenter}${p.Segment ? `/${p.Segment}` : ""}${p.Partition ? ` (partition ${p.Partition})` : ""}`);

export async function listKeyring(conn: ApiConnection): Promise<KeyringPool[]> {
    const res = await request(conn, "GET");
    return res as KeyringPool[];
}

async function request(conn: ApiConnection, method: string, key?: NamedKey): Promise<unknown> {
    let res;
    try {
        res = await consulRequest(conn, method, "/v1/operator/keyring", key ? { Key: key.key } : undefined);
    } catch (e) {
        throw new RotationError(`cannot reach Consul's keyring API: ${(e as Error).message}`, "unreachable");
    }
    if (res.status === 403)
        throw new RotationError(`${method} /v1/operator/keyring: Consul answered 403 (${res.text.trim().slice(0, 200)}): the token needs keyring = "write" (the management token has it)`, "unreachable");
    if (res.status < 200 || res.status > 299) throw new RotationError(apiError(`${method} /v1/operator/keyring${key ? ` (generation ${key.name})` : ""}`, res).message, "stage");
    return res.body;
}

/** The pools where `held` is not yet true, as "LAN dc1: 3 of 4 members". */
function lagging(pools: KeyringPool[], count: (p: KeyringPool) => number, done: (p: KeyringPool, n: number) => boolean): string[] {
    return pools.filter((p) => !done(p, count(p))).map((p) => `${poolName(p)}: ${count(p)} of ${p.NumNodes} members`);
}

export async function rotateKeyring(conn: ApiConnection, target: RotationTarget, options: RotationOptions = {}): Promise<void> {
    const timeout = options.stageTimeoutMs ?? 60_000;
    const poll = options.pollMs ?? 500;
    const say = options.onProgress ?? (() => undefined);
    const stages = new Set(options.stages ?? ["install", "use", "remove"]);
    if (!target.install.some((k) => k.key === target.primary.key)) throw new RotationError(`the primary generation ${target.primary.name} is not among those to install`, "stage");
    const clash = target.remove.find((r) => target.install.some((k) => k.key === r.key));
    if (clash) throw new RotationError(`generation ${clash.name} is both kept and retired`, "stage");

    /** Consul's 500 "4/5 nodes reported success": one member did not answer the relayed query in time. */
    const memberSilent = (e: unknown) => e instanceof RotationError && e.kind === "stage" && /reported success/.test(e.message);

    /**
     * The keyring as every member reports it. A member that does not answer makes Consul reply 500
     * ("4/5 nodes reported success"), e.g. while it restarts: asked again until the stage's time is up.
     */
    const list = async (): Promise<KeyringPool[]> => {
        const end = Date.now() + timeout;
        for (;;) {
            try {
                return await listKeyring(conn);
            } catch (e) {
                if (!memberSilent(e) || Date.now() > end) throw e;
                await new Promise((r) => setTimeout(r, poll));
            }
        }
    };

    /**
     * A write relayed to every member (POST installs, PUT makes primary, DELETE removes), then a wait
     * until every pool satisfies `done` — or the stage fails saying which pool lags. When one member
     * did not acknowledge the relay in time (a busy or restarting member), Consul answers 500 "4/5
     * nodes reported success": the others did the change, and the lagging one may have too. Not
     * fatal: the (idempotent) write is sent again every fourth check while a member lags.
     */
    const writeUntil = async (method: string, k: NamedKey, what: string, count: (p: KeyringPool) => number, done: (p: KeyringPool, n: number) => boolean, nothingRemoved: boolean) => {
        const send = async () => {
            try {
                await request(conn, method, k);
            } catch (e) {
                if (!memberSilent(e)) throw e;
            }
        };
        await send();
        const end = Date.now() + timeout;
        for (let check = 1; ; check++) {
            const behind = lagging(await list(), count, done);
            if (behind.length === 0) return;
            if (Date.now() > end)
                throw new RotationError(
                    `${what}: not on every member after ${Math.round(timeout / 1000)}s — ${behind.join("; ")}. ` +
                        `A member that does not acknowledge is unreachable or has left: check \`consul members\` (and -wan), fix or remove it, then run the rotation again; it resumes here.` +
                        (nothingRemoved ? " Nothing was removed." : ""),
                    "stage",
                );
            await new Promise((r) => setTimeout(r, poll));
            if (check % 4 === 0) await send();
        }
    };
    const held = (k: NamedKey) => (p: KeyringPool) => p.Keys?.[k.key] ?? 0;
    const everywhere = (p: KeyringPool, n: number) => n === p.NumNodes;
    const primary = (p: KeyringPool) => p.PrimaryKeys?.[target.primary.key] ?? 0;

    /** Installs a key wherever it is missing; a member that joined since gets it too. */
    const ensureInstalled = async (k: NamedKey) => {
        const pools = await list();
        if (lagging(pools, held(k), everywhere).length === 0) return false;
        await writeUntil("POST", k, `install ${k.name}`, held(k), everywhere, true);
        return true;
    };

    if (stages.has("install"))
        for (const k of target.install) say((await ensureInstalled(k)) ? `install ${k.name}: on every member now` : `install ${k.name}: already on every member`);

    if (stages.has("use")) {
        // Members that joined since the install stage may lack the new key: install it first.
        for (const k of target.install) await ensureInstalled(k);
        if (lagging(await list(), primary, everywhere).length === 0) say(`use ${target.primary.name}: already primary on every member`);
        else {
            await writeUntil("PUT", target.primary, `use ${target.primary.name}`, primary, everywhere, true);
            say(`use ${target.primary.name}: primary on every member now`);
        }
    }

    if (stages.has("remove")) {
        if (!stages.has("use")) {
            const behind = lagging(await list(), primary, everywhere);
            if (behind.length > 0) throw new RotationError(`remove: ${target.primary.name} is not primary everywhere yet (${behind.join("; ")}); run the use stage first. Nothing was removed.`, "stage");
        }
        for (const k of target.remove) {
            if ((await list()).every((p) => held(k)(p) === 0)) {
                say(`remove ${k.name}: already gone`);
                continue;
            }
            await writeUntil("DELETE", k, `remove ${k.name}`, held(k), (_p, n) => n === 0, false);
            say(`remove ${k.name}: gone from every member`);
        }
    }
}

/** The target of a keyring's plan: every live generation installed, the plan's primary, the retired removed. */
export function rotationTarget(keys: Record<string, string>, plan: { primary: string; steps: { action: string; generation: string }[] }): RotationTarget {
    const named = (name: string): NamedKey => {
        const key = keys[name];
        if (typeof key !== "string") throw new RotationError(`no key for generation ${name}: pass every generation's key (HardenedCluster.gossipKeys)`, "stage");
        return { name, key };
    };
    return {
        install: plan.steps.filter((s) => s.action === "install").map((s) => named(s.generation)),
        primary: named(plan.primary),
        remove: plan.steps.filter((s) => s.action === "remove").map((s) => named(s.generation)),
    };
}
