// Everything one Membrane stack needs to be deployed by GitHub Actions with no Pulumi Cloud: the same
// permissions boundary and the same table's policies as the Pulumi Deployments role (one table, two
// trusts), on a deploy role that only the stack's protected GitHub environment can assume; a read-only
// role for pull-request previews and drift runs; the stack's secrets key; and each role's access to the
// stack's state in the bucket.
import * as aws from "./aws";
import * as pulumi from "@pulumi/pulumi";
import { childName } from "../lib/naming";
import { PROJECT, StackPlan, stateKeyAlias } from "./config";
import { githubEnvironments, githubTrustPolicy, readOnlyTable, stateAccessPolicy, stateKeyPolicy } from "./self-managed";
import { AccountFacts, attachStackPolicies, permissionsBoundary, stackTagsOf } from "./stack-deployment";

export interface SelfManagedStackArgs {
    /** The GitHub repository, owner/name, exactly as GitHub spells it (AWS compares the subject case-sensitively). */
    readonly repository: string;
    /** The Membrane project's name: the state's folder in the bucket. */
    readonly membraneProject: string;
    /** What to create for the stack, validated by parseDeploymentsConfig. */
    readonly plan: StackPlan;
    /** GitHub's IAM OIDC provider. */
    readonly providerArn: pulumi.Input<string>;
    /** The account and partition of the roles' ARNs. */
    readonly account: AccountFacts;
    /** The longest AWS session a role hands out, in seconds. */
    readonly sessionSeconds: number;
    /** The state bucket. */
    readonly stateBucket: pulumi.Input<string>;
    /** Who administers the stack's secrets key (stack init, local operations). */
    readonly administrators: readonly string[];
}

/** A state key's tags: never the stack's Environment and Service pair, which the deploy table's key grants match. */
export const stateKeyTags = (stack: string) => ({ ManagedBy: PROJECT, Purpose: "pulumi-secrets-provider", PulumiStack: stack });

export class SelfManagedStack extends pulumi.ComponentResource {
    readonly deployRoleArn: pulumi.Output<string>;
    readonly readRoleArn: pulumi.Output<string>;
    readonly boundaryArn: pulumi.Output<string>;
    readonly stateKeyArn: pulumi.Output<string>;

    constructor(name: string, args: SelfManagedStackArgs, opts?: pulumi.ComponentResourceOptions) {
        super("membrane:deployments:SelfManagedStack", name, {}, opts);
        const opt = { parent: this };
        const { plan, account } = args;
        const environments = githubEnvironments(plan.stack);
        const role = (child: string, roleName: string, environment: string, what: string) =>
            new aws.iam.Role(
                childName(name, child),
                {
                    name: roleName,
                    description: `${what} the Membrane stack ${plan.stack} (GitHub Actions, environment ${environment} of ${args.repository}, by OIDC)`,
                    assumeRolePolicy: pulumi
                        .output(args.providerArn)
                        .apply((providerArn) =>
                            JSON.stringify(githubTrustPolicy({ providerArn, repository: args.repository, environment })),
                        ),
                    // IAM's floor is one hour; a longer session needs a longer maximum.
                    maxSessionDuration: Math.max(3600, args.sessionSeconds),
                    tags: stackTagsOf(plan),
                },
                opt,
            );

        const boundary = permissionsBoundary(name, this, plan, account);
        const deployRole = role("role", plan.names.deployRole, environments.deploy, "Deploys");
        attachStackPolicies(name, this, {
            plan,
            account,
            boundaryArn: boundary.arn,
            role: deployRole,
            kind: "deploy",
            policyNamePrefix: plan.names.deployPolicyPrefix,
            description: (family) => `What deploying the Membrane stack ${plan.stack} needs (${family})`,
        });
        const readRole = role("read-role", plan.names.readRole, environments.read, "Previews and checks for drift");
        attachStackPolicies(name, this, {
            plan,
            account,
            boundaryArn: boundary.arn,
            role: readRole,
            kind: "read",
            policyNamePrefix: plan.names.readRole,
            description: (family) => `What previewing and refreshing the Membrane stack ${plan.stack} reads (${family})`,
            table: readOnlyTable(),
        });

        // The stack's own key: a role of one stack cannot decrypt another stack's data key, even from its stack file.
        const key = new aws.kms.Key(
            childName(name, "state-key"),
            {
                description: `Secrets provider of the Membrane stack ${plan.stack} (pulumi stack init --secrets-provider awskms://${stateKeyAlias(plan.stack)})`,
                enableKeyRotation: true,
                deletionWindowInDays: 30,
                policy: pulumi
                    .all([account.partition, account.accountId, deployRole.arn, readRole.arn])
                    .apply(([partition, accountId, deployArn, readArn]) =>
                        JSON.stringify(
                            stateKeyPolicy({ partition, accountId, administrators: args.administrators, decrypters: [deployArn, readArn] }),
                        ),
                    ),
                tags: stateKeyTags(plan.stack),
            },
            // Every secret of the stack is encrypted under it: it outlives this program.
            { parent: this, protect: true, retainOnDelete: true },
        );
        new aws.kms.Alias(childName(name, "state-key-alias"), { name: stateKeyAlias(plan.stack), targetKeyId: key.keyId }, opt);

        const statePolicy = (child: string, target: aws.iam.Role, write: boolean) =>
            new aws.iam.RolePolicy(
                childName(name, child),
                {
                    role: target.name,
                    name: "pulumi-state",
                    policy: pulumi
                        .all([account.partition, args.stateBucket, key.arn])
                        .apply(([partition, bucket, keyArn]) =>
                            JSON.stringify(
                                stateAccessPolicy({ partition, bucket, project: args.membraneProject, stack: plan.stack, keyArn, write }),
                            ),
                        ),
                },
                opt,
            );
        statePolicy("state", deployRole, true);
        statePolicy("read-state", readRole, false);

        this.deployRoleArn = deployRole.arn;
        this.readRoleArn = readRole.arn;
        this.boundaryArn = boundary.arn;
        this.stateKeyArn = key.arn;
        this.registerOutputs({
            deployRoleArn: this.deployRoleArn,
            readRoleArn: this.readRoleArn,
            boundaryArn: this.boundaryArn,
            stateKeyArn: this.stateKeyArn,
        });
    }
}
