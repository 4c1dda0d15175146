import {
    EnforcementLevel,
    PolicyPackConfig,
    PolicyResource,
    PolicyResourceOptions,
    ReportViolation,
    ResourceValidation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationPolicy,
    UnknownValueError,
    unknownCheckingProxy,
} from "@pulumi/policy";
import { parse as parseYaml } from "yaml";

// ---------------------------------------------------------------------------
// Type tokens
// ---------------------------------------------------------------------------

export const TYPES = {
    bucket: "aws:s3/bucket:Bucket",
    bucketVersioning: "aws:s3/bucketVersioning:BucketVersioning",
    bucketPublicAccessBlock: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    bucketOwnershipControls: "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
    bucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
    replicationGroup: "aws:elasticache/replicationGroup:ReplicationGroup",
    distribution: "aws:cloudfront/distribution:Distribution",
    iamRole: "aws:iam/role:Role",
    iamPolicy: "aws:iam/policy:Policy",
    iamRolePolicy: "aws:iam/rolePolicy:RolePolicy",
    iamUserPolicy: "aws:iam/userPolicy:UserPolicy",
    iamGroupPolicy: "aws:iam/groupPolicy:GroupPolicy",
    iamRolePolicyAttachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    iamUserPolicyAttachment: "aws:iam/userPolicyAttachment:UserPolicyAttachment",
    iamGroupPolicyAttachment: "aws:iam/groupPolicyAttachment:GroupPolicyAttachment",
    iamPolicyAttachment: "aws:iam/policyAttachment:PolicyAttachment",
    atlasAccessList: "mongodbatlas:index/projectIpAccessList:ProjectIpAccessList",
    atlasCluster: "mongodbatlas:index/advancedCluster:AdvancedCluster",
    cloudControlResource: "aws:cloudcontrol/resource:Resource",
    nativeExtensionResource: "aws-native:index:ExtensionResource",
} as const;

// aws-native has changed the casing of module and member names between versions, so the
// refused services are matched by lower-cased prefix rather than by an exact token list.
const ELASTICACHE_SERVERLESS_PREFIXES = ["aws:elasticache/serverlesscache", "aws-native:elasticache:serverlesscache"];
// "aws-native:docdb" also covers "aws-native:docdbelastic:*".
const DOCUMENTDB_PREFIXES = ["aws:docdb/", "aws-native:docdb"];

const CLOUDFORMATION_STACK_TYPES = [
    "aws:cloudformation/stack:stack",
    "aws:cloudformation/stackset:stackset",
    "aws-native:cloudformation:stack",
    "aws-native:cloudformation:stackset",
];

// Resources that create an arbitrary CloudFormation type through Cloud Control, and the
// input holding that type name.
const CLOUD_CONTROL_TYPE_INPUTS: Record<string, string> = {
    [TYPES.cloudControlResource.toLowerCase()]: "typeName",
    [TYPES.nativeExtensionResource.toLowerCase()]: "type",
};

export function hasTypePrefix(type: string, prefixes: readonly string[]): boolean {
    const lower = type.toLowerCase();
    return prefixes.some(prefix => lower.startsWith(prefix));
}

export const isElastiCacheServerlessType = (type: string) => hasTypePrefix(type, ELASTICACHE_SERVERLESS_PREFIXES);
export const isDocumentDbType = (type: string) => hasTypePrefix(type, DOCUMENTDB_PREFIXES);

/** Which refused service an AWS CloudFormation type name (e.g. `AWS::DocDB::DBCluster`) belongs to. */
export function refusedCloudFormationService(cfnType: string): "ElastiCache Serverless" | "DocumentDB" | undefined {
    const lower = cfnType.trim().toLowerCase();
    if (lower.startsWith("aws::elasticache::serverlesscache")) {
        return "ElastiCache Serverless";
    }
    // "aws::docdb" also covers "AWS::DocDBElastic::*".
    if (lower.startsWith("aws::docdb")) {
        return "DocumentDB";
    }
    return undefined;
}

export const ELASTICACHE_SERVERLESS_MESSAGE =
    "Membrane cannot use ElastiCache Serverless: it runs in cluster mode only, has no AUTH token " +
    "(only RBAC users) and does not support SELECT. Use an ElastiCache replication group " +
    "(aws.elasticache.ReplicationGroup) with transit encryption and an AUTH token instead.";

export const DOCUMENTDB_MESSAGE =
    "Membrane cannot use Amazon DocumentDB: it is not API-compatible enough with MongoDB for Membrane. " +
    "Use MongoDB Atlas (mongodbatlas.AdvancedCluster) or self-hosted MongoDB instead.";

function refusalMessage(service: "ElastiCache Serverless" | "DocumentDB"): string {
    return service === "DocumentDB" ? DOCUMENTDB_MESSAGE : ELASTICACHE_SERVERLESS_MESSAGE;
}

// ---------------------------------------------------------------------------
// Unknown values
// ---------------------------------------------------------------------------

/**
 * During preview the policy SDK wraps props in a proxy that throws `UnknownValueError` when a
 * value is not known yet; left uncaught, the SDK turns that into an advisory "can't run policy
 * during preview". `UNKNOWN` lets a policy catch it where a narrower answer is possible.
 */
