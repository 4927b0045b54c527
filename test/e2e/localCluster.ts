/**
 * Real Consul 1.16 agents on loopback, started from a bundle this library rendered. Each agent
 * gets its own 127.0.0.x address; everything else in its config is the bundle's, except what
 * several agents on one host must not share (their API listen addresses) — patched here, and
 * nowhere in the library.
 */
import { ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { consulRequest, ApiConnection, ApiResponse } from "../../src/acl/dynamic/consulHttp";

export const CONSUL = join(__dirname, "..", "..", ".cache", "tools", "consul-1.16.3", "consul");

export class LocalAgents {
    readonly dir = mkdtempSync(join(tmpdir(), "ch-e2e-"));
    private readonly procs: { name: string; proc: ChildProcess }[] = [];

    /** Writes the agent's config files and starts `consul agent` with them. */
    start(name: string, files: Record<string, string>): void {
        const home = join(this.dir, name);
        mkdirSync(join(home, "data"), { recursive: true, mode: 0o700 });
        const args = ["agent"];
        for (const [file, content] of Object.entries(files)) {
            writeFileSync(join(home, file), content, { mode: 0o600 });
            if (file.endsWith(".json")) args.push("-config-file", join(home, file));
        }
        const proc = spawn(CONSUL, args, { stdio: ["ignore", "pipe", "pipe"] });
        let log = "";
        proc.stdout!.on("data", (d) => (log += d));
        proc.stderr!.on("data", (d) => (log += d));
        proc.on("exit", () => writeFileSync(join(home, "agent.log"), log));
        this.procs.push({ name, proc });
    }

    home(name: string): string {
        return join(this.dir, name);
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
    startServers(files: Record<string, string>, nodeNames: string[], ips: string[], prefix = ""): void {
        nodeNames.forEach((n, i) =>
            this.start(
                `${prefix}${n}`,
                this.placed(`${prefix}${n}`, files[`servers/${n}/consul.json`], ips[i], {
                    "ca.pem": files["ca.pem"],
                    "server.pem": files[`servers/${n}/server.pem`],
                    "server-key.pem": files[`servers/${n}/server-key.pem`],
                }),
            ),
        );
    }

    /** Stops every agent this run started, by PID, and waits for them to exit. */
    async stopAll(): Promise<void> {
        await Promise.all(
            this.procs.map(
                ({ proc }) =>
                    new Promise<void>((resolve) => {
                        if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
                        const kill = setTimeout(() => proc.kill("SIGKILL"), 10_000);
                        proc.once("exit", () => (clearTimeout(kill), resolve()));
                        proc.kill("SIGTERM");
                    }),
            ),
        );
        if (!process.env.KEEP_E2E) rmSync(this.dir, { recursive: true, force: true });
    }
}

/** `consul validate` on one config file: [exit code, output]. */
export function consulValidate(file: string): [number, string] {
    const r = spawnSync(CONSUL, ["validate", file], { encoding: "utf8" });
    return [r.status ?? -1, `${r.stdout}${r.stderr}`];
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
