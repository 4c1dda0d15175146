// Redis's keys -> Redis's args: engine, size, topology, availability, network and what is adopted. Pure.
// Every limit ElastiCache would refuse at `pulumi up` is checked here, with its source, because Pulumi's
// mocks accept anything.
import { ConfigReader, duplicates, fullKey } from "../../lib/config-reader";
import { redisNames } from "../../lib/naming";
import { SECURITY_GROUP_ID } from "../../lib/patterns";
import type { AdoptionConfig } from "../adoption-settings";
import type { Network, Stack } from "../stack-settings";
import { RedisEngine, replicationGroupIdProblems, ReplicationTopology } from "./group";
import type { RedisArgs } from "./redis";
import { nodeTypeWarning } from "./node-types";

/** Redis's args but the log groups, which Logs gives it. */
export type RedisSettings = Omit<RedisArgs, "logGroups">;

export const REDIS_ENGINES: readonly RedisEngine[] = ["redis", "valkey"];

// Versions ElastiCache offers for node-based clusters, each with its parameter group family; the default
// parameter group of a family is `default.<family>` (cluster mode: `default.<family>.cluster.on`).
// https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/engine-versions.html
// https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/ParameterGroups.Engine.html
// Redis OSS stops at 7.1 on ElastiCache; 6.0 is Membrane's minimum, so 4.x and 5.x are left out.
export const ENGINE_VERSIONS: Readonly<Record<RedisEngine, Readonly<Record<string, string>>>> = {
    redis: { "6.0": "redis6.x", "6.2": "redis6.x", "7.0": "redis7", "7.1": "redis7" },
    valkey: { "7.2": "valkey7", "8.0": "valkey8", "8.1": "valkey8", "8.2": "valkey8", "9.0": "valkey9", "9.1": "valkey9" },
};

const ENGINE_NAMES: Record<RedisEngine, string> = { redis: "Redis OSS", valkey: "Valkey" };

/** The default parameter group of an engine version ElastiCache offers; undefined for any other version. */
export function defaultParameterGroupName(engine: RedisEngine, version: string, clusterMode: boolean): string | undefined {
    const family = ENGINE_VERSIONS[engine]?.[version];
    return family === undefined ? undefined : `default.${family}${clusterMode ? ".cluster.on" : ""}`;
}

// Node types are cache.<family>.<size>: cache.t3.medium, cache.r7g.xlarge, cache.m6gd.2xlarge.
const NODE_TYPE = /^cache\.[a-z][a-z0-9]*\.[a-z0-9]+$/;
// Default quota: 60 inbound rules per security group, one rule per allowed group here.
// https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html#vpc-limits-security-groups
const MAX_ALLOWED_SECURITY_GROUPS = 60;
const DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
const WINDOW = /^(sun|mon|tue|wed|thu|fri|sat):([01]\d|2[0-3]):([0-5]\d)-(sun|mon|tue|wed|thu|fri|sat):([01]\d|2[0-3]):([0-5]\d)$/;

const DAILY_WINDOW = /^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$/;
const DAY = 1440;
const WEEK = 7 * DAY;
const mod = (n: number, m: number) => ((n % m) + m) % m;

/** A weekly window `ddd:hh24:mi-ddd:hh24:mi` (it may wrap past Saturday night) in minutes of the week, or undefined when the format is wrong. */
function weeklyWindow(window: string): { start: number; minutes: number } | undefined {
    const m = WINDOW.exec(window);
    if (!m) {
        return undefined;
    }
    const at = (day: string, h: string, min: string) => DAYS.indexOf(day) * DAY + Number(h) * 60 + Number(min);
    const start = at(m[1], m[2], m[3]);
    return { start, minutes: mod(at(m[4], m[5], m[6]) - start, WEEK) };
}

/** The length in minutes of a weekly window `ddd:hh24:mi-ddd:hh24:mi`, or undefined when the format is wrong. */
export function maintenanceWindowMinutes(window: string): number | undefined {
    return weeklyWindow(window)?.minutes;
}

/** A daily window `hh24:mi-hh24:mi` (it may wrap past midnight) in minutes of the day, or undefined when the format is wrong. */
export function dailyWindow(window: string): { start: number; minutes: number } | undefined {
    const m = DAILY_WINDOW.exec(window);
    if (!m) {
        return undefined;
    }
    const start = Number(m[1]) * 60 + Number(m[2]);
    return { start, minutes: mod(Number(m[3]) * 60 + Number(m[4]) - start, DAY) };
}

