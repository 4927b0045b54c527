/**
 * Pulumi mocks that behave like the real tls and random providers, and record every resource
 * registered. Anything not emulated throws, so a test cannot pass by accident against a resource
 * type nobody modelled.
 */
import * as pulumi from "@pulumi/pulumi";
import { randomUUID } from "node:crypto";
import * as tlsEmulation from "./tlsEmulation";
import * as randomEmulation from "./randomEmulation";
import { ConsulEmulation } from "./consulEmulation";

export interface RecordedResource {
    type: string;
    name: string;
    inputs: Record<string, any>;
    state: Record<string, any>;
    /** Input paths that arrived as Pulumi secrets. */
    secretInputs?: string[];
}

/** The wire form of a secret value in mock inputs (the SDK's secret signature). */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const SECRET_MARK = "1b47061264138c4ac30d75fd1eb44270";

/** Replaces secret envelopes by their values (as a real provider sees them), noting their paths. */
function unwrapSecrets(value: unknown, path: string, secretPaths: string[]): unknown {
    if (Array.isArray(value)) return value.map((v, i) => unwrapSecrets(v, `${path}[${i}]`, secretPaths));
    if (value && typeof value === "object") {
        const obj = value as Record<string, unknown>;
        if (obj[SECRET_SIG] === SECRET_MARK) {
            secretPaths.push(path);
            return unwrapSecrets(obj.value, path, []);
        }
        return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, unwrapSecrets(v, path ? `${path}.${k}` : k, secretPaths)]));
    }
    return value;
}

type Emulator = (inputs: Record<string, unknown>) => Record<string, unknown> | Promise<Record<string, unknown>>;

const EMULATORS: Record<string, Emulator> = {
    "tls:index/privateKey:PrivateKey": tlsEmulation.privateKey,
    "tls:index/selfSignedCert:SelfSignedCert": tlsEmulation.selfSignedCert,
    "tls:index/certRequest:CertRequest": tlsEmulation.certRequest,
    "tls:index/locallySignedCert:LocallySignedCert": tlsEmulation.locallySignedCert,
    "random:index/randomId:RandomId": randomEmulation.randomId,
    "random:index/randomUuid:RandomUuid": randomEmulation.randomUuid,
};

/** The provider emulation plus a record of what was created, in creation order. */
export class ProviderEmulation implements pulumi.runtime.Mocks {
    /** Provider resources (custom resources), in registration order. */
    readonly resources: RecordedResource[] = [];
    /** Component resources, with the inputs they stored in state (should be none). */
    readonly components: RecordedResource[] = [];
    /** The ACL state of the emulated Consul cluster (one cluster; `reset` starts a new one). */
    consul = new ConsulEmulation();

    /** Extra emulators by type token, tried before the built-in ones. */
    constructor(private readonly extra: Record<string, Emulator> = {}) {}

    async newResource(args: pulumi.runtime.MockResourceArgs): Promise<{ id: string | undefined; state: Record<string, any> }> {
        if (args.custom === false) {
            // A component: the engine creates nothing for it; record it for graph assertions.
            this.components.push({ type: args.type, name: args.name, inputs: args.inputs, state: {} });
            return { id: undefined, state: {} };
        }
        const emulate = this.extra[args.type] ?? EMULATORS[args.type] ?? this.consul.resources[args.type];
        if (!emulate) throw new Error(`provider emulation: resource type ${args.type} is not emulated (${args.name})`);
        const secretInputs: string[] = [];
        const inputs = unwrapSecrets(args.inputs, "", secretInputs) as Record<string, unknown>;
        const state = await emulate(inputs);
        this.resources.push({ type: args.type, name: args.name, inputs, state, secretInputs });
        // IDs as the real providers set them: RandomUuid's is the UUID, RandomId's the URL-safe encoding.
        const id = (state.result as string | undefined) ?? (state.b64Url as string | undefined) ?? `${args.name}-${randomUUID()}`;
        return { id, state };
    }

    call(args: pulumi.runtime.MockCallArgs): Record<string, any> {
        const emulate = this.consul.calls[args.token];
        if (!emulate) throw new Error(`provider emulation: function ${args.token} is not emulated`);
        return emulate(unwrapSecrets(args.inputs, "", []) as Record<string, unknown>);
    }

    ofType(type: string): RecordedResource[] {
        return this.resources.filter((r) => r.type === type);
    }

    named(name: string): RecordedResource {
        const r = this.resources.find((x) => x.name === name);
        if (!r) throw new Error(`no resource named ${name} was created`);
        return r;
    }

    reset(): void {
        this.resources.length = 0;
        this.components.length = 0;
        this.consul = new ConsulEmulation();
    }
}

/** Installs the emulation as Pulumi's mocks (once per process) and returns it. */
export async function installProviderEmulation(extra?: Record<string, Emulator>): Promise<ProviderEmulation> {
    const emulation = new ProviderEmulation(extra);
    await pulumi.runtime.setMocks(emulation, "consul-hardened", "test", false);
    return emulation;
}

/** Resolves an Output's value. Never use inside a preview-mode run (unknowns never resolve). */
export function valueOf<T>(output: pulumi.Output<T> | pulumi.Input<T>): Promise<T> {
    return new Promise((resolve) => pulumi.output(output).apply((v) => resolve(v as T)));
}
