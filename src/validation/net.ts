import { BlockList, isIP } from "node:net";

/** True for 127.0.0.0/8, ::1 and "localhost": addresses nothing off the host can reach. */
export function isLoopbackAddress(addr: string): boolean {
    if (addr === "localhost" || addr === "::1" || addr === "[::1]") return true;
    return isIP(addr) === 4 && addr.startsWith("127.");
}

export function isIpAddress(addr: string): boolean {
    return isIP(addr) !== 0;
}

/** An IPv4 or IPv6 CIDR such as 10.0.0.0/8 or ::1/128. */
export function isCidr(value: string): boolean {
    const m = /^(.+)\/(\d{1,3})$/.exec(value);
    if (!m) return false;
    const family = isIP(m[1]);
    const bits = Number(m[2]);
    return (family === 4 && bits <= 32) || (family === 6 && bits <= 128);
}

/** A DNS name of labels [A-Za-z0-9-], no wildcard, at most 253 characters. */
export function isDnsName(name: string): boolean {
    if (name.length === 0 || name.length > 253) return false;
    return name.split(".").every((label) => /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(label));
}

/** Whether an IP address lies in a CIDR (same family only). */
export function cidrContains(cidr: string, ip: string): boolean {
    const m = /^(.+)\/(\d{1,3})$/.exec(cidr);
    const family = m ? isIP(m[1]) : 0;
    if (!m || family === 0 || isIP(ip) !== family) return false;
    const list = new BlockList();
    const type = family === 4 ? "ipv4" : "ipv6";
    list.addSubnet(m[1], Number(m[2]), type);
    return list.check(ip, type);
}

/** Whether every address a CIDR admits is a loopback address (127.0.0.0/8 or ::1). */
export function isLoopbackCidr(cidr: string): boolean {
    const m = /^(.+)\/(\d{1,3})$/.exec(cidr);
    if (!m) return false;
    if (isIP(m[1]) === 4) return Number(m[2]) >= 8 && cidrContains("127.0.0.0/8", m[1]);
    return isIP(m[1]) === 6 && Number(m[2]) === 128 && (m[1] === "::1" || m[1] === "0:0:0:0:0:0:0:1");
}

/** `host:port`, an IPv6 address in brackets (`[fd00::1]:8501`) as URLs and Consul's API addresses want it. */
export function hostPort(host: string, port: number): string {
    return `${host.includes(":") ? `[${host}]` : host}:${port}`;
}

/** `value` as a URL of scheme, host and port only (no path, query, fragment or user), or undefined. */
export function originUrl(value: unknown): URL | undefined {
    if (typeof value !== "string") return undefined;
    let url: URL;
    try {
        url = new URL(value);
    } catch {
        return undefined;
    }
    return url.pathname.replace(/\/+$/, "") !== "" || url.search || url.hash || url.username ? undefined : url;
}
