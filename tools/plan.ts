// `npm start [-- --stack <name>] [--json | --mermaid | --import-file <path>]`: the whole program, offline. Evaluates a stack as
// `pulumi preview` would evaluate the program, on the offline engine, then prints what would be
// created, what the policy pack says about it, and the .env it would produce.
// Exit codes: 0 clean; 1 a mandatory policy violation; 2 a config error, an unknown stack or bad arguments; 3 an internal error.
import * as fs from "fs";
import { DOTENV_FORMATS, DotenvFormat, formatDotenv } from "../components/outputs/dotenv";
import { isVariableName } from "../components/outputs/env";
import { PlannedResource, PolicyFinding, runPolicies } from "../policy/runner";
import { HelpRequested, runMain, UsageError, userPath } from "./cli";
import { allConfigProblems } from "./config-problems";
import { evaluate, Evaluation, ProgramError, PROJECT_DIR, RegisteredResource } from "./engine";
import { UNKNOWN_MARKER, UNKNOWN_TEXT } from "./run-program";
import { groupByComponent } from "./components";
import {
    CostEstimate,
    DurationEstimate,
    estimateCost,
    estimateDuration,
    PRICES,
    renderEstimate,
    stackPriceList,
    stackRegion,
} from "./estimate";
import type { PriceCache, PriceListAnswers, PriceListClient } from "./price-list";
import { importFile } from "./import-file";
import { mermaid } from "./mermaid";
import { CloudFileError } from "./cloud-file";
import { ConfigSchemaEntry, listStacks, loadProject, StackConfigError, UnknownStackError } from "../lib/stack-files";
import { readYaml } from "../lib/yaml";

export interface PlanArgs {
    /** Absent: the default stack of the folder (see `defaultStack`). */
    readonly stack?: string;
    /** What to print: the plan as text or JSON, a Mermaid diagram, or the outputs as a .env. */
    readonly format: "text" | "json" | "mermaid" | "dotenv";
    /** With `--dotenv[=shell]`: the .env format to print. */
    readonly dotenvFormat?: DotenvFormat;
    /**
     * `--config key=value`, as `pulumi preview --config`: tries a value without editing the stack file;
     * `--secret key=value` the same, as a decrypted secret (`{ secret: value }`), for this run only.
     */
    readonly overrides: Record<string, unknown>;
    /** `--import-file <path>`: write the stack's adoptions for `pulumi import --file` instead of the plan. */
    readonly importFile?: string;
    /** `--price-list`: price the AWS lines from AWS's Price List (network, the user's AWS credentials) instead of the shipped table. */
    readonly priceList?: boolean;
}

const USAGE =
    "usage: npm start -- [--stack <name>] [--config <key>=<value> ...] [--secret <key>=<value> ...] [--json | --mermaid | --dotenv[=shell] | --import-file <path>] [--price-list] [--help]";

export const HELP = `${USAGE}

Evaluates a stack offline (no cloud account, no Pulumi CLI) as \`pulumi preview\` would run the program, and
prints what it would create, what the policy pack says, the .env it produces, and a cost and duration estimate.

  --stack, -s <name>        the stack: reads Pulumi.<name>.yaml (default: staging, or the only stack there is)
  --config, -c <key>=<val>  try a value without editing the stack file: the whole text after = is the value,
                            as pulumi config set takes it; a list key takes a YAML list, --config 'k=[a, b]'; repeatable
  --secret <key>=<val>      the same for a secret (membrane:externalMongoUri=...), for this run only: it is
                            never written to a file, and shown as [secret]; repeatable
  --json                    the plan as JSON (secrets redacted)
  --mermaid                 the architecture diagram (Mermaid)
  --dotenv[=shell]          the .env the stack gives after pulumi up, secrets as [secret]: raw (Docker) or shell format
  --import-file <path>      write the resources the stack adopts (the existing* keys) for pulumi import --file
  --price-list              price the AWS lines from AWS's Price List (pricing:GetProducts, your AWS credentials,
                            answers cached a week in node_modules/.cache/membrane-prices); offline by default
  --help, -h                this text

Exit codes: 0 clean; 1 a mandatory policy violation; 2 a config error, an unknown stack or a bad argument; 3 an internal error.`;