export const UNKNOWN: unique symbol = Symbol("unknown during preview");
export type Unknown = typeof UNKNOWN;

export function readKnown<T>(read: () => T): T | Unknown {
    try {
        return read();
    } catch (e) {
        if (e instanceof UnknownValueError) {
            return UNKNOWN;
        }
        throw e;
    }
}

/** True when a value is given: non-empty, or unknown during preview (e.g. a secret from another resource). */
export function isSet(read: () => unknown): boolean {
    const value = readKnown(read);
    if (value === UNKNOWN) {
        return true;
    }
    if (value === undefined || value === null || value === "") {
        return false;
    }
    return !Array.isArray(value) || value.length > 0;
}

function knownString(read: () => unknown): string | undefined {
    const value = readKnown(read);
    return typeof value === "string" ? value : undefined;
}

const asList = (value: unknown): unknown[] =>
    value === undefined || value === null ? [] : Array.isArray(value) ? value : [value];

const isRecord = (value: unknown): value is Record<string, unknown> =>
    typeof value === "object" && value !== null && !Array.isArray(value);

// ---------------------------------------------------------------------------
// IAM policy documents
// ---------------------------------------------------------------------------

export interface PolicyStatement {
    Sid?: string;
    Effect?: string;
    Principal?: unknown;
    NotPrincipal?: unknown;
    Action?: string | string[];
    NotAction?: string | string[];
    Resource?: string | string[];
    NotResource?: string | string[];
    Condition?: Record<string, Record<string, unknown>>;
}

export interface PolicyDocument {
    Version?: string;
    Statement?: PolicyStatement | PolicyStatement[];
}

/**
 * Parses a policy document given as JSON text or as an object. Returns `undefined` when the
 * document is absent, not known yet (preview), or not a JSON object: there is nothing to check,
 * and AWS rejects malformed documents itself.
 */
export function parsePolicyDocument(value: unknown): PolicyDocument | undefined {
    if (value === UNKNOWN) {
        return undefined;
    }
    // JSON.stringify walks the whole object, so an unknown nested value surfaces here.
    const text = readKnown(() => (typeof value === "string" ? value : JSON.stringify(value)));
    if (typeof text !== "string") {
        return undefined;
    }
    try {
        const parsed: unknown = JSON.parse(text);
        return isRecord(parsed) ? (parsed as PolicyDocument) : undefined;
    } catch {
        return undefined;
    }
}

export function statementsOf(document: PolicyDocument): PolicyStatement[] {
    return asList(document.Statement).filter(isRecord) as PolicyStatement[];
}

const hasEffect = (statement: PolicyStatement, effect: "Allow" | "Deny") =>
    typeof statement.Effect === "string" && statement.Effect.toLowerCase() === effect.toLowerCase();

const WILDCARD_ACTION = /^(\*|[a-z0-9-]+:\*)$/i;

/** The wildcard grants in a document: `*` or `service:*` actions, and any `NotAction`, on Allow statements. */
export function wildcardGrants(document: PolicyDocument): string[] {
    return statementsOf(document)
        .filter(statement => hasEffect(statement, "Allow"))
        .flatMap(statement => [
            ...asList(statement.Action).filter(
                (action): action is string => typeof action === "string" && WILDCARD_ACTION.test(action.trim())),
            ...(statement.NotAction === undefined ? [] : [`NotAction ${JSON.stringify(statement.NotAction)}`]),
        ]);
}

/** Case-insensitive property lookup: IAM condition operators and keys are not case-sensitive. */
function getIgnoringCase(record: unknown, key: string): unknown {
    if (!isRecord(record)) {
        return undefined;
    }
    const match = Object.keys(record).find(k => k.toLowerCase() === key.toLowerCase());
    return match === undefined ? undefined : record[match];
}

function deniesInsecureTransportCondition(statement: PolicyStatement): boolean {
    const value = getIgnoringCase(getIgnoringCase(statement.Condition, "Bool"), "aws:SecureTransport");
    return asList(value).some(v => v === false || (typeof v === "string" && v.toLowerCase() === "false"));
}

function appliesToEveryone(statement: PolicyStatement): boolean {
    const principal = statement.Principal;
    return principal === "*" || asList(getIgnoringCase(principal, "AWS")).includes("*");
}

function coversAllS3Actions(statement: PolicyStatement): boolean {
    return asList(statement.Action).some(a => typeof a === "string" && ["*", "s3:*"].includes(a.toLowerCase()));
}

const S3_ARN = /^arn:[a-z-]+:s3:::([^/]+)(\/\*)?$/;

/** True when the statement's resources include both the bucket ARN and `<bucket ARN>/*` (or `*`). */
function coversBucketAndObjects(statement: PolicyStatement, bucketName: string | undefined): boolean {
    const resources = asList(statement.Resource).filter((r): r is string => typeof r === "string");
    if (resources.includes("*")) {
        return true;
    }
    const buckets = new Set<string>();
    const objectBuckets = new Set<string>();
    for (const resource of resources) {
        const match = S3_ARN.exec(resource);
        if (match) {
            (match[2] ? objectBuckets : buckets).add(match[1]);
        }
    }
    const candidates = bucketName === undefined ? [...buckets] : [bucketName];
    return candidates.some(name => buckets.has(name) && objectBuckets.has(name));
}

