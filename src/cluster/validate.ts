import { ProblemList } from "../errors";
import { CertificateAuthorityArgs, validateCertificateAuthorityArgs } from "../tls/certificateAuthority";
import { validateCaGenerations } from "../tls/rollover/plan";
import { validateSans } from "../tls/agentCertificate";
import { validateKeyOptions } from "../tls/keyOptions";
import {
    DEFAULT_CA_EARLY_RENEWAL_HOURS,
    DEFAULT_CA_VALIDITY_HOURS,
    DEFAULT_CERT_VALIDITY_HOURS,
    MAX_CERT_VALIDITY_HOURS,
    validateEarlyRenewal,
    validateHours,
} from "../tls/validity";
import { validateGenerations } from "../gossip/rotation";
import { DEFAULT_GENERATIONS } from "../gossip/keyring";
import { federationKeysProblem } from "./lateChecks";
import { refuseUnknownClusterKeys } from "./optionKeys";
import { certificatePemProblem, isPlain, isStringInput } from "../validation/whenKnown";
import { addCaProblems, caConstraints, existingCaProblems, namePermitted } from "../tls/existingCa";
import { leafNameInput, plannedLeafNames } from "./leafNames";
import { validateAgentTokenGenerations } from "../secrets/bootstrapSecrets";
import { checkedSeed } from "../secrets/seed";
import { CONSUL_UUID } from "../secrets/derive";
import { AEAD_CIPHER_SUITES, ACCEPTED_TLS_VERSIONS, CONSUL_TLS_VERSIONS, WEAK_CIPHER_SUITES } from "../config/tlsNames";
import { AGENT_CONFIG_KEYS } from "../config/schema";
import { ConsulLine, consulLineOf, ConsulVersionError, keyTableOf, NEWEST_CONSUL_LINE } from "../config/consulVersion";
import { builderValueRefusals } from "../config/consulBuilder";
import { DEPRECATED_KEYS } from "../audit/deprecated";
import { isPlainObject } from "../config/merge";
import { isCidr, isIpAddress, isLoopbackAddress } from "../validation/net";
import { unrestrictedWrites } from "../validation/writeNetworks";
import { DATACENTER_NAME, DOMAIN_NAME, NODE_NAME } from "../validation/names";
import { DEFAULT_PATHS, DEFAULT_PORTS, LOOPBACK_HTTP_PORT } from "../config/settings";
import { ClusterPorts, HardenedClusterArgs } from "./options";

export const MAX_SERVERS = 7;
const LOG_LEVELS = ["TRACE", "DEBUG", "INFO", "WARN", "ERR"];
const DURATION = /^\d+(ms|s|m|h)$/;
/** Keys the library derives from options; overriding them would desynchronise certs, tokens and configs. */
const MANAGED_KEYS = ["datacenter", "primary_datacenter", "domain", "node_name", "server", "bootstrap_expect", "encrypt", "acl.tokens"];

/**
 * Keys an override would get wrong because the library renders them from options other parts of
 * the bundle read too (or because one value in a role's override reaches every node of the role):
 * each with why and the option to use instead.
 */
const OPTION_KEYS: Record<string, { why: string; fix: string }> = Object.fromEntries([
    ...["bind_addr", "advertise_addr", "advertise_addr_wan", "advertise_addr_ipv4", "advertise_addr_ipv6", "advertise_addr_wan_ipv4", "advertise_addr_wan_ipv6", "serf_lan", "serf_wan", "node_id"].map((k) => [
        k,
        { why: "a per-node value: one override reaches every agent of the role, so all would claim the same one", fix: "use serverAddresses (each server its own address); clients take their host's address when it is left out" },
    ]),
    ["data_dir", { why: "the systemd unit, tmpfiles.d and the pod security context allow writes to paths.dataDir only: the agent could not write elsewhere", fix: "use paths.dataDir" }],
    ["retry_join", { why: "rendered from retryJoin (or serverAddresses)", fix: "use retryJoin" }],
    ...["https", "grpc_tls", "server", "serf_lan", "serf_wan", "dns"].map((k) => [
        `ports.${k}`,
        { why: "the provider arguments, the probe, the systemd unit (a port below 1024 needs its capability) and retry_join read the ports option, not an override", fix: `use ports.${k === "grpc_tls" ? "grpcTls" : k === "serf_lan" ? "serfLan" : k === "serf_wan" ? "serfWan" : k} (with insecure.dnsBelow1024 for DNS below 1024)` },
    ]),
]);

/** Options whose values are blocks of options (objects), by path. */
const OBJECT_BLOCKS = ["ports", "tls", "ca", "ca.key", "ca.existing", "certificates", "certificates.key", "gossip", "federation", "limits", "limits.server", "limits.client", "overrides", "insecure", "paths", "agentProcess", "agentTokenGenerations"];