/** Without --stack: staging when there is one, else the folder's only stack; undefined when that does not decide. */
export function defaultStack(available: readonly string[]): string | undefined {
    return available.includes("staging") ? "staging" : available.length === 1 ? available[0] : undefined;
}

/** Sets a key of a plain record, whatever its name (`__proto__` included). */
function setOwn(record: Record<string, unknown>, key: string, value: unknown): void {
    Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * The value of `--config key=<text>`: the whole text, as `pulumi config set` stores it (`acme- #corp`,
 * `@ops`, `8.0` and `*x` are text, not YAML), except for a list key, which takes a YAML list.
 */
export function configOverride(flag: string, key: string, text: string, schema: Readonly<Record<string, ConfigSchemaEntry>>): unknown {
    const entry = schema[key.includes(":") ? key : `membrane:${key}`];
    if (entry?.type !== "array" || text === "") {
        return text;
    }
    const { value, issues } = readYaml(text);
    if (issues.length > 0) {
        const what = issues[0].message.replace(/^YAML syntax error: /, "");
        throw new UsageError(
            `${flag} ${key}: "${text}" is not a YAML list (${what}, at column ${issues[0].col}): write the list in brackets, its items quoted, and the whole argument in single quotes for your shell: ${flag} '${key}=["first", "second"]'`,
        );
    }
    return Array.isArray(value) ? value : text;
}

export function parseArgs(
    argv: readonly string[],
    schema: Readonly<Record<string, ConfigSchemaEntry>> = loadProject(PROJECT_DIR).config,
): PlanArgs {
    let stack: string | undefined;
    let format: PlanArgs["format"] = "text";
    let dotenvFormat: DotenvFormat | undefined;
    const overrides: Record<string, unknown> = {};
    let importPath: string | undefined;
    let priceList = false;
    const setFormat = (wanted: PlanArgs["format"]) => {
        if (format !== "text" && format !== wanted) {
            throw new UsageError(`--json, --mermaid and --dotenv exclude each other: choose one; ${USAGE}`);
        }
        format = wanted;
    };
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        if (a === "--import-file") {
            importPath = argv[++i];
            if (!importPath) {
                throw new UsageError(`--import-file needs a path; ${USAGE}`);
            }
        } else if (a === "--stack" || a === "-s") {
            stack = argv[++i] ?? "";
            if (!stack) {
                throw new UsageError(`--stack needs a name; ${USAGE}`);
            }
        } else if (a.startsWith("--stack=")) {
            stack = a.slice("--stack=".length);
        } else if (a === "--config" || a === "-c" || a === "--secret") {
            const kv = argv[++i] ?? "";
            const eq = kv.indexOf("=");
            if (eq <= 0) {
                throw new UsageError(`${a} takes <key>=<value> (got "${kv}"); ${USAGE}`);
            }
            const key = kv.slice(0, eq);
            const value = configOverride(a, key, kv.slice(eq + 1), schema);
            setOwn(overrides, key, a === "--secret" ? { secret: value } : value);
        } else if (a === "--json" || a === "--mermaid") {
            setFormat(a === "--json" ? "json" : "mermaid");
        } else if (a === "--dotenv" || a.startsWith("--dotenv=")) {
            const wanted = a === "--dotenv" ? "raw" : a.slice("--dotenv=".length);
            if (!(DOTENV_FORMATS as readonly string[]).includes(wanted)) {
                throw new UsageError(`--dotenv takes ${DOTENV_FORMATS.join(" or ")} (got "${wanted}"); ${USAGE}`);
            }
            setFormat("dotenv");
            dotenvFormat = wanted as DotenvFormat;
        } else if (a === "--price-list") {
            priceList = true;
        } else if (a === "--help" || a === "-h") {
            throw new HelpRequested();
        } else {
            throw new UsageError(`unknown argument "${a}"; ${USAGE}`);
        }
    }
    if (importPath && format !== "text") {
        throw new UsageError(`--import-file writes a file of its own: leave out --json, --mermaid and --dotenv; ${USAGE}`);
    }
    return {
        ...(stack !== undefined && { stack }),
        format,
        ...(dotenvFormat && { dotenvFormat }),
        overrides,
        ...(importPath && { importFile: importPath }),
        ...(priceList && { priceList }),
    };
}

