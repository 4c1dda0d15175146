// Everything one Membrane stack needs to be deployed on a push with short-lived credentials only: the
// permissions boundary of its roles, its deploy role (trusted by Deployments and by its ESC environment,
// allowed exactly what the program manages), the ESC environment, the deployment settings, the drift
// schedule and the stack's tags.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as pulumiservice from "@pulumi/pulumiservice";
import { childName, tags } from "../components/naming";
import { DeploymentsConfig, PROJECT, StackPlan } from "./config";
import { renderEscEnvironment } from "./esc";
import { boundaryPolicy, DeployScope, deployPolicies } from "./permissions";
import { deploymentSettingsArgs, driftScheduleArgs, escSessionName, stackTags } from "./settings";
import { deployRoleTrustPolicy } from "./trust";

export interface StackDeploymentArgs {
    /** The Pulumi organization (lowercase). */
    readonly organization: string;
    /** The GitHub repository, owner/name. */
    readonly repository: string;
    /** The Membrane project's name. */
    readonly membraneProject: string;
    /** The Membrane project's folder in the repository; "" = the root. */
    readonly repoDir: string;
    /** What to create for the stack, validated by parseDeploymentsConfig. */
    readonly plan: StackPlan;
    /** The IAM OIDC provider for https://api.pulumi.com/oidc. */
    readonly providerArn: pulumi.Input<string>;
    /** The AWS account and partition the deploy role's ARNs name. */
    readonly account: { readonly accountId: pulumi.Input<string>; readonly partition: pulumi.Input<string> };
    /** Session length for Deployments and ESC ("XhYmZs") and in seconds. */
    readonly session: { readonly duration: string; readonly seconds: number };
    /** Who runs the deployments: Pulumi Deployments' triggers are off when the GitHub Actions workflow does. */
    readonly runner: DeploymentsConfig["runner"];
    /** The Atlas service account the ESC environment hands the Membrane program; absent = none. */
    readonly atlas?: { readonly clientId: string; readonly clientSecret: pulumi.Input<string> };
    /** This deployments stack, `<project>/<stack>`, for the stack tags. */
    readonly managedBy: string;
}

export class StackDeployment extends pulumi.ComponentResource {
    readonly deployRoleArn: pulumi.Output<string>;
    readonly boundaryArn: pulumi.Output<string>;
    /** `<organization>/<project>/<name>` of the stack's ESC environment. */
    readonly escEnvironment: pulumi.Output<string>;

