import type { ReportViolation, ResourceValidationArgs } from "@pulumi/policy";

/** One allow-listed exception: which resource, and why (a waiver without a reason is refused). */
export interface Waiver {
    /** Resource name or URN. */
    resource: string;
    reason: string;
}

/** Config schema shared by every policy of the pack: waivers with a mandatory reason. */
export const WAIVER_SCHEMA = {
    properties: {
        waivers: {
            type: "array" as const,
            default: [],
            items: {
                type: "object" as const,
                required: ["resource", "reason"],
                additionalProperties: false,
                properties: {
                    resource: { type: "string" as const, minLength: 1 },
                    reason: { type: "string" as const, minLength: 10, description: "why this resource may break the policy" },
                },
            },
        },
    },
};

/** Reports a violation unless the resource is waived. */
export function reportUnlessWaived(args: Pick<ResourceValidationArgs, "name" | "urn" | "getConfig">, report: ReportViolation, message: string): void {
    const waivers = args.getConfig<{ waivers?: Waiver[] }>().waivers ?? [];
    if (waivers.some((w) => w.resource === args.name || w.resource === args.urn)) return;
    report(message);
}
