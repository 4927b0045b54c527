import { readdirSync, statSync } from "node:fs";
import { checkNesting, InputFileError, jsonErrorText, readTextFile } from "../validation/inputFile";
import { basename, extname, join } from "node:path";
import { HclSyntaxError, parseHcl } from "../hcl/parse";
import { DecodeError } from "../config/consulKeys";
import { ConsulLine, keyTableOf, NEWEST_CONSUL_LINE, otherLinesKnowing } from "../config/consulVersion";
import { migrateDeprecated } from "./deprecated";
import { isPlainObject as isObject, setOwn } from "../config/merge";

/** Larger files are refused unread: an agent config is kilobytes. */
export const MAX_CONFIG_BYTES = 1024 * 1024;

/** Input the audit cannot read: it names the file and, where known, the line and column. */
export class AuditInputError extends Error {
    constructor(readonly file: string, readonly detail: string, readonly line?: number, readonly column?: number) {
        super(`${file}${line !== undefined ? `:${line}${column !== undefined ? `:${column}` : ""}` : ""}: ${detail}`);
        this.name = "AuditInputError";
    }
}

export interface LoadedAgent {
    /** The file or directory given. */
    source: string;
    /** The files read, in the order Consul merges them. */
    files: string[];
    /** The merged config as written. */
    raw: Record<string, any>;
    /** The merged config, deprecated keys moved to their replacements. */
    config: Record<string, any>;
    /** New path → the deprecated key the files used. */
    moved: Record<string, string>;
    /** Values Consul's decoder refuses (a wrong type, a block given twice): the file does not parse. */
    decodeErrors: (DecodeError & { file: string })[];
    /**
     * Keys Consul does not know ("invalid config key"), per file: Consul checks each file alone;
     * `otherLines`: the other known release lines that do take the key (a config for another version).
     */
    unknownKeys: { file: string; path: string; otherLines: ConsulLine[] }[];
    /** The Consul release line the files were read as. */
    consulLine: ConsulLine;
}

/** What Consul refuses of one file as it parses it, before any merge (FileSource.Parse). */
function parseAsConsul(file: string, parsed: Record<string, any>, line: ConsulLine) {
    const table = keyTableOf(line);
    const decoded = table.decode(parsed);
    return {
        config: decoded.config as Record<string, any>,
        decodeErrors: decoded.errors.map((e) => ({ ...e, file })),
        unknownKeys: table.invalidKeys(parsed).map((path) => ({ file, path, otherLines: otherLinesKnowing(line, parsed, path) })),
    };
}

/** A config directory's .json and .hcl files, in the lexical order Consul reads them. */
export function configFilesIn(dir: string): string[] {
    return readdirSync(dir)
        .filter((f) => [".json", ".hcl"].includes(extname(f)))
        .sort()
        .map((f) => join(dir, f));
}

/**
 * Reads one agent's configuration: a file, or a config directory merged as Consul does (its
 * .json and .hcl files in lexical order; objects merge, lists append, later values win).
 */
