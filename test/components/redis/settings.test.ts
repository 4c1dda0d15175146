import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { ELASTICACHE_NODE_TYPES, NODE_TYPES_SOURCE, nodeTypeWarning } from "../../../components/redis/node-types";
import { PROJECT_DIR } from "../../../tools/engine";
import { readSettings } from "../../../components/settings";
import { replicationGroupIdProblems } from "../../../components/redis/group";
import {
    dailyWindow,
    defaultParameterGroupName,
    ENGINE_VERSIONS,
    maintenanceWindowMinutes,
    windowsMeet,
} from "../../../components/redis/settings";
import { VALID, problemsOf, raw } from "../../harness";
import { itRefuses, Refusal } from "../../support/settings";

const SINGLE = { redisNumCacheClusters: 1, redisAutomaticFailover: false, redisMultiAz: false };
const CLUSTER = { redisClusterMode: true };

describe("config: redis", () => {
    it("takes the seed's values by default: redis 7.1, cache.t3.medium, 2 nodes, failover, Multi-AZ, VPC access", () => {
        const c = readSettings(raw(VALID)).redis;
        expect(c).to.deep.equal({
            environment: "prod",
            production: false,
            vpcId: "vpc-0a1b2c3d4e5f60718",
            vpcCidr: "10.20.0.0/16",
            privateSubnetIds: ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"],
            region: "us-east-1",
            replicationGroupId: "prod-membrane",
            subnetGroupName: "prod-membrane-redis",
            securityGroupNamePrefix: "prod-membrane-redis-",
            engine: "redis",
            engineVersion: "7.1",
            parameterGroupName: "default.redis7",
            nodeType: "cache.t3.medium",
            topology: { clusterMode: false, numCacheClusters: 2 },
            automaticFailover: true,
            multiAz: true,
            // Empty: the VPC CIDR may connect.
            allowedSecurityGroups: {},
            maintenanceWindow: "sun:05:00-sun:06:00",
            snapshotRetentionLimit: 0,
            adopt: undefined,
        });
    });

    it("reads every setting", () => {
        const c = readSettings(
            raw({
                ...VALID,
                environment: "qa-eu",
                redisEngine: "valkey",
                redisEngineVersion: "9.0",
                redisNodeType: "cache.m7g.2xlarge",
                redisNumCacheClusters: 6,
                redisAllowedSecurityGroupIds: ["sg-0123456789abcdef0", "sg-89abcdef"],
                redisMaintenanceWindow: "sat:23:30-sun:00:30",
                redisSnapshotRetentionLimit: 35,
            }),
        ).redis;
        expect(c).to.deep.include({
            replicationGroupId: "qa-eu-membrane",
            subnetGroupName: "qa-eu-membrane-redis",
            securityGroupNamePrefix: "qa-eu-membrane-redis-",
            engine: "valkey",
            engineVersion: "9.0",
            parameterGroupName: "default.valkey9",
            nodeType: "cache.m7g.2xlarge",
            topology: { clusterMode: false, numCacheClusters: 6 },
            // Each group's rule is named by its id.
            allowedSecurityGroups: { "sg-0123456789abcdef0": "sg-0123456789abcdef0", "sg-89abcdef": "sg-89abcdef" },
            maintenanceWindow: "sat:23:30-sun:00:30",
            snapshotRetentionLimit: 35,
        });
    });

    it("a single node outside production, without failover and Multi-AZ", () => {
        const c = readSettings(raw({ ...VALID, ...SINGLE })).redis;
        expect(c.topology).to.deep.equal({ clusterMode: false, numCacheClusters: 1 });
        expect([c.automaticFailover, c.multiAz]).to.deep.equal([false, false]);
    });

    it("cluster mode: shards and replicas per shard, the cluster.on parameter group", () => {
        const c = readSettings(raw({ ...VALID, ...CLUSTER, redisNumNodeGroups: 4, redisReplicasPerNodeGroup: 2, production: true })).redis;
        expect(c.topology).to.deep.equal({ clusterMode: true, numNodeGroups: 4, replicasPerNodeGroup: 2 });
        expect(c.parameterGroupName).to.equal("default.redis7.cluster.on");
    });

    // Checked against their stated bounds all the same, as the alarm thresholds are with alarms off: a typo never waits for a switch of mode.
    it("cluster mode ignores the node count of cluster mode disabled, and the other way round, within their bounds", () => {
        expect(problemsOf({ ...CLUSTER, redisNumCacheClusters: 6 })).to.deep.equal([]);
        expect(problemsOf({ redisNumNodeGroups: 500, redisReplicasPerNodeGroup: 5 })).to.deep.equal([]);
        expect(problemsOf({ ...CLUSTER, redisNumCacheClusters: 9 })).to.deep.equal([
            "membrane:redisNumCacheClusters: must be between 1 and 6 (a primary and up to 5 replicas) (got 9)",
        ]);
        expect(problemsOf({ redisNumNodeGroups: 0 })).to.deep.equal(["membrane:redisNumNodeGroups: must be between 1 and 500 (got 0)"]);
    });

    it("cluster mode without replicas is allowed outside production, without Multi-AZ", () => {
        const c = readSettings(raw({ ...VALID, ...CLUSTER, redisReplicasPerNodeGroup: 0, redisMultiAz: false })).redis;
        expect(c.topology).to.deep.equal({ clusterMode: true, numNodeGroups: 2, replicasPerNodeGroup: 0 });
    });

    const bad: Refusal[] = [
        [
            "Multi-AZ over a single private subnet",
            { privateSubnetIds: ["subnet-0a1b2c3d4e5f60001"] },
            /^membrane:redisMultiAz: needs private subnets in at least 2 availability zones, and membrane:privateSubnetIds lists 1/,
        ],
        ["an unknown engine", { redisEngine: "memcached" }, /^membrane:redisEngine: must be one of redis, valkey \(got "memcached"\)$/],
        ["an engine in capitals", { redisEngine: "Redis" }, /^membrane:redisEngine: must be one of redis, valkey/],
        [
            "a version without a minor",
            { redisEngineVersion: "7" },
            /^membrane:redisEngineVersion: must be a major.minor version such as 7.1 \(got "7"\)$/,
        ],
        ["a patch version", { redisEngineVersion: "7.0.5" }, /^membrane:redisEngineVersion: must be a major.minor version/],
        ["6.x", { redisEngineVersion: "6.x" }, /^membrane:redisEngineVersion: must be a major.minor version/],
        ["an empty version", { redisEngineVersion: "" }, /^membrane:redisEngineVersion: is required/],
        [
            "Redis 5.0, older than Membrane supports",
            { redisEngineVersion: "5.0" },
            /^membrane:redisEngineVersion: Membrane needs Redis 6.0 or newer \(got "5.0"\)$/,
        ],
        ["Redis 4.0", { redisEngineVersion: "4.0" }, /^membrane:redisEngineVersion: Membrane needs Redis 6.0 or newer/],
        [
            "a Redis version ElastiCache does not offer",
            { redisEngineVersion: "6.1" },
            /^membrane:redisEngineVersion: ElastiCache offers Redis OSS 6.0, 6.2, 7.0, 7.1 for membrane:redisEngine redis \(got "6.1"\)$/,
        ],
        [
            "Redis 7.2 (ElastiCache went to Valkey)",
            { redisEngineVersion: "7.2" },
            /^membrane:redisEngineVersion: ElastiCache offers Redis OSS/,
        ],
        ["Redis 8.0", { redisEngineVersion: "8.0" }, /^membrane:redisEngineVersion: ElastiCache offers Redis OSS/],
        [
            "valkey with the default (Redis) version 7.1",
            { redisEngine: "valkey" },
            /^membrane:redisEngineVersion: ElastiCache offers Valkey 7.2, 8.0, 8.1, 8.2, 9.0, 9.1 for membrane:redisEngine valkey \(got "7.1"\)$/,
        ],
        ["valkey 6.2", { redisEngine: "valkey", redisEngineVersion: "6.2" }, /^membrane:redisEngineVersion: ElastiCache offers Valkey/],
        [
            "a node type without the cache. prefix",
            { redisNodeType: "t3.medium" },
            /^membrane:redisNodeType: must be an ElastiCache node type such as cache.t3.medium \(got "t3.medium"\)$/,
        ],
        ["a node type without a size", { redisNodeType: "cache.t3" }, /^membrane:redisNodeType: must be an ElastiCache node type/],
        ["a node type in capitals", { redisNodeType: "cache.T3.medium" }, /^membrane:redisNodeType: must be an ElastiCache node type/],
        [
            "an r6gd node type (data tiering)",
            { redisNodeType: "cache.r6gd.xlarge" },
            /^membrane:redisNodeType: r6gd nodes need data tiering/,
        ],
        [
            "no nodes",
            { redisNumCacheClusters: 0 },
            /^membrane:redisNumCacheClusters: must be between 1 and 6 \(a primary and up to 5 replicas\) \(got 0\)$/,
        ],
        [
            "7 nodes",
            { redisNumCacheClusters: 7 },
            /^membrane:redisNumCacheClusters: must be between 1 and 6 \(a primary and up to 5 replicas\) \(got 7\)$/,
        ],
        ["a node count that is not a number", { redisNumCacheClusters: "two" }, /^membrane:redisNumCacheClusters: must be a whole number/],
        [
            "failover with a single node",
            { redisNumCacheClusters: 1, redisMultiAz: false },
            /^membrane:redisAutomaticFailover: needs 2 or more nodes \(membrane:redisNumCacheClusters is 1\); a single node has no replica to fail over to: set it to false$/,
        ],
        [
            "Multi-AZ with a single node",
            { redisNumCacheClusters: 1, redisAutomaticFailover: false },
            /^membrane:redisMultiAz: needs 2 or more nodes \(membrane:redisNumCacheClusters is 1\): set it to false$/,
        ],
        [
            "Multi-AZ without failover",
            { redisAutomaticFailover: false },
            /^membrane:redisMultiAz: needs membrane:redisAutomaticFailover to be true: ElastiCache refuses Multi-AZ without automatic failover$/,
        ],
        [
            "a single node in production",
            { ...SINGLE, production: true },
            /^membrane:redisNumCacheClusters: must be at least 2 in production \(membrane:production is true; a primary and a replica\) \(got 1\)$/,
        ],
        [
            "no failover in production",
            { redisAutomaticFailover: false, redisMultiAz: false, production: true },
            /^membrane:redisAutomaticFailover: must be true in production/,
        ],
        [
            "cluster mode without failover",
            { ...CLUSTER, redisAutomaticFailover: false, redisMultiAz: false },
            /^membrane:redisAutomaticFailover: must be true with membrane:redisClusterMode: ElastiCache requires automatic failover in cluster mode \(got false\)$/,
        ],
        [
            "cluster mode with no shards",
            { ...CLUSTER, redisNumNodeGroups: 0 },
            /^membrane:redisNumNodeGroups: must be between 1 and 500 \(got 0\)$/,
        ],
        [
            "cluster mode with 501 shards",
            { ...CLUSTER, redisNumNodeGroups: 501 },
            /^membrane:redisNumNodeGroups: must be between 1 and 500 \(got 501\)$/,
        ],
        [
            "cluster mode with 6 replicas per shard",
            { ...CLUSTER, redisReplicasPerNodeGroup: 6 },
            /^membrane:redisReplicasPerNodeGroup: must be between 0 and 5 \(got 6\)$/,
        ],
        [
            "cluster mode with negative replicas",
            { ...CLUSTER, redisReplicasPerNodeGroup: -1 },
            /^membrane:redisReplicasPerNodeGroup: must be between 0 and 5/,
        ],
        [
            "cluster mode with more than 500 nodes",
            { ...CLUSTER, redisNumNodeGroups: 100, redisReplicasPerNodeGroup: 5 },
            /^membrane:redisNumNodeGroups and membrane:redisReplicasPerNodeGroup: make 600 nodes; an ElastiCache cluster has at most 500 \(got 100 shards of 6 nodes\)$/,
        ],
        [
            "cluster mode Multi-AZ without replicas",
            { ...CLUSTER, redisReplicasPerNodeGroup: 0 },
            /^membrane:redisMultiAz: needs at least one replica per shard/,
        ],
        [
            "cluster mode without replicas in production",
            { ...CLUSTER, redisReplicasPerNodeGroup: 0, redisMultiAz: false, production: true },
            /^membrane:redisReplicasPerNodeGroup: must be at least 1 in production/,
        ],
        [
            "a malformed security group id",
            { redisAllowedSecurityGroupIds: ["sg-123"] },
            /^membrane:redisAllowedSecurityGroupIds: "sg-123" is not a security group id: "sg-" and 8 or 17 hex digits$/,
        ],
        [
            "a security group name instead of an id",
            { redisAllowedSecurityGroupIds: ["membrane-ecs"] },
            /^membrane:redisAllowedSecurityGroupIds: "membrane-ecs" is not a security group id/,
        ],
        ["a security group id in capitals", { redisAllowedSecurityGroupIds: ["sg-0123456789ABCDEF0"] }, /is not a security group id/],
        [
            "a CIDR among the security groups",
            { redisAllowedSecurityGroupIds: ["0.0.0.0/0"] },
            /^membrane:redisAllowedSecurityGroupIds: "0.0.0.0\/0" is not a security group id/,
        ],
        [
            "a duplicate security group",
            { redisAllowedSecurityGroupIds: ["sg-89abcdef", "sg-89abcdef"] },
            /^membrane:redisAllowedSecurityGroupIds: lists "sg-89abcdef" more than once$/,
        ],
        [
            "more security groups than a group's inbound rules",
            { redisAllowedSecurityGroupIds: Array.from({ length: 61 }, (_, i) => `sg-${i.toString(16).padStart(8, "0")}`) },
            /^membrane:redisAllowedSecurityGroupIds: lists 61 groups; a security group holds at most 60 inbound rules by default$/,
        ],
        [
            "security groups that are not a list",
            { redisAllowedSecurityGroupIds: "sg-89abcdef" },
            /^membrane:redisAllowedSecurityGroupIds: must be a list of strings/,
        ],
        [
            "a maintenance window without days",
            { redisMaintenanceWindow: "05:00-06:00" },
            /^membrane:redisMaintenanceWindow: must be ddd:hh24:mi-ddd:hh24:mi in UTC, days sun to sat, such as sun:05:00-sun:06:00 \(got "05:00-06:00"\)$/,
        ],
        [
            "a maintenance window with a full day name",
            { redisMaintenanceWindow: "sunday:05:00-sunday:06:00" },
            /^membrane:redisMaintenanceWindow: must be ddd:hh24:mi/,
        ],
        [
            "a maintenance window at hour 24",
            { redisMaintenanceWindow: "sun:24:00-mon:01:00" },
            /^membrane:redisMaintenanceWindow: must be ddd:hh24:mi/,
        ],
        [
            "a maintenance window in capitals",
            { redisMaintenanceWindow: "Sun:05:00-Sun:06:00" },
            /^membrane:redisMaintenanceWindow: must be ddd:hh24:mi/,
        ],
        [
            "a 30-minute maintenance window",
            { redisMaintenanceWindow: "sun:05:00-sun:05:30" },
            /^membrane:redisMaintenanceWindow: must be at least 60 minutes long \(got 30 minutes: "sun:05:00-sun:05:30"\)$/,
        ],
        [
            "an empty maintenance window (start = end)",
            { redisMaintenanceWindow: "sun:05:00-sun:05:00" },
            /^membrane:redisMaintenanceWindow: must be at least 60 minutes long \(got 0 minutes/,
        ],
        [
            "a 59-minute window across midnight on Saturday",
            { redisMaintenanceWindow: "sat:23:30-sun:00:29" },
            /^membrane:redisMaintenanceWindow: must be at least 60 minutes long \(got 59 minutes/,
        ],
        [
            "negative snapshot retention",
            { redisSnapshotRetentionLimit: -1 },
            /^membrane:redisSnapshotRetentionLimit: must be between 0 and 35 \(got -1\)$/,
        ],
        [
            "snapshot retention over 35 days",
            { redisSnapshotRetentionLimit: 36 },
            /^membrane:redisSnapshotRetentionLimit: must be between 0 and 35 \(got 36\)$/,
        ],
        ["cluster mode not a boolean", { redisClusterMode: "on" }, /^membrane:redisClusterMode: must be true or false \(got "on"\)$/],
        ["failover not a boolean", { redisAutomaticFailover: "yes" }, /^membrane:redisAutomaticFailover: must be true or false/],
        [
            "an environment that makes the replication group id longer than 40 characters",
            { environment: "quality-assurance-eu-west-team-a" },
            /^membrane:environment: makes the Redis replication group id "quality-assurance-eu-west-team-a-membrane", which is 41 characters long; ElastiCache allows 1 to 40$/,
        ],
        [
            "an environment with a double hyphen",
            { environment: "qa--eu" },
            /^membrane:environment: makes the Redis replication group id "qa--eu-membrane", which must not contain two consecutive hyphens$/,
        ],
        [
            "an environment starting with sg-",
            { environment: "sg-team" },
            /^membrane:environment: makes the Redis security group name "sg-team-membrane-redis-…", and EC2 refuses names that start with "sg-"$/,
        ],
    ];
    itRefuses(bad);

    it("accepts a 40-character replication group id", () => {
        expect(
            // Without replication: the replicas' names (the source's and -us-west-2) would be longer than S3 allows.
            readSettings(raw({ ...VALID, namePrefix: "", environment: "qa-" + "x".repeat(28), s3Replication: false })).redis
                .replicationGroupId,
        ).to.have.lengthOf(40);
    });

    it("does not repeat a refused environment's problem as a replication group id problem", () => {
        const problems = problemsOf({ environment: "Prod_Env" });
        expect(problems).to.have.lengthOf(1);
        expect(problems[0]).to.match(/^membrane:environment: must be 2 or more lowercase/);
    });

    it("reports every Redis problem at once, next to the others", () => {
        const problems = problemsOf({
            vpcId: "nope",
            redisEngine: "valkey",
            redisNodeType: "large",
            redisMaintenanceWindow: "sun",
            redisSnapshotRetentionLimit: 99,
        });
        expect(problems.map((p) => p.split(":")[1])).to.deep.equal([
            "vpcId",
            "redisEngineVersion",
            "redisNodeType",
            "redisMaintenanceWindow",
            "redisSnapshotRetentionLimit",
        ]);
    });
});

describe("config: redis and the subnets", () => {
    it("a single private subnet is fine without Multi-AZ", () => {
        expect(
            problemsOf({
                privateSubnetIds: ["subnet-0a1b2c3d4e5f60001"],
                redisNumCacheClusters: 1,
                redisAutomaticFailover: false,
                redisMultiAz: false,
            }),
        ).to.deep.equal([]);
    });
});

describe("config: membrane:redisSnapshotWindow", () => {
    it("leaves the window to ElastiCache by default, and hands a set one to Redis", () => {
        expect(readSettings(raw(VALID)).redis.snapshotWindow).to.equal(undefined);
        const c = readSettings(raw({ ...VALID, redisSnapshotWindow: "02:00-03:00", redisSnapshotRetentionLimit: 3 }));
        expect(c.redis.snapshotWindow).to.equal("02:00-03:00");
        expect(c.warnings).to.deep.equal([]);
    });

    it("says a window has no effect without snapshots", () => {
        expect(readSettings(raw({ ...VALID, redisSnapshotWindow: "02:00-03:00" })).warnings).to.deep.equal([
            "membrane:redisSnapshotWindow is set but membrane:redisSnapshotRetentionLimit is 0, so ElastiCache takes no snapshot: it has no effect.",
        ]);
    });

    // The default maintenance window is sun:05:00-sun:06:00.
    itRefuses([
        [
            "a snapshot window in another format",
            { redisSnapshotWindow: "2:00-3:00" },
            'membrane:redisSnapshotWindow: must be hh24:mi-hh24:mi in UTC, such as 03:00-04:00 (got "2:00-3:00")',
        ],
        [
            "a weekly snapshot window",
            { redisSnapshotWindow: "sun:02:00-sun:03:00" },
            /^membrane:redisSnapshotWindow: must be hh24:mi-hh24:mi/,
        ],
        [
            "a snapshot window under 60 minutes",
            { redisSnapshotWindow: "02:00-02:59" },
            'membrane:redisSnapshotWindow: must be at least 60 minutes long (got 59 minutes: "02:00-02:59")',
        ],
        [
            "a snapshot window that meets the maintenance window",
            { redisSnapshotWindow: "05:30-06:30" },
            'membrane:redisSnapshotWindow: must not meet membrane:redisMaintenanceWindow "sun:05:00-sun:06:00" on any day: ElastiCache refuses overlapping windows (got "05:30-06:30")',
        ],
        [
            "a snapshot window that meets a maintenance window across midnight on Saturday",
            { redisMaintenanceWindow: "sat:23:30-sun:00:30", redisSnapshotWindow: "00:00-01:00" },
            /^membrane:redisSnapshotWindow: must not meet membrane:redisMaintenanceWindow "sat:23:30-sun:00:30"/,
        ],
    ]);

    it("pure: windows across midnight, and which ones meet a weekly window", () => {
        expect(dailyWindow("23:30-00:30")).to.deep.equal({ start: 23 * 60 + 30, minutes: 60 });
        expect(dailyWindow("24:00-01:00")).to.equal(undefined);
        expect(windowsMeet("04:00-05:00", "sun:05:00-sun:06:00")).to.equal(false);
        expect(windowsMeet("06:00-07:00", "sun:05:00-sun:06:00")).to.equal(false);
        expect(windowsMeet("04:30-05:30", "sun:05:00-sun:06:00")).to.equal(true);
        expect(windowsMeet("23:00-01:00", "mon:00:30-mon:01:30")).to.equal(true);
        expect(windowsMeet("23:00-00:30", "mon:00:30-mon:01:30")).to.equal(false);
        expect(windowsMeet("02:00-03:00", "sun:05:00")).to.equal(undefined);
    });
});

describe("config: redis helpers", () => {
    const groups: Array<[Parameters<typeof defaultParameterGroupName>, string | undefined]> = [
        [["redis", "6.0", false], "default.redis6.x"],
        [["redis", "6.2", true], "default.redis6.x.cluster.on"],
        [["redis", "7.0", false], "default.redis7"],
        [["redis", "7.1", true], "default.redis7.cluster.on"],
        [["valkey", "7.2", false], "default.valkey7"],
        [["valkey", "8.2", true], "default.valkey8.cluster.on"],
        [["valkey", "9.0", false], "default.valkey9"],
        [["redis", "5.0", false], undefined],
        [["valkey", "7.1", false], undefined],
    ];
    for (const [args, expected] of groups) {
        it(`parameter group of ${args.join(" ")} -> ${expected}`, () => {
            expect(defaultParameterGroupName(...args)).to.equal(expected);
        });
    }

    it("offers nothing older than Membrane's minimum, Redis 6.0", () => {
        expect(Object.keys(ENGINE_VERSIONS.redis).every((v) => Number(v.split(".")[0]) >= 6)).to.equal(true);
    });

    const windows: Array<[string, number | undefined]> = [
        ["sun:05:00-sun:06:00", 60],
        ["mon:22:00-tue:02:30", 270],
        ["sat:23:00-sun:01:00", 120],
        ["sun:06:00-sun:05:00", 7 * 1440 - 60],
        ["sun:5:00-sun:06:00", undefined],
        ["sun:05:00", undefined],
        ["xyz:05:00-sun:06:00", undefined],
        ["sun:05:60-sun:06:00", undefined],
    ];
    for (const [w, minutes] of windows) {
        it(`maintenance window ${w} -> ${minutes}`, () => {
            expect(maintenanceWindowMinutes(w)).to.equal(minutes);
        });
    }

    const ids: Array<[string, string[]]> = [
        ["prod-membrane", []],
        ["a", []],
        ["", ["is 0 characters long; ElastiCache allows 1 to 40", "must start with a letter"]],
        ["1prod-membrane", ["must start with a letter"]],
        ["Prod-membrane", ["may contain only lowercase letters, digits and hyphens", "must start with a letter"]],
        ["prod_membrane", ["may contain only lowercase letters, digits and hyphens"]],
        ["prod--membrane", ["must not contain two consecutive hyphens"]],
        ["prod-membrane-", ["must not end with a hyphen"]],
        ["a".repeat(41), ["is 41 characters long; ElastiCache allows 1 to 40"]],
    ];
    for (const [id, expected] of ids) {
        it(`replication group id "${id}" -> ${expected.length ? expected.join("; ") : "valid"}`, () => {
            expect(replicationGroupIdProblems(id)).to.deep.equal(expected);
        });
    }
});

describe("config: redisNodeType against AWS's published list of node types", () => {
    /** Every `cache.<family>.<size>` of each CacheNodeType description in the SDK's models: AWS's API reference text. */
    const published = (() => {
        const dir = path.join(path.dirname(require.resolve("@aws-sdk/client-elasticache/package.json")), "dist-types", "models");
        const lists = fs
            .readdirSync(dir)
            .filter((f) => f.endsWith(".d.ts"))
            .flatMap((f) => fs.readFileSync(path.join(dir, f), "utf8").split("/**").slice(1))
            .filter((comment) => comment.includes("The following node types are supported by ElastiCache"))
            .map((comment) => [...new Set([...comment.matchAll(/<code>(cache\.[a-z0-9]+\.[a-z0-9]+)<\/code>/g)].map((m) => m[1]))].sort());
        return lists;
    })();

    it("is the list every CacheNodeType description of @aws-sdk/client-elasticache names, exactly", () => {
        expect(published.length).to.be.greaterThan(3);
        for (const list of published) {
            expect(list).to.deep.equal([...ELASTICACHE_NODE_TYPES].sort());
        }
        expect(require("@aws-sdk/client-elasticache/package.json").version).to.equal("3.1127.0");
        expect(NODE_TYPES_SOURCE).to.include("@aws-sdk/client-elasticache 3.1127.0");
    });

    it("holds every node type the offline price table prices (tools/prices.json, from AWS's Price List)", () => {
        const prices = JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "tools", "prices.json"), "utf8"));
        const priced = Object.values(prices.tables.elastiCacheNode.regions as Record<string, Record<string, number>>).flatMap(Object.keys);
        expect(priced.filter((t) => !ELASTICACHE_NODE_TYPES.includes(t))).to.deep.equal([]);
    });

    it("a typo passes the rules of the name's form but is warned about, with the nearest listed type and the source", () => {
        const warned = (nodeType: string) =>
            readSettings(raw({ ...VALID, redisNodeType: nodeType })).warnings.filter((w) => w.includes("redisNodeType"));
        expect(warned("cache.t3.mediun")).to.deep.equal([
            `membrane:redisNodeType "cache.t3.mediun" is not among the 78 node types of ${NODE_TYPES_SOURCE}: did you mean cache.t3.medium? If it is a type newer than that list, ignore this; otherwise ElastiCache refuses it when pulumi up creates the replication group (InvalidParameterValue).`,
        ]);
        expect(warned("cache.r7g.xlarg")[0]).to.include("did you mean cache.r7g.xlarge?");
        expect(warned("cache.zz99.huge")[0]).to.match(
            /of the ElastiCache API reference.s CacheNodeType list \(as @aws-sdk\/client-elasticache 3.1127.0 ships it\)\. If it is/,
        );
        for (const listed of ["cache.t3.medium", "cache.m7g.2xlarge", "cache.r6g.large", "cache.t4g.micro"]) {
            expect(warned(listed), listed).to.deep.equal([]);
        }
        expect(nodeTypeWarning("cache.t3.medium")).to.equal(undefined);
    });
});
