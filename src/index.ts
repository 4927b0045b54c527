/**
 * The public API of consul-hardened: the components, their option types, the pure functions a
 * program or a review uses (config building and rendering, ACL rules, rotation and rollover
 * plans), and the errors. Internal helpers are not exported (docs/upgrading.md lists what left
 * the root in 0.2.0); the testing kit is `consul-hardened/testing`, the policies
 * `consul-hardened/policy`.
 */
export { HardenedCluster, ServerMaterial, ClientMaterial, ConsulProviderArgs } from "./cluster/hardenedCluster";
export { HardenedClusterArgs, InsecureOptions, ClusterPorts, AgentProcessOptions } from "./cluster/options";
export { InsecureWarning } from "./cluster/normalize";
export { CertificateAuthority, CertificateAuthorityArgs, ExistingCa } from "./tls/certificateAuthority";
export { AgentCertificate, AgentCertificateArgs } from "./tls/agentCertificate";
export { VaultPki, VaultPkiArgs, VaultServerCredentials, VaultAgentPodOutput, VaultCliCertificate } from "./vault/vaultPki";
export { VaultKubernetesAuthOptions } from "./vault/kubernetesAuthOptions";
export { VaultAgentPod, ContainerSpec, VolumeSpec, VolumeMountSpec } from "./vault/kubernetesPod";
export { VaultPkiOptions, ExistingVaultPkiMount, VaultConnectCaOptions } from "./vault/vaultPkiOptions";
export { vaultPkiBundle, VaultPkiBundle } from "./vault/bundle";
export { agentCertProfile, AgentCertProfile, CertProfile } from "./tls/profiles";
export { KeyOptions } from "./tls/keyOptions";
export { GossipKeyring, GossipKeyringArgs } from "./gossip/keyring";
export { PodSecurity, PodSecurityContextSpec, ContainerSecurityContextSpec, podSecurity } from "./runtime/podSecurity";
export { systemdUnit, sysusersSnippet, tmpfilesSnippet, AgentProcessSettings } from "./runtime/systemd";
export { GossipKeyGeneration, RotationPlan, RotationStep, planRotation } from "./gossip/rotation";
export { gossipKeyProblem, GOSSIP_KEY_BYTES } from "./gossip/key";
export { BootstrapSecrets, BootstrapSecretsArgs } from "./secrets/bootstrapSecrets";
export { buildServerConfig, buildClientConfig, buildClientIdentityConfig } from "./config/agentConfig";
export { renderJson, renderHcl } from "./config/render";
export { findHardeningGaps, HardeningGap, SECRET_PLACEHOLDER } from "./config/guard";
export { AgentConfig, AgentSecrets, DeepPartial } from "./config/types";
export { HardenedSettings, ServerIdentity } from "./config/settings";
export { CHECKLIST, ChecklistId } from "./checklist";
export { ConsulHardenedOptionError, OptionProblem } from "./errors";
export { ConsulHardenedOutsideDeploymentError } from "./component/deployment";
export { AclSystem } from "./acl/aclSystem";
export { AclSystemArgs, ConsulConnection, AgentTokenSpec, OperatorSpec, DeveloperSpec, CustomPolicySpec } from "./acl/options";
export { aclArgsFromCluster } from "./acl/fromCluster";
export { buildAclPlan, AclPlan, PlannedPolicy, PlannedRole, PlannedToken, ANONYMOUS_TOKEN_ID, GLOBAL_MANAGEMENT } from "./acl/plan";
export { Persona, PERSONAS } from "./acl/personas";
export { AclRules, Access, KeyAccess } from "./acl/rules/types";
export { renderRules, checkRules, mergeRules, AclRuleError } from "./acl/rules/build";
export { parseRules } from "./acl/rules/parse";
export { lintRules, LintFinding, LintContext } from "./acl/rules/lint";
export { authorize, AclRequest, EvalPolicy, Decision } from "./acl/rules/evaluate";
export { GLOBAL_MANAGEMENT_RULES, nodeIdentityRules } from "./acl/builtins";
export { PreseededAclToken } from "./acl/dynamic/aclToken";
export { AclBootstrap } from "./acl/dynamic/aclBootstrap";
export { restoreManagementToken, RestoreError, RestoreOutcome, RestoreOptions } from "./acl/live/managementToken";
export { rotateAgentToken, AgentTokenChange, AgentTokenRotationError, RotateAgentTokenOptions } from "./acl/live/rotateAgentToken";
export { AgentTokenRotation, AgentTokenRotationArgs, agentTokenTargets, AgentTokenTargetOptions, RotatedAgent } from "./acl/live/agentTokenRotation";
export { parseHcl, HclSyntaxError } from "./hcl/parse";
export { aclPlanFiles } from "./acl/planFiles";
export { ClusterPaths, ClusterTlsOptions, ClusterCaOptions, ClusterCertificateOptions, CertificateSource, ClusterCliCertificate, ClusterGossipOptions, FederationOptions, ClusterLimits, ClusterOverrides, LogLevel } from "./cluster/options";
export { ClusterReview } from "./cluster/hardenedCluster";
export { KeyAlgorithm, EcdsaCurve, RsaBits } from "./tls/keyOptions";
export { TlsVersion, AgentConfigOverride, LimitsConfig } from "./config/types";
export { RotationAction } from "./gossip/rotation";
export { NamespaceSpec } from "./acl/options";
export { NodeIdentity, ServiceIdentity } from "./acl/plan";
export { SentinelLevel, SentinelRule } from "./acl/rules/types";
export { CoverageRow, CoverageStatus } from "./audit/coverage";

export { GossipKeyringRotation, GossipKeyringRotationArgs } from "./gossip/live/gossipRotation";
export { rotateKeyring, rotationTarget, listKeyring, RotationError, RotationTarget, RotationOptions, KeyringPool, NamedKey } from "./gossip/live/rotate";
export { CaGeneration, CaRolloverPlan, CaRolloverStage, planCaRollover, trustTransitionProblem } from "./tls/rollover/plan";

// Last: when Pulumi runs this package as a component provider plugin, serve it (see plugin/host.ts).
import { serveWhenRunAsPlugin } from "./plugin/host";
serveWhenRunAsPlugin(module);
