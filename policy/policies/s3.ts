import { PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { deniesInsecureTransport, parsePolicyDocument } from "../lib/policy-document";
import { TYPES, onTypes } from "../lib/tokens";
import { UNKNOWN, Unknown, knownString, readKnown } from "../lib/unknown";

const PUBLIC_ACCESS_FLAGS = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"] as const;
type PublicAccessBlockProps = Partial<Record<(typeof PUBLIC_ACCESS_FLAGS)[number], boolean>>;

export const s3PublicAccessBlock: ResourceValidationPolicy = {
    name: "s3-public-access-block",
    description: "S3 public access blocks must turn on all four flags (Security Hub S3.1/S3.8).",
    enforcementLevel: "mandatory",
    validateResource: onTypes<PublicAccessBlockProps>(TYPES.bucketPublicAccessBlock, (props, _args, reportViolation) => {
        const off = PUBLIC_ACCESS_FLAGS.filter((flag) => props[flag] !== true);
        if (off.length > 0) {
            reportViolation(
                `${off.join(", ")} ${off.length === 1 ? "is" : "are"} not true. Set all four of ` +
                    `${PUBLIC_ACCESS_FLAGS.join(", ")} to true; even the static bucket is read by CloudFront ` +
                    "through origin access control, not through public access.",
            );
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
                    "ACLs are disabled and the bucket owner owns every object.",
            );
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
        if (
            !deniesInsecureTransport(
                document,
                knownString(() => props.bucket),
            )
        ) {
            reportViolation(
                'The policy has no statement denying plain-HTTP access. Add { Effect: "Deny", Principal: "*", ' +
                    'Action: "s3:*", Resource: [<bucket ARN>, "<bucket ARN>/*"], ' +
                    'Condition: { Bool: { "aws:SecureTransport": "false" } } }.',
            );
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
    return dependencies.some((dependency) => dependency.urn === target.urn);
}

function versioningStatus(versioning: PolicyResource): string | Unknown | undefined {
    return readKnown(() => (versioning.props as BucketVersioningProps).versioningConfiguration?.status);
}

/** Versioning resources for the bucket: by name, or, when their bucket is not known yet, by dependency. */
function versioningsOf(bucket: PolicyResource, name: string, versionings: PolicyResource[]): PolicyResource[] {
    return versionings.filter((versioning) => {
        const target = knownName(versioning, "bucket");
        return target === undefined ? dependsOn(versioning, bucket) : target === name;
    });
}

export const s3ConnectorsBucketVersioned: StackValidationPolicy = {
    name: "s3-connectors-bucket-versioned",
    description: "The connectors bucket must have versioning enabled (operators restore connector packages by version id).",
    enforcementLevel: "mandatory",
    validateStack: (args, reportViolation) => {
        const versionings = args.resources.filter((r) => r.type === TYPES.bucketVersioning);
        for (const bucket of args.resources.filter((r) => r.type === TYPES.bucket)) {
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
                    'Add one with bucket set to this bucket and status "Enabled" (plus a lifecycle rule that ' +
                    "expires noncurrent versions).",
                bucket.urn,
            );
        }
    },
};