/** True when the document has the S3.5 statement: Deny s3:* to everyone on the bucket and its objects without TLS. */
export function deniesInsecureTransport(document: PolicyDocument, bucketName?: string): boolean {
    return statementsOf(document).some(statement =>
        hasEffect(statement, "Deny") &&
        appliesToEveryone(statement) &&
        coversAllS3Actions(statement) &&
        coversBucketAndObjects(statement, bucketName) &&
        deniesInsecureTransportCondition(statement));
}

// ---------------------------------------------------------------------------
// CloudFormation templates
// ---------------------------------------------------------------------------

export interface DeclaredResource {
    /** Absent when the template did not parse and the type was only found in its text. */
    logicalId?: string;
    type: string;
}

function parseTemplate(text: string): unknown {
    try {
        return JSON.parse(text);
    } catch {
        // logLevel "error": CloudFormation short-form tags (!Ref, !Sub, ...) only warn, and
        // their values do not matter here; syntax errors still throw.
        return parseYaml(text, { logLevel: "error" });
    }
}

const CFN_TYPE_MENTION = /AWS::[A-Za-z0-9]+::[A-Za-z0-9]+/g;

/**
 * The resources a CloudFormation template (JSON or YAML text, or an object) declares. Text
 * that does not parse falls back to every `AWS::Service::Type` it mentions, so a broken
 * template cannot hide a refused type.
 */
export function declaredResources(template: unknown): DeclaredResource[] {
    let document: unknown = template;
    if (typeof template === "string") {
        try {
            document = parseTemplate(template);
        } catch {
            return [...new Set(template.match(CFN_TYPE_MENTION) ?? [])].map(type => ({ type }));
        }
    }
    const resources = getIgnoringCase(document, "Resources");
    if (!isRecord(resources)) {
        return [];
    }
    return Object.entries(resources).flatMap(([logicalId, resource]) => {
        const type = isRecord(resource) ? resource["Type"] : undefined;
        return typeof type === "string" ? [{ logicalId, type }] : [];
    });
}

// ---------------------------------------------------------------------------
// Policy building blocks
// ---------------------------------------------------------------------------

type PropsValidation<T> = (props: T, args: ResourceValidationArgs, reportViolation: ReportViolation) => void;

/** A resource validation that only looks at resources of the given type(s). */
function onTypes<T>(types: string | readonly string[], validate: PropsValidation<T>): ResourceValidation {
    const wanted = asList(types) as string[];
    return (args, reportViolation) => {
        if (wanted.includes(args.type)) {
            validate(args.props as T, args, reportViolation);
        }
    };
}

// ---------------------------------------------------------------------------
// Refused services
// ---------------------------------------------------------------------------

export const noElastiCacheServerless: ResourceValidationPolicy = {
    name: "no-elasticache-serverless",
    description: "Membrane cannot run on ElastiCache Serverless; use an ElastiCache replication group.",
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        if (isElastiCacheServerlessType(args.type)) {
            reportViolation(ELASTICACHE_SERVERLESS_MESSAGE);
        }
    },
};

export const noDocumentDb: ResourceValidationPolicy = {
    name: "no-documentdb",
    description: "Membrane cannot run on Amazon DocumentDB; use MongoDB Atlas or self-hosted MongoDB.",
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        if (isDocumentDbType(args.type)) {
            reportViolation(DOCUMENTDB_MESSAGE);
        }
    },
};

function reportRefused(type: string, where: string, reportViolation: ReportViolation) {
    const service = refusedCloudFormationService(type);
    if (service) {
        reportViolation(`${where} creates ${type}. ${refusalMessage(service)}`);
    }
}

export const noBackDoors: ResourceValidationPolicy = {
    name: "no-back-doors",
    description:
        "CloudFormation stacks and Cloud Control resources must not create ElastiCache Serverless or DocumentDB.",
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        const type = args.type.toLowerCase();
        if (CLOUDFORMATION_STACK_TYPES.includes(type)) {
            // Only templateBody can be checked offline; a stack given by templateUrl is not read.
            const body: unknown = args.props.templateBody;
            for (const { logicalId, type: cfnType } of body === undefined ? [] : declaredResources(body)) {
                const where = logicalId === undefined
                    ? "The CloudFormation template"
                    : `The CloudFormation template (resource ${logicalId})`;
                reportRefused(cfnType, where, reportViolation);
            }
            return;
        }
        const typeInput = CLOUD_CONTROL_TYPE_INPUTS[type];
        const typeName: unknown = typeInput === undefined ? undefined : args.props[typeInput];
        if (typeof typeName === "string") {
            reportRefused(typeName, "The Cloud Control resource", reportViolation);
        }
    },
};

// ---------------------------------------------------------------------------
// S3
// ---------------------------------------------------------------------------

const PUBLIC_ACCESS_FLAGS = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"] as const;
type PublicAccessBlockProps = Partial<Record<(typeof PUBLIC_ACCESS_FLAGS)[number], boolean>>;

