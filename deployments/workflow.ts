// The same deployments without Pulumi Cloud's Deployments: a GitHub Actions workflow that previews
// pull requests and runs `pulumi up` on a push to each stack's branch. It logs in to Pulumi Cloud with
// GitHub's OIDC token (no stored token), and `pulumi up` opens the stack's ESC environment, whose
// aws-login assumes the same deploy role. Every preview and update runs the policy pack (policy/). Every
// pull request also gets the offline check of every stack, in a job without any credential. Pure.
import * as path from "path";
import { stringify } from "yaml";
import type { DeploymentsConfig, StackPlan } from "./config";

/** The repository variable that turns the workflow on; Deployments and the workflow must not both deploy. */
export const RUNNER_VARIABLE = "MEMBRANE_DEPLOY_RUNNER";
export const RUNNER_VALUE = "github-actions";

export const WORKFLOW_PATH = ".github/workflows/membrane-infrastructure.yml";

/**
 * The actions the workflows use, each pinned to the full commit SHA of a release (GitHub's hardening
 * guide: a tag can be moved to other code, a commit cannot). The SHAs are the releases' tags as the
 * repositories publish them; the release is written beside each `uses:` line. Bump both together.
 */
export const PINNED_ACTIONS = {
    checkout: { repository: "actions/checkout", release: "v7.0.1", sha: "3d3c42e5aac5ba805825da76410c181273ba90b1" },
    setupNode: { repository: "actions/setup-node", release: "v7.0.0", sha: "820762786026740c76f36085b0efc47a31fe5020" },
    pulumiAuth: { repository: "pulumi/auth-actions", release: "v2.1.0", sha: "141415910c3beb54e03b48e9057c204c97b956f2" },
    pulumi: { repository: "pulumi/actions", release: "v7.0.0", sha: "8e5e406f4007fca908480587cb9893c07090f58d" },
    awsCredentials: {
        repository: "aws-actions/configure-aws-credentials",
        release: "v6.2.3",
        sha: "e6de054238d6b7531b4efff3b6587d9aade6a06c",
    },
} as const;

type ActionName = keyof typeof PINNED_ACTIONS;

/** `uses:` of each action: `<owner>/<repo>@<sha>`. */
export const ACTIONS = Object.fromEntries(Object.entries(PINNED_ACTIONS).map(([k, a]) => [k, `${a.repository}@${a.sha}`])) as Record<
    ActionName,
    string
>;

/** The policy pack, relative to the repository root: every real preview and update runs it (`--policy-pack`). */
export const POLICY_PACK_DIR = "policy";

/** The policy pack's folder as `pulumi` sees it from the Membrane project's folder (the action's work-dir). */
export const policyPackPath = (repoDir: string) => path.posix.relative(repoDir || ".", POLICY_PACK_DIR);

/** The workflow's text: the object as YAML, a header, and each pinned action's release beside its SHA. */
export function renderYaml(header: readonly string[], workflow: Record<string, unknown>): string {
    const releases = new Map(Object.values(PINNED_ACTIONS).map((a) => [`${a.repository}@${a.sha}`, a.release]));
    const body = stringify(workflow, { lineWidth: 0 }).replace(/^(\s*(?:- )?uses: )(\S+)$/gm, (line, _prefix, ref: string) =>
        releases.has(ref) ? `${line} # ${releases.get(ref)}` : line,
    );
    return `${header.join("\n")}\n${body}`;
}

/** Node 22, without a dependency cache: a deploy job holds credentials, so nothing a pull request wrote may reach it (setup-node's own advice). */
// A function: a shared object would be written once and aliased (&a1/*a1) in the YAML.
export const setupNodeStep = () => ({ uses: ACTIONS.setupNode, with: { "node-version": 22, "package-manager-cache": false } });

