/**
 * Real Consul 1.16 agents on loopback, started from a bundle this library rendered. Each agent
 * gets its own 127.0.0.x address; everything else in its config is the bundle's, except what
 * several agents on one host must not share (their API listen addresses) — patched here, and
 * nowhere in the library.
 */
import { ChildProcess, spawn, spawnSync } from "node:child_process";
import { chmodSync, chownSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { consulRequest, ApiConnection, ApiResponse } from "../../src/acl/dynamic/consulHttp";
import { connect as tlsConnect } from "node:tls";

export const CONSUL = join(__dirname, "..", "..", ".cache", "tools", "consul-1.16.3", "consul");

/** The unprivileged account agents run as when `start(…, { unprivileged: true })`. */
export const AGENT_USER = "consul-e2e";

/**
 * Whether agents can be run unprivileged here: root (to create the account and drop to it),
 * setpriv (util-linux) and bwrap (bubblewrap). The sandbox applies what the systemd unit asks for
 * as far as these tools can: User/Group, NoNewPrivileges, an empty capability set (bounding,
 * inheritable, ambient), a read-only file system but the data directory, a private /tmp and a
 * minimal /dev. Not applied (no systemd as PID 1 here): the seccomp filter, address-family,
 * namespace, kernel, clock and /proc restrictions.
 */
export function canRunUnprivileged(): boolean {
    const has = (cmd: string) => spawnSync("sh", ["-c", `command -v ${cmd}`]).status === 0;
    return process.getuid?.() === 0 && has("setpriv") && has("bwrap") && has("useradd");
}

function agentUserIds(): { uid: number; gid: number } {
    if (spawnSync("id", ["-u", AGENT_USER]).status !== 0)
        spawnSync("useradd", ["--system", "--no-create-home", "--shell", "/usr/sbin/nologin", AGENT_USER], { stdio: "inherit" });
    const id = (flag: string) => Number(spawnSync("id", [flag, AGENT_USER], { encoding: "utf8" }).stdout.trim());
    return { uid: id("-u"), gid: id("-g") };
}

export class LocalAgents {
    readonly dir = mkdtempSync(join(tmpdir(), "ch-e2e-"));
    /** @param binary the `consul` every agent runs (a release scripts/e2e-tools.sh built) */
    constructor(readonly binary = CONSUL) {}
    private readonly procs: { name: string; proc: ChildProcess; configFiles: string[]; log: () => string }[] = [];

    /** What the agent's running (or last) process has printed so far. */
    log(name: string): string {
        const agent = [...this.procs].reverse().find((p) => p.name === name);
        if (!agent) throw new Error(`agent ${name} was never started`);
        return agent.log();
    }

    /**
     * Writes the agent's config files and starts `consul agent` with them — with `unprivileged`,
     * as AGENT_USER in the sandbox `canRunUnprivileged` describes, its files owned by that user
     * with the bundle's modes.
     */
    start(name: string, files: Record<string, string>, options: { unprivileged?: boolean } = {}): void {
        const home = join(this.dir, name);
        mkdirSync(join(home, "data"), { recursive: true, mode: 0o700 });
        const args = ["agent"];
        for (const [file, content] of Object.entries(files)) {
            writeFileSync(join(home, file), content, { mode: 0o600 });
            if (file.endsWith(".json")) args.push("-config-file", join(home, file));
        }
        let command = this.binary;
        let commandArgs = args;
        if (options.unprivileged) {
            const { uid, gid } = agentUserIds();
            chmodSync(this.dir, 0o711); // traversable, not listable
            // The binary where the account can run it (the repository may sit in a 0700 directory).
            const binary = join(this.dir, "consul");
            if (!existsSync(binary)) copyFileSync(this.binary, binary), chmodSync(binary, 0o755);
            for (const path of [home, join(home, "data"), ...Object.keys(files).map((f) => join(home, f))]) chownSync(path, uid, gid);
            command = "setpriv";
            commandArgs = [
                `--reuid=${uid}`, `--regid=${gid}`, "--clear-groups", "--no-new-privs", "--inh-caps=-all", "--bounding-set=-all",
                "--", "bwrap", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp",
                "--ro-bind", this.dir, this.dir, "--bind", join(home, "data"), join(home, "data"),
                "--", binary, ...args,
            ];
        }
        this.launch(name, command, commandArgs, Object.keys(files).filter((f) => f.endsWith(".json")));
    }

    home(name: string): string {
        return join(this.dir, name);
    }

    /** A file in this run's directory, mode 0600 (keys, tokens, CLI material); returns its path. */
    writeShared(name: string, content: string): string {
        writeFileSync(join(this.dir, name), content, { mode: 0o600 });
        return join(this.dir, name);
    }

    /** Replaces one of an agent's files (a certificate, its key, ca.pem) as a deployment would. */
    write(name: string, file: string, content: string): void {
        writeFileSync(join(this.home(name), file), content, { mode: 0o600 });
    }

    /** `consul reload` by signal: SIGHUP makes the agent reload its config, TLS files included. */
    reload(name: string): void {
        const agent = this.procs.find((p) => p.name === name && p.proc.exitCode === null && p.proc.signalCode === null);
        if (!agent) throw new Error(`agent ${name} is not running`);
        agent.proc.kill("SIGHUP");
    }

    /**
     * A bundle config placed for this host: its own data dir and TLS files, and (several agents,
     * one host) its own listen addresses — nothing else changed.
     */
    placed(name: string, json: string, ip: string, certs: Record<string, string>): Record<string, string> {
        const cfg = JSON.parse(json);
        const home = this.home(name);
        cfg.data_dir = join(home, "data");
        for (const k of ["ca_file", "cert_file", "key_file"] as const) if (cfg.tls.defaults[k]) cfg.tls.defaults[k] = join(home, cfg.tls.defaults[k].split("/").pop());
        cfg.client_addr = ip;
        if (cfg.addresses) cfg.addresses = { https: ip, grpc_tls: ip };
        cfg.bind_addr ??= ip;
        return { "consul.json": JSON.stringify(cfg), ...certs };
    }

    /** Starts every server of a rendered bundle, each on its own address. */
    startServers(files: Record<string, string>, nodeNames: string[], ips: string[], prefix = "", unprivileged: string[] = []): void {
        nodeNames.forEach((n, i) =>
            this.start(
                `${prefix}${n}`,
                this.placed(`${prefix}${n}`, files[`servers/${n}/consul.json`], ips[i], {
                    "ca.pem": files["ca.pem"],
                    "server.pem": files[`servers/${n}/server.pem`],
                    "server-key.pem": files[`servers/${n}/server-key.pem`],
                }),
                { unprivileged: unprivileged.includes(n) },
            ),
        );
    }

    /** Runs an agent's process, keeping its output in agent.log. */
    private launch(name: string, command: string, args: string[], configFiles: string[]): void {
        // Its own process group: stopping it stops the sandbox and the agent inside together.
        const proc = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"], detached: true });
        let log = "";
        proc.stdout!.on("data", (d) => (log += d));
        proc.stderr!.on("data", (d) => (log += d));
        proc.on("exit", () => writeFileSync(join(this.home(name), "agent.log"), log));
        this.procs.push({ name, proc, configFiles, log: () => log });
    }

    /** Whether the agent's last process has exited (with its exit code), or is still running. */
    exited(name: string): number | null | undefined {
        const agent = [...this.procs].reverse().find((p) => p.name === name);
        if (!agent) throw new Error(`agent ${name} was never started`);
        return agent.proc.exitCode ?? (agent.proc.signalCode ? -1 : undefined);
    }

    /** Stops one agent by PID (SIGTERM: it leaves gracefully) and waits for it to exit; its files stay. */
    async stop(name: string): Promise<void> {
        const agent = this.procs.find((p) => p.name === name && p.proc.exitCode === null && p.proc.signalCode === null);
        if (!agent) throw new Error(`agent ${name} is not running`);
        await stopProcess(agent.proc);
    }

    /** Starts a stopped agent again from the files it has now (and its data directory). */
    restart(name: string): void {
        const previous = this.procs.find((p) => p.name === name);
        if (!previous) throw new Error(`agent ${name} was never started`);
        const home = this.home(name);
        this.launch(name, this.binary, ["agent", ...previous.configFiles.flatMap((f) => ["-config-file", join(home, f)])], previous.configFiles);
    }

    /** Stops every agent this run started, by PID, and waits for them to exit. */
    async stopAll(): Promise<void> {
        await Promise.all(this.procs.map(({ proc }) => stopProcess(proc)));
        if (!process.env.KEEP_E2E) rmSync(this.dir, { recursive: true, force: true });
    }
}

/** The package's command (bin/consul-hardened.js) in its own process: exit code and output. */
export function runBin(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; out: string; err: string }> {
    return new Promise((resolve) => {
        const p = spawn(process.execPath, [join(__dirname, "..", "..", "bin", "consul-hardened.js"), ...args], { env });
        let out = "";
        let err = "";
        p.stdout!.on("data", (d) => (out += d));
        p.stderr!.on("data", (d) => (err += d));
        p.on("exit", (code) => resolve({ code, out, err }));
    });
}

/** SIGTERM to the process group, SIGKILL after 10s; resolves when the process has exited. */
export function stopProcess(proc: ChildProcess): Promise<void> {
    return new Promise<void>((resolve) => {
        if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
        const signal = (s: NodeJS.Signals) => {
            try {
                process.kill(-proc.pid!, s);
            } catch {
                proc.kill(s);
            }
        };
        const kill = setTimeout(() => signal("SIGKILL"), 10_000);
        proc.once("exit", () => (clearTimeout(kill), resolve()));
        signal("SIGTERM");
    });
}

/** The binary of each MPL-2.0 release scripts/e2e-tools.sh builds ("1.15.4" → its path). */
export const consulBinary = (release: string) => join(__dirname, "..", "..", ".cache", "tools", `consul-${release}`, "consul");

/**
 * The Vault binary the Vault e2e runs: the MPL-2.0 1.14.2 scripts/e2e-tools.sh builds, or your own
 * (`CONSUL_HARDENED_VAULT=/path/to/vault`, any 1.14+ release) to check VaultPki against it.
 */
export const VAULT = process.env.CONSUL_HARDENED_VAULT || join(__dirname, "..", "..", ".cache", "tools", "vault-1.14.2", "vault");

/** `consul validate` on one config file: [exit code, output]. */
export function consulValidate(file: string, binary = CONSUL): [number, string] {
    const r = spawnSync(binary, ["validate", file], { encoding: "utf8" });
    return [r.status ?? -1, `${r.stdout}${r.stderr}`];
}

/**
 * `consul validate` of a file or directory as a verdict: refused or not, its last line, and — when
 * a file failed to parse (Consul stops at the first) — that file and its "invalid config key" list
 * (none when it was a decode error).
 */
export function consulVerdict(path: string, binary = CONSUL): { refused: boolean; message: string; file?: string; keys?: string[] } {
    const [code, output] = consulValidate(path, binary);
    const out = output.trim();
    if (code === 0) return { refused: false, message: "" };
    const failed = /failed to parse (\S+?):/.exec(out);
    const keys = [...out.matchAll(/\* invalid config key (\S+)/g)].map((m) => m[1]).sort();
    return { refused: true, message: out.split("\n").filter((l) => l.trim()).slice(-1)[0].slice(0, 200), file: failed?.[1], keys: failed && keys.length ? keys : undefined };
}

/**
 * Waits until the servers answer for the management token: the leader bootstraps the initial
 * management token a moment after it is elected (leader.go, initializeACLs), and an ACL write in
 * between gets 403 "ACL system must be bootstrapped".
 */
export function aclsReady(conn: ApiConnection): Promise<true> {
    return until("ACLs bootstrapped", async () => ((await api(conn, "GET", "/v1/acl/token/self")).status === 200 ? true : undefined), 90_000);
}

export async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
    const end = Date.now() + timeoutMs;
    let last: unknown;
    while (Date.now() < end) {
        try {
            const v = await probe();
            if (v !== undefined) return v;
        } catch (e) {
            last = e;
        }
        await new Promise((r) => setTimeout(r, 500));
    }
    throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ""}`);
}

export function api(conn: ApiConnection, method: string, path: string, body?: unknown): Promise<ApiResponse> {
    return consulRequest(conn, method, path, body);
}

/** The serial number of the certificate a server presents on its HTTPS port now (a new one after a renewal). */
export function servedSerial(host: string, ca: string, cert: string, key: string, port = 8501): Promise<string> {
    return new Promise((resolve, reject) => {
        const s = tlsConnect({ host, port, ca, cert, key, servername: "server.dc1.consul" }, () => {
            const serial = s.getPeerCertificate().serialNumber;
            s.end();
            resolve(serial);
        });
        s.on("error", reject);
        s.setTimeout(5000, () => s.destroy(new Error("timeout")));
    });
}