export const s3PublicAccessBlock: ResourceValidationPolicy = {
    name: "s3-public-access-block",
    description: "S3 public access blocks must turn on all four flags (Security Hub S3.1/S3.8).",
    enforcementLevel: "mandatory",
    validateResource: onTypes<PublicAccessBlockProps>(TYPES.bucketPublicAccessBlock, (props, _args, reportViolation) => {
        const off = PUBLIC_ACCESS_FLAGS.filter(flag => props[flag] !== true);
        if (off.length > 0) {
            reportViolation(
                `${off.join(", ")} ${off.length === 1 ? "is" : "are"} not true. Set all four of ` +
                `${PUBLIC_ACCESS_FLAGS.join(", ")} to true; even the static bucket is read by CloudFront ` +
                "through origin access control, not through public access.");
        }
    }),
};

interface OwnershipControlsProps {
    rule?: { objectOwnership?: string };
}

export const s3BucketOwnerEnforced: ResourceValidationPolicy = {
    name: "s3-bucket-owner-enforced",
    description: "S3 buckets must disable ACLs with BucketOwnerEnforced object ownership (Security Hub S3.12).",
    enforcementLevel: "mandatory",
    validateResource: onTypes<OwnershipControlsProps>(TYPES.bucketOwnershipControls, (props, _args, reportViolation) => {
        const ownership = props.rule?.objectOwnership;
        if (ownership !== "BucketOwnerEnforced") {
            reportViolation(
                `rule.objectOwnership is ${JSON.stringify(ownership)}. Set it to "BucketOwnerEnforced" so ` +
                "ACLs are disabled and the bucket owner owns every object.");
        }
    }),
};

interface BucketPolicyProps {
    bucket?: string;
    policy?: unknown;
}

export const s3BucketPolicyDeniesInsecureTransport: ResourceValidationPolicy = {
    name: "s3-bucket-policy-denies-insecure-transport",
    description: "S3 bucket policies must deny requests that do not use TLS (Security Hub S3.5).",
    enforcementLevel: "mandatory",
    validateResource: onTypes<BucketPolicyProps>(TYPES.bucketPolicy, (props, _args, reportViolation) => {
        const document = parsePolicyDocument(readKnown(() => props.policy));
        if (document === undefined) {
            return;
        }
        if (!deniesInsecureTransport(document, knownString(() => props.bucket))) {
            reportViolation(
                "The policy has no statement denying plain-HTTP access. Add { Effect: \"Deny\", Principal: \"*\", " +
                "Action: \"s3:*\", Resource: [<bucket ARN>, \"<bucket ARN>/*\"], " +
                "Condition: { Bool: { \"aws:SecureTransport\": \"false\" } } }.");
        }
    }),
};

interface BucketVersioningProps {
    bucket?: string;
    versioningConfiguration?: { status?: string };
}

const CONNECTORS_BUCKET_SUFFIX = "-connectors";

/** Undefined (offline plans) and unknown (preview) names both mean "not known yet". */
function knownName(resource: PolicyResource, key: string): string | undefined {
    return knownString(() => resource.props[key]);
}

function dependsOn(resource: PolicyResource, target: PolicyResource): boolean {
    const dependencies = [...resource.dependencies, ...(resource.propertyDependencies["bucket"] ?? [])];
    return dependencies.some(dependency => dependency.urn === target.urn);
}

function versioningStatus(versioning: PolicyResource): string | Unknown | undefined {
    return readKnown(() => (versioning.props as BucketVersioningProps).versioningConfiguration?.status);
}

/** Versioning resources for the bucket: by name, or, when their bucket is not known yet, by dependency. */
function versioningsOf(bucket: PolicyResource, name: string, versionings: PolicyResource[]): PolicyResource[] {
    return versionings.filter(versioning => {
        const target = knownName(versioning, "bucket");
        return target === undefined ? dependsOn(versioning, bucket) : target === name;
    });
}

export const s3ConnectorsBucketVersioned: StackValidationPolicy = {
    name: "s3-connectors-bucket-versioned",
    description: "The connectors bucket must have versioning enabled (operators restore connector packages by version id).",
    enforcementLevel: "mandatory",
    validateStack: (args, reportViolation) => {
        const versionings = args.resources.filter(r => r.type === TYPES.bucketVersioning);
        for (const bucket of args.resources.filter(r => r.type === TYPES.bucket)) {
            const name = knownName(bucket, "bucket");
            if (name === undefined || !name.endsWith(CONNECTORS_BUCKET_SUFFIX)) {
                continue;
            }
            const statuses = versioningsOf(bucket, name, versionings).map(versioningStatus);
            if (statuses.includes("Enabled") || statuses.includes(UNKNOWN)) {
                continue;
            }
            reportViolation(
                `Bucket "${name}" has no aws.s3.BucketVersioning with versioningConfiguration.status "Enabled". ` +
                "Add one with bucket set to this bucket and status \"Enabled\" (plus a lifecycle rule that " +
                "expires noncurrent versions).",
                bucket.urn);
        }
    },
};

// ---------------------------------------------------------------------------
// ElastiCache
// ---------------------------------------------------------------------------

