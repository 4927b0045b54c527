/** systemd's own judgement of a unit file: `systemd-analyze security --offline` and `verify`. */
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const HAVE_SYSTEMD_ANALYZE = spawnSync("systemd-analyze", ["--version"]).status === 0;

const dir = mkdtempSync(join(tmpdir(), "ch-systemd-"));

/** `systemd-analyze security --offline=true` exposure of a unit file (0.0 best … 10.0 worst). */
export function exposure(unitText: string, name = "consul.service"): number {
    const sub = mkdtempSync(join(dir, "u-"));
    const file = join(sub, name);
    writeFileSync(file, unitText);
    const r = spawnSync("systemd-analyze", ["security", "--offline=true", "--no-pager", file], { encoding: "utf8" });
    const m = /Overall exposure level for \S+: ([\d.]+)/.exec(`${r.stdout}${r.stderr}`);
    if (!m) throw new Error(`systemd-analyze security: ${r.stdout}${r.stderr}`);
    return Number(m[1]);
}

export function verify(unitText: string, name = "consul.service"): { ok: boolean; out: string } {
    const sub = mkdtempSync(join(dir, "v-"));
    const file = join(sub, name);
    writeFileSync(file, unitText);
    const r = spawnSync("systemd-analyze", ["verify", file], { encoding: "utf8" });
    return { ok: r.status === 0 && !/error|invalid|unknown/i.test(`${r.stdout}${r.stderr}`), out: `${r.stdout}${r.stderr}` };
}
