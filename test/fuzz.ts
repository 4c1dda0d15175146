// Generators for the property-based tests (test/stacks/properties.test.ts): the config contract read from
// Pulumi.yaml itself (every key, its type, its bounds), so a new key is fuzzed without a line here, and
// hostile variants of stack files, --config values and .env variables.
import fc from "fast-check";
import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import { readSettings } from "../components/settings";
import { ConfigError } from "../lib/config-reader";
import { declaredDefaults, declaredKeys } from "../lib/config-source";
import { allConfigProblems } from "../tools/config-problems";
import { PROJECT_DIR } from "../tools/engine";
import { resolveStackConfigLeniently } from "../tools/stack-config";
import { loadProject, parseStackFile, Project, StackConfigError } from "../lib/stack-files";
import { FIXTURES } from "./harness";

export const PROJECT: Project = loadProject(PROJECT_DIR);

/**
 * Runs and seed: fixed in CI, so a failure is reproducible; `MEMBRANE_FUZZ_RUNS=<factor>` multiplies the
 * runs of every property for a longer local search, and `MEMBRANE_FUZZ_SEED=<n>` starts from another seed.
 */
export function fuzzParameters(runs: number): { numRuns: number; seed: number; endOnFailure: boolean } {
    const factor = Number(process.env.MEMBRANE_FUZZ_RUNS ?? "1");
    return {
        numRuns: Math.max(1, Math.round(runs * (Number.isFinite(factor) && factor > 0 ? factor : 1))),
        seed: Number(process.env.MEMBRANE_FUZZ_SEED ?? "20240522"),
        endOnFailure: true,
    };
}

/** A test's time limit for `fuzzParameters`' runs: a minute for the CI's, more for a longer local search. */
export function fuzzTimeout(): number {
    const factor = Number(process.env.MEMBRANE_FUZZ_RUNS ?? "1");
    return 60_000 * Math.max(1, Number.isFinite(factor) ? factor : 1);
}

export interface ContractKey {
    /** `membrane:vpcId`, or a provider key the program reads (`aws:region`). */
    readonly key: string;
    readonly type: "string" | "integer" | "boolean" | "array";
    readonly default?: unknown;
    /** For integers: the bounds Pulumi.yaml's description states, "(<min> to <max>)". */
    readonly min?: number;
    readonly max?: number;
}

/** The bounds an integer key's description states, or undefined when it states none. */
export function statedBounds(description: string): { min: number; max: number } | undefined {
    const m = /\((-?\d+) to (\d+)[),;]/.exec(description);
    return m ? { min: Number(m[1]), max: Number(m[2]) } : undefined;
}

/** Every key of the contract: Pulumi.yaml's, and aws:region, which the program reads too. */
export const CONTRACT: readonly ContractKey[] = [
    ...Object.entries(PROJECT.config).map(([key, entry]) => ({
        key,
        type: entry.type as ContractKey["type"],
        default: entry.default,
        ...(entry.type === "integer" ? statedBounds(entry.description ?? "") : {}),
    })),
    { key: "aws:region", type: "string" },
];

/** The staging fixture's config: valid, so that one mutated key is what a refusal is about. */
export const BASE: Readonly<Record<string, unknown>> = (
    parseYaml(fs.readFileSync(path.join(FIXTURES, "Pulumi.staging.yaml"), "utf8")) as { config: Record<string, unknown> }
).config;

/** One line of a stack file: `key: <yaml>`, a value already written as YAML. */
export interface Line {
    readonly key: string;
    readonly yaml: string;
}

/** A value as YAML text: a plain scalar when that reads back as the same string, else a double-quoted one (JSON's escapes are YAML's). */
export function yamlScalar(value: string, style: "plain" | "quoted" = "quoted"): string {
    if (
        style === "plain" &&
        /^[a-z0-9][a-z0-9./@-]*$/i.test(value) &&
        !/^(true|false|null|~|yes|no|on|off|[-+.\d][\d._eE+-]*)$/i.test(value)
    ) {
        return value;
    }
    return JSON.stringify(value);
}

/** A YAML value for a JS value: strings quoted, lists in flow style. */
export function toYaml(value: unknown): string {
    if (typeof value === "string") {
        return yamlScalar(value, "plain");
    }
    if (Array.isArray(value)) {
        return `[${value.map(toYaml).join(", ")}]`;
    }
    return String(value);
}

/** The stack file text of `lines` (in order, so duplicates and anchors stay where they were put), with optional text before `config:`. */
export function stackFileText(lines: readonly Line[], preamble = ""): string {
    return `${preamble}config:\n${lines.map((l) => `  ${l.key}: ${l.yaml}`).join("\n")}\n`;
}

/** The base config as lines, with the one mutated key's line replaced (or added) by `mutated`. */
export function withLine(mutated: Line, extra: readonly Line[] = []): Line[] {
    const lines = Object.entries(BASE)
        .filter(([key]) => key !== mutated.key)
        .map(([key, value]) => ({ key, yaml: toYaml(value) }));
    return [...lines, mutated, ...extra];
}

