// The deploy role's permissions, derived from ONE table keyed by the Pulumi type token of every
// resource and data source the Membrane program uses. A type the program starts using without an
// entry here fails a test (test/deployments/permissions.test.ts), so the role never lags the program;
// the actions are checked against AWS's Service Authorization Reference and against what
// terraform-provider-aws calls for each type (test/fixtures/provider-calls). Pure: the ARNs come from a
// DeployScope, the account facts a stack's deploy role is confined to. Who may assume the role (its
// trust) is not here: the same table serves every trust.
import { iamNames, replicationRoleName, secretsNames } from "../lib/naming";
import type { PolicyDocument, PolicyStatement } from "../lib/policy-document";

/** Everything a deploy role's ARNs and conditions are scoped by. */
export interface DeployScope {
    readonly partition: string;
    readonly accountId: string;
    /** aws:region of the Membrane stack. */
    readonly region: string;
    /** membrane:environment. */
    readonly environment: string;
    /** membrane:namePrefix. */
    readonly namePrefix: string;
    readonly vpcId: string;
    readonly privateSubnetIds: readonly string[];
    /** The public zone and the static files' name in it; absent without a custom domain. */
    readonly dns?: { readonly zoneId: string; readonly staticDomainName: string };
    /** membrane:eksClusterName; absent without EKS. */
    readonly eksClusterName?: string;
    /** The cluster's OIDC issuer without `https://` (`oidc.eks.<region>.amazonaws.com/id/<id>`), looked up from the cluster. */
    readonly eksOidcIssuer?: string;
    /** The permissions boundary every role the program creates must carry. */
    readonly boundaryArn: string;
    /** membrane:secretsKmsKeyArn: the customer managed key of the credentials secret; absent: the AWS managed key. */
    readonly secretsKmsKeyArn?: string;
    /** membrane:ecsExecutionRoleName with ecsExecutionRole "existing": a role outside the program's names that gets a policy. */
    readonly existingExecutionRoleName?: string;
    /** The resources the stack adopts (membrane:existing*), whose names the program does not derive. */
    readonly adopted?: AdoptedNames;
    /** `-<region>` with membrane:regionInNames: it ends the role names, the replication role's and the alarm topics'. */
    readonly nameSuffix?: string;
    /** membrane:ec2InstanceRole: the stack has the EC2 instance role and its instance profile. */
    readonly ec2InstanceRole?: boolean;
}

/** Names of the resources a stack adopts instead of creating: the deploy role manages them too. */
export interface AdoptedNames {
    readonly buckets?: readonly string[];
    readonly replicationGroupId?: string;
    readonly cacheSubnetGroupName?: string;
    readonly roleNames?: readonly string[];
    /** membrane:existingK8sRoleName: the adopted role EKS Pod Identity may be handed. */
    readonly k8sRoleName?: string;
    /** membrane:existingCloudfrontDistributionId: a distribution that may not carry the stack's tags yet. */
    readonly cloudfrontDistributionId?: string;
}

export type Condition = Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;

/** Actions on resources, optionally under a condition. */
export interface Grant {
    readonly actions: readonly string[];
    /** The ARNs; [] when the grant does not apply to this stack (no custom domain, no EKS). */
    readonly resources: (s: DeployScope) => readonly string[];
    readonly condition?: (s: DeployScope) => Condition;
    /** Required when `resources` is "*": why the actions cannot be scoped (AWS supports no resource-level permission for them). */
    readonly unscopedBecause?: string;
}

export interface TypePermissions {
    /** What managing (or reading) this type needs in AWS; [] for types that never call AWS. */
    readonly grants: readonly Grant[];
    /** For a type with no grant: what it calls instead. */
    readonly noAwsPermissionBecause?: string;
}

/** The tags every Membrane resource carries (lib/naming.ts `tags`): IAM's only handle on resources whose ids AWS generates. */
export const STACK_TAG_KEYS = { Environment: (s: Pick<DeployScope, "environment">) => s.environment, Service: () => "membrane" } as const;

type BucketScope = Pick<DeployScope, "partition" | "accountId" | "environment" | "namePrefix" | "adopted">;
type SecretScope = Pick<DeployScope, "partition" | "region" | "accountId" | "environment">;
/** What the permissions boundary is scoped by. */
export type BoundaryScope = BucketScope & SecretScope & Pick<DeployScope, "secretsKmsKeyArn">;

/**
 * Every role the Membrane program can create for a stack, by exact name (the names come from the
 * program's own naming functions, lib/naming.ts): the ECS task role, the Kubernetes role, the ECS execution role,
 * the External Secrets role and the replication role. A new role of the program is one more line here.
 */
export function programRoleNames(s: Pick<DeployScope, "environment" | "nameSuffix" | "ec2InstanceRole">): string[] {
    const suffix = s.nameSuffix ?? "";
    const iam = iamNames(s.environment, suffix);
    const secrets = secretsNames(s.environment, suffix);
    return [
        iam.ecs.roleName,
        iam.eks.roleName,
        secrets.execution.roleName,
        secrets.eso.roleName,
        replicationRoleName(s.environment, suffix),
        // membrane:ec2InstanceRole only: the other names are the program's whatever the stack turns on.
        ...(s.ec2InstanceRole ? [iam.ec2.roleName] : []),
    ];
}

/** The roles EKS Pod Identity may be handed: those the program associates with a service account. */
function podIdentityRoleNames(s: Pick<DeployScope, "environment" | "nameSuffix">): string[] {
    const suffix = s.nameSuffix ?? "";
    return [iamNames(s.environment, suffix).eks.roleName, secretsNames(s.environment, suffix).eso.roleName];
}

