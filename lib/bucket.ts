// A bucket with the controls every Membrane bucket has (as Storage's SecureBucket gives them: all four
// public-access-block flags, ACLs disabled, SSE-S3, a TLS-only bucket policy), in any region, for the
// buckets the operations components add: replicas and log buckets. The caller chooses versioning, the
// lifecycle rule and any statements the bucket policy needs beside the TLS-only deny.
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

export interface HardenedBucketArgs {
    /** The bucket's name, a valid and globally unique S3 name. */
    readonly bucketName: pulumi.Input<string>;
    /** Region of the bucket and of everything attached to it; absent: the provider's. */
    readonly region?: string;
    /** Environment name, for tags. */
    readonly environment: string;
    /** The `Purpose` tag. */
    readonly purpose: string;
    /** Protect and retain the bucket; without it, `pulumi destroy` empties and deletes it. */
    readonly production: boolean;
    /** Versioning on (a replica must be versioned; replication refuses a destination without it). */
    readonly versioned: boolean;
    /** The bucket's one lifecycle rule, besides aborting incomplete uploads after a day. */
    readonly lifecycle: { readonly id: string } & (
        { readonly expirationDays: pulumi.Input<number> } | { readonly noncurrentVersionExpirationDays: pulumi.Input<number> }
    );
    /** Statements of the bucket's one policy besides the TLS-only deny, given the bucket's ARN. */
    readonly policyStatements?: (bucketArn: pulumi.Output<string>) => pulumi.Input<PolicyStatement[]>;
}

/** A hardened bucket, its side resources registered under `parent` with names derived from `name`. */
export class HardenedBucket {
    readonly bucket: aws.s3.Bucket;
    readonly policy: aws.s3.BucketPolicy;
    /** Absent when the bucket is not versioned. */
    readonly versioning?: aws.s3.BucketVersioning;
    readonly lifecycle: aws.s3.BucketLifecycleConfiguration;

    constructor(name: string, args: HardenedBucketArgs, parent: pulumi.Resource) {
        const opts = { parent };
        const region = args.region;
        this.bucket = new aws.s3.Bucket(
            name,
            {
                bucket: args.bucketName,
                region,
                forceDestroy: !args.production,
                tags: tags(args.environment, { Purpose: args.purpose }),
            },
            { parent, protect: args.production, retainOnDelete: args.production },
        );
        const id = this.bucket.id;
        const publicAccessBlock = new aws.s3.BucketPublicAccessBlock(
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
        this.versioning = args.versioned
            ? new aws.s3.BucketVersioning(
                  `${name}-versioning`,
                  { bucket: id, region, versioningConfiguration: { status: "Enabled" } },
                  opts,
              )
            : undefined;
        this.lifecycle = this.lifecycleConfiguration(name, args, parent);
        this.policy = this.bucketPolicy(name, args, publicAccessBlock, parent);
    }

    private lifecycleConfiguration(name: string, args: HardenedBucketArgs, parent: pulumi.Resource): aws.s3.BucketLifecycleConfiguration {
        const l = args.lifecycle;
        const expiry =
            "expirationDays" in l
                ? { expiration: { days: l.expirationDays } }
                : { noncurrentVersionExpiration: { noncurrentDays: l.noncurrentVersionExpirationDays } };
        return new aws.s3.BucketLifecycleConfiguration(
            `${name}-lifecycle`,
            {
                bucket: this.bucket.id,
                region: args.region,
                rules: [
                    {
                        id: l.id,
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
        publicAccessBlock: aws.s3.BucketPublicAccessBlock,
        parent: pulumi.Resource,
    ): aws.s3.BucketPolicy {
        const arn = this.bucket.arn;
        const extra = args.policyStatements ? args.policyStatements(arn) : [];
        return new aws.s3.BucketPolicy(
            `${name}-policy`,
            {
                bucket: this.bucket.id,
                region: args.region,
                policy: pulumi
                    .all([arn, extra])
                    .apply(([a, statements]) =>
                        JSON.stringify({ Version: "2012-10-17", Statement: [...statements, denyInsecureTransportStatement(a)] }),
                    ),
            },
            // S3 answers OperationAborted when a policy and the public access block change at once.
            { parent, dependsOn: [publicAccessBlock] },
        );
    }
}