/** Whether a daily window meets a weekly one on any day of the week; undefined when either is malformed. */
export function windowsMeet(daily: string, weekly: string): boolean | undefined {
    const d = dailyWindow(daily);
    const w = weeklyWindow(weekly);
    if (!d || !w) {
        return undefined;
    }
    // Two spans of a circular week meet when either starts inside the other.
    const meet = (a: number, la: number, b: number, lb: number) => mod(b - a, WEEK) < la || mod(a - b, WEEK) < lb;
    return Array.from({ length: 7 }, (_, day) => day * DAY + d.start).some((start) => meet(start, d.minutes, w.start, w.minutes));
}

function readTopology(r: ConfigReader, production: boolean, automaticFailover: boolean, multiAz: boolean): ReplicationTopology {
    // The other mode's counts are checked against their bounds too, so that a typo never waits for a switch of mode.
    if (r.boolean("redisClusterMode")) {
        r.integer("redisNumCacheClusters", NUM_CACHE_CLUSTERS);
        return readClusterTopology(r, production, automaticFailover, multiAz);
    }
    r.integer("redisNumNodeGroups", NUM_NODE_GROUPS);
    r.integer("redisReplicasPerNodeGroup", REPLICAS_PER_NODE_GROUP);
    return readReplicaTopology(r, production, automaticFailover, multiAz);
}

// Up to 500 shards, and up to 5 replicas in each, within 500 nodes per cluster.
// https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/Shards.html
const NUM_NODE_GROUPS = { min: 1, max: 500 };
const REPLICAS_PER_NODE_GROUP = { min: 0, max: 5 };
// A primary and up to 5 replicas. https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/Replication.html
const NUM_CACHE_CLUSTERS = { min: 1, max: 6, why: "a primary and up to 5 replicas" };

function readClusterTopology(r: ConfigReader, production: boolean, automaticFailover: boolean, multiAz: boolean): ReplicationTopology {
    const numNodeGroups = r.integer("redisNumNodeGroups", NUM_NODE_GROUPS);
    const replicasPerNodeGroup = r.integer("redisReplicasPerNodeGroup", REPLICAS_PER_NODE_GROUP);
    const nodes = numNodeGroups * (replicasPerNodeGroup + 1);
    if (nodes > 500) {
        r.problem(
            "membrane:redisNumNodeGroups and membrane:redisReplicasPerNodeGroup",
            `make ${nodes} nodes; an ElastiCache cluster has at most 500 (got ${numNodeGroups} shards of ${replicasPerNodeGroup + 1} nodes)`,
        );
    }
    // CreateReplicationGroup: AutomaticFailoverEnabled must be enabled for cluster-mode-enabled groups.
    if (!automaticFailover) {
        r.problem(
            "redisAutomaticFailover",
            "must be true with membrane:redisClusterMode: ElastiCache requires automatic failover in cluster mode (got false)",
        );
    }
    if (multiAz && replicasPerNodeGroup === 0) {
        r.problem(
            "redisMultiAz",
            "needs at least one replica per shard: set membrane:redisReplicasPerNodeGroup to 1 or more, or membrane:redisMultiAz to false",
        );
    }
    if (production && replicasPerNodeGroup === 0) {
        r.problem(
            "redisReplicasPerNodeGroup",
            "must be at least 1 in production (membrane:production is true): a shard without a replica loses its keys and stops when its node fails (got 0)",
        );
    }
    return { clusterMode: true, numNodeGroups, replicasPerNodeGroup };
}

function readReplicaTopology(r: ConfigReader, production: boolean, automaticFailover: boolean, multiAz: boolean): ReplicationTopology {
    const numCacheClusters = r.integer("redisNumCacheClusters", NUM_CACHE_CLUSTERS);
    // CreateReplicationGroup: failover and Multi-AZ need a replica; Multi-AZ needs automatic failover.
    if (automaticFailover && numCacheClusters < 2) {
        r.problem(
            "redisAutomaticFailover",
            `needs 2 or more nodes (membrane:redisNumCacheClusters is ${numCacheClusters}); a single node has no replica to fail over to: set it to false`,
        );
    }
    if (multiAz && numCacheClusters < 2) {
        r.problem("redisMultiAz", `needs 2 or more nodes (membrane:redisNumCacheClusters is ${numCacheClusters}): set it to false`);
    }
    if (production && numCacheClusters < 2) {
        r.problem(
            "redisNumCacheClusters",
            `must be at least 2 in production (membrane:production is true; a primary and a replica) (got ${numCacheClusters})`,
        );
    }
    if (production && !automaticFailover) {
        r.problem(
            "redisAutomaticFailover",
            "must be true in production (membrane:production is true): without it a failed primary stops Membrane until AWS replaces the node (got false)",
        );
    }
    return { clusterMode: false, numCacheClusters };
}

