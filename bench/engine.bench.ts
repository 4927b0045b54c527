/**
 * `npm run bench:engine`: `pulumi up` and `pulumi preview` wall time under the real engine (the
 * engine stage's CLI, host and emulated provider plugins) for a cluster of 7 servers with 10 and
 * with 1,000 client agents. Goal: 7×1000 within 2× of 7×10 — client agents add no resource (their
 * tokens derive from one seed), so the engine's work should not grow with them. Runs alternate
 * between the sizes and report medians; the ratio is taken within the same run.
 * `-- --runs N` (default 3).
 */
import { performance } from "node:perf_hooks";
import { PulumiWorkspace } from "../test/engine/pulumiCli";

const PROGRAM = `
const { HardenedCluster } = require(REPO);
const agents = Number(process.env.CH_AGENTS);
const cluster = new HardenedCluster("bench", {
    datacenter: "dc1",
    servers: 7,
    clientNodeNames: Array.from({ length: agents }, (_, i) => "client-" + (i + 1)),
    ca: { protectKey: false },
});
exports.files = cluster.files;
`;

function timed(f: () => void): number {
    const start = performance.now();
    f();
    return performance.now() - start;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function main(): void {
    const runsAt = process.argv.indexOf("--runs");
    const runs = runsAt > 0 ? Number(process.argv[runsAt + 1]) : 3;
    const ws = new PulumiWorkspace();
    const sizes = [10, 1000];
    const times: Record<number, { up: number[]; preview: number[]; resources: number }> = {};
    try {
        for (let run = 0; run < runs; run++) {
            for (const agents of sizes) {
                const project = ws.jsProject(`bench-${agents}-${run}`, PROGRAM);
                const env = { CH_AGENTS: String(agents) };
                const t = (times[agents] ??= { up: [], preview: [], resources: 0 });
                t.up.push(timed(() => ws.pulumi(["up", "--yes", "--skip-preview"], project, { env, timeoutMs: 600_000 })));
                t.preview.push(timed(() => ws.pulumi(["preview"], project, { env, timeoutMs: 600_000 })));
                t.resources = (ws.stackExport(project).deployment.resources ?? []).length;
                ws.pulumi(["destroy", "--yes", "--skip-preview"], project, { env, timeoutMs: 600_000 });
            }
        }
    } finally {
        ws.dispose();
    }
    console.log("case     resources   up (median s)   preview (median s)");
    for (const agents of sizes) {
        const t = times[agents];
        console.log(`7x${String(agents).padEnd(6)} ${String(t.resources).padStart(9)} ${(median(t.up) / 1000).toFixed(1).padStart(15)} ${(median(t.preview) / 1000).toFixed(1).padStart(20)}`);
    }
    const ratio = (k: "up" | "preview") => median(times[1000][k]) / median(times[10][k]);
    console.log(`\n7x1000 / 7x10: up ${ratio("up").toFixed(2)}, preview ${ratio("preview").toFixed(2)} (goal: ≤ 2; ${runs} runs each, alternating)`);
}

main();
