/**
 * Writes the audit corpus under test/fixtures/audit: the library's own server and client configs
 * (secure), and for every checklist ID the audit decides, an insecure config that breaks exactly
 * that requirement, in JSON and HCL. `npx ts-node --transpile-only scripts/make-audit-fixtures.ts`
 * rewrites them; the audit tests read them.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { normalizeClusterOptions } from "../src/cluster/normalize";
import { clientProfileConfig, serverConfig } from "../src/cluster/agentConfigs";
import { renderHcl, renderJson } from "../src/config/render";
import { AUDIT_CASES } from "../test/fixtures/auditCases";

const dir = join(__dirname, "..", "test", "fixtures", "audit");
// Fixed, obviously fake secrets: fixtures must be reproducible and hold nothing real.
const secrets = { gossipKey: Buffer.alloc(32, 7).toString("base64"), agentToken: "11111111-1111-4111-8111-111111111111", initialManagementToken: "22222222-2222-4222-8222-222222222222" };
const n = normalizeClusterOptions({ datacenter: "dc1", serverAddresses: ["10.0.0.11", "10.0.0.12", "10.0.0.13"] });
const base = { server: serverConfig(n, 0, secrets), client: clientProfileConfig(n, secrets.gossipKey) };

mkdirSync(join(dir, "secure"), { recursive: true });
mkdirSync(join(dir, "insecure"), { recursive: true });
for (const role of ["server", "client"] as const) {
    writeFileSync(join(dir, "secure", `${role}.json`), renderJson(base[role]));
    writeFileSync(join(dir, "secure", `${role}.hcl`), renderHcl(base[role]));
}
for (const c of AUDIT_CASES) {
    const cfg = structuredClone(base[c.role]) as any;
    c.weaken(cfg);
    writeFileSync(join(dir, "insecure", `${c.name}.json`), renderJson(cfg));
    writeFileSync(join(dir, "insecure", `${c.name}.hcl`), renderHcl(cfg));
}
console.log(`wrote ${4 + AUDIT_CASES.length * 2} fixtures to ${dir}`);
