/** TLS version names as Consul spells them, oldest first. */
export const CONSUL_TLS_VERSIONS = ["TLSv1_0", "TLSv1_1", "TLSv1_2", "TLSv1_3"] as const;

/** The versions this library accepts (CSM-TLS-09: at least TLSv1_2). */
export const ACCEPTED_TLS_VERSIONS = ["TLSv1_2", "TLSv1_3"] as const;

/**
 * The version a `tls_min_version` value means: "" and "TLS_AUTO" are TLS 1.2 in Consul 1.16
 * (builder.go tlsVersion: "" is TLSVersionAuto; tlsutil/config.go goTLSVersions: Auto is
 * tls.VersionTLS12). A stanza's "" does not inherit tls.defaults: it is Auto.
 */
export function meantTlsVersion(v: string | undefined): string | undefined {
    return v === "" || v === "TLS_AUTO" ? "TLSv1_2" : v;
}

/**
 * The AEAD suites Consul's agent accepts for TLS 1.2 (CSM-TLS-09), spelled as Consul 1.16 spells
 * them (types/tls.go, `consulAgentTLSCipherSuites`: ChaCha20 names end in `_SHA256`).
 */
export const AEAD_CIPHER_SUITES = [
    "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
    "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
    "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
    "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
    "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
] as const;

/**
 * The CBC suites Consul's agent also accepts (same list); named so the error can say "known but
 * weak" rather than "unknown". Every other name — the static-RSA suites Consul lists for Envoy
 * only, Go's `…_CHACHA20_POLY1305` spelling — `consul validate` refuses.
 */
export const WEAK_CIPHER_SUITES = [
    "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
    "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
    "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
    "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
] as const;

/**
 * Every suite name Consul's agent accepts in tls_cipher_suites — the AEAD and the CBC ones
 * (tlsutil/config.go, `goTLSCipherSuites`; `cipherSuiteLookup` refuses any other name).
 */
export const CONSUL_CIPHER_SUITES: readonly string[] = [...AEAD_CIPHER_SUITES, ...WEAK_CIPHER_SUITES];
