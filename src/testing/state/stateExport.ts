/**
 * The emulation's record of a stack, shaped as `pulumi stack export` prints it
 * (`apitype.UntypedDeployment` v3: `deployment.resources[]` with `urn`, `type`, `id`, `inputs`,
 * `outputs`, `parent`), with every secret encrypted as the passphrase secrets provider does
 * (`{ <sig>: <secret sig>, ciphertext: "v1:<nonce>:<AES-256-GCM ciphertext>" }`,
 * pkg/secrets/passphrase). Whatever a secret scan finds in it is in plaintext in a real state file.
 */
import { createCipheriv, randomBytes } from "node:crypto";
import { mapSecrets, Props, SECRET_SIG, SIG_KEY } from "./wire";

/** One resource as the engine stores it. */
export interface StoredResource {
    urn: string;
    type: string;
    custom: boolean;
    id?: string;
    parent?: string;
    protect?: boolean;
    /** `<provider URN>::<provider ID>` of a custom resource. */
    provider?: string;
    /** The resources this one depends on. */
    dependencies?: string[];
    /** Inputs and outputs with secret envelopes still holding their values. */
    wireInputs: Props;
    wireOutputs: Props;
    additionalSecretOutputs?: string[];
}

export interface ExportedResource {
    urn: string;
    custom: boolean;
    id?: string;
    type: string;
    inputs: Props;
    outputs: Props;
    parent?: string;
    protect?: boolean;
    provider?: string;
    dependencies?: string[];
    additionalSecretOutputs?: string[];
}

export interface StateExport {
    version: 3;
    deployment: {
        manifest: { time: string; magic: string; version: string };
        secrets_providers: { type: "passphrase"; state: { salt: string } };
        resources: ExportedResource[];
    };
}

/** AES-256-GCM under a key made for this export (never written anywhere). */
class Crypter {
    private readonly key = randomBytes(32);

    encrypt(plaintext: string): string {
        const nonce = randomBytes(12);
        const cipher = createCipheriv("aes-256-gcm", this.key, nonce);
        const ct = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final(), cipher.getAuthTag()]);
        return `v1:${nonce.toString("base64")}:${ct.toString("base64")}`;
    }
}

export function stateExport(resources: readonly StoredResource[]): StateExport {
    const crypter = new Crypter();
    // The engine encrypts a secret's JSON-serialized value (pkg/resource/stack, SerializePropertyValue).
    const encrypt = (v: unknown) =>
        mapSecrets(v, (e) => ({ [SIG_KEY]: SECRET_SIG, ciphertext: crypter.encrypt(JSON.stringify(e.value ?? null)) })) as Props;
    return {
        version: 3,
        deployment: {
            manifest: { time: new Date().toISOString(), magic: "consul-hardened provider emulation", version: "emulated" },
            secrets_providers: { type: "passphrase", state: { salt: `v1:${randomBytes(8).toString("base64")}:emulated` } },
            resources: resources.map((r) => ({
                urn: r.urn,
                custom: r.custom,
                ...(r.id !== undefined ? { id: r.id } : {}),
                type: r.type,
                inputs: encrypt(r.wireInputs),
                outputs: encrypt(r.wireOutputs),
                ...(r.parent ? { parent: r.parent } : {}),
                ...(r.protect ? { protect: true } : {}),
                ...(r.provider ? { provider: r.provider } : {}),
                ...(r.dependencies?.length ? { dependencies: r.dependencies } : {}),
                ...(r.additionalSecretOutputs?.length ? { additionalSecretOutputs: r.additionalSecretOutputs } : {}),
            })),
        },
    };
}
