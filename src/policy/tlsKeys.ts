import type { ResourceValidationPolicy } from "@pulumi/policy";
import { MAX_CA_VALIDITY_HOURS, MAX_CERT_VALIDITY_HOURS } from "../tls/validity";
import { reportUnlessWaived, WAIVER_SCHEMA } from "./waivers";
import { checklistMetadata } from "./metadata";

/** Raw @pulumi/tls resources in a Consul stack: no weak keys, bounded CA validity (CSM-ROT-01). */
export const tlsKeyStrength: ResourceValidationPolicy = {
    name: "consul-tls-keys",
    description: "Keys are RSA ≥ 2048 or ECDSA P-256/P-384; CA certificates are valid at most 10 years, others at most 825 days",
    enforcementLevel: "mandatory",
    ...checklistMetadata({ severity: "high", tags: ["tls", "keys"], remediationSteps: "Use ECDSA P-256 (the default) or RSA 2048+, and CA/leaf validities within the checklist's bounds (CSM-ROT-01)." }),
    configSchema: WAIVER_SCHEMA,
    validateResource: (args, report) => {
        const p = args.props;
        if (args.type === "tls:index/privateKey:PrivateKey") {
            if (p.algorithm === "RSA" && Number(p.rsaBits ?? 2048) < 2048) reportUnlessWaived(args, report, `RSA-${p.rsaBits} is breakable: use 2048 bits or more`);
            if (p.algorithm === "ECDSA" && !["P256", "P384"].includes(p.ecdsaCurve ?? "P224"))
                reportUnlessWaived(args, report, `ECDSA ${p.ecdsaCurve ?? "P224 (the provider's default)"} is weak or unsupported by TLS stacks: use P256 or P384`);
        }
        if (args.type === "tls:index/selfSignedCert:SelfSignedCert" && p.isCaCertificate && Number(p.validityPeriodHours) > MAX_CA_VALIDITY_HOURS)
            reportUnlessWaived(args, report, `CSM-ROT-01: a CA valid ${p.validityPeriodHours}h exceeds ${MAX_CA_VALIDITY_HOURS}h (10 years)`);
        const leaf = args.type === "tls:index/locallySignedCert:LocallySignedCert" || (args.type === "tls:index/selfSignedCert:SelfSignedCert" && !p.isCaCertificate);
        if (leaf && !p.isCaCertificate && Number(p.validityPeriodHours) > MAX_CERT_VALIDITY_HOURS)
            reportUnlessWaived(args, report, `CSM-ROT-01: a certificate valid ${p.validityPeriodHours}h exceeds ${MAX_CERT_VALIDITY_HOURS}h (825 days)`);
    },
};
