/**
 * Pulumi mocks that behave like the real tls, random and consul providers *and* like the engine
 * where state is concerned: every resource is recorded with its URN, the ID its real provider
 * would give it, its inputs and outputs, and secrets marked by the engine's rules — so a test can
 * read the stack's `pulumi stack export` and the `pulumi preview --diff` of a change. Anything not
 * emulated throws, so a test cannot pass by accident against a resource type nobody modelled.
 */
import * as pulumi from "@pulumi/pulumi";
import { sep } from "node:path";
import * as runtimeSettings from "@pulumi/pulumi/runtime/settings";
import * as runtimeState from "@pulumi/pulumi/runtime/state";
import * as rpc from "@pulumi/pulumi/runtime/rpc";
// allConfig and the @internal isConfigSecret: the stack config as the program sees it.
const runtimeConfig = require("@pulumi/pulumi/runtime/config") as { allConfig(): Record<string, string>; isConfigSecret(key: string): boolean };
import * as tlsEmulation from "./tlsEmulation";
import { readyForRenewal, setTlsClock } from "./tlsEmulation";
import * as randomEmulation from "./randomEmulation";
import { ConsulEmulation } from "./consulEmulation";
import { VaultEmulation } from "./vaultEmulation";
import { echoEmulator } from "./echoEmulation";
import { engineOutputs } from "./state/engineRules";
import { changedInputs, PlanStep, renderPlan } from "./state/plan";
import { hasProviderIdRule, providerId } from "./state/providerIds";
import { replacingKeys } from "./state/replaceRules";
import { StateExport, stateExport, StoredResource } from "./state/stateExport";
import { makeSecret, Props, unwrapSecrets } from "./state/wire";
import { AliasSpec, generateAliases } from "./state/aliases";
import { checkInputs } from "./state/checkRules";

export interface RecordedResource extends StoredResource {
    name: string;
    /** Inputs as the provider sees them (secrets unwrapped). */
    inputs: Props;
    /** Outputs as the provider returned them (plain). */
    state: Props;
    /** Input paths that arrived as Pulumi secrets. */
    secretInputs: string[];
}

/** The engine's root resource, parent of every resource the program registers at the top. */
function rootStackUrn(): string {
    return `urn:pulumi:${pulumi.getStack()}::${pulumi.getProject()}::pulumi:pulumi:Stack::${pulumi.getProject()}-${pulumi.getStack()}`;
}

/** Given a resource's inputs (secrets unwrapped), its outputs as the real provider would return them. */
export type Emulator = (inputs: Props) => Props | Promise<Props>;

const EMULATORS: Record<string, Emulator> = {
    "tls:index/privateKey:PrivateKey": tlsEmulation.privateKey,
    "tls:index/selfSignedCert:SelfSignedCert": tlsEmulation.selfSignedCert,
    "tls:index/certRequest:CertRequest": tlsEmulation.certRequest,
    "tls:index/locallySignedCert:LocallySignedCert": tlsEmulation.locallySignedCert,
    "random:index/randomBytes:RandomBytes": randomEmulation.randomBytesResource,
    "random:index/randomId:RandomId": randomEmulation.randomId,
    "random:index/randomUuid:RandomUuid": randomEmulation.randomUuid,
    // src/tls/rollover/guard.ts: outputs are the inputs; it talks to nothing.
    "pulumi-nodejs:dynamic/consul-hardened:CaTrustGuard": (inputs) => ({ ...inputs }),
    // The rotations act on a live cluster: emulated, they record what they would carry out.
    "pulumi-nodejs:dynamic/consul-hardened:AgentTokenRotation": (inputs) => ({ ...inputs }),
    "pulumi-nodejs:dynamic/consul-hardened:GossipKeyringRotation": (inputs) => ({ ...inputs }),
};

/**
 * The built-in emulator of a resource type — tls, random, consul and this library's own dynamic
 * resources — shared by the mocks (`ProviderEmulation`) and the provider plugins the real engine
 * runs (`src/testing/plugin`), so both front ends create the same resources.
 */
