import { Finding } from "../audit/findings";
import { CONSUL_RELEASES, ConsulLine } from "./consulVersion";

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

/** "lacks security fixes published only in later … releases: …": what every known line's releases lack. */
export function laterFixesText(): string {
    const fixes = FIXES_AFTER_OPEN_SOURCE.map((f) => `${f.cves.join(", ")} (${f.what}; fixed in ${f.fixedIn})`).join("; ");
    return `lacks security fixes published only in later, BUSL-1.1 releases: ${fixes}; the Go vulnerability database also lists GO-2024-3241, GO-2024-3242 and GO-2024-3243 against it`;
}

/** The finding for agents running (or configured for) a known line: what that line's last release lacks. */
export function versionFloorFinding(line: ConsulLine, where: string): Finding {
    const release = CONSUL_RELEASES[line];
    return {
        id: "CONSUL-VERSION",
        severity: "medium",
        file: where,
        path: "consul version",
        message: `Consul ${line} (its last open-source release is ${release}) ${laterFixesText()}`,
        fix: "run a release that has the fixes (1.22.0 or later, BUSL-1.1), or narrow what they need: acl.default_policy = \"deny\" with least-privilege KV policies (CSM-ACL-02, CSM-ACL-07) and limits.http_max_conns_per_client (CSM-LIM-01) on every agent",
        advisory: true,
    };
}
