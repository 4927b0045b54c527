/**
 * The provider emulation as real provider plugins: `pulumi-resource-tls`, `-random`, `-consul` and `-vault`
 * served over gRPC with `@pulumi/pulumi/provider`, so that the real Pulumi engine (the engine
 * stage, `npm run test:engine`) creates this library's resources with the same emulators the
 * mocks use (`builtInEmulator`), the same ID rules (`providerId`), the same replacement rules
 * (`replacingKeys`) and the tls provider's renewal rule (`dueForRenewal`). One implementation,
 * two front ends: a disagreement between the mocks and the engine is then the engine's doing.
 *
 * Protocol facts (@pulumi/pulumi `provider/server.js`): the server answers Configure with
 * acceptSecrets, so inputs arrive with secrets still wrapped — the real providers see plain values,
 * so they are unwrapped here; `diff` gets the old *outputs*, so computed outputs are left out of
 * the comparison; CheckConfig/DiffConfig are unimplemented, which the engine takes as "inputs as
 * given" (sdk/go/common/resource/plugin/provider_plugin.go, CheckConfig).
 */
import * as pulumi from "@pulumi/pulumi";
import { ConsulEmulation } from "../consulEmulation";
import { VaultEmulation } from "../vaultEmulation";
import { builtInEmulator, dueForRenewal } from "../providers";
import { providerId } from "../state/providerIds";
import { replacingKeys } from "../state/replaceRules";
import { Props, unwrapSecrets } from "../state/wire";

/** The packages served, with the plugin versions the library's package.json pins. */
export const PLUGIN_PACKAGES = ["tls", "random", "consul", "vault"] as const;
export type PluginPackage = (typeof PLUGIN_PACKAGES)[number];

/**
 * Outputs each type computes (not inputs): an old output of these names is no input that went
 * away. From the providers' schemas (the SDK classes' output properties in @pulumi/tls, random).
 */
const COMPUTED: Record<string, string[]> = {
    "tls:index/privateKey:PrivateKey": ["privateKeyPem", "privateKeyPemPkcs8", "publicKeyPem", "privateKeyOpenssh", "publicKeyOpenssh", "publicKeyFingerprintMd5", "publicKeyFingerprintSha256"],
    "tls:index/certRequest:CertRequest": ["certRequestPem", "keyAlgorithm"],
    "tls:index/selfSignedCert:SelfSignedCert": ["certPem", "validityStartTime", "validityEndTime", "readyForRenewal", "keyAlgorithm"],
    "tls:index/locallySignedCert:LocallySignedCert": ["certPem", "validityStartTime", "validityEndTime", "readyForRenewal", "caKeyAlgorithm"],
    "random:index/randomBytes:RandomBytes": ["base64", "hex"],
    "random:index/randomId:RandomId": ["b64Std", "b64Url", "hex", "dec"],
    "random:index/randomUuid:RandomUuid": ["result"],
    "consul:index/aclPolicy:AclPolicy": ["id"],
    "consul:index/aclRole:AclRole": ["id"],
    "consul:index/aclToken:AclToken": [],
    // terraform-provider-vault's computed attributes (vault/resource_*.go, the Computed fields set by Read).
    "vault:index/mount:Mount": ["accessor"],
    "vault:index/authBackend:AuthBackend": ["accessor"],
    "vault:pkiSecret/secretBackendRootCert:SecretBackendRootCert": ["certificate", "issuingCa", "serialNumber", "issuerId", "keyId"],
    "vault:pkiSecret/secretBackendCert:SecretBackendCert": ["certificate", "privateKey", "privateKeyType", "issuingCa", "caChain", "serialNumber", "expiration", "renewPending"],
    "vault:appRole/authBackendRole:AuthBackendRole": ["roleId", "bindSecretId"],
    "vault:appRole/authBackendRoleSecretId:AuthBackendRoleSecretId": ["secretId", "accessor"],
};

/** The resource type of a URN: the last element of its qualified type (`parent$…$type`). */
export function typeOfUrn(urn: string): string {
    const qualified = urn.split("::")[2] ?? "";
    return qualified.split("$").pop() ?? qualified;
}

function plain(value: unknown): Props {
    return (unwrapSecrets(value ?? {}) ?? {}) as Props;
}

/** Inputs whose value differs: every key of the new inputs, and old keys that were inputs. */
export function changedKeys(type: string, oldOutputs: Props, newInputs: Props): string[] {
    const computed = new Set(["id", ...(COMPUTED[type] ?? [])]);
    const keys = new Set([...Object.keys(newInputs), ...Object.keys(oldOutputs).filter((k) => !computed.has(k))]);
    return [...keys].filter((k) => JSON.stringify(oldOutputs[k]) !== JSON.stringify(newInputs[k])).sort();
}

/** The provider one package's plugin serves. */
export function emulatedProvider(pkg: PluginPackage, version: string): pulumi.provider.Provider {
    // One Consul and one Vault per plugin process: the objects of this run (a later `up` starts anew).
    const consul = new ConsulEmulation();
    const vault = new VaultEmulation();
    const emulate = (urn: string, inputs: Props): Promise<Props> => {
        const type = typeOfUrn(urn);
        const emulator = builtInEmulator(type, consul, vault);
        if (!emulator || !type.startsWith(`${pkg}:`)) throw new Error(`pulumi-resource-${pkg} (consul-hardened emulation): resource type ${type} is not emulated`);
        return Promise.resolve(emulator(inputs));
    };
    return {
        version,
        async check(_urn, _olds, news) {
            return { inputs: news };
        },
        async diff(_id, urn, olds, news) {
            const type = typeOfUrn(urn);
            const [oldOutputs, newInputs] = [plain(olds), plain(news)];
            const changed = changedKeys(type, oldOutputs, newInputs);
            if (changed.length === 0) {
                // terraform-provider-tls common_cert.go (modifyPlanIfCertificateReadyForRenewal).
                const renew = dueForRenewal(type, oldOutputs, new Date());
                return renew ? { changes: true, replaces: ["readyForRenewal"] } : { changes: false };
            }
            return { changes: true, replaces: await replacingKeys(type, changed, oldOutputs, newInputs), deleteBeforeReplace: false };
        },
        async create(urn, inputs) {
            const state = await emulate(urn, plain(inputs));
            return { id: providerId(typeOfUrn(urn), state), outs: state };
        },
        async read(id, _urn, props) {
            // The emulated objects live as long as their state: a refresh finds them as they are.
            return { id, props };
        },
        async update(_id, _urn, olds, news) {
            // In place: computed outputs kept, new inputs taken (as ProviderEmulation.apply).
            return { outs: { ...plain(olds), ...plain(news) } };
        },
        async delete() {
            // Nothing outside this process holds the emulated objects.
        },
        async invoke(token, args) {
            const call = pkg === "consul" ? consul.calls[token] : undefined;
            if (!call) throw new Error(`pulumi-resource-${pkg} (consul-hardened emulation): function ${token} is not emulated`);
            return { outputs: call(plain(args)) };
        },
    };
}
