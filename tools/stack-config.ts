// Reads Pulumi.yaml and Pulumi.<stack>.yaml and resolves a stack's config the way the Pulumi CLI
// does before it starts the program: defaults from the project's schema, type checks, missing keys,
// `secret: true` keys that are not encrypted. Pure apart from reading the two files.
import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import { decodeUtf8, formatYamlIssue, readYaml } from "./yaml-reader";

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
    /**
     * The `config:` block: fully qualified keys (a bare key is reported by resolveStackConfig); each scalar
     * as its text, as the CLI reads it (`8.0` is "8.0", a null is ""); lists and maps as YAML types them.
     */
    readonly config: Record<string, StackConfigValue>;
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
    return { file, config: parseStackFile(fs.readFileSync(file), path.basename(file)) };
}

/**
 * The `config:` block of a stack file's bytes (or text), as the CLI reads it. Throws StackConfigError with
 * every problem, each as `<name>:<line>:<col>: ...`: bytes that are not UTF-8, YAML syntax, an alias to no
 * anchor, aliases that expand past MAX_EXPANDED_VALUES, a tag, a key that is not text.
 */
export function parseStackFile(content: Uint8Array | string, name: string): Record<string, StackConfigValue> {
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
    return { ...((config as Record<string, StackConfigValue> | null | undefined) ?? {}) };
}

/** `{ secure: <ciphertext> }`, as the CLI recognises an encrypted value (config/value.go, isSecureValue). */
function isSecure(v: unknown): v is { secure: string } {
    return typeof v === "object" && v !== null && !Array.isArray(v) && Object.keys(v).length === 1 && typeof (v as any).secure === "string";
}

/** `{ secret: <plaintext> }`: a decrypted value the engine is handed (overrides, `npm start --secret`), never a file's. */
function isPlainSecret(v: unknown): v is { secret: unknown } {
    return typeof v === "object" && v !== null && !Array.isArray(v) && Object.keys(v).length === 1 && "secret" in v;
}

function typeName(entry: ConfigSchemaEntry): string {
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
): ResolvedConfig {
    const { values, secretKeys, problems } = resolveStackConfigLeniently(project, stack, stackConfig, overrides);
    if (problems.length > 0) {
        throw new StackConfigError(problems, { values, secretKeys });
    }
    return { values, secretKeys };
}

const NOT_A_KEY = (key: string) =>
    `could not parse ${key} as a configuration key (configuration keys should be of the form \`<namespace>:<name>\`)`;

/** A scalar as the CLI holds it: its text (a program or a test may hand the engine a number or a boolean). */
function asText(value: unknown): unknown {
    return typeof value === "number" || typeof value === "boolean" ? String(value) : value;
}