/** What the CLI and then the program say about a stack file's text, as `npm start` and `npm run check` report it. */
export interface Outcome {
    /** Every problem, or [] when the stack is accepted. */
    readonly problems: readonly string[];
    /** The config the program receives (absent when the file could not be read). */
    readonly values?: Readonly<Record<string, string>>;
}

export function outcomeOf(text: string, overrides: Record<string, unknown> = {}): Outcome {
    let config: Record<string, unknown>;
    try {
        config = parseStackFile(Buffer.from(text, "utf8"), "Pulumi.fuzz.yaml");
    } catch (e) {
        if (e instanceof StackConfigError) {
            return { problems: e.problems };
        }
        throw e;
    }
    return outcomeOfConfig(config, overrides);
}

export function outcomeOfConfig(config: Record<string, unknown>, overrides: Record<string, unknown> = {}): Outcome {
    const resolved = resolveStackConfigLeniently(PROJECT, "fuzz", config, overrides);
    if (resolved.problems.length > 0) {
        const problems = allConfigProblems(PROJECT, "fuzz", new StackConfigError(resolved.problems, resolved));
        return { problems, values: resolved.values };
    }
    try {
        readSettings({ ...resolved, declaredKeys: declaredKeys(PROJECT_DIR), stack: "fuzz", defaults: declaredDefaults(PROJECT_DIR) });
        return { problems: [], values: resolved.values };
    } catch (e) {
        if (e instanceof ConfigError) {
            return { problems: e.problems, values: resolved.values };
        }
        throw e;
    }
}

/** True when `problem` names `key` (`membrane:vpcId`, or the CLI's bare 'vpcId'). */
export function names(problem: string, key: string): boolean {
    const bare = key.slice(key.indexOf(":") + 1);
    const escaped = key.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    return new RegExp(`${escaped}(?![A-Za-z0-9])`).test(problem) || problem.includes(`'${bare}'`);
}

