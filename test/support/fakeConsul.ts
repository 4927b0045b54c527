import * as https from "node:https";
import { randomUUID } from "node:crypto";
import { AddressInfo } from "node:net";

/**
 * A stand-in for Consul's ACL HTTP API on loopback, just enough for the dynamic providers:
 * tokens (create/read/update/delete) and bootstrap. It requires a CA-signed client certificate
 * (verify_incoming) and a management token on every call but bootstrap, as Consul does.
 */
export class FakeConsul {
    readonly tokens = new Map<string, any>();
    readonly requests: { method: string; path: string; token?: string; clientCertCn?: string }[] = [];
    bootstrapped = false;
    /** Requests answered as a cluster whose leader has not bootstrapped ACLs yet (403). */
    notBootstrappedYet = 0;
    private server?: https.Server;
    address = "";

    constructor(private readonly tls: { ca: string; cert: string; key: string }, private readonly managementToken: string) {}

    async start(): Promise<void> {
        this.server = https.createServer({ ...this.tls, requestCert: true, rejectUnauthorized: true, minVersion: "TLSv1.3" }, (req, res) => {
            let body = "";
            req.on("data", (d) => (body += d));
            req.on("end", () => this.handle(req, body, res));
        });
        await new Promise<void>((r) => this.server!.listen(0, "127.0.0.1", r));
        this.address = `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    }

    stop(): Promise<void> {
        return new Promise((r) => (this.server ? this.server.close(() => r()) : r()));
    }

    private handle(req: import("node:http").IncomingMessage, body: string, res: import("node:http").ServerResponse): void {
        const token = req.headers["x-consul-token"] as string | undefined;
        const peer = (req.socket as import("node:tls").TLSSocket).getPeerCertificate();
        const cn = peer?.subject?.CN;
        this.requests.push({ method: req.method!, path: req.url!, token, clientCertCn: Array.isArray(cn) ? cn[0] : cn });
        const send = (status: number, payload: unknown) => {
            res.writeHead(status, { "Content-Type": "application/json" });
            res.end(typeof payload === "string" ? payload : JSON.stringify(payload));
        };
        const url = new URL(req.url!, "https://consul");
        if (req.method === "PUT" && url.pathname === "/v1/acl/bootstrap") {
            if (this.bootstrapped) return send(403, "Permission denied: ACL bootstrap no longer allowed (reset index: 42)");
            this.bootstrapped = true;
            return send(200, { AccessorID: randomUUID(), SecretID: this.managementToken });
        }
        if (this.notBootstrappedYet > 0) {
            this.notBootstrappedYet--;
            return send(403, "ACL system must be bootstrapped before making any requests that require authorization: ACL not found");
        }
        if (token !== this.managementToken) return send(403, "Permission denied: token with AccessorID '00000000-0000-0000-0000-000000000002' lacks permission 'acl:write'");
        const m = /^\/v1\/acl\/token(?:\/([0-9a-f-]+))?$/.exec(url.pathname);
        if (!m) return send(404, "not found");
        const id = m[1];
        const input = body ? JSON.parse(body) : {};
        if (req.method === "PUT" && !id) {
            const t = { ...input, AccessorID: input.AccessorID ?? randomUUID(), SecretID: input.SecretID ?? randomUUID(), ...(input.ExpirationTTL ? { ExpirationTime: new Date(Date.now() + 8 * 3600_000).toISOString() } : {}) };
            this.tokens.set(t.AccessorID, t);
            return send(200, t);
        }
        const existing = id ? this.tokens.get(id) : undefined;
        if (!existing) return send(403, "ACL not found");
        if (req.method === "GET") return send(200, existing);
        if (req.method === "PUT") {
            if (input.SecretID !== existing.SecretID) return send(400, "Changing a token's SecretID is not allowed");
            const t = { ...existing, ...input };
            this.tokens.set(id!, t);
            return send(200, t);
        }
        if (req.method === "DELETE") {
            this.tokens.delete(id!);
            return send(200, true);
        }
        return send(405, "method not allowed");
    }
}
