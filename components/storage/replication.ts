// Replication: cross-region replication of Storage's connectors bucket (and, by choice, the static
// bucket) for disaster recovery. Each replica carries every control its source has (public access
// block, BucketOwnerEnforced, SSE-S3, TLS-only policy, versioning, noncurrent-version expiry, server
// access logs in its own region); a least-privilege role, trusted by S3 for these buckets only,
// replicates; each replication configuration waits for versioning and lifecycle on both sides, since S3
// refuses it otherwise ("Destination bucket must have versioning enabled").
import * as aws from "../../lib/aws";
import * as pulumi from "@pulumi/pulumi";
import type { PolicyDocument } from "../../lib/policy-document";
import { HardenedBucket } from "../../lib/bucket";
import { logBucketArgs } from "../observability/logs";
import { childName, tags } from "../../lib/naming";

/** A bucket that may be replicated, as its owner (Storage) gives it. */
export interface SourceBucket {
    readonly name: pulumi.Input<string>;
    readonly arn: pulumi.Input<string>;
    /**
     * The bucket's versioning and lifecycle, when its owner manages them; absent: Replication versions the
     * source itself and expires its noncurrent versions (the static bucket, versioned only to replicate).
     */
    readonly versioned?: readonly pulumi.Resource[];
}

/** A replica to make. */
export interface ReplicaArgs {
    /** The source, in `buckets`; it names the replica's resources: `<name>-<key>-replica`, … */
    readonly key: string;
    /** The replica's name: valid and globally unique. */
    readonly replicaName: pulumi.Input<string>;
}

/** A replica and its source. */
interface ReplicatedBucket extends ReplicaArgs {
    readonly source: SourceBucket;
}

export interface ReplicationArgs {
    /** Environment name, for tags. */
    readonly environment: string;
    /** Protect and retain the replicas and their log bucket, as the sources are. Default false. */
    readonly production?: boolean;
    /** Region of the replicas: never the sources'. */
    readonly replicaRegion: string;
    /** The buckets that may be replicated, by key. */
    readonly buckets: Readonly<Record<string, SourceBucket>>;
    /** The replicas, each of a bucket of `buckets`. */
    readonly replicas: readonly ReplicaArgs[];
    /** Days a replaced object version is kept, in every replica (and in a source versioned here). */
    readonly noncurrentVersionDays: pulumi.Input<number>;
    /** Replicate delete markers: a delete in the source then hides the object in the replica too. */
    readonly replicateDeleteMarkers: boolean;
    /** The replication role's name and its inline policy's. */
    readonly roleName: string;
    /** The name of the replication role's inline policy. */
    readonly policyName: string;
    /** Permissions boundary of the replication role; absent: none. */
    readonly permissionsBoundaryArn?: pulumi.Input<string>;
    /** Server access logs of the replicas into a log bucket of the replica region; absent: none. */
    readonly accessLogs?: { readonly logBucketName: pulumi.Input<string>; readonly retentionDays: number };
}

/** S3 assumes the role, for this account and these source buckets only (AWS's confused-deputy conditions). */
export function replicationTrustPolicy(p: { accountId: string; sourceBucketArns: readonly string[] }): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "S3AssumeRoleForReplication",
                Effect: "Allow",
                Principal: { Service: "s3.amazonaws.com" },
                Action: "sts:AssumeRole",
                Condition: { StringEquals: { "aws:SourceAccount": p.accountId }, ArnLike: { "aws:SourceArn": [...p.sourceBucketArns] } },
            },
        ],
    };
}

/**
 * What replication needs and nothing else (S3 User Guide, "Setting up permissions for live
 * replication"): read the replication configuration and list the sources; read object versions,
 * their ACLs and tags; write replicas, deletes and tags in the replicas only.
 */
