#!/usr/bin/env node
// The package's command: runs the compiled CLI (dist/, built by `npm run build`, which `prepare`
// runs on every install from git or a clone).
const path = require("path");
const built = path.join(__dirname, "..", "dist", "cli", "main.js");
let cli;
try {
    cli = require(built);
} catch (e) {
    if (e && e.code === "MODULE_NOT_FOUND" && e.message.includes(built)) {
        console.error(`consul-hardened: ${built} is missing — run \`npm run build\` in ${path.join(__dirname, "..")}`);
        process.exit(2);
    }
    throw e;
}
// A number, or a promise of one for the commands that talk to a cluster (rotate-gossip). An error
// nobody foresaw is still one line, not a stack trace (CONSUL_HARDENED_DEBUG=1 shows the stack).
Promise.resolve()
    .then(() => cli.run(process.argv.slice(2)))
    .then(
        (code) => {
            process.exitCode = code;
        },
        (e) => {
            console.error(`consul-hardened: unexpected error: ${e && e.message ? e.message.split("\n")[0] : String(e)}`);
            if (process.env.CONSUL_HARDENED_DEBUG) console.error(e);
            process.exitCode = 2;
        },
    );
