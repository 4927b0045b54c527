/**
 * `npm run bench [-- --json] [-- --repeat N]`: audit and policy-pack throughput, then program construction time and resource count of
 * HardenedCluster against the hand-written baseline, both under the same provider emulation, for
 * 3/5/7 servers × 10/100/1000 client agents. Runs alternate ours/baseline and report medians, so
 * the ratio compares runs made under the same machine load.
 */
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { installProviderEmulation, valueOf } from "../harness/providers";
import { HardenedCluster } from "../src/cluster/hardenedCluster";
import { baselineProgram } from "./baseline";
import { runAuditBench } from "./audit.bench";

interface Row {
    case: string;
    servers: number;
    agents: number;
    resources: number;
    ms: number;
    baselineMs: number;
    ratio: number;
}

async function main(): Promise<void> {
    const { values } = parseArgs({ options: { json: { type: "boolean" }, repeat: { type: "string", default: "5" } } });
    // Audit and policy-pack throughput first, so the cluster rows stay the last thing printed.
    const audit = await runAuditBench();
    console.log(
        values.json
            ? JSON.stringify({ audit })
            : `audit: ${audit.configs} configs in ${audit.auditMs} ms = ${audit.configsPerSecond} configs/s (goal > 5000); ` +
                  `policy pack: ${audit.stackResources}-resource stack in ${audit.policyPackMs} ms\n`,
    );
    const repeat = Number(values.repeat);
    if (!Number.isInteger(repeat) || repeat < 1) throw new Error(`--repeat ${values.repeat}: must be a whole number from 1`);
    const emu = await installProviderEmulation();
    let seq = 0;

    const measure = async (build: (name: string) => Promise<unknown>) => {
        emu.reset();
        const name = `b${seq++}`;
        const t0 = performance.now();
        await build(name);
        return { ms: performance.now() - t0, resources: emu.resources.length };
    };

    // Warm up module loading and JIT so the first case is not penalised.
    await measure((n) => valueOf(new HardenedCluster(n, { datacenter: "dc1", servers: 1 }).files));
    await measure((n) => valueOf(baselineProgram(n, 1, 1)));

    const rows: Row[] = [];
    for (const servers of [3, 5, 7]) {
        for (const agents of [10, 100, 1000]) {
            const clientNodeNames = Array.from({ length: agents }, (_, i) => `client-${i + 1}`);
            const ours: number[] = [];
            const base: number[] = [];
            let resources = 0;
            for (let r = 0; r < repeat; r++) {
                const a = await measure((n) => valueOf(new HardenedCluster(n, { datacenter: "dc1", servers, clientNodeNames }).files));
                const b = await measure((n) => valueOf(baselineProgram(n, servers, agents)));
                ours.push(a.ms);
                base.push(b.ms);
                resources = a.resources;
            }
            const ms = median(ours);
            const baselineMs = median(base);
            rows.push({ case: `${servers}x${agents}`, servers, agents, resources, ms: round(ms), baselineMs: round(baselineMs), ratio: round(ms / baselineMs, 3) });
            if (!values.json) printRow(rows[rows.length - 1], rows.length === 1);
        }
    }
    if (!values.json) {
        const perResource = rows.map((r) => r.ms / r.resources);
        console.log(`\nper-resource cost ours: ${round(Math.min(...perResource), 3)}–${round(Math.max(...perResource), 3)} ms; median ratio ${round(median(rows.map((r) => r.ratio)), 3)} (goal ≤ 1.2)`);
    } else {
        console.log(JSON.stringify(rows));
    }
}

function printRow(r: Row, header: boolean): void {
    if (header) console.log("case       servers  agents  resources        ms  baselineMs   ratio");
    console.log(
        `${r.case.padEnd(10)} ${String(r.servers).padStart(7)} ${String(r.agents).padStart(7)} ${String(r.resources).padStart(10)} ${r.ms.toFixed(1).padStart(9)} ${r.baselineMs.toFixed(1).padStart(11)} ${r.ratio.toFixed(3).padStart(7)}`,
    );
}

function median(xs: number[]): number {
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function round(x: number, digits = 1): number {
    const f = 10 ** digits;
    return Math.round(x * f) / f;
}

main().catch((e: Error) => {
    console.error(`bench failed: ${e.message}`);
    process.exit(1);
});