export function loadAgent(path: string, line: ConsulLine = NEWEST_CONSUL_LINE): LoadedAgent {
    let stat;
    try {
        stat = statSync(path);
    } catch (e) {
        throw new AuditInputError(path, `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    const files = stat.isDirectory() ? configFilesIn(path) : [path];
    if (files.length === 0) throw new AuditInputError(path, "directory holds no .json or .hcl agent config");
    return loadAgentFiles(path, files, line);
}

/** One agent from these files, merged in this order as Consul merges its config files. */
export function loadAgentFiles(source: string, files: string[], line: ConsulLine = NEWEST_CONSUL_LINE): LoadedAgent {
    // Consul translates deprecated keys in each file as it parses it, then merges the files
    // (FileSource.Parse → applyDeprecatedConfig, agent/config/config.go): a later file's
    // deprecated `verify_incoming = false` overrides an earlier file's tls.defaults.verify_incoming.
    let raw: Record<string, any> = {};
    let config: Record<string, any> = {};
    const moved: Record<string, string> = {};
    const decodeErrors: LoadedAgent["decodeErrors"] = [];
    const unknownKeys: LoadedAgent["unknownKeys"] = [];
    for (const f of files) {
        // Each file is decoded and checked on its own, before the merge: two files each with a
        // `tls` block are two blocks merged, one file with two is refused; `Datacenter` in one file
        // and `datacenter` in another are two spellings Consul never sees side by side.
        const decoded = parseAsConsul(f, parseConfigFile(f), line);
        decodeErrors.push(...decoded.decodeErrors);
        unknownKeys.push(...decoded.unknownKeys);
        const parsed = decoded.config;
        raw = mergeConsul(raw, parsed);
        const migrated = migrateDeprecated(parsed);
        config = mergeConsul(config, migrated.config);
        Object.assign(moved, migrated.moved);
    }
    return { source, files, raw, config, moved, decodeErrors, unknownKeys, consulLine: line };
}

const subdirs = (dir: string) => readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();

/**
 * The agents an argument stands for. A file, or a directory holding configs, is one agent. A
 * directory holding none is searched: this library's bundle (`servers/<node>/consul.json`, and
 * `client/consul.json` merged with each `client/<node>/agent.json` as the agent's config directory
 * would be) gives one agent per node — the JSON of each, as an agent loads one format; any other
 * tree gives one agent per directory that holds configs.
 */
export function loadAgents(path: string, line: ConsulLine = NEWEST_CONSUL_LINE): LoadedAgent[] {
    let stat;
    try {
        stat = statSync(path);
    } catch (e) {
        throw new AuditInputError(path, `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    if (!stat.isDirectory() || configFilesIn(path).length > 0) return [loadAgent(path, line)];
    const exists = (p: string) => {
        try {
            return statSync(p).isFile();
        } catch {
            return false;
        }
    };
    const agents: LoadedAgent[] = [];
    const servers = join(path, "servers");
    const clientProfile = join(path, "client", "consul.json");
    if (exists(clientProfile) || subdirs(path).includes("servers")) {
        if (subdirs(path).includes("servers"))
            for (const node of subdirs(servers)) if (exists(join(servers, node, "consul.json"))) agents.push(loadAgentFiles(join(servers, node), [join(servers, node, "consul.json")], line));
        if (exists(clientProfile)) {
            const nodes = subdirs(join(path, "client")).filter((n) => exists(join(path, "client", n, "agent.json")));
            if (nodes.length === 0) agents.push(loadAgentFiles(join(path, "client"), [clientProfile], line));
            for (const node of nodes) agents.push(loadAgentFiles(join(path, "client", node), [clientProfile, join(path, "client", node, "agent.json")], line));
        }
    } else {
        const walk = (dir: string, depth: number) => {
            if (configFilesIn(dir).length > 0) agents.push(loadAgent(dir, line));
            else if (depth < 4) for (const d of subdirs(dir)) walk(join(dir, d), depth + 1);
        };
        walk(path, 0);
    }
    if (agents.length === 0) throw new AuditInputError(path, "holds no .json or .hcl agent config, in it or below it");
    return agents;
}

/** An agent config that is already an object (e.g. a component's review config). */
export function agentFromObject(source: string, config: Record<string, any>, line: ConsulLine = NEWEST_CONSUL_LINE): LoadedAgent {
    const { config: decoded, decodeErrors, unknownKeys } = parseAsConsul(source, config, line);
    const { config: migrated, moved } = migrateDeprecated(decoded);
    return { source, files: [], raw: decoded, config: migrated, moved, decodeErrors, unknownKeys, consulLine: line };
}

/** Parses config text (a string passed into some resource), JSON or HCL, or undefined if it is neither. */
export function parseConfigText(text: string): Record<string, any> | undefined {
    const trimmed = text.trim();
    try {
        const value = trimmed.startsWith("{") ? JSON.parse(trimmed) : parseHcl(trimmed);
        return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, any>) : undefined;
    } catch {
        return undefined;
    }
}

/** Parses one .json or .hcl file (HCL in HCL v1's JSON form: every block a list; decodeAsConsul unwraps them). */
export function parseConfigFile(file: string): Record<string, any> {
    const text = readBounded(file);
    const ext = extname(file);
    // Consul skips a file with no bytes at all (FileSource.Parse → ErrNoData, builder.go); a file
    // of whitespace is still parsed (and, as JSON, refused).
    if (text === "" && (ext === ".json" || ext === ".hcl")) return {};
    if (ext === ".json") {
        try {
            const value = JSON.parse(text);
            if (!value || typeof value !== "object" || Array.isArray(value)) throw new AuditInputError(file, "a config file must hold one JSON object", 1, 1);
            return value;
        } catch (e) {
            if (e instanceof AuditInputError) throw e;
            const pos = /position (\d+)/.exec((e as Error).message);
            const { line, column } = pos ? lineColumn(text, Number(pos[1])) : { line: undefined, column: undefined };
            throw new AuditInputError(file, `JSON syntax error: ${jsonErrorText(e)}`, line, column);
        }
    }
    if (ext === ".hcl") {
        try {
            return parseHcl(text) as Record<string, any>;
        } catch (e) {
            if (!(e instanceof HclSyntaxError)) throw e;
            const at = /At (\d+):(\d+): (.*)$/.exec(e.detail);
            throw new AuditInputError(file, `HCL syntax error: ${at ? at[3] : e.detail}`, at ? Number(at[1]) : undefined, at ? Number(at[2]) : undefined);
        }
    }
    throw new AuditInputError(file, `not a Consul config file (${basename(file)}): Consul reads .json and .hcl`);
}

function readBounded(file: string): string {
    try {
        const text = readTextFile(file, MAX_CONFIG_BYTES);
        checkNesting(file, text);
        return text;
    } catch (e) {
        if (e instanceof InputFileError) throw new AuditInputError(file, e.message);
        throw e;
    }
}

function lineColumn(text: string, offset: number): { line: number; column: number } {
    const before = text.slice(0, offset).split("\n");
    return { line: before.length, column: before[before.length - 1].length + 1 };
}

/** Consul's merge of config fragments: objects merge, lists append, scalars: later wins. */
export function mergeConsul(a: Record<string, any>, b: Record<string, any>): Record<string, any> {
    const out: Record<string, any> = { ...a };
    for (const [k, v] of Object.entries(b)) {
        const cur = Object.prototype.hasOwnProperty.call(out, k) ? out[k] : undefined;
        setOwn(out, k, Array.isArray(cur) && Array.isArray(v) ? [...cur, ...v] : isObject(cur) && isObject(v) ? mergeConsul(cur, v) : v);
    }
    return out;
}

