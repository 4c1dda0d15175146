// Deploys the Membrane stacks on git push with short-lived credentials only: config -> the account's
// Pulumi OIDC provider -> per stack, a deploy role, its ESC environment and its Deployments settings.
// A separate program, because a stack should not manage its own deployment settings.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { parseDeploymentsConfig, RawConfig } from "./config";
import { GithubActions } from "./github-actions";
import * as path from "path";
import { loadMembraneSource, REPOSITORY_ROOT } from "./membrane-source";
import { PolicyEnforcement, POLICY_PACK_NAME } from "./policy-group";
import { PulumiOidc } from "./pulumi-oidc";
import { StackDeployment } from "./stack-deployment";
import { POLICY_PACK_DIR, renderWorkflow } from "./workflow";

function readRawConfig(): RawConfig {
    const values = pulumi.runtime.allConfig();
    // isConfigSecret is the SDK's record of PULUMI_CONFIG_SECRET_KEYS; it is not in its typings.
    const { isConfigSecret } = require("@pulumi/pulumi/runtime/config") as { isConfigSecret(k: string): boolean };
    return { values, secretKeys: Object.keys(values).filter((k) => isConfigSecret(k)) };
}

const raw = readRawConfig();
const config = parseDeploymentsConfig(raw, loadMembraneSource(raw));
config.warnings.forEach((w) => pulumi.log.warn(w));

const oidc = new PulumiOidc("pulumi-oidc", { organization: config.organization, mode: config.oidcProvider });
const account = { accountId: aws.getCallerIdentityOutput().accountId, partition: aws.getPartitionOutput().partition };
const atlasSecret = config.atlas ? new pulumi.Config().requireSecret("atlasClientSecret") : undefined;

const stacks = config.stacks.map(
    (plan) =>
        new StackDeployment(`stack-${plan.stack}`, {
            organization: config.organization,
            repository: config.repository,
            membraneProject: config.membraneProject,
            repoDir: config.repoDir,
            plan,
            providerArn: oidc.providerArn,
            account,
            session: { duration: config.sessionDuration, seconds: config.sessionSeconds },
            runner: config.runner,
            ...(config.atlas && atlasSecret && { atlas: { clientId: config.atlas.clientId, clientSecret: atlasSecret } }),
            managedBy: `${pulumi.getProject()}/${pulumi.getStack()}`,
        }),
);

if (config.runner === "github-actions") {
    new GithubActions("github-actions", { config, tokenSeconds: config.sessionSeconds });
}

// Opt-in: Pulumi Cloud runs the pack on every update of the stacks, whoever starts it.
const enforcement = config.policyGroup
    ? new PolicyEnforcement("policy", {
          organization: config.organization,
          groupName: config.policyGroup,
          project: config.membraneProject,
          stacks: config.stacks.map((s) => s.stack),
          sourcePath: path.join(REPOSITORY_ROOT, POLICY_PACK_DIR),
      })
    : undefined;

const byStack = <T>(f: (s: StackDeployment) => T) => Object.fromEntries(config.stacks.map((p, i) => [p.stack, f(stacks[i])]));

export = {
    oidcProviderArn: oidc.providerArn,
    deployRoleArns: byStack((s) => s.deployRoleArn),
    permissionsBoundaryArns: byStack((s) => s.boundaryArn),
    escEnvironments: byStack((s) => s.escEnvironment),
    githubWorkflow: renderWorkflow(config, pulumi.getStack()),
    ...(enforcement && {
        policyGroup: { name: enforcement.groupName, pack: POLICY_PACK_NAME, versionTag: enforcement.packVersionTag },
    }),
};
