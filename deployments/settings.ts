// What Pulumi Cloud is told about a Membrane stack: its deployment settings, drift schedule and tags.
// Pure builders over a StackPlan; the component passes them to @pulumi/pulumiservice.
import type { DeploymentsConfig, StackPlan } from "./config";

/** STS's RoleSessionName: 2 to 64 of these characters (AWS STS API reference, AssumeRoleWithWebIdentity). */
export const ROLE_SESSION_NAME = /^[\w+=,.@-]{2,64}$/;

/**
 * Deployments' AWS session name, shown in CloudTrail. No `${...}` placeholders: Pulumi's docs name
 * `${deployment.operation}` where the OpenAPI spec of the service (bundled with pulumiservice 1.3.0) names
 * `${operation}`; a placeholder left unrendered is a character STS refuses, and every login would fail.
 * CloudTrail still tells the operation apart: the AssumeRoleWithWebIdentity event carries the token's
 * subject, `...:operation:<operation>:scope:write`.
 */
export const deploymentsSessionName = (stack: string) => `membrane-${stack}-deployments`.slice(0, 64);

export const escSessionName = (stack: string) => `membrane-${stack}-esc`.slice(0, 64);

/**
 * The first pre-run command. Pulumi's docs do not say whether pre-run commands run before or after the
 * default dependency installation, and `npm run check` needs the dependencies: so the settings skip that
 * step and install them here, as Pulumi's "Skipping Automatic Dependency Installation" page describes.
 */
export const INSTALL_COMMAND = "npm ci --no-audit --no-fund";

type Project = Pick<DeploymentsConfig, "organization" | "repository" | "membraneProject" | "repoDir" | "sessionDuration" | "runner">;

/**
 * `pulumiservice.DeploymentSettings` arguments, with the deploy role's ARN as given (a string or an Output).
 * When the GitHub Actions workflow runs the deployments, the settings stay (drift runs need them) but
 * trigger nothing on push or pull request.
 */
export function deploymentSettingsArgs<T>(c: Project, s: StackPlan, roleArn: T) {
    const triggers = c.runner === "pulumi-deployments";
    return {
        organization: c.organization,
        project: c.membraneProject,
        stack: s.stack,
        sourceContext: { git: { branch: `refs/heads/${s.branch}`, ...(c.repoDir && { repoDir: c.repoDir }) } },
        vcs: {
            provider: "github",
            repository: c.repository,
            deployCommits: triggers && s.deployCommits,
            previewPullRequests: triggers && s.previewPullRequests,
            // Review stacks would create an Atlas cluster and a Redis per pull request (docs/deployments.md).
            pullRequestTemplate: false,
            paths: [...s.paths],
        },
        operationContext: {
            preRunCommands: [INSTALL_COMMAND, ...s.preRunCommands],
            oidc: { aws: { roleARN: roleArn, sessionName: deploymentsSessionName(s.stack), duration: c.sessionDuration } },
            options: { skipIntermediateDeployments: true, skipInstallDependencies: true },
        },
        cacheOptions: { enable: true },
    };
}

export function driftScheduleArgs(c: Pick<DeploymentsConfig, "organization" | "membraneProject">, s: StackPlan) {
    return {
        organization: c.organization,
        project: c.membraneProject,
        stack: s.stack,
        scheduleCron: s.drift.scheduleCron,
        autoRemediate: s.drift.autoRemediate,
    };
}

/** Tag names: letters, digits and `-_.:`, at most 40 characters (Pulumi Cloud's rule for stack tags). */
export const STACK_TAG_NAME = /^[A-Za-z0-9_.:-]{1,40}$/;

/** Tags that tell, in the console, what a stack is and who configures its deployments. */
export function stackTags(s: StackPlan, managedBy: string): Record<string, string> {
    return {
        "membrane:environment": s.facts.environment,
        "membrane:production": String(s.facts.production),
        "membrane:deployBranch": s.branch,
        "membrane:escEnvironment": `${s.escEnvironment.project}/${s.escEnvironment.name}`,
        "membrane:managedBy": managedBy,
    };
}