export function replicationPolicy(pairs: ReadonlyArray<{ sourceArn: string; replicaArn: string }>): PolicyDocument {
    // Sources and replicas are this account's buckets: a name freed and taken by another account is not.
    const own = { StringEquals: { "s3:ResourceAccount": "${aws:PrincipalAccount}" } };
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "ReadSourceConfiguration",
                Effect: "Allow",
                Action: ["s3:GetReplicationConfiguration", "s3:ListBucket"],
                Resource: pairs.map((p) => p.sourceArn),
                Condition: own,
            },
            {
                Sid: "ReadSourceVersions",
                Effect: "Allow",
                Action: ["s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging"],
                Resource: pairs.map((p) => `${p.sourceArn}/*`),
                Condition: own,
            },
            {
                Sid: "WriteReplicas",
                Effect: "Allow",
                Action: ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"],
                Resource: pairs.map((p) => `${p.replicaArn}/*`),
                Condition: own,
            },
        ],
    };
}

/** A replica, and what the replication configuration must wait for on both sides. */
interface Pair {
    readonly args: ReplicatedBucket;
    readonly replica: HardenedBucket;
    readonly ready: pulumi.Resource[];
}

function source(buckets: Readonly<Record<string, SourceBucket>>, key: string): SourceBucket {
    const found = buckets[key];
    if (!found) {
        throw new Error(`Replication: the replica "${key}" has no bucket of that key in buckets`);
    }
    return found;
}

export class Replication extends pulumi.ComponentResource {
    /** The region of the replicas. */
    readonly replicaRegion: string;
    /** The replicas' names, by key. */
    readonly replicaBucketNames: Readonly<Record<string, pulumi.Output<string>>>;
    readonly roleArn: pulumi.Output<string>;
    /** The replica region's log bucket; undefined without access logs. */
    readonly logBucketName?: pulumi.Output<string>;

    private where?: { readonly accountId: pulumi.Output<string>; readonly partition: pulumi.Output<string> };

    constructor(name: string, args: ReplicationArgs, opts?: pulumi.ComponentResourceOptions) {
        super("membrane:storage:Replication", name, {}, opts);
        const pairs = args.replicas.map((b) => this.replica(name, args, { ...b, source: source(args.buckets, b.key) }));
        const logBucket = args.accessLogs && this.replicaLogs(name, args, args.accessLogs, pairs);
        const role = this.role(name, args, pairs);
        for (const p of pairs) {
            this.configuration(name, args, p, role);
        }
        this.replicaRegion = args.replicaRegion;
        this.replicaBucketNames = Object.fromEntries(pairs.map((p) => [p.args.key, p.replica.bucket.bucket]));
        this.roleArn = role.arn;
        this.logBucketName = logBucket?.bucket.bucket;
        this.registerOutputs({
            replicaRegion: this.replicaRegion,
            replicaBucketNames: this.replicaBucketNames,
            roleArn: this.roleArn,
            logBucketName: this.logBucketName,
        });
    }

    /** The account and partition, read once, for the trust conditions and the log bucket's policy. */
    private account(): { readonly accountId: pulumi.Output<string>; readonly partition: pulumi.Output<string> } {
        return (this.where ??= {
            accountId: aws.getCallerIdentityOutput({}, { parent: this }).accountId,
            partition: aws.getPartitionOutput({}, { parent: this }).partition,
        });
    }

    /** The replica with its source's controls, and the source's versioning when this component owns it. */
    private replica(name: string, args: ReplicationArgs, b: ReplicatedBucket): Pair {
        const replica = new HardenedBucket(
            childName(name, `${b.key}-replica`),
            {
                bucketName: b.replicaName,
                region: args.replicaRegion,
                environment: args.environment,
                purpose: `${b.key}-replica`,
                retain: args.production ?? false,
                // Outside production `pulumi destroy` must succeed, and S3 refuses to delete a non-empty bucket.
                forceDestroy: !args.production,
                versioned: true,
                lifecycle: { id: "expire-noncurrent-versions", noncurrentVersionExpirationDays: args.noncurrentVersionDays },
            },
            this,
        );
        const source = b.source.versioned ?? this.versionSource(name, args, b);
        return { args: b, replica, ready: [...source, replica.versioning!, replica.lifecycle!] };
    }

