/**
 * The probe's network primitives: single, bounded connections to a Consul agent's listeners.
 * Each one resolves to what the listener did, never throws for a refusal, and gives up after
 * `timeoutMs`. Nothing here writes to Consul: HTTP requests are GETs, RPC connections send one
 * type byte and close.
 */
import * as net from "node:net";
import * as tls from "node:tls";
import * as https from "node:https";

export interface Endpoint {
    host: string;
    port: number;
}

export interface ClientTls {
    ca: string;
    cert?: string;
    key?: string;
}

/** How long any one connection may take. */
export const TIMEOUT_MS = 5000;
/** TLS 1.3 servers judge the client certificate after the handshake completes on our side. */
const VERDICT_MS = 700;

/** Whether a plaintext HTTP request gets an HTTP answer. */
export function plaintextHttpAnswers(at: Endpoint, timeoutMs = TIMEOUT_MS): Promise<string | undefined> {
    return new Promise((resolve) => {
        const s = net.connect(at, () => s.write("GET /v1/status/leader HTTP/1.0\r\nHost: consul\r\n\r\n"));
        let data = "";
        s.on("data", (d) => (data += d));
        const done = () => resolve(/^HTTP\/1\.[01] \d{3}/.test(data) ? data.split("\r\n")[0] : undefined);
        s.on("end", done);
        s.on("close", done);
        s.on("error", () => resolve(undefined));
        s.setTimeout(timeoutMs, () => s.destroy());
    });
}

/** What a TLS session with a listener came to: the version agreed, or why there was none. */
export interface TlsOutcome {
    version?: string;
    refused?: string;
}

export interface TlsOptions {
    maxVersion?: tls.SecureVersion;
    minVersion?: tls.SecureVersion;
    /** First send Consul's RPC-TLS byte (3), as agent/pool does on the server port. */
    rpcTls?: boolean;
    alpn?: string[];
    /** Verify the listener's certificate for this name (e.g. `server.dc1.consul`); else only its chain. */
    serverName?: string;
}

/**
 * A TLS session with the listener, judged after the listener's own verdict: a TLS 1.3 server
 * checks the client certificate after our Finished and refuses with an alert right after.
 */
export function tlsHandshake(at: Endpoint, client: ClientTls, options: TlsOptions = {}, timeoutMs = TIMEOUT_MS): Promise<TlsOutcome> {
    return new Promise((resolve) => {
        let settled = false;
        const finish = (v: TlsOutcome) => {
            if (!settled) (settled = true), resolve(v);
        };
        const raw = net.connect(at, () => {
            if (options.rpcTls) raw.write(Buffer.from([3]));
            const s = tls.connect({
                socket: raw,
                ca: client.ca,
                cert: client.cert,
                key: client.key,
                // The probe judges listeners, not names: without serverName the chain is verified, the host name is not.
                ...(options.serverName ? { servername: options.serverName } : { checkServerIdentity: () => undefined }),
                minVersion: options.minVersion ?? "TLSv1",
                maxVersion: options.maxVersion ?? "TLSv1.3",
                // TLS 1.0/1.1 need OpenSSL's lowest security level to be offered at all.
                ciphers: options.maxVersion && options.maxVersion !== "TLSv1.3" && options.maxVersion !== "TLSv1.2" ? "DEFAULT:@SECLEVEL=0" : undefined,
                ALPNProtocols: options.alpn,
            }, () => {
                const version = s.getProtocol() ?? "unknown";
                const accepted = setTimeout(() => (s.destroy(), finish({ version })), VERDICT_MS);
                s.once("error", (e) => (clearTimeout(accepted), finish({ refused: `refused: ${e.message}` })));
                s.once("close", () => (clearTimeout(accepted), finish({ refused: "closed the connection" })));
            });
            s.once("error", (e) => finish({ refused: e.message }));
        });
        raw.once("error", (e) => finish({ refused: e.message }));
        raw.setTimeout(timeoutMs, () => (raw.destroy(), finish({ refused: "timeout" })));
    });
}

/** The TLS version a listener agreed to, or undefined when it refused (see tlsHandshake). */
export function tlsAccepted(at: Endpoint, client: ClientTls, options: TlsOptions = {}, timeoutMs = TIMEOUT_MS): Promise<string | undefined> {
    return tlsHandshake(at, client, options, timeoutMs).then((o) => o.version);
}

/** Whether the server port keeps a plaintext RPC connection open (Consul's RPC byte 0, no TLS). */
export function plaintextRpcAccepted(at: Endpoint, timeoutMs = TIMEOUT_MS): Promise<boolean> {
    return new Promise((resolve) => {
        let settled = false;
        const finish = (v: boolean) => {
            if (!settled) (settled = true), resolve(v);
        };
        const s = net.connect(at, () => {
            s.write(Buffer.from([0])); // agent/pool: RPCConsul, in the clear
            // Consul closes at once when it requires TLS ("non-TLS connection attempted"); else it waits for a request.
            setTimeout(() => (s.destroy(), finish(true)), 1500);
        });
        s.on("close", () => finish(false));
        s.on("error", () => finish(false));
        s.setTimeout(timeoutMs, () => s.destroy());
    });
}

export interface HttpAnswer {
    status: number;
    headers: Record<string, string | string[] | undefined>;
    body: string;
}

/** One HTTPS GET (the only method the probe uses). */
export function httpsGet(at: Endpoint, path: string, client: ClientTls, token?: string, timeoutMs = TIMEOUT_MS): Promise<HttpAnswer> {
    return new Promise((resolve, reject) => {
        const req = https.request(
            { host: at.host, port: at.port, path, method: "GET", ca: client.ca, cert: client.cert, key: client.key, checkServerIdentity: () => undefined, headers: token ? { "X-Consul-Token": token } : {}, timeout: timeoutMs, agent: false },
            (res) => {
                let body = "";
                res.on("data", (d) => (body += d));
                res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
            },
        );
        req.on("timeout", () => req.destroy(new Error(`no answer in ${timeoutMs / 1000}s`)));
        req.on("error", reject);
        req.end();
    });
}
