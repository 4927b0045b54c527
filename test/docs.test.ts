import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { optionsMarkdown, withOptionsSection } from "../scripts/optionsDoc";

describe("README", () => {
    const readme = readFileSync("README.md", "utf8");

    it("has exactly the two set-up commands", () => {
        assert.ok(readme.includes("npm ci && npm run demo"));
        assert.ok(readme.includes("npm ci && npm test"));
    });

    it("option reference is in sync with src/cluster/options.ts and src/acl/options.ts (run `npm run options-doc`)", () => {
        assert.equal(readme, withOptionsSection(readme));
    });

    it("the generated reference documents every HardenedCluster and insecure option", () => {
        const md = optionsMarkdown();
        for (const option of ["datacenter (required)", "servers", "minVersion", "replicationToken", "primaryDatacenter", "overrides", "allowTls12", "clientApiAddress", "connection (required)", "breakGlass", "tokenTtl", "kvSentinel"])
            assert.ok(md.includes(`\`${option}\``), option);
        assert.ok(md.includes("| `servers` | `number` | 3 |"), "defaults come from @default");
    });
});
