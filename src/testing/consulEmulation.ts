/**
 * Emulates the Consul ACL objects that @pulumi/consul and this library's dynamic resources create,
 * with Consul's own checks where a mistake would otherwise pass a mocked test: rules must parse
 * with HashiCorp's HCL parser, roles and tokens may only name policies and roles that exist,
 * SecretIDs must be UUIDs and unique, names unique. It keeps the ACL state for assertions.
 */
import { randomUUID } from "node:crypto";
import { parseHcl } from "../hcl/parse";
import { AclTokenInputs } from "../acl/dynamic/aclToken";
import { durationMs } from "../acl/plan";
import { parseRules } from "../acl/rules/parse";
import { namespacedPolicyProblems } from "../acl/rules/namespaced";

type State = Record<string, any>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Consul 1.16 acl/validation.go: `validNodeIdentityName`, `validPolicyName`, `validRoleName`. */
const NODE_IDENTITY_NAME = /^[a-z0-9]([a-z0-9\-_]*[a-z0-9])?$/;
const POLICY_NAME = /^[A-Za-z0-9\-_]+\/?[A-Za-z0-9\-_]*$/;
const ROLE_NAME = /^[A-Za-z0-9\-_]{1,256}$/;
const BUILTIN_POLICIES = new Set(["global-management", "builtin/global-read-only"]);
const ANONYMOUS = "00000000-0000-0000-0000-000000000002";

/** A token as the emulated Consul holds it: the dynamic resource's fields, without the connection. */
export type EmulatedToken = Omit<AclTokenInputs, "connection"> & {
    accessorId: string;
    via: "consul.AclToken" | "dynamic";
};

export class ConsulEmulation {
    readonly policies = new Map<string, State>();
    readonly roles = new Map<string, State>();
    readonly tokens = new Map<string, EmulatedToken>();
    readonly namespaces = new Set<string>();
    readonly anonymousPolicies: string[] = [];
    readonly namespaceDefaults = new Map<string, string[]>();
    bootstrapped = false;

    /** Emulators by resource type token, for ProviderEmulation. */
    readonly resources: Record<string, (inputs: State) => State> = {
        "pulumi:providers:consul": (i) => this.provider(i),
        "consul:index/namespace:Namespace": (i) => {
            // Enterprise: a namespace's default policies come from the default namespace
            // (`consul namespace create -default-policy-name`: "a policy from the default namespace").
            for (const p of i.policyDefaults ?? []) {
                this.requirePolicy(p, `namespace ${i.name} defaults`);
                if (this.policies.get(p)?.namespace) throw new Error(`consul emulation: namespace ${i.name}: default policy ${p} is not in the default namespace`);
            }
            this.namespaces.add(i.name);
            if (i.policyDefaults?.length) this.namespaceDefaults.set(i.name, [...i.policyDefaults]);
            return i;
        },
        "consul:index/aclPolicy:AclPolicy": (i) => this.policy(i),
        "consul:index/aclRole:AclRole": (i) => this.role(i),
        "consul:index/aclToken:AclToken": (i) => this.token(i, "consul.AclToken"),
        "consul:index/aclTokenPolicyAttachment:AclTokenPolicyAttachment": (i) => this.attach(i),
        "consul:index/namespacePolicyAttachment:NamespacePolicyAttachment": (i) => {
            if (!this.namespaces.has(i.namespace)) throw new Error(`consul emulation: namespace ${i.namespace} does not exist`);
            this.requirePolicy(i.policy, `namespace ${i.namespace} defaults`);
            this.namespaceDefaults.set(i.namespace, [...(this.namespaceDefaults.get(i.namespace) ?? []), i.policy]);
            return i;
        },
        "pulumi-nodejs:dynamic/consul-hardened:AclToken": (i) => this.token(i, "dynamic"),
        "pulumi-nodejs:dynamic/consul-hardened:AclBootstrap": (i) => this.bootstrap(i),
    };

    /** Emulated provider functions by token. */
    readonly calls: Record<string, (inputs: State) => State> = {
        "consul:index/getAclTokenSecretId:getAclTokenSecretId": (i) => {
            const t = this.tokens.get(i.accessorId);
            if (!t) throw new Error(`consul emulation: ACL token ${i.accessorId} not found`);
            return { accessorId: t.accessorId, secretId: t.secretId, id: t.accessorId, encryptedSecretId: "" };
        },
    };

    private provider(i: State): State {
        if (i.scheme !== "https") throw new Error(`consul emulation: provider scheme ${i.scheme}; the cluster serves HTTPS only`);
        for (const k of ["address", "caPem", "certPem", "keyPem"]) if (!i[k]) throw new Error(`consul emulation: provider without ${k}`);
        return i;
    }

