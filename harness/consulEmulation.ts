/**
 * Emulates the Consul ACL objects that @pulumi/consul and this library's dynamic resources create,
 * with Consul's own checks where a mistake would otherwise pass a mocked test: rules must parse
 * with HashiCorp's HCL parser, roles and tokens may only name policies and roles that exist,
 * SecretIDs must be UUIDs and unique, names unique. It keeps the ACL state for assertions.
 */
import { randomUUID } from "node:crypto";
import { parseHcl } from "../src/hcl/parse";
import { AclTokenInputs } from "../src/acl/dynamic/aclToken";

type State = Record<string, any>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
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
            this.namespaces.add(i.name);
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
        parseHcl(String(i.rules)); // Consul parses rules on write and refuses bad HCL
        if (this.policies.has(i.name)) throw new Error(`consul emulation: policy ${i.name} already exists`);
        const id = randomUUID();
        this.policies.set(i.name, { ...i, id });
        return { ...i, id };
    }

    private role(i: State): State {
        for (const p of i.policies ?? []) this.requirePolicy(p, `role ${i.name}`);
        if (this.roles.has(i.name)) throw new Error(`consul emulation: role ${i.name} already exists`);
        const id = randomUUID();
        this.roles.set(i.name, { ...i, id });
        return { ...i, id };
    }

    private token(i: State, via: EmulatedToken["via"]): State {
        for (const p of i.policies ?? []) this.requirePolicy(p, `token ${i.description}`);
        for (const r of i.roles ?? []) if (!this.roles.has(r)) throw new Error(`consul emulation: token ${i.description} names unknown role ${r}`);
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