    constructor(name: string, args: StackDeploymentArgs, opts?: pulumi.ComponentResourceOptions) {
        super("membrane:deployments:StackDeployment", name, {}, opts);
        const opt = { parent: this };
        const { plan } = args;
        const { facts } = plan;
        const awsTags = tags(facts.environment, { ManagedBy: PROJECT });

        const boundary = new aws.iam.Policy(
            childName(name, "boundary"),
            {
                name: plan.names.boundaryPolicy,
                description: `Permissions boundary of every role the Membrane stack ${plan.stack} creates`,
                policy: pulumi.all([args.account.partition, args.account.accountId]).apply(([partition, accountId]) =>
                    JSON.stringify(
                        boundaryPolicy({
                            partition,
                            accountId,
                            region: facts.region,
                            environment: facts.environment,
                            namePrefix: facts.namePrefix,
                            secretsKmsKeyArn: facts.secretsKmsKeyArn,
                            adopted: facts.adopted,
                        }),
                    ),
                ),
                tags: awsTags,
            },
            opt,
        );

        const role = new aws.iam.Role(
            childName(name, "role"),
            {
                name: plan.names.deployRole,
                description: `Deploys the Membrane stack ${args.organization}/${args.membraneProject}/${plan.stack} (Pulumi Deployments and ESC, by OIDC)`,
                assumeRolePolicy: pulumi.output(args.providerArn).apply((providerArn) =>
                    JSON.stringify(
                        deployRoleTrustPolicy({
                            providerArn,
                            organization: args.organization,
                            project: args.membraneProject,
                            stack: plan.stack,
                            escProject: plan.escEnvironment.project,
                        }),
                    ),
                ),
                // IAM's floor is one hour; a longer session needs a longer maximum.
                maxSessionDuration: Math.max(3600, args.session.seconds),
                tags: awsTags,
            },
            opt,
        );

        const zoneId = facts.dns
            ? aws.route53.getZoneOutput({ name: facts.dns.hostedZoneName, privateZone: false }, opt).zoneId
            : pulumi.output("");
        // The cluster's own OIDC provider is the only one the deploy role may manage: its issuer names it.
        const eksOidcIssuer = facts.eksClusterName
            ? aws.eks
                  .getClusterOutput({ name: facts.eksClusterName, region: facts.region }, opt)
                  .identities.apply((ids) => ids[0]?.oidcs[0]?.issuer ?? "")
                  .apply((issuer) => issuer.replace(/^https:\/\//, ""))
            : pulumi.output("");
        const scopeOf = (partition: string, accountId: string, zone: string, boundaryArn: string, issuer = ""): DeployScope => ({
            partition,
            accountId,
            region: facts.region,
            environment: facts.environment,
            namePrefix: facts.namePrefix,
            vpcId: facts.vpcId,
            privateSubnetIds: facts.privateSubnetIds,
            ...(facts.dns && { dns: { zoneId: zone, staticDomainName: facts.dns.staticDomainName } }),
            ...(facts.eksClusterName && { eksClusterName: facts.eksClusterName }),
            ...(issuer && { eksOidcIssuer: issuer }),
            ...(facts.adopted && { adopted: facts.adopted }),
            ...(facts.regionInNames && { nameSuffix: `-${facts.region}` }),
            ...(facts.secretsKmsKeyArn && { secretsKmsKeyArn: facts.secretsKmsKeyArn }),
            ...(facts.existingExecutionRoleName && { existingExecutionRoleName: facts.existingExecutionRoleName }),
            boundaryArn,
        });
        const documents = pulumi
            .all([args.account.partition, args.account.accountId, zoneId, boundary.arn, eksOidcIssuer])
            .apply(([partition, accountId, zone, boundaryArn, issuer]) =>
                deployPolicies(scopeOf(partition, accountId, zone, boundaryArn, issuer)),
            );
        // Which families of services the stack needs does not depend on the account's ids.
        const families = Object.keys(deployPolicies(scopeOf("aws", "000000000000", "Z", "arn:aws:iam::000000000000:policy/b")));
        const attachments = families.map((family) => {
            const policy = new aws.iam.Policy(
                childName(name, `deploy-${family}`),
                {
                    name: `${plan.names.deployPolicyPrefix}-${family}`,
                    description: `What deploying the Membrane stack ${plan.stack} needs (${family})`,
                    policy: documents.apply((d) => JSON.stringify(d[family])),
                    tags: awsTags,
                },
                opt,
            );
            return new aws.iam.RolePolicyAttachment(
                childName(name, `deploy-${family}-attachment`),
                { role: role.name, policyArn: policy.arn },
                opt,
            );
        });

        const atlasSecret = args.atlas ? pulumi.secret(args.atlas.clientSecret) : pulumi.output(undefined);
        const environment = new pulumiservice.Environment(
            childName(name, "environment"),
            {
                organization: args.organization,
                project: plan.escEnvironment.project,
                name: plan.escEnvironment.name,
                yaml: pulumi.all([role.arn, boundary.arn, atlasSecret]).apply(
                    ([roleArn, boundaryArn, clientSecret]) =>
                        new pulumi.asset.StringAsset(
                            renderEscEnvironment({
                                roleArn,
                                sessionName: escSessionName(plan.stack),
                                duration: args.session.duration,
                                boundaryArn,
                                ...(args.atlas && clientSecret !== undefined && { atlas: { clientId: args.atlas.clientId, clientSecret } }),
                            }),
                        ),
                ),
            },
            opt,
        );

        // The first push after bootstrap must find the role's permissions in place.
        const settings = new pulumiservice.DeploymentSettings(
            childName(name, "settings"),
            deploymentSettingsArgs({ ...args, sessionDuration: args.session.duration }, plan, role.arn),
            { parent: this, dependsOn: [...attachments, environment] },
        );
        // Drift runs are deployments: they need the settings first.
        new pulumiservice.DriftSchedule(childName(name, "drift"), driftScheduleArgs(args, plan), { parent: this, dependsOn: [settings] });
        new pulumiservice.StackTags(
            childName(name, "tags"),
            { organization: args.organization, project: args.membraneProject, stack: plan.stack, tags: stackTags(plan, args.managedBy) },
            opt,
        );

        this.deployRoleArn = role.arn;
        this.boundaryArn = boundary.arn;
        this.escEnvironment = pulumi.interpolate`${args.organization}/${environment.project}/${environment.name}`;
        this.registerOutputs({ deployRoleArn: this.deployRoleArn, boundaryArn: this.boundaryArn, escEnvironment: this.escEnvironment });
    }
}
