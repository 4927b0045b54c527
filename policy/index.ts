// The CrossGuard pack: `pulumi preview --policy-pack ./policy` in a clone. Only the pack is
// constructed here (constructing it starts the policy server); the policies live in
// src/policy (the package's `consul-hardened/policy`, also shipped as `policy-pack/`).
import { PolicyPack } from "@pulumi/policy";
import { consulHardenedPolicies } from "../src/policy";

new PolicyPack("consul-hardened", { policies: consulHardenedPolicies });
