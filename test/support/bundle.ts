import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { HardenedCluster } from "../../src/cluster/hardenedCluster";
import { valueOf } from "./emulation";

/** A cluster's bundle written to a fresh directory, as the demo writes it (under the emulation). */
export async function bundleDir(name: string, args: ConstructorParameters<typeof HardenedCluster>[1]): Promise<string> {
    const files = await valueOf(new HardenedCluster(name, args).files);
    const dir = mkdtempSync(join(tmpdir(), "ch-bundle-"));
    for (const [path, content] of Object.entries(files)) {
        mkdirSync(dirname(join(dir, path)), { recursive: true });
        writeFileSync(join(dir, path), content);
    }
    return dir;
}
