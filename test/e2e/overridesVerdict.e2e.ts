/**
 * Overrides judged against the real Consul 1.16.3: for generated `overrides.server` (Consul keys
 * with right and wrong values), HardenedCluster's verdict and `consul validate`'s agree —
 *  - accepted: every rendered config (server JSON and HCL, the client profile) passes validate;
 *  - refused as something Consul refuses ("Consul 1.16 refuses / cannot read / rejects"): the
 *    library's config with that override merged in is refused by validate too;
 *  - refused for a hardening or ownership reason (a checklist ID, a key the library manages):
 *    no claim about Consul, counted apart.
 */
import { strict as assert } from "node:assert";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { installProviderEmulation, ProviderEmulation, valueOf } from "../../src/testing/providers";
import { HardenedCluster } from "../../src/cluster/hardenedCluster";
import { ConsulHardenedOptionError } from "../../src/errors";
import { deepMerge } from "../../src/config/merge";
import { consulVerdict } from "./localCluster";
import { generatedOverrides } from "../support/generatedOverrides";

const CASES = Number(process.env.OVERRIDES_CASES ?? 300);
const CONSUL_REASON = /^Consul 1\.16 (refuses|cannot read|rejects)/;

describe("generated overrides: HardenedCluster and `consul validate` agree (real Consul 1.16.3)", function () {
    this.timeout(900_000);
    const dir = mkdtempSync(join(tmpdir(), "ch-ovr-verdict-"));
    let emu: ProviderEmulation;
    let base: Record<string, unknown>;

    before(async () => {
        emu = await installProviderEmulation();
        emu.reset();
        const files = await valueOf(new HardenedCluster("ovr", { datacenter: "dc1", servers: 1, clientNodeNames: ["app-1"] }).files);
        base = JSON.parse(files["servers/consul-server-1/consul.json"]);
    });

    it(`${CASES} generated overrides: 0 disagreements`, async () => {
        const disagreements: string[] = [];
        const tally = { accepted: 0, consulRefused: 0, hardening: 0 };
        let n = 0;
        for (const override of generatedOverrides(CASES, Number(process.env.OVERRIDES_SEED ?? 20))) {
            n++;
            const shown = JSON.stringify(override);
            emu.reset();
            let files: Record<string, string> | undefined;
            let problems: ConsulHardenedOptionError["problems"] = [];
            try {
                files = await valueOf(new HardenedCluster(`ovr${n}`, { datacenter: "dc1", servers: 1, clientNodeNames: ["app-1"], overrides: { server: override } }).files);
            } catch (e) {
                if (!(e instanceof ConsulHardenedOptionError)) throw new Error(`${shown}: ${String(e)}`);
                problems = e.problems;
            }
            if (files) {
                tally.accepted++;
                for (const path of ["servers/consul-server-1/consul.json", "servers/consul-server-1/consul.hcl", "client/consul.json"]) {
                    const file = join(dir, `case-${n}-${path.replace(/\//g, "_")}`);
                    writeFileSync(file, files[path]);
                    const v = consulVerdict(file);
                    if (v.refused) disagreements.push(`${shown}: accepted, but Consul refuses ${path}: ${v.message}`);
                }
                continue;
            }
            const consulReasons = problems.filter((p) => CONSUL_REASON.test(p.problem));
            if (consulReasons.length === 0) {
                tally.hardening++;
                continue;
            }
            tally.consulRefused++;
            const file = join(dir, `case-${n}-merged.json`);
            writeFileSync(file, JSON.stringify(deepMerge(base, override)));
            const v = consulVerdict(file);
            if (!v.refused) disagreements.push(`${shown}: refused (${consulReasons.map((p) => `${p.option}: ${p.problem}`).join("; ")}), but Consul accepts it`);
        }
        console.log(`      overrides: ${CASES} generated, ${tally.accepted} accepted, ${tally.consulRefused} refused as Consul refuses, ${tally.hardening} refused for hardening/ownership; ${disagreements.length} disagreements`);
        assert.deepEqual(disagreements, []);
    });
});
