// The escalation catalogue: what a session of one stack's deploy role (whoever gets code into the
// repository, and for staging whoever opens a pull request) might try, each attempt one or more IAM
// requests with the context AWS sends. Grown from the public lists, not from our permission table:
//   RHINO n  = RhinoSecurityLabs/AWS-IAM-Privilege-Escalation README.md, method n (28 methods);
//   PMAPPER x = nccgroup/PMapper principalmapper/graphing/x_edges.py (its edge checkers);
//   ISSUE 21.n = the audit of issue 21, item n (and its near misses).
// An attempt succeeds only when every request is allowed. `nearMiss` marks the ones AWS gives no
// condition to block: the suite then checks that they do succeed (so the docs stay true) and, where
// `guard` names one, that the account-level guard of deployments/guards.ts blocks them.
import { DeployScope, programRoleNames } from "../../deployments/permissions";
import { ACCOUNT_ID } from "../../tools/mock-cloud";
import { BOUNDARY, DEPLOY_ROLE } from "./deploy-scopes";
import { Context, IamRequest } from "./iam-sim";

/** Who sends a request: the attacking stack's deploy role, a role it created or changed (which carries its boundary), or an outsider. */
export type Actor = "deploy" | "own-role" | "outsider";

export interface Step extends IamRequest {
    readonly by?: Actor;
    /** A KMS request: the key is the attacker's or the victim's alarm key, whose key policy the program writes. */
    readonly keyPolicyOf?: "attacker" | "victim";
}

export interface Attempt {
    readonly id: string;
    readonly source: string;
    readonly what: string;
    readonly steps: readonly Step[];
    /** AWS offers no condition that blocks it: why, documented in docs/deployments.md under the same id. */
    readonly nearMiss?: string;
    /** The account-level guard (deployments/guards.ts) that blocks it. */
    readonly guard?: "rcp" | "scp";
}

/** A stack as the attacker sees it: its scope and the names and tags of what it owns. */
export interface StackView {
    readonly stack: string;
    readonly scope: DeployScope;
}

export const OUTSIDER_ACCOUNT = "999999999999";
/** The organization of the fixtures' account. */
export const ORGANIZATION_ID = "o-acme0example";
export const OUTSIDER = `arn:aws:iam::${OUTSIDER_ACCOUNT}:role/attacker`;

const tagsOf = (prefix: "aws:ResourceTag" | "aws:RequestTag", environment: string): Context => ({
    [`${prefix}/Environment`]: environment,
    [`${prefix}/Service`]: "membrane",
});

/** The names and ARNs of a stack's resources, as the Membrane program creates them. */
export function resourcesOf(v: StackView) {
    const s = v.scope;
    const a = `${s.partition}`;
    const id = v.stack.length.toString(16).padStart(2, "0");
    const bucketBase = s.adopted?.buckets?.[0]?.replace(/-tmp$/, "") ?? `${s.namePrefix}${s.environment}-integration-app`;
    const roles = programRoleNames(s);
    return {
        env: s.environment,
        region: s.region,
        bucket: `arn:${a}:s3:::${bucketBase}-tmp`,
        object: `arn:${a}:s3:::${bucketBase}-connectors/package.zip`,
        taskRole: `arn:${a}:iam::${ACCOUNT_ID}:role/${s.adopted?.roleNames?.[0] ?? roles[0]}`,
        unusedRoleName: roles[3],
        roleArn: (name: string) => `arn:${a}:iam::${ACCOUNT_ID}:role/${name}`,
        replicationRole: `arn:${a}:iam::${ACCOUNT_ID}:role/${roles[4]}`,
        boundary: BOUNDARY(v.stack),
        deployRole: DEPLOY_ROLE(v.stack),
        deployPolicy: `arn:${a}:iam::${ACCOUNT_ID}:policy/membrane-deploy-${v.stack}-identity`,
        secret: `arn:${a}:secretsmanager:${s.region}:${ACCOUNT_ID}:secret:membrane/${s.environment}/credentials-AbC1${id}`,
        key: `arn:${a}:kms:${s.region}:${ACCOUNT_ID}:key/0000${id}00-1111-2222-3333-444455556666`,
        distribution: `arn:${a}:cloudfront::${ACCOUNT_ID}:distribution/${s.adopted?.cloudfrontDistributionId ?? `E${id}DISTRIBUTION`}`,
        cachePolicy: `arn:${a}:cloudfront::${ACCOUNT_ID}:cache-policy/0000${id}00-aaaa-bbbb-cccc-ddddeeeeffff`,
        originAccessControl: `arn:${a}:cloudfront::${ACCOUNT_ID}:origin-access-control/E${id}OAC`,
        responseHeadersPolicy: `arn:${a}:cloudfront::${ACCOUNT_ID}:response-headers-policy/0000${id}00-aaaa-bbbb-cccc-ddddeeeeffff`,
        certificate: `arn:${a}:acm:us-east-1:${ACCOUNT_ID}:certificate/0000${id}00-aaaa-bbbb-cccc-ddddeeeeffff`,
        staticName: s.dns?.staticDomainName,
        zone: s.dns ? `arn:${a}:route53:::hostedzone/${s.dns.zoneId}` : undefined,
        replicationGroup: `arn:${a}:elasticache:${s.region}:${ACCOUNT_ID}:replicationgroup:${s.adopted?.replicationGroupId ?? `${s.environment}-membrane`}`,
        securityGroup: `arn:${a}:ec2:${s.region}:${ACCOUNT_ID}:security-group/sg-0${id}0000000000000`,
        vpcEndpoint: `arn:${a}:ec2:${s.region}:${ACCOUNT_ID}:vpc-endpoint/vpce-0${id}0000000000000`,
        logGroup: `arn:${a}:logs:${s.region}:${ACCOUNT_ID}:log-group:/membrane/${s.environment}/redis/slow-log`,
        deliverySource: `arn:${a}:logs:us-east-1:${ACCOUNT_ID}:delivery-source:${s.environment}-membrane-cdn-access-logs`,
        deliveryDestination: `arn:${a}:logs:us-east-1:${ACCOUNT_ID}:delivery-destination:${s.environment}-membrane-cdn-access-logs`,
        topic: `arn:${a}:sns:${s.region}:${ACCOUNT_ID}:${s.environment}-membrane${s.nameSuffix ?? ""}-alarms`,
        alarm: `arn:${a}:cloudwatch:${s.region}:${ACCOUNT_ID}:alarm:${s.environment}-membrane-redis-001-cpu`,
        cluster: s.eksClusterName ? `arn:${a}:eks:${s.region}:${ACCOUNT_ID}:cluster/${s.eksClusterName}` : undefined,
        podIdentityAssociation: s.eksClusterName
            ? `arn:${a}:eks:${s.region}:${ACCOUNT_ID}:podidentityassociation/${s.eksClusterName}/a-0${id}000000000000`
            : undefined,
        oidcProvider: s.eksOidcIssuer ? `arn:${a}:iam::${ACCOUNT_ID}:oidc-provider/${s.eksOidcIssuer}` : undefined,
        resourceTags: tagsOf("aws:ResourceTag", s.environment),
        requestTags: tagsOf("aws:RequestTag", s.environment),
    };
}

