// `npm run deployments -- --stack <name> [--json | --workflow] [--cloud <file>]`: the deployments program
// (deployments/), offline, as `npm start` evaluates the Membrane program: what it would create, what the
// policy pack says about it, its outputs. `--workflow` prints the GitHub Actions workflow it generates.
// Exit codes: 0 clean; 1 a mandatory policy violation; 2 a config error, an unknown stack or bad arguments; 3 an internal error.
import * as path from "path";
import { CloudFileError, loadCloudFixture } from "./cloud-file";
import type { CloudFixture } from "./mock-cloud";
import { evaluate, Evaluation, PROJECT_DIR, ProgramError } from "./engine";
import { HelpRequested, runMain, UsageError, userPath } from "./cli";
import { exitCode, plan, Plan, renderAssumptions, renderPolicyFindings, renderResources } from "./plan";
import { StackConfigError, UnknownStackError } from "../lib/stack-files";

export const DEPLOYMENTS_DIR = path.join(PROJECT_DIR, "deployments");

export interface DeploymentsPlanArgs {
    /** The deployments stack's name. */
    readonly stack: string;
    /** What to print: the plan as text or JSON, or the generated GitHub workflow. */
    readonly format: "text" | "json" | "workflow";
    /** A YAML file describing what already exists in the account (an IAM OIDC provider, ...). */
    readonly cloudFile?: string;
}

const USAGE = "usage: npm run deployments -- --stack <name> [--json | --workflow] [--cloud <file>] [--help]";

export const HELP = `${USAGE}

Evaluates the deployments program (deployments/) offline: the Pulumi Deployments settings, OIDC provider, deploy
roles and ESC environments it would create for the Membrane stacks, what the policy pack says, and its outputs.

  --stack, -s <name>  the deployments stack: reads deployments/Pulumi.<name>.yaml
  --json              the plan as JSON (secrets redacted)
  --workflow          the GitHub Actions workflow it generates
  --cloud <file>      what already exists in the account (an IAM OIDC provider, ...), as a cloud file
  --help, -h          this text

Exit codes: 0 clean; 1 a mandatory policy violation; 2 a config error, an unknown stack or a bad argument; 3 an internal error.`;

export function parseArgs(argv: readonly string[]): DeploymentsPlanArgs {
    let stack = "";
    let format: DeploymentsPlanArgs["format"] = "text";
    let cloudFile: string | undefined;
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        if (a === "--stack" || a === "-s") {
            stack = argv[++i] ?? "";
        } else if (a.startsWith("--stack=")) {
            stack = a.slice("--stack=".length);
        } else if (a === "--cloud") {
            cloudFile = argv[++i];
            if (!cloudFile) {
                throw new UsageError(`--cloud needs a file; ${USAGE}`);
            }
        } else if (a === "--help" || a === "-h") {
            throw new HelpRequested();
        } else if (a === "--json" || a === "--workflow") {
            format = a === "--json" ? "json" : "workflow";
        } else {
            throw new UsageError(`unknown argument "${a}"; ${USAGE}`);
        }
    }
    if (!stack) {
        throw new UsageError(`--stack needs the deployments stack's name; ${USAGE}`);
    }
    return { stack, format, ...(cloudFile && { cloudFile }) };
}

export { loadCloudFixture } from "./cloud-file";

export function renderText(p: Plan): string {
    const out: string[] = [...renderResources(p), ...renderPolicyFindings(p.policyFindings), "Outputs:"];
    for (const [k, v] of Object.entries(p.outputs).filter(([k]) => k !== "githubWorkflow" && k !== "setupCommands")) {
        out.push(`  ${k}: ${typeof v === "string" ? v : JSON.stringify(v)}`);
    }
    out.push("  githubWorkflow: (print it with --workflow)");
    if ("setupCommands" in p.outputs) {
        // They name the account's real ARNs, which only the real run knows.
        out.push("  setupCommands: (after pulumi up: pulumi stack output setupCommands)");
    }
    out.push("", ...renderAssumptions(p.assumptions));
    for (const w of p.warnings) {
        out.push(`warning: ${w}`);
    }
    return out.join("\n");
}

export async function main(
    argv: readonly string[],
    write: (s: string) => void,
    writeError: (s: string) => void,
    /** Where the deployments stack files are, when not in deployments/ (the tests' fixtures). */
    stackDir?: string,
): Promise<number> {
    let args: DeploymentsPlanArgs;
    let cloud: CloudFixture | undefined;
    try {
        args = parseArgs(argv);
        cloud = args.cloudFile ? loadCloudFixture(userPath(args.cloudFile)) : undefined;
    } catch (e) {
        if (e instanceof HelpRequested) {
            write(HELP);
            return 0;
        }
        writeError(`error: ${(e as Error).message}`);
        return 2;
    }
    let ev: Evaluation;
    try {
        ev = await evaluate({ dir: DEPLOYMENTS_DIR, stack: args.stack, stackDir, cloud });
    } catch (e) {
        if (e instanceof UnknownStackError) {
            writeError(
                `error: unknown deployments stack "${args.stack}": there is no deployments/Pulumi.${args.stack}.yaml. Its stacks: ${e.available.join(", ")}`,
            );
            return 2;
        }
        if (e instanceof StackConfigError || e instanceof ProgramError || e instanceof CloudFileError) {
            writeError(`error: stack ${args.stack}: ${e.message}`);
            return 2;
        }
        throw e;
    }
    if (args.format === "workflow") {
        write(String(ev.outputs.githubWorkflow?.value ?? ""));
        return 0;
    }
    const p = plan(ev);
    write(args.format === "json" ? JSON.stringify(p, null, 2) : renderText(p));
    return exitCode(p);
}

if (require.main === module) {
    runMain(() =>
        main(
            process.argv.slice(2),
            (s) => process.stdout.write(s.endsWith("\n") ? s : `${s}\n`),
            (s) => console.error(s),
        ),
    );
}
