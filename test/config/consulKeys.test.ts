import { strict as assert } from "node:assert";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { invalidConsulKeys } from "../../src/config/consulKeys";

const FIXTURES = join(__dirname, "..", "fixtures", "differential");

/**
 * Cases where the audit once said otherwise than `consul validate` of Consul 1.16.3; each file
 * holds what Consul refused (recorded from its own output, re-checked against the binary by the
 * end-to-end differential test).
 */
describe("Consul's key table: the cases the differential test caught", () => {
    for (const f of readdirSync(FIXTURES).filter((f) => f.endsWith(".json"))) {
        const kept = JSON.parse(readFileSync(join(FIXTURES, f), "utf8"));
        it(`${kept.case ?? `seed ${kept.seed}`}: refuses exactly ${JSON.stringify(kept.consulRefuses)}`, () => {
            assert.deepEqual(invalidConsulKeys(kept.config).sort(), [...kept.consulRefuses].sort());
        });
    }

    it("names Consul does not know at every depth, but not inside free-form blocks", () => {
        assert.deepEqual(invalidConsulKeys({ node_meta: { anything: "x" }, http_config: { response_headers: { "X-Any": "y" } }, tls: { grpc: { use_auto_cert: true } } }), []);
        assert.deepEqual(invalidConsulKeys({ tls: { grpc: { use_auto_certs: true } } }), ["tls.grpc.use_auto_certs"]);
    });
});
