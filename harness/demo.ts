/**
 * The offline demo (`npm run demo`): runs the basic example in-process through the provider
 * emulation — not through the Pulumi engine, and with no Pulumi CLI or account — and writes the
 * bundle it produces to ./demo-out (or --out DIR). With --state-export FILE it also writes the
 * stack's state as `pulumi stack export` would print it (secrets encrypted), for inspection.
 */
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync, chmodSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { installProviderEmulation, valueOf } from "../src/testing/providers";

const MARKER = ".consul-hardened-bundle";

async function main(): Promise<void> {
    const { values } = parseArgs({
        options: { out: { type: "string", default: "demo-out" }, "state-export": { type: "string" }, help: { type: "boolean", short: "h" } },
    });
    if (values.help) {
        console.log(
            "usage: npm run demo [-- --out DIR] [-- --state-export FILE]\n" +
                "Writes the basic example's bundle (keys, certificates, agent configs) to DIR (default ./demo-out);\n" +
                "with --state-export, the stack's emulated state as `pulumi stack export` prints it (secrets encrypted) to FILE.",
        );
        return;
    }
    const out = resolve(values.out!);
    prepareOutDir(out);

    const emulation = await installProviderEmulation();
    const started = Date.now();
    const { cluster } = await import("../examples/basic");
    const { acl } = await import("../examples/acl");
    const files = await valueOf(cluster.files);
    await Promise.all(Object.values(acl.tokens).map(valueOf)); // every ACL object registered
    const elapsed = Date.now() - started;
    const { aclPlanFiles } = await import("../src/acl/planFiles");
    const aclFiles = Object.entries(aclPlanFiles(acl.plan)).map(([path, content]) => [`acl/${path}`, content] as const);

    for (const [path, content] of Object.entries(files)) {
        const target = join(out, path);
        mkdirSync(dirname(target), { recursive: true, mode: 0o700 });
        const mode = cluster.fileModes[path] ?? 0o600;
        writeFileSync(target, content, { mode });
        chmodSync(target, mode); // the umask must not widen or narrow what CSM-OS-01 asks for
    }
    for (const [path, content] of aclFiles) {
        mkdirSync(dirname(join(out, path)), { recursive: true, mode: 0o700 });
        writeFileSync(join(out, path), content, { mode: 0o644 }); // the plan holds no secret
    }
    writeFileSync(join(out, MARKER), "written by consul-hardened's demo; safe to delete\n");
    const stateFile = values["state-export"] ? resolve(values["state-export"]) : undefined;
    if (stateFile) writeFileSync(stateFile, JSON.stringify(emulation.stateExport(), null, 2) + "\n", { mode: 0o600 });

    const { findHardeningGaps, GUARDED_IDS } = await import("../src/config/guard");
    const gaps = [
        ...cluster.servers.map((s) => findHardeningGaps(JSON.parse(files[`servers/${s.nodeName}/consul.json`]), "server")),
        findHardeningGaps(JSON.parse(files["client/consul.json"]), "client"),
    ].flat();

    const byType = new Map<string, number>();
    for (const r of emulation.resources) byType.set(r.type, (byType.get(r.type) ?? 0) + 1);
    console.log(`consul-hardened demo: datacenter dc1, ${cluster.servers.length} servers, ${cluster.clients.length} client agents`);
    console.log(`  ${emulation.resources.length} resources (emulated providers, ${elapsed} ms):`);
    for (const [type, n] of byType) console.log(`    ${String(n).padStart(3)}  ${type}`);
    console.log(`  bundle: ${Object.keys(files).length} files in ${out} (keys and configs mode 0600)`);
    if (gaps.length) {
        console.log(`  checklist gaps: ${gaps.map((g) => `${g.id} ${g.path}`).join(", ")}`);
        process.exitCode = 1;
    } else {
        console.log(`  checklist, checked on every rendered config: ${GUARDED_IDS.length} IDs hold — ${GUARDED_IDS.join(" ")}`);
        console.log("  by construction: CSM-ACL-04 (secret management token) CSM-ACL-05 (one token per agent, both from one secret seed)");
        console.log("                   CSM-GOS-03 (staged rotation plan) CSM-ROT-01 (1y certs, 30d early renewal, 5y CA) CSM-OS-01 (file modes)");
    }
    const c = emulation.consul;
    console.log(`  ACL plan (Enterprise-style, namespaces ${acl.plan.namespaces.join(", ")}): ${acl.plan.policies.length} policies, ${acl.plan.roles.length} roles, ${acl.plan.tokens.length} tokens → ${join(out, "acl")}`);
    console.log(`    applied to the emulated Consul: ${c.policies.size} policies, ${c.roles.size} roles, ${c.tokens.size} tokens; anonymous token: ${c.anonymousPolicies.join(", ") || "nothing"}`);
    if (stateFile) console.log(`  state export (as \`pulumi stack export\`, secrets encrypted): ${stateFile}`);
    console.log(`  gossip rotation plan: ${cluster.gossipRotationPlan.steps.map((s) => `${s.action} ${s.generation}`).join(" → ")}`);
}

/** Refuses to write into a non-empty directory the demo did not make; replaces its own output. */
function prepareOutDir(out: string): void {
    if (existsSync(out) && readdirSync(out).length > 0) {
        if (!existsSync(join(out, MARKER))) {
            throw new Error(`--out ${out}: directory exists, is not empty, and was not written by this demo; choose another --out`);
        }
        rmSync(out, { recursive: true, force: true });
    }
    mkdirSync(out, { recursive: true, mode: 0o700 });
}

main().catch((e: Error) => {
    console.error(`demo failed: ${e.message}`);
    process.exit(1);
});