/** Checkout without leaving the job's GitHub token in .git/config for the later steps (the program, npm scripts). */
export const checkoutStep = (ref?: string) => ({
    uses: ACTIONS.checkout,
    with: { "persist-credentials": false, ...(ref && { ref }) },
});

/** A job id GitHub accepts (letters, digits, "_" and "-", starting with a letter or "_"). */
export function jobId(verb: string, stack: string): string {
    return `${verb}-${stack.replace(/[^A-Za-z0-9_-]/g, "-")}`;
}

export const unique = (xs: readonly string[]) => [...new Set(xs)];

/** The id of the credential-free check job of pull requests. */
export const CHECK_JOB = "check";

/**
 * `npm run check` of every stack on every pull request that changes the program or a stack file, with no
 * cloud credential and no OIDC token (`contents: read` only): a config mistake fails the pull request before
 * any deploy, in either runner's workflow, and also on pull requests from forks and into production's branch,
 * which get no preview. Holding nothing, it needs no runner variable to keep it from running twice.
 */
export function checkJob(c: DeploymentsConfig): Record<string, unknown> {
    return {
        name: "npm run check (every stack, offline, no credentials)",
        if: "github.event_name == 'pull_request'",
        "runs-on": "ubuntu-latest",
        permissions: { contents: "read" },
        concurrency: { group: "membrane-check-${{ github.event.pull_request.number }}", "cancel-in-progress": true },
        ...(c.repoDir && { defaults: { run: { "working-directory": c.repoDir } } }),
        steps: [
            checkoutStep(),
            setupNodeStep(),
            { run: "npm ci" },
            {
                name: "Check every stack (config, program, policy pack)",
                run: `npm run check -- ${c.stacks.map((s) => `--stack ${s.stack}`).join(" ")}`,
            },
        ],
    };
}

/** Pull requests into any stack's branch that change the program or a stack file: the check job's trigger. */
export const pullRequestTrigger = (c: DeploymentsConfig) => ({
    branches: unique(c.stacks.map((s) => s.branch)),
    paths: unique(c.stacks.flatMap((s) => s.paths)),
});

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
            checkoutStep(),
            setupNodeStep(),
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
                with: {
                    command,
                    "stack-name": `${c.organization}/${s.stack}`,
                    "work-dir": workDir,
                    policyPacks: policyPackPath(c.repoDir),
                },
            },
        ],
    };
}

/** The workflow for every stack of the deployments config. */
export function githubWorkflow(c: DeploymentsConfig): Record<string, unknown> {
    const deployed = c.stacks.filter((s) => s.deployCommits);
    const on: Record<string, unknown> = {};
    if (deployed.length > 0) {
        on.push = { branches: unique(deployed.map((s) => s.branch)), paths: unique(deployed.flatMap((s) => s.paths)) };
    }
    on.pull_request = pullRequestTrigger(c);
    const jobs: Record<string, unknown> = { [CHECK_JOB]: checkJob(c) };
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
        // id-token: write lets a deploy job ask GitHub for the OIDC token it exchanges for a Pulumi token (the check job drops it).
        permissions: { contents: "read", "id-token": "write" },
        jobs,
    };
}

/** The workflow file's text, generated from the deployments stack `stack`. */
export function renderWorkflow(c: DeploymentsConfig, stack: string): string {
    const header = [
        `# Generated from deployments/Pulumi.${stack}.yaml; regenerate it rather than editing it:`,
        `#   npm run --silent deployments -- --stack ${stack} --workflow > ${WORKFLOW_PATH}`,
        "# Pulumi Deployments' push-to-deploy, run by GitHub Actions instead (docs/deployments.md). It deploys nothing until",
        `# the repository variable ${RUNNER_VARIABLE} is ${RUNNER_VALUE}: never turn on both, or every push deploys twice.`,
        `# Its ${CHECK_JOB} job (npm run check of every stack, no credentials) runs on every pull request either way.`,
    ];
    return renderYaml(header, githubWorkflow(c));
}
