// `npm run check [-- --stack <name> ...]`: the fast validity check of the user's own stacks, for CI and
// for a Pulumi Deployments pre-run command. For every Pulumi.<stack>.yaml (or the stacks named): the
// config contract (the CLI's checks and the program's), the program evaluated as at `pulumi up` and as at
// a first `pulumi preview` (where cloud values are unknown), the policy pack, no secret in the file, and no
// two stacks sharing a bucket name.
// Exit codes: 0 every stack passes; 1 a mandatory policy violation; 2 a config or program error; 3 an internal error.
import { PolicyFinding } from "../policy/runner";
import { HelpRequested, runMain, UsageError } from "./cli";
import { allConfigProblems } from "./config-problems";
import { evaluate, ProgramError, PROJECT_DIR } from "./engine";
import { policyFindings, renderAssumptions } from "./plan";
import { CloudFileError } from "./cloud-file";
import { credentialKeys } from "./secret-keys";
import { listStacks, loadProject, readStackFile, StackConfigError, UnknownStackError } from "../lib/stack-files";

export interface StackVerdict {
    readonly stack: string;
    /** 0 passes, 1 a mandatory policy violation, 2 a config or program error, 3 an internal error. */
    readonly code: 0 | 1 | 2 | 3;
    readonly resources: number;
    readonly problems: readonly string[];
    readonly findings: readonly PolicyFinding[];
    readonly warnings: readonly string[];
    /** What the look-ups assumed to exist, without a cloud file. */
    readonly assumptions?: readonly string[];
    /** The S3 bucket names the stack creates or adopts: global, so no two stacks may share one. */
    readonly bucketNames?: readonly string[];
}

/**
 * Problems for each stack whose bucket names another stack of the folder also uses (a stack file copied
 * without changing membrane:environment): S3 names are global, so the second `pulumi up` fails, and the
 * two stacks' account-wide names (IAM roles, the credentials secret) collide too in one account.
 */
export function bucketNameCollisions(verdicts: readonly StackVerdict[]): Map<string, string[]> {
    const problems = new Map<string, string[]>();
    for (const v of verdicts) {
        for (const other of verdicts.filter((o) => o !== v)) {
            const shared = (v.bucketNames ?? []).filter((name) => (other.bucketNames ?? []).includes(name));
            if (shared.length > 0) {
                problems.set(v.stack, [
                    ...(problems.get(v.stack) ?? []),
                    `shares ${shared.length} bucket name${shared.length > 1 ? "s" : ""} with stack ${other.stack} (${shared[0]}${shared.length > 1 ? ", …" : ""}): S3 bucket names are global, so one of the two cannot be created; give each stack its own membrane:environment (or membrane:namePrefix)`,
                ]);
            }
        }
    }
    return problems;
}

/** Plain-text values in the stack file under keys that hold credentials (by the program's and the providers' contracts). */
export function plainTextSecrets(config: Record<string, unknown>, credentials: readonly string[] = credentialKeys()): string[] {
    return Object.entries(config)
        .filter(([key, value]) => credentials.includes(key) && typeof value === "string" && value !== "")
        .map(
            ([key]) => `${key}: holds a plain-text value in the stack file; store it encrypted: pulumi config set --secret ${key} <value>`,
        );
}

export async function checkStack(stack: string, dir: string = PROJECT_DIR, stackDir: string = dir): Promise<StackVerdict> {
    const verdict = (code: StackVerdict["code"], rest: Partial<StackVerdict>): StackVerdict => ({
        stack,
        code,
        resources: 0,
        problems: [],
        findings: [],
        warnings: [],
        ...rest,
    });
    // The program refuses its own secret keys in plain text; the file check adds the providers' credentials.
    const withHygiene = (problems: string[], hygiene: readonly string[]) => [
        ...problems,
        ...hygiene.filter((h) => !problems.some((p) => p.startsWith(h.slice(0, h.indexOf(": ") + 2)))),
    ];
    let hygiene: string[];
    try {
        hygiene = plainTextSecrets(readStackFile(stackDir, stack).config);
    } catch (e) {
        if (e instanceof StackConfigError || e instanceof UnknownStackError) {
            return verdict(2, { problems: e instanceof StackConfigError ? e.problems : [e.message] });
        }
        return verdict(3, { problems: [`internal error: ${(e as Error).message ?? e}`] });
    }
    try {
        const [up, preview] = await Promise.all([evaluate({ stack, dir, stackDir }), evaluate({ stack, dir, stackDir, preview: true })]);
        const findings = [...policyFindings(up), ...policyFindings(preview).filter((f) => f.enforcementLevel === "mandatory")];
        const unique = [...new Map(findings.map((f) => [`${f.policyName} ${f.resourceUrn} ${f.message}`, f])).values()];
        const code = hygiene.length > 0 ? 2 : unique.some((f) => f.enforcementLevel === "mandatory") ? 1 : 0;
        const resources = up.resources.filter((r) => r.custom).length;
        const bucketNames = up.resources.filter((r) => r.type === "aws:s3/bucket:Bucket").map((r) => String(r.inputs.bucket));
        return verdict(code, {
            resources,
            problems: hygiene,
            findings: unique,
            warnings: up.warnings,
            assumptions: up.assumptions ?? [],
            bucketNames,
        });
    } catch (e) {
        if (e instanceof StackConfigError) {
            return verdict(2, { problems: withHygiene(allConfigProblems(loadProject(dir), stack, e), hygiene) });
        }
        if (e instanceof CloudFileError) {
            return verdict(2, { problems: [...e.problems, ...hygiene] });
        }
        if (e instanceof ProgramError) {
            // A ConfigError lists its problems one per line after a heading.
            const listed = e.message
                .split("\n")
                .filter((l) => l.startsWith("  - "))
                .map((l) => l.slice(4));
            return verdict(2, { problems: withHygiene(listed.length > 0 ? listed : [e.message], hygiene) });
        }
        // Whatever went wrong with this stack, the others still get their verdict.
        return verdict(3, { problems: [`internal error: ${(e as Error).message ?? e}`] });
    }
}

