/**
 * The audit on real third-party configs (test/fixtures/real): each must give exactly the checklist
 * IDs written for it from Consul's source, and its refusal verdict must be what `consul validate`
 * of Consul 1.16.3 says of the same directory — through the API and through the built command.
 */
import { strict as assert } from "node:assert";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { auditAgent } from "../../src/audit/audit";
import { loadAgent } from "../../src/audit/load";
import { REAL_CONFIGS } from "../fixtures/real/corpus";
import { consulModuleRoot, materialize } from "../support/realCorpus";
import { consulVerdict, runBin } from "./localCluster";

describe("the audit on real third-party configs (Consul 1.16.3's fixtures, integration tests and documentation)", function () {
    this.timeout(120_000);
    const parent = mkdtempSync(join(tmpdir(), "ch-real-"));
    let root: string;
    const verdicts = { refused: 0, accepted: 0 };

    before(() => (root = consulModuleRoot()));
    after(() => console.log(`      real corpus: ${REAL_CONFIGS.length} configs, ${verdicts.refused} refused and ${verdicts.accepted} accepted by consul validate, as expected`));

    for (const entry of REAL_CONFIGS) {
        it(`${entry.name} (${[entry.path].flat().join(" + ")}${entry.block ? ` block ${entry.block}` : ""}): ${entry.refused ? "refused" : "accepted"}, ${entry.ids.length} finding IDs, alike from the CLI`, async () => {
            const dir = materialize(entry, root, parent);
            const consul = consulVerdict(dir);
            assert.equal(consul.refused, entry.refused, `consul validate: ${consul.message}`);
            const findings = auditAgent(loadAgent(dir));
            assert.deepEqual([...new Set(findings.map((f) => f.id as string))].sort(), [...entry.ids].sort());
            // What a reviewer runs: exit 2 when Consul refuses it or the agent would not start, else 1 for any finding.
            const cli = await runBin(["audit", "--format", "json", dir], process.env);
            assert.equal(cli.code, entry.refused || entry.ids.includes("CONSUL-START") ? 2 : entry.ids.length ? 1 : 0, cli.err);
            assert.deepEqual([...new Set(JSON.parse(cli.out).findings.map((f: { id: string }) => f.id))].sort(), [...entry.ids].sort());
            verdicts[entry.refused ? "refused" : "accepted"]++;
        });
    }
});