/** A hint for a value of the wrong type, where the cause is a usual one. */
function typeHint(project: Project, bare: string, entry: ConfigSchemaEntry, value: unknown): string {
    const key = `${project.name}:${bare}`;
    if (value === "" && entry.type !== "string") {
        return `: it has no value; give one, or delete the line to take the default (${JSON.stringify(entry.default ?? null)})`;
    }
    if (entry.type === "integer" && typeof value === "string") {
        return /^[+-]?\d+$/.test(value)
            ? `: ${value} is beyond the range of an integer`
            : `: write a whole number in decimal digits (got "${value}")`;
    }
    if (entry.type === "boolean" && typeof value === "string") {
        return /^(true|false)$/i.test(value)
            ? `: write true or false, in lowercase (got "${value}")`
            : `: write true or false (got "${value}")`;
    }
    if (entry.type === "array" && typeof value === "string") {
        const first = value.split(/[\s,[\]"']+/).filter(Boolean)[0] ?? "<value>";
        return `: give a YAML list (one "- item" per line), or set the items one by one: pulumi config set --path '${key}[0]' ${first}`;
    }
    if (entry.type === "array" && Array.isArray(value)) {
        const odd = value.find((v) => typeof v !== "string");
        return `: every item must be text; quote the items YAML reads otherwise (${JSON.stringify(odd)}): - "${String(odd ?? "")}"`;
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
): LenientResolution {
    const problems: string[] = [];
    const merged = mergeOverrides(project, stackConfig, overrides, problems);
    const missing = applySchema(project, stack, merged, problems);
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
        // Only `secure:` is encrypted: a `secret:` in a file is plain text that the CLI would read as a map.
        if (isPlainSecret(value)) {
            problems.push(
                `${key}: "secret:" holds the value in plain text in the stack file; only "secure:" values are encrypted: pulumi config set --secret ${key} <value>`,
            );
            continue;
        }
        setOwn(merged, key, value);
    }
    // `--config key=value`, like `pulumi config set`, reads a bare key as the project's.
    for (const [key, value] of Object.entries(overrides)) {
        setOwn(merged, key.includes(":") ? key : `${project.name}:${key}`, value);
    }
    return merged;
}

/** Sets a key of a plain record, whatever its name (`__proto__` included). */
function setOwn(record: Record<string, unknown>, key: string, value: unknown): void {
    Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Fills Pulumi.yaml's defaults into `merged` and checks secrecy and types as the CLI does; returns the keys missing. */
function applySchema(project: Project, stack: string, merged: Record<string, StackConfigValue>, problems: string[]): string[] {
    const missing: string[] = [];
    for (const [key, entry] of Object.entries(project.config)) {
        const bare = key.startsWith(`${project.name}:`) ? key.slice(project.name.length + 1) : key;
        if (!key.startsWith(`${project.name}:`)) {
            continue;
        }
        const fromStack = Object.prototype.hasOwnProperty.call(merged, key) && merged[key] !== undefined;
        if (!fromStack && entry.default === undefined) {
            missing.push(bare);
            continue;
        }
        const value = asText(fromStack ? merged[key] : entry.default);
        const secret = isSecure(value) || isPlainSecret(value);
        // The CLI checks defaults with the same validator, so a `secret: true` key with a plain default fails too.
        if (entry.secret && !secret) {
            problems.push(`Stack '${stack}' with configuration key '${bare}' must be encrypted as it's secret`);
            continue;
        }
        if (!secret && entry.type && !matchesType(entry, value)) {
            problems.push(
                `Stack '${stack}' with configuration key '${bare}' must be of type '${typeName(entry)}'${typeHint(project, bare, entry, value)}`,
            );
            continue;
        }
        setOwn(merged, key, fromStack ? merged[key] : entry.default);
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
            setOwn(values, key, SECRET_PLACEHOLDERS[key] ?? PLACEHOLDER_SECRET);
            secretKeys.push(key);
        } else if (isPlainSecret(value)) {
            setOwn(values, key, toConfigString(value.secret));
            secretKeys.push(key);
        } else {
            setOwn(values, key, toConfigString(value));
        }
    }
    return { values, secretKeys: secretKeys.sort() };
}

/**
 * Warnings the program cannot give, because it cannot tell a default from a value set on purpose: the
 * stack file can. With an EKS cluster and ecsTaskRole left at its default, the stack makes the ECS roles too.
 */
export function defaultedValueWarnings(
    project: Project,
    stackConfig: Record<string, unknown>,
    overrides: Record<string, unknown> = {},
): string[] {
    const given = (bare: string) => {
        const key = `${project.name}:${bare}`;
        return [stackConfig, overrides].some(
            (c) => Object.prototype.hasOwnProperty.call(c, key) || Object.prototype.hasOwnProperty.call(c, bare),
        );
    };
    const value = (bare: string) => {
        const key = `${project.name}:${bare}`;
        return [overrides[key], overrides[bare], stackConfig[key]].find((v) => v !== undefined);
    };
    const warnings: string[] = [];
    const cluster = value("eksClusterName");
    if (
        typeof cluster === "string" &&
        cluster !== "" &&
        !given("ecsTaskRole") &&
        project.config[`${project.name}:ecsTaskRole`]?.default === true
    ) {
        warnings.push(
            `${project.name}:eksClusterName is set and ${project.name}:ecsTaskRole is left at its default, true, so the stack also makes the ECS task role (and, with the credentials store, the ECS execution role). If Membrane runs on EKS only, set ${project.name}:ecsTaskRole: false; if it runs on both, set it to true to say so.`,
        );
    }
    return warnings;
}
