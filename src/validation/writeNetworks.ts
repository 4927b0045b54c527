/**
 * The HTTP write restriction (`http_config.allow_write_http_from`, CSM-HTTP-02) judged on what it
 * admits, not how it is spelled: one function for the library's validation, the config guard (so
 * the audit and the policy pack) and the probe.
 *
 * How Consul matches a client: each entry is parsed with Go's net.ParseCIDR and a request's remote
 * address is admitted when one of them `Contains` it (agent/config/builder.go `AllowWriteHTTPFrom`,
 * agent/http.go). Go's `(*IPNet).Contains` (net/ip.go, networkNumberAndMask) reduces a network
 * whose address is IPv4 or IPv4-mapped IPv6 (`::ffff:a.b.c.d`) to IPv4 with the last 32 bits of its
 * mask — so `::ffff:0:0/96` admits every IPv4 client — and an IPv4 client (also one arriving as
 * `::ffff:a.b.c.d` on a dual-stack socket) is matched as IPv4. Every other IPv6 network matches only
 * IPv6 clients. The union of the entries is what is admitted: `0.0.0.0/1` + `128.0.0.0/1` admits
 * every IPv4 address as surely as `0.0.0.0/0`.
 */
import { isIP } from "node:net";

type Family = "IPv4" | "IPv6";
interface Range {
    family: Family;
    start: bigint;
    end: bigint;
}

/** An IPv4 or IPv6 address as a number (IPv6: 128 bits, embedded IPv4 tails allowed). */
function addressValue(address: string): { family: Family; value: bigint } | undefined {
    const family = isIP(address);
    if (family === 4) return { family: "IPv4", value: address.split(".").reduce((n, octet) => (n << 8n) | BigInt(Number(octet)), 0n) };
    if (family !== 6) return undefined;
    let text = address;
    const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
    if (v4) {
        const n = addressValue(v4[1])!.value;
        text = `${text.slice(0, -v4[1].length)}${(n >> 16n).toString(16)}:${(n & 0xffffn).toString(16)}`;
    }
    const [head, tail] = text.includes("::") ? text.split("::") : [text, undefined];
    const groups = (s: string | undefined) => (s ? s.split(":").filter((g) => g !== "") : []);
    const left = groups(head);
    const right = groups(tail);
    const all = tail === undefined ? left : [...left, ...Array(8 - left.length - right.length).fill("0"), ...right];
    return { family: "IPv6", value: all.reduce((n, g) => (n << 16n) | BigInt(parseInt(g, 16)), 0n) };
}

const MAPPED_PREFIX = 0xffffn << 32n; // ::ffff:0:0/96

/**
 * The addresses a CIDR admits, as Go's Contains matches them; undefined when it is no CIDR.
 * Remembered (bounded): every audited agent's write list asks again for the same few networks.
 */
export function admittedRange(cidr: string): Readonly<Range> | undefined {
    const hit = RANGES.get(cidr);
    if (hit !== undefined) return hit ?? undefined;
    const range = parseRange(cidr);
    if (RANGES.size < 10_000) RANGES.set(cidr, range ?? null);
    return range;
}
const RANGES = new Map<string, Readonly<Range> | null>();

function parseRange(cidr: string): Range | undefined {
    const m = /^(.+)\/(\d{1,3})$/.exec(cidr.trim());
    const parsed = m ? addressValue(m[1]) : undefined;
    if (!m || !parsed) return undefined;
    const bits = Number(m[2]);
    const width = parsed.family === "IPv4" ? 32 : 128;
    if (bits > width) return undefined;
    const hostBits = BigInt(width - bits);
    const network = (parsed.value >> hostBits) << hostBits; // ParseCIDR masks the address
    if (parsed.family === "IPv6" && network >> 32n === MAPPED_PREFIX >> 32n) {
        // IPv4-mapped: the last 32 bits of the mask apply to IPv4 clients.
        const v4Host = BigInt(Math.min(32, 128 - bits));
        const v4 = network & 0xffffffffn;
        return { family: "IPv4", start: v4, end: v4 | ((1n << v4Host) - 1n) };
    }
    return { family: parsed.family, start: network, end: network | ((1n << hostBits) - 1n) };
}

/** An address's family as Go's `IP.To4` decides it: IPv4-mapped IPv6 (`::ffff:a.b.c.d`) is IPv4. */
export function goIpFamily(address: string): 4 | 6 | undefined {
    const family = isIP(address);
    if (family === 0) return undefined;
    return admittedRange(`${address}/${family === 4 ? 32 : 128}`)?.family === "IPv4" ? 4 : 6;
}

/** Whether the ranges of one family cover [from, to] entirely. */
function covers(ranges: Range[], from: bigint, to: bigint): boolean {
    let next = from;
    for (const r of [...ranges].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0))) {
        if (r.start > next) return false;
        if (r.end >= next) next = r.end + 1n;
        if (next > to) return true;
    }
    return next > to;
}

/**
 * The families whose every client address the list admits (empty: a real restriction). IPv6 is
 * judged without the IPv4-mapped block, whose clients Consul matches as IPv4.
 */
export function familiesAdmittedEntirely(cidrs: readonly string[]): Family[] {
    const ranges = cidrs.map((c) => admittedRange(String(c))).filter((r): r is Range => r !== undefined);
    const out: Family[] = [];
    if (covers(ranges.filter((r) => r.family === "IPv4"), 0n, (1n << 32n) - 1n)) out.push("IPv4");
    const v6 = [...ranges.filter((r) => r.family === "IPv6"), { family: "IPv6" as const, start: MAPPED_PREFIX, end: MAPPED_PREFIX | 0xffffffffn }];
    if (covers(v6, 0n, (1n << 128n) - 1n)) out.push("IPv6");
    return out;
}

/** The problem with a write restriction that restricts nothing, or undefined. */
export function unrestrictedWrites(cidrs: readonly string[]): string | undefined {
    const families = familiesAdmittedEntirely(cidrs);
    if (families.length === 0) return undefined;
    return `together these networks admit every ${families.join(" and every ")} address: no limit on HTTP writes at all (CSM-HTTP-02)`;
}

/** Address space no internet host reaches directly: private, shared (CGNAT), loopback, link-local, ULA. */
const NON_PUBLIC = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "::1/128", "fc00::/7", "fe80::/10"].map((c) => admittedRange(c)!);

/**
 * The entries that admit public addresses: HTTP writes from the internet, stopped only by mTLS
 * and ACLs (CSM-HTTP-02 asks for the admin networks). An office's or bastion's public /32 is a
 * choice to flag, not an error.
 */
export function publicWriteNetworks(cidrs: readonly string[]): string[] {
    return cidrs.filter((c) => {
        const r = admittedRange(String(c));
        return r !== undefined && !covers(NON_PUBLIC.filter((n) => n.family === r.family), r.start, r.end);
    });
}

/**
 * The flag for a write restriction that admits public addresses, or undefined — also when it
 * restricts nothing at all (`unrestrictedWrites` says that, a graver finding).
 */
export function publicWrites(cidrs: readonly string[]): string | undefined {
    if (unrestrictedWrites(cidrs)) return undefined;
    const open = publicWriteNetworks(cidrs);
    return open.length ? `HTTP writes are admitted from public addresses (${open.join(", ")}): only mTLS and ACLs stand between them and the API (CSM-HTTP-02)` : undefined;
}
