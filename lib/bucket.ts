// The one S3 bucket of both programs, with the controls of AWS Security Hub FSBP: all four public access
// block flags, ACLs disabled (BucketOwnerEnforced), SSE-S3, and one bucket policy that denies every request
// without TLS. Storage's data buckets, the log buckets, the replicas and the deployments program's state
// bucket are all this class; each chooses its region, retention, versioning, lifecycle rule and the
// statements its policy needs beside the TLS-only deny.
import * as aws from "./aws";
import * as pulumi from "@pulumi/pulumi";
import type { PolicyStatement } from "./policy-document";
import { tags } from "./naming";

/** S3.5: deny every request to the bucket and its objects that does not use TLS. */
export function denyInsecureTransportStatement(bucketArn: string): PolicyStatement {
    return {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [bucketArn, `${bucketArn}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
    };
}

/** The bucket's one lifecycle rule, besides aborting incomplete uploads after a day. */
export type LifecycleRule = { readonly id: string } & (
    { readonly expirationDays: pulumi.Input<number> } | { readonly noncurrentVersionExpirationDays: pulumi.Input<number> }
);

export interface HardenedBucketArgs {
    /** The bucket's name, a valid and globally unique S3 name. */
    readonly bucketName: pulumi.Input<string>;
    /** Region of the bucket and of everything attached to it; absent: the provider's. */
    readonly region?: string;
    /** Environment name, for tags. */
    readonly environment: string;
    /** The `Purpose` tag. */
    readonly purpose: string;
    /** Protect and retain the bucket: neither `pulumi destroy` nor a refactor deletes it. */
    readonly retain: boolean;
    /** Let `pulumi destroy` empty the bucket: S3 refuses to delete one that holds objects. */
    readonly forceDestroy: boolean;
    /** Adopt the existing bucket of this name (Pulumi's `import` option) instead of creating one. */
    readonly importName?: string;
    /** Versioning on (a replica must be versioned; replication refuses a destination without it). */
    readonly versioned: boolean;
    /** Absent: no lifecycle rule. */
    readonly lifecycle?: LifecycleRule;
    /**
     * Statements of the bucket's one policy besides the TLS-only deny, given the bucket's ARN. `false`: another
     * component owns the policy (Cdn, the static bucket's, which names its distribution) and attaches it after
     * `publicAccessBlock`, as S3 requires.
     */
    readonly policy?: false | ((bucketArn: pulumi.Output<string>) => pulumi.Input<PolicyStatement[]>);
}

/** A hardened bucket, its side resources registered under `parent` with names derived from `name`. */
export class HardenedBucket {
    readonly bucket: aws.s3.Bucket;
    readonly publicAccessBlock: aws.s3.BucketPublicAccessBlock;
    /** Absent when another component owns the policy. */
    readonly policy?: aws.s3.BucketPolicy;
    /** Absent when the bucket is not versioned. */
    readonly versioning?: aws.s3.BucketVersioning;
    /** Absent without a lifecycle rule. */
    readonly lifecycle?: aws.s3.BucketLifecycleConfiguration;

    constructor(name: string, args: HardenedBucketArgs, parent: pulumi.Resource) {
        const opts = { parent };
        const region = args.region;
        this.bucket = new aws.s3.Bucket(
            name,
            {
                bucket: args.bucketName,
                region,
                forceDestroy: args.forceDestroy,
                tags: tags(args.environment, { Purpose: args.purpose }),
            },
            { parent, protect: args.retain, retainOnDelete: args.retain, import: args.importName },
        );
        const id = this.bucket.id;
        this.publicAccessBlock = new aws.s3.BucketPublicAccessBlock(
            `${name}-public-access`,
            { bucket: id, region, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
            opts,
        );
        new aws.s3.BucketOwnershipControls(
            `${name}-ownership`,
            { bucket: id, region, rule: { objectOwnership: "BucketOwnerEnforced" } },
            opts,
        );
        new aws.s3.BucketServerSideEncryptionConfiguration(
            `${name}-encryption`,
            { bucket: id, region, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, bucketKeyEnabled: true }] },
            opts,
        );
        if (args.policy !== false) {
            this.policy = this.bucketPolicy(name, args, parent, args.policy);
        }
        this.versioning = args.versioned
            ? new aws.s3.BucketVersioning(
                  `${name}-versioning`,
                  { bucket: id, region, versioningConfiguration: { status: "Enabled" } },
                  opts,
              )
            : undefined;
        this.lifecycle = args.lifecycle && this.lifecycleConfiguration(name, args.lifecycle, region, parent);
    }

    private lifecycleConfiguration(
        name: string,
        rule: LifecycleRule,
        region: string | undefined,
        parent: pulumi.Resource,
    ): aws.s3.BucketLifecycleConfiguration {
        const expiry =
            "expirationDays" in rule
                ? { expiration: { days: rule.expirationDays } }
                : { noncurrentVersionExpiration: { noncurrentDays: rule.noncurrentVersionExpirationDays } };
        return new aws.s3.BucketLifecycleConfiguration(
            `${name}-lifecycle`,
            {
                bucket: this.bucket.id,
                region,
                rules: [
                    {
                        id: rule.id,
                        status: "Enabled",
                        filter: { prefix: "" },
                        ...expiry,
                        abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
                    },
                ],
            },
            // A lifecycle configuration on a versioned bucket must follow the versioning configuration.
            { parent, dependsOn: this.versioning ? [this.versioning] : [] },
        );
    }

    /** The bucket's one policy: the caller's statements and the TLS-only deny, after the public access block. */
    private bucketPolicy(
        name: string,
        args: HardenedBucketArgs,
        parent: pulumi.Resource,
        statements?: (bucketArn: pulumi.Output<string>) => pulumi.Input<PolicyStatement[]>,
    ): aws.s3.BucketPolicy {
        const arn = this.bucket.arn;
        const extra = statements ? statements(arn) : [];
        return new aws.s3.BucketPolicy(
            `${name}-policy`,
            {
                bucket: this.bucket.id,
                region: args.region,
                policy: pulumi
                    .all([arn, extra])
                    .apply(([a, s]) => JSON.stringify({ Version: "2012-10-17", Statement: [...s, denyInsecureTransportStatement(a)] })),
            },
            // S3 answers OperationAborted when a policy and the public access block change at once.
            { parent, dependsOn: [this.publicAccessBlock] },
        );
    }
}
