import { RunError } from "@pulumi/pulumi";

/**
 * One problem with one option: what was given, why it is refused, and how to fix it.
 * `value` is already safe to print: validators pass a description (e.g. "a 16-byte key")
 * instead of a secret value.
 */
export interface OptionProblem {
    /** Dotted path of the option as the user wrote it, e.g. `tls.minVersion`. */
    option: string;
    /** Printable form of the bad value (never a secret). */
    value: string;
    /** What is wrong, and the checklist ID it would break where there is one. */
    problem: string;
    /** What to write instead. */
    fix: string;
}

/**
 * Thrown before any resource is created when options are invalid. Lists every problem found,
 * so a user fixes their program in one pass rather than one error per `pulumi preview`.
 *
 * A `RunError`: the Pulumi runtime prints its message alone, without a stack trace
 * (sdk/nodejs/cmd/run/run.ts, the uncaught handler). Its message cannot be rewritten: when the
 * error comes from an Output-valued option, every resource input that consumes the Output
 * rethrows this same object after prefixing `error serializing property "…": ` to its message
 * (sdk/nodejs/runtime/rpc.ts, serializeFilteredProperties) — 17 to 38 prefixes naming internal
 * properties. The message stays what the user needs: the option as they wrote it.
 */
export class ConsulHardenedOptionError extends RunError {
    readonly problems: readonly OptionProblem[];

    constructor(component: string, problems: OptionProblem[]) {
        const lines = problems.map(
            (p) => `  - ${p.option} = ${p.value}: ${p.problem}\n    fix: ${p.fix}`,
        );
        const message = `${component}: ${problems.length} invalid option(s):\n${lines.join("\n")}`;
        super(message);
        Object.defineProperty(this, "message", {
            get: () => message,
            set: () => undefined, // the runtime's property-path prefixes are dropped
            enumerable: false,
            configurable: false,
        });
        this.name = "ConsulHardenedOptionError";
        this.problems = problems;
    }
}

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const KEY_LIKE = /^[A-Za-z0-9+/_-]{22,}={0,2}$/;
/** Vault tokens: service, batch and recovery (`hvs.`, `hvb.`, `hvr.`; before 1.10 `s.`, `b.`, `r.`). */
const VAULT_TOKEN = /^(hv[sbr]|[sbr])\.[A-Za-z0-9_-]{20,}$/;
/** A JWT, e.g. a Kubernetes service-account token (header.payload.signature, the header `{"…`). */
const JWT = /^eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/**
 * Whether a string a user put somewhere looks like a secret — a token (a Consul UUID, a Vault
 * token, a JWT), a key (base64 of 16 bytes or more) or a private key — so that an error never echoes it, even from an option that
 * does not expect a secret (a key pasted into the wrong field is still a key).
 */
export function looksSecret(s: string): boolean {
    const t = s.trim();
    // Random base64 of 16 bytes or more mixes both cases and digits; names (cipher suites, hosts) do not.
    return UUID.test(t) || VAULT_TOKEN.test(t) || JWT.test(t) || (KEY_LIKE.test(t) && /\d/.test(t) && /[a-z]/.test(t) && /[A-Z]/.test(t)) || /PRIVATE KEY/.test(t);
}

/** The longest value an error message prints whole; longer ones are cut (a pasted file, a runaway string). */
const SHOWN_CHARACTERS = 160;

/**
 * Printable form of a user value for error messages; strings that look like secrets are withheld,
 * and a value longer than SHOWN_CHARACTERS is cut, saying how long it was.
 */
export function show(value: unknown): string {
    if (value === undefined) return "undefined";
    const redacted = (_key: string, v: unknown) => (typeof v === "string" && looksSecret(v) ? "<withheld: looks like a key or token>" : v);
    let text: string;
    try {
        text = typeof value === "string" ? JSON.stringify(redacted("", value)) : (JSON.stringify(value, redacted) ?? String(value));
    } catch {
        text = String(value);
    }
    return text.length > SHOWN_CHARACTERS ? `${text.slice(0, SHOWN_CHARACTERS)}… (${text.length} characters)` : text;
}

/** Collects problems during validation; `throwIfAny` raises one error listing them all. */
export class ProblemList {
    private readonly items: OptionProblem[] = [];

    add(option: string, value: unknown, problem: string, fix: string): void {
        this.items.push({ option, value: show(value), problem, fix });
    }

    /** Adds a problem whose value must not be printed (keys, tokens). */
    addSecret(option: string, description: string, problem: string, fix: string): void {
        this.items.push({ option, value: `<secret: ${description}>`, problem, fix });
    }

    get all(): readonly OptionProblem[] {
        return this.items;
    }

    throwIfAny(component: string): void {
        if (this.items.length > 0) throw new ConsulHardenedOptionError(component, [...this.items]);
    }
}
