/**
 * What a user notices in a clone or a tarball: no scratch or debug file is committed, and the
 * package version, the changelog and the install line of the docs agree.
 */
import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

/** Names that mark a file as scratch: debug scripts, editor and merge leftovers, logs. */
const SCRATCH = [/\.tmp(\.|$)/, /(^|\/)dbg[^/]*\.[jt]s$/, /(^|\/)scratch/i, /\.(orig|rej|swp|bak|log)$/, /(^|\/)\.DS_Store$/, /(^|\/)(out|tmp)\.(json|txt|ts)$/];

describe("repository hygiene", () => {
    it("commits no scratch file", function () {
        let files: string[];
        try {
            files = execFileSync("git", ["ls-files"], { encoding: "utf8", cwd: `${__dirname}/..` }).split("\n").filter(Boolean);
        } catch {
            return this.skip(); // not a git checkout (an unpacked tarball)
        }
        assert.ok(files.length > 100, "git ls-files should list the repository");
        assert.deepEqual(files.filter((f) => SCRATCH.some((re) => re.test(f))), []);
    });

    it("the package version has a changelog entry, and the docs install that tag", () => {
        const { version } = JSON.parse(readFileSync(`${__dirname}/../package.json`, "utf8")) as { version: string };
        assert.match(readFileSync(`${__dirname}/../CHANGELOG.md`, "utf8"), new RegExp(`^## ${version.replace(/\./g, "\\.")}$`, "m"));
        assert.match(readFileSync(`${__dirname}/../docs/getting-started.md`, "utf8"), new RegExp(`#v${version.replace(/\./g, "\\.")}'`));
        assert.match(readFileSync(`${__dirname}/../docs/upgrading.md`, "utf8"), /git tags `v<version>`/);
    });
});
