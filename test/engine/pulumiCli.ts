/**
 * The real Pulumi CLI for the engine stage: the binary `scripts/engine-tools.sh` built from
 * github.com/pulumi/pulumi/pkg/v3, with a file backend, passphrase secrets and a PULUMI_HOME of its
 * own in a temp dir, automatic plugin acquisition off. The emulated providers are registered as
 * the engine finds plugins: `pulumi plugin install resource <name> <version> -f <tarball>`.
 * Every command runs with a time bound and fails with its output, never hangs.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PLUGIN_PACKAGES } from "../../src/testing/plugin/providerPlugin";

export const REPO = join(__dirname, "..", "..");

/** The folder with `pulumi`, its language hosts and the dynamic-provider launcher. */
export function engineBin(): string {
    return execFileSync("bash", [join(REPO, "scripts", "engine-tools.sh"), "--print-bin"], { encoding: "utf8" }).trim();
}

export interface RunOptions {
    /** Bound on the command's run time (it is killed then, and the call throws). @default 240 s */
    timeoutMs?: number;
    /** Return a failed command's result instead of throwing. */
    allowFailure?: boolean;
    env?: NodeJS.ProcessEnv;
    stdin?: string;
}

export interface CommandResult {
    code: number;
    stdout: string;
    stderr: string;
}

export class PulumiWorkspace {
    readonly home: string;
    readonly env: NodeJS.ProcessEnv;

    constructor(readonly passphrase = "engine-stage-passphrase") {
        const bin = engineBin();
        for (const tool of ["pulumi", "pulumi-language-nodejs", "pulumi-resource-pulumi-nodejs"])
            if (!existsSync(join(bin, tool))) throw new Error(`${join(bin, tool)} is missing: run scripts/engine-tools.sh (npm run test:engine does)`);
        if (!existsSync(join(REPO, "dist", "testing", "plugin", "main.js"))) throw new Error("dist/ is not built: run npm run build (npm run test:engine does)");
        this.home = mkdtempSync(join(tmpdir(), "ch-engine-"));
        this.env = {
            ...process.env,
            PATH: `${bin}:${process.env.PATH}`,
            PULUMI_HOME: join(this.home, "pulumi-home"),
            PULUMI_BACKEND_URL: `file://${join(this.home, "backend")}`,
            PULUMI_CONFIG_PASSPHRASE: passphrase,
            PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
            PULUMI_SKIP_UPDATE_CHECK: "true",
            PULUMI_SKIP_CHECKPOINTS: "false",
            PULUMI_DIY_BACKEND_NO_LEGACY_WARNING: "true",
            NO_COLOR: "1",
        };
        mkdirSync(join(this.home, "backend"), { recursive: true });
        this.installEmulatedProviders();
    }

    /** `pulumi <args>` in `cwd`, bounded in time; throws with the output unless `allowFailure`. */
    pulumi(args: string[], cwd: string, opts: RunOptions = {}): CommandResult {
        return this.run("pulumi", [...args, "--non-interactive"], cwd, opts);
    }

