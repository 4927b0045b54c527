import { CHECKLIST, ChecklistId } from "../checklist";
import { GUARDED_IDS } from "../config/guard";
import { InsecureWarning } from "../cluster/normalize";
import { NOT_DECIDABLE_FROM_CONFIG } from "./findings";

/** How a checklist requirement stands in a cluster. */
export const CoverageStatus = { Enforced: "enforced", ConfiguredByOption: "configured by option", Waived: "waived", NotDecidable: "not decidable" } as const;
export type CoverageStatus = (typeof CoverageStatus)[keyof typeof CoverageStatus];

export interface CoverageRow {
    id: string;
    requirement: string;
    status: CoverageStatus;
    /** How it is enforced, which option configures it, or why it is waived. */
    detail: string;
}

const BY_CONSTRUCTION: Partial<Record<ChecklistId, string>> = {
    "CSM-ACL-04": "BootstrapSecrets: a UUID derived (HMAC-SHA256) from a 32-byte RandomBytes seed, a Pulumi secret, never a literal",
    "CSM-ACL-05": "BootstrapSecrets + AclSystem: one node-identity token per agent, pre-seeded",
    "CSM-GOS-03": "GossipKeyring: staged install → use → remove plan",
    "CSM-ROT-01": "AgentCertificate: 1-year certificates renewed 30 days early; CA at most 10 years — or VaultPki: servers' certificates from Vault's PKI engine (72 h), renewed every third of the TTL",
    "CSM-OS-01": "bundle files: keys, tokens and configs 0600, directories 0700 (data_dir mode is the host's)",
};

const BY_OPTION: Record<string, string> = {
    "CSM-ACL-06": "AclSystem `dns` (default: DNS read-only policy on the anonymous token; with Consul 1.17+ a DNS token of its own, `dnsToken`, and nothing on the anonymous token)",
    "CSM-ACL-07": "AclSystem plans no global write outside the administrator; lintRules checks your own policies",
    "CSM-ACL-08": "AclSystem personas: administrator, operators, developers, users without token",
    "CSM-ACL-09": "AclSystem `tokenTtl` (default 8h for operator and developer tokens)",
    "CSM-ROT-02": "`tokenGeneration` on HardenedCluster and AclSystem",
    "CSM-NS-01": "AclSystem `enterprise` + `namespaces`: team policies live in their namespace",
    "CSM-SEN-01": "AclSystem operators' `kvSentinel` (Enterprise)",
};

const EXTRA: Record<string, string> = {
    "CSM-ACL-06": "the anonymous token gets at most the read-only DNS policy",
    "CSM-ACL-07": "no policy but the administrator's grants acl/operator write or a global prefix write",
    "CSM-ACL-08": "personas map to roles",
    "CSM-ACL-09": "human and CI tokens are short-lived",
    "CSM-ROT-02": "ACL tokens rotatable without downtime",
    "CSM-NS-01": "operators' and developers' policies scoped to their namespace",
    "CSM-SEN-01": "KV write rules can carry Sentinel code",
};

/**
 * The line of the seed (docs/consul-security-model.txt) an ID serves, where a reader asks for it:
 * the Vault recommendation is one line that two requirements implement.
 */
const SEED_LINES: Partial<Record<ChecklistId, string>> = {
    "CSM-ROT-01": "seed line 39: rotate agent certificates, e.g. from Vault's PKI secret engine with a short TTL; clients by auto_encrypt",
    "CSM-CA-01": "seed line 39: certificates from Vault's PKI secret engine (the Connect CA in Vault logs in with an auth method)",
};

/** A checklist ID the rendered configs break or weaken, and where. */
export interface RenderedWeakening {
    id: string;
    path: string;
}

/**
 * The threat-model coverage of a HardenedCluster (and its AclSystem): every checklist ID as
 * enforced, configured by option, waived (with the `insecure` option and its reason), or not
 * decidable by this library. With `rendered` (what the final configs break or weaken), an ID is
 * waived exactly when the rendered configs say so — whether an option or an override did it.
 */
export function coverageReport(warnings: InsecureWarning[] = [], rendered?: RenderedWeakening[]): CoverageRow[] {
    const ids = [...new Set([...Object.keys(CHECKLIST), ...Object.keys(EXTRA)])];
    return ids.map((id) => withSeedLine(rowOf(id, warnings, rendered)));
}

function withSeedLine(row: CoverageRow): CoverageRow {
    const seed = SEED_LINES[row.id as ChecklistId];
    return seed ? { ...row, detail: `${row.detail} (${seed})` } : row;
}

function rowOf(id: string, warnings: InsecureWarning[], rendered: RenderedWeakening[] | undefined): CoverageRow {
    const requirement = (CHECKLIST as Record<string, string>)[id] ?? EXTRA[id];
    const byOption = warnings.filter((w) => w.id === id).map((w) => `${w.option}: ${w.message}`);
    const inConfigs = [...new Set((rendered ?? []).filter((r) => r.id === id).map((r) => r.path))];
    const waived = rendered ? (inConfigs.length ? [...byOption, `rendered: ${inConfigs.join(", ")}`] : []) : byOption;
    if (waived.length) return { id, requirement, status: "waived", detail: waived.join("; ") };
    if ((GUARDED_IDS as readonly string[]).includes(id)) return { id, requirement, status: "enforced", detail: "set in every rendered agent config; overrides that break it are refused" };
    const built = BY_CONSTRUCTION[id as ChecklistId];
    if (built) return { id, requirement, status: "enforced", detail: built };
    if (BY_OPTION[id]) return { id, requirement, status: "configured by option", detail: BY_OPTION[id] };
    const nd = NOT_DECIDABLE_FROM_CONFIG.find((n) => n.id === id);
    return { id, requirement, status: "not decidable", detail: nd?.why ?? "outside what this library controls" };
}

export function coverageMarkdown(rows: CoverageRow[]): string {
    const esc = (s: string) => s.replace(/\|/g, "\\|");
    return ["| ID | requirement | status | how |", "|---|---|---|---|", ...rows.map((r) => `| ${r.id} | ${esc(r.requirement)} | ${r.status} | ${esc(r.detail)} |`)].join("\n") + "\n";
}
