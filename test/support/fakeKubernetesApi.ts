/**
 * A stand-in for the one Kubernetes API call Vault's Kubernetes auth method makes: TokenReview
 * (`POST /apis/authentication.k8s.io/v1/tokenreviews`, vault-plugin-auth-kubernetes v0.16.0
 * token_review.go, Review), over HTTPS with its own CA. It issues projected service-account tokens
 * shaped as the kubelet's (claims `aud`, `exp`, `kubernetes.io: { namespace, pod, serviceaccount }`,
 * ES256-signed) and answers a review as the API server does: authenticated only for a token it
 * issued and has not revoked, whose audience overlaps the asked ones, with
 * `system:serviceaccount:<ns>:<name>` and the account's UID; 401 when the bearer is no live token.
 */
import { createServer, Server } from "node:https";
import { generateKeyPairSync, randomUUID, sign } from "node:crypto";
import { AddressInfo } from "node:net";
import { opensslCa } from "./openssl";

const b64 = (o: unknown) => Buffer.from(typeof o === "string" ? o : JSON.stringify(o)).toString("base64url");

export class FakeKubernetesApi {
    readonly caPem: string;
    private readonly server: Server;
    private readonly key = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey;
    private readonly live = new Map<string, { namespace: string; name: string; uid: string; audiences: string[] }>();
    private readonly accountUids = new Map<string, string>();
    /** Every review asked, for assertions: the reviewed account and whether it passed. */
    readonly reviews: { account: string; authenticated: boolean }[] = [];

    constructor(readonly ip: string) {
        const ca = opensslCa(`k8s-api-${ip}`, ["basicConstraints=critical,CA:true", "keyUsage=critical,keyCertSign,digitalSignature", `subjectAltName=IP:${ip}`]);
        this.caPem = ca.certPem;
        this.server = createServer({ cert: ca.certPem, key: ca.privateKeyPem }, (req, res) => {
            let body = "";
            req.on("data", (d) => (body += d));
            req.on("end", () => {
                const bearer = String(req.headers.authorization ?? "").replace(/^Bearer /, "");
                if (req.method !== "POST" || req.url !== "/apis/authentication.k8s.io/v1/tokenreviews") return this.reply(res, 404, { kind: "Status", status: "Failure", code: 404 });
                if (!this.live.has(bearer)) return this.reply(res, 401, { kind: "Status", apiVersion: "v1", status: "Failure", reason: "Unauthorized", code: 401 });
                const review = JSON.parse(body);
                const found = this.live.get(review.spec?.token);
                const wanted: string[] = review.spec?.audiences ?? [];
                const audiences = found ? (wanted.length ? found.audiences.filter((a) => wanted.includes(a)) : found.audiences) : [];
                const authenticated = !!found && audiences.length > 0;
                this.reviews.push({ account: found ? `${found.namespace}/${found.name}` : "(unknown)", authenticated });
                this.reply(res, 201, {
                    kind: "TokenReview",
                    apiVersion: "authentication.k8s.io/v1",
                    spec: review.spec,
                    status: authenticated ? { authenticated: true, user: { username: `system:serviceaccount:${found!.namespace}:${found!.name}`, uid: found!.uid }, audiences } : { authenticated: false },
                });
            });
        });
    }

    private reply(res: import("node:http").ServerResponse, status: number, body: unknown): void {
        res.writeHead(status, { "Content-Type": "application/json" });
        res.end(JSON.stringify(body));
    }

    async listen(port = 6443): Promise<string> {
        await new Promise<void>((resolve) => this.server.listen(port, this.ip, resolve));
        return `https://${this.ip}:${(this.server.address() as AddressInfo).port}`;
    }

    close(): Promise<void> {
        return new Promise((resolve) => this.server.close(() => resolve()));
    }

    /** A projected service-account token for `namespace/name`, as the kubelet mounts it for a pod. */
    token(namespace: string, name: string, audience: string, pod = `${name}-0`): string {
        const account = `${namespace}/${name}`;
        if (!this.accountUids.has(account)) this.accountUids.set(account, randomUUID());
        const uid = this.accountUids.get(account)!;
        const now = Math.floor(Date.now() / 1000);
        const claims = {
            aud: [audience],
            exp: now + 3600,
            iat: now,
            nbf: now,
            iss: "https://kubernetes.default.svc.cluster.local",
            sub: `system:serviceaccount:${namespace}:${name}`,
            "kubernetes.io": { namespace, pod: { name: pod, uid: randomUUID() }, serviceaccount: { name, uid } },
        };
        const unsigned = `${b64({ alg: "ES256", kid: "fake", typ: "JWT" })}.${b64(claims)}`;
        const jwt = `${unsigned}.${sign("sha256", Buffer.from(unsigned), { key: this.key, dsaEncoding: "ieee-p1363" }).toString("base64url")}`;
        this.live.set(jwt, { namespace, name, uid, audiences: [audience] });
        return jwt;
    }

    /** The token stops passing review (its pod or account is gone). */
    revoke(jwt: string): void {
        this.live.delete(jwt);
    }
}
