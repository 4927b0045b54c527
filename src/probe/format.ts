import { CHECKLIST } from "../checklist";
import { Severity } from "../audit/findings";
import { ProbeResult } from "./probe";

const ORDER: Severity[] = ["high", "medium", "low"];

export function probeText(r: ProbeResult): string {
    const lines = [`probe of ${r.target} (${r.requests} connections, read-only)`];
    for (const sev of ORDER) {
        const fs = r.findings.filter((f) => f.severity === sev);
        if (!fs.length) continue;
        lines.push("", `${sev.toUpperCase()} (${fs.length})`);
        for (const f of fs) lines.push(`  ${f.id}  ${f.path}`, `      ${f.message}`, `      fix: ${f.fix}`);
    }
    lines.push("", ...r.checks.map((c) => `  ${c.finding ? "FOUND" : "ok   "}  ${c.check}`));
    if (r.consulVersion) lines.push(`  Consul ${r.consulVersion}`);
    for (const a of r.advisories ?? []) lines.push(`  advisory ${a.id}: ${a.message}`, `      fix: ${a.fix}`);
    lines.push(r.findings.length ? `${r.findings.length} finding(s)` : "no findings: the agent refused everything the Security Model says it must");
    return lines.join("\n") + "\n";
}

export function probeJson(r: ProbeResult): string {
    return JSON.stringify({ target: r.target, findings: r.findings, checks: r.checks, requests: r.requests, consulVersion: r.consulVersion, advisories: r.advisories ?? [] }, null, 2) + "\n";
}

/** SARIF 2.1.0; the location is the probed agent (a URI, not a file). */
export function probeSarif(r: ProbeResult): string {
    const ruleIds = [...new Set(r.findings.map((f) => f.id))].sort();
    const level = { high: "error", medium: "warning", low: "note" } as const;
    return (
        JSON.stringify(
            {
                $schema: "https://json.schemastore.org/sarif-2.1.0.json",
                version: "2.1.0",
                runs: [
                    {
                        tool: { driver: { name: "consul-hardened probe", informationUri: "https://developer.hashicorp.com/consul/docs/security/security-models/core", rules: ruleIds.map((id) => ({ id, shortDescription: { text: (CHECKLIST as Record<string, string>)[id] ?? id } })) } },
                        results: r.findings.map((f) => ({
                            ruleId: f.id,
                            ruleIndex: ruleIds.indexOf(f.id),
                            level: level[f.severity],
                            message: { text: `${f.path}: ${f.message}. Fix: ${f.fix}` },
                            locations: [{ physicalLocation: { artifactLocation: { uri: r.target } } }],
                        })),
                    },
                ],
            },
            null,
            2,
        ) + "\n"
    );
}