export function builtInEmulator(type: string, consul: ConsulEmulation, vault?: VaultEmulation): Emulator | undefined {
    return EMULATORS[type] ?? consul.resources[type] ?? vault?.resources[type];
}

export interface EmulationOptions {
    /** Trivial mocks (inputs plus placeholders) instead of real cryptography: for benchmarks. */
    echo?: boolean;
    /**
     * Emulators for resource types of your own stack (e.g. your cloud provider's), by type token:
     * each gets the inputs (secrets unwrapped) and returns the outputs. Tried before the built-in ones.
     * @example { "aws:ec2/instance:Instance": (inputs) => ({ ...inputs, privateIp: "10.0.1.11" }) }
     */
    providers?: Record<string, Emulator>;
    /**
     * Resources of a type nobody emulates: "refuse" fails the run with the type named (so a test
     * cannot pass against something nobody modelled); "echo" returns the inputs as outputs.
     * @default "refuse"
     */
    otherResources?: "refuse" | "echo";
}

/** What the registration request says beyond MockResourceArgs (read before the mock runs). */
interface Registration {
    type: string;
    name: string;
    urn: string;
    parent: string;
    protect: boolean;
    additionalSecretOutputs: string[];
    wireInputs: Props;
    /** The request's aliases (parents as engine URNs). */
    aliases: AliasSpec[];
    /** The explicit provider reference `<engine URN>::<id>` (empty: the package's default provider). */
    provider: string;
    /** The package version the SDK asks for (it names the default provider). */
    version: string;
    /** The resources this one depends on, as engine URNs. */
    dependencies: string[];
}

/** The provider emulation plus a record of what was created, in creation order. */
export class ProviderEmulation implements pulumi.runtime.Mocks {
    /** Provider resources (custom resources), in registration order. */
    readonly resources: RecordedResource[] = [];
    /** Component resources, with the inputs they stored in state (should be none). */
    readonly components: RecordedResource[] = [];
    /** The ACL state of the emulated Consul cluster (one cluster; `reset` starts a new one). */
    consul = new ConsulEmulation();
    /** The state of the emulated Vault (VaultPki's mounts, roles, policies, AppRoles); `reset` starts a new one. */
    vault = new VaultEmulation();
    /** Steps of the current run against the prior state given to `reset` (empty without one). */
    readonly steps: PlanStep[] = [];
    private readonly all: RecordedResource[] = [];
    private prior?: Map<string, RecordedResource>;
    /** New URN → the old URN its state was found under, when that was an alias (the engine's `sg.aliases`). */
    private readonly aliasUsed = new Map<string, string>();
    private pending?: Registration;
    private stackOutputs: Props = {};
    /**
     * What failed the program since the last reset: a resource whose inputs could not be
     * serialized (an Output-valued option refused once known) or whose type is not emulated. The
     * runtime leaves such a resource's outputs pending forever and raises the error as an unhandled
     * rejection (sdk/nodejs/runtime/resource.ts, registerResource: `resourceOp.catch(err =>
     * Promise.reject(err))`), which the engine's run reports as the program's failure
     * (sdk/nodejs/cmd/run/run.ts, uncaughtHandler). `valueOf` rejects with it instead of hanging.
     */
    readonly failures: Error[] = [];
    /** When a registration or a component's outputs last reached the emulation (settled's quiet period). */
    private lastActivity = Date.now();

    constructor(private readonly options: EmulationOptions = {}) {}

    /** The providers' clock: what "now" is for issuing certificates and for their renewal rule. */
    now: () => Date = () => new Date();

    /** Moves the providers' clock (undefined: the real one) — e.g. to a year later, to see renewals. */
    setClock(at: Date | undefined): void {
        this.now = at ? () => new Date(at) : () => new Date();
        setTlsClock(at ? this.now : undefined);
    }

    /** Adds (or replaces) the emulator of one resource type, e.g. a type of your own stack. */
    addEmulator(type: string, emulator: Emulator): void {
        this.options.providers = { ...this.options.providers, [type]: emulator };
    }

    /** Called with each registration request just before the mock monitor calls `newResource`. */
    noteRegistration(r: Registration): void {
        this.lastActivity = Date.now();
        this.pending = r;
    }

