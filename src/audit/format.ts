import { readFileSync } from "node:fs";
import { relative } from "node:path";
import { CHECKLIST } from "../checklist";
import { Finding, NOT_DECIDABLE_FROM_CONFIG, Severity } from "./findings";
import { LoadedAgent } from "./load";

export interface AuditResult {
    agents: LoadedAgent[];
    findings: Finding[];
}

export function summary(r: AuditResult) {
    const count = (s: Severity) => r.findings.filter((f) => f.severity === s).length;
    return {
        agents: r.agents.length,
        files: r.agents.reduce((n, a) => n + a.files.length, 0),
        findings: r.findings.length,
        high: count("high"),
        medium: count("medium"),
        low: count("low"),
        notDecidable: NOT_DECIDABLE_FROM_CONFIG.map((n) => n.id),
    };
}

export function toJson(r: AuditResult): string {
    const findings = r.findings.map(({ id, severity, file, path, message, fix }) => {
        // Where the key is set, as text and SARIF say: the file of the agent's config that sets it, and the line.
        const agent = r.agents.find((a) => a.source === file);
        const location = agent && agent.files.length > 0 ? locate(agent, path) : undefined;
        return { id, severity, file, path, message, fix, ...(location ? { location } : {}) };
    });
    return JSON.stringify({ findings, summary: summary(r) }, null, 2) + "\n";
}

export function toText(r: AuditResult): string {
    const lines: string[] = [];
    for (const sev of ["high", "medium", "low"] as Severity[]) {
        const fs = r.findings.filter((f) => f.severity === sev);
        if (!fs.length) continue;
        lines.push(`${sev.toUpperCase()} (${fs.length})`);
        for (const f of fs) lines.push(`  ${f.id}  ${where(r, f)}  ${f.path}`, `      ${f.message}`, `      fix: ${f.fix}`);
        lines.push("");
    }
    const s = summary(r);
    lines.push(`${s.agents} agent(s), ${s.files} file(s): ${s.findings ? `${s.high} high, ${s.medium} medium, ${s.low} low` : "no findings"}`);
    lines.push(`not decidable from config: ${s.notDecidable.join(" ")}`);
    return lines.join("\n") + "\n";
}

/** file:line where the finding's key is set (or the agent's first file, line 1, when it is unset). */
function where(r: AuditResult, f: Finding): string {
    const agent = r.agents.find((a) => a.source === f.file);
    if (!agent || agent.files.length === 0) return f.file;
    const at = locate(agent, f.path);
    return `${at.file}:${at.line}`;
}

/** The line of a finding's key in the agent's files (where it is set), for SARIF regions. */
export function locate(agent: LoadedAgent, path: string): { file: string; line: number } {
    const key = path.split(" ")[0].split(".").pop()!;
    for (const file of [...agent.files].reverse()) {
        const lines = readFileSync(file, "utf8").split("\n");
        const i = lines.findIndex((l) => new RegExp(`(^|[\\s"{])${key}("|\\s*[=:{])`).test(l));
        if (i >= 0) return { file, line: i + 1 };
    }
    return { file: agent.files[0], line: 1 };
}

const LEVEL: Record<Severity, "error" | "warning" | "note"> = { high: "error", medium: "warning", low: "note" };

/** SARIF 2.1.0, so code scanning shows findings inline in a pull request. */
export function toSarif(r: AuditResult, baseDir = process.cwd()): string {
    const ruleIds = [...new Set(r.findings.map((f) => f.id))].sort();
    const results = r.findings.map((f) => {
        const agent = r.agents.find((a) => a.source === f.file)!;
        const where = locate(agent, f.path);
        return {
            ruleId: f.id,
            ruleIndex: ruleIds.indexOf(f.id),
            level: LEVEL[f.severity],
            message: { text: `${f.path}: ${f.message}. Fix: ${f.fix}` },
            locations: [{ physicalLocation: { artifactLocation: { uri: relative(baseDir, where.file).split("\\").join("/") }, region: { startLine: where.line } } }],
        };
    });
    const sarif = {
        $schema: "https://json.schemastore.org/sarif-2.1.0.json",
        version: "2.1.0",
        runs: [
            {
                tool: {
                    driver: {
                        name: "consul-hardened",
                        informationUri: "https://developer.hashicorp.com/consul/docs/security/security-models/core",
                        rules: ruleIds.map((id) => ({
                            id,
                            shortDescription: { text: (CHECKLIST as Record<string, string>)[id] ?? "Consul would refuse this configuration" },
                        })),
                    },
                },
                results,
            },
        ],
    };
    return JSON.stringify(sarif, null, 2) + "\n";
}