// ARN builders. Names follow the Membrane program (lib/naming.ts);
// a test checks every name the program registers against these patterns.
const arn = {
    /** `<namePrefix><environment>-integration-app-*`: not `<namePrefix><environment>-*`, which for environment
     * "prod" would also match the buckets of an environment "prod-eu". */
    buckets: (s: BucketScope) => [
        `arn:${s.partition}:s3:::${s.namePrefix}${s.environment}-integration-app-*`,
        ...(s.adopted?.buckets ?? []).map((b) => `arn:${s.partition}:s3:::${b}`),
    ],
    objects: (s: BucketScope) => arn.buckets(s).map((b) => `${b}/*`),
    cloudfront: (s: DeployScope, kind: string) => `arn:${s.partition}:cloudfront::${s.accountId}:${kind}/*`,
    adoptedDistribution: (s: DeployScope) =>
        s.adopted?.cloudfrontDistributionId
            ? [`arn:${s.partition}:cloudfront::${s.accountId}:distribution/${s.adopted.cloudfrontDistributionId}`]
            : [],
    certificates: (s: DeployScope) => `arn:${s.partition}:acm:us-east-1:${s.accountId}:certificate/*`,
    zone: (s: DeployScope) => (s.dns ? [`arn:${s.partition}:route53:::hostedzone/${s.dns.zoneId}`] : []),
    elasticache: (s: DeployScope, kind: string, name: string) =>
        `arn:${s.partition}:elasticache:${s.region}:${s.accountId}:${kind}:${name}`,
    ec2: (s: DeployScope, kind: string, id = "*") => `arn:${s.partition}:ec2:${s.region}:${s.accountId}:${kind}/${id}`,
    role: (s: DeployScope, name: string) => `arn:${s.partition}:iam::${s.accountId}:role/${name}`,
    /** The program's roles by exact name, and the adopted ones. The deploy role itself is named outside them. */
    roles: (s: DeployScope) => [...programRoleNames(s), ...(s.adopted?.roleNames ?? [])].map((n) => arn.role(s, n)),
    /** The replication group, its member clusters (`<id>-001`, `<id>-0001-001`) and its subnet group, derived and adopted. */
    cache: (s: DeployScope, kind: "replicationgroup" | "cluster" | "subnetgroup") => {
        const a = s.adopted;
        const names = {
            replicationgroup: [`${s.environment}-membrane`, ...(a?.replicationGroupId ? [a.replicationGroupId] : [])],
            cluster: [`${s.environment}-membrane-*`, ...(a?.replicationGroupId ? [`${a.replicationGroupId}-*`] : [])],
            subnetgroup: [`${s.environment}-membrane-*`, ...(a?.cacheSubnetGroupName ? [a.cacheSubnetGroupName] : [])],
        }[kind];
        return names.map((n) => `arn:${s.partition}:elasticache:${s.region}:${s.accountId}:${kind}:${n}`);
    },
    /** The stack's cluster's own IAM OIDC provider: never another cluster's, never api.pulumi.com/oidc. */
    eksOidcProvider: (s: DeployScope) =>
        s.eksClusterName && s.eksOidcIssuer ? [`arn:${s.partition}:iam::${s.accountId}:oidc-provider/${s.eksOidcIssuer}`] : [],
    cluster: (s: DeployScope) =>
        s.eksClusterName ? [`arn:${s.partition}:eks:${s.region}:${s.accountId}:cluster/${s.eksClusterName}`] : [],
    podIdentityAssociations: (s: DeployScope) =>
        s.eksClusterName ? [`arn:${s.partition}:eks:${s.region}:${s.accountId}:podidentityassociation/${s.eksClusterName}/*`] : [],
    /** `<environment>-membrane-s3-replication`, which S3 assumes to replicate the buckets. */
    replicationRole: (s: DeployScope) => arn.role(s, replicationRoleName(s.environment, s.nameSuffix)),
    /** The Redis log groups, `/membrane/<environment>/…`. */
    logGroups: (s: DeployScope) => `arn:${s.partition}:logs:${s.region}:${s.accountId}:log-group:/membrane/${s.environment}/*`,
    /** CloudFront's log delivery objects, which CloudWatch Logs keeps in us-east-1. */
    delivery: (s: DeployScope, kind: string, name: string) => `arn:${s.partition}:logs:us-east-1:${s.accountId}:${kind}:${name}`,
    /** Alarms, alarm topics and their keys live in the stack's region and, for CloudFront's alarm, in us-east-1. */
    alarms: (s: DeployScope) =>
        alarmRegions(s).map((r) => `arn:${s.partition}:cloudwatch:${r}:${s.accountId}:alarm:${s.environment}-membrane-*`),
    topics: (s: DeployScope) =>
        alarmRegions(s).map((r) => `arn:${s.partition}:sns:${r}:${s.accountId}:${s.environment}-membrane${s.nameSuffix ?? ""}-alarms`),
    /** `membrane/<environment>/*`: the credentials secret and the registry pull secret; the slash keeps `prod-eu`'s out. */
    secrets: (s: SecretScope) => `arn:${s.partition}:secretsmanager:${s.region}:${s.accountId}:secret:membrane/${s.environment}/*`,
    /** An existing ECS execution role named in the stack's config. */
    existingExecutionRole: (s: DeployScope) => (s.existingExecutionRoleName ? [arn.role(s, s.existingExecutionRoleName)] : []),
};

/** AWS's managed policy for the ECS agent, the only managed policy the program attaches. */
export const ecsTaskExecutionPolicyArn = (partition: string) =>
    `arn:${partition}:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy`;
/** What AmazonECSTaskExecutionRolePolicy allows (on "*"): pull images from ECR, write the awslogs driver's logs. */
export const ECS_TASK_EXECUTION_ACTIONS = [
    "ecr:GetAuthorizationToken",
    "ecr:BatchCheckLayerAvailability",
    "ecr:GetDownloadUrlForLayer",
    "ecr:BatchGetImage",
    "logs:CreateLogStream",
    "logs:PutLogEvents",
] as const;

/** kms:ViaService for Secrets Manager in the stack's region: the key is used only through Secrets Manager. */
const viaSecretsManager = (s: Pick<DeployScope, "partition" | "region">): Condition => ({
    StringEquals: { "kms:ViaService": `secretsmanager.${s.region}.${s.partition === "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com"}` },
});

/** With a customer managed key: what Secrets Manager needs of it on the caller's behalf to write and read a value. */
const SECRETS_KMS: Grant = {
    actions: ["kms:GenerateDataKey", "kms:Decrypt"],
    resources: (s) => (s.secretsKmsKeyArn ? [s.secretsKmsKeyArn] : []),
    condition: viaSecretsManager,
};

function alarmRegions(s: DeployScope): string[] {
    return [...new Set([s.region, "us-east-1"])];
}

const onlyWithEks = (f: (s: DeployScope) => readonly string[]) => (s: DeployScope) => (s.eksClusterName ? f(s) : []);
const onlyWithDns = (f: (s: DeployScope) => readonly string[]) => (s: DeployScope) => (s.dns ? f(s) : []);

const stackTags = (prefix: "aws:ResourceTag" | "aws:RequestTag", s: DeployScope) =>
    Object.fromEntries(Object.entries(STACK_TAG_KEYS).map(([k, v]) => [`${prefix}/${k}`, v(s)]));
/** The resource carries the stack's tags: how IAM tells the stack's resources from the account's others when AWS generates their ids. */
const ourTagsOnResource = (s: DeployScope): Condition => ({ StringEquals: stackTags("aws:ResourceTag", s) });
/** The request creates the resource with the stack's tags. */
const ourTagsInRequest = (s: DeployScope): Condition => ({ StringEquals: stackTags("aws:RequestTag", s) });
/**
 * Tagging a resource that has no `Environment` tag yet with the stack's tags: what tagging on creation
 * needs. A resource of another stack already carries its own `Environment`, so it can never be retagged.
 */
const ourTagsOnUntagged = (s: DeployScope): Condition => ({
    StringEquals: stackTags("aws:RequestTag", s),
    Null: { "aws:ResourceTag/Environment": "true" },
});
const boundaryRequired = (s: DeployScope): Condition => ({ StringEquals: { "iam:PermissionsBoundary": s.boundaryArn } });
/** S3 ARNs carry no account: a bucket of that name in another account would match them too. */
const inOurAccount = (s: DeployScope): Condition => ({ StringEquals: { "s3:ResourceAccount": s.accountId } });

const s3Config = (...actions: string[]): TypePermissions => ({
    grants: [{ actions, resources: arn.buckets, condition: inOurAccount }],
});

