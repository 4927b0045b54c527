import * as pulumi from "@pulumi/pulumi";
import { aclRequest, apiError, ApiConnection, ApiConnectionArgs } from "./consulHttp";

/**
 * An ACL token whose SecretID this program chooses — what `consul.AclToken` cannot do — so tokens
 * pre-seeded in agent configs (`acl.tokens.agent`) exist in Consul with exactly that secret, and
 * tokens with an expiration TTL (CSM-ACL-09) can be made. Talks to Consul's ACL token API over mTLS.
 */
export interface AclTokenInputs {
    connection: ApiConnection;
    secretId: string;
    description: string;
    policies: string[];
    roles: string[];
    nodeIdentities: { nodeName: string; datacenter: string }[];
    expirationTtl?: string;
    namespace?: string;
    /** Local to the datacenter it is created in (not replicated). */
    local?: boolean;
}

export interface AclTokenOutputs extends AclTokenInputs {
    accessorId: string;
    expirationTime?: string;
}

function body(i: AclTokenInputs, accessorId?: string) {
    return {
        ...(accessorId ? { AccessorID: accessorId } : {}),
        SecretID: i.secretId,
        Description: i.description,
        Policies: i.policies.map((Name) => ({ Name })),
        Roles: i.roles.map((Name) => ({ Name })),
        NodeIdentities: i.nodeIdentities.map((n) => ({ NodeName: n.nodeName, Datacenter: n.datacenter })),
        ...(i.expirationTtl && !accessorId ? { ExpirationTTL: i.expirationTtl } : {}),
        ...(i.namespace ? { Namespace: i.namespace } : {}),
        ...(i.local ? { Local: true } : {}),
    };
}

function nsQuery(i: { namespace?: string }): string {
    return i.namespace ? `?ns=${encodeURIComponent(i.namespace)}` : "";
}

/** The provider; exported so tests can drive it against a fake Consul. */
export const aclTokenProvider: pulumi.dynamic.ResourceProvider = {
    async create(inputs: AclTokenInputs) {
        const res = await aclRequest(inputs.connection, "PUT", `/v1/acl/token${nsQuery(inputs)}`, body(inputs));
        if (res.status !== 200) throw apiError(`creating ACL token "${inputs.description}"`, res);
        const outs: AclTokenOutputs = { ...inputs, accessorId: res.body.AccessorID, ...(res.body.ExpirationTime ? { expirationTime: res.body.ExpirationTime } : {}) };
        return { id: res.body.AccessorID, outs };
    },
    async read(id: string, props: AclTokenOutputs) {
        const res = await aclRequest(props.connection, "GET", `/v1/acl/token/${id}${nsQuery(props)}`);
        // Gone (deleted by hand, or expired): an empty result makes the engine plan a re-create.
        if (res.status === 403 || res.status === 404) return { id: "", props: {} };
        if (res.status !== 200) throw apiError(`reading ACL token ${id}`, res);
        const t = res.body;
        return {
            id,
            props: {
                ...props,
                description: t.Description ?? "",
                policies: (t.Policies ?? []).map((p: { Name: string }) => p.Name),
                roles: (t.Roles ?? []).map((r: { Name: string }) => r.Name),
                nodeIdentities: (t.NodeIdentities ?? []).map((n: { NodeName: string; Datacenter: string }) => ({ nodeName: n.NodeName, datacenter: n.Datacenter })),
            },
        };
    },
    async diff(_id: string, olds: AclTokenOutputs, news: AclTokenInputs) {
        // A new secret or lifetime is a new token: created first, the old one deleted after
        // (CSM-ROT-02: no moment without a valid token).
        // Consul cannot toggle a token's locality: a change is a new token.
        const replaces = (["secretId", "expirationTtl", "namespace", "local"] as const).filter((k) => olds[k] !== news[k]);
        const updates = (["description", "policies", "roles", "nodeIdentities", "connection"] as const).filter((k) => JSON.stringify(olds[k]) !== JSON.stringify(news[k]));
        return { changes: replaces.length + updates.length > 0, replaces: [...replaces], deleteBeforeReplace: false };
    },
    async update(id: string, _olds: AclTokenOutputs, news: AclTokenInputs) {
        const res = await aclRequest(news.connection, "PUT", `/v1/acl/token/${id}${nsQuery(news)}`, body(news, id));
        if (res.status !== 200) throw apiError(`updating ACL token ${id}`, res);
        return { outs: { ...news, accessorId: id, ...(res.body.ExpirationTime ? { expirationTime: res.body.ExpirationTime } : {}) } };
    },
    async delete(id: string, props: AclTokenOutputs) {
        const res = await aclRequest(props.connection, "DELETE", `/v1/acl/token/${id}${nsQuery(props)}`);
        if (res.status !== 200 && res.status !== 404 && !(res.status === 403 && /not found/i.test(res.text)))
            throw apiError(`deleting ACL token ${id}`, res);
    },
};

export interface PreseededAclTokenArgs {
    connection: pulumi.Input<ApiConnectionArgs>;
    secretId: pulumi.Input<string>;
    description: pulumi.Input<string>;
    policies?: pulumi.Input<string[]>;
    roles?: pulumi.Input<string[]>;
    nodeIdentities?: pulumi.Input<{ nodeName: string; datacenter: string }[]>;
    expirationTtl?: pulumi.Input<string>;
    namespace?: pulumi.Input<string>;
    local?: pulumi.Input<boolean>;
}

/** Type token `pulumi-nodejs:dynamic/consul-hardened:AclToken` (policy packs can target it). */
export class PreseededAclToken extends pulumi.dynamic.Resource {
    declare readonly accessorId: pulumi.Output<string>;
    declare readonly secretId: pulumi.Output<string>;

    constructor(name: string, args: PreseededAclTokenArgs, opts?: pulumi.CustomResourceOptions) {
        super(
            aclTokenProvider,
            name,
            {
                policies: [],
                roles: [],
                nodeIdentities: [],
                ...args,
                connection: pulumi.secret(args.connection),
                secretId: pulumi.secret(args.secretId),
                accessorId: undefined,
                expirationTime: undefined,
            },
            { ...opts, additionalSecretOutputs: ["secretId", "connection"] },
            "consul-hardened",
            "AclToken",
        );
    }
}
