import { ClusterCaOptions } from "./options";
import { CertificateAuthorityArgs } from "../tls/certificateAuthority";
import { IMPLICIT_GENERATION, signingGeneration } from "../tls/rollover/plan";

/** One CA component of a cluster: its generation name, resource name and arguments. */
export interface CaGenerationSpec {
    name: string;
    resourceName: string;
    args: CertificateAuthorityArgs;
    /** The resource name the cluster's single CA had before generations were listed. */
    formerName?: string;
}

/**
 * The cluster's CAs. Without `ca.generations`, one CA named `<cluster>-ca` (as always); with them,
 * `<cluster>-ca-<generation>` each, the oldest taking over `<cluster>-ca` by an alias, so listing
 * generations on a running cluster keeps its CA (and key) rather than making a new one.
 */
export function caGenerationSpecs(clusterName: string, ca: ClusterCaOptions | undefined): { specs: CaGenerationSpec[]; signing: string } {
    const base = `${clusterName}-ca`;
    if (!ca?.generations) {
        const { generations: _g, signing: _s, ...single } = ca ?? {};
        return { specs: [{ name: IMPLICIT_GENERATION, resourceName: base, args: single }], signing: IMPLICIT_GENERATION };
    }
    const specs = ca.generations.map(({ name, ...args }, i) => ({ name, resourceName: `${base}-${name}`, args, ...(i === 0 ? { formerName: base } : {}) }));
    return { specs, signing: signingGeneration(specs.map((s) => s.name), ca.signing) };
}
