import { Finding } from "../audit/findings";
import { BUILT_CONSUL_LINES, CONSUL_RELEASES, ConsulLine, releaseBefore } from "./consulVersion";

/** A security fix published after the last open-source release of every line the library knows. */
export interface LaterFix {
    cves: string[];
    what: string;
    /** The first release with the fix. */
    fixedIn: string;
    /** Where the fact was read. */
    source: string;
}

/**
 * Fixes no MPL-2.0 release carries: each line's last open-source release (1.14.11, 1.15.4, 1.16.3)
 * predates them, and they came only in BUSL-1.1 releases. Listed only where the first fixed release
 * was read in Consul's own release notes; the Go vulnerability database lists more against every
 * MPL release (GO-2024-3241, GO-2024-3242, GO-2024-3243), named in the finding without a version.
 */
export const FIXES_AFTER_OPEN_SOURCE: readonly LaterFix[] = [
    { cves: ["CVE-2025-11374"], what: "the KV endpoint did not validate Content-Length (denial of service)", fixedIn: "1.22.0", source: "CHANGELOG 1.22.0, GH-22916" },
    { cves: ["CVE-2025-11375"], what: "the event endpoint had no maximum Content-Length (denial of service)", fixedIn: "1.22.0", source: "CHANGELOG 1.22.0, GH-22836" },
    { cves: ["CVE-2025-11392"], what: "KV key names were not validated (path traversal where ACL policies are missing or too wide)", fixedIn: "1.22.0", source: "CHANGELOG 1.22.0, GH-22850" },
];

/** The fixes a release lacks: those first released in a later line. */
function lackedBy(release: string): LaterFix[] {
    return FIXES_AFTER_OPEN_SOURCE.filter((f) => releaseBefore(release, f.fixedIn) === true);
}

/** "lacks security fixes published only in later … releases: …", or undefined when it lacks none known here. */
export function laterFixesText(release: string): string | undefined {
    const lacked = lackedBy(release);
    const open = BUILT_CONSUL_LINES.some((l) => CONSUL_RELEASES[l] === release);
    if (lacked.length === 0) return undefined;
    const fixes = lacked.map((f) => `${f.cves.join(", ")} (${f.what}; fixed in ${f.fixedIn})`).join("; ");
    return `lacks security fixes published in later releases: ${fixes}${open ? "; the Go vulnerability database also lists GO-2024-3241, GO-2024-3242 and GO-2024-3243 against it" : ""}`;
}

/**
 * The finding for agents configured for a known line — what that line's newest release known here
 * lacks — or, given `running` (the probe reads it from the agent), what that very release lacks.
 */
export function versionFloorFinding(line: ConsulLine, where: string, running?: string): Finding | undefined {
    const release = running ?? CONSUL_RELEASES[line];
    const text = laterFixesText(release);
    if (text === undefined) return undefined;
    return {
        id: "CONSUL-VERSION",
        severity: "medium",
        file: where,
        path: "consul version",
        message: running ? `the agent runs Consul ${running}, which ${text}` : `Consul ${line} (as of ${release}, its newest release the library reads) ${text}`,
        fix: "run a release that has the fixes (1.22.0 or later, BUSL-1.1), or narrow what they need: acl.default_policy = \"deny\" with least-privilege KV policies (CSM-ACL-02, CSM-ACL-07) and limits.http_max_conns_per_client (CSM-LIM-01) on every agent",
        advisory: true,
    };
}