interface ReplicationGroupProps {
    atRestEncryptionEnabled?: boolean;
    transitEncryptionEnabled?: boolean;
    authToken?: string;
    authTokenWo?: string;
    userGroupIds?: string[];
    numCacheClusters?: number;
    replicasPerNodeGroup?: number;
    automaticFailoverEnabled?: boolean;
    multiAzEnabled?: boolean;
}

export const elastiCacheEncryptionAndAuth: ResourceValidationPolicy = {
    name: "elasticache-encryption-and-auth",
    description:
        "ElastiCache replication groups must encrypt at rest and in transit and require AUTH (Security Hub ElastiCache.4/5/6).",
    enforcementLevel: "mandatory",
    validateResource: onTypes<ReplicationGroupProps>(TYPES.replicationGroup, (props, _args, reportViolation) => {
        if (props.atRestEncryptionEnabled !== true) {
            reportViolation(
                "atRestEncryptionEnabled is not true. Set it to true; it can only be chosen when the group is created.");
        }
        if (props.transitEncryptionEnabled !== true) {
            reportViolation(
                "transitEncryptionEnabled is not true. Set it to true; Membrane connects with rediss:// and " +
                "an AUTH token requires TLS.");
        }
        const authenticated = isSet(() => props.authToken) || isSet(() => props.authTokenWo) ||
            isSet(() => props.userGroupIds);
        if (!authenticated) {
            reportViolation(
                "Neither authToken nor userGroupIds is set. Set authToken (16-128 alphanumeric characters, " +
                "kept as a secret) so REDIS_URI can carry it.");
        }
    }),
};

export const elastiCacheHighAvailability: ResourceValidationPolicy = {
    name: "elasticache-high-availability",
    description: "Replicated ElastiCache groups should fail over automatically across AZs (Security Hub ElastiCache.3).",
    enforcementLevel: "advisory",
    validateResource: onTypes<ReplicationGroupProps>(TYPES.replicationGroup, (props, _args, reportViolation) => {
        const replicated = (props.numCacheClusters ?? 0) >= 2 || (props.replicasPerNodeGroup ?? 0) >= 1;
        if (!replicated) {
            return;
        }
        const missing = (["automaticFailoverEnabled", "multiAzEnabled"] as const).filter(flag => props[flag] !== true);
        if (missing.length > 0) {
            reportViolation(
                `The group has replicas but ${missing.join(" and ")} ${missing.length === 1 ? "is" : "are"} not true. ` +
                "Set automaticFailoverEnabled and multiAzEnabled to true so a replica takes over when the primary fails.");
        }
    }),
};

// ---------------------------------------------------------------------------
// CloudFront
// ---------------------------------------------------------------------------

interface CacheBehavior {
    pathPattern?: string;
    viewerProtocolPolicy?: string;
}

interface DistributionOrigin {
    originId?: string;
    domainName?: string;
    originAccessControlId?: string;
    s3OriginConfig?: { originAccessIdentity?: string };
}

interface DistributionProps {
    defaultCacheBehavior?: CacheBehavior;
    orderedCacheBehaviors?: CacheBehavior[];
    origins?: DistributionOrigin[];
    viewerCertificate?: {
        acmCertificateArn?: string;
        iamCertificateId?: string;
        cloudfrontDefaultCertificate?: boolean;
        minimumProtocolVersion?: string;
    };
}

const HTTPS_VIEWER_POLICIES = ["redirect-to-https", "https-only"];

export const cloudFrontHttpsOnly: ResourceValidationPolicy = {
    name: "cloudfront-https-only",
    description: "CloudFront cache behaviors must make viewers use HTTPS (Security Hub CloudFront.3).",
    enforcementLevel: "mandatory",
    validateResource: onTypes<DistributionProps>(TYPES.distribution, (props, _args, reportViolation) => {
        const behaviors: Array<[string, CacheBehavior | undefined]> = [
            ["defaultCacheBehavior", props.defaultCacheBehavior],
            ...(props.orderedCacheBehaviors ?? []).map(
                (b, i): [string, CacheBehavior] => [`orderedCacheBehaviors[${i}] (${b.pathPattern})`, b]),
        ];
        for (const [where, behavior] of behaviors) {
            const policy = behavior?.viewerProtocolPolicy;
            if (policy === undefined || !HTTPS_VIEWER_POLICIES.includes(policy)) {
                reportViolation(
                    `${where} has viewerProtocolPolicy ${JSON.stringify(policy)}. Set it to "redirect-to-https" ` +
                    "(or \"https-only\").");
            }
        }
    }),
};

export const DEFAULT_MINIMUM_PROTOCOL_VERSIONS = ["TLSv1.2_2021", "TLSv1.2_2025", "TLSv1.3_2025"];

interface ModernTlsConfig {
    allowedMinimumProtocolVersions?: string[];
}