/** A trust policy naming `principal` (an AWS account or role). */
const trustOf = (principal: string) => ({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { AWS: principal }, Action: "sts:AssumeRole" }],
});
const allowAllTo = (principal: string, action: string, resource: string) => ({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { AWS: principal }, Action: action, Resource: resource }],
});
const ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess";

/**
 * Attempts of the attacker's deploy role against its own stack's roles and the account: privilege
 * escalation (the public lists) and reach beyond the stack through what it may create.
 */
export function selfAttempts(att: StackView): Attempt[] {
    const me = resourcesOf(att);
    const boundary = { "iam:PermissionsBoundary": me.boundary };
    const admin = "arn:aws:iam::111122223333:role/OrganizationAccountAccessRole";
    const user = `arn:aws:iam::${ACCOUNT_ID}:user/admin`;
    const group = `arn:aws:iam::${ACCOUNT_ID}:group/admins`;
    const passTo = (service: string, role = me.taskRole): Step => ({
        action: "iam:PassRole",
        resource: role,
        context: { "iam:PassedToService": service },
    });
    const R = (n: number) => `RHINO ${n}`;
    const P = (x: string) => `PMAPPER ${x}`;
    const list: Attempt[] = [
        {
            id: "create-policy-version",
            source: R(1),
            what: "a new default version of its own deploy policy",
            steps: [{ action: "iam:CreatePolicyVersion", resource: me.deployPolicy }],
        },
        {
            id: "create-boundary-version",
            source: R(1),
            what: "a new version of its boundary",
            steps: [{ action: "iam:CreatePolicyVersion", resource: `arn:aws:iam::${ACCOUNT_ID}:policy/membrane-boundary-${att.stack}` }],
        },
        {
            id: "set-default-policy-version",
            source: R(2),
            what: "an older version of its deploy policy as default",
            steps: [{ action: "iam:SetDefaultPolicyVersion", resource: me.deployPolicy }],
        },
        {
            id: "pass-role-ec2",
            source: `${R(3)}; ${P("ec2")}`,
            what: "its task role to a new EC2 instance",
            steps: [
                passTo("ec2.amazonaws.com"),
                { action: "ec2:RunInstances", resource: `arn:aws:ec2:${me.region}:${ACCOUNT_ID}:instance/*` },
            ],
        },
        {
            id: "instance-profile",
            source: P("ec2"),
            what: "an instance profile holding its task role",
            steps: [
                { action: "iam:CreateInstanceProfile", resource: `arn:aws:iam::${ACCOUNT_ID}:instance-profile/x` },
                { action: "iam:AddRoleToInstanceProfile", resource: `arn:aws:iam::${ACCOUNT_ID}:instance-profile/x` },
            ],
        },
        {
            id: "associate-instance-profile",
            source: P("ec2"),
            what: "its task role onto a running instance",
            steps: [
                passTo("ec2.amazonaws.com"),
                {
                    action: "ec2:AssociateIamInstanceProfile",
                    resource: `arn:aws:ec2:${me.region}:${ACCOUNT_ID}:instance/i-0123456789abcdef0`,
                },
            ],
        },
        {
            id: "create-access-key",
            source: `${R(4)}; ${P("iam")}`,
            what: "an access key of an administrator user",
            steps: [{ action: "iam:CreateAccessKey", resource: user }],
        },
        {
            id: "create-login-profile",
            source: `${R(5)}; ${P("iam")}`,
            what: "a console password for an administrator user",
            steps: [{ action: "iam:CreateLoginProfile", resource: user }],
        },
        {
            id: "update-login-profile",
            source: `${R(6)}; ${P("iam")}`,
            what: "an administrator user's password",
            steps: [{ action: "iam:UpdateLoginProfile", resource: user }],
        },
        {
            id: "attach-user-policy",
            source: R(7),
            what: "AdministratorAccess onto a user",
            steps: [{ action: "iam:AttachUserPolicy", resource: user, context: { "iam:PolicyARN": ADMIN } }],
        },
        {
            id: "attach-group-policy",
            source: R(8),
            what: "AdministratorAccess onto a group",
            steps: [{ action: "iam:AttachGroupPolicy", resource: group, context: { "iam:PolicyARN": ADMIN } }],
        },
        {
            id: "attach-role-policy-self",
            source: R(9),
            what: "AdministratorAccess onto the deploy role itself",
            steps: [{ action: "iam:AttachRolePolicy", resource: me.deployRole, context: { "iam:PolicyARN": ADMIN } }],
        },
        {
            id: "attach-role-policy-own-role",
            source: R(9),
            what: "AdministratorAccess onto its task role, boundary and all",
            steps: [{ action: "iam:AttachRolePolicy", resource: me.taskRole, context: { ...boundary, "iam:PolicyARN": ADMIN } }],
        },
        {
            id: "put-user-policy",
            source: R(10),
            what: "an inline policy on a user",
            steps: [{ action: "iam:PutUserPolicy", resource: user }],
        },
        {
            id: "put-group-policy",
            source: R(11),
            what: "an inline policy on a group",
            steps: [{ action: "iam:PutGroupPolicy", resource: group }],
        },
        {
            id: "put-role-policy-self",
            source: R(12),
            what: "an inline policy on the deploy role itself",
            steps: [{ action: "iam:PutRolePolicy", resource: me.deployRole }],
        },
        {
            id: "put-role-policy-no-boundary",
            source: R(12),
            what: "an inline policy on its task role without the boundary",
            steps: [
                {
                    action: "iam:PutRolePolicy",
                    resource: me.taskRole,
                    context: { "iam:PermissionsBoundary": "arn:aws:iam::aws:policy/AdministratorAccess" },
                },
            ],
        },
        {
            id: "remove-boundary",
            source: R(12),
            what: "the boundary off its task role",
            steps: [{ action: "iam:DeleteRolePermissionsBoundary", resource: me.taskRole, context: boundary }],
        },
        {
            id: "add-user-to-group",
            source: R(13),
            what: "a user into the administrators' group",
            steps: [{ action: "iam:AddUserToGroup", resource: group }],
        },
        {
            id: "trust-admin-role",
            source: `${R(14)}; ${P("iam")}`,
            what: "an administrator role's trust, to assume it",
            steps: [
                { action: "iam:UpdateAssumeRolePolicy", resource: admin },
                { action: "sts:AssumeRole", resource: admin, resourcePolicy: trustOf(me.deployRole) },
            ],
        },
        {
            id: "trust-self",
            source: R(14),
            what: "its own trust, to an outside account",
            steps: [{ action: "iam:UpdateAssumeRolePolicy", resource: me.deployRole }],
        },
        {
            id: "pass-role-lambda",
            source: `${R(15)}; ${P("lambda")}`,
            what: "its task role to a new Lambda function",
            steps: [
                passTo("lambda.amazonaws.com"),
                { action: "lambda:CreateFunction", resource: `arn:aws:lambda:${me.region}:${ACCOUNT_ID}:function:x` },
            ],
        },
        {
            id: "lambda-add-permission",
            source: R(16),
            what: "a Lambda function invocable from another account",
            steps: [{ action: "lambda:AddPermission", resource: `arn:aws:lambda:${me.region}:${ACCOUNT_ID}:function:x` }],
        },
        {
            id: "lambda-event-source",
            source: R(17),
            what: "a Lambda function triggered by a table",
            steps: [{ action: "lambda:CreateEventSourceMapping", resource: "*" }],
        },
        {
            id: "lambda-update-code",
            source: `${R(18)}; ${P("lambda")}`,
            what: "an existing function's code",
            steps: [{ action: "lambda:UpdateFunctionCode", resource: `arn:aws:lambda:${me.region}:${ACCOUNT_ID}:function:y` }],
        },
        {
            id: "lambda-update-configuration",
            source: `${R(26)}; ${P("lambda")}`,
            what: "an existing function's layers or role",
            steps: [{ action: "lambda:UpdateFunctionConfiguration", resource: `arn:aws:lambda:${me.region}:${ACCOUNT_ID}:function:y` }],
        },
        {
            id: "glue-dev-endpoint",
            source: `${R(19)}; ${P("glue")}`,
            what: "its task role to a Glue development endpoint",
            steps: [
                passTo("glue.amazonaws.com"),
                { action: "glue:CreateDevEndpoint", resource: `arn:aws:glue:${me.region}:${ACCOUNT_ID}:devEndpoint/x` },
            ],
        },
        {
            id: "glue-update-dev-endpoint",
            source: R(20),
            what: "an existing Glue endpoint's SSH key",
            steps: [{ action: "glue:UpdateDevEndpoint", resource: `arn:aws:glue:${me.region}:${ACCOUNT_ID}:devEndpoint/y` }],
        },
        {
            id: "pass-role-cloudformation",
            source: `${R(21)}; ${P("cloudformation")}`,
            what: "its task role to a CloudFormation stack",
            steps: [
                passTo("cloudformation.amazonaws.com"),
                { action: "cloudformation:CreateStack", resource: `arn:aws:cloudformation:${me.region}:${ACCOUNT_ID}:stack/x/*` },
            ],
        },
        {
            id: "cloudformation-update",
            source: P("cloudformation"),
            what: "an existing stack with a privileged role",
            steps: [{ action: "cloudformation:UpdateStack", resource: `arn:aws:cloudformation:${me.region}:${ACCOUNT_ID}:stack/y/*` }],
        },
        {
            id: "cloudformation-change-set",
            source: P("cloudformation"),
            what: "a change set of an existing stack",
            steps: [
                { action: "cloudformation:CreateChangeSet", resource: `arn:aws:cloudformation:${me.region}:${ACCOUNT_ID}:stack/y/*` },
                { action: "cloudformation:ExecuteChangeSet", resource: `arn:aws:cloudformation:${me.region}:${ACCOUNT_ID}:stack/y/*` },
            ],
        },
        {
            id: "pass-role-datapipeline",
            source: `${R(22)}; ${P("datapipeline")}`,
            what: "its task role to a Data Pipeline",
            steps: [passTo("datapipeline.amazonaws.com"), { action: "datapipeline:CreatePipeline", resource: "*" }],
        },
        {
            id: "codestar-template",
            source: R(23),
            what: "a CodeStar project from a template",
            steps: [{ action: "codestar:CreateProject", resource: "*" }],
        },
        {
            id: "codestar-team-member",
            source: R(25),
            what: "itself as owner of a CodeStar project",
            steps: [{ action: "codestar:AssociateTeamMember", resource: `arn:aws:codestar:${me.region}:${ACCOUNT_ID}:project/x` }],
        },
        {
            id: "sagemaker-notebook",
            source: `${R(27)}; ${P("sagemaker")}`,
            what: "its task role to a SageMaker notebook",
            steps: [
                passTo("sagemaker.amazonaws.com"),
                {
                    action: "sagemaker:CreateNotebookInstance",
                    resource: `arn:aws:sagemaker:${me.region}:${ACCOUNT_ID}:notebook-instance/x`,
                },
            ],
        },
        {
            id: "sagemaker-presigned-url",
            source: R(28),
            what: "a signed URL of an existing notebook",
            steps: [
                {
                    action: "sagemaker:CreatePresignedNotebookInstanceUrl",
                    resource: `arn:aws:sagemaker:${me.region}:${ACCOUNT_ID}:notebook-instance/y`,
                },
            ],
        },
        {
            id: "ssm-send-command",
            source: P("ssm"),
            what: "a shell command on an instance with a role",
            steps: [{ action: "ssm:SendCommand", resource: `arn:aws:ec2:${me.region}:${ACCOUNT_ID}:instance/i-0123456789abcdef0` }],
        },
        {
            id: "ssm-start-session",
            source: P("ssm"),
            what: "a session on an instance with a role",
            steps: [{ action: "ssm:StartSession", resource: `arn:aws:ec2:${me.region}:${ACCOUNT_ID}:instance/i-0123456789abcdef0` }],
        },
        {
            id: "codebuild-project",
            source: P("codebuild"),
            what: "its task role to a CodeBuild project",
            steps: [
                passTo("codebuild.amazonaws.com"),
                { action: "codebuild:CreateProject", resource: `arn:aws:codebuild:${me.region}:${ACCOUNT_ID}:project/x` },
            ],
        },
        {
            id: "codebuild-update",
            source: P("codebuild"),
            what: "an existing CodeBuild project's commands",
            steps: [{ action: "codebuild:UpdateProject", resource: `arn:aws:codebuild:${me.region}:${ACCOUNT_ID}:project/y` }],
        },
        {
            id: "autoscaling-launch",
            source: P("autoscaling"),
            what: "a launch configuration with its task role",
            steps: [
                passTo("autoscaling.amazonaws.com"),
                {
                    action: "autoscaling:CreateLaunchConfiguration",
                    resource: `arn:aws:autoscaling:${me.region}:${ACCOUNT_ID}:launchConfiguration:*:launchConfigurationName/x`,
                },
            ],
        },
        {
            id: "ecs-run-task",
            source: P("ecs"),
            what: "its task role to a new ECS task",
            steps: [passTo("ecs-tasks.amazonaws.com"), { action: "ecs:RegisterTaskDefinition", resource: "*" }],
        },
        {
            id: "pass-role-eks-other",
            source: "ISSUE 21.5",
            what: "its ECS task role to EKS Pod Identity",
            steps: [passTo("pods.eks.amazonaws.com")],
        },
        // Roles it may create: only the program's names, only with its boundary, and the boundary keeps them inside the stack.
        {
            id: "create-role-other-name",
            source: "ISSUE 21.1; " + P("iam"),
            what: `a role named ${me.env}-membrane-x under the boundary`,
            steps: [{ action: "iam:CreateRole", resource: me.roleArn(`${me.env}-membrane-x`), context: boundary }],
        },
        {
            id: "create-role-no-boundary",
            source: P("iam"),
            what: "a program role without the boundary",
            steps: [{ action: "iam:CreateRole", resource: me.roleArn(me.unusedRoleName) }],
        },
        ...[
            [
                "ecr-any-repository",
                "pulls any ECR repository's images",
                { action: "ecr:BatchGetImage", resource: `arn:aws:ecr:${me.region}:${ACCOUNT_ID}:repository/private/payments` },
            ],
            [
                "logs-cloudtrail",
                "writes into the CloudTrail log group",
                {
                    action: "logs:PutLogEvents",
                    resource: `arn:aws:logs:${me.region}:${ACCOUNT_ID}:log-group:aws-cloudtrail-logs:log-stream:x`,
                },
            ],
            ["iam-admin", "creates a user", { action: "iam:CreateUser", resource: `arn:aws:iam::${ACCOUNT_ID}:user/backdoor` }],
            [
                "foreign-bucket",
                "copies objects into an outside bucket of the stack's name",
                {
                    action: "s3:ReplicateObject",
                    resource: `${me.bucket}-exfil/x`,
                    resourceAccount: OUTSIDER_ACCOUNT,
                    resourcePolicy: allowAllTo("*", "s3:ReplicateObject", `${me.bucket}-exfil/*`),
                },
            ],
        ].map(([suffix, what, request]) => ({
            id: `created-role-${suffix as string}`,
            source: `ISSUE 21.1; ${P("sts")}`,
            what: `a role it creates (program name, boundary, trust naming the deploy role) ${what as string}`,
            steps: [
                { action: "iam:CreateRole", resource: me.roleArn(me.unusedRoleName), context: boundary },
                { action: "iam:PutRolePolicy", resource: me.roleArn(me.unusedRoleName), context: boundary },
                { action: "sts:AssumeRole", resource: me.roleArn(me.unusedRoleName), resourcePolicy: trustOf(me.deployRole) },
                { ...(request as IamRequest), by: "own-role" as Actor },
            ],
        })),
        // ISSUE 21.6: replication into another account's bucket of the stack's own name pattern.
        {
            id: "foreign-bucket-policy",
            source: "ISSUE 21.6",
            what: "a policy on an outside account's bucket matching the stack's names",
            steps: [
                {
                    action: "s3:PutBucketPolicy",
                    resource: `${me.bucket}-exfil`,
                    resourceAccount: OUTSIDER_ACCOUNT,
                    resourcePolicy: allowAllTo(me.deployRole, "s3:PutBucketPolicy", `${me.bucket}-exfil`),
                },
            ],
        },
        {
            id: "pass-replication-role-elsewhere",
            source: "ISSUE 21.6",
            what: "the replication role to another service",
            steps: [passTo("lambda.amazonaws.com", me.replicationRole)],
        },
        // ISSUE 21.2: keys the stack did not create.
        {
            id: "key-untagged-takeover",
            source: "ISSUE 21.2",
            what: "an untagged key of the account (policy delegating to IAM): its policy",
            steps: [
                { action: "kms:PutKeyPolicy", resource: `arn:aws:kms:${me.region}:${ACCOUNT_ID}:key/99999999-0000-0000-0000-000000000000` },
            ],
        },
        {
            id: "key-untagged-delete",
            source: "ISSUE 21.2",
            what: "an untagged key of the account: scheduled for deletion after tagging it",
            steps: [
                {
                    action: "kms:TagResource",
                    resource: `arn:aws:kms:${me.region}:${ACCOUNT_ID}:key/99999999-0000-0000-0000-000000000000`,
                    context: { ...me.requestTags, "aws:TagKeys": ["Environment", "Service"] },
                },
                {
                    action: "kms:ScheduleKeyDeletion",
                    resource: `arn:aws:kms:${me.region}:${ACCOUNT_ID}:key/99999999-0000-0000-0000-000000000000`,
                    context: me.resourceTags,
                },
            ],
        },
        {
            id: "key-grant",
            source: "ISSUE 21 (hand access)",
            what: "a grant on a key for another principal",
            steps: [
                { action: "kms:CreateGrant", resource: `arn:aws:kms:${me.region}:${ACCOUNT_ID}:key/99999999-0000-0000-0000-000000000000` },
            ],
        },
        // The ingress rule is authorized untagged and then tagged (provider-calls/vpc-securitygroupingressrule.yaml): the deploy
        // role may tag a rule with no Environment tag. Claiming such a rule must not reach the group it belongs to.
        ...(
            [
                ["changed", "ec2:ModifySecurityGroupRules"],
                ["revoked", "ec2:RevokeSecurityGroupIngress"],
                ["widened", "ec2:AuthorizeSecurityGroupIngress"],
            ] as const
        ).map(([how, action]) => ({
            id: `untagged-rule-claimed-${how}`,
            source: "ISSUE 21.3",
            what: `an untagged rule of another security group of the account, given the stack's tags, then its group ${how}`,
            steps: [
                {
                    action: "ec2:CreateTags",
                    resource: `arn:aws:ec2:${me.region}:${ACCOUNT_ID}:security-group-rule/sgr-09999999999999999`,
                    context: { ...me.requestTags, "aws:TagKeys": ["Environment", "Service"] },
                },
                { action, resource: `arn:aws:ec2:${me.region}:${ACCOUNT_ID}:security-group/sg-09999999999999999` },
            ],
        })),
        // ISSUE 21.8 and the near misses.
        // Resources whose ids AWS generates carry no name: a resource of the account with no Environment tag can be claimed.
        ...[
            [
                "distribution",
                "cloudfront:TagResource",
                `arn:aws:cloudfront::${ACCOUNT_ID}:distribution/E9UNTAGGED`,
                "cloudfront:UpdateDistribution",
            ],
            ...(me.zone
                ? [
                      [
                          "certificate",
                          "acm:AddTagsToCertificate",
                          `arn:aws:acm:us-east-1:${ACCOUNT_ID}:certificate/99999999-0000-0000-0000-000000000000`,
                          "acm:DeleteCertificate",
                      ],
                  ]
                : []),
            ...(me.cluster
                ? [
                      [
                          "association",
                          "eks:TagResource",
                          `${me.cluster.replace(":cluster/", ":podidentityassociation/")}/a-09999999999999999`,
                          "eks:UpdatePodIdentityAssociation",
                      ],
                  ]
                : []),
        ].map(([kind, tag, resource, use]) => ({
            id: `untagged-${kind}-claimed`,
            source: "ISSUE 21.3",
            what: `an untagged ${kind} of the account, tagged with the stack's tags and then changed`,
            steps: [
                { action: tag, resource, context: { ...me.requestTags, "aws:TagKeys": ["Environment", "Service"] } },
                { action: use, resource, context: me.resourceTags },
            ],
            nearMiss:
                "a resource whose id AWS generates is the stack's by its tags; one that carries no Environment tag can be given the stack's",
        })),
        {
            id: "untagged-key-retagged",
            source: "ISSUE 21.2",
            what: "an untagged key of the account (policy delegating to IAM) given the stack's tags, which grant nothing on keys",
            steps: [
                {
                    action: "kms:TagResource",
                    resource: `arn:aws:kms:${me.region}:${ACCOUNT_ID}:key/99999999-0000-0000-0000-000000000000`,
                    context: { ...me.requestTags, "aws:TagKeys": ["Environment", "Service"] },
                },
            ],
            nearMiss:
                'CreateKey needs kms:TagResource on "*" to tag the key it creates; a key with no Environment tag can be tagged, and tags grant nothing on keys',
        },
        {
            id: "logs-resource-policy",
            source: "ISSUE 21.8",
            what: "rewrites the region's CloudWatch Logs resource policies",
            steps: [{ action: "logs:PutResourcePolicy", resource: "*" }],
            nearMiss: "logs:PutResourcePolicy has no resource type or condition key; ElastiCache's log delivery needs it of its caller",
            guard: "scp",
        },
        {
            id: "acme-challenge",
            source: "ISSUE 21 near miss",
            what: "a `_acme-challenge` CNAME under the static name, for a certificate of another CA",
            steps: me.zone
                ? [
                      {
                          action: "route53:ChangeResourceRecordSets",
                          resource: me.zone,
                          context: {
                              "route53:ChangeResourceRecordSetsNormalizedRecordNames": [`_acme-challenge.${me.staticName}`],
                              "route53:ChangeResourceRecordSetsRecordTypes": ["CNAME"],
                              "route53:ChangeResourceRecordSetsActions": ["UPSERT"],
                          },
                      },
                  ]
                : [],
        },
        {
            id: "endpoint-to-outside-service",
            source: "ISSUE 21 near miss",
            what: "an interface endpoint to an endpoint service in someone else's account",
            steps: [
                {
                    action: "ec2:CreateVpcEndpoint",
                    resource: `arn:aws:ec2:${me.region}:${ACCOUNT_ID}:vpc-endpoint/vpce-new`,
                    context: {
                        ...me.requestTags,
                        "ec2:VpceServiceName": `com.amazonaws.vpce.${me.region}.vpce-svc-0attacker0000000`,
                        "ec2:VpceServiceOwner": OUTSIDER_ACCOUNT,
                    },
                },
                { action: "ec2:CreateVpcEndpoint", resource: `arn:aws:ec2:${me.region}:${ACCOUNT_ID}:vpc/${att.scope.vpcId}` },
                {
                    action: "ec2:CreateVpcEndpoint",
                    resource: `arn:aws:ec2:${me.region}:${ACCOUNT_ID}:subnet/${att.scope.privateSubnetIds[0]}`,
                },
            ],
            nearMiss:
                "Atlas's endpoint services live in MongoDB's accounts, whose ids Atlas does not publish: ec2:VpceServiceOwner cannot be pinned by the table",
            guard: "scp",
        },
        {
            id: "endpoint-to-aws-service",
            source: "ISSUE 21 near miss",
            what: "an interface endpoint to an AWS service endpoint (not an endpoint service)",
            steps: [
                {
                    action: "ec2:CreateVpcEndpoint",
                    resource: `arn:aws:ec2:${me.region}:${ACCOUNT_ID}:vpc-endpoint/vpce-new`,
                    context: {
                        ...me.requestTags,
                        "ec2:VpceServiceName": `com.amazonaws.${me.region}.s3`,
                        "ec2:VpceServiceOwner": "amazon",
                    },
                },
            ],
        },
        // Handing the stack's own resources to outsiders: allowed to the deploy role, blocked by the resource control policy.
        {
            id: "hand-role-to-outsider",
            source: `ISSUE 21 near miss; ${R(14)}`,
            what: "its task role's trust to another account, then assumed from there",
            steps: [
                { action: "iam:UpdateAssumeRolePolicy", resource: me.taskRole, context: boundary },
                {
                    action: "sts:AssumeRole",
                    resource: me.taskRole,
                    resourcePolicy: trustOf(`arn:aws:iam::${OUTSIDER_ACCOUNT}:root`),
                    by: "outsider",
                },
            ],
            nearMiss: "IAM has no condition on the principals a trust policy names",
            guard: "rcp",
        },
        {
            id: "hand-bucket-to-outsider",
            source: "ISSUE 21 near miss",
            what: "its bucket's policy to another account, which then reads the objects",
            steps: [
                { action: "s3:PutBucketPolicy", resource: me.bucket },
                {
                    action: "s3:GetObject",
                    resource: `${me.bucket}/x`,
                    resourcePolicy: allowAllTo(`arn:aws:iam::${OUTSIDER_ACCOUNT}:root`, "s3:GetObject", `${me.bucket}/*`),
                    by: "outsider",
                },
            ],
            nearMiss: "S3 has no condition on the principals a bucket policy names",
            guard: "rcp",
        },
        {
            id: "unblock-public-access",
            source: "ISSUE 21 near miss",
            what: "its bucket's public access block turned off",
            steps: [{ action: "s3:PutBucketPublicAccessBlock", resource: me.bucket }],
            nearMiss: "S3 has no condition on a public access block's settings; the account-level block (kept by the SCP) still applies",
        },
    ];
    if (att.scope.existingExecutionRoleName) {
        const existing = me.roleArn(att.scope.existingExecutionRoleName);
        list.push({
            id: "existing-execution-role-no-boundary",
            source: "ISSUE 21.5",
            what: "a policy on the existing execution role before it carries the boundary",
            steps: [{ action: "iam:PutRolePolicy", resource: existing }],
        });
    }
    for (const adopted of att.scope.adopted?.roleNames ?? []) {
        list.push(
            {
                id: `adopted-role-trust-${adopted}`,
                source: "ISSUE 21.5",
                what: `the trust of the adopted role ${adopted}, which carries no boundary yet`,
                steps: [{ action: "iam:UpdateAssumeRolePolicy", resource: me.roleArn(adopted) }],
            },
            {
                id: `adopted-role-pod-identity-${adopted}`,
                source: "ISSUE 21.5",
                what: `the adopted ECS role ${adopted} to EKS Pod Identity`,
                steps: [passTo("pods.eks.amazonaws.com", me.roleArn(adopted))],
            },
        );
    }
    if (me.cluster) {
        const otherProvider = `arn:aws:iam::${ACCOUNT_ID}:oidc-provider/oidc.eks.${me.region}.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF`;
        list.push(
            ...[
                "iam:DeleteOpenIDConnectProvider",
                "iam:AddClientIDToOpenIDConnectProvider",
                "iam:UpdateOpenIDConnectProviderThumbprint",
            ].map((action) => ({
                id: `other-cluster-oidc-${action.split(":")[1]}`,
                source: "ISSUE 21.7",
                what: `${action} on another cluster's OIDC provider`,
                steps: [{ action, resource: otherProvider }],
            })),
            ...["iam:DeleteOpenIDConnectProvider", "iam:AddClientIDToOpenIDConnectProvider"].map((action) => ({
                id: `pulumi-oidc-${action.split(":")[1]}`,
                source: "ISSUE 21.7",
                what: `${action} on api.pulumi.com/oidc, which the deploy roles trust`,
                steps: [{ action, resource: `arn:aws:iam::${ACCOUNT_ID}:oidc-provider/api.pulumi.com/oidc` }],
            })),
            ...["eks:UpdatePodIdentityAssociation", "eks:DeletePodIdentityAssociation"].map((action) => ({
                id: `other-association-${action.split(":")[1]}`,
                source: "ISSUE 21.7",
                what: `${action} on another application's association in the stack's cluster`,
                steps: [
                    {
                        action,
                        resource: me.podIdentityAssociation!.replace(/a-0\w+$/, "a-0ffffffffffffffff"),
                        context: tagsOf("aws:ResourceTag", "payments"),
                    },
                ],
            })),
        );
    }
    return list.filter((a) => a.steps.length > 0).map((a) => ({ ...a, id: `${att.stack}/${a.id}` }));
}

