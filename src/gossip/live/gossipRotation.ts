import * as pulumi from "@pulumi/pulumi";
import { ApiConnection } from "../../acl/dynamic/consulHttp";
import { RotationPlan } from "../rotation";
import { rotateKeyring, rotationTarget, RotationTarget } from "./rotate";

interface RotationInputs {
    connection: ApiConnection;
    target: RotationTarget;
}

/**
 * Carries out the keyring's rotation plan on `pulumi up`: create and every change of the target
 * run `rotateKeyring` (install → verify → use → verify → remove → verify); an interrupted run
 * fails the update, and the next `up` resumes where it stopped. Deleting it leaves the keyring.
 */
export const gossipRotationProvider: pulumi.dynamic.ResourceProvider = {
    async create(inputs: RotationInputs) {
        await rotateKeyring(inputs.connection, inputs.target);
        return { id: "keyring", outs: inputs };
    },
    async diff(_id: string, olds: RotationInputs, news: RotationInputs) {
        // Only the target decides; a rotated connection (new CLI certificate) is no reason to run.
        return { changes: JSON.stringify(olds.target) !== JSON.stringify(news.target), replaces: [], deleteBeforeReplace: false };
    },
    async update(_id: string, _olds: RotationInputs, news: RotationInputs) {
        await rotateKeyring(news.connection, news.target);
        return { outs: news };
    },
};

export interface GossipKeyringRotationArgs {
    /** How to reach a server's HTTPS API with a token holding keyring = "write" (the management token has it). */
    connection: pulumi.Input<{ address: pulumi.Input<string>; caPem: pulumi.Input<string>; certPem: pulumi.Input<string>; keyPem: pulumi.Input<string>; token: pulumi.Input<string> }>;
    /** Every generation's key by name (`HardenedCluster.gossipKeys`, secret). */
    keys: pulumi.Input<Record<string, string>>;
    /** The staged plan (`HardenedCluster.gossipRotationPlan`). */
    plan: RotationPlan;
}

/**
 * The gossip keyring of a running cluster brought to the plan: every live generation installed on
 * every member, the primary in use, retired keys removed — each stage verified on every member of
 * every pool (WAN and every datacenter's LAN) before the next. With federation, one resource on
 * the primary datacenter covers all datacenters.
 *
 * ```ts
 * new GossipKeyringRotation("gossip-rotation", {
 *     connection: { ...cluster.providerArgs, token: cluster.bootstrapToken! },
 *     keys: cluster.gossipKeys,
 *     plan: cluster.gossipRotationPlan,
 * });
 * ```
 */
export class GossipKeyringRotation extends pulumi.dynamic.Resource {
    constructor(name: string, args: GossipKeyringRotationArgs, opts?: pulumi.CustomResourceOptions) {
        const connection = pulumi.output(args.connection).apply((c) => ({ address: c.address, caPem: c.caPem, certPem: c.certPem, keyPem: c.keyPem, token: c.token }));
        const target = pulumi.output(args.keys).apply((keys) => rotationTarget(keys, args.plan));
        super(
            gossipRotationProvider,
            name,
            { connection: pulumi.secret(connection), target: pulumi.secret(target) },
            { ...opts, additionalSecretOutputs: ["connection", "target"] },
            "consul-hardened",
            "GossipKeyringRotation",
        );
    }
}
