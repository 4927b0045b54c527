/**
 * No secret in any message: options holding known secrets (gossip keys, tokens, SecretIDs, seeds,
 * private keys) that are wrong in some other way are refused — and neither the error message nor
 * its problem list holds the secret in any encoding, nor its first six characters.
 */
import { strict as assert } from "node:assert";
import { generateKeyPairSync } from "node:crypto";
import { HardenedCluster } from "../../src/cluster/hardenedCluster";
import { HardenedClusterArgs } from "../../src/cluster/options";
import { AclSystem } from "../../src/acl/aclSystem";
import { AclSystemArgs } from "../../src/acl/options";
import { secretForms } from "../../src/testing";
import { emulation } from "../support/emulation";

const GOSSIP_20 = Buffer.alloc(20, 0x4b).toString("base64"); // wrong length: 20 bytes
const TOKEN = "Zq8wXyTokenThatIsNotAUuid-9f8e7d6c5b";
const SEED = "c2VlZHNlZWRzZWVkc2VlZA"; // not 32 bytes
const KEY_PEM = generateKeyPairSync("ec", { namedCurve: "prime256v1" }).privateKey.export({ type: "sec1", format: "pem" }) as string;
const PLANTED = [GOSSIP_20, TOKEN, SEED, KEY_PEM];

/** The secret in any encoding or as a six-character prefix, in the text. */
function leaked(text: string): string[] {
    // A PEM key's header and its first base64 characters are the same for every key of its kind.
    const prefixes = (s: string) => (s.includes("-----BEGIN") ? [] : [s.slice(0, 6)]);
    return PLANTED.filter((s) => [...secretForms(s), ...prefixes(s)].some((f) => text.includes(f)));
}

function refusal(f: () => unknown): string {
    try {
        f();
    } catch (e) {
        return `${(e as Error).message}\n${JSON.stringify((e as { problems?: unknown }).problems ?? [])}`;
    }
    assert.fail("was not refused");
}

describe("no secret in any error message of the library", () => {
    before(() => emulation());
    const base: HardenedClusterArgs = { datacenter: "dc1" };
    const clusters: [string, HardenedClusterArgs][] = [
        ["a gossip key of the wrong length", { ...base, gossip: { generations: [{ name: "g1", primary: true, key: GOSSIP_20 }] } }],
        ["a replication token that is no SecretID", { ...base, federation: { primaryDatacenter: "dc0", replicationToken: TOKEN, gossipKeys: { g1: GOSSIP_20 } } }],
        ["a secret seed that is no 32-byte key", { ...base, secretSeed: SEED }],
        ["a CA key without its certificate", { ...base, ca: { existing: { certPem: "not a certificate", privateKeyPem: KEY_PEM } } }],
        ["the gossip key in an override", { ...base, overrides: { server: { encrypt: GOSSIP_20 } } }],
        ["an agent token in an override", { ...base, overrides: { client: { acl: { tokens: { agent: TOKEN } } } } }],
        ["a token in an override of the wrong type", { ...base, overrides: { server: { acl: { tokens: [TOKEN] } } } }],
    ];
    for (const [label, args] of clusters)
        it(`HardenedCluster: ${label}`, () => {
            const message = refusal(() => new HardenedCluster("leak", args));
            assert.deepEqual(leaked(message), [], message);
        });

    const connection = { address: "127.0.0.1:8501", caPem: "ca", certPem: "cert", keyPem: KEY_PEM, token: TOKEN };
    const acls: [string, AclSystemArgs][] = [
        ["an agent SecretID that is no UUID", { datacenter: "dc1", connection, agents: [{ nodeName: "web-1", secretId: TOKEN }] }],
        ["a plaintext connection carrying the token and key", { datacenter: "dc1", connection: { ...connection, address: "http://10.0.0.1:8500" }, agents: [{ nodeName: "web-1" }] }],
        ["a secret seed that is no 32-byte key", { datacenter: "dc1", connection, agents: [{ nodeName: "web-1" }], secretSeed: SEED }],
    ];
    for (const [label, args] of acls)
        it(`AclSystem: ${label}`, () => {
            const message = refusal(() => new AclSystem("leak", args));
            assert.deepEqual(leaked(message), [], message);
        });
});
