// Everything one Membrane stack needs to be deployed on a push with short-lived credentials only: the
// permissions boundary of its roles, its deploy role (trusted by Deployments and by its ESC environment,
// allowed exactly what the program manages), the ESC environment, the deployment settings, the drift
// schedule and the stack's tags.
import * as aws from "./aws";
import * as pulumi from "@pulumi/pulumi";
import * as pulumiservice from "@pulumi/pulumiservice";
import { lookup, missingZoneMessage } from "../lib/lookups";
import { childName, tags } from "../lib/naming";
import { deployScope, DeploymentsConfig, PROJECT, StackPlan } from "./config";
import { renderEscEnvironment } from "./esc";
import { boundaryPolicy, DeployScope, deployPolicies, TypePermissions } from "./permissions";
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
        const awsTags = stackTagsOf(plan);

        const boundary = permissionsBoundary(name, this, plan, args.account);

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

        const attachments = attachStackPolicies(name, this, {
            plan,
            account: args.account,
            boundaryArn: boundary.arn,
            role,
            kind: "deploy",
            policyNamePrefix: plan.names.deployPolicyPrefix,
            description: (family) => `What deploying the Membrane stack ${plan.stack} needs (${family})`,
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

/** The AWS account and partition a stack's ARNs name. */
export type AccountFacts = StackDeploymentArgs["account"];

/** The tags of everything created for a stack. */
export const stackTagsOf = (plan: StackPlan) => tags(plan.facts.environment, { ManagedBy: PROJECT });

/** The permissions boundary of every role the Membrane stack creates, registered under `parent`. */
export function permissionsBoundary(name: string, parent: pulumi.Resource, plan: StackPlan, account: AccountFacts): aws.iam.Policy {
    const { facts } = plan;
    return new aws.iam.Policy(
        childName(name, "boundary"),
        {
            name: plan.names.boundaryPolicy,
            description: `Permissions boundary of every role the Membrane stack ${plan.stack} creates`,
            policy: pulumi.all([account.partition, account.accountId]).apply(([partition, accountId]) =>
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
            tags: stackTagsOf(plan),
        },
        { parent },
    );
}

export interface StackPoliciesArgs {
    /** The stack whose resources the policies reach. */
    readonly plan: StackPlan;
    /** The account and partition of the policies' ARNs. */
    readonly account: AccountFacts;
    /** The permissions boundary every role the deploy creates must carry. */
    readonly boundaryArn: pulumi.Output<string>;
    /** The role the policies are attached to. */
    readonly role: aws.iam.Role;
    /** The child names' infix: `<name>-<kind>-<family>`. */
    readonly kind: string;
    /** Managed policies are `<policyNamePrefix>-<family>`. */
    readonly policyNamePrefix: string;
    /** Each managed policy's description. */
    readonly description: (family: string) => string;
    /** The permission table, or a part of it (the read-only role's); default: all of DEPLOY_PERMISSIONS. */
    readonly table?: Readonly<Record<string, TypePermissions>>;
}

/** The role's managed policies from the permission table, one per family of services, attached to it. */
export function attachStackPolicies(name: string, parent: pulumi.Resource, a: StackPoliciesArgs): aws.iam.RolePolicyAttachment[] {
    const { facts } = a.plan;
    const opt = { parent };
    // The Route 53 grants name the zone by id: a zone the account does not hold stops the program here,
    // naming the Membrane stack and its key, rather than leave the grants and what needs them out.
    const dns = facts.dns;
    const zoneId = dns
        ? pulumi.output(
              lookup(
                  aws.route53.getZone({ name: dns.hostedZoneName, privateZone: false }, opt),
                  (reason) => `Membrane stack ${a.plan.stack}: ${missingZoneMessage(dns.hostedZoneName, reason)}`,
              ),
          ).zoneId
        : pulumi.output("");
    // The cluster's own OIDC provider is the only one the deploy role may manage: its issuer names it.
    const eksOidcIssuer = facts.eksClusterName
        ? aws.eks
              .getClusterOutput({ name: facts.eksClusterName, region: facts.region }, opt)
              .identities.apply((ids) => ids[0]?.oidcs[0]?.issuer ?? "")
              .apply((issuer) => issuer.replace(/^https:\/\//, ""))
        : pulumi.output("");
    const scopeOf = (partition: string, accountId: string, zoneId: string, boundaryArn: string, eksOidcIssuer = ""): DeployScope =>
        deployScope(facts, { partition, accountId, zoneId, boundaryArn, eksOidcIssuer });
    const documents = pulumi
        .all([a.account.partition, a.account.accountId, zoneId, a.boundaryArn, eksOidcIssuer])
        .apply(([partition, accountId, zone, boundaryArn, issuer]) =>
            deployPolicies(scopeOf(partition, accountId, zone, boundaryArn, issuer), a.table),
        );
    // Which families of services the stack needs does not depend on the account's ids.
    const families = Object.keys(deployPolicies(scopeOf("aws", "000000000000", "Z", "arn:aws:iam::000000000000:policy/b"), a.table));
    return families.map((family) => {
        const policy = new aws.iam.Policy(
            childName(name, `${a.kind}-${family}`),
            {
                name: `${a.policyNamePrefix}-${family}`,
                description: a.description(family),
                policy: documents.apply((d) => JSON.stringify(d[family])),
                tags: stackTagsOf(a.plan),
            },
            opt,
        );
        return new aws.iam.RolePolicyAttachment(
            childName(name, `${a.kind}-${family}-attachment`),
            { role: a.role.name, policyArn: policy.arn },
            opt,
        );
    });
}