/** A stack trace in a message: a line that starts with "at " after white space. */
export const STACK_TRACE = /\n\s+at [^\n]*[(:]\d+/;

// Characters a person cannot see, or that a file, a terminal or a reader mangles.
const INVISIBLE = ["\t", "\u200b", "\u200d", "\u00a0", "\u202e", "\ufeff", "\u2028", "\u3000", "\u0000", "\u001b", "\ud800", "\udfff"];
// Visible but unusual: combining marks, emoji, right-to-left script, a full-width letter.
const UNUSUAL = ["e\u0301", "\u{1F600}", "\u05D0", "\uFF21", "ß", "İ"];

/** A string value near `base`: itself, with an invisible or unusual character, recased, truncated, or much longer. */
export function stringNear(base: string): fc.Arbitrary<string> {
    return fc.oneof(
        fc.constant(base),
        fc.tuple(fc.constantFrom(...INVISIBLE, ...UNUSUAL), fc.nat(base.length)).map(([c, i]) => base.slice(0, i) + c + base.slice(i)),
        fc.constant(base.toUpperCase()),
        fc.nat(base.length).map((n) => base.slice(0, n)),
        fc.constantFrom(" ", " #x", "#", "$(id)", "`id`", ";", "&", "'", '"', "\\").map((s) => base + s),
        fc.constant(base.repeat(Math.ceil(70_000 / Math.max(1, base.length)))),
        fc.string({ unit: "binary", maxLength: 12 }),
    );
}

/** Generated config values for `k`: plausible, on its bounds, of another type, or empty. `expected` is the text the program should then read. */
export interface Mutation {
    readonly key: string;
    /** The line written into the stack file. */
    readonly yaml: string;
    /** What the program must receive if the file is accepted: the text (scalars) or JSON (lists). */
    readonly expected: string;
}

function scalarMutation(key: string, text: string, style: "plain" | "quoted" = "quoted"): Mutation {
    return { key, yaml: yamlScalar(text, style), expected: text };
}

export function mutationOf(k: ContractKey): fc.Arbitrary<Mutation> {
    const base = BASE[k.key] ?? k.default;
    const other = fc.oneof(
        fc.constant({ key: k.key, yaml: "", expected: "" }),
        fc.constant({ key: k.key, yaml: "[a, b]", expected: '["a","b"]' }),
        fc.constant({ key: k.key, yaml: "{ x: 1 }", expected: '{"x":1}' }),
        fc
            .constantFrom("7.10", "0x10", "1e3", "True", "yes", "~", "-0", "+5", "08")
            .map((t) => ({ key: k.key, yaml: t, expected: t === "~" ? "" : t })),
    );
    switch (k.type) {
        case "integer": {
            const min = k.min ?? 0;
            const max = k.max ?? 100;
            const n = fc.oneof(
                fc.integer({ min, max }),
                fc.constantFrom(min - 1, min, max, max + 1),
                fc.constantFrom(-(2 ** 53) - 1, 2 ** 53 + 1),
            );
            return fc.oneof(
                n.map((v) => scalarMutation(k.key, String(v), "plain")),
                n.map((v) => scalarMutation(k.key, String(v), "quoted")),
                fc
                    .constantFrom("9007199254740993", "99999999999999999999999", "1".repeat(400))
                    .map((t) => scalarMutation(k.key, t, "plain")),
                other,
            );
        }
        case "boolean":
            return fc.oneof(
                fc.constantFrom("true", "false").map((t) => scalarMutation(k.key, t, "plain")),
                fc.constantFrom("true", "false").map((t) => ({ key: k.key, yaml: `"${t}"`, expected: t })),
                other,
            );
        case "array": {
            const items = Array.isArray(base) ? (base as string[]) : [];
            const item = fc.oneof(
                fc.constantFrom(...(items.length > 0 ? items : ["*"])),
                ...items.map((i) => stringNear(i)),
                stringNear("x"),
            );
            return fc.oneof(
                fc.array(item, { maxLength: 4 }).map((list) => ({
                    key: k.key,
                    yaml: `[${list.map((s) => JSON.stringify(s)).join(", ")}]`,
                    expected: JSON.stringify(list),
                })),
                fc.array(item, { minLength: 1, maxLength: 3 }).map((list) => ({
                    key: k.key,
                    yaml: `\n${list.map((s) => `    - ${JSON.stringify(s)}`).join("\n")}`,
                    expected: JSON.stringify(list),
                })),
                fc
                    .constantFrom("[8.0]", "[[a]]", "[null]", "[]")
                    .map((t) => ({ key: k.key, yaml: t, expected: JSON.stringify(parseYaml(t)) })),
                other,
            );
        }
        default:
            return fc.oneof(
                stringNear(String(base ?? "")).map((s) => scalarMutation(k.key, s)),
                stringNear(String(base ?? "")).map((s) => scalarMutation(k.key, s, "plain")),
                other,
            );
    }
}

/** Every contract key, each with its own mutations. */
export const anyMutation: fc.Arbitrary<Mutation> = fc.oneof(...CONTRACT.map(mutationOf));

/** A YAML trick around a mutated line: an anchor and its alias, a merge key, a tag, a duplicate, an alias to nothing, an alias bomb. */
export type Trick = "none" | "alias" | "merge" | "str-tag" | "odd-tag" | "duplicate" | "unresolved" | "bomb" | "bare-key" | "spaced-key";

export const anyTrick: fc.Arbitrary<Trick> = fc.constantFrom<Trick>(
    "none",
    "alias",
    "merge",
    "str-tag",
    "odd-tag",
    "duplicate",
    "unresolved",
    "bomb",
    "bare-key",
    "spaced-key",
);

const BOMB = Array.from({ length: 9 }, (_, i) => `b${i + 1}: &b${i + 1} [${Array(9).fill(`*b${i}`).join(", ")}]`).join("\n");

/**
 * The stack file of `m` with `trick`, and what must come of it: `yaml` problems have a file position;
 * `accepted` tricks read the value as written; `key` is what a refusal must name.
 */
export function trickFile(m: Mutation, trick: Trick): { text: string; position: boolean; key: string } {
    switch (trick) {
        case "alias":
            return {
                text: stackFileText(withLine({ key: m.key, yaml: "*v" }), `values:\n  v: &v ${m.yaml || "~"}\n`),
                position: false,
                key: m.key,
            };
        case "merge":
            return {
                text: `base: &base\n  ${m.key}: ${m.yaml}\n${stackFileText(withLine({ key: "<<", yaml: "*base" }).filter((l) => l.key !== m.key))}`,
                position: false,
                key: m.key,
            };
        case "str-tag":
            return {
                text: stackFileText(withLine({ key: m.key, yaml: `!!str ${m.yaml.startsWith("\n") ? "x" : m.yaml}` })),
                position: false,
                key: m.key,
            };
        case "odd-tag":
            return {
                text: stackFileText(withLine({ key: m.key, yaml: `!Ref ${m.yaml.startsWith("\n") ? "x" : m.yaml}` })),
                position: true,
                key: m.key,
            };
        case "duplicate":
            return { text: stackFileText(withLine(m, [{ key: m.key, yaml: m.yaml }])), position: true, key: m.key };
        case "unresolved":
            return { text: stackFileText(withLine({ key: m.key, yaml: "*nope" })), position: true, key: m.key };
        case "bomb":
            // Reported where the expansion runs out, under the anchors' own key: what must be named is the bomb.
            return {
                text: stackFileText(withLine({ key: m.key, yaml: "*b9" }), `b0: &b0 [x]\n${BOMB}\n`),
                position: true,
                key: "an alias bomb",
            };
        case "bare-key": {
            const bare = m.key.slice(m.key.indexOf(":") + 1);
            return { text: stackFileText(withLine(m, [{ key: bare, yaml: m.yaml || '""' }])), position: false, key: bare };
        }
        case "spaced-key":
            return { text: stackFileText(withLine(m, [{ key: `"${m.key} "`, yaml: m.yaml || '""' }])), position: false, key: m.key };
        default:
            return { text: stackFileText(withLine(m)), position: false, key: m.key };
    }
}