export function renderVerdict(v: StackVerdict): string {
    const head =
        v.code === 0
            ? `✔ ${v.stack}: ${v.resources} resources, config valid, no mandatory policy violation`
            : `✘ ${v.stack}: ${v.code === 1 ? "mandatory policy violation" : v.code === 2 ? "invalid" : "could not be checked"}`;
    return [
        head,
        ...v.problems.map((p) => `    - ${p}`),
        ...v.findings.map((f) => `    [${f.enforcementLevel}] ${f.policyName}${f.resourceUrn ? ` ${f.resourceUrn}` : ""}: ${f.message}`),
        ...v.warnings.map((w) => `    warning: ${w}`),
        ...renderAssumptions(v.assumptions ?? []).map((l) => `    ${l}`),
    ].join("\n");
}

const USAGE = "usage: npm run check [-- --stack <name> ...]";

export const HELP = `${USAGE}

Checks every Pulumi.<stack>.yaml beside Pulumi.yaml (or the stacks named), offline: the config (the CLI's checks
and the program's), the program as at \`pulumi up\` and as at a first \`pulumi preview\`, the policy pack, no
plain-text credentials in the file, and no two stacks sharing a bucket name. For CI and a Pulumi Deployments
pre-run command.

Exit codes: 0 every stack passes; 1 a mandatory policy violation; 2 a config or program error; 3 an internal error.`;

/** The stacks named on the command line; throws HelpRequested for --help, UsageError for anything else. */
export function parseArgs(argv: readonly string[]): string[] {
    const named: string[] = [];
    for (let i = 0; i < argv.length; i++) {
        if (argv[i] === "--help" || argv[i] === "-h") {
            throw new HelpRequested();
        } else if ((argv[i] === "--stack" || argv[i] === "-s") && argv[i + 1]) {
            named.push(argv[++i]);
        } else if (argv[i].startsWith("--stack=")) {
            named.push(argv[i].slice("--stack=".length));
        } else {
            throw new UsageError(`unknown argument "${argv[i]}"; ${USAGE}`);
        }
    }
    return named;
}

/** `stackDir`: where the stack files are (default: beside Pulumi.yaml). */
export async function main(argv: readonly string[], write: (s: string) => void, stackDir: string = PROJECT_DIR): Promise<number> {
    let named: string[];
    try {
        named = parseArgs(argv);
    } catch (e) {
        if (e instanceof HelpRequested) {
            write(HELP);
            return 0;
        }
        write(`error: ${(e as Error).message}`);
        return 2;
    }
    const stacks = named.length > 0 ? named : listStacks(stackDir);
    if (stacks.length === 0) {
        write(`error: no Pulumi.<stack>.yaml in ${stackDir}: create one with pulumi stack init <name> and pulumi config set`);
        return 2;
    }
    // One at a time: each stack already evaluates twice in parallel, and the machine may have two cores.
    const verdicts: StackVerdict[] = [];
    for (const stack of stacks) {
        verdicts.push(await checkStack(stack, PROJECT_DIR, stackDir));
    }
    const collisions = bucketNameCollisions(verdicts);
    let code = 0;
    for (const v of verdicts) {
        const shared = collisions.get(v.stack) ?? [];
        const checked: StackVerdict = shared.length > 0 ? { ...v, code: 2, problems: [...v.problems, ...shared] } : v;
        write(renderVerdict(checked));
        code = Math.max(code, checked.code);
    }
    return code;
}

if (require.main === module) {
    runMain(() => main(process.argv.slice(2), (s) => console.log(s)));
}
