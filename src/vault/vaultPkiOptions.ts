/**
 * Options of the Vault certificate source and their validation: everything Vault would refuse, or
 * that would leave a server without a valid certificate, is refused before anything is made —
 * naming the option, the value and the fix.
 */
import { ProblemList } from "../errors";
import { goDurationNanos } from "../config/consulBuilder";
import { isLoopbackAddress } from "../validation/net";
import { keysOf, refuseUnknownKeys } from "../validation/optionKeys";

const OPTION_KEYS = keysOf<VaultPkiOptions>()(["address", "mountPath", "approlePath", "ttl", "maxTtl"]);

export interface VaultPkiOptions {
    /** Vault's address as the servers reach it: https (http only on a loopback address). */
    address: string;
    /** The PKI secrets engine's mount path. @default "pki-consul-<datacenter>" */
    mountPath?: string;
    /** The AppRole auth method's mount path. @default "approle" */
    approlePath?: string;
    /**
     * Lifetime of a server certificate (Go duration). Days, not years: a stolen key is useful for at
     * most this long, and renewal runs every third of it. @default "72h"
     */
    ttl?: string;
    /** The most the roles issue; at least `ttl`. @default "168h" */
    maxTtl?: string;
}

export interface CheckedVaultPki {
    address: string;
    mountPath: string;
    approlePath: string;
    ttl: string;
    maxTtl: string;
    /** A third of the TTL, in whole seconds: the renewal timer's period. */
    renewEverySeconds: number;
}

/** Vault mount paths: segments of letters, digits, `-`, `_` and `.` (never `.` or `..` alone), no leading or trailing slash. */
const MOUNT_PATH = /^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/;
/** Below this a renewal every third of the TTL would run more often than a minute. */
const MIN_TTL_SECONDS = 180;

/** The options checked and defaulted; problems are added to `p` under `prefix`. */
export function checkVaultPkiOptions(o: VaultPkiOptions | undefined, datacenter: string, prefix: string, p: ProblemList): CheckedVaultPki | undefined {
    if (o === undefined || o === null || typeof o !== "object" || Array.isArray(o)) {
        p.add(prefix, o, "must be an object with Vault's address", '{ address: "https://vault.internal:8200" }');
        return undefined;
    }
    const before = p.all.length;
    // A `token` here is the static credential the servers must not hold: AppRole logs them in.
    if (Object.prototype.hasOwnProperty.call(o, "token"))
        p.addSecret(`${prefix}.token`, "set", "the servers log into Vault with their own AppRole; a static token expires and would sit in every server's files", "remove it: VaultPki makes one AppRole per server");
    refuseUnknownKeys(Object.fromEntries(Object.entries(o).filter(([k]) => k !== "token")), OPTION_KEYS, prefix, p);
    let url: URL | undefined;
    try {
        url = typeof o.address === "string" ? new URL(o.address) : undefined;
    } catch {
        url = undefined;
    }
    if (!url || !["https:", "http:"].includes(url.protocol) || url.pathname.replace(/\/+$/, "") !== "" || url.search || url.hash || url.username)
        p.add(`${prefix}.address`, o.address, "not a Vault address (scheme, host and port only)", '"https://vault.internal:8200"');
    else if (url.protocol === "http:" && !isLoopbackAddress(url.hostname.replace(/^\[|\]$/g, "")) && url.hostname !== "localhost")
        p.add(`${prefix}.address`, o.address, "Vault without TLS beyond loopback: the AppRole secret and every private key would cross the network in clear", "use https (http only to a Vault on 127.0.0.1)");
    const mountPath = o.mountPath ?? `pki-consul-${datacenter}`;
    const approlePath = o.approlePath ?? "approle";
    for (const [option, value] of [["mountPath", mountPath], ["approlePath", approlePath]] as const)
        if (typeof value !== "string" || !MOUNT_PATH.test(value) || value.length > 128 || value.split("/").some((seg) => seg === "." || seg === ".."))
            p.add(`${prefix}.${option}`, value, "not a Vault mount path (letters, digits, - _ . between slashes; no leading or trailing slash)", option === "mountPath" ? `"pki-consul-${datacenter}"` : '"approle"');
    const ttl = o.ttl ?? "72h";
    const maxTtl = o.maxTtl ?? "168h";
    const seconds = (option: string, v: unknown) => {
        const ns = typeof v === "string" ? goDurationNanos(v) : undefined;
        if (ns === undefined || !(ns > 0)) {
            p.add(`${prefix}.${option}`, v, "not a positive Go duration", '"72h"');
            return undefined;
        }
        return ns / 1e9;
    };
    const ttlSeconds = seconds("ttl", ttl);
    const maxSeconds = seconds("maxTtl", maxTtl);
    if (ttlSeconds !== undefined && ttlSeconds < MIN_TTL_SECONDS)
        p.add(`${prefix}.ttl`, ttl, `shorter than the renewal margin allows: renewal runs every third of the TTL, and below ${MIN_TTL_SECONDS / 60} minutes a slow Vault would leave a server with an expired certificate`, '"72h" (or at least "3m" in a test)');
    if (ttlSeconds !== undefined && maxSeconds !== undefined && ttlSeconds > maxSeconds)
        p.add(`${prefix}.ttl`, ttl, `longer than maxTtl (${maxTtl}): Vault caps every certificate at the role's max_ttl`, `set maxTtl to at least ${ttl}, or shorten ttl`);
    if (p.all.length > before || ttlSeconds === undefined || maxSeconds === undefined) return undefined;
    return { address: o.address, mountPath, approlePath, ttl, maxTtl, renewEverySeconds: Math.max(60, Math.floor(ttlSeconds / 3)) };
}
