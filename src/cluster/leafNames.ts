/**
 * The names on the certificates a cluster signs, known before any resource: what the server and
 * CLI certificates carry, so a brought CA's name constraints can be checked against them.
 */
import { agentCertProfile } from "../tls/profiles";
import { DEFAULT_CERT_VALIDITY_HOURS } from "../tls/validity";
import { HardenedClusterArgs } from "./options";
import { LeafPlan, NameConstraintSet, namePermitted } from "../tls/existingCa";

/**
 * Extra SANs of a server certificate beyond the profile's. The bare node name helps operators
 * reach a server by its host name, but a name-constrained CA (`consul tls ca create
 * -name-constraint` permits `<domain>` and `localhost`) does not admit it, and one name outside
 * the constraints fails the whole certificate — so it is left out where the CA would refuse it.
 */
export function serverExtraDnsNames(nodeName: string, constraints: NameConstraintSet | undefined, extraServerDnsNames: string[]): string[] {
    return namePermitted(constraints, nodeName) ? [nodeName, ...extraServerDnsNames] : [...extraServerDnsNames];
}

export interface LeafNameInput {
    datacenter: string;
    domain: string;
    serverNodeNames: string[];
    serverAddresses: string[];
    extraServerDnsNames: string[];
    extraServerIpAddresses: string[];
    /** The brought CA's name constraints, when known. */
    constraints: NameConstraintSet | undefined;
    validityHours: number;
}

/** The names a cluster's options put on its certificates (validation and the component read them alike). */
export function leafNameInput(a: HardenedClusterArgs, serverNodeNames: string[], constraints: NameConstraintSet | undefined): LeafNameInput {
    return {
        datacenter: a.datacenter,
        domain: a.domain ?? "consul",
        serverNodeNames,
        serverAddresses: a.serverAddresses ?? [],
        extraServerDnsNames: a.extraServerDnsNames ?? [],
        extraServerIpAddresses: a.extraServerIpAddresses ?? [],
        constraints,
        validityHours: a.certificates?.validityHours ?? DEFAULT_CERT_VALIDITY_HOURS,
    };
}

/** Every name the server and CLI certificates will carry, each with the option it comes from. */
export function plannedLeafNames(i: LeafNameInput): LeafPlan {
    const names = new Map<string, string>();
    const optionOf = (name: string) => {
        const at = (list: string[], option: string) => (list.indexOf(name) >= 0 ? `${option}[${list.indexOf(name)}]` : undefined);
        return (
            at(i.serverAddresses, "serverAddresses") ??
            at(i.extraServerDnsNames, "extraServerDnsNames") ??
            at(i.extraServerIpAddresses, "extraServerIpAddresses") ??
            (name.endsWith(`.${i.datacenter}.${i.domain}`) ? "domain" : "ca.existing (a name every Consul certificate carries)")
        );
    };
    const add = (profile: ReturnType<typeof agentCertProfile>) => {
        for (const n of [...profile.dnsNames, ...profile.ipAddresses]) if (!names.has(n)) names.set(n, optionOf(n));
    };
    i.serverNodeNames.forEach((nodeName, at) =>
        add(
            agentCertProfile({
                profile: "server",
                datacenter: i.datacenter,
                domain: i.domain,
                nodeName,
                extraDnsNames: serverExtraDnsNames(nodeName, i.constraints, i.extraServerDnsNames),
                // Each server its own address (HardenedCluster does the same), plus the shared ones.
                extraIpAddresses: [...(i.serverAddresses[at] ? [i.serverAddresses[at]] : []), ...i.extraServerIpAddresses],
            }),
        ),
    );
    add(agentCertProfile({ profile: "cli", datacenter: i.datacenter, domain: i.domain }));
    return { names: [...names].map(([name, option]) => ({ name, option })), validityHours: i.validityHours };
}
