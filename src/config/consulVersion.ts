import { CONSUL_KEY_TABLES, ConsulKeyTable } from "./consulKeys";

/**
 * The Consul release lines the library judges configs for: one key table and one set of builder
 * rules per line. 1.14–1.16 are read from their MPL-2.0 releases, built and run here (`consul
 * validate` is the oracle in the end-to-end stage). 1.17–1.22 are BUSL-1.1: their tables are read
 * from the source of one release per line as text, nothing of it built or run; no binary checks
 * their verdicts, only the source tables do.
 */
export type ConsulLine = keyof typeof CONSUL_KEY_TABLES;

/** Each line and the release its table and live checks come from. */
export const CONSUL_RELEASES: Readonly<Record<ConsulLine, string>> = {
    "1.14": "1.14.11",
    "1.15": "1.15.4",
    "1.16": "1.16.3",
    "1.17": "1.17.4",
    "1.18": "1.18.2",
    "1.19": "1.19.2",
    "1.20": "1.20.6",
    "1.21": "1.21.5",
    "1.22": "1.22.3",
};

/** The lines whose release is built and run here (MPL-2.0); the others are read from source only. */
export const BUILT_CONSUL_LINES: readonly ConsulLine[] = ["1.14", "1.15", "1.16"];

/**
 * What the library renders for and the audit assumes when no version is given: the newest line
 * whose binary runs here, so every default config is one a real agent has started with.
 */
export const NEWEST_CONSUL_LINE: ConsulLine = "1.16";

const LINES = Object.keys(CONSUL_RELEASES) as ConsulLine[];

/**
 * Whether a release (as an agent reports it: `1.16.3`, `v1.17.0`, `1.16.3+ent`) came before
 * `than` (`1.17.0`). One ordering for every "came with release X" rule. Undefined when `release` is
 * no version.
 */
export function releaseBefore(release: string, than: string): boolean | undefined {
    const parts = (v: string) => /^v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(v)?.slice(1, 4).map((x) => Number(x ?? 0));
    const a = parts(release);
    const b = parts(than);
    if (!a || !b) return undefined;
    for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] < b[i];
    return false;
}

/** A version the library cannot judge configs for, with the versions it can. */
export class ConsulVersionError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "ConsulVersionError";
    }
}

/**
 * The release line of a version as written (`1.15`, `1.15.4`, `v1.21.5`). Refuses, naming the
 * option, the value and the versions known: what is no version (`latest`, `2.x`, `1.16.x`), and a
 * line before 1.14 or after 1.22.
 */
export function consulLineOf(version: unknown, option: string): ConsulLine {
    const known = LINES.map((l) => `${l} (${CONSUL_RELEASES[l]})`).join(", ");
    if (typeof version !== "string") throw new ConsulVersionError(`${option}: ${shownShort(version)} is not a version: write one of ${known}`);
    const m = /^v?(\d{1,3})\.(\d{1,3})(?:\.(\d{1,3}))?$/.exec(version.trim());
    if (!m) throw new ConsulVersionError(`${option}: ${shownShort(version)} is not a Consul version (MAJOR.MINOR or MAJOR.MINOR.PATCH): write one of ${known}`);
    const line = `${Number(m[1])}.${Number(m[2])}`;
    if ((LINES as string[]).includes(line)) return line as ConsulLine;
    throw new ConsulVersionError(`${option}: Consul ${version} is not a release line the library knows: ${known}`);
}

/** A value in a message: short, whatever it is (a long string is cut, an object named by its kind). */
function shownShort(v: unknown): string {
    if (typeof v === "string") return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
    if (typeof v === "number" || typeof v === "boolean" || v === null || v === undefined) return String(v);
    return Array.isArray(v) ? "a list" : typeof v === "object" ? "an object" : `a ${typeof v}`;
}

/** Whether `a` is the same line as `b` or later. */
export const atLeast = (a: ConsulLine, b: ConsulLine): boolean => LINES.indexOf(a) >= LINES.indexOf(b);

/** The key table of a line. */
export const keyTableOf = (line: ConsulLine): ConsulKeyTable => CONSUL_KEY_TABLES[line];

/**
 * The other known lines that take the key at `path` (as written) in this config — where a key the
 * line asked for refuses came from, or went to. Only run for keys already refused: rare.
 */
export function otherLinesKnowing(line: ConsulLine, config: Record<string, unknown>, path: string): ConsulLine[] {
    return LINES.filter((l) => l !== line && !CONSUL_KEY_TABLES[l].invalidKeys(config).includes(path));
}

/** "came with Consul 1.16" / "Consul 1.14 took it; removed after" — or "" when no known line takes it. */
export function versionNote(line: ConsulLine, others: ConsulLine[]): string {
    if (others.length === 0) return "";
    const newer = others.filter((l) => LINES.indexOf(l) > LINES.indexOf(line));
    if (newer.length > 0) return `: it came with Consul ${newer[0]} — the config is newer than ${line}`;
    return `: Consul ${others[others.length - 1]} took it; later lines removed it`;
}
