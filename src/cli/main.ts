/**
 * `consul-hardened` — the reviewers' and operators' command: audit agent configs and certificates
 * against the Security Model checklist, print the library's coverage, rotate a live gossip
 * keyring, probe a live agent. Thin over src/audit, src/certs, src/gossip/live and src/probe; each
 * command's synopsis, help and exit codes are in COMMANDS below (`consul-hardened <command> --help`).
 */
import { parseArgs } from "node:util";
import { X509Certificate } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { checkNesting, InputFileError, jsonErrorText, readTextFile } from "../validation/inputFile";
import { basename, join } from "node:path";
import { certificateFacts, certificateFindings, pemCertificates } from "../certs/report";
import { auditAgent, Role } from "../audit/audit";
import { coverageMarkdown, coverageReport } from "../audit/coverage";
import { REFUSAL_IDS, Severity, SEVERITY_RANK } from "../audit/findings";
import { AuditResult, toJson, toSarif, toText } from "../audit/format";
import { AuditInputError, LoadedAgent, loadAgents } from "../audit/load";
import { ConsulLine, consulLineOf, ConsulVersionError, NEWEST_CONSUL_LINE } from "../config/consulVersion";
import { versionFloorFinding } from "../config/versionFloor";
import { RotationError, rotateKeyring, rotationTarget } from "../gossip/live/rotate";
import { probe } from "../probe/probe";
import { RestoreError, restoreManagementToken } from "../acl/live/managementToken";
import { AGENT_TOKEN_TYPES, AgentTokenRotationError, AgentTokenType, rotateAgentToken, rotateSharedToken } from "../acl/live/rotateAgentToken";
import { CONSUL_UUID } from "../secrets/derive";
import { probeJson, probeSarif, probeText } from "../probe/format";

/** The installed package's version (package.json beside dist/ or src/). */
function packageVersion(): string {
    return (JSON.parse(readFileSync(join(__dirname, "..", "..", "package.json"), "utf8")) as { version: string }).version;
}

/** Other names a command answers to: the plural is how the rotation is often asked for. */
const ALIASES: Record<string, string> = { "rotate-agent-tokens": "rotate-agent-token" };

