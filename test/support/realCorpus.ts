/**
 * Reads the real-config corpus (test/fixtures/real) from the Consul 1.16.3 module archive that
 * scripts/e2e-tools.sh downloaded to build the binary: nothing of it is copied into the project.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, extname, join } from "node:path";
import { RealConfig } from "../fixtures/real/corpus";

export const CONSUL_MODULE = "github.com/hashicorp/consul@v1.16.3";

/** Where the Go toolchain keeps the module (`go env GOMODCACHE`). */
export function consulModuleRoot(release?: string): string {
    const root = join(execFileSync("go", ["env", "GOMODCACHE"], { encoding: "utf8" }).trim(), release ? `github.com/hashicorp/consul@v${release}` : CONSUL_MODULE);
    if (!existsSync(root)) throw new Error(`${root} is missing: run scripts/e2e-tools.sh consul first (it downloads the module to build Consul)`);
    return root;
}

/** The n-th fenced code block of a Markdown page (1-based, every fence counted), with its language. */
export function codeBlock(page: string, n: number): { lang: string; text: string } {
    const blocks = [...page.matchAll(/```(\w*)[^\n]*\n([\s\S]*?)```/g)];
    const b = blocks[n - 1];
    if (!b) throw new Error(`the page has ${blocks.length} code blocks, not ${n}`);
    return { lang: b[1], text: b[2] };
}

/** Writes one entry as an agent config directory under `parent`; returns the directory. */
export function materialize(entry: RealConfig, root: string, parent: string): string {
    const dir = join(parent, entry.name);
    mkdirSync(dir, { recursive: true });
    if (Array.isArray(entry.path)) {
        // A config directory as its source assembles it: numbered so that Consul reads them in this order.
        entry.path.forEach((p, i) => writeFileSync(join(dir, `${i + 1}-${basename(p)}`), readFileSync(join(root, p), "utf8")));
    } else if (entry.block === undefined) writeFileSync(join(dir, `config${extname(entry.path)}`), readFileSync(join(root, entry.path), "utf8"));
    else {
        const { lang, text } = codeBlock(readFileSync(join(root, entry.path), "utf8"), entry.block);
        if (lang !== "hcl" && lang !== "json") throw new Error(`${entry.name}: block ${entry.block} is ${lang || "untagged"}, not hcl or json`);
        writeFileSync(join(dir, `config.${lang}`), text);
    }
    if (entry.companion) writeFileSync(join(dir, "00-companion.hcl"), entry.companion);
    return dir;
}
