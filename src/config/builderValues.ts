import { isIP } from "node:net";
import { ADDRESS_KEYS, DURATION_KEYS, forEachKnownValue } from "./consulKeys";

/**
 * Values Consul's builder parses after decoding (agent/config/builder.go), judged on the merged
 * config as the builder judges them: a later file's good value mends an earlier bad one. Keys are
 * Consul's spelling (decodeAsConsul's output). Each refusal: the path as written, and why.
 */
export interface ValueRefusal {
    path: string;
    message: string;
    fix: string;
}

/** Go's time.ParseDuration grammar: "0", or decimal numbers each with a unit (ns us µs ms s m h). */
const GO_DURATION = /^[-+]?(0|((\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h))+)$/;

/** Go's net.ParseIP: IPv4 without leading zeros, IPv6 without a zone (Node agrees but for zones). */
const isGoIp = (a: string) => !a.includes("%") && isIP(a) !== 0;
/** Go's net.ParseCIDR. */
function isGoCidr(value: string): boolean {
    const m = /^(.+)\/(\d+)$/.exec(value.trim());
    if (!m || !isGoIp(m[1])) return false;
    return Number(m[2]) <= (isIP(m[1]) === 4 ? 32 : 128);
}

/** A go-sockaddr template is expanded on the agent's host: what it gives cannot be judged here. */
const isTemplate = (v: string) => v.includes("{{");

export function builderValueRefusals(config: Record<string, unknown>): ValueRefusal[] {
    const out: ValueRefusal[] = [];
    const dnsPort = (config.ports as Record<string, unknown> | undefined)?.dns ?? 8600;
    const dnsListens = typeof dnsPort === "number" && dnsPort > 0;
    forEachKnownValue(config, (path, written, value) => {
        // durationVal: time.ParseDuration or "invalid duration".
        if (DURATION_KEYS.has(path) && typeof value === "string" && !GO_DURATION.test(value))
            out.push({ path: written, message: "not a duration Consul can read (Go's time.ParseDuration: invalid duration)", fix: 'write a number with its unit, e.g. "10s", "500ms" or "1h30m"' });
        const how = ADDRESS_KEYS[path];
        if (how === undefined) return;
        if (how === "cidrs") {
            // cidrsVal and memberlist.ParseCIDRs: every entry a CIDR.
            for (const c of Array.isArray(value) ? value : []) if (typeof c === "string" && !isGoCidr(c)) out.push({ path: written, message: `"${c}" is not a CIDR (invalid cidr)`, fix: 'write address/prefix, e.g. "10.0.0.0/8"' });
            return;
        }
        if (typeof value !== "string" || isTemplate(value)) return;
        const fields = value.split(/\s+/).filter(Boolean);
        const refuse = (message: string) => out.push({ path: written, message, fix: "write IP addresses (a go-sockaddr template is expanded on the host), e.g. 10.0.0.5" });
        // bind_addr (Build): one IP, never empty, no socket.
        if (path === "bind_addr" && fields.length !== 1) refuse(fields.length ? "bind_addr cannot contain multiple addresses" : "bind_addr cannot be empty");
        else if (how === "ip" && fields.length > 1) refuse(`multiple addresses found: ${fields.join(" ")} (expandFirstIP takes one)`);
        else for (const a of fields) {
            // expandAddrs: an IP, "[::]", or a unix:// socket where the listener may be one.
            if (a.startsWith("unix://")) {
                if (how !== "addrs" || path === "bind_addr") refuse(`${a}: cannot be a unix socket here`);
                // validate: "DNS address cannot be a unix socket" (while DNS listens at all).
                else if (path === "addresses.dns" && dnsListens) refuse(`${a}: the DNS address cannot be a unix socket`);
            } else if (a !== "[::]" && !isGoIp(a)) refuse(`invalid ip address: ${a}`);
        }
    });
    return out;
}