    async newResource(args: pulumi.runtime.MockResourceArgs): Promise<{ id: string | undefined; state: Record<string, any> }> {
        // Taken synchronously: MockMonitor.registerResource calls newResource before its first await.
        // A read (`Resource.get`) does not pass through registerResource: it has no options to note.
        const reg: Registration =
            this.pending?.name === args.name && this.pending.type === args.type
                ? this.pending
                : { type: args.type, name: args.name, urn: urnOf("", args.type, args.name, true), parent: "", protect: false, additionalSecretOutputs: [], wireInputs: args.inputs, aliases: [], provider: "", version: "", dependencies: [] };
        this.pending = undefined;
        const secretInputs: string[] = [];
        const inputs = unwrapSecrets(args.inputs, "", secretInputs) as Props;
        const dependencies = reg.dependencies.length ? { dependencies: reg.dependencies } : {};
        const base = { urn: reg.urn, type: args.type, name: args.name, parent: reg.parent || undefined, protect: reg.protect, wireInputs: reg.wireInputs, inputs, secretInputs, ...dependencies };
        if (args.custom === false) {
            // A component: no provider creates it; outputs arrive with registerOutputs. Its old
            // state is still looked up (its children inherit an alias match), and the engine's
            // preview shows it as created or kept like any resource (its inputs are none).
            const prior = this.findPrior(reg);
            if (this.prior) this.steps.push({ op: prior ? "same" : "create", urn: reg.urn, type: reg.type, diffs: [] });
            const record: RecordedResource = { ...base, custom: false, state: {}, wireOutputs: {} };
            this.components.push(record);
            this.all.push(record);
            return { id: undefined, state: {} };
        }
        const { id, state } = await this.apply(reg, inputs);
        const wireOutputs = engineOutputs(args.type, state, reg.wireInputs, reg.additionalSecretOutputs, hasProviderIdRule(args.type));
        const provider = args.type.startsWith("pulumi:providers:") ? undefined : reg.provider || this.defaultProvider(args.type, reg.version);
        const record: RecordedResource = { ...base, custom: true, id, state, wireOutputs, additionalSecretOutputs: reg.additionalSecretOutputs, ...(provider ? { provider } : {}) };
        this.resources.push(record);
        this.all.push(record);
        // The program gets the outputs with the engine's secret marks, as from a real deployment.
        return { id, state: wireOutputs };
    }

    /** Create, or — over prior state — keep, update or replace, as the provider would. */
    private async apply(reg: Registration, inputs: Props): Promise<{ id: string; state: Props }> {
        const prior = this.findPrior(reg);
        await checkInputs(reg.type, reg.name, prior?.inputs, inputs);
        if (prior === undefined) {
            const state = await this.emulate(reg, inputs);
            if (this.prior) this.steps.push({ op: "create", urn: reg.urn, type: reg.type, diffs: [] });
            return { id: this.idOf(reg, state), state };
        }
        const diffs = changedInputs(prior.wireInputs, reg.wireInputs, prior.inputs, inputs);
        if (diffs.length === 0 && dueForRenewal(reg.type, prior.state, this.now())) {
            // terraform-provider-tls `common_cert.go` (modifyPlanIfCertificateReadyForRenewal):
            // from validity_end_time - early_renewal_hours on, the plan marks ready_for_renewal
            // unknown and RequiresReplace — the next `up` replaces the certificate, nothing else.
            this.steps.push({ op: "replace", urn: reg.urn, type: reg.type, oldId: prior.id, diffs: [{ property: "readyForRenewal", old: "false", new: "true" }], replaces: ["readyForRenewal"] });
            const state = await this.emulate(reg, inputs);
            return { id: this.idOf(reg, state), state };
        }
        if (diffs.length === 0) {
            this.steps.push({ op: "same", urn: reg.urn, type: reg.type, oldId: prior.id, diffs });
            return { id: prior.id!, state: prior.state };
        }
        // A type nobody modelled: assume every change replaces (the preview then names its old ID).
        const replaces = hasProviderIdRule(reg.type) ? await replacingKeys(reg.type, diffs.map((d) => d.property), prior.inputs, inputs) : diffs.map((d) => d.property);
        if (replaces.length > 0) {
            this.steps.push({ op: "replace", urn: reg.urn, type: reg.type, oldId: prior.id, diffs, replaces });
            const state = await this.emulate(reg, inputs);
            return { id: this.idOf(reg, state), state };
        }
        // In place: the provider keeps its computed outputs and takes the new inputs.
        this.steps.push({ op: "update", urn: reg.urn, type: reg.type, oldId: prior.id, diffs });
        return { id: prior.id!, state: { ...prior.state, ...inputs } };
    }

