import * as tls from "node:tls";
import { AddressInfo } from "node:net";

export interface Peer {
    cert?: string;
    key?: string;
}

export interface HandshakeResult {
    ok: boolean;
    /** Why the client side failed, if it did. */
    clientError?: string;
    /** Whether the server saw an authorized (CA-verified) client certificate. */
    serverAuthorized?: boolean;
}

/**
 * A real TLS handshake on loopback between a server that requires a CA-signed client certificate
 * (Consul's verify_incoming) and a client that verifies the server's certificate and host name
 * (verify_outgoing + verify_server_hostname). One exchange, bounded by a timeout.
 */
export async function mtlsHandshake(opts: { ca: string; server: Peer; client: Peer; servername: string; minVersion?: tls.SecureVersion }): Promise<HandshakeResult> {
    const server = tls.createServer({
        cert: opts.server.cert,
        key: opts.server.key,
        ca: opts.ca,
        requestCert: true,
        rejectUnauthorized: true,
        minVersion: opts.minVersion ?? "TLSv1.3",
    });
    let serverAuthorized: boolean | undefined;
    server.on("secureConnection", (sock) => {
        serverAuthorized = sock.authorized;
        sock.end("ok");
    });
    server.on("tlsClientError", () => undefined);
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const { port } = server.address() as AddressInfo;
    try {
        return await new Promise<HandshakeResult>((resolve) => {
            const timer = setTimeout(() => resolve({ ok: false, clientError: "timeout" }), 5000);
            const sock = tls.connect({
                host: "127.0.0.1",
                port,
                servername: opts.servername,
                ca: opts.ca,
                cert: opts.client.cert,
                key: opts.client.key,
                minVersion: opts.minVersion ?? "TLSv1.3",
            });
            let data = "";
            sock.on("data", (d) => (data += d));
            sock.on("end", () => {
                clearTimeout(timer);
                resolve({ ok: data === "ok", serverAuthorized, clientError: data === "ok" ? undefined : "closed without data" });
            });
            sock.on("error", (e) => {
                clearTimeout(timer);
                resolve({ ok: false, clientError: e.message, serverAuthorized });
            });
        });
    } finally {
        server.close();
    }
}
