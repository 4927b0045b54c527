/**
 * The library's sources use nothing newer than ES2020's standard library — what Pulumi's
 * TypeScript templates target, and what the engine's language host compiled `src/` with when
 * examples/basic imports it (an `Object.hasOwn` passed the ES2022 repository build and failed
 * there). Only "change your target library" errors count here; the full type check is `npm test`'s.
 */
import { strict as assert } from "node:assert";
import { join } from "node:path";
import * as ts from "typescript";

const ROOT = join(__dirname, "..");
/** TS2550 / TS2551 / TS2583: a member or name that exists only in a newer lib. */
const NEWER_LIB = new Set([2550, 2551, 2583]);

describe("sources compile against ES2020's library", function () {
    this.timeout(120_000);
    it("no API newer than ES2020 in src/", () => {
        const entries = ["src/index.ts", "src/testing/index.ts", "src/policy/index.ts", "src/cli/main.ts"].map((f) => join(ROOT, f));
        const program = ts.createProgram(entries, {
            noEmit: true,
            target: ts.ScriptTarget.ES2020,
            lib: ["lib.es2020.d.ts"],
            module: ts.ModuleKind.CommonJS,
            moduleResolution: ts.ModuleResolutionKind.Node10,
            esModuleInterop: true,
            resolveJsonModule: true,
            skipLibCheck: true,
            types: ["node"],
        });
        const problems = ts
            .getPreEmitDiagnostics(program)
            .filter((d) => NEWER_LIB.has(d.code) && d.file?.fileName.startsWith(join(ROOT, "src")))
            .map((d) => `${d.file!.fileName.slice(ROOT.length + 1)}:${d.file!.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}: ${ts.flattenDiagnosticMessageText(d.messageText, " ")}`);
        assert.deepEqual(problems, []);
    });
});