/** The policy kinds CloudFront supports no tags for: the account's policies of the kind, by generated id. */
const cloudfrontPolicy = (kind: string, noun: string): TypePermissions => ({
    grants: [
        {
            actions: [`cloudfront:Create${noun}`],
            resources: () => ["*"],
            unscopedBecause: `cloudfront:Create${noun} has no resource type in the Service Authorization Reference: AWS evaluates it against "*"`,
        },
        {
            actions: ["Get", "Update", "Delete"].map((verb) => `cloudfront:${verb}${noun}`),
            // CloudFront generates the ids and supports no tag or other condition on this kind: the account's policies of this kind.
            resources: (s) => [arn.cloudfront(s, kind)],
        },
    ],
});

const ec2Describe = (actions: string[]): Grant => ({
    actions,
    resources: () => ["*"],
    unscopedBecause: "EC2 Describe* actions support no resource-level permissions",
});

/** The created security groups and their rules: ours by their Environment and Service tags. */
const securityGroupOwned = (actions: string[], kinds: string[]): Grant => ({
    actions,
    resources: (s) => kinds.map((k) => arn.ec2(s, k)),
    condition: ourTagsOnResource,
});

const elasticacheTagging = ["elasticache:AddTagsToResource", "elasticache:RemoveTagsFromResource", "elasticache:ListTagsForResource"];

const ELASTICACHE_SERVICE_LINKED_ROLE: Grant = {
    // The first ElastiCache resource in an account creates AWSServiceRoleForElastiCache.
    actions: ["iam:CreateServiceLinkedRole"],
    resources: (s) => [
        `arn:${s.partition}:iam::${s.accountId}:role/aws-service-role/elasticache.amazonaws.com/AWSServiceRoleForElastiCache`,
    ],
    condition: () => ({ StringEquals: { "iam:AWSServiceName": "elasticache.amazonaws.com" } }),
};

const TAGGING = (service: string) => [`${service}:TagResource`, `${service}:UntagResource`, `${service}:ListTagsForResource`];

/** ElastiCache's slow and engine logs: CloudWatch Logs' log delivery (V1) and the resource policy it keeps for delivery.logs.amazonaws.com. */
const ELASTICACHE_LOG_DELIVERY: Grant = {
    actions: [
        "logs:CreateLogDelivery",
        "logs:GetLogDelivery",
        "logs:UpdateLogDelivery",
        "logs:DeleteLogDelivery",
        "logs:ListLogDeliveries",
        "logs:PutResourcePolicy",
        "logs:DescribeResourcePolicies",
        "logs:DescribeLogGroups",
    ],
    resources: () => ["*"],
    unscopedBecause:
        "CloudWatch Logs' log-delivery actions and its account-level resource policies have no resource type in the Service Authorization Reference and no condition key; ElastiCache's log delivery needs them of its caller (ElastiCache User Guide, log delivery permissions)",
};

const ROUTE53_LIST: Grant = {
    actions: ["route53:ListHostedZones"],
    resources: (s) => (s.dns ? ["*"] : []),
    unscopedBecause: "Route 53 list actions support no resource-level permissions; looking a zone up by name lists the zones",
};

/** ACM's DNS validation names are `_<32 hex digits>.<domain>`: 32 `?`, so `_acme-challenge` (another CA's) never matches. */
export const ACM_VALIDATION_LABEL = `_${"?".repeat(32)}`;

/** A distribution of the stack: tagged with its tags, or the one it adopts by id. */
const DISTRIBUTION_ACTIONS = [
    "cloudfront:GetDistribution",
    "cloudfront:UpdateDistribution",
    "cloudfront:DeleteDistribution",
    "cloudfront:TagResource",
    "cloudfront:UntagResource",
    "cloudfront:ListTagsForResource",
];

/**
 * The table. Keys are type tokens of resources and data sources (invokes) the Membrane program uses.
 * Atlas, random and tls types are here too, with no grant, so that "not in the table" always means
 * "nobody decided yet".
 */
