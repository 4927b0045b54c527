// The CrossGuard pack as the package ships it: `pulumi preview --policy-pack
// node_modules/consul-hardened/policy-pack` in a project that has @pulumi/policy installed.
// The policies are the package's own (`consul-hardened/policy`).
const { PolicyPack } = require("@pulumi/policy");
const { consulHardenedPolicies } = require("consul-hardened/policy");

new PolicyPack("consul-hardened", { policies: consulHardenedPolicies });
