// A stack's cloud fixture on disk: `<stack>.cloud.yaml` beside `Pulumi.<stack>.yaml` (or a file named on
// the command line), describing what exists in the account before the program runs (tools/mock-account.ts).
import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import { CLOUD_FIXTURE_KEYS, CloudFixture } from "./mock-account";

/** The cloud file of `stack` in `stackDir`: `<stack>.cloud.yaml`. */
export function cloudFilePath(stackDir: string, stack: string): string {
    return path.join(stackDir, `${stack}.cloud.yaml`);
}

/** Reads a cloud file; a key the engine does not know is refused, since a misspelt kind would describe nothing. */
export function loadCloudFixture(file: string): CloudFixture {
    const doc: unknown = parseYaml(fs.readFileSync(file, "utf8")) ?? {};
    if (typeof doc !== "object" || doc === null || Array.isArray(doc)) {
        throw new Error(`${file}: a cloud file is a YAML mapping of kinds (${CLOUD_FIXTURE_KEYS.join(", ")})`);
    }
    const unknown = Object.keys(doc).filter((k) => !CLOUD_FIXTURE_KEYS.includes(k));
    if (unknown.length > 0) {
        throw new Error(
            `${file}: unknown ${unknown.map((k) => `"${k}"`).join(", ")}; a cloud file describes ${CLOUD_FIXTURE_KEYS.join(", ")}`,
        );
    }
    return doc as CloudFixture;
}

/** The stack's cloud fixture, when it has a cloud file; undefined otherwise (look-ups are then assumptions). */
export function stackCloudFixture(stackDir: string, stack: string): CloudFixture | undefined {
    const file = cloudFilePath(stackDir, stack);
    return fs.existsSync(file) ? loadCloudFixture(file) : undefined;
}