/** The .env the stack gives after `pulumi up`, as `--dotenv` prints it: secrets as [secret], cloud values as placeholders. */
export function renderDotenv(ev: Evaluation, format: DotenvFormat = "raw"): string {
    return [
        `# The .env of stack ${ev.stack} (npm start -- --dotenv${format === "shell" ? "=shell" : ""}), evaluated offline: after pulumi up,`,
        `# (umask 077; pulumi stack output --json --show-secrets -s ${ev.stack} | npm run --silent dotenv -- --format ${format} --out .env) writes it with the values.`,
        "# [secret]: a secret, known after deploy; <name.property>: a value only the cloud knows.",
        formatDotenv(envPreview(ev), format),
    ].join("\n");
}

/** Writes the stack's adoptions for `pulumi import --file`; 2 when the stack adopts nothing. */
function writeImportFile(ev: Evaluation, file: string, write: (s: string) => void, writeError: (s: string) => void): number {
    const spec = importFile(ev);
    const adopted = spec.resources.filter((r) => r.id !== undefined);
    if (adopted.length === 0) {
        writeError(`error: stack ${ev.stack} adopts nothing: set the membrane:existing* keys of the resources it should adopt`);
        return 2;
    }
    fs.writeFileSync(userPath(file), `${JSON.stringify(spec, null, 2)}\n`);
    write(
        [
            `Wrote ${adopted.length} resources to adopt (and their ${spec.resources.length - adopted.length} components) to ${file}:`,
            ...adopted.map((r) => `  ${r.type}  ${r.name}  id ${r.id}`),
            "",
            `Import them (protected) before the first pulumi up: pulumi import --stack ${ev.stack} --file ${file} --generate-code=false`,
        ].join("\n"),
    );
    return 0;
}

// The few inputs that tell resources of a type apart in a listing.
const KEY_PROPERTIES = [
    "bucket",
    "domainName",
    "aliases",
    "region",
    "replicationGroupId",
    "engine",
    "engineVersion",
    "nodeType",
    "numCacheClusters",
    "numNodeGroups",
    "name",
    "clusterType",
    "mongoDbMajorVersion",
    "cidrBlock",
    "username",
    "type",
    "fromPort",
    "cidrIpv4",
    "referencedSecurityGroupId",
    "length",
    "url",
    "serviceAccount",
    "policyArn",
];

/** A resource's key properties as `key=value` text; secret inputs are never shown. */
export function keyProperties(r: RegisteredResource): string {
    return KEY_PROPERTIES.filter((k) => r.inputs[k] !== undefined && r.inputs[k] !== "" && !r.secretInputs.includes(k))
        .map((k) => `${k}=${typeof r.inputs[k] === "string" ? r.inputs[k] : JSON.stringify(r.inputs[k])}`)
        .join(" ");
}

/** The .env the stack would produce: secrets as [secret]; values only the cloud knows are `<name.property>` placeholders. */
export function envPreview(ev: Evaluation): Record<string, string> {
    return Object.fromEntries(
        Object.keys(ev.outputs)
            .filter(isVariableName)
            .sort()
            .map((k) => [k, ev.outputs[k].secret ? "[secret]" : String(ev.outputs[k].value)]),
    );
}

/** The program's other outputs (camelCase), secrets redacted. */
export function otherOutputs(ev: Evaluation): Record<string, unknown> {
    return Object.fromEntries(
        Object.keys(ev.outputs)
            .filter((k) => !isVariableName(k))
            .sort()
            .map((k) => [k, ev.outputs[k].secret ? "[secret]" : ev.outputs[k].value]),
    );
}

/** An evaluation spells an unknown value UNKNOWN_TEXT; the policy SDK receives the engine's own marker. */
function withUnknownMarkers(v: unknown): unknown {
    if (v === UNKNOWN_TEXT) {
        return UNKNOWN_MARKER;
    }
    if (Array.isArray(v)) {
        return v.map(withUnknownMarkers);
    }
    if (v !== null && typeof v === "object") {
        return Object.fromEntries(Object.entries(v).map(([k, e]) => [k, withUnknownMarkers(e)]));
    }
    return v;
}

