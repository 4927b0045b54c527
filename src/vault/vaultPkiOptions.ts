/**
 * Options of the Vault certificate source and their validation: everything Vault would refuse, or
 * that would leave a server without a valid certificate, is refused before anything is made —
 * naming the option, the value and the fix.
 */
import * as pulumi from "@pulumi/pulumi";
import { ProblemList } from "../errors";
import { goDurationNanos } from "../config/consulBuilder";
import { isLoopbackAddress, originUrl } from "../validation/net";
import { certificatePemProblem } from "../validation/whenKnown";
import { keysOf, refuseUnknownKeys } from "../validation/optionKeys";
import { checkKubernetesAuth, CheckedKubernetesAuth, VaultKubernetesAuthOptions } from "./kubernetesAuthOptions";

const OPTION_KEYS = keysOf<VaultPkiOptions>()(["address", "vaultCaPem", "mountPath", "approlePath", "ttl", "maxTtl", "caTtl", "existingMount", "existingApprole", "connectCa", "kubernetes", "cliCertificate"]);
const CONNECT_KEYS = keysOf<VaultConnectCaOptions>()(["enabled", "rootPath", "intermediatePath"]);

/** A PKI mount that already holds the issuing CA (made by another team or stack). */
export interface ExistingVaultPkiMount {
    /** The mount's issuing CA certificate (PEM): the agents' `ca_file`. */
    caPem: pulumi.Input<string>;
}

/** Where Consul's Connect CA keeps its root and intermediate in Vault (Consul creates both mounts). */
export interface VaultConnectCaOptions {
    /** false keeps Consul's built-in Connect CA. @default true */
    enabled?: boolean;
    /** The root PKI mount Consul creates and manages. @default "connect-root-<datacenter>" */
    rootPath?: string;
    /** The intermediate PKI mount Consul creates and manages. @default "connect-intermediate-<datacenter>" */
    intermediatePath?: string;
}

export interface VaultPkiOptions {
    /** Vault's address as the servers reach it: https (http only on a loopback address). */
    address: string;
    /**
     * The CA of Vault's own HTTPS certificate (PEM): each server's agent and Connect CA check Vault
     * against it (`vault-ca.pem` beside the agent's config). Omit when the servers' system trust
     * store holds it. Not with http.
     */
    vaultCaPem?: pulumi.Input<string>;
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
    /**
     * Lifetime of the issuing CA VaultPki generates in a new mount (Go duration), also the mount's
     * max lease TTL — Vault caps every certificate at it. Not with `existingMount`. @default "87600h" (10 years)
     */
    caTtl?: string;
    /** Issue from a PKI mount that exists (its CA given) instead of creating the mount and a CA. */
    existingMount?: ExistingVaultPkiMount;
    /** The AppRole auth method is already enabled at `approlePath`: do not enable it. @default false */
    existingApprole?: boolean;
    /**
     * The Connect CA in Vault: servers log in with an AppRole of their own, never a static token.
     * `{ enabled: false }` keeps Consul's built-in Connect CA. @default {}
     */
    connectCa?: VaultConnectCaOptions;
    /**
     * Kubernetes instead of AppRole: each server's pod logs in with its own service account (named
     * after its node) through Vault's Kubernetes auth method; no secret is handed to the servers.
     * VaultPki's `kubernetes` output gives each server's Vault Agent sidecar, volumes and ConfigMap.
     */
    kubernetes?: VaultKubernetesAuthOptions;
    /**
     * Issue one CLI certificate (`cli.<dc>.<domain>`) from the operators' role through the Vault
     * provider: VaultPki's `cliCertificate`, for HardenedCluster's `certificates.cliCertificate`
     * (the consul provider and AclSystem reach the servers with it). Its key is in state, as the
     * consul provider's own config is. It lives `maxTtl`; the first `pulumi up` after a third of
     * that issues a new one. @default true
     */
    cliCertificate?: boolean;
}

/** The options checked and defaulted (a type, not an interface: not part of the option reference). */
export type CheckedVaultPki = {
    address: string;
    vaultCaPem?: pulumi.Input<string>;
    mountPath: string;
    /** The AppRole mount (VMs); unused with `kubernetes`. */
    approlePath: string;
    ttl: string;
    maxTtl: string;
    /** maxTtl in seconds. */
    maxTtlSeconds: number;
    caTtl: string;
    /** caTtl in seconds: the new mount's max lease TTL. */
    caTtlSeconds: number;
    existingMount?: ExistingVaultPkiMount;
    existingApprole: boolean;
    connectCa?: { rootPath: string; intermediatePath: string };
    /** Set on Kubernetes: the servers log in with their service accounts instead of AppRoles. */
    kubernetes?: CheckedKubernetesAuth;
    cliCertificate: boolean;
    /** A third of the TTL, in whole seconds: the renewal timer's period. */
    renewEverySeconds: number;
};

