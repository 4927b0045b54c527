// A user's Pulumi program, as a new user writes it against the installed package: a cluster, its
// ACL layer, and resources of the user's own that carry the cluster's configs.
import * as pulumi from "@pulumi/pulumi";
import { AclSystem, aclArgsFromCluster, HardenedCluster } from "consul-hardened";

/** The user's own machine resource (their cloud provider's, here a stand-in type). */
class Vm extends pulumi.CustomResource {
    declare readonly privateIp: pulumi.Output<string>;
    constructor(name: string, args: { userData: pulumi.Input<string>; privateIp: string }, opts?: pulumi.CustomResourceOptions) {
        super("acme:index:Vm", name, { ...args }, opts);
    }
}

const ips = ["10.0.1.11", "10.0.1.12", "10.0.1.13"];
export const cluster = new HardenedCluster("prod", { datacenter: "dc1", serverAddresses: ips, clientNodeNames: ["web-1"], adminNetworks: ["10.0.0.0/24"] });
export const vms = cluster.servers.map((s, i) => new Vm(s.nodeName, { userData: s.config, privateIp: ips[i] }));
export const acl = new AclSystem("prod-acl", { ...aclArgsFromCluster(cluster), operators: [{ name: "billing", prefix: "billing" }] });
export const review = cluster.review;
