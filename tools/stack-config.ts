// Reads Pulumi.yaml and Pulumi.<stack>.yaml and resolves a stack's config the way the Pulumi CLI
// does before it starts the program: defaults from the project's schema, type checks, missing keys,
// `secret: true` keys that are not encrypted. Pure apart from reading the two files.
import * as fs from "fs";
import * as path from "path";
import { isScalar, isMap, parse as parseYaml, parseDocument } from "yaml";

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

/** A stack-file value: plain YAML, or `{ secure: ciphertext }`, or (for tests and overrides) `{ secret: plaintext }`. */
export type StackConfigValue = unknown;

export interface ResolvedConfig {
    /** What the CLI hands the program in PULUMI_CONFIG: every value a string, structured values as JSON. */
    readonly values: Record<string, string>;
    readonly secretKeys: string[];
}

/** A resolution that went on past the CLI's problems, so the program's own checks can run on what there is. */
export interface LenientResolution extends ResolvedConfig {
    /** What the CLI would refuse; empty when it would start the program. */
    readonly problems: string[];
}

/** A stack file as read from disk. */
export interface StackFile {
    readonly file: string;
    /** The `config:` block: fully qualified keys (a bare key is reported by resolveStackConfig). */
    readonly config: Record<string, StackConfigValue>;
    /** How each top-level scalar that YAML read as a number or boolean was written (`8.0`), for hints. */
    readonly literals: Record<string, string>;
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

const PLACEHOLDER_SECRET = "offline-placeholder-for-an-encrypted-value";

/**
 * Offline the engine cannot decrypt `secure:` values. It substitutes a placeholder that the program's
 * own validation accepts for that key, still marked secret.
 */
const SECRET_PLACEHOLDERS: Record<string, string> = {
    "membrane:externalMongoUri": "mongodb+srv://offline:placeholder@offline-placeholder.invalid/membrane",
};

export function loadProject(dir: string): Project {
    const file = path.join(dir, "Pulumi.yaml");
    const doc = parseYaml(fs.readFileSync(file, "utf8")) as Record<string, any>;
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

/** Reads Pulumi.<stack>.yaml; a YAML syntax error is a StackConfigError that names the file, line and column. */
export function readStackFile(dir: string, stack: string): StackFile {
    const file = path.join(dir, `Pulumi.${stack}.yaml`);
    if (!/^[A-Za-z0-9_.-]+$/.test(stack) || !fs.existsSync(file)) {
        throw new UnknownStackError(stack, listStacks(dir));
    }
    const doc = parseDocument(fs.readFileSync(file, "utf8"));
    if (doc.errors.length > 0) {
        throw new StackConfigError(
            doc.errors.map((e) => {
                const at = e.linePos?.[0];
                // The yaml package ends its first line with the position, which the prefix gives already.
                const what = e.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "");
                return `${path.basename(file)}${at ? `:${at.line}:${at.col}` : ""}: YAML syntax error: ${what}`;
            }),
        );
    }
    const root = doc.toJS() ?? {};
    if (
        typeof root !== "object" ||
        Array.isArray(root) ||
        (root.config !== undefined && (typeof root.config !== "object" || Array.isArray(root.config)))
    ) {
        throw new StackConfigError([`${path.basename(file)}: expected a mapping with a 'config:' mapping inside`]);
    }
    const literals: Record<string, string> = {};
    const configNode = doc.get("config", true);
    if (isMap(configNode)) {
        for (const pair of configNode.items) {
            if (isScalar(pair.key) && isScalar(pair.value) && typeof pair.value.value !== "string" && pair.value.source !== undefined) {
                literals[String(pair.key.value)] = pair.value.source;
            }
        }
    }
    return { file, config: { ...(root.config ?? {}) }, literals };
}

function isSecure(v: unknown): v is { secure: string } {
    return typeof v === "object" && v !== null && "secure" in v;
}

function isPlainSecret(v: unknown): v is { secret: unknown } {
    return typeof v === "object" && v !== null && !Array.isArray(v) && Object.keys(v).length === 1 && "secret" in v;
}

function typeName(entry: ConfigSchemaEntry): string {
    return entry.type === "array" ? `array<${entry.items?.type}>` : String(entry.type);
}

function matchesScalar(type: SchemaType, value: unknown): boolean {
    switch (type) {
        case "string":
            return typeof value === "string";
        case "integer":
            return (typeof value === "number" && Number.isInteger(value)) || (typeof value === "string" && /^-?\d+$/.test(value));
        case "boolean":
            return typeof value === "boolean" || value === "true" || value === "false";
        default:
            return false;
    }
}

function matchesType(entry: ConfigSchemaEntry, value: unknown): boolean {
    if (entry.type === "array") {
        return Array.isArray(value) && value.every((v) => matchesScalar(entry.items!.type, v));
    }
    return matchesScalar(entry.type!, value);
}

/** How the CLI passes a value to the program: scalars as their text, arrays and maps as JSON. */
function toConfigString(value: unknown): string {
    if (typeof value === "string") {
        return value;
    }
    if (typeof value === "number" || typeof value === "boolean") {
        return String(value);
    }
    return JSON.stringify(value);
}

/**
 * Resolves the config a program sees for `stack`: the stack file's values (after `overrides`), with
 * the project's defaults filled in, validated like the CLI. Throws StackConfigError with every problem.
 */
export function resolveStackConfig(
    project: Project,
    stack: string,
    stackConfig: Record<string, StackConfigValue>,
    overrides: Record<string, StackConfigValue> = {},
    literals: Record<string, string> = {},
): ResolvedConfig {
    const { values, secretKeys, problems } = resolveStackConfigLeniently(project, stack, stackConfig, overrides, literals);
    if (problems.length > 0) {
        throw new StackConfigError(problems, { values, secretKeys });
    }
    return { values, secretKeys };
}

const NOT_A_KEY = (key: string) =>
    `could not parse ${key} as a configuration key (configuration keys should be of the form \`<namespace>:<name>\`)`;

/** A hint for a value of the wrong type, where the cause is a usual one. */
function typeHint(project: Project, bare: string, entry: ConfigSchemaEntry, value: unknown, literal: string | undefined): string {
    const key = `${project.name}:${bare}`;
    if (entry.type === "string" && (typeof value === "number" || typeof value === "boolean")) {
        const written = literal ?? String(value);
        return `: YAML reads the unquoted ${written} as a ${typeof value}; quote it: ${key}: "${written}"`;
    }
    if (entry.type === "array" && typeof value === "string") {
        const first = value.split(/[\s,[\]"']+/).filter(Boolean)[0] ?? "<value>";
        return `: give a YAML list (one "- item" per line), or set the items one by one: pulumi config set --path '${key}[0]' ${first}`;
    }
    return "";
}

/**
 * The same resolution, but it goes on past problems: the values are as complete as they can be, so
 * that the program's own validation can report its problems in the same pass.
 */
export function resolveStackConfigLeniently(
    project: Project,
    stack: string,
    stackConfig: Record<string, StackConfigValue>,
    overrides: Record<string, StackConfigValue> = {},
    literals: Record<string, string> = {},
): LenientResolution {
    const problems: string[] = [];
    const merged = mergeOverrides(project, stackConfig, overrides, problems);
    const missing = applySchema(project, stack, merged, { overrides, literals }, problems);
    if (missing.length > 0) {
        const quoted = missing.map((k) => `'${k}'`);
        const list = quoted.length > 1 ? `${quoted.slice(0, -1).join(", ")} and ${quoted[quoted.length - 1]}` : quoted[0];
        problems.unshift(`Stack '${stack}' is missing configuration value${missing.length > 1 ? "s" : ""} ${list}`);
    }
    return { ...toConfigValues(merged), problems };
}

/** The stack file's namespaced keys, then the overrides over them. */
function mergeOverrides(
    project: Project,
    stackConfig: Record<string, StackConfigValue>,
    overrides: Record<string, StackConfigValue>,
    problems: string[],
): Record<string, StackConfigValue> {
    const merged: Record<string, StackConfigValue> = {};
    for (const [key, value] of Object.entries(stackConfig)) {
        // The CLI refuses a stack file whose config key has no namespace.
        if (!key.includes(":")) {
            problems.push(`${NOT_A_KEY(key)}; write ${project.name}:${key}`);
            continue;
        }
        merged[key] = value;
    }
    // `--config key=value`, like `pulumi config set`, reads a bare key as the project's.
    for (const [key, value] of Object.entries(overrides)) {
        merged[key.includes(":") ? key : `${project.name}:${key}`] = value;
    }
    return merged;
}

/** Fills Pulumi.yaml's defaults into `merged` and checks secrecy and types as the CLI does; returns the keys missing. */
function applySchema(
    project: Project,
    stack: string,
    merged: Record<string, StackConfigValue>,
    given: { overrides: Record<string, StackConfigValue>; literals: Record<string, string> },
    problems: string[],
): string[] {
    const missing: string[] = [];
    for (const [key, entry] of Object.entries(project.config)) {
        const bare = key.startsWith(`${project.name}:`) ? key.slice(project.name.length + 1) : key;
        if (!key.startsWith(`${project.name}:`)) {
            continue;
        }
        const fromStack = key in merged && merged[key] !== undefined;
        if (!fromStack && entry.default === undefined) {
            missing.push(bare);
            continue;
        }
        const value = fromStack ? merged[key] : entry.default;
        const secret = isSecure(value) || isPlainSecret(value);
        // The CLI checks defaults with the same validator, so a `secret: true` key with a plain default fails too.
        if (entry.secret && !secret) {
            problems.push(`Stack '${stack}' with configuration key '${bare}' must be encrypted as it's secret`);
            continue;
        }
        if (!secret && entry.type && !matchesType(entry, value)) {
            const literal = fromStack && !(key in given.overrides) ? given.literals[key] : undefined;
            problems.push(
                `Stack '${stack}' with configuration key '${bare}' must be of type '${typeName(entry)}'${typeHint(project, bare, entry, value, literal)}`,
            );
            continue;
        }
        merged[key] = value;
    }
    return missing;
}

/** The values as the program reads them (strings, secrets as placeholders or their plain text), and which are secret. */
function toConfigValues(merged: Record<string, StackConfigValue>): { values: Record<string, string>; secretKeys: string[] } {
    const values: Record<string, string> = {};
    const secretKeys: string[] = [];
    for (const [key, value] of Object.entries(merged)) {
        if (value === undefined) {
            continue;
        }
        if (isSecure(value)) {
            values[key] = SECRET_PLACEHOLDERS[key] ?? PLACEHOLDER_SECRET;
            secretKeys.push(key);
        } else if (isPlainSecret(value)) {
            values[key] = toConfigString(value.secret);
            secretKeys.push(key);
        } else {
            values[key] = toConfigString(value);
        }
    }
    return { values, secretKeys: secretKeys.sort() };
}