export const cloudFrontModernTls: ResourceValidationPolicy = {
    name: "cloudfront-modern-tls",
    description:
        "CloudFront distributions with a custom certificate must require TLS 1.2 or newer (Security Hub CloudFront.7/8/15).",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            allowedMinimumProtocolVersions: {
                type: "array",
                items: { type: "string" },
                default: DEFAULT_MINIMUM_PROTOCOL_VERSIONS,
                description: "CloudFront security policies accepted as minimumProtocolVersion.",
            },
        },
    },
    validateResource: onTypes<DistributionProps>(TYPES.distribution, (props, args, reportViolation) => {
        const certificate = props.viewerCertificate;
        const customCertificate = isSet(() => certificate?.acmCertificateArn) || isSet(() => certificate?.iamCertificateId);
        // With the default *.cloudfront.net certificate AWS fixes the policy at TLSv1; nothing to choose.
        if (!customCertificate) {
            return;
        }
        const allowed = args.getConfig<ModernTlsConfig>().allowedMinimumProtocolVersions ?? DEFAULT_MINIMUM_PROTOCOL_VERSIONS;
        const version = certificate?.minimumProtocolVersion;
        if (version === undefined || !allowed.includes(version)) {
            reportViolation(
                `viewerCertificate.minimumProtocolVersion is ${JSON.stringify(version)}. Set it to one of ` +
                `${allowed.join(", ")} (with sslSupportMethod "sni-only").`);
        }
    }),
};

const isS3RestDomain = (domain: string) => {
    const lower = domain.toLowerCase();
    return lower.includes(".s3.") || lower.endsWith(".s3.amazonaws.com");
};

/** Whether an origin is an S3 bucket; when its domain is unknown at preview, judged by its S3 settings. */
function isS3Origin(origin: DistributionOrigin): boolean {
    const domain = readKnown(() => origin.domainName);
    if (typeof domain === "string") {
        return isS3RestDomain(domain);
    }
    return isSet(() => origin.originAccessControlId) || isSet(() => origin.s3OriginConfig);
}

export const cloudFrontOriginAccessControl: ResourceValidationPolicy = {
    name: "cloudfront-origin-access-control",
    description: "CloudFront must read S3 origins through origin access control, not an origin access identity (Security Hub CloudFront.13).",
    enforcementLevel: "mandatory",
    validateResource: onTypes<DistributionProps>(TYPES.distribution, (props, _args, reportViolation) => {
        for (const origin of (props.origins ?? []).filter(isS3Origin)) {
            const where = `S3 origin ${JSON.stringify(origin.originId)}`;
            if (!isSet(() => origin.originAccessControlId)) {
                reportViolation(
                    `${where} has no originAccessControlId. Create an aws.cloudfront.OriginAccessControl ` +
                    "(signingBehavior \"always\", signingProtocol \"sigv4\") and set originAccessControlId.");
            }
            if (isSet(() => origin.s3OriginConfig?.originAccessIdentity)) {
                reportViolation(
                    `${where} uses an origin access identity (s3OriginConfig.originAccessIdentity). Remove it and ` +
                    "grant cloudfront.amazonaws.com read access in the bucket policy, conditioned on AWS:SourceArn.");
            }
        }
    }),
};

// ---------------------------------------------------------------------------
// IAM
// ---------------------------------------------------------------------------

interface PolicyDocumentProps {
    policy?: unknown;
}

interface RoleProps {
    inlinePolicies?: Array<{ name?: string; policy?: unknown }>;
}

/** Permission documents of an IAM resource; a role's assumeRolePolicy is a trust policy and is left out. */
function permissionDocuments(args: ResourceValidationArgs): Array<[string, unknown]> {
    if (args.type === TYPES.iamRole) {
        const inline = readKnown(() => (args.props as RoleProps).inlinePolicies);
        if (!Array.isArray(inline)) {
            return [];
        }
        return inline.map((p, i): [string, unknown] =>
            [`inlinePolicies[${i}]`, readKnown(() => p.policy)]);
    }
    return [["policy", readKnown(() => (args.props as PolicyDocumentProps).policy)]];
}

const IAM_PERMISSION_TYPES: readonly string[] = [
    TYPES.iamPolicy, TYPES.iamRolePolicy, TYPES.iamUserPolicy, TYPES.iamGroupPolicy, TYPES.iamRole,
];

const IAM_ATTACHMENT_TYPES: readonly string[] = [
    TYPES.iamRolePolicyAttachment, TYPES.iamUserPolicyAttachment, TYPES.iamGroupPolicyAttachment, TYPES.iamPolicyAttachment,
];

// AWS-managed policies whose documents allow `*` or `service:*`: attaching one is a wildcard grant too.
const BROAD_MANAGED_POLICY = /^arn:aws[a-z-]*:iam::aws:policy\/(?:[\w+=,.@-]+\/)*(AdministratorAccess|PowerUserAccess|[\w+=,.@-]*FullAccess)$/;

/** The AWS-managed broad policies a resource attaches (attachment resources and a Role's managedPolicyArns). */
export function broadManagedPolicies(args: { type: string; props: Record<string, unknown> }): string[] {
    let arns: unknown[] = [];
    if (IAM_ATTACHMENT_TYPES.includes(args.type)) {
        arns = [readKnown(() => args.props.policyArn)];
    } else if (args.type === TYPES.iamRole) {
        const managed = readKnown(() => args.props.managedPolicyArns);
        arns = Array.isArray(managed) ? managed : [];
    }
    return arns.filter((a): a is string => typeof a === "string" && BROAD_MANAGED_POLICY.test(a));
}

