// The same deployments without Pulumi Cloud's Deployments: a GitHub Actions workflow that previews
// pull requests and runs `pulumi up` on a push to each stack's branch. It logs in to Pulumi Cloud with
// GitHub's OIDC token (no stored token), and `pulumi up` opens the stack's ESC environment, whose
// aws-login assumes the same deploy role. Pure.
import { stringify } from "yaml";
import type { DeploymentsConfig, StackPlan } from "./config";

/** The repository variable that turns the workflow on; Deployments and the workflow must not both deploy. */
export const RUNNER_VARIABLE = "MEMBRANE_DEPLOY_RUNNER";
export const RUNNER_VALUE = "github-actions";

export const WORKFLOW_PATH = ".github/workflows/membrane-infrastructure.yml";

/** Pinned major versions of the actions the workflow uses. */
export const ACTIONS = {
    checkout: "actions/checkout@v4",
    setupNode: "actions/setup-node@v4",
    pulumiAuth: "pulumi/auth-actions@v2",
    pulumi: "pulumi/actions@v6",
} as const;

/** A job id GitHub accepts (letters, digits, "_" and "-", starting with a letter or "_"). */
export function jobId(verb: string, stack: string): string {
    return `${verb}-${stack.replace(/[^A-Za-z0-9_-]/g, "-")}`;
}

const unique = (xs: readonly string[]) => [...new Set(xs)];

function job(c: DeploymentsConfig, s: StackPlan, command: "preview" | "up"): Record<string, unknown> {
    const event =
        command === "preview"
            ? "github.event_name == 'pull_request' && github.base_ref == "
            : "github.event_name == 'push' && github.ref == ";
    const ref = command === "preview" ? `'${s.branch}'` : `'refs/heads/${s.branch}'`;
    const workDir = c.repoDir || ".";
    return {
        name: `pulumi ${command} ${s.stack}`,
        if: `vars.${RUNNER_VARIABLE} == '${RUNNER_VALUE}' && ${event}${ref}`,
        "runs-on": "ubuntu-latest",
        // Updates of one stack queue; a newer preview of a pull request replaces the older.
        concurrency:
            command === "up"
                ? { group: `membrane-${s.stack}-up`, "cancel-in-progress": false }
                : { group: `membrane-${s.stack}-preview-\${{ github.event.pull_request.number }}`, "cancel-in-progress": true },
        ...(c.repoDir && { defaults: { run: { "working-directory": c.repoDir } } }),
        steps: [
            { uses: ACTIONS.checkout },
            {
                uses: ACTIONS.setupNode,
                with: {
                    "node-version": 22,
                    cache: "npm",
                    "cache-dependency-path": c.repoDir ? `${c.repoDir}/package-lock.json` : "package-lock.json",
                },
            },
            { run: "npm ci" },
            ...s.preRunCommands.map((run) => ({ name: "Check the stack (config, program, policy pack)", run })),
            {
                name: "Log in to Pulumi Cloud with GitHub's OIDC token",
                uses: ACTIONS.pulumiAuth,
                with: { organization: c.organization, "requested-token-type": "urn:pulumi:token-type:access_token:organization" },
            },
            {
                name: `pulumi ${command} (AWS credentials from the ${s.escEnvironment.project}/${s.escEnvironment.name} ESC environment)`,
                uses: ACTIONS.pulumi,
                with: { command, "stack-name": `${c.organization}/${s.stack}`, "work-dir": workDir },
            },
        ],
    };
}

/** The workflow for every stack of the deployments config. */
export function githubWorkflow(c: DeploymentsConfig): Record<string, unknown> {
    const deployed = c.stacks.filter((s) => s.deployCommits);
    const previewed = c.stacks.filter((s) => s.previewPullRequests);
    const on: Record<string, unknown> = {};
    if (deployed.length > 0) {
        on.push = { branches: unique(deployed.map((s) => s.branch)), paths: unique(deployed.flatMap((s) => s.paths)) };
    }
    if (previewed.length > 0) {
        on.pull_request = { branches: unique(previewed.map((s) => s.branch)), paths: unique(previewed.flatMap((s) => s.paths)) };
    }
    if (Object.keys(on).length === 0) {
        on.workflow_dispatch = {};
    }
    const jobs: Record<string, unknown> = {};
    for (const s of c.stacks) {
        if (s.previewPullRequests) {
            jobs[jobId("preview", s.stack)] = job(c, s, "preview");
        }
        if (s.deployCommits) {
            jobs[jobId("up", s.stack)] = job(c, s, "up");
        }
    }
    return {
        name: "Membrane infrastructure",
        on,
        // id-token: write lets the job ask GitHub for the OIDC token it exchanges for a Pulumi token.
        permissions: { contents: "read", "id-token": "write" },
        jobs,
    };
}

/** The workflow file's text, generated from the deployments stack `stack`. */
export function renderWorkflow(c: DeploymentsConfig, stack: string): string {
    const header = [
        `# Generated from deployments/Pulumi.${stack}.yaml; regenerate it rather than editing it:`,
        `#   npm run --silent deployments -- --stack ${stack} --workflow > ${WORKFLOW_PATH}`,
        "# Pulumi Deployments' push-to-deploy, run by GitHub Actions instead (docs/deployments.md). It does nothing until",
        `# the repository variable ${RUNNER_VARIABLE} is ${RUNNER_VALUE}: never turn on both, or every push deploys twice.`,
    ];
    return `${header.join("\n")}\n${stringify(githubWorkflow(c), { lineWidth: 0 })}`;
}
