import * as pulumi from "@pulumi/pulumi";
import { ProblemList } from "../errors";

/** Why a value is refused and what to write instead; `value` is how to print it (never a secret). */
export interface LateProblem {
    /** A path under the option, when the problem is in one part of it (e.g. `federation.gossipKeys.g2`). */
    option?: string;
    value: string;
    problem: string;
    fix: string;
}

/**
 * An option whose value is an Output (a StackReference, a secret store, another resource) can only
 * be checked once known. This returns the value, checked: a refused value fails once, as the same
 * `ConsulHardenedOptionError` a plain value gets before any resource — naming the option as the
 * user wrote it, never printing the value, without a stack trace and without the runtime's
 * `error serializing property` chain (see ConsulHardenedOptionError). Secretness is kept.
 *
 * A plain value passes through untouched: the component checked it before creating anything.
 */
export function checkedWhenKnown<T>(
    value: pulumi.Input<T>,
    component: string,
    option: string,
    check: (v: pulumi.Unwrap<T>) => LateProblem | undefined,
): pulumi.Output<pulumi.Unwrap<T>> {
    return pulumi.output(value).apply((v) => {
        const found = check(v as pulumi.Unwrap<T>);
        if (found) {
            const list = new ProblemList();
            list.addSecret(found.option ?? option, found.value, found.problem, found.fix);
            list.throwIfAny(component);
        }
        return v as pulumi.Unwrap<T>;
    }) as pulumi.Output<pulumi.Unwrap<T>>;
}

/** How a refused secret is described in a message: its length or type, never its content. */
export function describeSecret(v: unknown): string {
    return typeof v === "string" ? `${v.length} characters` : v === null ? "null" : Array.isArray(v) ? "a list" : typeof v;
}

/** Whether a value is known at construction (a plain value, not an Output or a promise). */
export function isPlain(value: unknown): boolean {
    return !pulumi.Output.isInstance(value) && !(value instanceof Promise);
}

/** Whether a value can stand for a string option: a string, or an Output or promise of one (judged once known). */
export function isStringInput(value: unknown): boolean {
    return typeof value === "string" || !isPlain(value);
}

/**
 * Why a certificate option (PEM, or an Output of it) is refused now, with how to print the value;
 * undefined when it is a PEM certificate or not known yet.
 */
export function certificatePemProblem(value: unknown): { value: string; problem: string } | undefined {
    if (!isStringInput(value)) return { value: typeof value, problem: "must be a string (or an Output of one)" };
    if (typeof value === "string" && !/-----BEGIN CERTIFICATE-----/.test(value)) return { value: value.slice(0, 40), problem: "not a PEM certificate" };
    return undefined;
}

/**
 * A certificate option that may be an Output (another stack's CA, a secret store), checked once
 * known as certificatePemProblem checks a plain one before any resource.
 */
export function checkedCertificatePem(value: pulumi.Input<string>, component: string, option: string, fix: string): pulumi.Output<string> {
    return checkedWhenKnown(value, component, option, (v) => {
        const bad = certificatePemProblem(v);
        return bad ? { value: describeSecret(v), problem: bad.problem, fix } : undefined;
    });
}
