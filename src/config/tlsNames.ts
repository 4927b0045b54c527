/** TLS version names as Consul spells them, oldest first. */
export const CONSUL_TLS_VERSIONS = ["TLSv1_0", "TLSv1_1", "TLSv1_2", "TLSv1_3"] as const;

/** The versions this library accepts (CSM-TLS-09: at least TLSv1_2). */
export const ACCEPTED_TLS_VERSIONS = ["TLSv1_2", "TLSv1_3"] as const;

/**
 * The modern AEAD suites Consul accepts for TLS 1.2 (CSM-TLS-09). Consul also knows CBC and
 * static-RSA suites; those are refused here, not merely warned about.
 */
export const AEAD_CIPHER_SUITES = [
    "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
    "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
    "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305",
    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
    "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
    "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305",
] as const;

/** Non-AEAD suites Consul knows; named so the error can say "known but weak" rather than "unknown". */
export const WEAK_CIPHER_SUITES = [
    "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
    "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256",
    "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
    "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
    "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
    "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
    "TLS_RSA_WITH_AES_128_CBC_SHA",
    "TLS_RSA_WITH_AES_128_CBC_SHA256",
    "TLS_RSA_WITH_AES_128_GCM_SHA256",
    "TLS_RSA_WITH_AES_256_CBC_SHA",
    "TLS_RSA_WITH_AES_256_GCM_SHA384",
] as const;
