// Reads the project's files: Pulumi.yaml (the config contract) and Pulumi.<stack>.yaml (a stack's values),
// the stack files through the hardened YAML reader (yaml.ts), as the Pulumi CLI reads them. One reader for
// the engine (tools/), the program (its declared keys) and the deployments program (the stacks it deploys).
import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import { decodeUtf8, formatYamlIssue, readYaml } from "./yaml";

export type SchemaType = "string" | "integer" | "boolean" | "array";

export interface ConfigSchemaEntry {
    readonly type?: SchemaType;
    readonly items?: { readonly type: SchemaType };
    readonly description?: string;
    readonly default?: unknown;
    readonly secret?: boolean;
}

export interface Project {
    readonly name: string;
    readonly dir: string;
    readonly main: string;
    readonly runtime: { readonly name: string; readonly options: Record<string, unknown> };
    /** Keys are fully qualified: `membrane:environment`. */
    readonly config: Record<string, ConfigSchemaEntry>;
}

export interface ResolvedConfig {
    /** What the CLI hands the program in PULUMI_CONFIG: every value a string, structured values as JSON. */
    readonly values: Record<string, string>;
    readonly secretKeys: string[];
}

/** A stack-file value: plain YAML, or `{ secure: ciphertext }`, or (for tests and overrides) `{ secret: plaintext }`. */
export type StackConfigValue = unknown;

/** A stack file as read from disk. */
export interface StackFile {
    readonly file: string;
    /**
     * The `config:` block: fully qualified keys (a bare key is reported by resolveStackConfig); each scalar
     * as its text, as the CLI reads it (`8.0` is "8.0", a null is ""); lists and maps as YAML types them.
     */
    readonly config: Record<string, StackConfigValue>;
    /** The ESC environments the file imports (`environment:`, as a list or under `imports:`). */
    readonly environments: readonly string[];
}

export class StackConfigError extends Error {
    constructor(
        readonly problems: string[],
        /** The config as far as it could be resolved, for the program's own checks in the same pass. */
        readonly partial?: ResolvedConfig,
    ) {
        super(problems.join("\n"));
        this.name = "StackConfigError";
    }
}

export class UnknownStackError extends Error {
    constructor(
        readonly stack: string,
        readonly available: string[],
    ) {
        super(`no stack file Pulumi.${stack}.yaml; the stacks of this project are: ${available.join(", ") || "(none)"}`);
        this.name = "UnknownStackError";
    }
}

// Pulumi.yaml's projects by content: every evaluation reads it, and parsing its 17 KB was the engine's
// largest share of YAML. Each caller gets a copy of its own.
const projects = new Map<string, Project>();

export function loadProject(dir: string): Project {
    const file = path.join(dir, "Pulumi.yaml");
    const text = fs.readFileSync(file, "utf8");
    const key = `${file}\0${text}`;
    if (!projects.has(key)) {
        projects.set(key, parseProject(file, dir, text));
    }
    return structuredClone(projects.get(key)!);
}

function parseProject(file: string, dir: string, text: string): Project {
    const doc = parseYaml(text) as Record<string, any>;
    const name = String(doc.name ?? "");
    if (!name) {
        throw new Error(`${file}: project is missing a 'name' attribute`);
    }
    const runtime =
        typeof doc.runtime === "string"
            ? { name: doc.runtime, options: {} }
            : { name: String(doc.runtime?.name), options: { ...(doc.runtime?.options ?? {}) } };
    const config: Record<string, ConfigSchemaEntry> = {};
    for (const [key, entry] of Object.entries<any>(doc.config ?? {})) {
        const full = key.includes(":") ? key : `${name}:${key}`;
        const isObject = entry !== null && typeof entry === "object" && !Array.isArray(entry);
        // Shorthand `key: value` is a default for project keys (the CLI's RewriteShorthandConfigValues).
        config[full] = isObject ? entry : { default: entry };
        if (config[full].type === "array" && !config[full].items) {
            throw new Error(
                `The configuration key '${key}' declares an array but does not specify the underlying type via the 'items' attribute`,
            );
        }
        const def = config[full].default;
        if (config[full].type && def !== undefined && !matchesType(config[full], def)) {
            throw new Error(
                `The default value specified for configuration key '${key}' is not of the expected type '${typeName(config[full])}'`,
            );
        }
    }
    return { name, dir, main: String(doc.main ?? "."), runtime, config };
}