/** Vault mount paths: segments of letters, digits, `-`, `_` and `.` (never `.` or `..` alone), no leading or trailing slash. */
const MOUNT_PATH = /^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/;
/**
 * Vault refuses to mount a secrets engine under these (Vault 1.14 vault/mount.go, `protectedMounts`):
 * a PKI mount there would fail at `pulumi up`, after other resources were made.
 */
const RESERVED_MOUNTS = ["sys", "auth", "audit", "cubbyhole", "identity"];
/** Below this a renewal every third of the TTL would run more often than a minute. */
const MIN_TTL_SECONDS = 180;

/** Why Vault would refuse `value` as a mount path (secrets engine or auth method), or undefined. */
function mountPathProblem(value: unknown): string | undefined {
    if (typeof value !== "string" || !MOUNT_PATH.test(value) || value.length > 128 || value.split("/").some((seg) => seg === "." || seg === ".."))
        return "not a Vault mount path (letters, digits, - _ . between slashes; no leading or trailing slash)";
    return undefined;
}

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
    const url = originUrl(o.address);
    if (!url || !["https:", "http:"].includes(url.protocol))
        p.add(`${prefix}.address`, o.address, "not a Vault address (scheme, host and port only)", '"https://vault.internal:8200"');
    else if (url.protocol === "http:" && !isLoopbackAddress(url.hostname.replace(/^\[|\]$/g, "")) && url.hostname !== "localhost")
        p.add(`${prefix}.address`, o.address, "Vault without TLS beyond loopback: the AppRole secret and every private key would cross the network in clear", "use https (http only to a Vault on 127.0.0.1)");
    const mountPath = o.mountPath ?? `pki-consul-${datacenter}`;
    const approlePath = o.approlePath ?? "approle";
    const connectOption = o.connectCa ?? {};
    if (typeof connectOption !== "object" || connectOption === null || Array.isArray(connectOption))
        p.add(`${prefix}.connectCa`, connectOption, "must be an object", "{} (or { enabled: false } for Consul's built-in Connect CA)");
    else refuseUnknownKeys(connectOption, CONNECT_KEYS, `${prefix}.connectCa`, p);
    if (typeof connectOption === "object" && connectOption !== null && connectOption.enabled !== undefined && typeof connectOption.enabled !== "boolean")
        p.add(`${prefix}.connectCa.enabled`, connectOption.enabled, "must be true or false", "false");
    const connect = typeof connectOption === "object" && connectOption !== null && connectOption.enabled !== false ? connectOption : undefined;
    const connectPaths = connect ? { rootPath: connect.rootPath ?? `connect-root-${datacenter}`, intermediatePath: connect.intermediatePath ?? `connect-intermediate-${datacenter}` } : undefined;
    const paths: [string, unknown, string][] = [["mountPath", mountPath, `"pki-consul-${datacenter}"`], ["approlePath", approlePath, '"approle"']];
    if (connectPaths) paths.push(["connectCa.rootPath", connectPaths.rootPath, `"connect-root-${datacenter}"`], ["connectCa.intermediatePath", connectPaths.intermediatePath, `"connect-intermediate-${datacenter}"`]);
    for (const [option, value, fix] of paths) {
        const problem = mountPathProblem(value);
        if (problem) p.add(`${prefix}.${option}`, value, problem, fix);
        else if (option !== "approlePath" && RESERVED_MOUNTS.includes(String(value).split("/")[0]))
            p.add(`${prefix}.${option}`, value, `Vault mounts no secrets engine under ${String(value).split("/")[0]}/`, fix);
    }
    const secretPaths = paths.filter(([option]) => option !== "approlePath").map(([, v]) => v);
    if (new Set(secretPaths).size !== secretPaths.length)
        p.add(`${prefix}.connectCa`, connectPaths, "the agents' PKI mount and the Connect CA's root and intermediate must be three different mounts (Consul manages its own)", "leave connectCa's paths at their defaults");
    const kubernetes = o.kubernetes === undefined ? undefined : checkKubernetesAuth(o.kubernetes, `${prefix}.kubernetes`, p, mountPathProblem);
    if (o.kubernetes !== undefined)
        for (const key of ["approlePath", "existingApprole"] as const)
            if (o[key] !== undefined) p.add(`${prefix}.${key}`, o[key], "the servers log in with their Kubernetes service accounts (`kubernetes`), not an AppRole", `remove ${key}, or remove kubernetes`);
    if (o.vaultCaPem !== undefined) {
        if (url?.protocol === "http:") p.add(`${prefix}.vaultCaPem`, "(a certificate)", "Vault is reached over plain http: there is no certificate to check", "remove vaultCaPem, or use https");
        else {
            const bad = certificatePemProblem(o.vaultCaPem);
            if (bad) p.add(`${prefix}.vaultCaPem`, bad.value, bad.problem, `the CA that signed Vault's HTTPS certificate${bad.problem === "not a PEM certificate" ? " (-----BEGIN CERTIFICATE-----…)" : ", PEM"}`);
        }
    }
    if (o.cliCertificate !== undefined && typeof o.cliCertificate !== "boolean") p.add(`${prefix}.cliCertificate`, o.cliCertificate, "must be true or false", "false (issue the operators' certificates yourself)");
    if (o.existingApprole !== undefined && typeof o.existingApprole !== "boolean") p.add(`${prefix}.existingApprole`, o.existingApprole, "must be true or false", "true");
    if (o.existingMount !== undefined && (typeof o.existingMount !== "object" || o.existingMount === null || !("caPem" in o.existingMount)))
        p.add(`${prefix}.existingMount`, o.existingMount, "must be { caPem }: the existing mount's issuing CA", "{ caPem: issuingCaPem }");
    else if (o.existingMount !== undefined) {
        const bad = certificatePemProblem(o.existingMount.caPem);
        if (bad) p.add(`${prefix}.existingMount.caPem`, bad.value, bad.problem, "the mount's issuing CA certificate (-----BEGIN CERTIFICATE-----…), e.g. from `vault read <mount>/cert/ca`");
    }
    if (o.existingMount !== undefined && o.caTtl !== undefined)
        p.add(`${prefix}.caTtl`, o.caTtl, "the CA's lifetime is for a CA VaultPki generates; with existingMount the CA is yours", "remove caTtl, or remove existingMount");
    const ttl = o.ttl ?? "72h";
    const maxTtl = o.maxTtl ?? "168h";
    const caTtl = o.caTtl ?? "87600h";
    const seconds = (option: string, v: unknown) => {
        const ns = typeof v === "string" ? goDurationNanos(v) : undefined;
        if (ns === undefined || !(ns > 0)) {
            p.add(`${prefix}.${option}`, v, "not a positive Go duration", option === "caTtl" ? '"87600h"' : '"72h"');
            return undefined;
        }
        return ns / 1e9;
    };
    const ttlSeconds = seconds("ttl", ttl);
    const maxSeconds = seconds("maxTtl", maxTtl);
    const caSeconds = seconds("caTtl", caTtl);
    if (ttlSeconds !== undefined && ttlSeconds < MIN_TTL_SECONDS)
        p.add(`${prefix}.ttl`, ttl, `shorter than the renewal margin allows: renewal runs every third of the TTL, and below ${MIN_TTL_SECONDS / 60} minutes a slow Vault would leave a server with an expired certificate`, '"72h" (or at least "3m" in a test)');
    if (ttlSeconds !== undefined && maxSeconds !== undefined && ttlSeconds > maxSeconds)
        p.add(`${prefix}.ttl`, ttl, `longer than maxTtl (${maxTtl}): Vault caps every certificate at the role's max_ttl`, `set maxTtl to at least ${ttl}, or shorten ttl`);
    if (o.existingMount === undefined && maxSeconds !== undefined && caSeconds !== undefined && maxSeconds > caSeconds)
        p.add(`${prefix}.maxTtl`, maxTtl, `longer than the mount's max lease TTL (caTtl ${caTtl}): Vault would cap the certificates at the mount's maximum`, `shorten maxTtl, or raise caTtl`);
    if (p.all.length > before || ttlSeconds === undefined || maxSeconds === undefined || caSeconds === undefined) return undefined;
    return {
        address: o.address,
        ...(o.vaultCaPem !== undefined ? { vaultCaPem: o.vaultCaPem } : {}),
        mountPath,
        approlePath,
        ttl,
        maxTtl,
        maxTtlSeconds: maxSeconds,
        caTtl,
        caTtlSeconds: Math.floor(caSeconds),
        ...(o.existingMount ? { existingMount: o.existingMount } : {}),
        existingApprole: o.existingApprole ?? false,
        ...(connectPaths ? { connectCa: connectPaths } : {}),
        ...(kubernetes ? { kubernetes } : {}),
        cliCertificate: o.cliCertificate ?? true,
        // ttl is at least MIN_TTL_SECONDS, so a third of it is at least a minute.
        renewEverySeconds: Math.floor(ttlSeconds / 3),
    };
}