/** The names derived from the environment break no ElastiCache or EC2 rule. */
function checkDerivedNames(r: ConfigReader, environment: string, replicationGroupId: string): void {
    // A refused environment is reported under its own key already; its derived names would only repeat it.
    const environmentRefused = r.problems.some((p) => p.startsWith(`${fullKey("environment")}:`));
    if (!environment || environmentRefused) {
        return;
    }
    for (const rule of replicationGroupIdProblems(replicationGroupId)) {
        r.problem("environment", `makes the Redis replication group id "${replicationGroupId}", which ${rule}`);
    }
    // EC2 refuses a security group name that starts with "sg-".
    if (environment.startsWith("sg-")) {
        r.problem(
            "environment",
            `makes the Redis security group name "${environment}-membrane-redis-…", and EC2 refuses names that start with "sg-"`,
        );
    }
}

function readEngine(r: ConfigReader): { engine: RedisEngine; engineVersion: string } {
    const engine = r.oneOf("redisEngine", REDIS_ENGINES);
    const engineVersion = r.string("redisEngineVersion", { required: true });
    const offered = Object.keys(ENGINE_VERSIONS[engine] ?? {});
    if (engineVersion && !/^\d+\.\d+$/.test(engineVersion)) {
        r.problem("redisEngineVersion", `must be a major.minor version such as 7.1 (got "${engineVersion}")`);
    } else if (engineVersion && engine === "redis" && Number(engineVersion.split(".")[0]) < 6) {
        r.problem("redisEngineVersion", `Membrane needs Redis 6.0 or newer (got "${engineVersion}")`);
    } else if (engineVersion && !offered.includes(engineVersion)) {
        r.problem(
            "redisEngineVersion",
            `ElastiCache offers ${ENGINE_NAMES[engine]} ${offered.join(", ")} for membrane:redisEngine ${engine} (got "${engineVersion}")`,
        );
    }
    return { engine, engineVersion };
}

function readNodeType(r: ConfigReader): string {
    const nodeType = r.string("redisNodeType", { required: true });
    if (nodeType && !NODE_TYPE.test(nodeType)) {
        r.problem("redisNodeType", `must be an ElastiCache node type such as cache.t3.medium (got "${nodeType}")`);
    } else if (/^cache\.r6gd\./.test(nodeType)) {
        // r6gd nodes require DataTieringEnabled, which this program does not turn on.
        r.problem(
            "redisNodeType",
            `r6gd nodes need data tiering, which this program does not enable; choose another family (got "${nodeType}")`,
        );
    } else if (nodeType) {
        const warning = nodeTypeWarning(nodeType);
        if (warning) {
            r.warn(warning);
        }
    }
    return nodeType;
}

function readAvailability(r: ConfigReader, privateSubnetCount: number): { automaticFailover: boolean; multiAz: boolean } {
    const automaticFailover = r.boolean("redisAutomaticFailover");
    const multiAz = r.boolean("redisMultiAz");
    if (multiAz && !automaticFailover) {
        r.problem(
            "redisMultiAz",
            "needs membrane:redisAutomaticFailover to be true: ElastiCache refuses Multi-AZ without automatic failover",
        );
    }
    // Multi-AZ puts replicas in other availability zones, so the subnet group must span at least two.
    if (multiAz && privateSubnetCount === 1) {
        r.problem(
            "redisMultiAz",
            "needs private subnets in at least 2 availability zones, and membrane:privateSubnetIds lists 1: add a subnet in another zone, or set membrane:redisMultiAz to false",
        );
    }
    return { automaticFailover, multiAz };
}

function readAllowedSecurityGroups(r: ConfigReader): readonly string[] {
    const ids = r.list("redisAllowedSecurityGroupIds");
    for (const id of ids.filter((s) => !SECURITY_GROUP_ID.test(s))) {
        r.problem("redisAllowedSecurityGroupIds", `"${id}" is not a security group id: "sg-" and 8 or 17 hex digits`);
    }
    for (const id of duplicates(ids)) {
        r.problem("redisAllowedSecurityGroupIds", `lists "${id}" more than once`);
    }
    if (ids.length > MAX_ALLOWED_SECURITY_GROUPS) {
        r.problem(
            "redisAllowedSecurityGroupIds",
            `lists ${ids.length} groups; a security group holds at most ${MAX_ALLOWED_SECURITY_GROUPS} inbound rules by default`,
        );
    }
    return ids;
}

