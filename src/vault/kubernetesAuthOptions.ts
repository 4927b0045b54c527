/**
 * VaultPki on Kubernetes (issue 24): the servers' pods log into Vault with their own service
 * accounts through Vault's Kubernetes auth method instead of an AppRole secret. Each server runs as
 * its own one-pod StatefulSet (docs/deploying.md) with a service account named after its node, so
 * Vault still tells the servers apart: a server's role is bound to its own service account only.
 *
 * Vault facts (vault-plugin-auth-kubernetes v0.16.0, the one Vault 1.14.2 ships): a login's JWT
 * must name a bound namespace and service account (path_login.go, parseAndValidateJWT) and carry
 * the role's `audience`; Vault then asks the Kubernetes API's TokenReview whether the token is live
 * (token_review.go, Review) with `token_reviewer_jwt` as the bearer, or the login's own JWT when
 * none is set; outside the cluster Vault needs `kubernetes_ca_cert` (backend.go, loadConfig reads
 * the pod's own CA file otherwise).
 */
import * as pulumi from "@pulumi/pulumi";
import { ProblemList } from "../errors";
import { keysOf, refuseUnknownKeys } from "../validation/optionKeys";
import { originUrl } from "../validation/net";
import { certificatePemProblem, isStringInput } from "../validation/whenKnown";

const KUBERNETES_KEYS = keysOf<VaultKubernetesAuthOptions>()(["namespace", "path", "existing", "host", "caCertPem", "tokenReviewerJwt", "audience", "agentImage", "runAsUser", "runAsGroup"]);

/** Where the pods' projected service-account token for Vault is mounted (both containers). */
export const VAULT_TOKEN_DIR = "/var/run/secrets/vault";
export const VAULT_TOKEN_PATH = `${VAULT_TOKEN_DIR}/token`;
/** The Vault Agent image the sidecar runs unless told otherwise: the MPL-2.0 release this repository tests. */
export const DEFAULT_AGENT_IMAGE = "hashicorp/vault:1.14.2";

export interface VaultKubernetesAuthOptions {
    /** The namespace the servers' pods run in: each server's service account is bound there. */
    namespace: string;
    /** The Kubernetes auth method's mount path. @default "kubernetes" */
    path?: string;
    /** The auth method is enabled and configured at `path` already: VaultPki only adds its roles. @default false */
    existing?: boolean;
    /** The Kubernetes API as Vault reaches it, for TokenReview (https). Required unless `existing`. */
    host?: string;
    /** The Kubernetes API's CA certificate (PEM). Omit only when Vault runs in the same cluster (it reads its own pod's). */
    caCertPem?: pulumi.Input<string>;
    /**
     * A token with TokenReview rights (ClusterRole `system:auth-delegator`) Vault calls the API with
     * (kept secret). Omit to let Vault use each login's own token: then every server's service
     * account needs `system:auth-delegator`.
     */
    tokenReviewerJwt?: pulumi.Input<string>;
    /** The audience of the pods' projected service-account tokens, and the only one Vault accepts. @default "vault" */
    audience?: string;
    /** The sidecar's image (Vault Agent, with /bin/sh). @default "hashicorp/vault:1.14.2" */
    agentImage?: string;
    /**
     * The sidecar's uid: the Consul container's (HardenedCluster `agentProcess.uid`), so Consul may
     * read the key the sidecar writes with mode 0600. @default 100
     */
    runAsUser?: number;
    /** The sidecar's gid: the Consul container's (`agentProcess.gid`). @default 1000 */
    runAsGroup?: number;
}

/** The Kubernetes options checked and defaulted (a type: not part of the option reference). */
export type CheckedKubernetesAuth = {
    namespace: string;
    path: string;
    existing: boolean;
    host?: string;
    caCertPem?: pulumi.Input<string>;
    tokenReviewerJwt?: pulumi.Input<string>;
    audience: string;
    agentImage: string;
    runAsUser: number;
    runAsGroup: number;
};

/** Kubernetes namespace and service-account names (RFC 1123 labels and subdomains). */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** An image reference: no spaces or quotes (it lands in a pod spec verbatim). */
const IMAGE = /^[A-Za-z0-9][A-Za-z0-9._\/:@-]*$/;

/** A service-account name Kubernetes takes (a DNS subdomain of at most 253 characters). */
export function isServiceAccountName(name: string): boolean {
    return name.length <= 253 && DNS_SUBDOMAIN.test(name);
}

/**
 * The `kubernetes` options checked; problems added to `p` under `prefix` (e.g. "vault.kubernetes").
 * `mountPathProblem` is the mount-path check shared with the AppRole path.
 */
