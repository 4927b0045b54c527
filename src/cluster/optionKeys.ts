import { ProblemList } from "../errors";
import { ExistingCa } from "../tls/certificateAuthority";
import { KeyOptions } from "../tls/keyOptions";
import { CaGeneration } from "../tls/rollover/plan";
import { keysOf, refuseUnknownKeys } from "../validation/optionKeys";
import {
    AgentProcessOptions,
    ClusterCaOptions,
    ClusterCertificateOptions,
    ClusterGossipOptions,
    ClusterLimits,
    ClusterOverrides,
    ClusterPaths,
    ClusterPorts,
    ClusterTlsOptions,
    FederationOptions,
    HardenedClusterArgs,
    InsecureOptions,
} from "./options";

/** Every HardenedCluster option block's keys (the compiler holds each list complete). */
const TOP = keysOf<HardenedClusterArgs>()([
    "datacenter", "domain", "servers", "serverNodeNames", "serverAddresses", "retryJoin", "clientNodeNames", "extraServerDnsNames",
    "extraServerIpAddresses", "ports", "paths", "agentProcess", "serverApiAddress", "allowWriteHttpFrom", "adminNetworks", "ui", "tls", "ca",
    "certificates", "gossip", "tokenGeneration", "agentTokenGenerations", "secretSeed", "federation", "limits", "logLevel", "consulVersion", "overrides", "insecure",
]);
const KEY = keysOf<KeyOptions>()(["algorithm", "ecdsaCurve", "rsaBits"]);
const EXISTING = keysOf<ExistingCa>()(["certPem", "privateKeyPem"]);
const BLOCKS: Record<string, readonly string[]> = {
    ports: keysOf<ClusterPorts>()(["dns", "https", "grpcTls", "serfLan", "serfWan", "server"]),
    paths: keysOf<ClusterPaths>()(["dataDir", "tlsDir", "configDir"]),
    agentProcess: keysOf<AgentProcessOptions>()(["user", "group", "binary", "uid", "gid"]),
    tls: keysOf<ClusterTlsOptions>()(["minVersion", "cipherSuites"]),
    ca: keysOf<ClusterCaOptions>()(["key", "validityHours", "earlyRenewalHours", "protectKey", "existing", "generations", "signing"]),
    "ca.key": KEY,
    "ca.existing": EXISTING,
    certificates: keysOf<ClusterCertificateOptions>()(["source", "vaultCaPem", "cliCertificate", "key", "validityHours", "earlyRenewalHours"]),
    "certificates.key": KEY,
    gossip: keysOf<ClusterGossipOptions>()(["generations"]),
    federation: keysOf<FederationOptions>()(["primaryDatacenter", "retryJoinWan", "replicationToken", "gossipKeys"]),
    limits: keysOf<ClusterLimits>()(["server", "client"]),
    overrides: keysOf<ClusterOverrides>()(["server", "client"]),
    insecure: keysOf<InsecureOptions>()(["allowTls12", "plaintextHttpOnLoopback", "gossipVerifyIncomingOff", "gossipVerifyOutgoingOff", "clientApiAddress", "dnsBelow1024"]),
};
const CA_GENERATION = keysOf<CaGeneration>()(["name", "key", "validityHours", "earlyRenewalHours", "protectKey", "existing"]);

/** Every key of the options, at every level the library reads, that is not an option there. */
export function refuseUnknownClusterKeys(args: HardenedClusterArgs, p: ProblemList): void {
    refuseUnknownKeys(args, TOP, "", p);
    const at = (path: string): unknown => path.split(".").reduce<any>((o, k) => (o && typeof o === "object" ? o[k] : undefined), args);
    for (const [path, known] of Object.entries(BLOCKS)) refuseUnknownKeys(at(path), known, path, p);
    // (gossip.generations[i] are checked by validateGenerations, shared with GossipKeyring.)
    const generations = at("ca.generations");
    if (Array.isArray(generations))
        generations.forEach((g: CaGeneration | undefined, i) => {
            refuseUnknownKeys(g, CA_GENERATION, `ca.generations[${i}]`, p);
            refuseUnknownKeys(g?.key, KEY, `ca.generations[${i}].key`, p);
            refuseUnknownKeys(g?.existing, EXISTING, `ca.generations[${i}].existing`, p);
        });
}
