import { ProblemList } from "../errors";

export const HOURS_PER_YEAR = 8760;
/** CA default: 5 years, as `consul tls ca create`. */
export const DEFAULT_CA_VALIDITY_HOURS = 5 * HOURS_PER_YEAR;
/** CA renewal default: a year before its end, the longest an agent certificate lives by default. */
export const DEFAULT_CA_EARLY_RENEWAL_HOURS = HOURS_PER_YEAR;
/** Upper bound for a CA (CSM-ROT-01: bounded CA validity). */
export const MAX_CA_VALIDITY_HOURS = 10 * HOURS_PER_YEAR;
/** Agent certificate default: 1 year, as `consul tls cert create`. */
export const DEFAULT_CERT_VALIDITY_HOURS = HOURS_PER_YEAR;
/** Upper bound for agent certificates: 825 days, the public-CA ceiling (CSM-ROT-01: short-lived). */
export const MAX_CERT_VALIDITY_HOURS = 825 * 24;
/** Early renewal default: 30 days before expiry the next `pulumi up` replaces the certificate. */
export const DEFAULT_EARLY_RENEWAL_HOURS = 30 * 24;

export function validateHours(value: unknown, option: string, max: number, problems: ProblemList): void {
    if (value === undefined) return;
    if (typeof value !== "number" || !Number.isInteger(value) || value <= 0)
        problems.add(option, value, "must be a positive whole number of hours", `use e.g. ${DEFAULT_CERT_VALIDITY_HOURS}`);
    else if (value > max)
        problems.add(option, value, `longer than the ${max}h this library allows (CSM-ROT-01)`, `use at most ${max}`);
}

export function validateEarlyRenewal(
    earlyRenewal: unknown,
    validity: number,
    option: string,
    problems: ProblemList,
): void {
    if (earlyRenewal === undefined) return;
    if (typeof earlyRenewal !== "number" || !Number.isInteger(earlyRenewal) || earlyRenewal < 0)
        problems.add(option, earlyRenewal, "must be a whole number of hours, 0 or more", `use e.g. ${DEFAULT_EARLY_RENEWAL_HOURS}`);
    else if (earlyRenewal >= validity)
        problems.add(
            option,
            earlyRenewal,
            `must be shorter than the validity (${validity}h), or every \`pulumi up\` replaces the certificate`,
            `use less than ${validity}, e.g. ${Math.floor(validity / 12)}`,
        );
}