export const iamNoWildcardActions: ResourceValidationPolicy = {
    name: "iam-no-wildcard-actions",
    description: "IAM permission policies must not allow `*` or `service:*` actions, nor use NotAction, nor attach AWS-managed full-access policies (Security Hub IAM.1/IAM.21).",
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        for (const arn of broadManagedPolicies(args)) {
            reportViolation(
                `attaches the AWS-managed policy ${arn}, which allows wildcard actions. Attach a policy that lists ` +
                "the specific actions instead.");
        }
        if (!IAM_PERMISSION_TYPES.includes(args.type)) {
            return;
        }
        for (const [where, value] of permissionDocuments(args)) {
            const document = parsePolicyDocument(value);
            const grants = document === undefined ? [] : wildcardGrants(document);
            if (grants.length > 0) {
                reportViolation(
                    `${where} allows ${grants.join(", ")}. List the specific actions instead, scoped to the ` +
                    "bucket ARN for bucket actions and to \"<bucket ARN>/*\" for object actions.");
            }
        }
    },
};

// ---------------------------------------------------------------------------
// MongoDB Atlas
// ---------------------------------------------------------------------------

interface AccessListProps {
    cidrBlock?: string;
    ipAddress?: string;
}

const OPEN_CIDR_BLOCKS = ["0.0.0.0/0", "::/0"];
const OPEN_IP_ADDRESSES = ["0.0.0.0"];

export const atlasNoOpenAccessList: ResourceValidationPolicy = {
    name: "atlas-no-open-access-list",
    description: "MongoDB Atlas IP access lists must not open the project to the whole internet.",
    enforcementLevel: "mandatory",
    validateResource: onTypes<AccessListProps>(TYPES.atlasAccessList, (props, _args, reportViolation) => {
        const cidr = props.cidrBlock?.trim();
        const ip = props.ipAddress?.trim();
        const open = (cidr !== undefined && OPEN_CIDR_BLOCKS.includes(cidr)) ||
            (ip !== undefined && OPEN_IP_ADDRESSES.includes(ip));
        if (open) {
            reportViolation(
                `The entry allows ${cidr ?? ip} (any address). Allow the VPC CIDR or the NAT gateway addresses ` +
                "instead, or use a PrivateLink endpoint.");
        }
    }),
};

interface AdvancedClusterProps {
    backupEnabled?: boolean;
    pitEnabled?: boolean;
}

export const atlasBackupsAndPitr: ResourceValidationPolicy = {
    name: "atlas-backups-and-pitr",
    description: "MongoDB Atlas clusters must have cloud backups and point-in-time recovery enabled.",
    enforcementLevel: "mandatory",
    validateResource: onTypes<AdvancedClusterProps>(TYPES.atlasCluster, (props, _args, reportViolation) => {
        const missing = (["backupEnabled", "pitEnabled"] as const).filter(flag => props[flag] !== true);
        if (missing.length > 0) {
            reportViolation(
                `${missing.join(" and ")} ${missing.length === 1 ? "is" : "are"} not true. Set backupEnabled and ` +
                "pitEnabled to true (lower this policy to advisory for throwaway dev stacks).");
        }
    }),
};

// ---------------------------------------------------------------------------
// The pack
// ---------------------------------------------------------------------------

export const resourcePolicies: ResourceValidationPolicy[] = [
    noElastiCacheServerless,
    noDocumentDb,
    noBackDoors,
    s3PublicAccessBlock,
    s3BucketOwnerEnforced,
    s3BucketPolicyDeniesInsecureTransport,
    elastiCacheEncryptionAndAuth,
    elastiCacheHighAvailability,
    cloudFrontHttpsOnly,
    cloudFrontModernTls,
    cloudFrontOriginAccessControl,
    iamNoWildcardActions,
    atlasNoOpenAccessList,
    atlasBackupsAndPitr,
];

export const stackPolicies: StackValidationPolicy[] = [
    s3ConnectorsBucketVersioned,
];

export const allPolicies: Array<ResourceValidationPolicy | StackValidationPolicy> = [
    ...resourcePolicies,
    ...stackPolicies,
];

// ---------------------------------------------------------------------------
// Running the pack offline
// ---------------------------------------------------------------------------

/** A resource as an offline plan knows it: its inputs, and optionally its dependencies by URN. */
export interface PlannedResource {
    type: string;
    name: string;
    urn: string;
    props: Record<string, unknown>;
    parent?: string;
    dependencies?: string[];
    propertyDependencies?: Record<string, string[]>;
}

export interface PolicyFinding {
    policyName: string;
    enforcementLevel: EnforcementLevel;
    /** Absent when a stack policy reports the stack as a whole. */
    resourceUrn?: string;
    message: string;
}

type PolicyConfigEntry = PolicyPackConfig[string];

function entryLevel(entry: PolicyConfigEntry | undefined): EnforcementLevel | undefined {
    return typeof entry === "string" ? entry : entry?.enforcementLevel;
}

/** The level the CLI would apply: per-policy config, then `all`, then the policy's default. */
export function effectiveEnforcementLevel(
    policy: { name: string; enforcementLevel?: EnforcementLevel },
    config: PolicyPackConfig = {},
): EnforcementLevel {
    return entryLevel(config[policy.name]) ?? entryLevel(config["all"]) ?? policy.enforcementLevel ?? "advisory";
}

