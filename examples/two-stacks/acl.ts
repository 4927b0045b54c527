// Stack 2 of 2 (program of the "consul-acl" project): the ACL layer, reading the cluster stack's
// outputs. Node names stay plain values so `pulumi preview` knows every token it will create.
import * as pulumi from "@pulumi/pulumi";
import { AclSystem } from "../../src";

const ref = new pulumi.StackReference("consul-cluster-ref", { name: `organization/consul-cluster/${pulumi.getStack()}` });
const output = (name: string) => ref.requireOutput(name) as pulumi.Output<string>;
const agentTokens = ref.requireOutput("agentTokens") as pulumi.Output<Record<string, string>>;
const nodeNames = ["consul-server-1", "consul-server-2", "consul-server-3", "app-1"];

const acl = new AclSystem("acl", {
    datacenter: "dc1",
    connection: {
        address: output("consulAddress"),
        caPem: output("caCertPem"),
        certPem: output("cliCertPem"),
        keyPem: output("cliKeyPem"),
        token: output("bootstrapToken"),
    },
    agents: nodeNames.map((nodeName) => ({ nodeName, secretId: agentTokens.apply((t) => t[nodeName]) })),
    operators: [{ name: "billing", prefix: "billing" }],
});

export const aclPlan = acl.plan;
