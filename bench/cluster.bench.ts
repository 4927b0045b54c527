/**
 * `npm run bench [-- --json] [-- --repeat N] [-- --echo | --crypto]`: audit and policy-pack
 * throughput, then program construction time and resource count of HardenedCluster against the
 * hand-written baseline, both under the same provider emulation, for 3/5/7 servers × 10/100/1000
 * client agents — in two modes: `crypto` (the emulation's real keys and certificates) and `echo`
 * (trivial mocks, so the ratio shows the library's own overhead). Both by default. Runs alternate
 * ours/baseline and report medians, so the ratio compares runs made under the same machine load.
 */
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { installProviderEmulation, valueOf } from "../src/testing/providers";
import { HardenedCluster } from "../src/cluster/hardenedCluster";
import { baselineProgram } from "./baseline";
import { runAuditBench } from "./audit.bench";

type Mode = "crypto" | "echo";

interface Row {
    mode: Mode;
    case: string;
    servers: number;
    agents: number;
    resources: number;
    ms: number;
    baselineMs: number;
    ratio: number;
}

async function main(): Promise<void> {
    const { values } = parseArgs({
        options: { json: { type: "boolean" }, repeat: { type: "string", default: "5" }, echo: { type: "boolean" }, crypto: { type: "boolean" } },
    });
    if (values.echo && values.crypto) throw new Error("--echo and --crypto: choose one, or neither for both modes");
    const modes: Mode[] = values.echo ? ["echo"] : values.crypto ? ["crypto"] : ["crypto", "echo"];
    // Audit and policy-pack throughput first, so the cluster rows stay the last thing printed.
    const audit = await runAuditBench();
    console.log(
        values.json
            ? JSON.stringify({ audit })
            : `audit: ${audit.configs} configs in ${audit.auditMs} ms = ${audit.configsPerSecond} configs/s (goal ≥ 20000), ` +
                  `${audit.auditRatio}× a JSON deep copy of the same configs (${audit.auditBaselineMs} ms)\n` +
                  `policy pack: ${audit.stackResources}-resource stack in ${audit.policyPackMs} ms (goal ≤ 2000), ` +
                  `${audit.policyRatio}× serialising every resource once per policy (${audit.policyBaselineMs} ms)\n`,
    );
    const repeat = Number(values.repeat);
    if (!Number.isInteger(repeat) || repeat < 1) throw new Error(`--repeat ${values.repeat}: must be a whole number from 1`);
    const rows: Row[] = [];
    for (const mode of modes) rows.push(...(await clusterRows(mode, repeat, !values.json)));
    if (values.json) console.log(JSON.stringify(rows));
}

/** Ours vs the baseline for every case, under one emulation mode. */
async function clusterRows(mode: Mode, repeat: number, print: boolean): Promise<Row[]> {
    const emu = await installProviderEmulation({ echo: mode === "echo" });
    let seq = 0;

    const measure = async (build: (name: string) => Promise<unknown>) => {
        emu.reset();
        const name = `b${seq++}`;
        // Start every run from a collected heap, so one case does not pay for the garbage of the
        // one before (npm run bench passes --expose-gc).
        (globalThis as { gc?: () => void }).gc?.();
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
            rows.push({ mode, case: `${servers}x${agents}`, servers, agents, resources, ms: round(ms), baselineMs: round(baselineMs), ratio: round(ms / baselineMs, 3) });
            if (print) printRow(rows[rows.length - 1], rows.length === 1);
        }
    }
    if (print) {
        const worst = rows.reduce((a, b) => (b.ratio > a.ratio ? b : a));
        const goal = mode === "echo" ? "7x1000 ≤ 0.5" : "every case ≤ 1.2";
        console.log(`\n${mode}: median ratio ${round(median(rows.map((r) => r.ratio)), 3)}, worst ${worst.case} ${worst.ratio}, 7x1000 ${rows.find((r) => r.case === "7x1000")?.ratio} (goal: ${goal})\n`);
    }
    return rows;
}

function printRow(r: Row, header: boolean): void {
    if (header) console.log("mode    case       servers  agents  resources        ms  baselineMs   ratio");
    console.log(
        `${r.mode.padEnd(7)} ${r.case.padEnd(10)} ${String(r.servers).padStart(7)} ${String(r.agents).padStart(7)} ${String(r.resources).padStart(10)} ${r.ms.toFixed(1).padStart(9)} ${r.baselineMs.toFixed(1).padStart(11)} ${r.ratio.toFixed(3).padStart(7)}`,
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