/** Attempts of one stack's deploy role on another stack's resources: change, delete, read the configuration of, retag, take over. */
export function crossStackAttempts(att: StackView, vic: StackView): Attempt[] {
    const me = resourcesOf(att);
    const it = resourcesOf(vic);
    const theirs = it.resourceTags;
    const retag = { ...me.requestTags, "aws:TagKeys": ["Environment", "Service"] };
    const x = (id: string, what: string, steps: Step[], extra: Partial<Attempt> = {}): Attempt => ({
        id: `${att.stack}->${vic.stack}/${id}`,
        source: "ISSUE 21 (cross-stack isolation)",
        what: `${what} of ${vic.stack}`,
        steps,
        ...extra,
    });
    const on = (action: string, resource: string | undefined, context?: Context, more: Partial<Step> = {}): Step[] =>
        resource ? [{ action, resource, ...(context && { context }), ...more }] : [];
    const roleCtx = { "iam:PermissionsBoundary": it.boundary };
    const list: Attempt[] = [
        // S3
        x("delete-bucket", "deletes a bucket", on("s3:DeleteBucket", it.bucket)),
        x("bucket-policy", "rewrites a bucket policy", on("s3:PutBucketPolicy", it.bucket)),
        x("read-bucket-policy", "reads a bucket policy", on("s3:GetBucketPolicy", it.bucket)),
        x("bucket-tags", "retags a bucket", on("s3:PutBucketTagging", it.bucket)),
        x("bucket-tag-resource", "retags a bucket (TagResource)", on("s3:TagResource", it.bucket, retag)),
        x("bucket-replication", "replicates a bucket", on("s3:PutReplicationConfiguration", it.bucket)),
        x("bucket-public-access", "unblocks public access", on("s3:PutBucketPublicAccessBlock", it.bucket)),
        x("delete-objects", "deletes objects", on("s3:DeleteObject", it.object)),
        x("read-objects", "reads objects", on("s3:GetObject", it.object)),
        // IAM roles
        x("role-trust", "rewrites a role's trust", on("iam:UpdateAssumeRolePolicy", it.taskRole, roleCtx)),
        x("role-policy", "puts an inline policy on a role", on("iam:PutRolePolicy", it.taskRole, roleCtx)),
        x(
            "role-policy-own-boundary",
            "puts a policy on a role, claiming its own boundary",
            on("iam:PutRolePolicy", it.taskRole, { "iam:PermissionsBoundary": me.boundary }),
        ),
        x(
            "role-boundary-swap",
            "swaps a role's boundary for its own",
            on("iam:PutRolePermissionsBoundary", it.taskRole, { "iam:PermissionsBoundary": me.boundary }),
        ),
        x("delete-role", "deletes a role", on("iam:DeleteRole", it.taskRole, roleCtx)),
        x("tag-role", "retags a role", on("iam:TagRole", it.taskRole, retag)),
        x("read-role-policy", "reads a role's policy", on("iam:GetRolePolicy", it.taskRole)),
        x(
            "pass-role",
            "passes a role to Pod Identity",
            on("iam:PassRole", it.roleArn(programRoleNames(vic.scope)[1]), { "iam:PassedToService": "pods.eks.amazonaws.com" }),
        ),
        x(
            "pass-replication-role",
            "passes the replication role to S3",
            on("iam:PassRole", it.replicationRole, { "iam:PassedToService": "s3.amazonaws.com" }),
        ),
        x("deploy-role-trust", "rewrites the deploy role's trust", on("iam:UpdateAssumeRolePolicy", it.deployRole)),
        x(
            "deploy-role-policy",
            "attaches a policy to the deploy role",
            on("iam:AttachRolePolicy", it.deployRole, { "iam:PolicyARN": ADMIN }),
        ),
        // Secrets Manager
        x("read-secret", "reads the credentials", on("secretsmanager:GetSecretValue", it.secret)),
        x("describe-secret", "reads a secret's configuration", on("secretsmanager:DescribeSecret", it.secret)),
        x("write-secret", "overwrites the credentials", on("secretsmanager:PutSecretValue", it.secret)),
        x("delete-secret", "deletes the credentials", on("secretsmanager:DeleteSecret", it.secret)),
        x("tag-secret", "retags a secret", on("secretsmanager:TagResource", it.secret, retag)),
        x("secret-policy", "puts a resource policy on a secret", on("secretsmanager:PutResourcePolicy", it.secret)),
        // KMS: the victim's key names the victim's deploy role (the key policy is the resource policy here).
        x("key-policy", "rewrites a key's policy", on("kms:PutKeyPolicy", it.key, undefined, { keyPolicyOf: "victim" })),
        x("key-read-policy", "reads a key's policy", on("kms:GetKeyPolicy", it.key, undefined, { keyPolicyOf: "victim" })),
        x("key-delete", "schedules a key's deletion", on("kms:ScheduleKeyDeletion", it.key, theirs, { keyPolicyOf: "victim" })),
        x(
            "key-retag",
            "retags a key to the attacker's tags",
            on("kms:TagResource", it.key, { ...retag, ...theirs }, { keyPolicyOf: "victim" }),
        ),
        x("key-takeover", "retags then rewrites a key's policy", [
            ...on("kms:TagResource", it.key, { ...retag, ...theirs }, { keyPolicyOf: "victim" }),
            ...on("kms:PutKeyPolicy", it.key, me.resourceTags, { keyPolicyOf: "victim" }),
        ]),
        x("key-disable", "disables a key", on("kms:DisableKey", it.key, theirs, { keyPolicyOf: "victim" })),
        // CloudFront
        x("distribution-update", "repoints the CDN", on("cloudfront:UpdateDistribution", it.distribution, theirs)),
        x("distribution-delete", "deletes the CDN", on("cloudfront:DeleteDistribution", it.distribution, theirs)),
        x("distribution-config", "reads the CDN's configuration", on("cloudfront:GetDistributionConfig", it.distribution, theirs)),
        x(
            "distribution-retag",
            "retags the CDN to the attacker's tags",
            on("cloudfront:TagResource", it.distribution, { ...retag, ...theirs }),
        ),
        x("distribution-takeover", "retags then repoints the CDN", [
            ...on("cloudfront:TagResource", it.distribution, { ...retag, ...theirs }),
            ...on("cloudfront:UpdateDistribution", it.distribution, me.resourceTags),
        ]),
        x("distribution-logs", "sends the CDN's access logs to a destination of its own", [
            ...on("logs:PutDeliverySource", me.deliverySource.replace(/access-logs$/, "stolen"), {
                "logs:LogGeneratingResourceArns": [it.distribution],
            }),
            ...on("cloudfront:AllowVendedLogDeliveryForResource", it.distribution, theirs),
        ]),
        x("cache-policy-update", "changes a cache policy", on("cloudfront:UpdateCachePolicy", it.cachePolicy), {
            nearMiss: "CloudFront supports no tag or other condition on cache policies: the account's cache policies are one set",
        }),
        x("cache-policy-delete", "deletes a cache policy", on("cloudfront:DeleteCachePolicy", it.cachePolicy), {
            nearMiss: "CloudFront supports no tag or other condition on cache policies",
        }),
        x(
            "origin-access-control-update",
            "changes the origin access control",
            on("cloudfront:UpdateOriginAccessControl", it.originAccessControl),
            {
                nearMiss: "CloudFront supports no tag or other condition on origin access controls",
            },
        ),
        x(
            "response-headers-policy-update",
            "changes the response headers policy",
            on("cloudfront:UpdateResponseHeadersPolicy", it.responseHeadersPolicy),
            {
                nearMiss: "CloudFront supports no tag or other condition on response headers policies",
            },
        ),
        // ACM and Route 53
        x("certificate-delete", "deletes the certificate", on("acm:DeleteCertificate", it.certificate, theirs)),
        x("certificate-retag", "retags the certificate", on("acm:AddTagsToCertificate", it.certificate, { ...retag, ...theirs })),
        x(
            "certificate-request",
            "requests a certificate for the static name",
            on("acm:RequestCertificate", it.staticName && "*", {
                "aws:RequestedRegion": "us-east-1",
                "acm:DomainNames": [it.staticName ?? ""],
                ...me.requestTags,
            }),
        ),
        x(
            "record",
            "repoints the static name",
            on("route53:ChangeResourceRecordSets", it.zone, {
                "route53:ChangeResourceRecordSetsNormalizedRecordNames": [it.staticName ?? ""],
                "route53:ChangeResourceRecordSetsRecordTypes": ["A"],
                "route53:ChangeResourceRecordSetsActions": ["UPSERT"],
            }),
        ),
        // ElastiCache
        x("cache-modify", "modifies the Redis", on("elasticache:ModifyReplicationGroup", it.replicationGroup)),
        x("cache-delete", "deletes the Redis", on("elasticache:DeleteReplicationGroup", it.replicationGroup)),
        x("cache-describe", "reads the Redis's configuration", on("elasticache:DescribeReplicationGroups", it.replicationGroup)),
        x("cache-retag", "retags the Redis", on("elasticache:AddTagsToResource", it.replicationGroup, retag)),
        // EC2
        x("security-group-open", "opens a security group", on("ec2:AuthorizeSecurityGroupIngress", it.securityGroup, theirs)),
        x("security-group-delete", "deletes a security group", on("ec2:DeleteSecurityGroup", it.securityGroup, theirs)),
        x("security-group-retag", "retags a security group", on("ec2:CreateTags", it.securityGroup, { ...retag, ...theirs })),
        x("security-group-read", "reads the security groups' configuration", on("ec2:DescribeSecurityGroups", "*"), {
            nearMiss: "EC2 Describe* support no resource-level permission: every EC2 description of the region is readable",
        }),
        x("endpoint-delete", "deletes the Atlas endpoint", on("ec2:DeleteVpcEndpoints", it.vpcEndpoint, theirs)),
        // CloudWatch Logs, alarms, SNS
        x("log-group-delete", "deletes a log group", on("logs:DeleteLogGroup", it.logGroup)),
        x("log-group-retention", "shortens a log group's retention", on("logs:PutRetentionPolicy", it.logGroup)),
        x(
            "delivery-source",
            "replaces the CDN's log delivery source",
            on("logs:PutDeliverySource", it.deliverySource, { "logs:LogGeneratingResourceArns": [it.distribution] }),
        ),
        x(
            "delivery-destination",
            "redirects the CDN's log destination",
            on("logs:PutDeliveryDestination", it.deliveryDestination, { "logs:DeliveryDestinationResourceArn": me.bucket }),
        ),
        x("alarm-delete", "deletes an alarm", on("cloudwatch:DeleteAlarms", it.alarm)),
        x("alarm-change", "silences an alarm", on("cloudwatch:PutMetricAlarm", it.alarm)),
        x("topic-delete", "deletes the alarm topic", on("sns:DeleteTopic", it.topic)),
        x("topic-attributes", "changes the alarm topic's policy", on("sns:SetTopicAttributes", it.topic)),
        x("topic-subscribe", "subscribes to the alarm topic", on("sns:Subscribe", it.topic)),
        x("topic-read", "reads the alarm topic's attributes", on("sns:GetTopicAttributes", it.topic)),
        // EKS
        x(
            "association-update",
            "repoints a Pod Identity association",
            on("eks:UpdatePodIdentityAssociation", it.podIdentityAssociation, theirs),
        ),
        x(
            "association-delete",
            "deletes a Pod Identity association",
            on("eks:DeletePodIdentityAssociation", it.podIdentityAssociation, theirs),
        ),
        x(
            "association-read",
            "reads a Pod Identity association",
            on("eks:DescribePodIdentityAssociation", it.podIdentityAssociation, theirs),
        ),
        x(
            "association-create",
            "creates an association in the cluster",
            on("eks:CreatePodIdentityAssociation", it.cluster, me.requestTags),
        ),
        x("oidc-provider-delete", "deletes the cluster's OIDC provider", on("iam:DeleteOpenIDConnectProvider", it.oidcProvider)),
        x(
            "oidc-provider-client",
            "adds a client to the cluster's OIDC provider",
            on("iam:AddClientIDToOpenIDConnectProvider", it.oidcProvider),
        ),
    ];
    return list.filter((a) => a.steps.length > 0);
}