/** Refuses an option block given as something else than an object (null, a string, a list). */
function refuseNonObjectBlocks(args: HardenedClusterArgs, p: ProblemList): void {
    for (const path of OBJECT_BLOCKS) {
        const parts = path.split(".");
        const parent = parts.slice(0, -1).reduce<any>((o, k) => (o && typeof o === "object" ? o[k] : undefined), args);
        const value = parent && typeof parent === "object" ? parent[parts[parts.length - 1]] : undefined;
        if (value !== undefined && (value === null || typeof value !== "object" || Array.isArray(value)))
            p.add(path, value, "must be an object of options", "see the option reference (docs/options.md) for its fields, or leave it out");
    }
}

/**
 * Validates every HardenedCluster option before any resource exists. Collects all problems and
 * throws one `ConsulHardenedOptionError` listing them.
 */
export function validateClusterArgs(args: HardenedClusterArgs, component = "HardenedCluster"): void {
    const p = new ProblemList();
    if (args === undefined || args === null || typeof args !== "object") {
        p.add("args", args, "options are required", '{ datacenter: "dc1" }');
        p.throwIfAny(component);
    }
    // Option blocks that are no objects are refused first: the checks below read inside them
    // (a null `limits.server` must be a problem, not a TypeError).
    refuseNonObjectBlocks(args, p);
    refuseUnknownClusterKeys(args, p);
    p.throwIfAny(component);
    const nodes = validateIdentity(args, p);
    const before = p.all.length;
    validateNetwork(args, p);
    validateTls(args, p);
    validateCa(args, p);
    // A brought CA is checked against the certificates it will sign once the rest is sound.
    if (p.all.length === before && !vaultCertificates(args)) validateExistingCa(args, p);
    if (args.gossip?.generations !== undefined) validateGenerations(args.gossip.generations, "gossip.generations", p);
    if (args.tokenGeneration !== undefined && (!Number.isInteger(args.tokenGeneration) || args.tokenGeneration < 1))
        p.add("tokenGeneration", args.tokenGeneration, "must be a whole number from 1", "use 1, then 2 to rotate every token");
    validateAgentTokenGenerations(args.agentTokenGenerations, nodes, "agentTokenGenerations", p);
    checkedSeed(args.secretSeed, "secretSeed", p);
    validateFederation(args, p);
    validateLimits(args, p);
    if (args.logLevel !== undefined && !LOG_LEVELS.includes(args.logLevel))
        p.add("logLevel", args.logLevel, "unknown log level", `use one of ${LOG_LEVELS.join(", ")}`);
    validateOverrides(args, p, consulLineIn(args, p));
    validateInsecure(args, p);
    validateAgentProcess(args, p);
    p.throwIfAny(component);
}

/** Returns every node name the cluster will have, for options that refer to nodes. */
function validateIdentity(a: HardenedClusterArgs, p: ProblemList): Set<string> {
    if (typeof a.datacenter !== "string" || !DATACENTER_NAME.test(a.datacenter))
        p.add("datacenter", a.datacenter, "Consul datacenter names match ^[a-z0-9_-]+$", 'use e.g. "dc1"');
    if (a.domain !== undefined && (typeof a.domain !== "string" || !DOMAIN_NAME.test(a.domain)))
        p.add("domain", a.domain, "not a lower-case DNS domain", 'use e.g. "consul" (no trailing dot)');
    const servers = a.servers ?? 3;
    const countOk = Number.isInteger(servers) && servers >= 1 && servers <= MAX_SERVERS && servers % 2 === 1;
    if (!countOk)
        p.add("servers", a.servers, "must be an odd whole number from 1 to 7 (Raft quorum; even counts add no fault tolerance)", "use 1, 3, 5 or 7");
    const names = nodeNameList(a.serverNodeNames, "serverNodeNames", countOk ? servers : undefined, p);
    const clients = nodeNameList(a.clientNodeNames, "clientNodeNames", undefined, p);
    const serverNames = new Set(names ?? defaultServerNames(countOk ? servers : 0));
    clients?.forEach((n, i) => {
        if (serverNames.has(n)) p.add(`clientNodeNames[${i}]`, n, "also a server node name", "node names must be unique across the cluster");
    });
    validateSans(a.extraServerDnsNames, a.extraServerIpAddresses, "extraServerDnsNames", "extraServerIpAddresses", p);
    // verify_server_hostname trusts `server.<dc>.<domain>`: that name of another datacenter on this
    // one's servers would let them pose as that datacenter's servers (CSM-TLS-07).
    const domain = typeof a.domain === "string" ? a.domain : "consul";
    if (Array.isArray(a.extraServerDnsNames))
        a.extraServerDnsNames.forEach((name, i) => {
            const other = typeof name === "string" ? new RegExp(`^server\\.([^.]+)\\.${domain.replace(/\./g, "\\.")}\\.?$`, "i").exec(name) : null;
            if (other && other[1].toLowerCase() !== String(a.datacenter).toLowerCase())
                p.add(`extraServerDnsNames[${i}]`, name, `the name of datacenter ${other[1]}'s servers: this datacenter's servers would pass verify_server_hostname as ${other[1]}'s (CSM-TLS-07)`, `remove it; each datacenter's servers carry server.${String(a.datacenter)}.${domain} already`);
        });
    return new Set([...serverNames, ...(clients ?? [])]);
}

