// Logs: where the stack's access and engine logs go, each destination encrypted and with a retention.
// A log bucket (SSE-S3: S3 server access logging refuses an SSE-KMS destination) receives the data
// buckets' server access logs and CloudFront's standard logs (v2, through CloudWatch log delivery, whose
// source must be created in us-east-1; never the ACL-enabled bucket legacy logging needs); ElastiCache's
// slow and engine logs go to CloudWatch Logs log groups (encrypted at rest by CloudWatch Logs).
import * as aws from "../../lib/aws";
import * as pulumi from "@pulumi/pulumi";
import type { PolicyStatement } from "../../lib/policy-document";
import { CLOUDFRONT_CERTIFICATE_REGION } from "../cdn/cdn";
import { HardenedBucket, HardenedBucketArgs } from "../../lib/bucket";
import { childName, tags } from "../../lib/naming";

/** A bucket whose server access logs go to the log bucket. */
export interface LoggedBucket {
    readonly name: pulumi.Input<string>;
    readonly arn: pulumi.Input<string>;
}

export interface LogsArgs {
    /** Environment name, for tags. */
    readonly environment: string;
    /** Protect and retain the log bucket, as the data buckets are. Default false. */
    readonly production?: boolean;
    /** Days every destination keeps logs (a CloudWatch Logs retention value). */
    readonly retentionDays: number;
    /** The log bucket's name; absent: no log bucket, so neither S3 nor CloudFront logs. */
    readonly logBucketName?: pulumi.Input<string>;
    /** Server access logs of `buckets` into the log bucket. Default false. */
    readonly s3AccessLogs?: boolean;
    /** The buckets that may be logged, each under a key that names its logging resource. */
    readonly buckets: Readonly<Record<string, LoggedBucket>>;
    /** CloudFront standard logging of `distributionArn` into the log bucket, under this delivery source and destination name; absent: none. */
    readonly cdnDeliveryName?: string;
    /** The distribution that may be logged. */
    readonly distributionArn: pulumi.Input<string>;
    /** ElastiCache's log groups; absent: none. */
    readonly redisLogGroups?: RedisLogGroups;
}

/** The log groups ElastiCache delivers a replication group's logs to. */
export interface RedisLogGroups {
    /** Slow log: Redis OSS 6.0 and newer, every Valkey. */
    readonly slowLog: string;
    /** Engine log: Redis OSS 6.2 and newer, every Valkey; absent on Redis OSS 6.0. */
    readonly engineLog?: string;
}

/** Server access logs land under `s3/<account>/<region>/<bucket>/<date>/` (partitioned by event time). */
export const S3_ACCESS_LOG_PREFIX = "s3/";
/** Where CloudWatch log delivery writes CloudFront's logs: it prepends `AWSLogs/<account>/CloudFront/` itself. */
export const CLOUDFRONT_LOG_PREFIX = (accountId: string) => `AWSLogs/${accountId}/CloudFront/`;

/**
 * What the log bucket allows besides the TLS-only deny: S3 server access logging of the given buckets
 * (the logging service principal, for these source buckets and this account only: AWS's replacement
 * for the log-delivery ACL), and, with CloudFront logs, CloudWatch log delivery from us-east-1.
 */