/** What a real deploy needs of its own stack: the suite checks these are allowed, so it cannot pass by denying everything. */
export function legitimateAttempts(att: StackView): Attempt[] {
    const me = resourcesOf(att);
    const boundary = { "iam:PermissionsBoundary": me.boundary };
    const a = (id: string, what: string, steps: Step[]): Attempt => ({
        id: `${att.stack}/ok-${id}`,
        source: "a deploy of the stack",
        what,
        steps,
    });
    const list = [
        a("bucket", "creates and configures its bucket", [
            { action: "s3:CreateBucket", resource: me.bucket },
            { action: "s3:PutBucketPolicy", resource: me.bucket },
            { action: "s3:TagResource", resource: me.bucket, context: me.requestTags },
        ]),
        a("role", "creates its task role with the boundary and a policy", [
            { action: "iam:CreateRole", resource: me.taskRole, context: boundary },
            { action: "iam:PutRolePolicy", resource: me.taskRole, context: boundary },
            { action: "iam:UpdateAssumeRolePolicy", resource: me.taskRole, context: boundary },
        ]),
        a("secret", "writes its credentials", [
            { action: "secretsmanager:CreateSecret", resource: me.secret },
            { action: "secretsmanager:PutSecretValue", resource: me.secret },
        ]),
        a("key", "creates and administers its alarm key", [
            { action: "kms:CreateKey", resource: "*", context: me.requestTags },
            { action: "kms:TagResource", resource: "*", context: me.requestTags },
            { action: "kms:PutKeyPolicy", resource: me.key, keyPolicyOf: "attacker" },
            { action: "kms:ScheduleKeyDeletion", resource: me.key, keyPolicyOf: "attacker" },
        ]),
        a("distribution", "creates and repoints its CDN", [
            { action: "cloudfront:CreateDistribution", resource: "*", context: me.requestTags },
            { action: "cloudfront:CreateCachePolicy", resource: "*" },
            { action: "cloudfront:UpdateDistribution", resource: me.distribution, context: me.resourceTags },
            { action: "cloudfront:AllowVendedLogDeliveryForResource", resource: me.distribution, context: me.resourceTags },
            {
                action: "logs:PutDeliverySource",
                resource: me.deliverySource,
                context: { "logs:LogGeneratingResourceArns": [me.distribution] },
            },
            {
                action: "logs:PutDeliveryDestination",
                resource: me.deliveryDestination,
                context: { "logs:DeliveryDestinationResourceArn": me.bucket },
            },
        ]),
        a("redis", "modifies its Redis", [{ action: "elasticache:ModifyReplicationGroup", resource: me.replicationGroup }]),
        a("security-group", "opens its own security group, and tags the new rule", [
            { action: "ec2:AuthorizeSecurityGroupIngress", resource: me.securityGroup, context: me.resourceTags },
            {
                action: "ec2:CreateTags",
                resource: `arn:aws:ec2:${me.region}:${ACCOUNT_ID}:security-group-rule/sgr-01234567890abcdef`,
                context: { ...me.requestTags, "aws:TagKeys": ["Environment", "Service"] },
            },
        ]),
        a("alarms", "sets its alarms and topic", [
            { action: "cloudwatch:PutMetricAlarm", resource: me.alarm },
            { action: "sns:SetTopicAttributes", resource: me.topic },
        ]),
    ];
    if (me.zone) {
        list.push(
            a("certificate", "requests and validates its certificate", [
                {
                    action: "acm:RequestCertificate",
                    resource: "*",
                    context: { "aws:RequestedRegion": "us-east-1", "acm:DomainNames": [me.staticName!], ...me.requestTags },
                },
                { action: "acm:DescribeCertificate", resource: me.certificate, context: me.resourceTags },
                {
                    action: "route53:ChangeResourceRecordSets",
                    resource: me.zone,
                    context: {
                        "route53:ChangeResourceRecordSetsNormalizedRecordNames": [
                            `_3f2a9c0d4b5e6f708192a3b4c5d6e7f8.${me.staticName}`,
                            me.staticName!,
                        ],
                        "route53:ChangeResourceRecordSetsRecordTypes": ["CNAME", "A"],
                        "route53:ChangeResourceRecordSetsActions": ["UPSERT"],
                    },
                },
            ]),
        );
    }
    if (me.cluster) {
        list.push(
            a("pod-identity", "associates its Kubernetes role", [
                { action: "eks:CreatePodIdentityAssociation", resource: me.cluster, context: me.requestTags },
                {
                    action: "iam:PassRole",
                    resource: me.roleArn(programRoleNames(att.scope)[1]),
                    context: { "iam:PassedToService": "pods.eks.amazonaws.com" },
                },
                { action: "eks:UpdatePodIdentityAssociation", resource: me.podIdentityAssociation!, context: me.resourceTags },
            ]),
            a("oidc-provider", "creates its cluster's OIDC provider", [
                { action: "iam:CreateOpenIDConnectProvider", resource: me.oidcProvider! },
            ]),
        );
    }
    return list;
}