export const DEPLOY_PERMISSIONS: Readonly<Record<string, TypePermissions>> = {
    // Storage
    "aws:s3/bucket:Bucket": {
        grants: [
            {
                actions: [
                    "s3:CreateBucket",
                    "s3:DeleteBucket",
                    "s3:ListBucket",
                    // Since terraform-provider-aws 6.23 it tags with these first, then falls back to the *BucketTagging ones.
                    "s3:TagResource",
                    "s3:UntagResource",
                    "s3:ListTagsForResource",
                    "s3:GetBucketTagging",
                    "s3:PutBucketTagging",
                    "s3:GetBucketPolicy",
                    "s3:GetBucketAcl",
                    "s3:GetBucketCORS",
                    "s3:GetBucketWebsite",
                    "s3:GetBucketVersioning",
                    "s3:GetAccelerateConfiguration",
                    "s3:GetBucketRequestPayment",
                    "s3:GetBucketLogging",
                    "s3:GetLifecycleConfiguration",
                    "s3:GetReplicationConfiguration",
                    "s3:GetEncryptionConfiguration",
                    "s3:GetBucketObjectLockConfiguration",
                ],
                resources: arn.buckets,
                condition: inOurAccount,
            },
            // forceDestroy (outside production) empties the bucket, every version, before deleting it.
            { actions: ["s3:ListBucketVersions"], resources: arn.buckets, condition: inOurAccount },
            { actions: ["s3:DeleteObject", "s3:DeleteObjectVersion"], resources: arn.objects, condition: inOurAccount },
        ],
    },
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": s3Config("s3:PutBucketPublicAccessBlock", "s3:GetBucketPublicAccessBlock"),
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": s3Config("s3:PutBucketOwnershipControls", "s3:GetBucketOwnershipControls"),
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": s3Config(
        "s3:PutEncryptionConfiguration",
        "s3:GetEncryptionConfiguration",
    ),
    "aws:s3/bucketVersioning:BucketVersioning": s3Config("s3:PutBucketVersioning", "s3:GetBucketVersioning"),
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": s3Config(
        "s3:PutLifecycleConfiguration",
        "s3:GetLifecycleConfiguration",
    ),
    "aws:s3/bucketCorsConfiguration:BucketCorsConfiguration": s3Config("s3:PutBucketCORS", "s3:GetBucketCORS"),
    "aws:s3/bucketPolicy:BucketPolicy": s3Config("s3:PutBucketPolicy", "s3:GetBucketPolicy", "s3:DeleteBucketPolicy"),

    // Cdn
    "aws:cloudfront/distribution:Distribution": {
        grants: [
            {
                actions: ["cloudfront:CreateDistribution"],
                resources: () => ["*"],
                condition: ourTagsInRequest,
                unscopedBecause:
                    'cloudfront:CreateDistribution has no resource type in the Service Authorization Reference: AWS evaluates it against "*"; the request must carry the stack\'s tags',
            },
            // Tagging the new distribution (CreateDistributionWithTags); never one that already carries an Environment tag.
            { actions: ["cloudfront:TagResource"], resources: (s) => [arn.cloudfront(s, "distribution")], condition: ourTagsOnUntagged },
            { actions: DISTRIBUTION_ACTIONS, resources: (s) => [arn.cloudfront(s, "distribution")], condition: ourTagsOnResource },
            // An adopted distribution gets the stack's tags from its first update: until then, by its id.
            { actions: DISTRIBUTION_ACTIONS, resources: arn.adoptedDistribution },
        ],
    },
    "aws:cloudfront/originAccessControl:OriginAccessControl": cloudfrontPolicy("origin-access-control", "OriginAccessControl"),
    "aws:cloudfront/cachePolicy:CachePolicy": cloudfrontPolicy("cache-policy", "CachePolicy"),
    "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy": cloudfrontPolicy("response-headers-policy", "ResponseHeadersPolicy"),
    "aws:acm/certificate:Certificate": {
        grants: [
            {
                actions: ["acm:RequestCertificate"],
                resources: onlyWithDns(() => ["*"]),
                condition: (s) => ({
                    StringEquals: { "aws:RequestedRegion": "us-east-1", ...stackTags("aws:RequestTag", s) },
                    "ForAllValues:StringEquals": { "acm:DomainNames": [s.dns!.staticDomainName] },
                }),
                unscopedBecause:
                    "the certificate's ARN does not exist before RequestCertificate; the request is confined to us-east-1, the static files' name and the stack's tags instead",
            },
            // Tagging the new certificate; never one that already carries an Environment tag.
            { actions: ["acm:AddTagsToCertificate"], resources: onlyWithDns((s) => [arn.certificates(s)]), condition: ourTagsOnUntagged },
            {
                actions: [
                    "acm:DescribeCertificate",
                    "acm:DeleteCertificate",
                    "acm:AddTagsToCertificate",
                    "acm:RemoveTagsFromCertificate",
                    "acm:ListTagsForCertificate",
                ],
                resources: onlyWithDns((s) => [arn.certificates(s)]),
                condition: ourTagsOnResource,
            },
        ],
    },
    "aws:acm/certificateValidation:CertificateValidation": {
        grants: [
            { actions: ["acm:DescribeCertificate"], resources: onlyWithDns((s) => [arn.certificates(s)]), condition: ourTagsOnResource },
        ],
    },
    "aws:route53/record:Record": {
        grants: [
            {
                actions: ["route53:ChangeResourceRecordSets"],
                resources: arn.zone,
                // The static name's alias records and ACM's validation record for it, nothing else in the zone.
                condition: (s) => ({
                    "ForAllValues:StringLike": {
                        "route53:ChangeResourceRecordSetsNormalizedRecordNames": [
                            s.dns!.staticDomainName,
                            `${ACM_VALIDATION_LABEL}.${s.dns!.staticDomainName}`,
                        ],
                    },
                    "ForAllValues:StringEquals": { "route53:ChangeResourceRecordSetsRecordTypes": ["A", "AAAA", "CNAME"] },
                }),
            },
            { actions: ["route53:ListResourceRecordSets", "route53:GetHostedZone"], resources: arn.zone },
            {
                actions: ["route53:GetChange"],
                resources: onlyWithDns((s) => [`arn:${s.partition}:route53:::change/*`]),
            },
        ],
    },
    "aws:route53/getZone:getZone": {
        grants: [ROUTE53_LIST, { actions: ["route53:GetHostedZone", "route53:ListTagsForResource"], resources: arn.zone }],
    },

    // Iam: the program's roles by exact name. Every change that IAM lets a condition on the boundary guard is
    // allowed only while the role carries (or is given) the stack's boundary.
    "aws:iam/role:Role": {
        grants: [
            {
                actions: [
                    "iam:CreateRole",
                    "iam:PutRolePermissionsBoundary",
                    "iam:UpdateAssumeRolePolicy",
                    "iam:UpdateRole",
                    "iam:UpdateRoleDescription",
                    "iam:DeleteRole",
                ],
                resources: arn.roles,
                condition: boundaryRequired,
            },
            {
                actions: [
                    "iam:GetRole",
                    "iam:TagRole",
                    "iam:UntagRole",
                    "iam:ListRolePolicies",
                    "iam:GetRolePolicy",
                    "iam:ListAttachedRolePolicies",
                    "iam:ListInstanceProfilesForRole",
                ],
                resources: arn.roles,
            },
        ],
    },
    "aws:iam/rolePolicy:RolePolicy": {
        grants: [
            // An existing ECS execution role gets its read policy only once it carries the boundary too.
            {
                actions: ["iam:PutRolePolicy", "iam:DeleteRolePolicy"],
                resources: (s) => [...arn.roles(s), ...arn.existingExecutionRole(s)],
                condition: boundaryRequired,
            },
            { actions: ["iam:GetRolePolicy"], resources: (s) => [...arn.roles(s), ...arn.existingExecutionRole(s)] },
        ],
    },
    // membrane:ec2InstanceRole: the instance profile of Docker and Compose hosts, by its exact name. The
    // provider creates it (tagged), reads it and its role, adds and removes the role, and deletes it;
    // AddRoleToInstanceProfile also needs iam:PassRole on the role it adds.
    "aws:iam/instanceProfile:InstanceProfile": {
        grants: [
            {
                actions: [
                    "iam:CreateInstanceProfile",
                    "iam:GetInstanceProfile",
                    "iam:DeleteInstanceProfile",
                    "iam:AddRoleToInstanceProfile",
                    "iam:RemoveRoleFromInstanceProfile",
                    "iam:TagInstanceProfile",
                    "iam:UntagInstanceProfile",
                    "iam:ListInstanceProfileTags",
                ],
                resources: (s) =>
                    s.ec2InstanceRole
                        ? [
                              `arn:${s.partition}:iam::${s.accountId}:instance-profile/${iamNames(s.environment, s.nameSuffix).ec2.instanceProfileName}`,
                          ]
                        : [],
            },
            {
                // Reading the profile reads its role (findRoleByName).
                actions: ["iam:PassRole", "iam:GetRole"],
                resources: (s) => (s.ec2InstanceRole ? [arn.role(s, iamNames(s.environment, s.nameSuffix).ec2.roleName)] : []),
            },
        ],
    },
    // IRSA with eksOidcProvider: create: the cluster's own issuer only, never api.pulumi.com/oidc, which the deploy role trusts.
    "aws:iam/openIdConnectProvider:OpenIdConnectProvider": {
        grants: [
            {
                actions: [
                    "iam:CreateOpenIDConnectProvider",
                    "iam:GetOpenIDConnectProvider",
                    "iam:DeleteOpenIDConnectProvider",
                    "iam:TagOpenIDConnectProvider",
                    "iam:UntagOpenIDConnectProvider",
                    "iam:UpdateOpenIDConnectProviderThumbprint",
                    "iam:AddClientIDToOpenIDConnectProvider",
                    "iam:RemoveClientIDFromOpenIDConnectProvider",
                ],
                resources: arn.eksOidcProvider,
            },
        ],
    },
    "aws:iam/getOpenIdConnectProvider:getOpenIdConnectProvider": {
        grants: [
            {
                actions: ["iam:ListOpenIDConnectProviders"],
                resources: onlyWithEks(() => ["*"]),
                unscopedBecause:
                    "ListOpenIDConnectProviders supports no resource-level permissions; the look-up by URL lists the account's providers",
            },
            { actions: ["iam:GetOpenIDConnectProvider"], resources: arn.eksOidcProvider },
        ],
    },
    "aws:eks/getCluster:getCluster": { grants: [{ actions: ["eks:DescribeCluster"], resources: arn.cluster }] },
    "aws:eks/podIdentityAssociation:PodIdentityAssociation": {
        grants: [
            { actions: ["eks:CreatePodIdentityAssociation"], resources: arn.cluster, condition: ourTagsInRequest },
            { actions: ["eks:TagResource"], resources: arn.podIdentityAssociations, condition: ourTagsOnUntagged },
            {
                actions: [
                    "eks:DescribePodIdentityAssociation",
                    "eks:UpdatePodIdentityAssociation",
                    "eks:DeletePodIdentityAssociation",
                    "eks:TagResource",
                    "eks:UntagResource",
                ],
                resources: arn.podIdentityAssociations,
                condition: ourTagsOnResource,
            },
            {
                // EKS checks that the caller may pass the role to Pod Identity: only the roles the program associates.
                actions: ["iam:PassRole"],
                resources: onlyWithEks((s) => [
                    ...podIdentityRoleNames(s).map((n) => arn.role(s, n)),
                    ...(s.adopted?.k8sRoleName ? [arn.role(s, s.adopted.k8sRoleName)] : []),
                ]),
                condition: () => ({ StringEquals: { "iam:PassedToService": "pods.eks.amazonaws.com" } }),
            },
            { actions: ["iam:GetRole"], resources: onlyWithEks(arn.roles) },
        ],
    },
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": {
        grants: [
            {
                // The ECS execution role's managed policy, and no other: attaching AdministratorAccess stays impossible.
                actions: ["iam:AttachRolePolicy", "iam:DetachRolePolicy"],
                resources: arn.roles,
                condition: (s) => ({
                    ...boundaryRequired(s),
                    ArnEquals: { "iam:PolicyARN": ecsTaskExecutionPolicyArn(s.partition) },
                }),
            },
            { actions: ["iam:ListAttachedRolePolicies"], resources: arn.roles },
        ],
    },

    // CredentialsStore
    "aws:secretsmanager/secret:Secret": {
        grants: [
            {
                actions: [
                    "secretsmanager:CreateSecret",
                    "secretsmanager:DescribeSecret",
                    "secretsmanager:GetResourcePolicy",
                    "secretsmanager:UpdateSecret",
                    "secretsmanager:DeleteSecret",
                    "secretsmanager:TagResource",
                    "secretsmanager:UntagResource",
                ],
                resources: (s) => [arn.secrets(s)],
            },
            SECRETS_KMS,
        ],
    },
    "aws:secretsmanager/secretVersion:SecretVersion": {
        grants: [
            {
                actions: [
                    "secretsmanager:PutSecretValue",
                    "secretsmanager:GetSecretValue",
                    "secretsmanager:ListSecretVersionIds",
                    "secretsmanager:UpdateSecretVersionStage",
                ],
                resources: (s) => [arn.secrets(s)],
            },
            SECRETS_KMS,
        ],
    },
    "aws:index/getCallerIdentity:getCallerIdentity": { grants: [], noAwsPermissionBecause: "sts:GetCallerIdentity needs no permission" },
    "aws:index/getPartition:getPartition": { grants: [], noAwsPermissionBecause: "answered by the provider without an AWS call" },
    "aws:index/getRegion:getRegion": { grants: [], noAwsPermissionBecause: "answered by the provider without an AWS call" },

    // Redis
    "aws:elasticache/subnetGroup:SubnetGroup": {
        grants: [
            {
                actions: [
                    "elasticache:CreateCacheSubnetGroup",
                    "elasticache:DescribeCacheSubnetGroups",
                    "elasticache:ModifyCacheSubnetGroup",
                    "elasticache:DeleteCacheSubnetGroup",
                    ...elasticacheTagging,
                ],
                resources: (s) => arn.cache(s, "subnetgroup"),
            },
            ELASTICACHE_SERVICE_LINKED_ROLE,
        ],
    },
    "aws:elasticache/replicationGroup:ReplicationGroup": {
        grants: [
            {
                // Creating names the group, its member clusters (<id>-001, or <id>-0001-001 per shard), its subnet
                // group and the engine's default parameter group (default.redis7, default.valkey8.cluster.on, ...).
                actions: ["elasticache:CreateReplicationGroup", "elasticache:AddTagsToResource"],
                resources: (s) => [
                    ...arn.cache(s, "replicationgroup"),
                    ...arn.cache(s, "cluster"),
                    ...arn.cache(s, "subnetgroup"),
                    arn.elasticache(s, "parametergroup", "default.*"),
                ],
            },
            {
                actions: [
                    "elasticache:DescribeReplicationGroups",
                    "elasticache:ModifyReplicationGroupShardConfiguration",
                    "elasticache:IncreaseReplicaCount",
                    "elasticache:DecreaseReplicaCount",
                    "elasticache:DeleteReplicationGroup",
                    "elasticache:RemoveTagsFromResource",
                    "elasticache:ListTagsForResource",
                ],
                resources: (s) => arn.cache(s, "replicationgroup"),
            },
            {
                actions: ["elasticache:ModifyReplicationGroup"],
                resources: (s) => [...arn.cache(s, "replicationgroup"), arn.elasticache(s, "parametergroup", "default.*")],
            },
            { actions: ["elasticache:DescribeCacheClusters"], resources: (s) => arn.cache(s, "cluster") },
            ELASTICACHE_SERVICE_LINKED_ROLE,
            ELASTICACHE_LOG_DELIVERY,
        ],
    },
    "aws:ec2/securityGroup:SecurityGroup": {
        grants: [
            { actions: ["ec2:CreateSecurityGroup"], resources: (s) => [arn.ec2(s, "security-group")], condition: ourTagsInRequest },
            { actions: ["ec2:CreateSecurityGroup"], resources: (s) => [arn.ec2(s, "vpc", s.vpcId)] },
            {
                actions: ["ec2:CreateTags"],
                resources: (s) => [arn.ec2(s, "security-group")],
                condition: () => ({ StringEquals: { "ec2:CreateAction": "CreateSecurityGroup" } }),
            },
            // The provider revokes AWS's default egress rule of a new group.
            securityGroupOwned(["ec2:RevokeSecurityGroupEgress", "ec2:DeleteSecurityGroup"], ["security-group"]),
            securityGroupOwned(["ec2:CreateTags", "ec2:DeleteTags"], ["security-group"]),
            ec2Describe(["ec2:DescribeSecurityGroups", "ec2:DescribeNetworkInterfaces"]),
        ],
    },
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": {
        grants: [
            securityGroupOwned(
                ["ec2:AuthorizeSecurityGroupIngress", "ec2:ModifySecurityGroupRules"],
                ["security-group", "security-group-rule"],
            ),
            securityGroupOwned(["ec2:RevokeSecurityGroupIngress"], ["security-group"]),
            securityGroupOwned(["ec2:CreateTags", "ec2:DeleteTags"], ["security-group-rule"]),
            // A rule created with tags: the new rule's resource is authorized by the tags it is given.
            {
                actions: ["ec2:AuthorizeSecurityGroupIngress"],
                resources: (s) => [arn.ec2(s, "security-group-rule")],
                condition: ourTagsInRequest,
            },
            {
                actions: ["ec2:CreateTags"],
                resources: (s) => [arn.ec2(s, "security-group-rule")],
                condition: () => ({ StringEquals: { "ec2:CreateAction": "AuthorizeSecurityGroupIngress" } }),
            },
            // The provider authorizes the rule untagged, then tags it (createTags): only a rule with no Environment tag yet.
            { actions: ["ec2:CreateTags"], resources: (s) => [arn.ec2(s, "security-group-rule")], condition: ourTagsOnUntagged },
            ec2Describe(["ec2:DescribeSecurityGroupRules"]),
        ],
    },

    // Database (AWS side of PrivateLink)
    "aws:ec2/vpcEndpoint:VpcEndpoint": {
        grants: [
            {
                // An interface endpoint to an endpoint service (Atlas's is `com.amazonaws.vpce.<region>.vpce-svc-*`, in
                // MongoDB's account, whose id Atlas does not publish), in the stack's region, created with the stack's tags.
                actions: ["ec2:CreateVpcEndpoint"],
                resources: (s) => [arn.ec2(s, "vpc-endpoint")],
                condition: (s) => ({
                    ...ourTagsInRequest(s),
                    StringLike: { "ec2:VpceServiceName": `com.amazonaws.vpce.${s.region}.vpce-svc-*` },
                }),
            },
            { actions: ["ec2:CreateVpcEndpoint"], resources: (s) => [arn.ec2(s, "vpc", s.vpcId)] },
            {
                actions: ["ec2:CreateVpcEndpoint", "ec2:ModifyVpcEndpoint"],
                resources: (s) => s.privateSubnetIds.map((id) => arn.ec2(s, "subnet", id)),
            },
            {
                actions: ["ec2:CreateVpcEndpoint", "ec2:ModifyVpcEndpoint"],
                resources: (s) => [arn.ec2(s, "security-group")],
                condition: ourTagsOnResource,
            },
            {
                actions: ["ec2:ModifyVpcEndpoint", "ec2:DeleteVpcEndpoints", "ec2:CreateTags", "ec2:DeleteTags"],
                resources: (s) => [arn.ec2(s, "vpc-endpoint")],
                condition: ourTagsOnResource,
            },
            {
                actions: ["ec2:CreateTags"],
                resources: (s) => [arn.ec2(s, "vpc-endpoint")],
                condition: () => ({ StringEquals: { "ec2:CreateAction": "CreateVpcEndpoint" } }),
            },
            ec2Describe(["ec2:DescribeVpcEndpoints", "ec2:DescribePrefixLists", "ec2:DescribeNetworkInterfaces"]),
        ],
    },

    // Adoption: the look-ups that compare an existing resource with the stack before it is imported.
    "aws:s3/getBucket:getBucket": {
        grants: [{ actions: ["s3:ListBucket", "s3:GetBucketWebsite"], resources: arn.buckets, condition: inOurAccount }],
    },
    "aws:elasticache/getReplicationGroup:getReplicationGroup": {
        grants: [{ actions: ["elasticache:DescribeReplicationGroups"], resources: (s) => arn.cache(s, "replicationgroup") }],
    },
    "aws:elasticache/getCluster:getCluster": {
        grants: [
            {
                actions: ["elasticache:DescribeCacheClusters", "elasticache:ListTagsForResource"],
                resources: (s) => arn.cache(s, "cluster"),
            },
        ],
    },
    "aws:iam/getRole:getRole": { grants: [{ actions: ["iam:GetRole"], resources: arn.roles }] },
    "aws:iam/getRolePolicies:getRolePolicies": { grants: [{ actions: ["iam:ListRolePolicies"], resources: arn.roles }] },
    "aws:cloudfront/getDistribution:getDistribution": {
        grants: [{ actions: ["cloudfront:GetDistribution", "cloudfront:ListTagsForResource"], resources: arn.adoptedDistribution }],
    },
    "aws:cloudfront/getOriginAccessControl:getOriginAccessControl": {
        grants: [{ actions: ["cloudfront:GetOriginAccessControl"], resources: (s) => [arn.cloudfront(s, "origin-access-control")] }],
    },
    "mongodbatlas:index/getProject:getProject": { grants: [], noAwsPermissionBecause: "MongoDB Atlas API" },

    // The interface endpoint's VPC and subnets, checked before anything is created (lib/lookups.ts).
    "aws:ec2/getVpc:getVpc": {
        grants: [
            ec2Describe(["ec2:DescribeVpcs", "ec2:DescribeRouteTables"]),
            // The one EC2 Describe the reference gives a resource type (vpc): the stack's VPC.
            { actions: ["ec2:DescribeVpcAttribute"], resources: (s) => [arn.ec2(s, "vpc", s.vpcId)] },
        ],
    },
    // The tagging interceptor lists the subnet's tags with DescribeTags: the look-up sets none from DescribeSubnets.
    "aws:ec2/getSubnet:getSubnet": { grants: [ec2Describe(["ec2:DescribeSubnets", "ec2:DescribeTags"])] },

    // Operations: replication, logs, alarms (Replication, Logs, Monitoring)
    "aws:s3/bucketLogging:BucketLogging": s3Config("s3:PutBucketLogging", "s3:GetBucketLogging"),
    "aws:s3/bucketReplicationConfig:BucketReplicationConfig": {
        grants: [
            {
                actions: ["s3:PutReplicationConfiguration", "s3:GetReplicationConfiguration"],
                resources: arn.buckets,
                condition: inOurAccount,
            },
            // S3 checks that the caller may hand the replication role to it.
            {
                actions: ["iam:PassRole"],
                resources: (s) => [arn.replicationRole(s)],
                condition: () => ({ StringEquals: { "iam:PassedToService": "s3.amazonaws.com" } }),
            },
        ],
    },
    "aws:cloudwatch/logGroup:LogGroup": {
        grants: [
            {
                actions: [
                    "logs:CreateLogGroup",
                    "logs:DeleteLogGroup",
                    "logs:PutRetentionPolicy",
                    "logs:DeleteRetentionPolicy",
                    ...TAGGING("logs"),
                ],
                resources: (s) => [arn.logGroups(s)],
            },
            {
                actions: ["logs:DescribeLogGroups"],
                resources: () => ["*"],
                unscopedBecause: "DescribeLogGroups lists the region's log groups; it supports no resource-level permissions",
            },
        ],
    },
    "aws:cloudwatch/logDeliverySource:LogDeliverySource": {
        grants: [
            {
                // The source of the stack's distribution's logs, and no other resource's: another site's logs stay out of reach.
                actions: ["logs:PutDeliverySource"],
                resources: (s) => [arn.delivery(s, "delivery-source", `${s.environment}-membrane-*`)],
                condition: (s) => ({
                    "ForAllValues:ArnLike": { "logs:LogGeneratingResourceArns": [arn.cloudfront(s, "distribution")] },
                    Null: { "logs:LogGeneratingResourceArns": "false" },
                }),
            },
            {
                actions: ["logs:GetDeliverySource", "logs:DeleteDeliverySource", ...TAGGING("logs")],
                resources: (s) => [arn.delivery(s, "delivery-source", `${s.environment}-membrane-*`)],
            },
            // The Service Authorization Reference lists only delivery-destination for DeleteDeliverySource.
            {
                actions: ["logs:DeleteDeliverySource"],
                resources: (s) => [arn.delivery(s, "delivery-destination", `${s.environment}-membrane-*`)],
            },
            // CloudFront's own permission to hand its access logs to CloudWatch log delivery: the stack's distribution only.
            {
                actions: ["cloudfront:AllowVendedLogDeliveryForResource"],
                resources: (s) => [arn.cloudfront(s, "distribution")],
                condition: ourTagsOnResource,
            },
            { actions: ["cloudfront:AllowVendedLogDeliveryForResource"], resources: arn.adoptedDistribution },
        ],
    },
    "aws:cloudwatch/logDeliveryDestination:LogDeliveryDestination": {
        grants: [
            {
                // Into the stack's own log bucket only: never a destination of someone else's choosing.
                actions: ["logs:PutDeliveryDestination"],
                resources: (s) => [arn.delivery(s, "delivery-destination", `${s.environment}-membrane-*`)],
                condition: (s) => ({ ArnLike: { "logs:DeliveryDestinationResourceArn": arn.buckets(s) } }),
            },
            {
                actions: ["logs:GetDeliveryDestination", "logs:DeleteDeliveryDestination", ...TAGGING("logs")],
                resources: (s) => [arn.delivery(s, "delivery-destination", `${s.environment}-membrane-*`)],
            },
        ],
    },
    "aws:cloudwatch/logDelivery:LogDelivery": {
        grants: [
            {
                // A delivery joins the stack's source and destination.
                actions: ["logs:CreateDelivery", "logs:UpdateDeliveryConfiguration"],
                resources: (s) => [
                    arn.delivery(s, "delivery", "*"),
                    arn.delivery(s, "delivery-source", `${s.environment}-membrane-*`),
                    arn.delivery(s, "delivery-destination", `${s.environment}-membrane-*`),
                ],
            },
            {
                actions: ["logs:GetDelivery", "logs:DeleteDelivery", ...TAGGING("logs")],
                resources: (s) => [arn.delivery(s, "delivery", "*")],
            },
            // An S3 destination: CloudWatch Logs reads the log bucket's policy, and adds its statement if it lacks one.
            { actions: ["s3:GetBucketPolicy", "s3:PutBucketPolicy"], resources: arn.buckets, condition: inOurAccount },
        ],
    },
    "aws:cloudwatch/metricAlarm:MetricAlarm": {
        grants: [
            {
                actions: ["cloudwatch:PutMetricAlarm", "cloudwatch:DeleteAlarms", "cloudwatch:DescribeAlarms", ...TAGGING("cloudwatch")],
                resources: arn.alarms,
            },
        ],
    },
    "aws:sns/topic:Topic": {
        grants: [
            {
                actions: ["sns:CreateTopic", "sns:DeleteTopic", "sns:GetTopicAttributes", "sns:SetTopicAttributes", ...TAGGING("sns")],
                resources: arn.topics,
            },
        ],
    },
    "aws:sns/topicPolicy:TopicPolicy": {
        grants: [{ actions: ["sns:GetTopicAttributes", "sns:SetTopicAttributes"], resources: arn.topics }],
    },
    "aws:sns/topicSubscription:TopicSubscription": {
        grants: [
            {
                actions: ["sns:Subscribe", "sns:Unsubscribe", "sns:GetSubscriptionAttributes", "sns:SetSubscriptionAttributes"],
                // A subscription's ARN is its topic's followed by an id.
                resources: (s) => arn.topics(s).flatMap((t) => [t, `${t}:*`]),
            },
        ],
    },
    "aws:kms/key:Key": {
        grants: [
            {
                // Everything else on the key comes from its key policy, which names the stack's deploy role as
                // its administrator (components/observability/monitoring.ts alarmKeyPolicy): no grant here reaches another key.
                actions: ["kms:CreateKey"],
                resources: () => ["*"],
                condition: ourTagsInRequest,
                unscopedBecause:
                    "kms:CreateKey has no resource type in the Service Authorization Reference: a key's ARN does not exist before it; the request must carry the stack's tags",
            },
            {
                // CreateKey with tags needs TagResource in an IAM policy; a key that already carries an Environment tag never matches.
                actions: ["kms:TagResource"],
                resources: () => ["*"],
                condition: ourTagsOnUntagged,
                unscopedBecause: "tagging the key CreateKey creates, which has no ARN yet; never a key already tagged with an Environment",
            },
        ],
    },

    // Not AWS: credentials for these come from the stack's ESC environment, not from the deploy role.
    "mongodbatlas:index/project:Project": { grants: [], noAwsPermissionBecause: "MongoDB Atlas API" },
    "mongodbatlas:index/advancedCluster:AdvancedCluster": { grants: [], noAwsPermissionBecause: "MongoDB Atlas API" },
    "mongodbatlas:index/databaseUser:DatabaseUser": { grants: [], noAwsPermissionBecause: "MongoDB Atlas API" },
    "mongodbatlas:index/projectIpAccessList:ProjectIpAccessList": { grants: [], noAwsPermissionBecause: "MongoDB Atlas API" },
    "mongodbatlas:index/privateLinkEndpoint:PrivateLinkEndpoint": {
        grants: [],
        noAwsPermissionBecause: "MongoDB Atlas API (Atlas creates the endpoint service in its own AWS account)",
    },
    "mongodbatlas:index/privateLinkEndpointService:PrivateLinkEndpointService": { grants: [], noAwsPermissionBecause: "MongoDB Atlas API" },
    "mongodbatlas:index/getAdvancedCluster:getAdvancedCluster": { grants: [], noAwsPermissionBecause: "MongoDB Atlas API" },
    "mongodbatlas:index/cloudBackupSchedule:CloudBackupSchedule": { grants: [], noAwsPermissionBecause: "MongoDB Atlas API" },
    "mongodbatlas:index/alertConfiguration:AlertConfiguration": { grants: [], noAwsPermissionBecause: "MongoDB Atlas API" },
    "random:index/randomPassword:RandomPassword": { grants: [], noAwsPermissionBecause: "generated locally by the random provider" },
    "tls:index/getCertificate:getCertificate": { grants: [], noAwsPermissionBecause: "an HTTPS request to the EKS issuer, no AWS API" },
};