export function logBucketStatements(p: {
    readonly bucketArn: string;
    readonly accountId: string;
    readonly partition: string;
    readonly sourceBucketArns: readonly string[];
    readonly cloudfront: boolean;
}): PolicyStatement[] {
    const statements: PolicyStatement[] = [];
    if (p.sourceBucketArns.length > 0) {
        statements.push({
            Sid: "S3ServerAccessLogs",
            Effect: "Allow",
            Principal: { Service: "logging.s3.amazonaws.com" },
            Action: "s3:PutObject",
            Resource: `${p.bucketArn}/${S3_ACCESS_LOG_PREFIX}*`,
            Condition: { StringEquals: { "aws:SourceAccount": p.accountId }, ArnLike: { "aws:SourceArn": [...p.sourceBucketArns] } },
        });
    }
    if (p.cloudfront) {
        const delivery = {
            StringEquals: { "aws:SourceAccount": p.accountId },
            ArnLike: { "aws:SourceArn": `arn:${p.partition}:logs:${CLOUDFRONT_CERTIFICATE_REGION}:${p.accountId}:*` },
        };
        statements.push(
            {
                Sid: "CloudFrontLogDeliveryWrite",
                Effect: "Allow",
                Principal: { Service: "delivery.logs.amazonaws.com" },
                Action: "s3:PutObject",
                Resource: `${p.bucketArn}/${CLOUDFRONT_LOG_PREFIX(p.accountId)}*`,
                Condition: { ...delivery, StringEquals: { ...delivery.StringEquals, "s3:x-amz-acl": "bucket-owner-full-control" } },
            },
            {
                Sid: "CloudFrontLogDeliveryAclCheck",
                Effect: "Allow",
                Principal: { Service: "delivery.logs.amazonaws.com" },
                Action: ["s3:GetBucketAcl", "s3:ListBucket"],
                Resource: p.bucketArn,
                Condition: delivery,
            },
        );
    }
    return statements;
}

/**
 * A log bucket: hardened, unversioned (logs are written once), expiring after the retention, writable by S3
 * server access logging of `sources` (and CloudFront's log delivery with `cloudfront`); it does not log itself.
 */
export function logBucketArgs(p: {
    readonly bucketName: pulumi.Input<string>;
    /** Absent: the provider's. */
    readonly region?: string;
    readonly environment: string;
    readonly production: boolean;
    readonly retentionDays: number;
    readonly account: pulumi.Input<string>;
    readonly partition: pulumi.Input<string>;
    readonly sources: readonly pulumi.Input<string>[];
    readonly cloudfront: boolean;
}): HardenedBucketArgs {
    return {
        bucketName: p.bucketName,
        ...(p.region !== undefined && { region: p.region }),
        environment: p.environment,
        purpose: "access-logs",
        retain: p.production,
        // Outside production `pulumi destroy` must succeed, and S3 refuses to delete a non-empty bucket.
        forceDestroy: !p.production,
        versioned: false,
        lifecycle: { id: "expire-logs", expirationDays: p.retentionDays },
        policy: (bucketArn) =>
            pulumi
                .all([bucketArn, p.account, p.partition, p.sources])
                .apply(([arn, accountId, partition, sourceBucketArns]) =>
                    logBucketStatements({ bucketArn: arn, accountId, partition, sourceBucketArns, cloudfront: p.cloudfront }),
                ),
    };
}

export class Logs extends pulumi.ComponentResource {
    /** The log bucket's name; undefined without one. */
    readonly logBucketName?: pulumi.Output<string>;
    /** The slow log's log group; undefined without Redis logs. */
    readonly redisSlowLogGroup?: pulumi.Output<string>;
    /** The engine log's log group; undefined without it. */
    readonly redisEngineLogGroup?: pulumi.Output<string>;
    /** Both, for Redis to deliver its logs to (through these resources, so they exist first); undefined without Redis logs. */
    readonly redisLogGroups?: { readonly slowLog: pulumi.Output<string>; readonly engineLog?: pulumi.Output<string> };

