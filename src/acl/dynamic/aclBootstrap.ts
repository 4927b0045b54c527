import * as pulumi from "@pulumi/pulumi";
import { apiError, ApiConnection, consulRequest, ApiConnectionArgs } from "./consulHttp";

/**
 * Bootstraps ACLs on a running cluster that was not pre-seeded (`PUT /v1/acl/bootstrap` over
 * mTLS) and keeps the management token as a Pulumi secret — what Terraform's provider declined to
 * do because its state is plaintext.
 */
export interface AclBootstrapInputs {
    /** No token needed: bootstrap is the one call that works without one. */
    connection: Omit<ApiConnection, "token">;
}

export const aclBootstrapProvider: pulumi.dynamic.ResourceProvider = {
    async create(inputs: AclBootstrapInputs) {
        const res = await consulRequest(inputs.connection, "PUT", "/v1/acl/bootstrap");
        if (res.status === 403 && /bootstrap no longer allowed/i.test(res.text)) {
            const index = /reset index: (\d+)/.exec(res.text)?.[1];
            throw new Error(
                `Consul at ${inputs.connection.address} is already bootstrapped${index ? ` (reset index ${index})` : ""}. ` +
                    "Adopt the existing management token instead of bootstrapping: store it as a secret " +
                    "(`pulumi config set --secret consulManagementToken <token>`) and pass it as `connection.token` to AclSystem, removing AclBootstrap. " +
                    (index
                        ? `If that token is lost, reset: write ${index} to <data_dir>/acl-bootstrap-reset on the leader, then run \`pulumi up\` again.`
                        : "If that token is lost, follow Consul's ACL bootstrap reset procedure, then run `pulumi up` again."),
            );
        }
        if (res.status !== 200) throw apiError("bootstrapping ACLs", res);
        return { id: res.body.AccessorID, outs: { ...inputs, accessorId: res.body.AccessorID, secretId: res.body.SecretID } };
    },
    async diff(_id: string, olds: AclBootstrapInputs, news: AclBootstrapInputs) {
        // A new address or certificate reaches the same cluster: never bootstrap twice.
        return { changes: JSON.stringify(olds.connection) !== JSON.stringify(news.connection), replaces: [] };
    },
    async update(_id: string, olds: { accessorId: string; secretId: string }, news: AclBootstrapInputs) {
        return { outs: { ...news, accessorId: olds.accessorId, secretId: olds.secretId } };
    },
    async delete() {
        // ACLs cannot be un-bootstrapped; the management token stays valid in Consul.
    },
};

export class AclBootstrap extends pulumi.dynamic.Resource {
    declare readonly accessorId: pulumi.Output<string>;
    /** The initial management token (secret). */
    declare readonly secretId: pulumi.Output<string>;

    constructor(name: string, args: { connection: pulumi.Input<Omit<ApiConnectionArgs, "token">> }, opts?: pulumi.CustomResourceOptions) {
        super(
            aclBootstrapProvider,
            name,
            { connection: pulumi.secret(args.connection), accessorId: undefined, secretId: undefined },
            { ...opts, additionalSecretOutputs: ["secretId", "connection"] },
            "consul-hardened",
            "AclBootstrap",
        );
    }
}
