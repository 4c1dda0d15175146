// Account-level guards for what the deploy roles' own policies cannot express (docs/account-guards.md):
// a resource control policy that keeps the stacks' data and roles within the organization, whatever a
// deploy role writes into a trust, bucket or key policy, and a service control policy that keeps the
// deploy roles, their policies and the account's public access block out of a deploy role's reach.
// Optional: an organization applies them with AWS Organizations. Pure.

export interface GuardStatement {
    readonly Sid: string;
    readonly Effect: "Deny";
    readonly Principal?: "*";
    readonly Action: string[];
    readonly Resource: string | string[];
    readonly Condition?: Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;
}

export interface GuardPolicy {
    readonly Version: "2012-10-17";
    readonly Statement: GuardStatement[];
}

export interface GuardArgs {
    /** The AWS Organizations id, `o-…`. */
    readonly organizationId: string;
    /** Who may still change the deploy roles, their policies and the Pulumi OIDC provider (the bootstrap's administrators). */
    readonly administratorArns: readonly string[];
    /** Accounts whose endpoint services interface endpoints may reach (MongoDB Atlas's, from the Atlas console); empty: no such guard. */
    readonly endpointServiceOwners?: readonly string[];
}

/** The values docs/account-guards.md shows (a test keeps the document equal to what these functions make of them). */
export const EXAMPLE_GUARD_ARGS: GuardArgs = {
    organizationId: "o-exampleorgid",
    administratorArns: ["arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/*/AWSReservedSSO_AdministratorAccess_*"],
    endpointServiceOwners: ["<Atlas's AWS account id>"],
};

/** The deploy roles' names (deployments/config.ts) and what the bootstrap creates for them. */
const DEPLOY_ROLES = "membrane-deploy-*";

/**
 * The resource control policy: a principal outside the organization can neither assume the account's
 * roles nor use its buckets, keys and secrets, even where a trust, bucket or key policy names it. AWS
 * services acting on their own (CloudFront's origin access, ECS, EKS Pod Identity) are exempt.
 */
export function resourceControlPolicy(a: GuardArgs): GuardPolicy {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "OnlyTheOrganizationReachesTheData",
                Effect: "Deny",
                Principal: "*",
                Action: ["sts:AssumeRole", "s3:*", "kms:*", "secretsmanager:*"],
                Resource: "*",
                Condition: {
                    StringNotEqualsIfExists: { "aws:PrincipalOrgID": a.organizationId },
                    BoolIfExists: { "aws:PrincipalIsAWSService": "false" },
                },
            },
        ],
    };
}

/** The service control policy for the account of the Membrane stacks. */
export function serviceControlPolicy(a: GuardArgs): GuardPolicy {
    const notAdministrator = { ArnNotLike: { "aws:PrincipalArn": [...a.administratorArns] } };
    const statements: GuardStatement[] = [
        {
            // A deploy role cannot change itself or another deploy role,
            Sid: "ProtectTheDeployRoles",
            Effect: "Deny",
            Action: [
                "iam:AttachRolePolicy",
                "iam:DeleteRole",
                "iam:DeleteRolePermissionsBoundary",
                "iam:DeleteRolePolicy",
                "iam:DetachRolePolicy",
                "iam:PutRolePermissionsBoundary",
                "iam:PutRolePolicy",
                "iam:TagRole",
                "iam:UntagRole",
                "iam:UpdateAssumeRolePolicy",
                "iam:UpdateRole",
            ],
            Resource: [`arn:aws:iam::*:role/${DEPLOY_ROLES}`],
            Condition: notAdministrator,
        },
        {
            // their permission policies and the boundaries,
            Sid: "ProtectTheDeployPolicies",
            Effect: "Deny",
            Action: ["iam:CreatePolicyVersion", "iam:DeletePolicy", "iam:DeletePolicyVersion", "iam:SetDefaultPolicyVersion"],
            Resource: ["arn:aws:iam::*:policy/membrane-deploy-*", "arn:aws:iam::*:policy/membrane-boundary-*"],
            Condition: notAdministrator,
        },
        {
            // nor the OIDC provider that every deploy role trusts.
            Sid: "ProtectThePulumiOidcProvider",
            Effect: "Deny",
            Action: [
                "iam:AddClientIDToOpenIDConnectProvider",
                "iam:DeleteOpenIDConnectProvider",
                "iam:RemoveClientIDFromOpenIDConnectProvider",
                "iam:UpdateOpenIDConnectProviderThumbprint",
            ],
            Resource: ["arn:aws:iam::*:oidc-provider/api.pulumi.com/oidc"],
            Condition: notAdministrator,
        },
        {
            // The account's S3 Block Public Access stays on: no bucket policy a deploy role writes can make a bucket public.
            Sid: "KeepTheAccountsPublicAccessBlock",
            Effect: "Deny",
            Action: ["s3:PutAccountPublicAccessBlock"],
            Resource: "*",
            Condition: notAdministrator,
        },
        {
            // A key policy that locks its account out is refused by KMS unless the caller bypasses the check.
            Sid: "NoKeyPolicyLockoutBypass",
            Effect: "Deny",
            Action: ["kms:CreateKey", "kms:PutKeyPolicy"],
            Resource: "*",
            Condition: { Bool: { "kms:BypassPolicyLockoutSafetyCheck": "true" } },
        },
        {
            // The account's CloudWatch Logs resource policies (ElastiCache's log delivery creates AWSLogDeliveryWrite once):
            // after that, no deploy role rewrites them.
            Sid: "DeployRolesKeepTheLogResourcePolicies",
            Effect: "Deny",
            Action: ["logs:PutResourcePolicy", "logs:DeleteResourcePolicy"],
            Resource: "*",
            Condition: { ArnLike: { "aws:PrincipalArn": `arn:aws:iam::*:role/${DEPLOY_ROLES}` } },
        },
    ];
    if (a.endpointServiceOwners?.length) {
        statements.push({
            // Interface endpoints reach only the endpoint services of the listed accounts (Atlas's).
            Sid: "EndpointServicesOfKnownOwnersOnly",
            Effect: "Deny",
            Action: ["ec2:CreateVpcEndpoint"],
            Resource: "arn:aws:ec2:*:*:vpc-endpoint/*",
            Condition: {
                StringNotEquals: { "ec2:VpceServiceOwner": [...a.endpointServiceOwners] },
                ArnLike: { "aws:PrincipalArn": `arn:aws:iam::*:role/${DEPLOY_ROLES}` },
            },
        });
    }
    return { Version: "2012-10-17", Statement: statements };
}
