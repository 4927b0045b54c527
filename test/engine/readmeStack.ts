/**
 * The stack README's "A real `pulumi up`" makes, made once per engine-stage run and shared by the
 * specs that read it (the README check and the emulation/engine differential): the block after
 * README's engine-stage marker, run by bash in a copy of the project with the engine on PATH.
 */
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CommandResult, PulumiWorkspace, REPO } from "./pulumiCli";

/** The sh block after the README's engine-stage marker. */
export function readmeBlock(): string {
    const readme = readFileSync(join(REPO, "README.md"), "utf8");
    const at = readme.indexOf("<!-- engine-stage:");
    assert.ok(at >= 0, "README has no engine-stage marker before its `pulumi up` block");
    const m = /```sh\n([\s\S]*?)```/.exec(readme.slice(at));
    assert.ok(m, "no sh block after the engine-stage marker");
    return m[1];
}

export interface ReadmeStack {
    ws: PulumiWorkspace;
    /** The project folder (Pulumi.yaml at its root, program examples/basic). */
    project: string;
    /** The environment the block ran in: its own `pulumi login`, no backend variable. */
    env: NodeJS.ProcessEnv;
    /** What the block printed. */
    run: CommandResult;
}

let made: ReadmeStack | undefined;

export function readmeStack(): ReadmeStack {
    if (made) return made;
    const ws = new PulumiWorkspace();
    process.once("exit", () => ws.dispose());
    const project = ws.projectCopy("readme");
    const block = readmeBlock();
    // The block logs in itself (the workspace's backend variable would override its login) and
    // chooses its passphrase: later commands use the same.
    const passphrase = /export PULUMI_CONFIG_PASSPHRASE='([^']*)'/.exec(block)?.[1];
    assert.ok(passphrase, "the README block sets PULUMI_CONFIG_PASSPHRASE");
    const env = { ...ws.env, PULUMI_BACKEND_URL: "", PULUMI_CONFIG_PASSPHRASE: passphrase };
    const run = ws.run("bash", ["-euo", "pipefail", "-c", block], project, { env, timeoutMs: 480_000 });
    made = { ws, project, env, run };
    return made;
}
