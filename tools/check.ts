// `npm run check [-- --stack <name> ...]`: the fast validity check of the user's own stacks, for CI and
// for a Pulumi Deployments pre-run command. For every Pulumi.<stack>.yaml (or the stacks named): the
// config contract (the CLI's checks and the program's), the program evaluated as at `pulumi up` and as at
// a first `pulumi preview` (where cloud values are unknown), the policy pack, and no secret in the file.
// Exit codes: 0 every stack passes; 1 a mandatory policy violation; 2 a config or program error.
import { PolicyFinding } from "../policy/runner";
import { runMain } from "./cli";
import { allConfigProblems } from "./config-problems";
import { evaluate, ProgramError, PROJECT_DIR } from "./engine";
import { policyFindings, renderAssumptions } from "./plan";
import { listStacks, loadProject, readStackFile, StackConfigError, UnknownStackError } from "./stack-config";

export interface StackVerdict {
    readonly stack: string;
    /** 0 passes, 1 a mandatory policy violation, 2 a config or program error. */
    readonly code: 0 | 1 | 2;
    readonly resources: number;
    readonly problems: readonly string[];
    readonly findings: readonly PolicyFinding[];
    readonly warnings: readonly string[];
    /** What the look-ups assumed to exist, without a cloud file. */
    readonly assumptions?: readonly string[];
}

// Keys that hold credentials must be stored encrypted (`pulumi config set --secret`).
const SECRET_LOOKING = /secret|password|token|mongouri|apikey|privatekey|clientsecret/i;

/** Plain-text values in the stack file under keys that hold credentials. */
export function plainTextSecrets(config: Record<string, unknown>): string[] {
    return Object.entries(config)
        .filter(
            ([key, value]) =>
                SECRET_LOOKING.test(key.replace(/[^A-Za-z]/g, "")) && typeof value !== "object" && value !== "" && value !== undefined,
        )
        .map(
            ([key]) => `${key}: holds a plain-text value in the stack file; store it encrypted: pulumi config set --secret ${key} <value>`,
        );
}

export async function checkStack(stack: string, dir: string = PROJECT_DIR, stackDir: string = dir): Promise<StackVerdict> {
    const verdict = (code: 0 | 1 | 2, rest: Partial<StackVerdict>): StackVerdict => ({
        stack,
        code,
        resources: 0,
        problems: [],
        findings: [],
        warnings: [],
        ...rest,
    });
    let hygiene: string[];
    try {
        hygiene = plainTextSecrets(readStackFile(stackDir, stack).config);
    } catch (e) {
        if (e instanceof StackConfigError || e instanceof UnknownStackError) {
            return verdict(2, { problems: e instanceof StackConfigError ? e.problems : [e.message] });
        }
        throw e;
    }
    try {
        const [up, preview] = await Promise.all([evaluate({ stack, dir, stackDir }), evaluate({ stack, dir, stackDir, preview: true })]);
        const findings = [...policyFindings(up), ...policyFindings(preview).filter((f) => f.enforcementLevel === "mandatory")];
        const unique = [...new Map(findings.map((f) => [`${f.policyName} ${f.resourceUrn} ${f.message}`, f])).values()];
        const code = hygiene.length > 0 ? 2 : unique.some((f) => f.enforcementLevel === "mandatory") ? 1 : 0;
        const resources = up.resources.filter((r) => r.custom).length;
        return verdict(code, { resources, problems: hygiene, findings: unique, warnings: up.warnings, assumptions: up.assumptions ?? [] });
    } catch (e) {
        if (e instanceof StackConfigError) {
            return verdict(2, { problems: [...allConfigProblems(loadProject(dir), stack, e), ...hygiene] });
        }
        if (e instanceof ProgramError) {
            // A ConfigError lists its problems one per line after a heading.
            const listed = e.message
                .split("\n")
                .filter((l) => l.startsWith("  - "))
                .map((l) => l.slice(4));
            return verdict(2, { problems: [...(listed.length > 0 ? listed : [e.message]), ...hygiene] });
        }
        throw e;
    }
}

export function renderVerdict(v: StackVerdict): string {
    const head =
        v.code === 0
            ? `✔ ${v.stack}: ${v.resources} resources, config valid, no mandatory policy violation`
            : `✘ ${v.stack}: ${v.code === 1 ? "mandatory policy violation" : "invalid"}`;
    return [
        head,
        ...v.problems.map((p) => `    - ${p}`),
        ...v.findings.map((f) => `    [${f.enforcementLevel}] ${f.policyName}${f.resourceUrn ? ` ${f.resourceUrn}` : ""}: ${f.message}`),
        ...v.warnings.map((w) => `    warning: ${w}`),
        ...renderAssumptions(v.assumptions ?? []).map((l) => `    ${l}`),
    ].join("\n");
}

/** `stackDir`: where the stack files are (default: beside Pulumi.yaml). */
export async function main(argv: readonly string[], write: (s: string) => void, stackDir: string = PROJECT_DIR): Promise<number> {
    const named: string[] = [];
    for (let i = 0; i < argv.length; i++) {
        if ((argv[i] === "--stack" || argv[i] === "-s") && argv[i + 1]) {
            named.push(argv[++i]);
        } else if (argv[i].startsWith("--stack=")) {
            named.push(argv[i].slice("--stack=".length));
        } else {
            write(`error: unknown argument "${argv[i]}"; usage: npm run check [-- --stack <name> ...]`);
            return 2;
        }
    }
    const stacks = named.length > 0 ? named : listStacks(stackDir);
    if (stacks.length === 0) {
        write(`error: no Pulumi.<stack>.yaml in ${stackDir}: create one with pulumi stack init <name> and pulumi config set`);
        return 2;
    }
    // One at a time: each stack already evaluates twice in parallel, and the machine may have two cores.
    let code = 0;
    for (const stack of stacks) {
        const v = await checkStack(stack, PROJECT_DIR, stackDir);
        write(renderVerdict(v));
        code = Math.max(code, v.code);
    }
    return code;
}

if (require.main === module) {
    runMain(() => main(process.argv.slice(2), (s) => console.log(s)));
}
