// Resolves a stack's config the way the Pulumi CLI does before it starts the program: defaults from the
// project's schema, type checks, missing keys, `secret: true` keys that are not encrypted. Pure: the files
// are read by lib/stack-files.ts.
import { ConfigSchemaEntry, matchesType, Project, ResolvedConfig, StackConfigError, StackConfigValue, typeName } from "../lib/stack-files";

export type { ResolvedConfig };

/** A resolution that went on past the CLI's problems, so the program's own checks can run on what there is. */
export interface LenientResolution extends ResolvedConfig {
    /** What the CLI would refuse; empty when it would start the program. */
    readonly problems: string[];
}

const PLACEHOLDER_SECRET = "offline-placeholder-for-an-encrypted-value";

/**
 * Offline the engine cannot decrypt `secure:` values. It substitutes a placeholder that the program's
 * own validation accepts for that key, still marked secret.
 */
const SECRET_PLACEHOLDERS: Record<string, string> = {
    "membrane:externalMongoUri": "mongodb+srv://offline:placeholder@offline-placeholder.invalid/membrane",
};

/** `{ secure: <ciphertext> }`, as the CLI recognises an encrypted value (config/value.go, isSecureValue). */
function isSecure(v: unknown): v is { secure: string } {
    return typeof v === "object" && v !== null && !Array.isArray(v) && Object.keys(v).length === 1 && typeof (v as any).secure === "string";
}

/** `{ secret: <plaintext> }`: a decrypted value the engine is handed (overrides, `npm start --secret`), never a file's. */
function isPlainSecret(v: unknown): v is { secret: unknown } {
    return typeof v === "object" && v !== null && !Array.isArray(v) && Object.keys(v).length === 1 && "secret" in v;
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