/** Each command's synopsis and help text (`consul-hardened <command> --help`). */
const COMMANDS: Record<string, { synopsis: string; help: string }> = {
    audit: {
        synopsis: "consul-hardened audit <files or dirs…> [--consul-version X.Y[.Z]] [--server|--client] [--format text|json|sarif] [--min-severity low|medium|high]",
        help: `Each argument is one agent: a .json/.hcl file, or a config directory merged as Consul does;
--consul-version: the Consul the agents run (1.14 to 1.22; default 1.16): its keys and its
builder's rules decide "Consul refuses"; a key another known line takes is reported as such; and
CONSUL-VERSION (advisory) names the security fixes that line's release lacks.
a directory with no config of its own is searched (a bundle root: one agent per node).
The agent's role comes from its own "server" key unless --server or --client says otherwise.
Only regular text files are read (at most 1 MiB each, nesting at most 100 levels).
Exit codes: 0 clean, 1 findings at or above --min-severity (default low), 2 unreadable input,
or a config Consul itself would refuse (its findings are printed).`,
    },
    report: {
        synopsis: "consul-hardened report [--format markdown|json]",
        help: `The library's coverage of the Security Model checklist: which item each default, option or
check serves. Exit codes: 0, or 2 for a bad flag.`,
    },
    certs: {
        synopsis: "consul-hardened certs <files or dirs…> [--ca FILE] [--format text|json|sarif] [--min-severity low|medium|high]",
        help: `Every certificate in the PEM files given (directories are searched for .pem/.crt): profile,
names, usages, chain to the CA (--ca, else a ca.pem among them), days left; findings CSM-ROT-01
(expired, due, too long) and CSM-TLS-07/05 (server names and usages, chain).
Exit codes: 0 clean, 1 findings at or above --min-severity, 2 unreadable input or an input
holding no PEM certificate (a DER file, an empty directory).`,
    },
    "rotate-gossip": {
        synopsis: "consul-hardened rotate-gossip --keys FILE --plan FILE [--address HOST:PORT] [--ca-file F] [--client-cert F] [--client-key F] [--stage-timeout SECONDS]",
        help: `Carries out a gossip keyring's staged rotation on a running cluster — install every live key,
verify it on every member of every pool, make the primary primary, verify, remove the retired
keys, verify — resuming where an earlier run stopped. --keys: JSON of every generation's key by
name (\`pulumi stack output gossipKeys --show-secrets\`); --plan: the rotation plan
(\`pulumi stack output gossipRotationPlan\`). The connection flags default to CONSUL_HTTP_ADDR,
CONSUL_CACERT, CONSUL_CLIENT_CERT, CONSUL_CLIENT_KEY as for the consul CLI; the token comes from
CONSUL_HTTP_TOKEN (keyring = "write"). Keys are never printed.
Exit codes: 0 done, 1 a stage did not reach every member (nothing removed before the primary is in
use everywhere), 2 unreachable, unauthenticated or bad input.`,
    },
    "rotate-agent-token": {
        synopsis: "consul-hardened rotate-agent-token [--token-type agent|replication|dns] --node NAME --datacenter DC --new-token-file F [--old-token-file F] [--agent-address HOST:PORT ...] [--agent-ca-file F] [--address HOST:PORT] [--ca-file F] [--client-cert F] [--client-key F]",
        help: `Replaces one agent's ACL token on the running agent with no moment without a valid token:
makes the new token if Consul lacks it (node identity NAME), sets it on the agent
(PUT /v1/agent/token/agent at --agent-address, default --address: a client agent's API is on its
loopback, so run it on that host; --agent-ca-file: the CA of its HTTPS certificate when not --ca-file,
e.g. Consul's Connect CA for an auto_encrypt client), checks through the agent that the token resolves and may write
its node, then deletes the old token. Run again, it resumes (each step looks whether it is done).
--new-token-file: the node's token from the stack (\`clients[i].agentToken\`, or the server's);
--old-token-file: the token it holds now (left alone when omitted). Deploy the node's new
agent.json before the agent next restarts (it starts from its file unless
acl.enable_token_persistence).
--token-type replication|dns: a token several agents share (a secondary datacenter's servers'
replication token; the DNS token, Consul 1.17+): the new token must exist (AclSystem makes it);
name every agent holding it with one --agent-address each (no --node: each agent's node is read from
it); it is set and checked on all of them, and the old token deleted only after the last.
The connection flags default as for rotate-gossip; the token from
CONSUL_HTTP_TOKEN (acl = "write" and agent:write: the management token). Tokens are never printed.
Also answers to rotate-agent-tokens.
Exit codes: 0 done, 1 a step failed (nothing deleted before the agent holds the new token),
2 unreachable or bad input.`,
    },
    "restore-management-token": {
        synopsis: "consul-hardened restore-management-token [--data-dir DIR] [--address HOST:PORT] [--ca-file F] [--client-cert F] [--client-key F]",
        help: `Break-glass for a deleted management token: brings back the token whose secret is in
CONSUL_HTTP_TOKEN (\`pulumi stack output bootstrapToken --show-secrets\` — the initial_management
every server config carries), so \`pulumi up\` works again with no change. Checks the token first;
then bootstraps Consul's ACLs with that secret, writing the reset index Consul asks for to
--data-dir/acl-bootstrap-reset — run it on the leader's host with the leader agent's data_dir.
(Restarting the leader's agent also brings the token back: a new leader re-creates it from its
config.) The connection flags default as for rotate-gossip. The secret is never printed.
Exit codes: 0 the token works (again), 1 a step failed (e.g. not the leader's host), 2 unreachable
or bad input.`,
    },
    probe: {
        synopsis:
            "consul-hardened probe [--address HOST:PORT] [--ca-file F] [--client-cert F] [--client-key F] [--expect FILE] [--min-tls TLSv1_2|TLSv1_3]\n                        [--http-port N] [--grpc-port N] [--server-port N] [--format text|json|sarif]",
        help: `Checks a live agent, read-only and bounded, for what the Security Model says it must refuse
(plaintext HTTP, HTTPS or gRPC-TLS without a client certificate, TLS below --min-tls on HTTPS and
server RPC, plaintext RPC, anonymous reads beyond DNS, missing response headers) and, with
CONSUL_HTTP_TOKEN (agent:read), its effective config from /v1/agent/self, and drift from --expect
(an intended consul.json; its tls_min_version is the minimum unless --min-tls says otherwise).
Exit codes: 0 clean, 1 findings, 2 cannot reach or cannot authenticate, or bad input.`,
    },
};

const USAGE = `usage:
  consul-hardened --version
  consul-hardened help [command]
${Object.values(COMMANDS)
    .map((c) => `  ${c.synopsis}`)
    .join("\n")}

\`consul-hardened <command> --help\` explains a command and its exit codes.`;