/** A statement of the deploy role's and the boundary's documents: every one an Allow with its actions and ARNs listed. */
export interface GrantStatement extends PolicyStatement {
    readonly Sid: string;
    readonly Effect: "Allow";
    readonly Action: string[];
    readonly Resource: string[];
    readonly Condition?: Condition;
}

/** Types the table does not know, in order: the coverage test's failure message. */
export function missingTypes(types: Iterable<string>): string[] {
    return [...new Set(types)].filter((t) => !(t in DEPLOY_PERMISSIONS)).sort();
}

const canonical = (c: Condition | undefined): string =>
    c === undefined
        ? ""
        : JSON.stringify(
              Object.keys(c)
                  .sort()
                  .map((op) => [
                      op,
                      Object.keys(c[op])
                          .sort()
                          .map((k) => [k, c[op][k]]),
                  ]),
          );

/** The managed policies a deploy role gets, one per family of services: each must stay under IAM's 6,144 characters. */
export const POLICY_FAMILIES: Readonly<Record<string, string>> = {
    s3: "storage",
    cloudfront: "cdn",
    acm: "cdn",
    route53: "cdn",
    ec2: "network",
    elasticache: "cache",
    iam: "identity",
    eks: "identity",
    cloudwatch: "observability",
    logs: "observability",
    sns: "observability",
    secretsmanager: "secrets",
    kms: "secrets",
};
/** Services not in a family (as later issues add them) share one more policy. */
export const OTHER_FAMILY = "other";