    private policy(i: State): State {
        // acl.ValidatePolicyName
        const name = String(i.name);
        if (name.length > 128 || !POLICY_NAME.test(name) || name.startsWith("builtin/"))
            throw new Error("consul emulation: Invalid Policy: invalid Name. Only alphanumeric characters, a single '/', '-' and '_' are allowed");
        parseHcl(String(i.rules)); // Consul parses rules on write and refuses bad HCL
        if (i.namespace && i.namespace !== "default") {
            if (!this.namespaces.has(i.namespace)) throw new Error(`consul emulation: namespace ${i.namespace} does not exist`);
            const refused = namespacedPolicyProblems(parseRules(String(i.rules)).rules);
            if (refused.length) throw new Error(`consul emulation: policy ${name} in namespace ${i.namespace}: ${refused.map((r) => r.message).join("; ")}`);
        }
        if (this.policies.has(i.name)) throw new Error(`consul emulation: policy ${i.name} already exists`);
        const id = randomUUID();
        this.policies.set(i.name, { ...i, id });
        return { ...i, id };
    }

    private role(i: State): State {
        if (!ROLE_NAME.test(String(i.name))) throw new Error("consul emulation: Invalid Role: invalid Name. Only alphanumeric characters, '-' and '_' are allowed");
        for (const p of i.policies ?? []) this.requirePolicy(p, `role ${i.name}`);
        if (this.roles.has(i.name)) throw new Error(`consul emulation: role ${i.name} already exists`);
        const id = randomUUID();
        this.roles.set(i.name, { ...i, id });
        return { ...i, id };
    }

    private token(i: State, via: EmulatedToken["via"]): State {
        for (const p of i.policies ?? []) this.requirePolicy(p, `token ${i.description}`);
        for (const r of i.roles ?? []) if (!this.roles.has(r)) throw new Error(`consul emulation: token ${i.description} names unknown role ${r}`);
        // auth/token_writer.go (normalizeNodeIdentities, Create): Consul's own refusals.
        for (const n of i.nodeIdentities ?? [])
            if (!NODE_IDENTITY_NAME.test(n.nodeName ?? n.NodeName ?? "")) throw new Error("consul emulation: Node identity has an invalid name. Only lowercase alphanumeric characters, '-' and '_' are allowed");
        if (i.expirationTtl !== undefined) {
            const ms = durationMs(String(i.expirationTtl));
            if (ms === undefined) throw new Error(`consul emulation: invalid duration ${String(i.expirationTtl)}`);
            // 0 means "never expires" to Consul; below token_min_expiration_ttl (1m) is refused.
            if (ms > 0 && ms < 60_000) throw new Error(`consul emulation: ExpirationTime cannot be less than 1m0s in the future (was ${String(i.expirationTtl)})`);
        }
        const accessorId = i.accessorId ?? randomUUID();
        const secretId = i.secretId ?? randomUUID();
        if (!UUID.test(secretId)) throw new Error("consul emulation: SecretID must be a UUID");
        for (const t of this.tokens.values())
            if (t.secretId === secretId || t.accessorId === accessorId) throw new Error("consul emulation: token ID already in use");
        this.tokens.set(accessorId, {
            accessorId,
            secretId,
            description: i.description ?? "",
            policies: i.policies ?? [],
            roles: i.roles ?? [],
            nodeIdentities: i.nodeIdentities ?? [],
            ...(i.expirationTtl ? { expirationTtl: i.expirationTtl } : {}),
            ...(i.namespace ? { namespace: i.namespace } : {}),
            via,
        });
        // consul.AclToken keeps no SecretID in its state (terraform-provider-consul
        // `resource_consul_acl_token.go` has no secret_id attribute: read it with
        // getAclTokenSecretId, an invoke, which is not stored); the dynamic resource does, as a secret.
        return via === "dynamic" ? { ...i, accessorId, secretId } : { ...i, accessorId };
    }

    private attach(i: State): State {
        if (i.tokenId !== ANONYMOUS) throw new Error(`consul emulation: attachment to unexpected token ${i.tokenId}`);
        this.requirePolicy(i.policy, "anonymous token");
        this.anonymousPolicies.push(i.policy);
        return i;
    }

    private bootstrap(i: State): State {
        if (this.bootstrapped) throw new Error("ACL bootstrap no longer allowed (reset index: 1)");
        this.bootstrapped = true;
        const accessorId = randomUUID();
        return { ...i, accessorId, secretId: randomUUID() };
    }

    private requirePolicy(name: string, who: string): void {
        if (!this.policies.has(name) && !BUILTIN_POLICIES.has(name)) throw new Error(`consul emulation: ${who} names unknown policy ${name}`);
    }
}