    constructor(name: string, args: LogsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("membrane:logging:Logs", name, {}, opts);
        if (args.logBucketName !== undefined) {
            const loggedBuckets = args.s3AccessLogs ? args.buckets : {};
            const bucket = this.logBucket(name, args, args.logBucketName, loggedBuckets);
            this.accessLogging(name, loggedBuckets, bucket);
            if (args.cdnDeliveryName !== undefined) {
                this.cloudfrontLogs(name, args, { distributionArn: args.distributionArn, deliveryName: args.cdnDeliveryName }, bucket);
            }
            this.logBucketName = bucket.bucket.bucket;
        }
        if (args.redisLogGroups) {
            const group = (suffix: string, logGroupName: string) =>
                new aws.cloudwatch.LogGroup(
                    childName(name, suffix),
                    { name: logGroupName, retentionInDays: args.retentionDays, tags: tags(args.environment) },
                    { parent: this },
                ).name;
            this.redisSlowLogGroup = group("redis-slow-log", args.redisLogGroups.slowLog);
            this.redisEngineLogGroup = args.redisLogGroups.engineLog ? group("redis-engine-log", args.redisLogGroups.engineLog) : undefined;
            this.redisLogGroups = { slowLog: this.redisSlowLogGroup, engineLog: this.redisEngineLogGroup };
        }
        this.registerOutputs({
            logBucketName: this.logBucketName,
            redisSlowLogGroup: this.redisSlowLogGroup,
            redisEngineLogGroup: this.redisEngineLogGroup,
        });
    }

    /** The log bucket: hardened, unversioned (logs are written once), expiring after the retention; it does not log itself. */
    private logBucket(
        name: string,
        args: LogsArgs,
        bucketName: pulumi.Input<string>,
        logged: Readonly<Record<string, LoggedBucket>>,
    ): HardenedBucket {
        const account = aws.getCallerIdentityOutput({}, { parent: this }).accountId;
        const partition = aws.getPartitionOutput({}, { parent: this }).partition;
        const sources = Object.values(logged).map((b) => b.arn);
        return new HardenedBucket(
            childName(name, "bucket"),
            logBucketArgs({
                bucketName,
                environment: args.environment,
                production: args.production ?? false,
                retentionDays: args.retentionDays,
                account,
                partition,
                sources,
                cloudfront: args.cdnDeliveryName !== undefined,
            }),
            this,
        );
    }

    /** Each bucket's server access logs into the log bucket, once the bucket policy lets S3 write them. */
    private accessLogging(name: string, buckets: Readonly<Record<string, LoggedBucket>>, target: HardenedBucket): void {
        for (const [key, b] of Object.entries(buckets)) {
            new aws.s3.BucketLogging(
                childName(name, `${key}-access-logs`),
                {
                    bucket: b.name,
                    targetBucket: target.bucket.bucket,
                    targetPrefix: S3_ACCESS_LOG_PREFIX,
                    targetObjectKeyFormat: { partitionedPrefix: { partitionDateSource: "EventTime" } },
                },
                { parent: this, dependsOn: [target.policy!] },
            );
        }
    }

    /** CloudFront standard logging (v2): source, destination and delivery, all in us-east-1, into the log bucket. */
    private cloudfrontLogs(
        name: string,
        args: LogsArgs,
        cdn: { readonly distributionArn: pulumi.Input<string>; readonly deliveryName: string },
        target: HardenedBucket,
    ): void {
        const opt = { parent: this };
        const region = CLOUDFRONT_CERTIFICATE_REGION;
        const t = tags(args.environment);
        const source = new aws.cloudwatch.LogDeliverySource(
            childName(name, "cdn-source"),
            { name: cdn.deliveryName, region, logType: "ACCESS_LOGS", resourceArn: cdn.distributionArn, tags: t },
            opt,
        );
        const destination = new aws.cloudwatch.LogDeliveryDestination(
            childName(name, "cdn-destination"),
            {
                name: cdn.deliveryName,
                region,
                outputFormat: "json",
                deliveryDestinationConfiguration: { destinationResourceArn: target.bucket.arn },
                tags: t,
            },
            opt,
        );
        new aws.cloudwatch.LogDelivery(
            childName(name, "cdn-delivery"),
            { region, deliverySourceName: source.name, deliveryDestinationArn: destination.arn, tags: t },
            // With its statements already in the bucket policy, delivery needs no change to it.
            { parent: this, dependsOn: [target.policy!] },
        );
    }
}