/** Every resource as the policy pack sees it: its inputs as props, unknown values as the engine marks them. */
export function plannedResources(ev: Evaluation): PlannedResource[] {
    return ev.resources.map((r) => ({
        type: r.type,
        name: r.name,
        urn: r.urn,
        props: withUnknownMarkers(r.inputs) as Record<string, unknown>,
        parent: r.parent,
        dependencies: r.dependencies,
        protect: r.protect,
    }));
}

export function policyFindings(ev: Evaluation): PolicyFinding[] {
    return runPolicies(plannedResources(ev));
}

export interface Plan {
    readonly project: string;
    readonly stack: string;
    readonly components: Array<{
        readonly name: string;
        readonly type: string;
        readonly resources: Array<{
            readonly type: string;
            readonly name: string;
            readonly urn: string;
            readonly protect: boolean;
            /** The id of the existing resource the program adopts (the `import` option). */
            readonly adopts?: string;
            readonly properties: string;
        }>;
    }>;
    readonly totals: { readonly components: number; readonly resources: number };
    readonly policyFindings: PolicyFinding[];
    readonly env: Record<string, string>;
    readonly outputs: Record<string, unknown>;
    readonly warnings: readonly string[];
    /** What the look-ups assumed to exist, without a cloud file: `pulumi preview` verifies it. */
    readonly assumptions: readonly string[];
    /** What the stack costs per month and how long its first `pulumi up` takes: estimates (tools/estimate.ts). */
    readonly estimate: { readonly cost: CostEstimate; readonly duration: DurationEstimate };
}

/** `live`: the Price List's answers (--price-list); without them the estimate uses the shipped table. */
export function plan(ev: Evaluation, live?: PriceListAnswers): Plan {
    const groups = groupByComponent(ev);
    return {
        project: ev.project,
        stack: ev.stack,
        components: groups.map(({ component, resources }) => ({
            name: component.name,
            type: component.type,
            resources: resources.map((r) => ({
                type: r.type,
                name: r.name,
                urn: r.urn,
                protect: r.protect,
                ...(r.importId && { adopts: r.importId }),
                properties: keyProperties(r),
            })),
        })),
        totals: { components: groups.length, resources: groups.reduce((n, g) => n + g.resources.length, 0) },
        policyFindings: policyFindings(ev),
        env: envPreview(ev),
        outputs: otherOutputs(ev),
        warnings: ev.warnings,
        assumptions: ev.assumptions ?? [],
        estimate: { cost: estimateCost(ev, stackRegion(ev), PRICES, live), duration: estimateDuration(ev) },
    };
}

/** The heading, every resource by component (`=` for one it adopts, `+` for one it creates), the totals. */
export function renderResources(p: Pick<Plan, "project" | "stack" | "components" | "totals">): string[] {
    const out: string[] = [`Stack ${p.project}/${p.stack}, evaluated offline (no cloud account, no Pulumi CLI):`, ""];
    for (const c of p.components) {
        out.push(`${c.name}  ${c.type}`);
        const width = Math.max(...c.resources.map((r) => r.type.length), 10);
        for (const r of c.resources) {
            const marks = `${r.adopts ? `  [adopts ${r.adopts}]` : ""}${r.protect ? "  [protected]" : ""}`;
            out.push(`  ${r.adopts ? "=" : "+"} ${r.type.padEnd(width)}  ${r.name}${marks}${r.properties ? `  ${r.properties}` : ""}`);
        }
        out.push("");
    }
    out.push(`${p.totals.resources} resources in ${p.totals.components} components`, "");
    return out;
}

/** What the policy pack says, one finding a line. */
export function renderPolicyFindings(findings: readonly PolicyFinding[]): string[] {
    if (findings.length === 0) {
        return ["Policy pack: no violations", ""];
    }
    return [
        "Policy pack:",
        ...findings.map((f) => `  [${f.enforcementLevel}] ${f.policyName}${f.resourceUrn ? ` ${f.resourceUrn}` : ""}: ${f.message}`),
        "",
    ];
}