function readMaintenance(r: ConfigReader): { maintenanceWindow: string; snapshotRetentionLimit: number; snapshotWindow?: string } {
    const maintenanceWindow = r.string("redisMaintenanceWindow", { required: true });
    const minutes = maintenanceWindowMinutes(maintenanceWindow);
    if (maintenanceWindow && minutes === undefined) {
        r.problem(
            "redisMaintenanceWindow",
            `must be ddd:hh24:mi-ddd:hh24:mi in UTC, days sun to sat, such as sun:05:00-sun:06:00 (got "${maintenanceWindow}")`,
        );
    } else if (minutes !== undefined && minutes < 60) {
        // ElastiCache: "The minimum maintenance window is a 60 minute period."
        r.problem("redisMaintenanceWindow", `must be at least 60 minutes long (got ${minutes} minutes: "${maintenanceWindow}")`);
    }
    // ElastiCache keeps automatic snapshots for at most 35 days; 0 turns them off.
    const snapshotRetentionLimit = r.integer("redisSnapshotRetentionLimit", { min: 0, max: 35 });
    const snapshotWindow = r.string("redisSnapshotWindow");
    const daily = snapshotWindow ? dailyWindow(snapshotWindow) : undefined;
    if (snapshotWindow && !daily) {
        r.problem("redisSnapshotWindow", `must be hh24:mi-hh24:mi in UTC, such as 03:00-04:00 (got "${snapshotWindow}")`);
    } else if (daily && daily.minutes < 60) {
        // ElastiCache: "Snapshot window must be at least 60 minutes."
        r.problem("redisSnapshotWindow", `must be at least 60 minutes long (got ${daily.minutes} minutes: "${snapshotWindow}")`);
    } else if (daily && windowsMeet(snapshotWindow, maintenanceWindow)) {
        // ElastiCache: "The snapshot window and maintenance window must not overlap."
        r.problem(
            "redisSnapshotWindow",
            `must not meet membrane:redisMaintenanceWindow "${maintenanceWindow}" on any day: ElastiCache refuses overlapping windows (got "${snapshotWindow}")`,
        );
    } else if (daily && snapshotRetentionLimit === 0) {
        r.warn(
            "membrane:redisSnapshotWindow is set but membrane:redisSnapshotRetentionLimit is 0, so ElastiCache takes no snapshot: it has no effect.",
        );
    }
    return { maintenanceWindow, snapshotRetentionLimit, ...(snapshotWindow && { snapshotWindow }) };
}

/**
 * Validates the `redis*` keys; the names derive from the environment, except an adopted group's and its
 * subnet group's, which keep their own.
 */
export function readRedis(
    r: ConfigReader,
    stack: Stack,
    network: Network,
    adoption: Pick<AdoptionConfig, "redis" | "keepExistingSettings" | "allowRedisReplacement">,
): RedisSettings {
    const derived = redisNames(stack.environment);
    checkDerivedNames(r, stack.environment, derived.replicationGroupId);
    const { engine, engineVersion } = readEngine(r);
    const nodeType = readNodeType(r);
    const { automaticFailover, multiAz } = readAvailability(r, network.privateSubnetIds.length);
    const topology = readTopology(r, stack.production, automaticFailover, multiAz);
    const allowedSecurityGroupIds = readAllowedSecurityGroups(r);
    const { maintenanceWindow, snapshotRetentionLimit, snapshotWindow } = readMaintenance(r);
    const adopted = adoption.redis;
    return {
        environment: stack.environment,
        production: stack.production,
        vpcId: network.vpcId,
        vpcCidr: network.vpcCidr,
        privateSubnetIds: [...network.privateSubnetIds],
        region: stack.region,
        // Each rule is named by its group's id, so adding or removing a group leaves the others' rules alone.
        allowedSecurityGroups: Object.fromEntries(allowedSecurityGroupIds.map((id) => [id, id])),
        replicationGroupId: adopted?.replicationGroupId ?? derived.replicationGroupId,
        subnetGroupName: adopted?.subnetGroupName ?? derived.subnetGroupName,
        securityGroupNamePrefix: derived.securityGroupNamePrefix,
        engine,
        engineVersion,
        parameterGroupName: defaultParameterGroupName(engine, engineVersion, topology.clusterMode) ?? "",
        nodeType,
        topology,
        automaticFailover,
        multiAz,
        maintenanceWindow,
        snapshotRetentionLimit,
        ...(snapshotWindow && { snapshotWindow }),
        adopt: adopted && {
            subnetGroup: adopted.subnetGroupName !== undefined,
            keepExistingSettings: adoption.keepExistingSettings,
            allowReplacement: adoption.allowRedisReplacement,
        },
    };
}
