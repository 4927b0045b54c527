/**
 * The cluster's certificates from a CA in Pulumi state (`certificates.source: "state"`, the
 * default): the CA generations (one, unless a rollover lists more) — every one trusted, one signing
 * — the guard that refuses a rollover step skipping a stage, and a signer for the server and CLI
 * certificates. With `"vault-pki"` none of this is made (hardenedCluster.ts).
 */
import * as pulumi from "@pulumi/pulumi";
import { AgentCertificate, AgentCertificateArgs } from "../tls/agentCertificate";
import { CertificateAuthority } from "../tls/certificateAuthority";
import { addCaProblems, caConstraints, existingCaProblems, LeafPlan } from "../tls/existingCa";
import { CaRolloverPlan, planCaRollover } from "../tls/rollover/plan";
import { CaTrustGuard } from "../tls/rollover/guard";
import { ProblemList } from "../errors";
import { caGenerationSpecs } from "./caGenerations";
import { leafNameInput, plannedLeafNames } from "./leafNames";
import { HardenedClusterArgs } from "./options";

/** Throws (failing the deployment before any leaf is signed) when a brought CA cannot serve. */
function checkedExistingCa(name: string, certPem: string, keyPem: string, plan: LeafPlan): string {
    const list = new ProblemList();
    addCaProblems(existingCaProblems(certPem, keyPem, plan), list);
    list.throwIfAny(`HardenedCluster "${name}"`);
    return certPem;
}

export interface StateCertificates {
    /** The agents' trust: every trusted generation's certificate, the signing one first. */
    caCertPem: pulumi.Output<string>;
    caPrivateKeyPem: pulumi.Output<string>;
    caRolloverPlan: CaRolloverPlan;
    /** The signing CA's name constraints, when a brought CA has them (known at construction). */
    constraints?: ReturnType<typeof caConstraints>;
    /** Signs one agent or CLI certificate with the signing generation, after the guard. */
    issue(resourceName: string, leaf: Pick<AgentCertificateArgs, "profile" | "nodeName" | "extraDnsNames" | "extraIpAddresses">): AgentCertificate;
}

export function stateCertificates(
    name: string,
    args: HardenedClusterArgs,
    serverNames: string[],
    datacenter: string,
    domain: string,
    parent: pulumi.ComponentResourceOptions,
): StateCertificates {
    const { specs, signing } = caGenerationSpecs(name, args.ca);
    const trustedNames = specs.map((g) => g.name);
    // Everything agents receive — the trust bundle, every certificate — waits for the guard.
    const guard = new CaTrustGuard(`${name}-ca-trust`, { trusted: trustedNames, signing }, parent);
    const afterGuard = (o: pulumi.Output<string>): pulumi.Output<string> => pulumi.all([guard.signing, o]).apply(([, v]) => v);
    const leafPlanUnder = (constraints: ReturnType<typeof caConstraints> | undefined) => plannedLeafNames(leafNameInput(args, serverNames, constraints));
    const cas = specs.map((g) => {
        const ca = new CertificateAuthority(g.resourceName, g.args, { ...parent, dependsOn: [guard], ...(g.formerName ? { aliases: [{ name: g.formerName }] } : {}) });
        const existing = g.args.existing;
        // Known at construction when the (public) certificate is a plain string.
        const constraints = typeof existing?.certPem === "string" ? caConstraints(existing.certPem) : undefined;
        // A brought CA given as plain PEM was checked before super(); one that arrives as an
        // Output (a StackReference, a secret store) is checked once known, before any leaf is signed.
        const certPem = existing ? pulumi.all([ca.certPem, ca.privateKeyPem]).apply(([cert, key]) => checkedExistingCa(name, cert, key, leafPlanUnder(constraints))) : ca.certPem;
        return { name: g.name, certPem, privateKeyPem: ca.privateKeyPem, constraints };
    });
    const signer = cas.find((c) => c.name === signing)!;
    // The signer first: whoever reads one certificate of the bundle reads the one that signs.
    const trusted = [signer, ...cas.filter((c) => c !== signer)];
    const caPrivateKeyPem = afterGuard(signer.privateKeyPem);
    const certArgs = {
        datacenter,
        domain,
        caCertPem: afterGuard(signer.certPem),
        caPrivateKeyPem,
        key: args.certificates?.key,
        validityHours: args.certificates?.validityHours,
        earlyRenewalHours: args.certificates?.earlyRenewalHours,
    };
    return {
        caCertPem: afterGuard(trusted.length === 1 ? signer.certPem : pulumi.all(trusted.map((c) => c.certPem)).apply((pems) => pems.map((p) => p.trim() + "\n").join(""))),
        caPrivateKeyPem,
        caRolloverPlan: planCaRollover(trustedNames, signing),
        constraints: signer.constraints,
        issue: (resourceName, leaf) => new AgentCertificate(resourceName, { ...certArgs, ...leaf }, parent),
    };
}
