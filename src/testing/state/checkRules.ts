/**
 * Providers' `Check`: the engine calls it with the old inputs (none on create) and the new ones
 * before it diffs, at preview and at up, and a failure makes the resource invalid — the deployment
 * stops there and nothing that depends on the resource is touched (`generateSteps` and
 * `issueCheckErrors` in pkg/resource/deploy/step_generator.go). Modelled for this library's own
 * dynamic providers, by running their real `check`.
 */
import { trustGuardProvider } from "../../tls/rollover/guard";

type Props = Record<string, unknown>;
type CheckRule = (olds: Props, news: Props) => Promise<{ property: string; reason: string }[]>;

const RULES: Record<string, CheckRule> = {
    "pulumi-nodejs:dynamic/consul-hardened:CaTrustGuard": async (olds, news) => (await trustGuardProvider.check!(olds, news)).failures ?? [],
};

/** Throws as the engine reports an invalid resource, when the type's provider refuses the inputs. */
export async function checkInputs(type: string, name: string, olds: Props | undefined, news: Props): Promise<void> {
    const rule = RULES[type];
    if (!rule) return;
    const failures = await rule(olds ?? {}, news);
    if (failures.length > 0) throw new Error(`${type} resource '${name}' is invalid: ${failures.map((f) => `${f.property}: ${f.reason}`).join("; ")}`);
}