/** The policies of one version of the deployments program and the Membrane program's key policy. */
export interface PolicySource {
    deployPolicies(scope: DeployScope): readonly unknown[];
    boundaryPolicy(scope: DeployScope): unknown;
    /** The key policy of a stack's alarm key, as the Membrane program writes it when that stack deploys. */
    keyPolicy(stack: StackView): unknown;
}

export interface Guards {
    readonly scp?: unknown;
    readonly rcp?: unknown;
}

const ALLOW_ALL = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] };
const ALLOW_ALL_LIST = [ALLOW_ALL];

const boundaries = new WeakMap<object, unknown[]>();
const boundaryList = (b: unknown) => {
    if (!boundaries.has(b as object)) {
        boundaries.set(b as object, [b]);
    }
    return boundaries.get(b as object)!;
};

/** Whether every request of the attempt is allowed. */
export async function succeeds(
    attempt: Attempt,
    att: StackView,
    vic: StackView,
    policies: PolicySource,
    decide: (p: import("./iam-sim").Principal, r: IamRequest) => Promise<string>,
    guards: Guards = {},
): Promise<boolean> {
    for (const step of attempt.steps) {
        const by = step.by ?? "deploy";
        const ours = (step.resourceAccount ?? ACCOUNT_ID) === ACCOUNT_ID;
        const scps = by !== "outsider" && guards.scp ? [guards.scp] : undefined;
        const rcps = ours && guards.rcp ? [guards.rcp] : undefined;
        const principal =
            by === "deploy"
                ? { arn: DEPLOY_ROLE(att.stack), identity: policies.deployPolicies(att.scope), scps, rcps, organizationId: ORGANIZATION_ID }
                : by === "own-role"
                  ? {
                        arn: resourcesOf(att).roleArn(resourcesOf(att).unusedRoleName),
                        identity: ALLOW_ALL_LIST,
                        boundary: boundaryList(policies.boundaryPolicy(att.scope)),
                        scps,
                        rcps,
                        organizationId: ORGANIZATION_ID,
                    }
                  : { arn: OUTSIDER, identity: ALLOW_ALL_LIST, rcps };
        const resourcePolicy = step.keyPolicyOf ? policies.keyPolicy(step.keyPolicyOf === "attacker" ? att : vic) : step.resourcePolicy;
        const { by: _by, keyPolicyOf: _k, ...request } = step;
        if ((await decide(principal, { ...request, resourcePolicy })) !== "Allowed") {
            return false;
        }
    }
    return true;
}
