/**
 * Which properties of the inferred schema are secret. Pulumi's schema inference
 * (`Analyzer` in @pulumi/pulumi's provider/experimental) has no notion of secrets, so they are
 * listed here and written into the schema. That matters beyond documentation: an SDK generated
 * from the schema wraps secret inputs in secrets before it registers the component, so a key or
 * token given as a plain string in Python or Go is still encrypted in that program's state.
 *
 * Outputs are secret at run time anyway (the components wrap them); a test constructs each
 * component and holds this table equal to which outputs really are secret.
 */
export interface SecretProperties {
    /** Secret input properties of a component. */
    inputs?: string[];
    /** Secret output properties of a component. */
    outputs?: string[];
}

/** By component name. */
export const SECRET_COMPONENT_PROPERTIES: Record<string, SecretProperties> = {
    HardenedCluster: {
        inputs: ["secretSeed"],
        outputs: ["caPrivateKeyPem", "clientConfig", "clientConfigHcl", "cliKeyPem", "gossipKey", "gossipKeys", "agentTokens", "secretSeed", "bootstrapToken", "files", "dnsToken"],
    },
    CertificateAuthority: { outputs: ["privateKeyPem"] },
    AgentCertificate: { inputs: ["caPrivateKeyPem"], outputs: ["privateKeyPem"] },
    GossipKeyring: { outputs: ["primaryKey", "keys", "commands"] },
    BootstrapSecrets: { inputs: ["seed"], outputs: ["initialManagementToken", "agentTokens", "seed", "dnsToken"] },
    AclSystem: { inputs: ["secretSeed", "dnsToken"], outputs: ["tokens"] },
    VaultPki: { outputs: ["serverCredentials"] },
};

/** By object type name: properties secret wherever the type is used. */
export const SECRET_TYPE_PROPERTIES: Record<string, string[]> = {
    ServerMaterial: ["config", "configHcl", "keyPem"],
    ClientMaterial: ["agentToken", "identityConfig"],
    ConsulProviderArgs: ["keyPem", "token"],
    ConsulConnection: ["keyPem", "token"],
    AgentTokenSpec: ["secretId"],
    ExistingCa: ["privateKeyPem"],
    FederationOptions: ["replicationToken", "gossipKeys"],
    GossipKeyGeneration: ["key"],
    ClusterCliCertificate: ["keyPem"],
    VaultCliCertificate: ["keyPem"],
    VaultKubernetesAuthOptions: ["tokenReviewerJwt"],
};