export function listStacks(dir: string): string[] {
    return fs
        .readdirSync(dir)
        .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
        .filter((s): s is string => s !== undefined && !s.endsWith(".deploy"))
        .sort();
}

export function loadStackFile(dir: string, stack: string): Record<string, StackConfigValue> {
    return readStackFile(dir, stack).config;
}

/** Reads Pulumi.<stack>.yaml; every YAML problem is a StackConfigError that names the file, line and column. */
export function readStackFile(dir: string, stack: string): StackFile {
    const file = path.join(dir, `Pulumi.${stack}.yaml`);
    if (!/^[A-Za-z0-9_.-]+$/.test(stack) || !fs.existsSync(file)) {
        throw new UnknownStackError(stack, listStacks(dir));
    }
    return { file, ...parseStackDocument(fs.readFileSync(file), path.basename(file)) };
}

/**
 * The `config:` block of a stack file's bytes (or text), as the CLI reads it. Throws StackConfigError with
 * every problem, each as `<name>:<line>:<col>: ...`: bytes that are not UTF-8, YAML syntax, an alias to no
 * anchor, aliases that expand past MAX_EXPANDED_VALUES, a tag, a key that is not text.
 */
export function parseStackFile(content: Uint8Array | string, name: string): Record<string, StackConfigValue> {
    return parseStackDocument(content, name).config;
}

function parseStackDocument(content: Uint8Array | string, name: string): Omit<StackFile, "file"> {
    const decoded = typeof content === "string" ? { text: content } : decodeUtf8(content);
    if ("issue" in decoded) {
        throw new StackConfigError([formatYamlIssue(name, decoded.issue)]);
    }
    const { value, issues } = readYaml(decoded.text, { textUnder: "config" });
    if (issues.length > 0) {
        throw new StackConfigError(issues.map((i) => formatYamlIssue(name, i)));
    }
    const root = value ?? {};
    const config = typeof root === "object" && !Array.isArray(root) ? (root as Record<string, unknown>).config : undefined;
    if (
        typeof root !== "object" ||
        Array.isArray(root) ||
        (config !== undefined && config !== null && (typeof config !== "object" || Array.isArray(config)))
    ) {
        throw new StackConfigError([`${name}: expected a mapping with a 'config:' mapping inside`]);
    }
    return {
        config: { ...((config as Record<string, StackConfigValue> | null | undefined) ?? {}) },
        environments: environmentsOf((root as Record<string, unknown>).environment),
    };
}

/** The environments a stack file imports, in either of the forms the CLI accepts: a list, or `imports:`. */
function environmentsOf(env: unknown): string[] {
    const list = Array.isArray(env)
        ? env
        : Array.isArray((env as { imports?: unknown })?.imports)
          ? (env as { imports: unknown[] }).imports
          : [];
    return list.filter((e: unknown): e is string => typeof e === "string");
}

export function typeName(entry: ConfigSchemaEntry): string {
    return entry.type === "array" ? `array<${entry.items?.type}>` : String(entry.type);
}

const INT64 = { min: -(2n ** 63n), max: 2n ** 63n - 1n };

/** As the CLI's ValidateConfigValue (workspace/project.go): strings as strings; integers as Go's strconv.Atoi reads them; booleans as true/false. */
function matchesScalar(type: SchemaType, value: unknown): boolean {
    switch (type) {
        case "string":
            return typeof value === "string";
        case "integer":
            if (typeof value === "number") {
                return Number.isInteger(value);
            }
            return typeof value === "string" && /^[+-]?\d+$/.test(value) && BigInt(value) >= INT64.min && BigInt(value) <= INT64.max;
        case "boolean":
            return typeof value === "boolean" || value === "true" || value === "false";
        default:
            return false;
    }
}

export function matchesType(entry: ConfigSchemaEntry, value: unknown): boolean {
    if (entry.type === "array") {
        return Array.isArray(value) && value.every((v) => matchesScalar(entry.items!.type, v));
    }
    return matchesScalar(entry.type!, value);
}
