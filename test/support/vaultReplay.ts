/**
 * Replays the Vault resources a program registered under the emulation against a real Vault, with
 * the API calls terraform-provider-vault makes for each (vault/ in the provider's source):
 *   Mount                   POST sys/mounts/<path>                       (resource_mount.go, createMount)
 *   SecretBackendRootCert   POST <backend>/root/generate/<type>          (resource_pki_secret_backend_root_cert.go; Vault 1.14 also
 *                                                                          answers issuers/generate/root/<type>, the provider's path from 1.11)
 *   AuthBackend             POST sys/auth/<path>                         (resource_auth_backend.go, authBackendWrite)
 *   SecretBackendRole       POST <backend>/roles/<name>                  (resource_pki_secret_backend_role.go, pkiSecretBackendRoleCreate)
 *   Policy                  PUT  sys/policies/acl/<name>                 (resource_policy.go, policyWrite: Sys().PutPolicy)
 *   AuthBackendRole         POST auth/<backend>/role/<role_name>, then GET …/role-id
 *                                                                        (resource_approle_auth_backend_role.go, Create and Read)
 *   AuthBackendRoleSecretId POST auth/<backend>/role/<role_name>/secret-id
 *                                                                        (resource_approle_auth_backend_role_secret_id.go, Create)
 *   SecretBackendCert       POST <backend>/issue/<name>                  (resource_pki_secret_backend_cert.go, Create)
 *   kubernetes AuthBackendConfig  POST auth/<backend>/config            (resource_kubernetes_auth_backend_config.go, Create)
 *   kubernetes AuthBackendRole    POST auth/<backend>/role/<role_name>  (resource_kubernetes_auth_backend_role.go, Create)
 * Inputs go as the provider's schema names them (snake_case of the SDK's camelCase). So the e2e runs
 * Vault configured by exactly the library's resources, without the provider plugin (not buildable here).
 */
import { RecordedResource } from "../../src/testing/providers";

export interface VaultApi {
    address: string;
    token: string;
}

export async function vaultRequest(v: VaultApi, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
    const r = await fetch(`${v.address}/v1/${path}`, { method, headers: { "X-Vault-Token": v.token, "Content-Type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await r.text();
    return { status: r.status, body: text ? JSON.parse(text) : undefined };
}

async function must(v: VaultApi, method: string, path: string, body?: unknown): Promise<any> {
    const r = await vaultRequest(v, method, path, body);
    if (r.status >= 300) throw new Error(`vault ${method} ${path}: ${r.status} ${JSON.stringify(r.body?.errors ?? r.body)}`);
    return r.body;
}

const snake = (k: string) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
function snakeKeys(o: Record<string, unknown>, omit: string[]): Record<string, unknown> {
    return Object.fromEntries(Object.entries(o).filter(([k, v]) => !omit.includes(k) && v !== undefined).map(([k, v]) => [snake(k), v]));
}

/** What Vault answered, by resource name: the real role IDs, secret IDs and CA. */
export type ReplayOutputs = Record<string, Record<string, string>>;

/** Applies every Vault resource in registration order; returns the real outputs by resource name. */
export async function replayVaultResources(v: VaultApi, resources: RecordedResource[]): Promise<ReplayOutputs> {
    const out: ReplayOutputs = {};
    for (const r of resources) {
        const i = r.inputs as Record<string, any>;
        switch (r.type) {
            case "vault:index/mount:Mount":
                await must(v, "POST", `sys/mounts/${i.path}`, {
                    type: i.type,
                    description: i.description,
                    config: { max_lease_ttl: `${i.maxLeaseTtlSeconds}s`, default_lease_ttl: `${i.defaultLeaseTtlSeconds}s` },
                });
                break;
            case "vault:pkiSecret/secretBackendRootCert:SecretBackendRootCert": {
                const body = await must(v, "POST", `${i.backend}/issuers/generate/root/${i.type}`, snakeKeys(i, ["backend", "type"]));
                out[r.name] = { certificate: body.data.certificate, issuerId: body.data.issuer_id };
                break;
            }
            case "vault:index/authBackend:AuthBackend":
                await must(v, "POST", `sys/auth/${i.path}`, { type: i.type, description: i.description });
                break;
            case "vault:pkiSecret/secretBackendRole:SecretBackendRole":
                await must(v, "POST", `${i.backend}/roles/${i.name}`, snakeKeys(i, ["backend", "name"]));
                break;
            case "vault:index/policy:Policy":
                await must(v, "PUT", `sys/policies/acl/${i.name}`, { policy: i.policy });
                break;
            case "vault:appRole/authBackendRole:AuthBackendRole": {
                await must(v, "POST", `auth/${i.backend}/role/${i.roleName}`, snakeKeys(i, ["backend", "roleName"]));
                const body = await must(v, "GET", `auth/${i.backend}/role/${i.roleName}/role-id`);
                out[r.name] = { roleId: body.data.role_id };
                break;
            }
            case "vault:pkiSecret/secretBackendCert:SecretBackendCert": {
                const body = await must(v, "POST", `${i.backend}/issue/${i.name}`, { common_name: i.commonName, ttl: i.ttl });
                out[r.name] = { certificate: body.data.certificate, privateKey: body.data.private_key };
                break;
            }
            case "vault:kubernetes/authBackendConfig:AuthBackendConfig":
                await must(v, "POST", `auth/${i.backend}/config`, snakeKeys(i, ["backend"]));
                break;
            case "vault:kubernetes/authBackendRole:AuthBackendRole":
                await must(v, "POST", `auth/${i.backend}/role/${i.roleName}`, snakeKeys(i, ["backend", "roleName"]));
                break;
            case "vault:appRole/authBackendRoleSecretId:AuthBackendRoleSecretId": {
                const body = await must(v, "POST", `auth/${i.backend}/role/${i.roleName}/secret-id`, {});
                out[r.name] = { secretId: body.data.secret_id, accessor: body.data.secret_id_accessor, roleName: i.roleName };
                break;
            }
            default:
                if (r.type.startsWith("vault:")) throw new Error(`vault replay: ${r.type} is not replayed`);
        }
    }
    return out;
}