    /**
     * The old state of a registration, taken out of the prior state: under its URN first, then
     * under each alias (step_generator.go, `generateSteps`). A match through an alias is kept for
     * the children, whose inherited aliases start from it.
     */
    private findPrior(reg: Registration): RecordedResource | undefined {
        if (!this.prior) return undefined;
        const prefix = reg.urn.split("::").slice(0, 2).join("::");
        const aliases = generateAliases(prefix, reg, reg.aliases, this.aliasUsed.get(reg.parent));
        for (const urn of [reg.urn, ...aliases]) {
            const prior = this.prior.get(urn);
            if (!prior) continue;
            this.prior.delete(urn);
            if (urn !== reg.urn) this.aliasUsed.set(reg.urn, urn);
            return prior;
        }
        return undefined;
    }

    private emulate(reg: Registration, inputs: Props): Props | Promise<Props> {
        const emulate =
            this.options.providers?.[reg.type] ??
            (this.options.echo ? echoEmulator(reg.type) : undefined) ??
            builtInEmulator(reg.type, this.consul, this.vault) ??
            (this.options.otherResources === "echo" ? (i: Props) => ({ ...i }) : undefined);
        if (!emulate)
            throw new Error(
                `provider emulation: resource type ${reg.type} is not emulated (${reg.name}); pass an emulator for it ` +
                    `(emulateProviders({ providers: { "${reg.type}": (inputs) => ({ ...inputs }) } })) or otherResources: "echo"`,
            );
        return emulate(inputs);
    }

    /** The real provider's ID where it is modelled; `<name>-id` for echoed and user-emulated types. */
    private idOf(reg: Registration, state: Props): string {
        if (this.options.echo || !hasProviderIdRule(reg.type)) return `${reg.name}-id`;
        return providerId(reg.type, state);
    }

    /**
     * The reference `<URN>::<ID>` of the provider the engine makes for a package when a resource
     * names none, created with the first such resource (pkg/resource/deploy/default_providers.go;
     * its name from providers.ProviderRequest.DefaultName: `default_<major>_<minor>_<patch>`, with
     * pre-release and build parts, or `default` without a version). It stores its version.
     */
    private defaultProvider(type: string, version: string): string {
        const pkg = type.split(":")[0];
        const urn = `urn:pulumi:${pulumi.getStack()}::${pulumi.getProject()}::pulumi:providers:${pkg}::${defaultProviderName(version)}`;
        let record = this.all.find((r) => r.urn === urn);
        if (!record) {
            // Over prior state the engine keeps the default provider (same URN, same ID).
            const prior = this.prior?.get(urn);
            this.prior?.delete(urn);
            const props: Props = { ...packageConfig(pkg), ...(version ? { version } : {}) };
            const plainProps = unwrapSecrets(props) as Props;
            record = { urn, type: `pulumi:providers:${pkg}`, name: urn.split("::").pop()!, custom: true, id: prior?.id ?? providerId(`pulumi:providers:${pkg}`, {}), inputs: plainProps, state: plainProps, secretInputs: [], wireInputs: version ? { __internal: {}, ...props } : props, wireOutputs: { ...props } };
            this.all.push(record);
        }
        return `${urn}::${record.id}`;
    }