export function checkKubernetesAuth(o: unknown, prefix: string, p: ProblemList, mountPathProblem: (value: unknown) => string | undefined): CheckedKubernetesAuth | undefined {
    if (typeof o !== "object" || o === null || Array.isArray(o)) {
        p.add(prefix, o, "must be an object naming the servers' namespace", '{ namespace: "consul", host: "https://kubernetes.example:6443", caCertPem }');
        return undefined;
    }
    const before = p.all.length;
    const k = o as VaultKubernetesAuthOptions;
    refuseUnknownKeys(k, KUBERNETES_KEYS, prefix, p);
    if (typeof k.namespace !== "string" || k.namespace.length > 63 || !DNS_LABEL.test(k.namespace))
        p.add(`${prefix}.namespace`, k.namespace, "not a Kubernetes namespace name (lower-case letters, digits and -, at most 63)", '"consul"');
    const path = k.path ?? "kubernetes";
    const pathProblem = mountPathProblem(path);
    if (pathProblem) p.add(`${prefix}.path`, path, pathProblem, '"kubernetes"');
    if (k.existing !== undefined && typeof k.existing !== "boolean") p.add(`${prefix}.existing`, k.existing, "must be true or false", "true");
    const existing = k.existing === true;
    if (existing) {
        for (const key of ["host", "caCertPem", "tokenReviewerJwt"] as const)
            if (k[key] !== undefined) {
                const why = "configures the auth method, which `existing: true` says is configured already";
                if (key === "tokenReviewerJwt") p.addSecret(`${prefix}.${key}`, "set", why, `remove ${key}, or remove existing`);
                else p.add(`${prefix}.${key}`, k[key], why, `remove ${key}, or remove existing`);
            }
    } else {
        const url = originUrl(k.host);
        if (!url)
            p.add(`${prefix}.host`, k.host, "not the Kubernetes API's URL (scheme, host and port only)", '"https://kubernetes.default.svc" (Vault in the cluster) or the API server\'s https URL');
        else if (url.protocol !== "https:")
            p.add(`${prefix}.host`, k.host, "the Kubernetes API without TLS: every server's service-account token would cross the network in clear", "use the API server's https URL");
    }
    const empty = (v: unknown) => typeof v === "string" && v.trim() === "";
    const caFix = "the API server's CA certificate (PEM), or leave it out when Vault runs in the cluster";
    if (empty(k.caCertPem)) p.add(`${prefix}.caCertPem`, k.caCertPem, "is empty", caFix);
    else if (k.caCertPem !== undefined) {
        const bad = certificatePemProblem(k.caCertPem);
        if (bad) p.add(`${prefix}.caCertPem`, bad.value, bad.problem, bad.problem === "not a PEM certificate" ? "the API server's CA certificate (-----BEGIN CERTIFICATE-----…)" : caFix);
    }
    const jwt = k.tokenReviewerJwt;
    const jwtProblem = empty(jwt) ? "is empty" : jwt !== undefined && !isStringInput(jwt) ? "must be a string (or an Output of one)" : undefined;
    if (jwtProblem) p.addSecret(`${prefix}.tokenReviewerJwt`, typeof jwt, jwtProblem, "a service-account token with system:auth-delegator, or leave it out");
    const audience = k.audience ?? "vault";
    if (typeof audience !== "string" || !/^[A-Za-z0-9._:\/-]{1,253}$/.test(audience))
        p.add(`${prefix}.audience`, audience, "not a token audience (letters, digits and . _ : / -)", '"vault"');
    const agentImage = k.agentImage ?? DEFAULT_AGENT_IMAGE;
    if (typeof agentImage !== "string" || !IMAGE.test(agentImage)) p.add(`${prefix}.agentImage`, agentImage, "not an image reference", `"${DEFAULT_AGENT_IMAGE}"`);
    const ids = { runAsUser: k.runAsUser ?? 100, runAsGroup: k.runAsGroup ?? 1000 };
    for (const [key, v] of Object.entries(ids))
        if (!Number.isInteger(v) || v < 1 || v > 2147483647)
            p.add(`${prefix}.${key}`, v, "must be a non-root id (a whole number from 1): the restricted Pod Security Standard refuses root", key === "runAsUser" ? "100 (the Consul container's uid)" : "1000");
    if (p.all.length > before) return undefined;
    return {
        namespace: k.namespace,
        path,
        existing,
        ...(existing ? {} : { host: k.host }),
        ...(k.caCertPem !== undefined ? { caCertPem: k.caCertPem } : {}),
        ...(k.tokenReviewerJwt !== undefined ? { tokenReviewerJwt: k.tokenReviewerJwt } : {}),
        audience,
        agentImage,
        ...ids,
    };
}