export function defaultServerNames(n: number): string[] {
    return Array.from({ length: n }, (_, i) => `consul-server-${i + 1}`);
}

function nodeNameList(list: unknown, option: string, expected: number | undefined, p: ProblemList): string[] | undefined {
    if (list === undefined) return undefined;
    if (!Array.isArray(list)) {
        p.add(option, list, "must be a list of node names", '["node-1", "node-2"]');
        return undefined;
    }
    if (expected !== undefined && list.length !== expected)
        p.add(option, list, `has ${list.length} names for ${expected} servers`, `give exactly ${expected} names, or set servers: ${list.length}`);
    const seen = new Set<string>();
    list.forEach((n, i) => {
        if (typeof n !== "string" || !NODE_NAME.test(n))
            p.add(`${option}[${i}]`, n, "not a DNS label (letters, digits, dashes; 1-63 characters)", 'use e.g. "consul-server-1"');
        else if (seen.has(n)) p.add(`${option}[${i}]`, n, "duplicate node name", "give every node its own name");
        seen.add(n);
    });
    return list as string[];
}

function validateNetwork(a: HardenedClusterArgs, p: ProblemList): void {
    const servers = a.servers ?? 3;
    if (a.serverAddresses !== undefined) {
        if (!Array.isArray(a.serverAddresses)) p.add("serverAddresses", a.serverAddresses, "must be a list of IPs", '["10.0.0.10"]');
        else {
            if (a.serverAddresses.length !== servers)
                p.add("serverAddresses", a.serverAddresses, `has ${a.serverAddresses.length} addresses for ${servers} servers`, `give exactly ${servers}`);
            const seen = new Set<string>();
            a.serverAddresses.forEach((addr, i) => {
                if (typeof addr !== "string" || !isIpAddress(addr) || addr === "0.0.0.0" || addr === "::")
                    p.add(`serverAddresses[${i}]`, addr, "must be a concrete IP address (Consul cannot advertise 0.0.0.0)", 'use e.g. "10.0.0.10"');
                else if (seen.has(addr)) p.add(`serverAddresses[${i}]`, addr, "duplicate address", "each server needs its own address");
                seen.add(addr);
            });
        }
    }
    stringList(a.retryJoin, "retryJoin", p);
    if (a.serverApiAddress !== undefined && (typeof a.serverApiAddress !== "string" || !isIpAddress(a.serverApiAddress)))
        p.add("serverApiAddress", a.serverApiAddress, "must be an IP address", 'use "0.0.0.0" (all interfaces) or a specific IP');
    else if (a.serverApiAddress !== undefined && !["0.0.0.0", "::"].includes(a.serverApiAddress) && (a.servers ?? 3) > 1)
        p.add("serverApiAddress", a.serverApiAddress, `one address for ${a.servers ?? 3} servers: only one host has it, every other server fails to bind its HTTPS and gRPC-TLS listeners`, 'use "0.0.0.0" or "::" (the listeners still require client certificates), or one server');
    for (const option of ["allowWriteHttpFrom", "adminNetworks"] as const) {
        const list = a[option];
        if (list === undefined) continue;
        if (!Array.isArray(list) || (option === "allowWriteHttpFrom" && list.length === 0))
            p.add(option, list, `must be a${option === "allowWriteHttpFrom" ? " non-empty" : ""} list of CIDRs (CSM-HTTP-02)`, '["10.0.0.0/24"]');
        else
            list.forEach((c, i) => {
                if (typeof c !== "string" || !isCidr(c)) p.add(`${option}[${i}]`, c, "not a CIDR", 'use e.g. "10.0.0.5/32"');
            });
    }
    // Judged on the union, as Consul matches clients: two halves admit as much as 0.0.0.0/0.
    const lists = { allowWriteHttpFrom: a.allowWriteHttpFrom, adminNetworks: a.adminNetworks };
    const cidrs = (l: unknown) => (Array.isArray(l) ? l.filter((c): c is string => typeof c === "string" && isCidr(c)) : []);
    const fix = "list the admin hosts' networks, e.g. \"10.0.0.0/24\"";
    const alone = (Object.keys(lists) as (keyof typeof lists)[]).filter((k) => unrestrictedWrites(cidrs(lists[k])));
    for (const k of alone) p.add(k, lists[k], unrestrictedWrites(cidrs(lists[k]))!, fix);
    const together = [...cidrs(a.allowWriteHttpFrom), ...cidrs(a.adminNetworks)];
    if (alone.length === 0 && unrestrictedWrites(together)) p.add("allowWriteHttpFrom + adminNetworks", together, unrestrictedWrites(together)!, fix);
    validatePorts(a, p);
    for (const [key, value] of Object.entries(a.paths ?? {})) {
        if (value !== undefined && (typeof value !== "string" || !/^\/[^\s"'\\]*$/.test(value)))
            p.add(`paths.${key}`, value, "must be an absolute path without spaces or quotes", 'use e.g. "/etc/consul.d/tls"');
    }
}

function validatePorts(a: HardenedClusterArgs, p: ProblemList): void {
    const known: (keyof ClusterPorts)[] = ["dns", "https", "grpcTls", "serfLan", "serfWan", "server"];
    const given = a.ports ?? {};
    const used = new Map<number, string>();
    if (a.insecure?.plaintextHttpOnLoopback) used.set(LOOPBACK_HTTP_PORT, "insecure.plaintextHttpOnLoopback (http)");
    for (const key of known) {
        const value = given[key] ?? DEFAULT_PORTS[key];
        if (!Number.isInteger(value) || value < 1 || value > 65535) {
            p.add(`ports.${key}`, value, "must be a port number from 1 to 65535", `use e.g. ${DEFAULT_PORTS[key]}`);
            continue;
        }
        const clash = used.get(value);
        if (clash) p.add(`ports.${key}`, value, `clashes with ${clash}`, "give every listener its own port");
        used.set(value, `ports.${key}`);
    }
}

function validateTls(a: HardenedClusterArgs, p: ProblemList): void {
    const t = a.tls ?? {};
    const version = t.minVersion ?? "TLSv1_3";
    if (!(ACCEPTED_TLS_VERSIONS as readonly string[]).includes(version)) {
        const old = (CONSUL_TLS_VERSIONS as readonly string[]).includes(version);
        p.add("tls.minVersion", version, old ? "below TLSv1_2 (CSM-TLS-09)" : "not a TLS version name Consul knows", 'use "TLSv1_3" (default) or "TLSv1_2"');
    } else if (version === "TLSv1_2" && !a.insecure?.allowTls12) {
        p.add("tls.minVersion", version, "weakens the library default TLSv1_3 (CSM-TLS-09)", "also set insecure.allowTls12: true, or remove tls.minVersion");
    }
    if (t.cipherSuites !== undefined) {
        if (version === "TLSv1_3")
            p.add("tls.cipherSuites", t.cipherSuites, "Consul refuses tls_cipher_suites with TLSv1_3 (its suites are fixed)", "remove tls.cipherSuites");
        if (!Array.isArray(t.cipherSuites) || t.cipherSuites.length === 0)
            p.add("tls.cipherSuites", t.cipherSuites, "must be a non-empty list", `use names from ${AEAD_CIPHER_SUITES.join(", ")}`);
        else
            t.cipherSuites.forEach((c, i) => {
                if ((AEAD_CIPHER_SUITES as readonly string[]).includes(c)) return;
                const weak = (WEAK_CIPHER_SUITES as readonly string[]).includes(c);
                const consulSpelling = `${c}_SHA256`;
                if ((AEAD_CIPHER_SUITES as readonly string[]).includes(consulSpelling))
                    p.add(`tls.cipherSuites[${i}]`, c, "Go's name for the suite; Consul 1.16 refuses it", `use "${consulSpelling}" (Consul's spelling)`);
                else p.add(`tls.cipherSuites[${i}]`, c, weak ? "not an AEAD suite (CSM-TLS-09)" : "not a cipher suite Consul's agent accepts", `use one of ${AEAD_CIPHER_SUITES.join(", ")}`);
            });
    }
}

/** True when the servers' certificates come from Vault (`certificates.source: "vault-pki"`). */
export function vaultCertificates(a: HardenedClusterArgs): boolean {
    return a.certificates?.source === "vault-pki";
}

/**
 * `certificates.source: "vault-pki"`: Vault issues every certificate, so the options of the CA and
 * the certificates made here have nothing to describe — refused rather than ignored.
 */
function validateVaultSource(a: HardenedClusterArgs, p: ProblemList): void {
    const c = a.certificates!;
    const pem = c.vaultCaPem;
    if (pem === undefined) p.add("certificates.vaultCaPem", undefined, "Vault issues the certificates, so the agents need its issuing CA", "vaultCaPem: pki.caPem (the VaultPki's)");
    else {
        const bad = certificatePemProblem(pem);
        if (bad) p.add("certificates.vaultCaPem", bad.value, bad.problem, "vaultCaPem: pki.caPem (the VaultPki's)");
    }
    const cli = c.cliCertificate;
    const fromPki = "cliCertificate: pki.cliCertificate (the VaultPki's)";
    if (cli === undefined) p.add("certificates.cliCertificate", undefined, "the servers require a client certificate, and Vault issues it: providerArgs and aclArgsFromCluster connect with it", fromPki);
    else if (typeof cli !== "object" || cli === null || cli.certPem === undefined || cli.keyPem === undefined) p.add("certificates.cliCertificate", "(incomplete)", "must be { certPem, keyPem }", fromPki);
    else {
        const bad = certificatePemProblem(cli.certPem);
        if (bad) p.add("certificates.cliCertificate.certPem", bad.value, bad.problem, fromPki);
        if (!isStringInput(cli.keyPem)) p.addSecret("certificates.cliCertificate.keyPem", typeof cli.keyPem, "must be a string (or an Output of one)", fromPki);
    }
    for (const key of ["key", "validityHours", "earlyRenewalHours"] as const)
        if (c[key] !== undefined) p.add(`certificates.${key}`, c[key], "describes a certificate made here; with source \"vault-pki\" Vault issues them (VaultPki's ttl, maxTtl)", `remove certificates.${key}`);
    if (a.ca !== undefined) p.add("ca", "(set)", "describes the CA made here; with certificates.source \"vault-pki\" Vault's mount is the CA", "remove ca (VaultPki's existingMount brings a CA of your own)");
}

function validateCa(a: HardenedClusterArgs, p: ProblemList): void {
    const c = a.certificates ?? {};
    if (c.source !== undefined && c.source !== "state" && c.source !== "vault-pki")
        return p.add("certificates.source", c.source, "not a certificate source", '"state" (a CA in Pulumi state) or "vault-pki" (VaultPki)');
    if (vaultCertificates(a)) return validateVaultSource(a, p);
    for (const key of ["vaultCaPem", "cliCertificate"] as const)
        if (c[key] !== undefined) p.add(`certificates.${key}`, "(set)", "only for certificates from Vault", `add source: "vault-pki", or remove ${key}`);
    validateKeyOptions(c.key, "certificates.key", p);
    validateHours(c.validityHours, "certificates.validityHours", MAX_CERT_VALIDITY_HOURS, p);
    const validity = typeof c.validityHours === "number" ? c.validityHours : DEFAULT_CERT_VALIDITY_HOURS;
    validateEarlyRenewal(c.earlyRenewalHours, validity, "certificates.earlyRenewalHours", p);
    validateCaGenerations(a.ca?.generations, a.ca?.signing, "ca.", p);
    if (a.ca?.generations) {
        const single = (["key", "validityHours", "earlyRenewalHours", "protectKey", "existing"] as const).filter((k) => a.ca?.[k] !== undefined);
        if (single.length > 0)
            p.add(`ca.${single[0]}`, single.join(", "), "with ca.generations, every CA's options belong to its generation", `move ${single.join(", ")} into the generation they describe`);
    }
    caOptionSets(a).forEach(({ ca, prefix }) => {
        validateCertificateAuthorityArgs(ca, prefix, p);
        const caRenewal = ca.earlyRenewalHours ?? DEFAULT_CA_EARLY_RENEWAL_HOURS;
        if (!ca.existing && typeof caRenewal === "number" && typeof validity === "number" && caRenewal < validity)
            p.add(`${prefix}earlyRenewalHours`, caRenewal, `shorter than the agents' certificate validity (${validity}h): a certificate signed just before the CA's renewal would outlive it`, `use at least ${validity}`);
        const caHours = ca.validityHours ?? DEFAULT_CA_VALIDITY_HOURS;
        // The default certificate validity counts too: a short-lived CA must not sign year-long leaves.
        if (!ca.existing && typeof validity === "number" && typeof caHours === "number" && validity >= caHours)
            p.add("certificates.validityHours", validity, `outlives the CA (${prefix}validityHours ${caHours}): agents reject a certificate whose CA has expired`, `use less than ${caHours}, or a longer-lived CA`);
    });
}

/** The cluster's CA options with the option prefix a problem names: `ca.` or `ca.generations[i].`. */
function caOptionSets(a: HardenedClusterArgs): { ca: CertificateAuthorityArgs; prefix: string }[] {
    if (!Array.isArray(a.ca?.generations)) return [{ ca: a.ca ?? {}, prefix: "ca." }];
    return a.ca.generations.map((g, i) => ({ ca: g ?? {}, prefix: `ca.generations[${i}].` }));
}

function validateExistingCa(a: HardenedClusterArgs, p: ProblemList): void {
    for (const { ca, prefix } of caOptionSets(a)) {
        const existing = ca.existing;
        // A certificate given as an Output is checked once known (HardenedCluster), before any leaf is signed.
        if (!existing || typeof existing.certPem !== "string") continue;
        const constraints = caConstraints(existing.certPem);
        const serverNodeNames = a.serverNodeNames ?? defaultServerNames(a.servers ?? 3);
        const dropped = serverNodeNames.some((n) => !namePermitted(constraints, n));
        if (dropped && !a.serverAddresses && !a.extraServerDnsNames?.length)
            p.add(
                "serverAddresses",
                undefined,
                `the CA's name constraints (${prefix}existing) exclude the bare node names, so server certificates leave them out and providerArgs.address (a node name) would fail hostname verification`,
                "set serverAddresses (their IPs go into the certificates), or an extraServerDnsNames entry inside the CA's constraints",
            );
        const plan = plannedLeafNames(leafNameInput(a, serverNodeNames, constraints));
        const key = typeof existing.privateKeyPem === "string" ? existing.privateKeyPem : undefined;
        addCaProblems(existingCaProblems(existing.certPem, key, plan), p, `${prefix}existing`);
    }
}

function validateFederation(a: HardenedClusterArgs, p: ProblemList): void {
    const f = a.federation;
    if (!f) return;
    const primary = f.primaryDatacenter ?? a.datacenter;
    if (typeof primary !== "string" || !DATACENTER_NAME.test(primary))
        p.add("federation.primaryDatacenter", primary, "Consul datacenter names match ^[a-z0-9_-]+$", 'use e.g. "dc1"');
    const secondary = primary !== a.datacenter;
    if (secondary && f.replicationToken === undefined)
        p.add("federation.replicationToken", undefined, `datacenter ${a.datacenter} is secondary to ${primary} and cannot replicate ACLs without a token`, "pass the primary's replication token (e.g. from a StackReference)");
    if (secondary && f.gossipKeys === undefined)
        p.add("federation.gossipKeys", undefined, `datacenter ${a.datacenter} would make its own gossip key, and WAN gossip with ${primary} needs one keyring ("No installed keys could decrypt the message")`, "pass the primary's keys: federation.gossipKeys = primary.gossipKeys, with the same gossip.generations");
    // One trust domain by construction: a secondary's servers present certificates the primary's
    // agents must verify (WAN gossip joins without TLS, then ACL replication and ?dc= requests fail
    // with "x509: certificate signed by unknown authority").
    const brought = a.ca?.existing !== undefined || (Array.isArray(a.ca?.generations) && a.ca.generations.length > 0 && a.ca.generations.every((g) => g?.existing !== undefined));
    // With certificates from Vault the trust is Vault's mount: give both datacenters' VaultPki the same one.
    if (secondary && !brought && !vaultCertificates(a))
        p.add("ca.existing", undefined, `datacenter ${a.datacenter} is secondary to ${primary} and would make a CA of its own: servers of the two datacenters would not trust each other (ACL replication and ?dc= requests fail with "x509: certificate signed by unknown authority")`, `bring the primary's CA: ca: { existing: { certPem: primary.caCertPem, privateKeyPem: primary.caPrivateKeyPem } }`);
    if (f.gossipKeys !== undefined && !secondary)
        p.add("federation.gossipKeys", "(set)", "only a secondary datacenter takes the primary's keyring", "remove it here, or set primaryDatacenter to the primary's name");
    if (f.gossipKeys !== undefined)
        (a.gossip?.generations ?? []).forEach((g, i) => {
            if (g?.key !== undefined) p.addSecret(`gossip.generations[${i}].key`, "a key", "a secondary datacenter's keys come from federation.gossipKeys", "remove the key; the primary's keyring supplies it");
        });
    if (f.gossipKeys !== undefined && secondary && isPlain(f.gossipKeys) && Array.isArray(a.gossip?.generations ?? [])) {
        const bad = federationKeysProblem(f.gossipKeys, a.gossip?.generations ?? DEFAULT_GENERATIONS);
        if (bad) p.addSecret(bad.option ?? "federation.gossipKeys", bad.value, bad.problem, bad.fix);
    }
    if (!secondary && f.replicationToken !== undefined)
        p.addSecret("federation.replicationToken", "a token", "a primary datacenter does not replicate ACLs", "remove it, or set primaryDatacenter to the primary's name");
    if (typeof f.replicationToken === "string" && !CONSUL_UUID.test(f.replicationToken))
        p.addSecret("federation.replicationToken", `${f.replicationToken.length} characters`, "not a Consul SecretID (a UUID: 8-4-4-4-12 hex digits)", "pass the primary's replication token as AclSystem outputs it");
    stringList(f.retryJoinWan, "federation.retryJoinWan", p);
}

function validateLimits(a: HardenedClusterArgs, p: ProblemList): void {
    for (const role of ["server", "client"] as const) {
        const limits = a.limits?.[role];
        if (limits === undefined) continue;
        for (const [key, value] of Object.entries(limits)) {
            const option = `limits.${role}.${key}`;
            if (!(key in AGENT_CONFIG_KEYS.limits)) p.add(option, value, "not a Consul limits key", `use one of ${Object.keys(AGENT_CONFIG_KEYS.limits).join(", ")}`);
            else if (key.endsWith("_timeout")) {
                if (typeof value !== "string" || !DURATION.test(value)) p.add(option, value, "must be a duration", 'use e.g. "5s"');
            } else if (typeof value !== "number" || !(value > 0) || !Number.isFinite(value))
                p.add(option, value, "must be a positive number (an unset or zero limit is no limit, CSM-LIM-*)", "use e.g. 100");
        }
    }
}

/** `consulVersion` as a release line; a version the library does not know is a problem (and 1.16 is judged meanwhile). */
function consulLineIn(a: HardenedClusterArgs, p: ProblemList): ConsulLine {
    if (a.consulVersion === undefined) return NEWEST_CONSUL_LINE;
    try {
        return consulLineOf(a.consulVersion, "consulVersion");
    } catch (e) {
        if (!(e instanceof ConsulVersionError)) throw e;
        p.add("consulVersion", a.consulVersion, e.message.replace(/^consulVersion: /, ""), 'use a line from "1.14" to "1.22" (or a release of one, e.g. "1.21.5")');
        return NEWEST_CONSUL_LINE;
    }
}

function validateOverrides(a: HardenedClusterArgs, p: ProblemList, line: ConsulLine): void {
    const table = keyTableOf(line);
    for (const role of ["server", "client"] as const) {
        const o = a.overrides?.[role];
        if (o === undefined) continue;
        if (!isPlainObject(o)) {
            p.add(`overrides.${role}`, o, "must be an object of Consul config keys", "{ log_level: \"WARN\" }");
            continue;
        }
        // Every key the agents' Consul accepts is welcome (the audit's table for consulVersion); the guard then judges the result.
        for (const path of table.invalidKeys(o))
            p.add(`overrides.${role}.${path}`, "(set)", `Consul ${line} rejects this key (invalid config key)`, "remove it, or check its spelling against Consul's agent configuration reference");
        const decoded = table.decode(o);
        for (const e of decoded.errors)
            p.add(`overrides.${role}.${e.path}`, "(set)", `Consul ${line} cannot read this value: ${e.message}`, "write it in the type Consul's agent configuration reference gives");
        for (const r of builderValueRefusals(decoded.config, table)) p.add(`overrides.${role}.${r.path}`, "(set)", `Consul ${line} refuses it: ${r.message}`, r.fix);
        for (const key of Object.keys(o).filter((k) => k in DEPRECATED_KEYS))
            p.add(`overrides.${role}.${key}`, "(set)", `deprecated: Consul translates it to ${DEPRECATED_KEYS[key]}, which the library renders`, `write ${DEPRECATED_KEYS[key]} instead`);
        for (const key of MANAGED_KEYS) {
            const [head, tail] = key.split(".");
            const v = (o as Record<string, any>)[head];
            if (v !== undefined && (tail === undefined || (isPlainObject(v) && v[tail] !== undefined)))
                p.add(`overrides.${role}.${key}`, "(set)", "managed by the library from its options; overriding it desynchronises certificates, tokens and configs", "use the matching HardenedCluster option");
        }
        // Files the agent writes: the systemd unit (ProtectSystem=strict, ReadWritePaths) and the
        // pod's read-only root file system let it write under paths.dataDir only.
        const dataDir = (a.paths?.dataDir ?? DEFAULT_PATHS.dataDir).replace(/\/+$/, "");
        for (const key of ["pid_file", "log_file"]) {
            const v = (o as Record<string, unknown>)[key];
            if (typeof v === "string" && v !== "" && !(v.startsWith(`${dataDir}/`) && !v.split("/").includes("..")))
                p.add(`overrides.${role}.${key}`, v, `the agent may write under paths.dataDir (${dataDir}) only: the systemd unit (ProtectSystem=strict, ReadWritePaths) and the pod's read-only root file system refuse writes elsewhere, and the agent would fail to start`, `put it under ${dataDir}/, e.g. "${dataDir}/${key === "pid_file" ? "consul.pid" : "logs/"}"`);
        }
        for (const [key, { why, fix }] of Object.entries(OPTION_KEYS)) {
            const [head, tail] = key.split(".");
            const v = (o as Record<string, any>)[head];
            if (v !== undefined && (tail === undefined || (isPlainObject(v) && v[tail] !== undefined)))
                p.add(`overrides.${role}.${key}`, tail === undefined ? v : v[tail], why, fix);
        }
    }
}

function validateInsecure(a: HardenedClusterArgs, p: ProblemList): void {
    // (Unknown keys were refused with the rest: optionKeys.ts.)
    for (const [key, value] of Object.entries(a.insecure ?? {})) {
        if (key === "clientApiAddress") {
            if (typeof value !== "string" || !isIpAddress(value) || isLoopbackAddress(value))
                p.add("insecure.clientApiAddress", value, "must be a non-loopback IP (loopback is already the default)", 'use e.g. "0.0.0.0", or remove it');
        } else if (typeof value !== "boolean") p.add(`insecure.${key}`, value, "must be true or false", "use true, or remove it");
    }
}

function stringList(list: unknown, option: string, p: ProblemList): void {
    if (list === undefined) return;
    if (!Array.isArray(list)) return p.add(option, list, "must be a list of strings", '["10.0.0.10"]');
    list.forEach((v, i) => {
        if (typeof v !== "string" || v.trim() === "") p.add(`${option}[${i}]`, v, "must be a non-empty string", 'use e.g. "10.0.0.10"');
    });
}

const SYSTEM_NAME = /^[a-z_][a-z0-9_-]{0,30}$/;

/** The systemd unit's user, binary and paths, and the one capability a port below 1024 needs. */
function validateAgentProcess(a: HardenedClusterArgs, p: ProblemList): void {
    const proc = a.agentProcess ?? {};
    for (const key of ["user", "group"] as const) {
        const v = proc[key];
        if (v === undefined) continue;
        if (typeof v !== "string" || !SYSTEM_NAME.test(v)) p.add(`agentProcess.${key}`, v, "not a system user/group name", 'use e.g. "consul"');
        else if (v === "root") p.add(`agentProcess.${key}`, v, "the agent never runs as root (CSM-OS-01)", 'use an unprivileged account, e.g. "consul"');
    }
    if (proc.binary !== undefined && (typeof proc.binary !== "string" || !/^\/[^\s"'\\]*$/.test(proc.binary)))
        p.add("agentProcess.binary", proc.binary, "must be an absolute path without spaces or quotes", 'use e.g. "/usr/bin/consul"');
    for (const key of ["uid", "gid"] as const) {
        const v = proc[key];
        if (v !== undefined && (typeof v !== "number" || !Number.isInteger(v) || v < 1 || v > 2147483647))
            p.add(`agentProcess.${key}`, v, key === "uid" ? "must be a non-root user id (restricted Pod Security: runAsUser ≠ 0)" : "must be a group id from 1", "use e.g. 100 (uid) / 1000 (gid), the official image's");
    }
    const dataDir = a.paths?.dataDir ?? DEFAULT_PATHS.dataDir;
    const configDir = a.paths?.configDir ?? DEFAULT_PATHS.configDir;
    if (typeof dataDir === "string" && typeof configDir === "string" && (dataDir === configDir || dataDir.startsWith(`${configDir.replace(/\/$/, "")}/`)))
        p.add("paths.dataDir", dataDir, `inside paths.configDir (${configDir}), which the agent may only read`, 'use a directory of its own, e.g. "/opt/consul/data"');
    const dns = a.ports?.dns ?? 8600;
    if (typeof dns === "number" && dns > 0 && dns < 1024 && !a.insecure?.dnsBelow1024)
        p.add("ports.dns", dns, "a port below 1024 needs CAP_NET_BIND_SERVICE, which the agent does not get by default", "also set insecure.dnsBelow1024: true (it grants that one capability and logs it), or use a port from 1024");
    if (a.insecure?.dnsBelow1024 && !(typeof dns === "number" && dns < 1024))
        p.add("insecure.dnsBelow1024", true, `ports.dns is ${dns}: the capability would serve nothing`, "remove it, or set ports.dns to the port below 1024");
}
