import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { withOptionsSection } from "./optionsDoc";

const readmePath = join(__dirname, "..", "docs", "options.md");
writeFileSync(readmePath, withOptionsSection(readFileSync(readmePath, "utf8")));
console.log("docs/options.md updated from src/cluster/options.ts and src/acl/options.ts");
