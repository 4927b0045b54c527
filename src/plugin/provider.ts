import * as path from "node:path";
import { ComponentProvider } from "@pulumi/pulumi/provider/experimental";
import { PACKAGE_NAME } from "../component/typeToken";
import { COMPONENTS } from "./components";
import { completeSchema, PackageSchema } from "./schema";

/** The package root: the schema is inferred from its `tsconfig.json` and `src/`. */
export const PACKAGE_ROOT = path.resolve(__dirname, "..", "..");

/**
 * The component provider other languages reach the components through: Pulumi's own
 * `ComponentProvider` (schema inferred from the TypeScript types, `construct` builds the
 * component), with the schema completed by secret flags and metadata.
 */
export class ConsulHardenedProvider extends ComponentProvider {
    constructor(dirname: string = PACKAGE_ROOT) {
        super({ name: PACKAGE_NAME, dirname, components: COMPONENTS });
    }

    private completed?: string;

    override async getSchema(): Promise<string> {
        this.completed ??= JSON.stringify(completeSchema(JSON.parse(await super.getSchema()) as PackageSchema));
        return this.completed;
    }
}
