// Replication's keys, `s3Replica*` -> Replication's args: which buckets replicate to which region, under
// which names. Pure. S3 refuses a replica region that does not exist or is in another partition
// (cross-partition replication is not offered), and an invalid or taken bucket name: checked here.
import * as pulumi from "@pulumi/pulumi";
import { ConfigReader } from "../../lib/config-reader";
import { bucketNameProblems, bucketNames, replicaBucketName, replicationRoleName } from "../../lib/naming";
import { partitionOf, regionProblem } from "../regions";
import type { Stack } from "../stack-settings";
import type { ReplicationArgs } from "./replication";

/** Replication's args but the source buckets, which Storage gives it. */
export type ReplicationSettings = Omit<ReplicationArgs, "buckets">;

/** The buckets that may be replicated: connectors always, static by choice; tmp never (scratch files). */
type ReplicatedPurpose = "connectors" | "static";

// The default replica region: another region of the same geography that every account has enabled
// (regions launched since 2019 are opt-in, and S3 refuses a bucket in a region the account has not
// enabled). Elsewhere the user chooses, knowing their data-residency rules.
const DEFAULT_REPLICA_REGIONS: Readonly<Record<string, string>> = {
    "us-east-1": "us-west-2",
    "us-east-2": "us-west-2",
    "us-west-1": "us-east-1",
    "us-west-2": "us-east-1",
    "eu-west-1": "eu-central-1",
    "eu-central-1": "eu-west-1",
    "eu-west-2": "eu-west-1",
    "eu-west-3": "eu-central-1",
    "eu-north-1": "eu-west-1",
    "us-gov-west-1": "us-gov-east-1",
    "us-gov-east-1": "us-gov-west-1",
    "cn-north-1": "cn-northwest-1",
    "cn-northwest-1": "cn-north-1",
};

/** The replica region used when `s3ReplicaRegion` is empty; undefined where the user must choose. */
export function defaultReplicaRegion(region: string): string | undefined {
    return Object.prototype.hasOwnProperty.call(DEFAULT_REPLICA_REGIONS, region) ? DEFAULT_REPLICA_REGIONS[region] : undefined;
}

/** Every rule a replica region breaks for a stack in `region`; empty when S3 would accept it. */
export function replicaRegionProblems(replicaRegion: string, region: string, skipRegionValidation = false): string[] {
    const unknown = regionProblem(replicaRegion, skipRegionValidation);
    if (unknown) {
        return [unknown];
    }
    const partition = partitionOf(replicaRegion);
    if (replicaRegion === region) {
        return [`must differ from aws:region "${region}": a replica in the same region does not survive the loss of that region`];
    }
    const source = partitionOf(region);
    if (source !== undefined && source !== partition) {
        return [
            `must be in the partition of aws:region "${region}" (${source}); S3 does not replicate across partitions (got "${replicaRegion}")`,
        ];
    }
    return [];
}

function readReplicaRegion(r: ConfigReader, region: string): string {
    const given = r.string("s3ReplicaRegion");
    const replicaRegion = given || defaultReplicaRegion(region) || "";
    if (!replicaRegion) {
        r.problem(
            "s3ReplicaRegion",
            `has no default for aws:region "${region}" (only regions every account has enabled are paired by default): set it to a region of the same partition that your data may be copied to, or set membrane:s3Replication to false`,
        );
        return "";
    }
    for (const rule of replicaRegionProblems(replicaRegion, region, r.string("aws:skipRegionValidation") === "true")) {
        r.problem(
            given ? "s3ReplicaRegion" : "aws:region",
            given ? rule : `makes the default replica region "${replicaRegion}", which ${rule}`,
        );
    }
    return replicaRegion;
}

/**
 * Reads the `s3Replica*` keys; undefined when `s3Replication` is false. The replicas are named after the derived
 * bucket names, not adopted ones: they are this stack's own, in its namespace (which the deploy role and the
 * boundary are scoped to) whatever it adopts.
 */
export function readReplication(
    r: ConfigReader,
    stack: Stack,
    ctx: {
        /** False when the environment or the bucket names are refused already: their replicas' names would only repeat it. */
        readonly namesValid: boolean;
        /** The stack region's log bucket when the data buckets are logged: the replicas are logged in their region too. */
        readonly logBucketName?: string;
        /** Days every log destination keeps logs. */
        readonly logRetentionDays: number;
        /** Days a replaced version is kept: the connectors bucket's. */
        readonly noncurrentVersionDays: pulumi.Input<number>;
        /** The boundary every role of the stack carries. */
        readonly permissionsBoundaryArn?: pulumi.Input<string>;
    },
): ReplicationSettings | undefined {
    const enabled = r.boolean("s3Replication");
    const replicateStatic = r.boolean("s3ReplicateStatic");
    const replicateDeleteMarkers = r.boolean("s3ReplicateDeleteMarkers");
    if (!enabled) {
        return undefined;
    }
    const sources = bucketNames(stack.namePrefix, stack.environment, stack.nameSuffix);
    const replicaRegion = stack.region ? readReplicaRegion(r, stack.region) : "";
    const purposes: ReplicatedPurpose[] = replicateStatic ? ["connectors", "static"] : ["connectors"];
    const replicas = purposes.map((key) => ({ key, replicaName: replicaBucketName(sources[key], replicaRegion) }));
    const logBucketName = ctx.logBucketName && replicaBucketName(ctx.logBucketName, replicaRegion);
    if (replicaRegion && ctx.namesValid) {
        for (const name of [...replicas.map((b) => b.replicaName), ...(logBucketName ? [logBucketName] : [])]) {
            for (const rule of bucketNameProblems(name)) {
                r.problem(
                    "s3ReplicaRegion",
                    `makes the bucket name "${name}" in the replica region, which ${rule}; shorten membrane:namePrefix or membrane:environment`,
                );
            }
        }
    }
    const roleName = replicationRoleName(stack.environment, stack.nameSuffix);
    // IAM role names are at most 64 characters.
    if (roleName.length > 64) {
        r.problem("environment", `makes the replication role name "${roleName}" ${roleName.length} characters long; IAM allows 64`);
    }
    return {
        environment: stack.environment,
        production: stack.production,
        replicaRegion,
        replicas,
        noncurrentVersionDays: ctx.noncurrentVersionDays,
        replicateDeleteMarkers,
        roleName,
        policyName: roleName,
        permissionsBoundaryArn: ctx.permissionsBoundaryArn,
        accessLogs: logBucketName ? { logBucketName, retentionDays: ctx.logRetentionDays } : undefined,
    };
}