    /**
     * Records the program's exports as the engine stores them: the outputs of the root
     * `pulumi:pulumi:Stack` resource, secrets marked (what `pulumi stack output` reads). Call it with
     * the program module after it ran; `stateExport()` then shows them.
     */
    async recordStackOutputs(exports: Record<string, unknown>): Promise<void> {
        const plainExports = Object.fromEntries(Object.entries(exports).filter(([k]) => k !== "__esModule" && k !== "default"));
        const massaged = await stackOutputValue(plainExports, []);
        this.stackOutputs = (await rpc.serializeProperties("stack outputs", massaged as Props, { keepOutputValues: false })) as Props;
    }

    /**
     * Waits until every registration the program started has reached the emulation (outputs
     * included), or rejects with what failed the program (`failures[0]`): a component whose
     * outputs come from a refused resource never completes its `registerOutputs` (the SDK awaits
     * their serialization for ever: sdk/nodejs/runtime/resource.ts, registerResourceOutputs), so
     * the RPCs never all finish — the engine's run would stop on the failure instead. It rejects
     * only once nothing has reached the emulation for `QUIET_MS`: a failure an earlier run raised
     * late (unhandled rejections arrive after the next test's `reset`) does not fail a program
     * whose registrations still complete.
     */
    settled(): Promise<void> {
        const rpcs = (runtimeSettings as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
        return new Promise<void>((resolve, reject) => {
            let done = false;
            rpcs.then(() => void (done || ((done = true), resolve())), (e: unknown) => void (done || ((done = true), reject(e))));
            const watch = (): void => {
                if (done) return;
                if (this.failures[0] && Date.now() - this.lastActivity > QUIET_MS) return void ((done = true), reject(this.failures[0]));
                // unref: a run left pending for ever (a preview's unknowns, a race a test gave up on)
                // must not keep the process alive polling.
                setTimeout(watch, 25).unref();
            };
            setTimeout(watch, 25).unref();
        });
    }

    /** A component's `registerOutputs` values, as the engine stores them. */
    noteComponentOutputs(urn: string, outputs: Props): void {
        this.lastActivity = Date.now();
        const c = this.components.find((r) => r.urn === urn);
        if (c) c.wireOutputs = outputs;
    }

    call(args: pulumi.runtime.MockCallArgs): Record<string, any> {
        const emulate = this.consul.calls[args.token];
        if (!emulate) throw new Error(`provider emulation: function ${args.token} is not emulated`);
        return emulate(unwrapSecrets(args.inputs, "", []) as Props);
    }

    ofType(type: string): RecordedResource[] {
        return this.resources.filter((r) => r.type === type);
    }

    named(name: string): RecordedResource {
        const r = this.resources.find((x) => x.name === name);
        if (!r) throw new Error(`no resource named ${name} was created`);
        return r;
    }

    /**
     * The stack as a policy pack's stack policies receive it after an update (`validateStack`'s
     * `resources`): every resource with its outputs, secrets unwrapped as @pulumi/policy hands them
     * over, the stack resource's outputs being the program's exports (after `loadProgram`). Resolve
     * the program's outputs first, as for `stateExport()`.
     */
    policyResources(): { type: string; name: string; urn: string; props: Props }[] {
        return [
            { type: "pulumi:pulumi:Stack", name: `${pulumi.getProject()}-${pulumi.getStack()}`, urn: rootStackUrn(), props: unwrapSecrets(this.stackOutputs ?? {}) as Props },
            ...this.all.map((r) => ({ type: r.type, name: r.name, urn: r.urn, props: unwrapSecrets(r.wireOutputs) as Props })),
        ];
    }

    /**
     * The stack as `pulumi stack export` would print it, secrets encrypted. Resolve the program's
     * outputs first (e.g. `await outputValue(...)`): components' outputs arrive asynchronously.
     */
    stateExport(): StateExport {
        // An empty export would let "no secret in state" pass without checking anything.
        if (this.all.length === 0)
            throw new Error(
                "provider emulation: no resource was registered since this emulation was installed or reset, so there is no state to export. " +
                    "If your program module was loaded by an earlier spec file, Node returned it from its module cache without running it again: " +
                    "load it with `await emu.loadProgram(require.resolve(\"../index\"))`, which runs it afresh under this emulation.",
            );
        const root = rootStackUrn();
        const stack: StoredResource = { urn: root, type: "pulumi:pulumi:Stack", custom: false, wireInputs: {}, wireOutputs: this.stackOutputs };
        const parented = this.all.map((r) => (r.parent || r.type.startsWith("pulumi:providers:") ? r : { ...r, parent: root }));
        return stateExport([stack, ...parented]);
    }

    /**
     * Runs a program module afresh under this emulation, as `pulumi up` runs it: resets the record,
     * drops the module — and the project's own modules it loaded, outside node_modules — from
     * Node's module cache (so a second spec file does not get the first one's program back, with
     * nothing registered), requires it, waits until its registrations are in and records its
     * exports as the stack's outputs. Returns the module's exports. Under jest, whose module
     * registry is per test file already, `require` of the program works as well.
     */
    async loadProgram<T = Record<string, unknown>>(modulePath: string, prior?: RecordedResource[]): Promise<T> {
        const resolved = require.resolve(modulePath);
        const project = resolved.slice(0, resolved.lastIndexOf(sep) + 1);
        for (const key of Object.keys(require.cache)) if (key.startsWith(project) && !key.includes(`${sep}node_modules${sep}`)) delete require.cache[key];
        this.reset(prior);
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const exports = require(resolved) as T;
        await this.settled();
        await this.recordStackOutputs(exports as Record<string, unknown>);
        return exports;
    }

    /** The record of this run, to pass as `prior` to the next `reset` (a later `pulumi up`). */
    snapshot(): RecordedResource[] {
        return structuredClone(this.all);
    }

    /** The current run's steps, with a delete for every prior resource the program no longer declares. */
    plan(): PlanStep[] {
        const deletes = [...(this.prior?.values() ?? [])].map((r): PlanStep => ({ op: "delete", urn: r.urn, type: r.type, oldId: r.id, diffs: [] }));
        return [...this.steps, ...deletes];
    }

    /** `plan()` as `pulumi preview --diff` prints it. */
    renderedPlan(): string {
        return renderPlan(this.plan());
    }

    /**
     * Starts a new run. With `prior` (a `snapshot()`), the run is a later `pulumi up` over that
     * state: unchanged resources keep their IDs and outputs, changed ones update or replace as
     * their provider decides, and `plan()` lists the steps. The consul emulation is kept then.
     */
    reset(prior?: RecordedResource[]): void {
        this.resources.length = 0;
        this.components.length = 0;
        this.all.length = 0;
        this.steps.length = 0;
        this.pending = undefined;
        this.prior = prior ? new Map(prior.map((r) => [r.urn, r])) : undefined;
        this.aliasUsed.clear();
        this.stackOutputs = {};
        this.failures.length = 0;
        this.lastActivity = Date.now();
        discardPendingWork();
        if (!prior) {
            this.consul = new ConsulEmulation();
            this.vault = new VaultEmulation();
        }
    }
}

/**
 * A program export as the SDK hands it to the engine (@pulumi/pulumi runtime/stack.js, `massage`):
 * Outputs and promises awaited (an Output stays one, so its secret mark survives), resources as
 * plain objects of their properties (those not starting with "__"), a value met again inside
 * itself as the resource's URN or left out.
 */
async function stackOutputValue(value: unknown, seen: unknown[]): Promise<unknown> {
    if (value === null || value === undefined || typeof value !== "object") return value;
    if (value instanceof Promise) return stackOutputValue(await value, seen);
    if (pulumi.Output.isInstance(value)) {
        const inner = value.apply((v) => stackOutputValue(v, seen));
        await (inner as unknown as { promise(): Promise<unknown> }).promise();
        return inner;
    }
    if (seen.includes(value)) return pulumi.Resource.isInstance(value) ? stackOutputValue(value.urn, seen) : undefined;
    seen.push(value);
    try {
        if (Array.isArray(value)) {
            const out: unknown[] = [];
            for (const v of value) out.push(await stackOutputValue(v, seen));
            return out;
        }
        const resource = pulumi.Resource.isInstance(value);
        const out: Record<string, unknown> = {};
        for (const k of Object.keys(value)) if (!resource || !k.startsWith("__")) out[k] = await stackOutputValue((value as Record<string, unknown>)[k], seen);
        return out;
    } finally {
        seen.pop();
    }
}

/**
 * The stack configuration a default provider gets (pkg/resource/deploy/target.go,
 * `GetPackageConfig`): the keys of its package's namespace, by name — or, for the dynamic
 * provider, every key with its namespace — secret where the config value is.
 */
function packageConfig(pkg: string): Props {
    const dynamic = pkg === "pulumi-nodejs";
    const out: Props = {};
    for (const [key, value] of Object.entries(runtimeConfig.allConfig())) {
        const at = key.indexOf(":");
        if (!dynamic && key.slice(0, at) !== pkg) continue;
        out[dynamic ? key : key.slice(at + 1)] = runtimeConfig.isConfigSecret(key) ? makeSecret(value) : value;
    }
    return out;
}

/** providers.ProviderRequest.DefaultName (pkg/resource/deploy/providers/provider.go). */
function defaultProviderName(version: string): string {
    const m = /^v?(\d+)\.(\d+)\.(\d+)(?:-([^+]*))?(?:\+(.*))?$/.exec(version);
    if (!m) return "default";
    const [, major, minor, patch, pre, build] = m;
    return ["default", major, minor, patch, ...(pre ? pre.split(".") : []), ...(build ? build.split(".") : [])].join("_");
}

/** A tls certificate whose early-renewal window has begun (the provider's rule, see apply()). */
export function dueForRenewal(type: string, state: Props, now: Date): boolean {
    if (type !== "tls:index/locallySignedCert:LocallySignedCert" && type !== "tls:index/selfSignedCert:SelfSignedCert") return false;
    const end = Date.parse(String(state.validityEndTime));
    return Number.isFinite(end) && readyForRenewal(now, new Date(end), Number(state.earlyRenewalHours ?? 0));
}

/**
 * The engine's URN (sdk/go/common/resource/urn.go, `NewURN`): the type is qualified by the
 * parent's whole type chain. The SDK's MockMonitor (runtime/mocks.js, `newUrn`) keeps only the
 * parent's last type; the program knows its resources by those, the state by the engine's.
 */
function urnOf(parentUrn: string, type: string, name: string, wholeChain: boolean): string {
    let qualified = type;
    if (parentUrn) {
        const parentType = parentUrn.split("::")[2];
        qualified = `${wholeChain ? parentType : parentType.split("$").pop()}$${type}`;
    }
    return `urn:pulumi:${pulumi.getStack()}::${pulumi.getProject()}::${qualified}::${name}`;
}

/** Lets the emulation see each request as the engine would: parent, options, secret inputs. */
function hookMonitor(emulation: ProviderEmulation): void {
    const monitor = runtimeSettings.getMonitor() as any;
    const engineUrns = new Map<string, string>(); // mock URN → engine URN
    const registerResource = monitor.registerResource.bind(monitor);
    // A provider reference `<mock URN>::<ID>` with the URN as the engine forms it.
    const engineProviderRef = (ref: string): string => {
        if (!ref) return "";
        const at = ref.lastIndexOf("::");
        const urn = ref.slice(0, at);
        return `${engineUrns.get(urn) ?? urn}${ref.slice(at)}`;
    };
    monitor.registerResource = (req: any, callback: unknown) => {
        const [type, name, mockParent] = [req.getType(), req.getName(), req.getParent() as string];
        const parent = engineUrns.get(mockParent) ?? mockParent;
        const urn = urnOf(parent, type, name, true);
        engineUrns.set(urnOf(mockParent, type, name, false), urn);
        emulation.noteRegistration({
            type,
            name,
            urn,
            parent,
            protect: Boolean(req.getProtect()),
            additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
            wireInputs: (req.getObject()?.toJavaScript() ?? {}) as Props,
            provider: engineProviderRef(req.getProvider() as string),
            version: req.getVersion() as string,
            dependencies: (req.getDependenciesList() as string[]).map((d) => engineUrns.get(d) ?? d),
            aliases: (req.getAliasesList() as any[]).map((a): AliasSpec => {
                if (a.hasUrn()) return { urn: a.getUrn() };
                const spec = a.getSpec();
                const parentUrn = spec.getParenturn() as string;
                return { name: spec.getName(), type: spec.getType(), noParent: spec.getNoparent(), parentUrn: parentUrn ? (engineUrns.get(parentUrn) ?? parentUrn) : undefined };
            }),
        });
        return registerResource(req, callback);
    };
    const registerResourceOutputs = monitor.registerResourceOutputs.bind(monitor);
    monitor.registerResourceOutputs = (req: any, callback: unknown) => {
        const urn = engineUrns.get(req.getUrn()) ?? req.getUrn();
        emulation.noteComponentOutputs(urn, (req.getOutputs()?.toJavaScript() ?? {}) as Props);
        return registerResourceOutputs(req, callback);
    };
}

/**
 * The previous program's promises that never settle by design — the outputs of a resource that
 * was refused, an unknown in preview — are forgotten when a new program starts and when the
 * process exits. Otherwise the runtime's leak check (sdk/nodejs/runtime/debuggable.ts, its exit
 * handler) prints "N promises were still active" at the end of every test run, about programs the
 * tests finished with on purpose. A real `pulumi up` runs one program and keeps the check.
 */
function discardPendingWork(): void {
    // getStore is internal to the SDK (sdk/nodejs/runtime/state.ts); its leak set is what the check reads.
    const store = (runtimeState as unknown as { getStore(): { leakCandidates?: Set<unknown>; settings?: { rpcDone?: Promise<unknown> } } }).getStore();
    store.leakCandidates?.clear();
    // `settled()` waits on the SDK's RPC chain (sdk/nodejs/runtime/settings.ts, rpcKeepAlive and
    // waitForRPCs): a registration an earlier run left pending for ever (an output refused once
    // known) would hold every later run's `settled()` too. A new run starts its own chain.
    if (store.settings) store.settings.rpcDone = Promise.resolve();
}

/** How long nothing must reach the emulation before `settled()` takes a failure as the program's end. */
const QUIET_MS = 1000;

/** The emulation installed last: the one program failures are recorded in. */
let current: ProviderEmulation | undefined;
let listening = false;

/** Installs the emulation as Pulumi's mocks and returns it. */
export async function installProviderEmulation(options?: EmulationOptions): Promise<ProviderEmulation> {
    const emulation = new ProviderEmulation(options);
    await pulumi.runtime.setMocks(emulation, "consul-hardened", "test", false);
    hookMonitor(emulation);
    current = emulation;
    if (!listening) {
        listening = true;
        // Before the runtime's own exit handler (registered later, on its first promise).
        process.prependListener("exit", discardPendingWork);
        // What the engine's run does with the program's unhandled rejections: they fail it.
        process.on("unhandledRejection", (reason) => void current?.failures.push(reason instanceof Error ? reason : new Error(String(reason))));
    }
    return emulation;
}

/**
 * Resolves an Output's value, or rejects with what failed: the Output's own error (an apply that
 * threw) or, once nothing is left to run, the program failure that left it pending (a resource it
 * depends on was refused or is not emulated) — never a silent hang. Never use inside a
 * preview-mode run (unknowns never resolve).
 */
export function valueOf<T>(output: pulumi.Output<T> | pulumi.Input<T>): Promise<T> {
    const o = pulumi.output(output);
    return new Promise<T>((resolve, reject) => {
        let done = false;
        const settle = (f: () => void) => void (done || ((done = true), f()));
        o.apply((v) => settle(() => resolve(v as T)));
        // Output.promise is the SDK's own (internal) way to the value or its rejection (sdk/nodejs/output.ts, OutputImpl).
        (o as unknown as { promise(): Promise<unknown> }).promise().catch((e: unknown) => settle(() => reject(e)));
        const watch = (): void => {
            if (done) return;
            const failure = current?.failures[0];
            if (failure) return settle(() => reject(failure));
            setTimeout(watch, 25).unref();
        };
        void current?.settled().then(watch, watch);
    });
}
