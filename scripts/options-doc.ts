import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { withOptionsSection } from "./optionsDoc";

const readmePath = join(__dirname, "..", "README.md");
writeFileSync(readmePath, withOptionsSection(readFileSync(readmePath, "utf8")));
console.log("README.md option reference updated from src/cluster/options.ts and src/acl/options.ts");
