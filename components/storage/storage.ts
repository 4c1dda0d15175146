// Storage: Membrane's three S3 buckets (seed: "S3 Storage") with the secure defaults of AWS Security
// Hub FSBP: public access blocked, ACLs disabled, encryption, TLS-only bucket policies, lifecycle rules.
import * as aws from "../../lib/aws";
import * as pulumi from "@pulumi/pulumi";
import { IMPORT_IDS, settle } from "../adoption";
import { EXISTING_BUCKET_KEYS, reviewBucket } from "./adoption";
import { lookup, missingAdoptedMessage, warnAll } from "../../lib/lookups";
import { HardenedBucket, HardenedBucketArgs } from "../../lib/bucket";
import { BucketPurpose, childName } from "../../lib/naming";

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

/** A bucket of Storage. */
export interface StoredBucket {
    readonly name: pulumi.Output<string>;
    readonly arn: pulumi.Output<string>;
    /** The resources that make it versioned, when Storage versions it; absent: not versioned. */
    readonly versioned?: readonly pulumi.Resource[];
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
    /** The three buckets, by purpose: what Iam grants, Logs logs and Replication copies. */
    readonly buckets: Readonly<Record<BucketPurpose, StoredBucket>>;
    /** The static bucket as the CDN's origin: Cdn attaches its policy after the public access block, as S3 requires. */
    readonly static: {
        readonly bucketName: pulumi.Output<string>;
        readonly bucketArn: pulumi.Output<string>;
        readonly regionalDomainName: pulumi.Output<string>;
        readonly publicAccessBlock: aws.s3.BucketPublicAccessBlock;
        /** The origins its CORS rule allows. */
        readonly corsAllowedOrigins: pulumi.Input<pulumi.Input<string>[]>;
    };

    constructor(name: string, args: StorageArgs, opts?: pulumi.ComponentResourceOptions) {
        super("membrane:storage:Storage", name, {}, opts);
        const production = args.production ?? false;
        const bucket = (purpose: BucketPurpose, more: Pick<HardenedBucketArgs, "versioned" | "lifecycle" | "policy">) => {
            const existing = args.existing?.[purpose];
            // Buckets that hold customers' data survive `pulumi destroy` and refactors in production; so does
            // every adopted bucket, which this stack did not create.
            const retain = (production && purpose !== "tmp") || existing !== undefined;
            return new HardenedBucket(
                childName(name, purpose),
                {
                    bucketName: existing === undefined ? args.bucketNames[purpose] : this.adopted(existing, purpose, args.region ?? ""),
                    environment: args.environment,
                    purpose: PURPOSE_TAGS[purpose],
                    retain,
                    // Outside production `pulumi destroy` must succeed, and S3 refuses to delete a non-empty bucket.
                    forceDestroy: !production && existing === undefined,
                    importName: existing && IMPORT_IDS.bucket(existing),
                    ...more,
                },
                this,
            );
        };
        // Scratch files expire; connector packages are versioned (operators restore a package by version id)
        // and their old versions expire; the static bucket's policy is Cdn's, and its CORS rule is below.
        const tmp = bucket("tmp", { versioned: false, lifecycle: { id: "cleanup-old-files", expirationDays: args.tmpExpirationDays } });
        const connectors = bucket("connectors", {
            versioned: true,
            lifecycle: { id: "expire-noncurrent-versions", noncurrentVersionExpirationDays: args.connectorsNoncurrentVersionDays },
        });
        const stat = bucket("static", { versioned: false, policy: false });
        this.staticCors(name, stat, args.corsAllowedOrigins);

        this.tmpBucketName = tmp.bucket.bucket;
        this.tmpBucketArn = tmp.bucket.arn;
        this.connectorsBucketName = connectors.bucket.bucket;
        this.connectorsBucketArn = connectors.bucket.arn;
        this.staticBucketName = stat.bucket.bucket;
        this.staticBucketArn = stat.bucket.arn;
        this.staticBucketRegionalDomainName = stat.bucket.bucketRegionalDomainName;
        this.buckets = {
            tmp: { name: this.tmpBucketName, arn: this.tmpBucketArn },
            // Its versioning and lifecycle: replication must wait for both.
            connectors: {
                name: this.connectorsBucketName,
                arn: this.connectorsBucketArn,
                versioned: [connectors.versioning!, connectors.lifecycle!],
            },
            static: { name: this.staticBucketName, arn: this.staticBucketArn },
        };
        this.static = {
            bucketName: this.staticBucketName,
            bucketArn: this.staticBucketArn,
            regionalDomainName: this.staticBucketRegionalDomainName,
            publicAccessBlock: stat.publicAccessBlock,
            corsAllowedOrigins: args.corsAllowedOrigins,
        };
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

    /** The existing bucket's name, once a look-up has found it in the stack's region; otherwise the adoption is refused. */
    private adopted(bucket: string, purpose: BucketPurpose, region: string): pulumi.Output<string> {
        const key = EXISTING_BUCKET_KEYS[purpose];
        const found = lookup(aws.s3.getBucket({ bucket }, { parent: this }), (reason) =>
            missingAdoptedMessage(key, `the S3 bucket ${bucket}`, reason),
        );
        return pulumi.output(
            found.then((existing) => {
                warnAll(settle(reviewBucket(existing, { region, key, purpose })), this);
                return bucket;
            }),
        );
    }

    /** The static files are read cross-origin: CORS for the given origins. */
    private staticCors(name: string, stat: HardenedBucket, allowedOrigins: pulumi.Input<pulumi.Input<string>[]>): void {
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
    }
}