function commandHelp(command: string): string {
    const c = COMMANDS[command];
    return `usage:\n  ${c.synopsis}\n\n${c.help}\n`;
}

export interface Io {
    out: (s: string) => void;
    err: (s: string) => void;
}

class UsageError extends Error {}

/** The exit code; a promise of it for commands that talk to a cluster. */
export function run(argv: string[], io: Io = { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) }, env: NodeJS.ProcessEnv = process.env): number | Promise<number> {
    try {
        const [written, ...rest] = argv;
        const command = Object.prototype.hasOwnProperty.call(ALIASES, written) ? ALIASES[written] : written;
        if (command === "--version" || command === "-v") {
            io.out(`consul-hardened ${packageVersion()} (judges agent configs as Consul 1.14 to 1.22 reads them; default 1.16)\n`);
            return 0;
        }
        if (command === undefined || command === "--help" || command === "-h") {
            (command === undefined ? io.err : io.out)(USAGE + "\n");
            return command === undefined ? 2 : 0;
        }
        if (command === "help") {
            const topic = rest[0];
            if (topic === undefined) return io.out(USAGE + "\n"), 0;
            if (!(topic in COMMANDS)) throw new UsageError(`help: unknown command "${topic}"`);
            return io.out(commandHelp(topic)), 0;
        }
        if (command in COMMANDS && (rest.includes("--help") || rest.includes("-h"))) {
            io.out(commandHelp(command));
            return 0;
        }
        if (command === "audit") return audit(rest, io);
        if (command === "report") return report(rest, io);
        if (command === "certs") return certs(rest, io);
        if (command === "rotate-gossip") return rotateGossip(rest, io, env);
        if (command === "probe") return probeCommand(rest, io, env);
        if (command === "restore-management-token") return restoreManagement(rest, io, env);
        if (command === "rotate-agent-token") return rotateAgentTokenCommand(rest, io, env);
        throw new UsageError(`unknown command "${command}"`);
    } catch (e) {
        if (e instanceof UsageError || (e as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
            io.err(`consul-hardened: ${(e as Error).message}\n${USAGE}\n`);
            return 2;
        }
        throw e;
    }
}

function audit(args: string[], io: Io): number {
    const { values, positionals } = parseArgs({
        args,
        allowPositionals: true,
        options: {
            server: { type: "boolean" },
            client: { type: "boolean" },
            format: { type: "string", default: "text" },
            "min-severity": { type: "string", default: "low" },
            "consul-version": { type: "string" },
        },
    });
    if (values.server && values.client) throw new UsageError("--server and --client exclude each other");
    let line: ConsulLine = NEWEST_CONSUL_LINE;
    if (values["consul-version"] !== undefined) {
        try {
            line = consulLineOf(values["consul-version"], "--consul-version");
        } catch (e) {
            if (e instanceof ConsulVersionError) throw new UsageError(e.message);
            throw e;
        }
    }
    if (!["text", "json", "sarif"].includes(values.format!)) throw new UsageError(`--format ${values.format}: use text, json or sarif`);
    const threshold = values["min-severity"] as Severity;
    if (!(threshold in SEVERITY_RANK)) throw new UsageError(`--min-severity ${threshold}: use low, medium or high`);
    if (positionals.length === 0) throw new UsageError("audit needs at least one file or directory");
    const role: Role | undefined = values.server ? "server" : values.client ? "client" : undefined;

    const agents: LoadedAgent[] = [];
    const errors: string[] = [];
    for (const p of positionals) {
        try {
            agents.push(...loadAgents(p, line));
        } catch (e) {
            if (!(e instanceof AuditInputError)) throw e;
            errors.push(e.message);
        }
    }
    if (errors.length) {
        // Never a "clean" verdict on input that was not read.
        io.err(errors.map((m) => `consul-hardened: ${m}\n`).join(""));
        return 2;
    }
    const findings = agents.flatMap((a) => auditAgent(a, role));
    // A version said is a version judged: what its last open-source release lacks, once per run.
    const floor = values["consul-version"] !== undefined ? versionFloorFinding(line, `--consul-version ${values["consul-version"]}`) : undefined;
    if (floor) findings.push(floor);
    const result: AuditResult = { agents, findings };
    io.out(values.format === "json" ? toJson(result) : values.format === "sarif" ? toSarif(result) : toText(result));
    // A config Consul would refuse is invalid input, whatever the threshold.
    if (result.findings.some((f) => REFUSAL_IDS.includes(f.id))) return 2;
    return result.findings.some((f) => SEVERITY_RANK[f.severity] >= SEVERITY_RANK[threshold]) ? 1 : 0;
}

function report(args: string[], io: Io): number {
    const { values } = parseArgs({ args, options: { format: { type: "string", default: "markdown" } } });
    if (!["markdown", "json"].includes(values.format!)) throw new UsageError(`--format ${values.format}: use markdown or json`);
    const rows = coverageReport();
    io.out(values.format === "json" ? JSON.stringify(rows, null, 2) + "\n" : coverageMarkdown(rows));
    return 0;
}

function certs(args: string[], io: Io, now = new Date()): number {
    const { values, positionals } = parseArgs({
        args,
        allowPositionals: true,
        options: { ca: { type: "string" }, format: { type: "string", default: "text" }, "min-severity": { type: "string", default: "low" } },
    });
    if (!["text", "json", "sarif"].includes(values.format!)) throw new UsageError(`--format ${values.format}: use text, json or sarif`);
    const threshold = values["min-severity"] as Severity;
    if (!(threshold in SEVERITY_RANK)) throw new UsageError(`--min-severity ${threshold}: use low, medium or high`);
    if (positionals.length === 0) throw new UsageError("certs needs at least one file or directory");
    const errors: string[] = [];
    const named = new Set(positionals);
    const read = (file: string): X509Certificate[] => {
        try {
            const certs = pemCertificates(readTextFile(file, MAX_PEM_BYTES));
            // Never a "no findings" verdict on a file that held nothing to judge (a key file found
            // in a directory is no such file: bundles keep keys beside certificates).
            if (certs.length === 0 && named.has(file)) errors.push(`${file}: no PEM certificate in it (a DER file? convert it: openssl x509 -inform der -in ${basename(file)})`);
            return certs;
        } catch (e) {
            errors.push(e instanceof InputFileError ? `${file}: ${e.message}` : `${file}: not a certificate file (${(e as Error).message.split("\n")[0]})`);
            return [];
        }
    };
    const files = positionals.flatMap((p) => {
        try {
            if (!statSync(p).isDirectory()) return [p];
            const found = pemFilesUnder(p);
            if (found.length === 0) errors.push(`${p}: no .pem or .crt file in it`);
            return found;
        } catch (e) {
            errors.push(`${p}: cannot read: ${(e as NodeJS.ErrnoException).code ?? "error"}`);
            return [];
        }
    });
    const certsByFile = files.map((file) => ({ file, certs: read(file) }));
    for (const p of positionals.filter((p) => !files.includes(p)))
        if (files.some((f) => f.startsWith(p)) && !certsByFile.some(({ file, certs }) => file.startsWith(p) && certs.length > 0)) errors.push(`${p}: no PEM certificate in any .pem or .crt file in it`);
    const caFile = values.ca ?? files.find((f) => basename(f) === "ca.pem");
    const ca = caFile ? read(caFile)[0] : undefined;
    if (values.ca && !ca) errors.push(`--ca ${values.ca}: no certificate in it`);
    if (errors.length) {
        io.err(errors.map((m) => `consul-hardened: ${m}\n`).join(""));
        return 2;
    }
    const facts = certsByFile.flatMap(({ file, certs }) => certs.map((cert) => ({ cert, facts: certificateFacts(file, cert, ca, now) })));
    const findings = facts.flatMap(({ cert, facts }) => certificateFindings(facts, cert));
    if (values.format === "json") io.out(JSON.stringify({ certificates: facts.map((f) => f.facts), findings }, null, 2) + "\n");
    else if (values.format === "sarif") io.out(toSarif({ agents: files.map((f) => ({ source: f, files: [f], raw: {}, config: {}, moved: {} }) as unknown as LoadedAgent), findings }));
    else {
        for (const { facts: f } of facts)
            io.out(`${f.file}  ${f.profile.padEnd(6)} ${f.subject}  ${f.daysLeft} days left${f.chainsToCa === undefined ? "" : f.chainsToCa ? "  chains to the CA" : "  DOES NOT chain to the CA"}\n`);
        for (const x of findings) io.out(`  ${x.severity.toUpperCase()} ${x.id}  ${x.file}  ${x.path}: ${x.message}\n      fix: ${x.fix}\n`);
        io.out(`${facts.length} certificate(s) in ${files.length} file(s)${ca ? `, checked against ${caFile}` : ", no CA to check the chain against"}: ${findings.length ? `${findings.length} finding(s)` : "no findings"}\n`);
    }
    return findings.some((f) => SEVERITY_RANK[f.severity] >= SEVERITY_RANK[threshold]) ? 1 : 0;
}

/** Bad input to a command: every problem, each named by the command; exit 2. */
function refused(io: Io, command: string, problems: string[]): number {
    io.err(problems.map((p) => `consul-hardened ${command}: ${p}\n`).join(""));
    return 2;
}

/**
 * The end of an operation on a live cluster: the line saying what was done, exit 0; or its error,
 * exit 1 when a step ran and failed (`stepFailed`), 2 when Consul could not be reached or asked.
 */
function liveOutcome<T>(io: Io, command: string, run: Promise<T>, done: (result: T) => string, stepFailed: (e: Error) => boolean): Promise<number> {
    return run.then(
        (result) => (io.out(`${done(result)}\n`), 0),
        (e: Error) => {
            io.err(`consul-hardened ${command}: ${e.message}\n`);
            return stepFailed(e) ? 1 : 2;
        },
    );
}

function rotateGossip(args: string[], io: Io, env: NodeJS.ProcessEnv): number | Promise<number> {
    const { values } = parseArgs({
        args,
        options: {
            keys: { type: "string" },
            plan: { type: "string" },
            ...CONNECTION_OPTIONS,
            "stage-timeout": { type: "string", default: "60" },
        },
    });
    const problems: string[] = [];
    const keysText = flagFile(problems, "keys", values.keys, true);
    const planText = flagFile(problems, "plan", values.plan, true);
    const { address, caPem, certPem, keyPem } = connectionFrom(values, env, problems, true);
    const token = env.CONSUL_HTTP_TOKEN;
    if (!token) problems.push('CONSUL_HTTP_TOKEN is not set: a token with keyring = "write" is required (the management token has it)');
    const timeout = Number(values["stage-timeout"]);
    if (!Number.isFinite(timeout) || timeout <= 0) problems.push(`--stage-timeout ${values["stage-timeout"]}: a number of seconds above 0`);
    let target;
    // The keys file is secret: nothing of its content reaches a message.
    const keys = keysText === undefined ? undefined : parseJsonFlag(problems, "keys", keysText, true);
    const plan = planText === undefined ? undefined : parseJsonFlag(problems, "plan", planText, false);
    if (keys !== undefined && plan !== undefined) {
        problems.push(...rotationInputProblems(keys, plan));
        if (problems.length === 0) {
            try {
                target = rotationTarget(keys as Record<string, string>, plan as Parameters<typeof rotationTarget>[1]);
            } catch (e) {
                problems.push((e as Error).message);
            }
        }
    }
    if (problems.length > 0 || !target) return refused(io, "rotate-gossip", problems);
    io.out(`rotating the gossip keyring at ${address}: install ${target.install.map((k) => k.name).join(", ")}; use ${target.primary.name}; remove ${target.remove.map((k) => k.name).join(", ") || "nothing"}\n`);
    // connectionFrom reported any missing piece above, so all are here.
    return liveOutcome(
        io,
        "rotate-gossip",
        rotateKeyring({ address, caPem: caPem!, certPem: certPem!, keyPem: keyPem!, token: token! }, target, { stageTimeoutMs: timeout * 1000, onProgress: (line) => io.out(`  ${line}\n`) }),
        () => "done: the keyring matches the plan on every member",
        (e) => e instanceof RotationError && e.kind === "stage",
    );
}

function rotateAgentTokenCommand(args: string[], io: Io, env: NodeJS.ProcessEnv): number | Promise<number> {
    const { values } = parseArgs({
        args,
        options: {
            ...CONNECTION_OPTIONS,
            "token-type": { type: "string" },
            node: { type: "string" },
            datacenter: { type: "string" },
            "agent-address": { type: "string", multiple: true },
            "agent-ca-file": { type: "string" },
            "new-token-file": { type: "string" },
            "old-token-file": { type: "string" },
        },
    });
    const problems: string[] = [];
    const { address, caPem, certPem, keyPem } = connectionFrom(values, env, problems, true);
    const token = env.CONSUL_HTTP_TOKEN;
    if (!token) problems.push('CONSUL_HTTP_TOKEN is not set: a token with acl = "write" and agent:write is required (the management token has both)');
    const tokenType = (values["token-type"] ?? "agent") as AgentTokenType;
    if (!AGENT_TOKEN_TYPES.includes(tokenType)) problems.push(`--token-type ${JSON.stringify(values["token-type"])}: one of ${AGENT_TOKEN_TYPES.join(", ")}`);
    const shared = tokenType !== "agent";
    if (!values.datacenter) problems.push("--datacenter is required");
    if (!shared && !values.node) problems.push("--node is required");
    if (shared && values.node !== undefined) problems.push(`--node: a ${tokenType} token is shared; name each agent holding it with --agent-address (its node is read from the agent)`);
    if (values.node && !/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(values.node)) problems.push(`--node ${JSON.stringify(values.node)}: not a node name`);
    const agentAddresses = (values["agent-address"] ?? [address]).map((a) => a.replace(/^https:\/\//, ""));
    for (const [i, a] of agentAddresses.entries())
        if (values["agent-address"] !== undefined && !/^\[?[^\]\s]+\]?:\d+$/.test(a)) problems.push(`--agent-address ${values["agent-address"][i]}: HOST:PORT of the agent's HTTPS API`);
    if (!shared && agentAddresses.length > 1) problems.push(`--agent-address given ${agentAddresses.length} times: an agent token belongs to one agent (--token-type replication or dns for a shared token)`);
    if (new Set(agentAddresses).size < agentAddresses.length) problems.push("--agent-address: the same agent named twice");
    const agentAddress = agentAddresses[0];
    // Token files are secret: a message names the flag, never the content.
    const secretFile = (flag: "new-token-file" | "old-token-file", required: boolean) => {
        const text = flagFile(problems, flag, values[flag], required);
        if (text === undefined) return undefined;
        const t = text.trim();
        if (!CONSUL_UUID.test(t)) problems.push(`--${flag}: does not hold one token (a UUID)`);
        return t;
    };
    const agentCaPem = flagFile(problems, "agent-ca-file", values["agent-ca-file"], false);
    if (agentCaPem !== undefined && !/-----BEGIN CERTIFICATE-----/.test(agentCaPem)) problems.push("--agent-ca-file: holds no certificate (PEM)");
    const newSecret = secretFile("new-token-file", true);
    const oldSecret = secretFile("old-token-file", false);
    if (newSecret !== undefined && newSecret === oldSecret) problems.push("--new-token-file and --old-token-file hold the same token: nothing to rotate");
    if (problems.length > 0) return refused(io, "rotate-agent-token", problems);
    const connection = { address, caPem: caPem!, certPem: certPem!, keyPem: keyPem!, token: token! };
    if (shared) {
        io.out(`rotating the ${tokenType} token on ${agentAddresses.length} agent${agentAddresses.length === 1 ? "" : "s"} (${agentAddresses.join(", ")})\n`);
        return liveOutcome(
            io,
            "rotate-agent-token",
            rotateSharedToken(
                connection,
                { tokenType, datacenter: values.datacenter!, holders: agentAddresses.map((a) => ({ agentAddress: a, ...(agentCaPem ? { agentCaPem } : {}) })), newSecret: newSecret!, oldSecret },
                { onProgress: (line) => io.out(`  ${line}\n`) },
            ),
            () => `done: every agent named runs on the new ${tokenType} token${oldSecret ? "; the old one is deleted" : ""}`,
            (e) => e instanceof AgentTokenRotationError && e.kind === "step",
        );
    }
    io.out(`rotating the agent token of ${values.node} (agent at ${agentAddress})\n`);
    return liveOutcome(
        io,
        "rotate-agent-token",
        rotateAgentToken(
            connection,
            { node: values.node!, datacenter: values.datacenter!, agentAddress, ...(agentCaPem ? { agentCaPem } : {}), newSecret: newSecret!, oldSecret },
            { onProgress: (line) => io.out(`  ${line}\n`) },
        ),
        () => `done: ${values.node} runs on its new token${oldSecret ? "; the old one is deleted" : ""}`,
        (e) => e instanceof AgentTokenRotationError && e.kind === "step",
    );
}

function restoreManagement(args: string[], io: Io, env: NodeJS.ProcessEnv): number | Promise<number> {
    const { values } = parseArgs({ args, options: { ...CONNECTION_OPTIONS, "data-dir": { type: "string" } } });
    const problems: string[] = [];
    const { address, caPem, certPem, keyPem } = connectionFrom(values, env, problems, true);
    const secret = env.CONSUL_HTTP_TOKEN;
    if (!secret) problems.push("CONSUL_HTTP_TOKEN is not set: it holds the management secret to restore (`pulumi stack output bootstrapToken --show-secrets`)");
    const dataDir = values["data-dir"];
    if (dataDir !== undefined) {
        try {
            if (!statSync(dataDir).isDirectory()) problems.push(`--data-dir ${dataDir}: not a directory`);
        } catch (e) {
            problems.push(`--data-dir ${dataDir}: ${(e as NodeJS.ErrnoException).code ?? "cannot read"}`);
        }
    }
    if (problems.length > 0) return refused(io, "restore-management-token", problems);
    return liveOutcome(
        io,
        "restore-management-token",
        restoreManagementToken({ address, caPem: caPem!, certPem: certPem!, keyPem: keyPem! }, secret!, { dataDir, onProgress: (line) => io.out(`  ${line}\n`) }),
        (outcome) => (outcome === "working" ? "done: nothing to restore" : "done: the management token is restored"),
        (e) => e instanceof RestoreError && e.kind === "step",
    );
}

function probeCommand(args: string[], io: Io, env: NodeJS.ProcessEnv): number | Promise<number> {
    const { values } = parseArgs({
        args,
        options: {
            ...CONNECTION_OPTIONS,
            expect: { type: "string" },
            "min-tls": { type: "string" },
            "http-port": { type: "string" },
            "grpc-port": { type: "string" },
            "server-port": { type: "string" },
            format: { type: "string", default: "text" },
        },
    });
    const problems: string[] = [];
    const { address, caPem: ca, certPem: cert, keyPem: key } = connectionFrom(values, env, problems, false);
    let expect: { file: string; config: Record<string, any> } | undefined;
    const expectText = flagFile(problems, "expect", values.expect, false);
    if (expectText !== undefined) {
        try {
            checkNesting(values.expect!, expectText);
            const config = JSON.parse(expectText);
            if (!config || typeof config !== "object" || Array.isArray(config)) problems.push(`--expect ${values.expect}: not a JSON object; give the bundle's consul.json`);
            else expect = { file: values.expect!, config };
        } catch (e) {
            problems.push(`--expect ${values.expect}: ${e instanceof InputFileError ? e.message : `not JSON (${jsonErrorText(e)})`}; give the bundle's consul.json`);
        }
    }
    const minTls = values["min-tls"] ?? expect?.config?.tls?.defaults?.tls_min_version ?? "TLSv1_2";
    if (minTls !== "TLSv1_2" && minTls !== "TLSv1_3") problems.push(`--min-tls ${minTls}: use TLSv1_2 or TLSv1_3`);
    const port = (flag: "http-port" | "grpc-port" | "server-port") => {
        const v = values[flag];
        if (v === undefined) return undefined;
        const n = Number(v);
        if (!Number.isInteger(n) || n < 1 || n > 65535) problems.push(`--${flag} ${v}: a port number`);
        return n;
    };
    const ports = { http: port("http-port"), grpcTls: port("grpc-port"), server: port("server-port") };
    const format = values.format!;
    if (!["text", "json", "sarif"].includes(format)) problems.push(`--format ${format}: use text, json or sarif`);
    if (problems.length > 0 || ca === undefined) return refused(io, "probe", problems);
    const definedPorts = Object.fromEntries(Object.entries(ports).filter(([, v]) => v !== undefined));
    return probe({ address, tls: { ca, cert, key }, token: env.CONSUL_HTTP_TOKEN || undefined, minTls: minTls as "TLSv1_2" | "TLSv1_3", ports: definedPorts, expect }).then(
        (r) => {
            io.out(format === "json" ? probeJson(r) : format === "sarif" ? probeSarif(r) : probeText(r));
            return r.findings.length > 0 ? 1 : 0;
        },
        (e: Error) => {
            // Cannot reach, cannot authenticate (ProbeUnreachable), or the request cap stopped it.
            io.err(`consul-hardened probe: ${e.message}\n`);
            return 2;
        },
    );
}

/** The consul CLI's connection flags, shared by the commands that talk to a cluster. */
const CONNECTION_OPTIONS = {
    address: { type: "string" },
    "ca-file": { type: "string" },
    "client-cert": { type: "string" },
    "client-key": { type: "string" },
} as const;

/** A file a flag names; a problem naming the flag when it is required and missing, or unreadable. */
function flagFile(problems: string[], flag: string, path: string | undefined, required: boolean | string): string | undefined {
    if (!path) {
        if (required) problems.push(`--${flag}${typeof required === "string" ? ` (or ${required})` : ""} is required`);
        return undefined;
    }
    try {
        return readTextFile(path, MAX_PEM_BYTES);
    } catch (e) {
        problems.push(`--${flag} ${path}: ${e instanceof InputFileError ? e.message : (e as Error).message}`);
        return undefined;
    }
}

/**
 * The HTTPS address, CA and client certificate from the flags, else the consul CLI's environment
 * (CONSUL_HTTP_ADDR, CONSUL_CACERT, CONSUL_CLIENT_CERT, CONSUL_CLIENT_KEY). The CA is always
 * required (nothing is trusted blindly); the client certificate when `clientCert` says so.
 */
function connectionFrom(
    values: { address?: string; "ca-file"?: string; "client-cert"?: string; "client-key"?: string },
    env: NodeJS.ProcessEnv,
    problems: string[],
    clientCert: boolean,
): { address: string; caPem?: string; certPem?: string; keyPem?: string } {
    const address = (values.address ?? env.CONSUL_HTTP_ADDR ?? "").replace(/^https:\/\//, "");
    if (!address) problems.push("--address (or CONSUL_HTTP_ADDR) is required, e.g. 10.0.1.11:8501");
    else if (/^http:\/\//.test(address)) problems.push(`--address ${address}: HTTPS only (mTLS)`);
    const pem = (flag: string, text: string | undefined, block: RegExp, what: string): string | undefined => {
        // An empty or foreign CA file would leave Node with its public roots: refused, not trusted blindly.
        if (text !== undefined && !block.test(text)) problems.push(`--${flag}: holds no ${what} (PEM)`);
        return text;
    };
    return {
        address,
        caPem: pem("ca-file", flagFile(problems, "ca-file", values["ca-file"] ?? env.CONSUL_CACERT, "CONSUL_CACERT"), /-----BEGIN CERTIFICATE-----/, "certificate"),
        certPem: pem("client-cert", flagFile(problems, "client-cert", values["client-cert"] ?? env.CONSUL_CLIENT_CERT, clientCert && "CONSUL_CLIENT_CERT"), /-----BEGIN CERTIFICATE-----/, "certificate"),
        keyPem: pem("client-key", flagFile(problems, "client-key", values["client-key"] ?? env.CONSUL_CLIENT_KEY, clientCert && "CONSUL_CLIENT_KEY"), /-----BEGIN [A-Z ]*PRIVATE KEY-----/, "private key"),
    };
}

/** Certificates, keys and small JSON inputs: far below this. */
const MAX_PEM_BYTES = 1024 * 1024;

/** A flag's file as JSON, or a problem naming the flag (quoting nothing of a secret file). */
function parseJsonFlag(problems: string[], flag: string, text: string, secret: boolean): unknown {
    try {
        checkNesting(flag, text);
        return JSON.parse(text);
    } catch (e) {
        problems.push(`--${flag}: ${e instanceof InputFileError ? e.message : secret ? "not JSON" : `not JSON (${jsonErrorText(e)})`}`);
        return undefined;
    }
}

/** The shapes rotate-gossip needs: `{ "<generation>": "<key>" }` and `gossipRotationPlan`. */
function rotationInputProblems(keys: unknown, plan: unknown): string[] {
    const problems: string[] = [];
    if (!keys || typeof keys !== "object" || Array.isArray(keys) || Object.values(keys).some((k) => typeof k !== "string"))
        problems.push("--keys: must be a JSON object of generation name → key (`pulumi stack output gossipKeys --show-secrets`)");
    const p = plan as { primary?: unknown; steps?: unknown } | null;
    const stepsOk = Array.isArray(p?.steps) && (p!.steps as unknown[]).every((s) => !!s && typeof s === "object" && typeof (s as { action?: unknown }).action === "string" && typeof (s as { generation?: unknown }).generation === "string");
    if (!p || typeof p !== "object" || typeof p.primary !== "string" || !stepsOk)
        problems.push("--plan: must be a gossip rotation plan: { primary, steps: [{ action, generation }] } (`pulumi stack output gossipRotationPlan`)");
    return problems;
}

function pemFilesUnder(dir: string): string[] {
    return readdirSync(dir, { recursive: true, encoding: "utf8" })
        .filter((f) => /\.(pem|crt)$/.test(f))
        .sort()
        .map((f) => join(dir, f));
}

if (require.main === module) void Promise.resolve(run(process.argv.slice(2))).then((code) => (process.exitCode = code));
