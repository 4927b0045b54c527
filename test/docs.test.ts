import { strict as assert } from "node:assert";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { optionsMarkdown, withOptionsSection } from "../scripts/optionsDoc";

describe("README", () => {
    const readme = readFileSync("README.md", "utf8");

    it("has exactly the two set-up commands", () => {
        assert.ok(readme.includes("npm ci && npm run demo"));
        assert.ok(readme.includes("npm ci && npm test"));
    });

    it("option reference (docs/options.md) is in sync with src/cluster/options.ts and src/acl/options.ts (run `npm run options-doc`)", () => {
        const reference = readFileSync("docs/options.md", "utf8");
        assert.equal(reference, withOptionsSection(reference));
    });

    it("is short (guides are in docs/), and every relative link resolves", () => {
        assert.ok(readme.split("\n").length <= 300, `${readme.split("\n").length} lines`);
        for (const file of ["README.md", ...readdirSync("docs").filter((f) => f.endsWith(".md")).map((f) => join("docs", f))]) {
            for (const m of readFileSync(file, "utf8").matchAll(/\]\(([^)\s]+)\)/g)) {
                const target = m[1].split("#")[0];
                if (!target || /^(https?|mailto):/.test(m[1])) continue;
                assert.ok(existsSync(join(dirname(file), target)), `${file}: ${m[1]} resolves nowhere`);
            }
        }
    });

    it("the generated reference documents every HardenedCluster and insecure option", () => {
        const md = optionsMarkdown();
        for (const option of ["datacenter (required)", "servers", "minVersion", "replicationToken", "primaryDatacenter", "overrides", "allowTls12", "clientApiAddress", "connection (required)", "breakGlass", "tokenTtl", "kvSentinel"])
            assert.ok(md.includes(`\`${option}\``), option);
        assert.ok(md.includes("| `servers` | `number` | 3 |"), "defaults come from @default");
    });
});
