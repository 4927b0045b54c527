/**
 * Which outputs the Pulumi engine stores as secrets, rule by rule from its source, so the
 * emulation's state says what a real stack's state would say.
 */
import { containsSecrets, isSecretEnvelope, makeSecret, Props } from "./wire";

/**
 * Engine, `pkg/resource/plugin/provider_plugin.go` (`annotateSecrets`, called from `Create` and
 * `Update` only `if !pcfg.acceptSecrets`): for a provider that cannot take secrets, an output
 * whose input of the same name held a secret becomes secret (objects recursively; anything else,
 * arrays included, whole).
 */
export function annotateSecrets(outs: Props, ins: Props): void {
    for (const [key, inValue] of Object.entries(ins)) {
        if (!(key in outs)) continue;
        const outValue = outs[key];
        if (isPlainObject(outValue) && isPlainObject(inValue)) annotateSecrets(outValue, inValue);
        else if (!isSecretEnvelope(outValue) && containsSecrets(inValue)) outs[key] = makeSecret(outValue);
    }
}

/**
 * Engine, `pkg/resource/deploy/step_executor.go` (`executeStep`): every output named in the
 * resource's `additionalSecretOutputs` — which the SDK classes fill with the outputs their
 * provider schema marks secret, e.g. `@pulumi/random/randomBytes.js`: `["base64", "hex"]` — is
 * made secret. The `id` cannot be (pulumi/pulumi#2717): IDs are always plaintext.
 */
export function applyAdditionalSecretOutputs(outs: Props, names: readonly string[]): void {
    for (const k of names) if (k !== "id" && k in outs && !isSecretEnvelope(outs[k])) outs[k] = makeSecret(outs[k]);
}

/**
 * Whether a provider accepts secrets (when it does not, `annotateSecrets` applies to its outputs).
 * `@pulumi/pulumi/cmd/dynamic-provider/index.js` (`configureRPC`): `setAcceptsecrets(false)`.
 * The bridged Terraform providers emulated here (tls, random, consul) accept secrets and mark their
 * schema's Sensitive outputs themselves (their SDK classes list the same names in
 * additionalSecretOutputs). Types this emulation does not model (your own, echoed ones) are
 * treated as not accepting secrets: an output named like a secret input stays secret.
 */
function providerAcceptsSecrets(type: string, modelled: boolean): boolean {
    return modelled && !type.startsWith("pulumi-nodejs:dynamic/");
}

/**
 * The outputs as the engine stores them: provider state plus secret marks. Provider resources
 * (`pulumi:providers:*`) store their inputs as outputs, secrets kept (`pkg/resource/deploy/
 * providers/registry.go`, `Create` returns the checked inputs).
 */
export function engineOutputs(type: string, state: Props, wireInputs: Props, additionalSecretOutputs: readonly string[], modelled = true): Props {
    if (type.startsWith("pulumi:providers:")) return structuredClone(wireInputs);
    const outs: Props = structuredClone(state);
    if (!providerAcceptsSecrets(type, modelled)) annotateSecrets(outs, wireInputs);
    applyAdditionalSecretOutputs(outs, additionalSecretOutputs);
    return outs;
}

function isPlainObject(v: unknown): v is Props {
    return typeof v === "object" && v !== null && !Array.isArray(v) && !isSecretEnvelope(v);
}