/** IAM's limit for a managed policy document, whitespace excluded. */
export const MANAGED_POLICY_LIMIT = 6144;
/** IAM's default quota of managed policies attached to a role. */
export const MANAGED_POLICIES_PER_ROLE = 10;

const serviceOf = (action: string) => action.split(":")[0];
export const familyOf = (action: string) => POLICY_FAMILIES[serviceOf(action)] ?? OTHER_FAMILY;

/**
 * The deploy role's permissions for a stack: every grant of the table that applies to the stack,
 * merged into one statement per (service, resources, condition), actions sorted, then split into one
 * document per family of services. Deterministic, so an unchanged program leaves the policies unchanged.
 */
export function deployPolicies(
    scope: DeployScope,
    table: Readonly<Record<string, TypePermissions>> = DEPLOY_PERMISSIONS,
): Record<string, PolicyDocument<GrantStatement>> {
    const merged = new Map<string, { actions: Set<string>; resources: string[]; condition?: Condition }>();
    for (const type of Object.keys(table).sort()) {
        for (const grant of table[type].grants) {
            const resources = [...new Set(grant.resources(scope))].sort();
            if (resources.length === 0) {
                continue;
            }
            const condition = grant.condition?.(scope);
            for (const action of grant.actions) {
                const k = `${serviceOf(action)}|${resources.join(",")}|${canonical(condition)}`;
                const entry = merged.get(k) ?? { actions: new Set<string>(), resources, condition };
                entry.actions.add(action);
                merged.set(k, entry);
            }
        }
    }
    const statements = [...merged.values()]
        .map((e) => ({ Action: [...e.actions].sort(), Resource: e.resources, ...(e.condition && { Condition: e.condition }) }))
        .sort((a, b) => (a.Action.join() + a.Resource.join()).localeCompare(b.Action.join() + b.Resource.join()));
    const documents: Record<string, PolicyDocument<GrantStatement>> = {};
    for (const statement of statements) {
        const family = familyOf(statement.Action[0]);
        const doc = (documents[family] ??= { Version: "2012-10-17", Statement: [] });
        doc.Statement.push({
            Sid: `${family[0].toUpperCase()}${family.slice(1)}${String(doc.Statement.length + 1).padStart(2, "0")}`,
            Effect: "Allow",
            ...statement,
        });
    }
    return documents;
}

