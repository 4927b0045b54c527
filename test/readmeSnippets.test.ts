/**
 * Every TypeScript block of the README and of the guides in docs/ compiles, as printed, with the
 * project's strict settings — each block a program of its own importing "consul-hardened" (mapped
 * to this repository's src/).
 */
import { strict as assert } from "node:assert";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import * as ts from "typescript";

const ROOT = resolve(__dirname, "..");

export function readmeTypeScriptBlocks(readme: string): { line: number; code: string }[] {
    const blocks: { line: number; code: string }[] = [];
    const lines = readme.split("\n");
    for (let i = 0; i < lines.length; i++) {
        if (lines[i].trim() !== "```ts") continue;
        const start = i + 1;
        let end = start;
        while (end < lines.length && lines[end].trim() !== "```") end++;
        blocks.push({ line: start + 1, code: lines.slice(start, end).join("\n") + "\n" });
        i = end;
    }
    return blocks;
}

/** The documents whose TypeScript examples are compiled. */
const DOCUMENTS = ["README.md", ...readdirSync(join(ROOT, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];

describe("README and guides: TypeScript", function () {
    this.timeout(120_000);
    const blocks = DOCUMENTS.flatMap((doc) => readmeTypeScriptBlocks(readFileSync(join(ROOT, doc), "utf8")).map((b) => ({ ...b, doc })));

    it("has TypeScript examples", () => assert.ok(blocks.length >= 6, `${blocks.length} blocks`));

    it("every block type-checks as printed (strict)", () => {
        // Inside the repository so node_modules resolve; .cache/ is ignored by git.
        const dir = join(ROOT, ".cache", "readme-snippets");
        rmSync(dir, { recursive: true, force: true });
        mkdirSync(dir, { recursive: true });
        const files = blocks.map((b, i) => {
            const file = join(dir, `block-${String(i + 1).padStart(2, "0")}-${b.doc.replace(/\W/g, "_")}-line-${b.line}.ts`);
            // Each block is a module of its own (top-level names do not clash across blocks).
            writeFileSync(file, b.code.includes("export ") || b.code.includes("import ") ? b.code : `${b.code}\nexport {};\n`);
            return file;
        });
        // The two jest globals the jest example adds to mocha's (jest's types are no dependency here;
        // test:package runs that example under real jest).
        const jestGlobals = join(dir, "jest-globals.d.ts");
        writeFileSync(jestGlobals, "declare function beforeAll(fn: () => unknown): void;\ndeclare function expect(value: unknown): { toEqual(expected: unknown): void };\n");
        const program = ts.createProgram([...files, jestGlobals], {
            strict: true,
            noEmit: true,
            target: ts.ScriptTarget.ES2022,
            module: ts.ModuleKind.CommonJS,
            moduleResolution: ts.ModuleResolutionKind.Node10,
            esModuleInterop: true,
            skipLibCheck: true,
            experimentalDecorators: true,
            baseUrl: ROOT,
            paths: { "consul-hardened": ["src/index.ts"], "consul-hardened/*": ["src/*"] },
            types: ["node", "mocha"], // the README shows a mocha test of a user's stack
        });
        const problems = ts
            .getPreEmitDiagnostics(program)
            .filter((d) => d.file && files.includes(resolve(d.file.fileName)))
            .map((d) => {
                const { line } = d.file!.getLineAndCharacterOfPosition(d.start ?? 0);
                const block = blocks[files.indexOf(resolve(d.file!.fileName))];
                return `${block.doc}:${block.line + line}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`;
            });
        assert.deepEqual(problems, []);
    });
});