function policyConfig(config: PolicyPackConfig, name: string): Record<string, unknown> {
    const entry = config[name];
    if (typeof entry !== "object" || entry === null) {
        return {};
    }
    const { enforcementLevel: _ignored, ...properties } = entry;
    return properties;
}

const NO_OPTIONS: PolicyResourceOptions = {
    protect: false,
    ignoreChanges: [],
    aliases: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: [],
};

// Offline there are no resource classes, only tokens: match a class by its generated __pulumiType.
function isTypeOf(type: string, resourceClass: unknown): boolean {
    return (resourceClass as { __pulumiType?: unknown }).__pulumiType === type;
}

class NotApplicable extends Error {}

const notApplicable = (reason?: string): never => {
    throw new NotApplicable(reason);
};

function resourceArgs(resource: PlannedResource, config: Record<string, unknown>): ResourceValidationArgs {
    const props = unknownCheckingProxy(resource.props) as Record<string, unknown>;
    return {
        type: resource.type,
        props,
        urn: resource.urn,
        name: resource.name,
        opts: NO_OPTIONS,
        stackTags: new Map(),
        isType: cls => isTypeOf(resource.type, cls),
        asType: cls => (isTypeOf(resource.type, cls) ? props : undefined) as never,
        getConfig: <T extends object>() => config as T,
        notApplicable,
    };
}

function stackResources(resources: PlannedResource[]): PolicyResource[] {
    const byUrn = new Map<string, PolicyResource>();
    const built = resources.map(resource => {
        const props = unknownCheckingProxy(resource.props) as Record<string, unknown>;
        const policyResource: PolicyResource = {
            type: resource.type,
            props,
            urn: resource.urn,
            name: resource.name,
            opts: NO_OPTIONS,
            dependencies: [],
            propertyDependencies: {},
            isType: cls => isTypeOf(resource.type, cls),
            asType: cls => (isTypeOf(resource.type, cls) ? props : undefined) as never,
        };
        byUrn.set(resource.urn, policyResource);
        return policyResource;
    });
    const lookup = (urns: string[] = []) => urns.flatMap(urn => byUrn.get(urn) ?? []);
    resources.forEach((resource, i) => {
        built[i].parent = resource.parent === undefined ? undefined : byUrn.get(resource.parent);
        built[i].dependencies = lookup(resource.dependencies);
        for (const [key, urns] of Object.entries(resource.propertyDependencies ?? {})) {
            built[i].propertyDependencies[key] = lookup(urns);
        }
    });
    return built;
}

/** Runs one validation the way the policy SDK does: unknown values become an advisory finding. */
function runValidation(
    policy: { name: string },
    level: EnforcementLevel,
    resourceUrn: string | undefined,
    validate: (report: ReportViolation) => unknown,
): PolicyFinding[] {
    const findings: PolicyFinding[] = [];
    const report: ReportViolation = (message, urn) =>
        findings.push({ policyName: policy.name, enforcementLevel: level, resourceUrn: urn ?? resourceUrn, message });
    try {
        const result = validate(report);
        if (result instanceof Promise) {
            throw new Error(`policy ${policy.name} is asynchronous; runPolicies only runs synchronous policies`);
        }
    } catch (e) {
        if (e instanceof UnknownValueError) {
            return [{
                policyName: policy.name,
                enforcementLevel: "advisory",
                resourceUrn,
                message: `can't run policy '${policy.name}' during preview: ${(e as Error).message}`,
            }];
        }
        if (!(e instanceof NotApplicable)) {
            throw e;
        }
    }
    return findings;
}

/**
 * Runs every resource policy on every resource and every stack policy on the whole set, with
 * the CLI's enforcement rules: `disabled` skips a policy, `remediate` reports as `mandatory`
 * (none of these policies remediates), and `config` is a `--policy-pack-config` object.
 */
export function runPolicies(resources: PlannedResource[], config: PolicyPackConfig = {}): PolicyFinding[] {
    const findings: PolicyFinding[] = [];
    const levelOf = (policy: ResourceValidationPolicy | StackValidationPolicy) => {
        const level = effectiveEnforcementLevel(policy, config);
        return level === "remediate" ? "mandatory" : level;
    };
    for (const policy of resourcePolicies) {
        const level = levelOf(policy);
        if (level === "disabled" || policy.validateResource === undefined) {
            continue;
        }
        const validations = asList(policy.validateResource) as ResourceValidation[];
        for (const resource of resources) {
            for (const validation of validations) {
                findings.push(...runValidation(policy, level, resource.urn, report =>
                    validation(resourceArgs(resource, policyConfig(config, policy.name)), report)));
            }
        }
    }
    for (const policy of stackPolicies) {
        const level = levelOf(policy);
        if (level === "disabled") {
            continue;
        }
        findings.push(...runValidation(policy, level, undefined, report => policy.validateStack({
            resources: stackResources(resources),
            stackTags: new Map(),
            getConfig: <T extends object>() => policyConfig(config, policy.name) as T,
            notApplicable,
        }, report)));
    }
    return findings;
}
