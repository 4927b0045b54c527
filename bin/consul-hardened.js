#!/usr/bin/env node
// The package's command. In a clone it runs the TypeScript sources through ts-node (installed by
// `npm ci`); a built package runs dist/ instead.
const path = require("path");
const fs = require("fs");
const built = path.join(__dirname, "..", "dist", "src", "cli", "main.js");
let cli;
if (fs.existsSync(built)) cli = require(built);
else {
    require("ts-node").register({ transpileOnly: true, project: path.join(__dirname, "..", "tsconfig.json") });
    cli = require("../src/cli/main.ts");
}
process.exitCode = cli.run(process.argv.slice(2));
