/**
 * The review (plain: in state, in `pulumi preview`, read by the policy pack) never shows a
 * credential an override brings — whatever the case of its key, in a block list too — while the
 * real config (a secret) keeps it.
 */
import { strict as assert } from "node:assert";
import { HardenedCluster } from "../../src/cluster/hardenedCluster";
import { emulation, valueOf } from "../support/emulation";
import { redactSecretValues } from "../../src/config/secretKeys";

const SECRET = "circonus-api-token-0123456789";
const HEADER = "Bearer prometheus-0123456789";

describe("review: credentials an override brings are shown as <secret>", () => {
    beforeEach(async () => (await emulation()).reset());

    it("a Circonus token and a metrics proxy header reach the config, never the review", async () => {
        const cluster = new HardenedCluster("rs", {
            datacenter: "dc1",
            servers: 1,
            overrides: { server: { telemetry: { circonus_api_token: SECRET }, ui_config: { metrics_proxy: { base_url: "http://127.0.0.1:9090", add_headers: [{ name: "Authorization", value: HEADER }] } } } },
        });
        const review = JSON.stringify(cluster.review);
        assert.ok(!review.includes(SECRET) && !review.includes(HEADER), "not in the review");
        assert.match(review, /circonus_api_token.*<secret>/);
        const config = await valueOf(cluster.servers[0].config);
        assert.ok(config.includes(SECRET) && config.includes(HEADER), "the agent still gets them");
    });

    it("matches keys whatever their case, and HCL's block lists", () => {
        const out = redactSecretValues({ Telemetry: [{ CIRCONUS_API_TOKEN: SECRET }], connect: { ca_config: { Token: "t", private_key: "k" } }, acl: { tokens: { agent: "a" } } });
        assert.ok(!JSON.stringify(out).includes(SECRET));
        assert.deepEqual(out.connect.ca_config, { Token: "<secret>", private_key: "<secret>" });
        assert.equal(out.acl.tokens.agent, "<secret>");
    });
});