    /** Versioning and noncurrent-version expiry of a source that is versioned only to be replicated. */
    private versionSource(name: string, args: ReplicationArgs, b: ReplicatedBucket): pulumi.Resource[] {
        const versioning = new aws.s3.BucketVersioning(
            childName(name, `${b.key}-source-versioning`),
            { bucket: b.source.name, versioningConfiguration: { status: "Enabled" } },
            { parent: this },
        );
        const lifecycle = new aws.s3.BucketLifecycleConfiguration(
            childName(name, `${b.key}-source-lifecycle`),
            {
                bucket: b.source.name,
                rules: [
                    {
                        id: "expire-noncurrent-versions",
                        status: "Enabled",
                        filter: { prefix: "" },
                        noncurrentVersionExpiration: { noncurrentDays: args.noncurrentVersionDays },
                        abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
                    },
                ],
            },
            { parent: this, dependsOn: [versioning] },
        );
        return [versioning, lifecycle];
    }

    /** The replica region's log bucket and each replica's server access logging into it. */
    private replicaLogs(
        name: string,
        args: ReplicationArgs,
        logs: NonNullable<ReplicationArgs["accessLogs"]>,
        pairs: readonly Pair[],
    ): HardenedBucket {
        const { accountId: account, partition } = this.account();
        const sources = pairs.map((p) => p.replica.bucket.arn);
        const bucket = new HardenedBucket(
            childName(name, "logs"),
            logBucketArgs({
                bucketName: logs.logBucketName,
                region: args.replicaRegion,
                environment: args.environment,
                production: args.production ?? false,
                retentionDays: logs.retentionDays,
                account,
                partition,
                sources,
                cloudfront: false,
            }),
            this,
        );
        for (const p of pairs) {
            new aws.s3.BucketLogging(
                childName(name, `${p.args.key}-replica-access-logs`),
                {
                    bucket: p.replica.bucket.bucket,
                    region: args.replicaRegion,
                    targetBucket: bucket.bucket.bucket,
                    targetPrefix: "s3/",
                    targetObjectKeyFormat: { partitionedPrefix: { partitionDateSource: "EventTime" } },
                },
                { parent: this, dependsOn: [bucket.policy!] },
            );
        }
        return bucket;
    }

    /** The replication role, trusted by S3 for these sources, carrying the boundary, with its one inline policy. */
    private role(name: string, args: ReplicationArgs, pairs: readonly Pair[]): { arn: pulumi.Output<string>; policy: aws.iam.RolePolicy } {
        const account = this.account().accountId;
        const sourceArns = pairs.map((p) => p.args.source.arn);
        const role = new aws.iam.Role(
            childName(name, "role"),
            {
                name: args.roleName,
                assumeRolePolicy: pulumi
                    .all([account, sourceArns])
                    .apply(([accountId, sourceBucketArns]) => JSON.stringify(replicationTrustPolicy({ accountId, sourceBucketArns }))),
                permissionsBoundary: args.permissionsBoundaryArn,
                tags: tags(args.environment),
            },
            { parent: this },
        );
        const arns = pairs.map((p) =>
            pulumi.all([p.args.source.arn, p.replica.bucket.arn]).apply(([sourceArn, replicaArn]) => ({ sourceArn, replicaArn })),
        );
        const policy = new aws.iam.RolePolicy(
            childName(name, "role-policy"),
            { name: args.policyName, role: role.name, policy: pulumi.all(arns).apply((a) => JSON.stringify(replicationPolicy(a))) },
            { parent: this },
        );
        return { arn: role.arn, policy };
    }

    /** The source's one replication configuration: everything, to the replica, after versioning and lifecycle on both sides. */
    private configuration(
        name: string,
        args: ReplicationArgs,
        p: Pair,
        role: { arn: pulumi.Output<string>; policy: aws.iam.RolePolicy },
    ): void {
        new aws.s3.BucketReplicationConfig(
            childName(name, `${p.args.key}-replication`),
            {
                bucket: p.args.source.name,
                role: role.arn,
                rules: [
                    {
                        id: "replicate-everything",
                        status: "Enabled",
                        priority: 1,
                        filter: { prefix: "" },
                        // An explicit choice either way: Disabled keeps objects deleted in the source current in the replica.
                        deleteMarkerReplication: { status: args.replicateDeleteMarkers ? "Enabled" : "Disabled" },
                        destination: { bucket: p.replica.bucket.arn },
                    },
                ],
            },
            { parent: this, dependsOn: [...p.ready, role.policy] },
        );
    }
}
