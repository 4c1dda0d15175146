// Storage: Membrane's three S3 buckets (seed: "S3 Storage") with the secure defaults of AWS Security
// Hub FSBP: public access blocked, ACLs disabled, encryption, TLS-only bucket policies, lifecycle rules.
import * as aws from "../../lib/aws";
import * as pulumi from "@pulumi/pulumi";
import { IMPORT_IDS, settle } from "../adoption";
import { reviewBucket } from "./adoption";
import { EXISTING_BUCKET_KEYS } from "../adoption-settings";
import { lookup, missingAdoptedMessage, warnAll } from "../../lib/lookups";
import { denyInsecureTransportStatement } from "../../lib/bucket";
import { BucketPurpose, childName, tags } from "../../lib/naming";

export interface StorageArgs {
    /** Environment name, for tags. */
    readonly environment: string;
    /** The three buckets' names, valid S3 names. */
    readonly bucketNames: Readonly<Record<BucketPurpose, pulumi.Input<string>>>;
    /** Days before an object in the tmp bucket expires. */
    readonly tmpExpirationDays: pulumi.Input<number>;
    /** Days a noncurrent version of a connector package is kept. */
    readonly connectorsNoncurrentVersionDays: pulumi.Input<number>;
    /** Origins the static bucket's CORS rule allows (`"*"`: any). */
    readonly corsAllowedOrigins: pulumi.Input<pulumi.Input<string>[]>;
    /** Keep the connectors and static buckets through `pulumi destroy` and refactors. Default false: destroy empties and deletes every bucket. */
    readonly production?: boolean;
    /**
     * Buckets that already exist, by purpose (`bucketNames` names them too): adopted with Pulumi's `import`
     * option after a look-up, protected, retained and never emptied. Default none.
     */
    readonly existing?: Readonly<Partial<Record<BucketPurpose, string>>>;
    /** The stack's region, where an adopted bucket must be. Required with `existing`. */
    readonly region?: string;
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
    private readonly name: string;

    constructor(
        name: string,
        bucketName: pulumi.Input<string>,
        purpose: BucketPurpose,
        o: {
            readonly environment: string;
            readonly production: boolean;
            readonly parent: pulumi.Resource;
            readonly existing?: string;
            readonly region?: string;
        },
    ) {
        this.name = name;
        const opts = { parent: o.parent };
        // Buckets that hold customers' data survive `pulumi destroy` and refactors in production; so does
        // every adopted bucket, which this stack did not create.
        const keep = (o.production && purpose !== "tmp") || o.existing !== undefined;
        this.bucket = new aws.s3.Bucket(
            name,
            {
                bucket: o.existing === undefined ? bucketName : this.adopted(o.existing, purpose, o.region ?? "", o.parent),
                // Outside production `pulumi destroy` must succeed, and S3 refuses to delete a non-empty bucket.
                forceDestroy: !o.production && o.existing === undefined,
                tags: tags(o.environment, { Purpose: PURPOSE_TAGS[purpose] }),
            },
            { parent: o.parent, protect: keep, retainOnDelete: keep, import: o.existing && IMPORT_IDS.bucket(o.existing) },
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

    /** The existing bucket's name, once a look-up has found it in the stack's region; otherwise the adoption is refused. */
    private adopted(bucket: string, purpose: BucketPurpose, region: string, parent: pulumi.Resource): pulumi.Output<string> {
        const key = EXISTING_BUCKET_KEYS[purpose];
        const found = lookup(aws.s3.getBucket({ bucket }, { parent }), (reason) =>
            missingAdoptedMessage(key, `the S3 bucket ${bucket}`, reason),
        );
        return pulumi.output(
            found.then((existing) => {
                warnAll(settle(reviewBucket(existing, { region, key, purpose })), parent);
                return bucket;
            }),
        );
    }

    /** The bucket's one policy: TLS only. (The static bucket's policy belongs to Cdn.) */
    tlsOnlyPolicy(parent: pulumi.Resource): aws.s3.BucketPolicy {
        return new aws.s3.BucketPolicy(
            `${this.name}-policy`,
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
    /** The connectors bucket's versioning and lifecycle: replication must wait for both. */
    readonly connectorsVersioned: readonly pulumi.Resource[];

    constructor(name: string, args: StorageArgs, opts?: pulumi.ComponentResourceOptions) {
        super("membrane:storage:Storage", name, {}, opts);
        const common = { environment: args.environment, production: args.production ?? false, parent: this, region: args.region };
        const bucket = (purpose: BucketPurpose) =>
            new SecureBucket(childName(name, purpose), args.bucketNames[purpose], purpose, {
                ...common,
                existing: args.existing?.[purpose],
            });

        const tmp = this.tmpBucket(name, bucket("tmp"), args.tmpExpirationDays);
        const connectors = this.connectorsBucket(name, bucket("connectors"), args.connectorsNoncurrentVersionDays);
        this.connectorsVersioned = connectors.versioned;
        const stat = this.staticBucket(name, bucket("static"), args.corsAllowedOrigins);

        this.tmpBucketName = tmp.bucket;
        this.tmpBucketArn = tmp.arn;
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

    /** Scratch files: expire after `days`, TLS only. */
    private tmpBucket(name: string, tmp: SecureBucket, days: pulumi.Input<number>): aws.s3.Bucket {
        tmp.tlsOnlyPolicy(this);
        new aws.s3.BucketLifecycleConfiguration(
            childName(name, "tmp-lifecycle"),
            {
                bucket: tmp.bucket.id,
                rules: [
                    {
                        id: "cleanup-old-files",
                        status: "Enabled",
                        filter: { prefix: "" },
                        expiration: { days },
                        abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
                    },
                ],
            },
            { parent: this },
        );
        return tmp.bucket;
    }

    /** Connector packages: versioned (operators restore a package by version id), old versions expire, TLS only. */
    private connectorsBucket(
        name: string,
        connectors: SecureBucket,
        noncurrentDays: pulumi.Input<number>,
    ): { bucket: aws.s3.Bucket; versioned: pulumi.Resource[] } {
        connectors.tlsOnlyPolicy(this);
        const versioning = new aws.s3.BucketVersioning(
            childName(name, "connectors-versioning"),
            { bucket: connectors.bucket.id, versioningConfiguration: { status: "Enabled" } },
            { parent: this },
        );
        const lifecycle = new aws.s3.BucketLifecycleConfiguration(
            childName(name, "connectors-lifecycle"),
            {
                bucket: connectors.bucket.id,
                rules: [
                    {
                        id: "expire-noncurrent-versions",
                        status: "Enabled",
                        filter: { prefix: "" },
                        noncurrentVersionExpiration: { noncurrentDays },
                        abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
                    },
                ],
            },
            // A lifecycle configuration on a versioned bucket must follow the versioning configuration.
            { parent: this, dependsOn: [versioning] },
        );
        return { bucket: connectors.bucket, versioned: [versioning, lifecycle] };
    }

    /** Static files, read by the CDN: CORS for the given origins; the bucket policy is Cdn's. */
    private staticBucket(name: string, stat: SecureBucket, allowedOrigins: pulumi.Input<pulumi.Input<string>[]>): SecureBucket {
        new aws.s3.BucketCorsConfiguration(
            childName(name, "static-cors"),
            {
                bucket: stat.bucket.id,
                corsRules: [
                    {
                        allowedHeaders: ["*"],
                        allowedMethods: ["GET", "HEAD"],
                        allowedOrigins,
                        exposeHeaders: ["ETag"],
                        maxAgeSeconds: 3600,
                    },
                ],
            },
            { parent: this },
        );
        return stat;
    }
}
