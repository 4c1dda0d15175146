// A stack's cloud fixture on disk: `<stack>.cloud.yaml` beside `Pulumi.<stack>.yaml` (or a file named on
// the command line), describing what exists in the account before the program runs (tools/mock-account.ts).
import * as fs from "fs";
import * as path from "path";
import { closest } from "../lib/config-keys";
import { CLOUD_FIXTURE_KEYS, CloudFixture } from "./mock-account";
import { decodeUtf8, formatYamlIssue, readYaml } from "../lib/yaml";

/** A cloud file that cannot be read or describes what the engine does not know: a problem of the user's input, exit 2. */
export class CloudFileError extends Error {
    constructor(readonly problems: string[]) {
        super(problems.join("\n"));
        this.name = "CloudFileError";
    }
}

/** The cloud file of `stack` in `stackDir`: `<stack>.cloud.yaml`. */
export function cloudFilePath(stackDir: string, stack: string): string {
    return path.join(stackDir, `${stack}.cloud.yaml`);
}

/** Reads a cloud file; a key the engine does not know is refused, since a misspelt kind would describe nothing. */
export function loadCloudFixture(file: string): CloudFixture {
    const name = path.basename(file);
    const decoded = decodeUtf8(fs.readFileSync(file));
    if ("issue" in decoded) {
        throw new CloudFileError([formatYamlIssue(name, decoded.issue)]);
    }
    const { value, issues } = readYaml(decoded.text);
    if (issues.length > 0) {
        throw new CloudFileError(issues.map((i) => formatYamlIssue(name, i)));
    }
    const doc = value ?? {};
    if (typeof doc !== "object" || Array.isArray(doc)) {
        throw new CloudFileError([`${name}: a cloud file is a YAML mapping of kinds (${CLOUD_FIXTURE_KEYS.join(", ")})`]);
    }
    const problems: string[] = [];
    for (const [kind, entries] of Object.entries(doc)) {
        if (!CLOUD_FIXTURE_KEYS.includes(kind)) {
            const guess = closest(kind, CLOUD_FIXTURE_KEYS);
            problems.push(
                `${name}: "${kind}" is not a kind a cloud file describes${guess ? ` (did you mean ${guess}?)` : ""}: ${CLOUD_FIXTURE_KEYS.join(", ")}`,
            );
        } else if (kind === "atlas" ? !isMapping(entries) : !Array.isArray(entries) || !entries.every(isMapping)) {
            problems.push(`${name}: ${kind} must be ${kind === "atlas" ? "a mapping" : "a list of mappings, one per resource"}`);
        }
    }
    if (problems.length > 0) {
        throw new CloudFileError(problems);
    }
    return doc as CloudFixture;
}

function isMapping(v: unknown): boolean {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The stack's cloud fixture, when it has a cloud file; undefined otherwise (look-ups are then assumptions). */
export function stackCloudFixture(stackDir: string, stack: string): CloudFixture | undefined {
    const file = cloudFilePath(stackDir, stack);
    return fs.existsSync(file) ? loadCloudFixture(file) : undefined;
}
