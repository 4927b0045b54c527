import * as pulumi from "@pulumi/pulumi";
import { TrustState, trustTransitionProblem } from "./plan";

/**
 * The memory of a rollover: which CA generations the last deployment trusted and which one signed.
 * Components cannot read their previous state; a resource can — the engine hands its provider the
 * old inputs in `check` — so this one refuses a transition that skips a stage
 * (`trustTransitionProblem`) at `pulumi preview` and `up`, and every CA and certificate of the
 * cluster depends on it, so nothing changes when it refuses. It talks to nothing.
 */
export const trustGuardProvider: pulumi.dynamic.ResourceProvider = {
    async check(olds: Partial<TrustState>, news: TrustState) {
        // `olds` is empty on create. The engine runs check before diff, at preview too (Check in
        // pkg/resource/deploy/step_generator.go, generateSteps).
        const before = Array.isArray(olds?.trusted) && typeof olds.signing === "string" ? { trusted: olds.trusted, signing: olds.signing } : undefined;
        const problem = trustTransitionProblem(before, news);
        return problem ? { inputs: news, failures: [{ property: "signing", reason: problem }] } : { inputs: news };
    },
    async create(inputs: TrustState) {
        return { id: "trust", outs: inputs };
    },
    async diff(_id: string, olds: TrustState, news: TrustState) {
        const changes = JSON.stringify(olds.trusted) !== JSON.stringify(news.trusted) || olds.signing !== news.signing;
        return { changes, replaces: [], deleteBeforeReplace: false };
    },
    async update(_id: string, _olds: TrustState, news: TrustState) {
        return { outs: news };
    },
};

/** The rollover guard of one cluster (see `trustGuardProvider`). */
export class CaTrustGuard extends pulumi.dynamic.Resource {
    declare readonly trusted: pulumi.Output<string[]>;
    declare readonly signing: pulumi.Output<string>;

    constructor(name: string, state: TrustState, opts?: pulumi.CustomResourceOptions) {
        super(trustGuardProvider, name, { ...state }, opts, "consul-hardened", "CaTrustGuard");
    }
}
