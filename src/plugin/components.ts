import { AclSystem } from "../acl/aclSystem";
import { HardenedCluster } from "../cluster/hardenedCluster";
import { GossipKeyring } from "../gossip/keyring";
import { BootstrapSecrets } from "../secrets/bootstrapSecrets";
import { AgentCertificate } from "../tls/agentCertificate";
import { CertificateAuthority } from "../tls/certificateAuthority";
import { VaultPki } from "../vault/vaultPki";

/**
 * Every component the package exports, as the component provider serves them to other languages.
 * A test holds this list equal to what Pulumi's own discovery (`getPulumiComponents`) finds in the
 * package's exports, so a new component cannot be left out.
 */
export const COMPONENTS = [HardenedCluster, CertificateAuthority, AgentCertificate, GossipKeyring, BootstrapSecrets, AclSystem, VaultPki];
