import { ChecklistId } from "../checklist";
import {
    DEFAULT_ALLOW_WRITE_HTTP_FROM,
    DEFAULT_CLIENT_LIMITS,
    DEFAULT_PATHS,
    DEFAULT_PORTS,
    DEFAULT_RESPONSE_HEADERS,
    DEFAULT_SERVER_LIMITS,
    HardenedSettings,
    ServerIdentity,
} from "../config/settings";
import { DEFAULT_GENERATIONS } from "../gossip/keyring";
import { GossipKeyGeneration } from "../gossip/rotation";
import { HardenedClusterArgs } from "./options";
import { atLeast, ConsulLine, consulLineOf, NEWEST_CONSUL_LINE } from "../config/consulVersion";
import { defaultServerNames, validateClusterArgs } from "./validate";

/** A named weakening the user asked for, with the requirement it breaks. */
export interface InsecureWarning {
    /** The checklist ID the option breaks, e.g. "CSM-TLS-09". */
    id: string;
    option: string;
    message: string;
}

/** HardenedClusterArgs after validation, with every default filled in. */
export interface NormalizedCluster {
    settings: HardenedSettings;
    servers: ServerIdentity[];
    clientNodeNames: string[];
    extraServerDnsNames: string[];
    extraServerIpAddresses: string[];
    secondary: boolean;
    gossipGenerations: GossipKeyGeneration[];
    warnings: InsecureWarning[];
    /** The Consul release line the configs are judged for (`consulVersion`). */
    consulLine: ConsulLine;
}

/** Validates (throws on bad input) and fills in the secure defaults. Pure. */
export function normalizeClusterOptions(args: HardenedClusterArgs): NormalizedCluster {
    validateClusterArgs(args);
    const count = args.servers ?? 3;
    const names = args.serverNodeNames ?? defaultServerNames(count);
    const servers: ServerIdentity[] = names.map((nodeName, i) => {
        const addr = args.serverAddresses?.[i];
        return addr ? { nodeName, bindAddr: addr, advertiseAddr: addr } : { nodeName };
    });
    const insecure = args.insecure ?? {};
    const primaryDatacenter = args.federation?.primaryDatacenter ?? args.datacenter;
    const consulLine = args.consulVersion === undefined ? NEWEST_CONSUL_LINE : consulLineOf(args.consulVersion, "consulVersion");
    const settings: HardenedSettings = {
        datacenter: args.datacenter,
        primaryDatacenter,
        domain: args.domain ?? "consul",
        paths: {
            dataDir: args.paths?.dataDir ?? DEFAULT_PATHS.dataDir,
            tlsDir: args.paths?.tlsDir ?? DEFAULT_PATHS.tlsDir,
            configDir: args.paths?.configDir ?? DEFAULT_PATHS.configDir,
        },
        ports: { ...DEFAULT_PORTS, ...args.ports },
        serverApiAddress: args.serverApiAddress ?? "0.0.0.0",
        clientApiAddress: insecure.clientApiAddress ?? "127.0.0.1",
        retryJoin: args.retryJoin ?? (args.serverAddresses ? [...args.serverAddresses] : [...names]),
        retryJoinWan: args.federation?.retryJoinWan ?? [],
        bootstrapExpect: count,
        tlsMinVersion: args.tls?.minVersion ?? "TLSv1_3",
        cipherSuites: args.tls?.cipherSuites,
        ui: args.ui ?? true,
        // The admin networks are added to the list, never instead of it.
        allowWriteHttpFrom: unique([...(args.allowWriteHttpFrom ?? DEFAULT_ALLOW_WRITE_HTTP_FROM), ...(args.adminNetworks ?? [])]),
        responseHeaders: DEFAULT_RESPONSE_HEADERS,
        serverLimits: { ...DEFAULT_SERVER_LIMITS, ...args.limits?.server },
        clientLimits: { ...DEFAULT_CLIENT_LIMITS, ...args.limits?.client },
        gossipVerifyIncoming: !insecure.gossipVerifyIncomingOff,
        gossipVerifyOutgoing: !insecure.gossipVerifyOutgoingOff,
        plaintextHttpOnLoopback: insecure.plaintextHttpOnLoopback ?? false,
        logLevel: args.logLevel ?? "INFO",
        ...(atLeast(consulLine, "1.18") ? { defaultIntentionPolicy: "deny" as const } : {}),
        ...(atLeast(consulLine, "1.17") ? { dnsToken: true as const } : {}),
    };
    return {
        settings,
        servers,
        clientNodeNames: args.clientNodeNames ?? [],
        extraServerDnsNames: args.extraServerDnsNames ?? [],
        extraServerIpAddresses: unique(args.extraServerIpAddresses ?? []),
        secondary: primaryDatacenter !== args.datacenter,
        gossipGenerations: args.gossip?.generations ?? DEFAULT_GENERATIONS,
        warnings: insecureWarnings(args),
        consulLine,
    };
}

/** One warning per weakening set in `insecure`, naming the checklist ID it breaks. */
export function insecureWarnings(args: HardenedClusterArgs): InsecureWarning[] {
    const i = args.insecure ?? {};
    const w: InsecureWarning[] = [];
    if (i.allowTls12)
        w.push({ id: "CSM-TLS-09", option: "insecure.allowTls12", message: "agents may accept TLS 1.2 peers where the config says so (library default: TLS 1.3 only)" });
    if (i.plaintextHttpOnLoopback)
        w.push({ id: "CSM-TLS-10", option: "insecure.plaintextHttpOnLoopback", message: "plaintext HTTP API on 127.0.0.1:8500: any local process can use it without a certificate" });
    if (i.gossipVerifyIncomingOff)
        w.push({ id: "CSM-GOS-02", option: "insecure.gossipVerifyIncomingOff", message: "agents accept unencrypted gossip: only a step while enabling encryption" });
    if (i.gossipVerifyOutgoingOff)
        w.push({ id: "CSM-GOS-02", option: "insecure.gossipVerifyOutgoingOff", message: "agents send unencrypted gossip: only a step while enabling encryption" });
    if (i.dnsBelow1024)
        w.push({ id: "CSM-OS-01", option: "insecure.dnsBelow1024", message: `the agent process holds CAP_NET_BIND_SERVICE so DNS can listen on port ${args.ports?.dns ?? 8600}` });
    if (i.clientApiAddress)
        w.push({ id: "CSM-NET-01", option: "insecure.clientApiAddress", message: `client agents' APIs listen on ${i.clientApiAddress}, beyond loopback (mTLS still required)` });
    return w;
}

/** Checklist IDs a set of warnings waives: the guard lets configs break exactly these. */
export function waivedIds(warnings: InsecureWarning[]): Set<ChecklistId> {
    return new Set(warnings.map((w) => w.id as ChecklistId));
}

function unique(xs: string[]): string[] {
    return [...new Set(xs)];
}