/**
 * The permissions boundary of every role the Membrane program creates: at most what Membrane's
 * containers do with their own buckets (components/iam/iam.ts `s3AccessPolicy`), what replication does
 * between them (components/storage/replication.ts `replicationPolicy`), reading the stack's
 * `membrane/<environment>/` secrets (components/secrets/credentials-store.ts), with a customer managed key only
 * through Secrets Manager, and what the ECS agent does with an execution role (AmazonECSTaskExecutionRolePolicy),
 * confined to the stack's log groups `/membrane/<environment>/` and ECR repositories `membrane/`.
 * A role created by the deploy role can therefore never do more than that, whatever policy it is given.
 */
export function boundaryPolicy(s: BoundaryScope): PolicyDocument<GrantStatement> {
    const inRegion = (service: string, resource: string) => `arn:${s.partition}:${service}:${s.region}:${s.accountId}:${resource}`;
    const inOurAccount: Condition = { StringEquals: { "s3:ResourceAccount": s.accountId } };
    const statements: GrantStatement[] = [
        {
            Sid: "MembraneBuckets",
            Effect: "Allow",
            Action: ["s3:ListBucket", "s3:ListBucketVersions"],
            Resource: arn.buckets(s),
            Condition: inOurAccount,
        },
        {
            Sid: "MembraneObjects",
            Effect: "Allow",
            Action: ["s3:DeleteObject", "s3:GetObject", "s3:GetObjectVersion", "s3:PutObject"],
            Resource: arn.objects(s),
            Condition: inOurAccount,
        },
        // What the replication role does (components/storage/replication.ts `replicationPolicy`), between the stack's own buckets.
        {
            Sid: "MembraneReplicationConfiguration",
            Effect: "Allow",
            Action: ["s3:GetReplicationConfiguration"],
            Resource: arn.buckets(s),
            Condition: inOurAccount,
        },
        {
            Sid: "MembraneReplicationObjects",
            Effect: "Allow",
            Action: [
                "s3:GetObjectVersionAcl",
                "s3:GetObjectVersionForReplication",
                "s3:GetObjectVersionTagging",
                "s3:ReplicateDelete",
                "s3:ReplicateObject",
                "s3:ReplicateTags",
            ],
            Resource: arn.objects(s),
            Condition: inOurAccount,
        },
        {
            Sid: "MembraneSecrets",
            Effect: "Allow",
            Action: ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"],
            Resource: [arn.secrets(s)],
        },
        // GetAuthorizationToken supports no resource-level permission.
        { Sid: "EcsAgentRegistryToken", Effect: "Allow", Action: ["ecr:GetAuthorizationToken"], Resource: ["*"] },
        {
            // Images mirrored into ECR under membrane/ (the vendor's own come from its registry, with the pull secret).
            Sid: "EcsAgentImages",
            Effect: "Allow",
            Action: ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
            Resource: [inRegion("ecr", "repository/membrane/*")],
        },
        {
            // The awslogs driver's streams in the stack's log groups only.
            Sid: "EcsAgentLogs",
            Effect: "Allow",
            Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
            Resource: [inRegion("logs", `log-group:/membrane/${s.environment}/*:log-stream:*`)],
        },
    ];
    if (s.secretsKmsKeyArn) {
        statements.push({
            Sid: "MembraneSecretsKey",
            Effect: "Allow",
            Action: ["kms:Decrypt"],
            Resource: [s.secretsKmsKeyArn],
            Condition: viaSecretsManager(s),
        });
    }
    return { Version: "2012-10-17", Statement: statements };
}
