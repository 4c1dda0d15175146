// Storage: Membrane's three S3 buckets (seed: "S3 Storage") with the secure defaults of AWS Security
// Hub FSBP: public access blocked, ACLs disabled, encryption, TLS-only bucket policies, lifecycle rules.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { PolicyStatement } from "../policy/lib/policy-document";
import { BucketPurpose, childName, tags } from "./naming";

export interface StorageArgs {
    /** Environment name, for tags. */
    readonly environment: string;
    /** The three bucket names, already validated against S3's naming rules. */
    readonly bucketNames: Readonly<Record<BucketPurpose, string>>;
    /** Days before objects in the tmp bucket expire (seed: 7). */
    readonly tmpExpirationDays: number;
    /** Days a noncurrent connector package version is kept. */
    readonly connectorsNoncurrentVersionDays: number;
    /** Origins allowed by the static bucket's CORS rule (seed: ["*"]). */
    readonly corsAllowedOrigins: readonly string[];
    /** Production: the connectors and static buckets are protected from deletion. Otherwise `pulumi destroy` empties and deletes them. */
    readonly production: boolean;
}

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

const PURPOSE_TAGS: Record<BucketPurpose, string> = {
    tmp: "temporary-storage",
    connectors: "connector-storage",
    static: "static-files",
};

/** A bucket and the settings every Membrane bucket has. */
class SecureBucket {
    readonly bucket: aws.s3.Bucket;
    readonly publicAccessBlock: aws.s3.BucketPublicAccessBlock;

    constructor(name: string, bucketName: string, args: StorageArgs, purpose: BucketPurpose, parent: pulumi.Resource) {
        const opts = { parent };
        // Buckets that hold customers' data survive `pulumi destroy` and refactors in production.
        const keep = args.production && purpose !== "tmp";
        this.bucket = new aws.s3.Bucket(
            name,
            {
                bucket: bucketName,
                // Outside production `pulumi destroy` must succeed, and S3 refuses to delete a non-empty bucket.
                forceDestroy: !args.production,
                tags: tags(args.environment, { Purpose: PURPOSE_TAGS[purpose] }),
            },
            { parent, protect: keep, retainOnDelete: keep },
        );
        this.publicAccessBlock = new aws.s3.BucketPublicAccessBlock(
            `${name}-public-access`,
            {
                bucket: this.bucket.id,
                blockPublicAcls: true,
                blockPublicPolicy: true,
                ignorePublicAcls: true,
                restrictPublicBuckets: true,
            },
            opts,
        );
        new aws.s3.BucketOwnershipControls(
            `${name}-ownership`,
            { bucket: this.bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } },
            opts,
        );
        new aws.s3.BucketServerSideEncryptionConfiguration(
            `${name}-encryption`,
            {
                bucket: this.bucket.id,
                rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, bucketKeyEnabled: true }],
            },
            opts,
        );
    }

    /** The bucket's one policy: TLS only. (The static bucket's policy belongs to Cdn.) */
    tlsOnlyPolicy(name: string, parent: pulumi.Resource): aws.s3.BucketPolicy {
        return new aws.s3.BucketPolicy(
            `${name}-policy`,
            {
                bucket: this.bucket.id,
                policy: this.bucket.arn.apply((arn) =>
                    JSON.stringify({ Version: "2012-10-17", Statement: [denyInsecureTransportStatement(arn)] }),
                ),
            },
            // S3 answers OperationAborted when a policy and the public access block change at once.
            { parent, dependsOn: [this.publicAccessBlock] },
        );
    }
}

export class Storage extends pulumi.ComponentResource {
    readonly tmpBucketName: pulumi.Output<string>;
    readonly tmpBucketArn: pulumi.Output<string>;
    readonly connectorsBucketName: pulumi.Output<string>;
    readonly connectorsBucketArn: pulumi.Output<string>;
    readonly staticBucketName: pulumi.Output<string>;
    readonly staticBucketArn: pulumi.Output<string>;
    /** The static bucket's regional domain name: the CDN's origin. */
    readonly staticBucketRegionalDomainName: pulumi.Output<string>;
    /** Cdn attaches the static bucket's policy after this, as S3 requires. */
    readonly staticPublicAccessBlock: aws.s3.BucketPublicAccessBlock;

    constructor(name: string, args: StorageArgs, opts?: pulumi.ComponentResourceOptions) {
        super("membrane:storage:Storage", name, {}, opts);
        const opt = { parent: this };

        const tmp = new SecureBucket(childName(name, "tmp"), args.bucketNames.tmp, args, "tmp", this);
        tmp.tlsOnlyPolicy(childName(name, "tmp"), this);
        new aws.s3.BucketLifecycleConfiguration(
            childName(name, "tmp-lifecycle"),
            {
                bucket: tmp.bucket.id,
                rules: [
                    {
                        id: "cleanup-old-files",
                        status: "Enabled",
                        filter: { prefix: "" },
                        expiration: { days: args.tmpExpirationDays },
                        abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
                    },
                ],
            },
            opt,
        );

        const connectors = new SecureBucket(childName(name, "connectors"), args.bucketNames.connectors, args, "connectors", this);
        connectors.tlsOnlyPolicy(childName(name, "connectors"), this);
        const versioning = new aws.s3.BucketVersioning(
            childName(name, "connectors-versioning"),
            { bucket: connectors.bucket.id, versioningConfiguration: { status: "Enabled" } },
            opt,
        );
        new aws.s3.BucketLifecycleConfiguration(
            childName(name, "connectors-lifecycle"),
            {
                bucket: connectors.bucket.id,
                rules: [
                    {
                        id: "expire-noncurrent-versions",
                        status: "Enabled",
                        filter: { prefix: "" },
                        noncurrentVersionExpiration: { noncurrentDays: args.connectorsNoncurrentVersionDays },
                        abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
                    },
                ],
            },
            // A lifecycle configuration on a versioned bucket must follow the versioning configuration.
            { parent: this, dependsOn: [versioning] },
        );

        const stat = new SecureBucket(childName(name, "static"), args.bucketNames.static, args, "static", this);
        new aws.s3.BucketCorsConfiguration(
            childName(name, "static-cors"),
            {
                bucket: stat.bucket.id,
                corsRules: [
                    {
                        allowedHeaders: ["*"],
                        allowedMethods: ["GET", "HEAD"],
                        allowedOrigins: [...args.corsAllowedOrigins],
                        exposeHeaders: ["ETag"],
                        maxAgeSeconds: 3600,
                    },
                ],
            },
            opt,
        );

        this.tmpBucketName = tmp.bucket.bucket;
        this.tmpBucketArn = tmp.bucket.arn;
        this.connectorsBucketName = connectors.bucket.bucket;
        this.connectorsBucketArn = connectors.bucket.arn;
        this.staticBucketName = stat.bucket.bucket;
        this.staticBucketArn = stat.bucket.arn;
        this.staticBucketRegionalDomainName = stat.bucket.bucketRegionalDomainName;
        this.staticPublicAccessBlock = stat.publicAccessBlock;
        this.registerOutputs({
            tmpBucketName: this.tmpBucketName,
            tmpBucketArn: this.tmpBucketArn,
            connectorsBucketName: this.connectorsBucketName,
            connectorsBucketArn: this.connectorsBucketArn,
            staticBucketName: this.staticBucketName,
            staticBucketArn: this.staticBucketArn,
            staticBucketRegionalDomainName: this.staticBucketRegionalDomainName,
        });
    }
}
