// Deploys the Membrane stacks on git push with short-lived credentials only. With Pulumi Cloud: config ->
// the account's Pulumi OIDC provider -> per stack, a deploy role, its ESC environment and its Deployments
// settings. Without it (runner github-actions-self-managed): config -> GitHub's OIDC provider and the
// state bucket -> per stack, a deploy role and a read-only role trusted by GitHub environments, and a
// secrets key; plus the workflow and the commands that finish the setup.
// A separate program, because a stack should not manage its own deployment settings.
import * as aws from "./aws";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { readRuntimeConfig } from "../lib/config-source";
import { DeploymentsConfig, parseDeploymentsConfig, SelfManagedConfig, stateKeyAlias } from "./config";
import { GithubActions } from "./github-actions";
import { GithubOidc } from "./github-oidc";
import { loadMembraneSource, REPOSITORY_ROOT } from "./membrane-source";
import { PolicyEnforcement, POLICY_PACK_NAME } from "./policy-group";
import { PulumiOidc } from "./pulumi-oidc";
import { deploymentsKeyAlias, secretsProviderUrl, stateBackendUrl } from "./self-managed";
import { SelfManagedStack } from "./self-managed-stack";
import { setupCommands } from "./setup-commands";
import { StackDeployment } from "./stack-deployment";
import { StateBackend } from "./state-backend";
import { POLICY_PACK_DIR, renderWorkflow } from "./workflow";
import { renderSelfManagedWorkflow } from "./workflow-self-managed";

const raw = readRuntimeConfig();
const config = parseDeploymentsConfig(raw, loadMembraneSource(raw));
config.warnings.forEach((w) => pulumi.log.warn(w));
const account = { accountId: aws.getCallerIdentityOutput().accountId, partition: aws.getPartitionOutput().partition };

const byPlan = <S, T>(stacks: readonly S[], f: (s: S) => T) => Object.fromEntries(config.stacks.map((p, i) => [p.stack, f(stacks[i])]));

/** Pulumi Deployments, or the GitHub workflow with Pulumi Cloud: OIDC through Pulumi Cloud, ESC environments. */
function withPulumiCloud(c: DeploymentsConfig) {
    const oidc = new PulumiOidc("pulumi-oidc", { organization: c.organization, mode: c.oidcProvider });
    const atlasSecret = c.atlas ? new pulumi.Config().requireSecret("atlasClientSecret") : undefined;

    const stacks = c.stacks.map(
        (plan) =>
            new StackDeployment(`stack-${plan.stack}`, {
                organization: c.organization,
                repository: c.repository,
                membraneProject: c.membraneProject,
                repoDir: c.repoDir,
                plan,
                providerArn: oidc.providerArn,
                account,
                session: { duration: c.sessionDuration, seconds: c.sessionSeconds },
                runner: c.runner,
                ...(c.atlas && atlasSecret && { atlas: { clientId: c.atlas.clientId, clientSecret: atlasSecret } }),
                managedBy: `${pulumi.getProject()}/${pulumi.getStack()}`,
            }),
    );

    if (c.runner === "github-actions") {
        new GithubActions("github-actions", { config: c, tokenSeconds: c.sessionSeconds });
    }

    // Opt-in: Pulumi Cloud runs the pack on every update of the stacks, whoever starts it.
    const enforcement = c.policyGroup
        ? new PolicyEnforcement("policy", {
              organization: c.organization,
              groupName: c.policyGroup,
              project: c.membraneProject,
              stacks: c.stacks.map((s) => s.stack),
              sourcePath: path.join(REPOSITORY_ROOT, POLICY_PACK_DIR),
          })
        : undefined;

    return {
        oidcProviderArn: oidc.providerArn,
        deployRoleArns: byPlan(stacks, (s) => s.deployRoleArn),
        permissionsBoundaryArns: byPlan(stacks, (s) => s.boundaryArn),
        escEnvironments: byPlan(stacks, (s) => s.escEnvironment),
        githubWorkflow: renderWorkflow(c, pulumi.getStack()),
        ...(enforcement && {
            policyGroup: { name: enforcement.groupName, pack: POLICY_PACK_NAME, versionTag: enforcement.packVersionTag },
        }),
    };
}

/** GitHub Actions with a self-managed backend: no Pulumi Cloud at all (docs/ci-self-managed.md). */
function selfManaged(c: DeploymentsConfig, sm: SelfManagedConfig) {
    const oidc = new GithubOidc("github-oidc", { mode: sm.githubOidcProvider });
    const backend = new StateBackend("state", {
        bucketName: sm.stateBucket,
        account,
        administrators: sm.administrators,
        deploymentsStack: pulumi.getStack(),
    });
    const stacks = c.stacks.map(
        (plan) =>
            new SelfManagedStack(`stack-${plan.stack}`, {
                repository: c.repository,
                membraneProject: c.membraneProject,
                plan,
                providerArn: oidc.providerArn,
                account,
                sessionSeconds: c.sessionSeconds,
                stateBucket: backend.bucketName,
                administrators: sm.administrators,
            }),
    );
    const roles = pulumi.all(stacks.map((s) => pulumi.all([s.deployRoleArn, s.readRoleArn])));
    const boundaries = pulumi.all(stacks.map((s) => s.boundaryArn));
    return {
        githubOidcProviderArn: oidc.providerArn,
        stateBackend: backend.bucketName.apply((bucket) => stateBackendUrl(bucket, sm.region)),
        deploymentsSecretsProvider: secretsProviderUrl(deploymentsKeyAlias(pulumi.getStack()), sm.region),
        secretsProviders: Object.fromEntries(c.stacks.map((p) => [p.stack, secretsProviderUrl(stateKeyAlias(p.stack), sm.region)])),
        deployRoleArns: byPlan(stacks, (s) => s.deployRoleArn),
        readRoleArns: byPlan(stacks, (s) => s.readRoleArn),
        permissionsBoundaryArns: byPlan(stacks, (s) => s.boundaryArn),
        githubWorkflow: roles.apply((arns) =>
            renderSelfManagedWorkflow(
                c,
                pulumi.getStack(),
                Object.fromEntries(c.stacks.map((p, i) => [p.stack, { deploy: arns[i][0], read: arns[i][1] }])),
            ),
        ),
        setupCommands: pulumi.all([boundaries, roles]).apply(([boundaryArns, roleArns]) =>
            setupCommands(c, {
                deploymentsStack: pulumi.getStack(),
                boundaryArns: Object.fromEntries(c.stacks.map((p, i) => [p.stack, boundaryArns[i]])),
                deployRoleArns: Object.fromEntries(c.stacks.map((p, i) => [p.stack, roleArns[i][0]])),
            }),
        ),
    };
}

export = config.selfManaged ? selfManaged(config, config.selfManaged) : withPulumiCloud(config);
