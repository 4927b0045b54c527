import * as pulumi from "@pulumi/pulumi";
import { keysOf, refuseUnknownKeys } from "../validation/optionKeys";
import { requireDeployment } from "../component/deployment";
import * as tls from "@pulumi/tls";
import { ProblemList } from "../errors";
import { KeyOptions, resolveKeyOptions, validateKeyOptions } from "./keyOptions";
import { CA_ALLOWED_USES } from "./profiles";
import { DEFAULT_CA_EARLY_RENEWAL_HOURS, DEFAULT_CA_VALIDITY_HOURS, MAX_CA_VALIDITY_HOURS, validateEarlyRenewal, validateHours } from "./validity";
import { componentType, withFormerTypes } from "../component/typeToken";

/** A CA made elsewhere: Vault's PKI engine, or `consul tls ca create -name-constraint`. */
export interface ExistingCa {
    /** The CA certificate (PEM). */
    certPem: pulumi.Input<string>;
    /** Wrapped as a Pulumi secret by the component. */
    privateKeyPem: pulumi.Input<string>;
}

/** A generated CA (default) or a brought one. */
export interface CertificateAuthorityArgs {
    /** The CA certificate's subject common name. @default "Consul Agent CA" */
    commonName?: string;
    /** The CA certificate's subject organization. @default "consul-hardened" */
    organization?: string;
    /** The CA key. @default { algorithm: "ECDSA", ecdsaCurve: "P256" } */
    key?: KeyOptions;
    /** CA validity in hours, at most 87600 (10 years). @default 43800 (5 years) */
    validityHours?: number;
    /**
     * Hours before the CA's expiry from which `pulumi up` renews it: a new CA certificate for the
     * same key and subject, so every certificate it signed stays valid under the renewed one and
     * the renewed one verifies under the old (no agent loses trust while files roll out). Keep it
     * at least the agents' certificate validity, so no leaf outlives its CA. @default 8760 (1 year)
     */
    earlyRenewalHours?: number;
    /**
     * Protect the CA private key from `pulumi destroy` and replacement: losing it means reissuing
     * every agent certificate. Set false for throwaway stacks. @default true
     */
    protectKey?: boolean;
    /**
     * Bring your own CA instead of generating one. The tls provider cannot write X.509 name
     * constraints, so a name-constrained CA (limited to `.consul` and `localhost`) has to come from
     * here. When set, no resource is created.
     */
    existing?: ExistingCa;
}

export function validateCertificateAuthorityArgs(args: CertificateAuthorityArgs, prefix: string, problems: ProblemList): void {
    validateKeyOptions(args.key, `${prefix}key`, problems);
    validateHours(args.validityHours, `${prefix}validityHours`, MAX_CA_VALIDITY_HOURS, problems);
    validateEarlyRenewal(args.earlyRenewalHours, typeof args.validityHours === "number" ? args.validityHours : DEFAULT_CA_VALIDITY_HOURS, `${prefix}earlyRenewalHours`, problems);
    if (args.existing && (args.key || args.validityHours !== undefined || args.earlyRenewalHours !== undefined))
        problems.add(
            `${prefix}existing`,
            "set together with key/validityHours",
            "key and validity describe a generated CA; they do nothing with an existing one",
            "remove key/validityHours, or remove existing",
        );
}

/**
 * The certificate authority that signs every agent certificate: an ECDSA P-256 key (protected)
 * and a self-signed CA certificate with bounded validity — or a CA you bring.
 */
export class CertificateAuthority extends pulumi.ComponentResource {
    /** PEM of the CA certificate: goes to every agent as `ca_file`. */
    readonly certPem: pulumi.Output<string>;
    /** PEM of the CA private key (secret). */
    readonly privateKeyPem: pulumi.Output<string>;
    /** True when the CA came from `existing`. */
    readonly external: boolean;

    constructor(name: string, args: CertificateAuthorityArgs = {}, opts?: pulumi.ComponentResourceOptions) {
        const problems = new ProblemList();
        validateCertificateAuthorityArgs(args, "", problems);
        refuseUnknownKeys(args, keysOf<CertificateAuthorityArgs>()(["commonName", "organization", "key", "validityHours", "earlyRenewalHours", "protectKey", "existing"]), "", problems);
        problems.throwIfAny(`CertificateAuthority "${name}"`);
        // Component args are stored in state; pass nothing so no key material lands there.
        requireDeployment("CertificateAuthority", name);
        super(componentType("CertificateAuthority"), name, {}, withFormerTypes(opts, "consul-hardened:tls:CertificateAuthority"));

        this.external = args.existing !== undefined;
        if (args.existing) {
            this.certPem = pulumi.output(args.existing.certPem);
            this.privateKeyPem = pulumi.secret(args.existing.privateKeyPem);
        } else {
            // What the component waits for, its resources wait for (children do not inherit it).
            const waitFor = opts?.dependsOn ? { dependsOn: opts.dependsOn } : {};
            const key = resolveKeyOptions(args.key);
            const privateKey = new tls.PrivateKey(
                `${name}-key`,
                key.algorithm === "RSA" ? { algorithm: "RSA", rsaBits: key.rsaBits } : { algorithm: "ECDSA", ecdsaCurve: key.ecdsaCurve },
                // Deliberate: a replaced CA key invalidates every certificate in the cluster.
                { parent: this, protect: args.protectKey ?? true, ...waitFor },
            );
            const cert = new tls.SelfSignedCert(
                `${name}-cert`,
                {
                    privateKeyPem: privateKey.privateKeyPem,
                    subject: { commonName: args.commonName ?? "Consul Agent CA", organization: args.organization ?? "consul-hardened" },
                    validityPeriodHours: args.validityHours ?? DEFAULT_CA_VALIDITY_HOURS,
                    // Renewal keeps the key (a separate resource, unchanged): leaves stay valid.
                    earlyRenewalHours: args.earlyRenewalHours ?? DEFAULT_CA_EARLY_RENEWAL_HOURS,
                    isCaCertificate: true,
                    setSubjectKeyId: true,
                    allowedUses: CA_ALLOWED_USES,
                },
                { parent: this, ...waitFor },
            );
            this.certPem = cert.certPem;
            // The real provider marks this secret; mocks and older engines do not. Be explicit.
            this.privateKeyPem = pulumi.secret(privateKey.privateKeyPem);
        }
        this.registerOutputs({ certPem: this.certPem, privateKeyPem: this.privateKeyPem });
    }
}
