/**
 * A minimal Consul HTTP API client over mTLS, for the dynamic providers. Self-contained (node
 * built-ins only) because Pulumi serializes dynamic providers together with what they call.
 */

export interface ApiConnection {
    /** host:port of a server's HTTPS listener. */
    address: string;
    caPem: string;
    certPem: string;
    keyPem: string;
    token?: string;
    /** Local address to send from (a host with several addresses). @default the OS's choice */
    localAddress?: string;
}

/** An ApiConnection whose fields may be Outputs (config secrets, StackReference outputs). */
export type ApiConnectionArgs = { [K in keyof ApiConnection]: import("@pulumi/pulumi").Input<ApiConnection[K]> };

export interface ApiResponse {
    status: number;
    body: any;
    text: string;
}

/**
 * A request to Consul's ACL API, waiting while the cluster has not bootstrapped its ACLs yet: the
 * leader creates the initial management token a moment after it is elected (agent/consul/leader.go,
 * initializeACLs), and a write in between gets 403 "ACL system must be bootstrapped before making
 * any requests that require authorization". A `pulumi up` that starts the cluster and then creates
 * tokens meets exactly that window; it is asked again for up to a minute, any other answer returned.
 */
export async function aclRequest(conn: ApiConnection, method: string, path: string, body?: unknown): Promise<ApiResponse> {
    const end = Date.now() + 60_000;
    for (;;) {
        const res = await consulRequest(conn, method, path, body);
        if (!(res.status === 403 && /ACL system must be bootstrapped/.test(res.text)) || Date.now() >= end) return res;
        await new Promise((r) => setTimeout(r, 500));
    }
}

export function consulRequest(conn: ApiConnection, method: string, path: string, body?: unknown): Promise<ApiResponse> {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const https = require("https");
    const m = /^\[?([^\]]+?)\]?:(\d+)$/.exec(conn.address);
    if (!m) return Promise.reject(new Error(`Consul address ${JSON.stringify(conn.address)} is not host:port`));
    // A string body is sent as it is (the e2e probes send a malformed one on purpose).
    const payload = body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body);
    return new Promise((resolve, reject) => {
        const req = https.request(
            {
                host: m[1],
                port: Number(m[2]),
                method,
                path,
                ca: conn.caPem,
                cert: conn.certPem,
                key: conn.keyPem,
                minVersion: "TLSv1.2",
                ...(conn.localAddress ? { localAddress: conn.localAddress } : {}),
                timeout: 30_000,
                headers: {
                    ...(conn.token ? { "X-Consul-Token": conn.token } : {}),
                    ...(payload !== undefined ? { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(payload) } : {}),
                },
            },
            (res: any) => {
                let text = "";
                res.setEncoding("utf8");
                res.on("data", (d: string) => (text += d));
                res.on("end", () => {
                    let parsed: unknown = undefined;
                    try {
                        parsed = text ? JSON.parse(text) : undefined;
                    } catch {
                        parsed = undefined;
                    }
                    resolve({ status: res.statusCode, body: parsed, text });
                });
            },
        );
        req.on("timeout", () => req.destroy(new Error(`Consul ${method} ${path}: no answer in 30s`)));
        req.on("error", (e: Error) => reject(new Error(`Consul ${method} ${path} at ${conn.address}: ${e.message}`)));
        if (payload !== undefined) req.write(payload);
        req.end();
    });
}

/**
 * consulRequest for the operations on a live cluster: a request that gets no answer (refused,
 * TLS, timeout) throws the operation's own error, made by `unreachable` from the reason.
 */
export async function reachConsul(conn: ApiConnection, method: string, path: string, body: unknown, unreachable: (message: string) => Error): Promise<ApiResponse> {
    try {
        return await consulRequest(conn, method, path, body);
    } catch (e) {
        throw unreachable(`cannot reach Consul: ${(e as Error).message}`);
    }
}

/** An error for a non-2xx answer; never includes the request body (it may hold a SecretID). */
export function apiError(what: string, res: ApiResponse): Error {
    // Consul's answer to a write from outside http_config.allow_write_http_from.
    const hint = res.status === 403 && /Access is restricted/i.test(res.text)
        ? " — this host is outside the servers' allow_write_http_from: add its network to HardenedCluster adminNetworks and deploy the new agent configs"
        : "";
    return new Error(`${what}: Consul answered ${res.status}: ${res.text.trim().slice(0, 300)}${hint}`);
}