    /** Any command with this workspace's environment (e.g. `bash -c` of a README block). */
    run(cmd: string, args: string[], cwd: string, opts: RunOptions = {}): CommandResult {
        const timeout = opts.timeoutMs ?? 240_000;
        const r = spawnSync(cmd, args, { cwd, env: { ...this.env, ...opts.env }, input: opts.stdin, encoding: "utf8", timeout, killSignal: "SIGKILL", maxBuffer: 256 * 1024 * 1024 });
        const result = { code: r.status ?? -1, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
        if (r.error && (r.error as NodeJS.ErrnoException).code === "ETIMEDOUT")
            throw new Error(`${cmd} ${args.join(" ")} did not finish within ${timeout / 1000}s:\n${tail(result.stdout)}\n${tail(result.stderr)}`);
        if (r.error) throw new Error(`${cmd} could not start: ${r.error.message}`);
        if (result.code !== 0 && !opts.allowFailure) throw new Error(`${cmd} ${args.join(" ")} exited ${result.code}:\n${tail(result.stdout)}\n${tail(result.stderr)}`);
        return result;
    }

    /** `pulumi config set --secret <key>` with the value on standard input (never on a command line). */
    setSecret(cwd: string, key: string, value: string): void {
        this.pulumi(["config", "set", "--secret", key], cwd, { stdin: value });
    }

    /** The stack's `pulumi stack export`, parsed. */
    stackExport(cwd: string, stack?: string): EngineDeployment {
        const out = this.pulumi(["stack", "export", ...(stack ? ["--stack", stack] : [])], cwd).stdout;
        return JSON.parse(out) as EngineDeployment;
    }

    /**
     * Registers `pulumi-resource-<pkg>` (the provider emulation, src/testing/plugin) in this
     * PULUMI_HOME at the version the library pins, as `pulumi plugin install -f` does for a
     * provider's release tarball.
     */
    private installEmulatedProviders(): void {
        const entry = join(REPO, "dist", "testing", "plugin", "main.js");
        for (const pkg of PLUGIN_PACKAGES) {
            const version = JSON.parse(readFileSync(join(REPO, "node_modules", "@pulumi", pkg, "package.json"), "utf8")).pulumi.version as string;
            const dir = join(this.home, `plugin-${pkg}`);
            mkdirSync(dir, { recursive: true });
            const launcher = join(dir, `pulumi-resource-${pkg}`);
            writeFileSync(launcher, `#!/bin/sh\nexec node ${JSON.stringify(entry)} ${pkg} "$@"\n`);
            chmodSync(launcher, 0o755);
            const tarball = join(this.home, `pulumi-resource-${pkg}-v${version}.tgz`);
            execFileSync("tar", ["-czf", tarball, "-C", dir, `pulumi-resource-${pkg}`]);
            this.pulumi(["plugin", "install", "resource", pkg, `v${version}`, "-f", tarball], this.home);
        }
    }

    /**
     * A copy of this repository's Pulumi project (Pulumi.yaml, the examples, the sources) in a
     * fresh folder with the repository's node_modules: what a user's clone holds, without touching
     * the work tree (stacks write Pulumi.<stack>.yaml beside Pulumi.yaml).
     */
    projectCopy(name: string, files = ["Pulumi.yaml", "PulumiPlugin.yaml", "package.json", "tsconfig.json", "src", "examples", "dist"]): string {
        const dir = join(this.home, name);
        mkdirSync(dir, { recursive: true });
        for (const f of files) cpSync(join(REPO, f), join(dir, f), { recursive: true });
        symlinkSync(join(REPO, "node_modules"), join(dir, "node_modules"));
        return dir;
    }

    /**
     * A JavaScript Pulumi project in a fresh folder whose program is `source` (CommonJS, no
     * TypeScript step), with the repository's node_modules; `require(REPO)` gives the built library.
     */
    jsProject(name: string, source: string): string {
        const dir = join(this.home, name);
        mkdirSync(dir, { recursive: true });
        writeFileSync(join(dir, "Pulumi.yaml"), `name: ${name}\nruntime:\n  name: nodejs\n  options:\n    typescript: false\nmain: index.js\n`);
        writeFileSync(join(dir, "package.json"), JSON.stringify({ name, private: true, main: "index.js" }));
        writeFileSync(join(dir, "index.js"), source.replaceAll("REPO", JSON.stringify(REPO)));
        symlinkSync(join(REPO, "node_modules"), join(dir, "node_modules"));
        this.pulumi(["stack", "init", "test"], dir);
        return dir;
    }

    dispose(): void {
        if (!process.env.KEEP_ENGINE) rmSync(this.home, { recursive: true, force: true });
    }
}

/** `pulumi stack export` (apitype.UntypedDeployment, version 3). */
export interface EngineDeployment {
    version: number;
    deployment: { resources?: EngineResource[]; secrets_providers?: { type: string } };
}

export interface EngineResource {
    urn: string;
    custom: boolean;
    id?: string;
    type: string;
    inputs?: Record<string, unknown>;
    outputs?: Record<string, unknown>;
    parent?: string;
    provider?: string;
    dependencies?: string[];
    propertyDependencies?: Record<string, string[]>;
    protect?: boolean;
    additionalSecretOutputs?: string[];
    aliases?: string[];
}

function tail(s: string, lines = 40): string {
    return s.split("\n").slice(-lines).join("\n");
}
