// The workflow of the path without Pulumi Cloud (runner github-actions-self-managed): state in the S3
// bucket, secrets with each stack's KMS key, AWS credentials from GitHub's own OIDC token. Per stack:
// `pulumi preview` of pull requests (non-production) with the read-only role, `pulumi up` on a push to
// the stack's branch with the deploy role in the stack's protected GitHub environment, and a nightly
// drift check (`pulumi preview --refresh --expect-no-changes`) with the read-only role. Every preview and
// update runs the policy pack after the offline check; every pull request gets that check of every stack
// in a job without any credential. Pure.
import type { DeploymentsConfig, StackPlan } from "./config";
import { SELF_MANAGED } from "./config";
import { githubEnvironments, stateBackendUrl } from "./self-managed";
import {
    ACTIONS,
    CHECK_JOB,
    checkJob,
    checkoutStep,
    jobId,
    policyPackPath,
    pullRequestTrigger,
    renderYaml,
    RUNNER_VARIABLE,
    setupNodeStep,
    unique,
    WORKFLOW_PATH,
} from "./workflow";

/** The roles the jobs assume, by stack. */
export type StackRoles = Readonly<Record<string, { readonly deploy: string; readonly read: string }>>;

/** The Atlas service account, from the job's GitHub environment (empty when the environment has none). */
export const ATLAS_SECRETS = ["MONGODB_ATLAS_CLIENT_ID", "MONGODB_ATLAS_CLIENT_SECRET"] as const;

type Kind = "preview" | "up" | "drift";

function job(c: DeploymentsConfig, s: StackPlan, kind: Kind, roleArn: string): Record<string, unknown> {
    const sm = c.selfManaged!;
    const environment = kind === "up" ? githubEnvironments(s.stack).deploy : githubEnvironments(s.stack).read;
    const when = {
        preview: `github.event_name == 'pull_request' && github.base_ref == '${s.branch}'`,
        up: `github.event_name == 'push' && github.ref == 'refs/heads/${s.branch}'`,
        drift: "(github.event_name == 'schedule' || github.event_name == 'workflow_dispatch')",
    }[kind];
    const concurrency = {
        // Updates of one stack queue and are never cancelled; a newer pending one replaces an older pending one.
        up: { group: `membrane-${s.stack}-up`, "cancel-in-progress": false },
        preview: { group: `membrane-${s.stack}-preview-\${{ github.event.pull_request.number }}`, "cancel-in-progress": true },
        drift: { group: `membrane-${s.stack}-drift`, "cancel-in-progress": false },
    }[kind];
    const workDir = c.repoDir || ".";
    const pulumiWith: Record<string, unknown> = {
        command: kind === "up" ? "up" : "preview",
        "stack-name": s.stack,
        "work-dir": workDir,
        "cloud-url": stateBackendUrl(sm.stateBucket, sm.region),
        ...(kind === "drift" ? { refresh: true, "expect-no-changes": true } : { policyPacks: policyPackPath(c.repoDir) }),
        ...(kind !== "up" && { "comment-on-summary": true }),
    };
    return {
        name: `pulumi ${kind === "drift" ? "drift check" : kind} ${s.stack}`,
        if: `vars.${RUNNER_VARIABLE} == '${SELF_MANAGED}' && ${when}`,
        "runs-on": "ubuntu-latest",
        // The role trusts only jobs of this environment; its protection rules decide which branches and reviewers reach it.
        environment,
        concurrency,
        ...(c.repoDir && { defaults: { run: { "working-directory": c.repoDir } } }),
        steps: [
            // A drift check runs on the default branch (schedules do); it checks the code the stack was deployed from.
            checkoutStep(kind === "drift" ? s.branch : undefined),
            setupNodeStep(),
            { run: "npm ci" },
            ...(kind === "drift" ? [] : s.preRunCommands.map((run) => ({ name: "Check the stack (config, program, policy pack)", run }))),
            {
                name: `AWS credentials: ${kind === "up" ? "the deploy role" : "the read-only role"}, for GitHub's OIDC token of environment ${environment}`,
                uses: ACTIONS.awsCredentials,
                with: {
                    "role-to-assume": roleArn,
                    "aws-region": sm.region,
                    "role-session-name": `membrane-${s.stack}-${kind}-\${{ github.run_id }}`,
                    "role-duration-seconds": Math.max(900, c.sessionSeconds),
                },
            },
            {
                name:
                    kind === "drift"
                        ? `pulumi preview --refresh --expect-no-changes (fails when the cloud drifted from the stack)`
                        : `pulumi ${kind} with the policy pack (state in s3://${sm.stateBucket})`,
                uses: ACTIONS.pulumi,
                with: pulumiWith,
                env: Object.fromEntries(ATLAS_SECRETS.map((k) => [k, `\${{ secrets.${k} }}`])),
            },
        ],
    };
}

/** The workflow for every stack of a self-managed deployments config. */
export function selfManagedWorkflow(c: DeploymentsConfig, roles: StackRoles): Record<string, unknown> {
    const deployed = c.stacks.filter((s) => s.deployCommits);
    const on: Record<string, unknown> = {};
    if (deployed.length > 0) {
        on.push = { branches: unique(deployed.map((s) => s.branch)), paths: unique(deployed.flatMap((s) => s.paths)) };
    }
    on.pull_request = pullRequestTrigger(c);
    on.schedule = unique(c.stacks.map((s) => s.drift.scheduleCron)).map((cron) => ({ cron }));
    on.workflow_dispatch = {};
    const jobs: Record<string, unknown> = { [CHECK_JOB]: checkJob(c) };
    for (const s of c.stacks) {
        if (s.previewPullRequests) {
            jobs[jobId("preview", s.stack)] = job(c, s, "preview", roles[s.stack].read);
        }
        if (s.deployCommits) {
            jobs[jobId("up", s.stack)] = job(c, s, "up", roles[s.stack].deploy);
        }
        jobs[jobId("drift", s.stack)] = job(c, s, "drift", roles[s.stack].read);
    }
    return {
        name: "Membrane infrastructure",
        on,
        // id-token: write lets a deploy job ask GitHub for the OIDC token it exchanges for AWS credentials (the check job drops it).
        permissions: { contents: "read", "id-token": "write" },
        jobs,
    };
}

/** The workflow file's text, generated from the deployments stack `stack`. */
export function renderSelfManagedWorkflow(c: DeploymentsConfig, stack: string, roles: StackRoles): string {
    const header = [
        `# Generated by the deployments stack ${stack} (deployments/Pulumi.${stack}.yaml), with its roles' ARNs; regenerate it`,
        `# rather than editing it: cd deployments && pulumi stack output githubWorkflow > ../${WORKFLOW_PATH}`,
        "# GitHub Actions with a self-managed backend, no Pulumi Cloud (docs/ci-self-managed.md). It deploys nothing until",
        `# the repository variable ${RUNNER_VARIABLE} is ${SELF_MANAGED}: set it once the setup commands have run.`,
        `# Its ${CHECK_JOB} job (npm run check of every stack, no credentials) runs on every pull request either way.`,
    ];
    return renderYaml(header, selfManagedWorkflow(c, roles));
}