export function renderText(p: Plan): string {
    // The warnings where a reader still is: before the long lists of variables and outputs.
    const warnings = p.warnings.length > 0 ? [...p.warnings.map((w) => `warning: ${w}`), ""] : [];
    const out: string[] = [...renderResources(p), ...renderPolicyFindings(p.policyFindings), ...warnings];
    out.push("The .env this stack produces ((umask 077; pulumi stack output dotenv --show-secrets > .env): readable by you only):");
    for (const [k, v] of Object.entries(p.env)) {
        out.push(`  ${k}=${v}`);
    }
    out.push("  ([secret]: known after deploy, shown with --show-secrets; <name.property>: known only after deploy)", "");
    if (Object.keys(p.outputs).length > 0) {
        out.push("Other outputs:");
        for (const [k, v] of Object.entries(p.outputs)) {
            // A multi-line text (a manifest, Helm values) starts on its own lines, indented under its name.
            const text = typeof v === "string" ? v : JSON.stringify(v);
            out.push(text.includes("\n") ? `  ${k}: |\n${text.replace(/^/gm, "      ")}` : `  ${k}: ${text}`);
        }
        out.push("");
    }
    out.push(...renderAssumptions(p.assumptions));
    out.push("", ...renderEstimate(p.estimate.cost, p.estimate.duration));
    return out.join("\n");
}

/** The look-ups answered without a cloud file, said out loud: they are verified only by `pulumi preview`. */
export function renderAssumptions(assumptions: readonly string[]): string[] {
    return assumptions.length === 0
        ? []
        : [
              "Assumed to exist, verified by pulumi preview (describe the account in <stack>.cloud.yaml beside the stack file to check offline):",
              ...assumptions.map((a) => `  - ${a}`),
          ];
}

export function exitCode(p: Plan): number {
    return p.policyFindings.some((f) => f.enforcementLevel === "mandatory") ? 1 : 0;
}

export async function main(
    argv: readonly string[],
    write: (s: string) => void,
    writeError: (s: string) => void,
    /** Where the stack files are, when not beside Pulumi.yaml (the tests' fixtures). */
    stackDir?: string,
    /** With --price-list: the Price List client and cache to use instead of the SDK's and node_modules/.cache's (the tests'). */
    priceList?: { readonly client?: PriceListClient; readonly cache?: PriceCache; readonly now?: Date },
): Promise<number> {
    let args: PlanArgs;
    try {
        args = parseArgs(argv);
    } catch (e) {
        if (e instanceof HelpRequested) {
            write(HELP);
            return 0;
        }
        writeError(`error: ${(e as Error).message}`);
        return 2;
    }
    const available = listStacks(stackDir ?? PROJECT_DIR);
    const stack = args.stack ?? defaultStack(available);
    if (!stack) {
        writeError(
            available.length === 0
                ? "error: there is no Pulumi.<stack>.yaml beside Pulumi.yaml: create one with pulumi stack init <name> and pulumi config set"
                : `error: say which stack: npm start -- --stack <name> (the stacks of this project: ${available.join(", ")})`,
        );
        return 2;
    }
    let ev: Evaluation;
    try {
        ev = await evaluate({ stack, overrides: args.overrides, stackDir });
    } catch (e) {
        if (e instanceof UnknownStackError) {
            writeError(
                `error: unknown stack "${stack}": there is no Pulumi.${stack}.yaml. The stacks of this project: ${e.available.join(", ")}`,
            );
            return 2;
        }
        if (e instanceof StackConfigError) {
            const problems = allConfigProblems(loadProject(PROJECT_DIR), stack, e);
            writeError(`error: stack ${stack}: invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
            return 2;
        }
        if (e instanceof ProgramError) {
            writeError(`error: stack ${stack}: ${e.message}`);
            return 2;
        }
        if (e instanceof CloudFileError) {
            writeError(`error: stack ${stack}: its cloud file:\n${e.problems.map((p) => `  - ${p}`).join("\n")}`);
            return 2;
        }
        throw e;
    }
    if (args.importFile) {
        return writeImportFile(ev, args.importFile, write, writeError);
    }
    if (args.format === "mermaid") {
        write(mermaid(ev));
        return 0;
    }
    if (args.format === "dotenv") {
        write(renderDotenv(ev, args.dotenvFormat).replace(/\n$/, ""));
        return 0;
    }
    const p = plan(ev, args.priceList ? await stackPriceList(ev, stackRegion(ev), priceList) : undefined);
    write(args.format === "json" ? JSON.stringify(p, null, 2) : renderText(p));
    return exitCode(p);
}

if (require.main === module) {
    runMain(() =>
        main(
            process.argv.slice(2),
            (s) => console.log(s),
            (s) => console.error(s),
        ),
    );
}
