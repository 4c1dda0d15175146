// The operations keys (replication, backup, logs, alarms) as pure functions: defaults, every rule, and
// what each refused value says.
import { expect } from "chai";
import { readSettings } from "../components/settings";
import { backupPolicyProblems } from "../components/database/backup-settings";
import { LOG_RETENTION_DAYS } from "../components/observability/settings";
import { hasReplicas, memberClusterIds } from "../components/redis/group";
import { partitionOf } from "../components/regions";
import { defaultReplicaRegion, replicaRegionProblems } from "../components/storage/replication-settings";
import { logBucketName, replicaBucketName } from "../lib/naming";
import { problemsOf, raw, VALID } from "./harness";

const parse = (values: Record<string, unknown>) => readSettings(raw({ ...VALID, ...values }));

describe("config: replication", () => {
    it("replicates the connectors bucket to the paired region by default, without delete markers", () => {
        // The replica is named after the source, acme-prod-integration-app-connectors, which Storage gives Replication.
        expect(parse({}).replication).to.deep.equal({
            environment: "prod",
            production: false,
            replicaRegion: "us-west-2",
            replicas: [{ key: "connectors", replicaName: "acme-prod-integration-app-connectors-us-west-2" }],
            noncurrentVersionDays: 90,
            replicateDeleteMarkers: false,
            roleName: "prod-membrane-s3-replication",
            policyName: "prod-membrane-s3-replication",
            permissionsBoundaryArn: undefined,
            accessLogs: { logBucketName: "acme-prod-integration-app-logs-us-west-2", retentionDays: 365 },
        });
    });

    it("reads every key: region, the static bucket, delete markers; no replica log bucket without access logs", () => {
        const r = parse({
            s3ReplicaRegion: "eu-central-1",
            s3ReplicateStatic: true,
            s3ReplicateDeleteMarkers: true,
            s3AccessLogs: false,
        }).replication!;
        expect(r.replicaRegion).to.equal("eu-central-1");
        expect(r.replicas.map((b) => [b.key, b.replicaName])).to.deep.equal([
            ["connectors", "acme-prod-integration-app-connectors-eu-central-1"],
            ["static", "acme-prod-integration-app-static-eu-central-1"],
        ]);
        expect(r.replicateDeleteMarkers).to.equal(true);
        expect(r.accessLogs).to.equal(undefined);
    });

    it("is absent when s3Replication is false, and then needs no replica region", () => {
        expect(parse({ s3Replication: false }).replication).to.equal(undefined);
        expect(problemsOf({ s3Replication: false, "aws:region": "ap-southeast-2" })).to.deep.equal([]);
    });

    const REGION_CASES: Array<[string, Record<string, unknown>, string[]]> = [
        [
            "the stack's own region",
            { s3ReplicaRegion: "us-east-1" },
            [
                'membrane:s3ReplicaRegion: must differ from aws:region "us-east-1": a replica in the same region does not survive the loss of that region',
            ],
        ],
        [
            "a region that does not exist",
            { s3ReplicaRegion: "us-moon-1" },
            [
                'membrane:s3ReplicaRegion: is not a region the AWS provider knows (did you mean us-east-1?); for a region newer than the 46 that @pulumi/aws lists, update it (npm install @pulumi/aws@latest) or set aws:skipRegionValidation: true (got "us-moon-1")',
            ],
        ],
        [
            "a region of another partition",
            { s3ReplicaRegion: "cn-north-1" },
            [
                'membrane:s3ReplicaRegion: must be in the partition of aws:region "us-east-1" (aws); S3 does not replicate across partitions (got "cn-north-1")',
            ],
        ],
        [
            "no default for the stack's region",
            { "aws:region": "ap-southeast-2" },
            [
                'membrane:s3ReplicaRegion: has no default for aws:region "ap-southeast-2" (only regions every account has enabled are paired by default): set it to a region of the same partition that your data may be copied to, or set membrane:s3Replication to false',
            ],
        ],
    ];
    for (const [what, values, problems] of REGION_CASES) {
        it(`refuses ${what}`, () => {
            expect(problemsOf(values)).to.deep.equal(problems);
        });
    }

    it("accepts an explicit region where there is no default", () => {
        expect(problemsOf({ "aws:region": "ap-southeast-2", s3ReplicaRegion: "ap-southeast-4" })).to.deep.equal([]);
    });

    it("checks the replicas' composed names like the others, naming the region key", () => {
        // 63 characters for the source; its replica and the replica log bucket are longer than S3 allows.
        const problems = problemsOf({ namePrefix: "a-long-company-name-", environment: "production-eu", s3ReplicaRegion: "eu-central-1" });
        expect(problems).to.deep.equal([
            'membrane:s3ReplicaRegion: makes the bucket name "a-long-company-name-production-eu-integration-app-connectors-eu-central-1" in the replica region, which is 73 characters long; S3 allows 3 to 63; shorten membrane:namePrefix or membrane:environment',
            'membrane:s3ReplicaRegion: makes the bucket name "a-long-company-name-production-eu-integration-app-logs-eu-central-1" in the replica region, which is 67 characters long; S3 allows 3 to 63; shorten membrane:namePrefix or membrane:environment',
        ]);
    });

    it("refuses a replication role name of 65 characters, naming the environment key; 64 is IAM's limit and accepted", () => {
        // "<environment>-membrane-s3-replication-us-east-1": 24 + 10 characters after the environment.
        const roleProblems = (environment: string) =>
            problemsOf({ environment, regionInNames: true }).filter((p) => p.includes("replication role name"));
        expect(roleProblems("r".repeat(30))).to.deep.equal([]);
        expect(roleProblems("r".repeat(31))).to.deep.equal([
            `membrane:environment: makes the replication role name "${"r".repeat(31)}-membrane-s3-replication-us-east-1" 65 characters long; IAM allows 64`,
        ]);
    });

    it("does not repeat a refused environment as refused replica names", () => {
        expect(problemsOf({ environment: "Prod_Env" }).filter((p) => p.includes("replica"))).to.deep.equal([]);
    });

    it("pure: partitions, default pairs, names and region rules", () => {
        expect(["us-east-1", "us-gov-west-1", "cn-northwest-1", "eusc-de-east-1", "mars-1"].map(partitionOf)).to.deep.equal([
            "aws",
            "aws-us-gov",
            "aws-cn",
            "aws-eusc",
            undefined,
        ]);
        // Every default is a real region of the same partition, never the region itself.
        for (const region of [
            "us-east-1",
            "us-east-2",
            "us-west-1",
            "us-west-2",
            "eu-west-1",
            "eu-central-1",
            "eu-west-2",
            "eu-west-3",
            "eu-north-1",
            "us-gov-west-1",
            "cn-north-1",
        ]) {
            const pair = defaultReplicaRegion(region)!;
            expect(replicaRegionProblems(pair, region), region).to.deep.equal([]);
        }
        expect(defaultReplicaRegion("ap-southeast-2")).to.equal(undefined);
        expect(defaultReplicaRegion("constructor")).to.equal(undefined);
        expect(replicaBucketName("acme-prod-integration-app-connectors", "us-west-2")).to.equal(
            "acme-prod-integration-app-connectors-us-west-2",
        );
    });
});

describe("config: logs", () => {
    it("logs everything for a year by default: the data buckets, CloudFront, Redis's slow and engine logs", () => {
        expect(parse({}).logs).to.deep.equal({
            environment: "prod",
            production: false,
            retentionDays: 365,
            logBucketName: "acme-prod-integration-app-logs",
            s3AccessLogs: true,
            cdnDeliveryName: "prod-membrane-cdn-access-logs",
            redisLogGroups: { slowLog: "/membrane/prod/redis/slow-log", engineLog: "/membrane/prod/redis/engine-log" },
        });
    });

    it("keeps a log bucket while either S3 or CloudFront logs are on, and none when both are off", () => {
        expect(parse({ s3AccessLogs: false }).logs.logBucketName).to.equal("acme-prod-integration-app-logs");
        expect(parse({ cdnAccessLogs: false }).logs.logBucketName).to.equal("acme-prod-integration-app-logs");
        expect(parse({ s3AccessLogs: false, cdnAccessLogs: false }).logs.logBucketName).to.equal(undefined);
        // CloudFront's logs have their delivery name only when they are on.
        expect(parse({ cdnAccessLogs: false }).logs.cdnDeliveryName).to.equal(undefined);
    });

    it("Redis logs follow the engine version: no engine log before Redis OSS 6.2 (with a warning), both on Valkey, none when off", () => {
        const old = parse({ redisEngineVersion: "6.0" });
        expect(old.logs.redisLogGroups).to.deep.equal({ slowLog: "/membrane/prod/redis/slow-log" });
        expect(old.warnings).to.include(
            "membrane:redisLogs: Redis OSS 6.0 has a slow log but no engine log (ElastiCache delivers it from 6.2): only the slow log is delivered.",
        );
        expect(parse({ redisEngineVersion: "6.2" }).logs.redisLogGroups).to.have.property("engineLog");
        expect(parse({ redisEngine: "valkey", redisEngineVersion: "7.2" }).logs.redisLogGroups).to.have.property("engineLog");
        expect(parse({ redisLogs: false }).logs.redisLogGroups).to.equal(undefined);
    });

    it("takes only the retentions CloudWatch Logs offers", () => {
        for (const days of LOG_RETENTION_DAYS) {
            expect(problemsOf({ logRetentionDays: days }), String(days)).to.deep.equal([]);
        }
        for (const days of [0, 2, 100, 4000]) {
            expect(problemsOf({ logRetentionDays: days })[0], String(days)).to.match(
                new RegExp(
                    `^membrane:logRetentionDays: must be one of the retentions CloudWatch Logs offers: 1, 3, 5, .* \\(got ${days}\\)$`,
                ),
            );
        }
    });

    it("checks the log bucket's name, and the CloudFront delivery name against CloudWatch Logs' 60 characters", () => {
        expect(logBucketName("acme-", "prod")).to.equal("acme-prod-integration-app-logs");
        // The environment fits S3's names (31 + 32 = 63 for the connectors bucket) but not the 60-character delivery name.
        const environment = "a".repeat(36);
        expect(problemsOf({ namePrefix: "", environment }).filter((p) => p.includes("delivery"))).to.deep.equal([
            `membrane:environment: makes the CloudFront log delivery name "${environment}-membrane-cdn-access-logs", longer than CloudWatch Logs' 60 characters`,
        ]);
    });
});

describe("config: alarms", () => {
    it("alarms on by default with the documented thresholds, no email", () => {
        expect(parse({}).monitoring).to.deep.equal({
            environment: "prod",
            region: "us-east-1",
            namePrefix: "prod-membrane",
            topicName: "prod-membrane-alarms",
            // A removed alarm key is deleted after a week outside production.
            keyDeletionWindowDays: 7,
            thresholds: {
                redisCpuPercent: 45,
                redisEngineCpuPercent: 90,
                redisMemoryPercent: 80,
                redisEvictions: 0,
                redisConnections: 1000,
                redisReplicationLagSeconds: 30,
                cdn5xxErrorRatePercent: 5,
                atlasReplicationLagSeconds: 240,
                atlasDiskPercent: 90,
                atlasConnectionsPercent: 80,
            },
        });
    });

    it("takes an email and every threshold; is absent when alarms is false", () => {
        const a = parse({ alarmEmail: "ops@acme.example.com", alarmRedisMemoryPercent: 70, atlasAlertDiskPercent: 85 }).monitoring!;
        expect(a.email).to.equal("ops@acme.example.com");
        expect(a.thresholds).to.deep.include({ redisMemoryPercent: 70, atlasDiskPercent: 85 });
        expect(parse({ alarms: false }).monitoring).to.equal(undefined);
        expect(parse({ production: true, redisNumCacheClusters: 2 }).monitoring?.keyDeletionWindowDays).to.equal(30);
    });

    const REFUSED: Array<[Record<string, unknown>, string]> = [
        [{ alarmEmail: "ops at acme" }, 'membrane:alarmEmail: must be an email address such as ops@example.com (got "ops at acme")'],
        // SNS and Atlas want a domain with a dot: a bare host name is no address either accepts.
        [{ alarmEmail: "ops@localhost" }, 'membrane:alarmEmail: must be an email address such as ops@example.com (got "ops@localhost")'],
        [{ alarmRedisCpuPercent: 0 }, "membrane:alarmRedisCpuPercent: must be between 1 and 100 (got 0)"],
        [{ alarmRedisMemoryPercent: 101 }, "membrane:alarmRedisMemoryPercent: must be between 1 and 100 (got 101)"],
        [{ alarmRedisEvictions: -1 }, "membrane:alarmRedisEvictions: must be between 0 and 1000000 (got -1)"],
        [
            { alarmRedisConnections: 70000 },
            "membrane:alarmRedisConnections: must be between 1 and 65000 (ElastiCache's maximum per node) (got 70000)",
        ],
        [{ alarmRedisReplicationLagSeconds: 0 }, "membrane:alarmRedisReplicationLagSeconds: must be between 1 and 86400 (got 0)"],
        [{ alarmCdn5xxErrorRatePercent: 0 }, "membrane:alarmCdn5xxErrorRatePercent: must be between 1 and 100 (got 0)"],
        [{ atlasAlertReplicationLagSeconds: 0 }, "membrane:atlasAlertReplicationLagSeconds: must be between 1 and 86400 (got 0)"],
        // Checked even with alarms off, so that turning them on never meets an old typo.
        [
            { alarms: false, atlasAlertConnectionsPercent: 120 },
            "membrane:atlasAlertConnectionsPercent: must be between 1 and 100 (got 120)",
        ],
    ];
    for (const [values, problem] of REFUSED) {
        it(`refuses ${JSON.stringify(values)}`, () => {
            expect(problemsOf(values)).to.deep.equal([problem]);
        });
    }

    it("pure: member clusters as ElastiCache names them, and which groups have replicas", () => {
        expect(memberClusterIds("prod-membrane", { clusterMode: false, numCacheClusters: 3 })).to.deep.equal([
            "prod-membrane-001",
            "prod-membrane-002",
            "prod-membrane-003",
        ]);
        expect(memberClusterIds("qa-membrane", { clusterMode: true, numNodeGroups: 2, replicasPerNodeGroup: 1 })).to.deep.equal([
            "qa-membrane-0001-001",
            "qa-membrane-0001-002",
            "qa-membrane-0002-001",
            "qa-membrane-0002-002",
        ]);
        expect(hasReplicas({ clusterMode: false, numCacheClusters: 1 })).to.equal(false);
        expect(hasReplicas({ clusterMode: false, numCacheClusters: 2 })).to.equal(true);
        expect(hasReplicas({ clusterMode: true, numNodeGroups: 3, replicasPerNodeGroup: 0 })).to.equal(false);
        expect(hasReplicas({ clusterMode: true, numNodeGroups: 1, replicasPerNodeGroup: 2 })).to.equal(true);
    });
});

describe("config: Atlas backup policy", () => {
    const DEFAULTS = {
        hourlyRetentionDays: 2,
        dailyRetentionDays: 7,
        weeklyRetentionWeeks: 4,
        monthlyRetentionMonths: 12,
        pitWindowDays: 7,
    };

    it("Atlas's own default policy and a 7-day point-in-time window by default; none with an external database", () => {
        expect(parse({}).backup).to.deep.equal({ policy: DEFAULTS, production: false });
        const external = readSettings(
            raw({ ...VALID, databaseMode: "external", externalMongoUri: "mongodb://h/db" }, ["externalMongoUri"]),
        );
        expect(external.backup).to.equal(undefined);
    });

    it("reads every retention", () => {
        const values = {
            atlasBackupHourlyRetentionDays: 3,
            atlasBackupDailyRetentionDays: 30,
            atlasBackupWeeklyRetentionWeeks: 8,
            atlasBackupMonthlyRetentionMonths: 24,
            atlasPitWindowDays: 14,
        };
        expect(parse(values).backup?.policy).to.deep.equal({
            hourlyRetentionDays: 3,
            dailyRetentionDays: 30,
            weeklyRetentionWeeks: 8,
            monthlyRetentionMonths: 24,
            pitWindowDays: 14,
        });
    });

    // A rule between two keys names both: either may be the one to change.
    it("pure: a less frequent snapshot is kept at least as long, and the window stays within the dailies", () => {
        expect(backupPolicyProblems(DEFAULTS)).to.deep.equal([]);
        const keys = (p: Partial<typeof DEFAULTS>) => backupPolicyProblems({ ...DEFAULTS, ...p }).map((x) => x.key);
        expect(keys({ dailyRetentionDays: 1, pitWindowDays: 1 })).to.deep.equal([
            "membrane:atlasBackupDailyRetentionDays and membrane:atlasBackupHourlyRetentionDays",
        ]);
        expect(keys({ dailyRetentionDays: 29, pitWindowDays: 2 })).to.deep.equal([
            "membrane:atlasBackupWeeklyRetentionWeeks and membrane:atlasBackupDailyRetentionDays",
        ]);
        expect(keys({ weeklyRetentionWeeks: 52, monthlyRetentionMonths: 12 })).to.deep.equal([
            "membrane:atlasBackupMonthlyRetentionMonths and membrane:atlasBackupWeeklyRetentionWeeks",
        ]);
        expect(keys({ weeklyRetentionWeeks: 48, monthlyRetentionMonths: 12 })).to.deep.equal([]);
        expect(keys({ pitWindowDays: 8 })).to.deep.equal(["membrane:atlasPitWindowDays and membrane:atlasBackupDailyRetentionDays"]);
    });

    it("refuses what Atlas would, naming the key", () => {
        expect(problemsOf({ atlasBackupDailyRetentionDays: 1 })).to.deep.equal([
            "membrane:atlasBackupDailyRetentionDays and membrane:atlasBackupHourlyRetentionDays: keep daily snapshots 1 days, less than the 6-hourly ones (2 days); Atlas keeps less frequent snapshots at least as long: raise the first or lower the second",
            "membrane:atlasPitWindowDays and membrane:atlasBackupDailyRetentionDays: make a point-in-time window of 7 days, longer than daily snapshots are kept (1 days): a point-in-time restore starts from a snapshot before the chosen time; lower the first or raise the second",
        ]);
        expect(problemsOf({ atlasBackupMonthlyRetentionMonths: 37 })).to.deep.equal([
            "membrane:atlasBackupMonthlyRetentionMonths: must be between 1 and 36 (got 37)",
        ]);
    });

    it("production cannot go below its floors; outside production the same values are fine", () => {
        const low = {
            atlasBackupHourlyRetentionDays: 1,
            atlasBackupDailyRetentionDays: 3,
            atlasBackupWeeklyRetentionWeeks: 1,
            atlasBackupMonthlyRetentionMonths: 1,
            atlasPitWindowDays: 1,
        };
        expect(problemsOf(low)).to.deep.equal([]);
        const problems = problemsOf({ ...low, production: true, atlasAccessCidrs: [], atlasPrivateLink: true });
        expect(problems.map((p) => p.split(":")[1])).to.deep.equal([
            "atlasBackupHourlyRetentionDays",
            "atlasBackupDailyRetentionDays",
            "atlasBackupWeeklyRetentionWeeks",
            "atlasBackupMonthlyRetentionMonths",
            "atlasPitWindowDays",
        ]);
        expect(problems[1]).to.equal(
            "membrane:atlasBackupDailyRetentionDays: must be at least 7 in production (membrane:production is true; Atlas's default: damage noticed after a weekend or a holiday is still restorable) (got 3)",
        );
        // At the floors exactly, production is satisfied.
        expect(problemsOf({ ...PRODUCTION_FLOORS, ...PRODUCTION })).to.deep.equal([]);
    });

    // Atlas's default policy, written out: the floors a production stack may not go below, never read from the source.
    const PRODUCTION_FLOORS = {
        atlasBackupHourlyRetentionDays: 2,
        atlasBackupDailyRetentionDays: 7,
        atlasBackupWeeklyRetentionWeeks: 4,
        atlasBackupMonthlyRetentionMonths: 12,
        atlasPitWindowDays: 2,
    };
    const PRODUCTION = { production: true, atlasAccessCidrs: [], atlasPrivateLink: true };
    const BELOW_FLOOR: Array<[keyof typeof PRODUCTION_FLOORS, number, string]> = [
        [
            "atlasBackupHourlyRetentionDays",
            1,
            "membrane:atlasBackupHourlyRetentionDays: must be at least 2 in production (membrane:production is true; Atlas's default for a new cluster: restore points every 6 hours for the last two days) (got 1)",
        ],
        [
            "atlasBackupDailyRetentionDays",
            6,
            "membrane:atlasBackupDailyRetentionDays: must be at least 7 in production (membrane:production is true; Atlas's default: damage noticed after a weekend or a holiday is still restorable) (got 6)",
        ],
        [
            "atlasBackupWeeklyRetentionWeeks",
            3,
            "membrane:atlasBackupWeeklyRetentionWeeks: must be at least 4 in production (membrane:production is true; Atlas's default: a month of weekly restore points) (got 3)",
        ],
        [
            "atlasBackupMonthlyRetentionMonths",
            11,
            "membrane:atlasBackupMonthlyRetentionMonths: must be at least 12 in production (membrane:production is true; Atlas's default: a year of monthly restore points, for audits and slowly noticed damage) (got 11)",
        ],
        [
            "atlasPitWindowDays",
            1,
            "membrane:atlasPitWindowDays: must be at least 2 in production (membrane:production is true; a bad script or migration run yesterday can be rewound to the second) (got 1)",
        ],
    ];
    for (const [key, value, problem] of BELOW_FLOOR) {
        it(`production refuses ${key} one below its floor, naming the floor; elsewhere it is fine`, () => {
            // Every other key at its floor: the one below is the only problem.
            expect(problemsOf({ ...PRODUCTION_FLOORS, ...PRODUCTION, [key]: value })).to.deep.equal([problem]);
            expect(problemsOf({ ...PRODUCTION_FLOORS, [key]: value })).to.deep.equal([]);
        });
    }

    it("takes a point-in-time window of up to 365 days, Atlas's limit, and refuses 366", () => {
        // A 365-day window needs dailies kept 365 days, which 52 weeks of weeklies (364 days) cannot cover:
        // that problem is the weekly key's; only the window's own problems are looked at here.
        const year = { atlasBackupDailyRetentionDays: 365, atlasBackupWeeklyRetentionWeeks: 52, atlasBackupMonthlyRetentionMonths: 13 };
        const windowProblems = (days: number) =>
            problemsOf({ ...year, atlasPitWindowDays: days }).filter((p) => p.startsWith("membrane:atlasPitWindowDays"));
        expect(windowProblems(365)).to.deep.equal([]);
        expect(windowProblems(366)).to.deep.equal([
            "membrane:atlasPitWindowDays: must be between 1 and 365 (got 366)",
            "membrane:atlasPitWindowDays and membrane:atlasBackupDailyRetentionDays: make a point-in-time window of 366 days, longer than daily snapshots are kept (365 days): a point-in-time restore starts from a snapshot before the chosen time; lower the first or raise the second",
        ]);
    });

    it("production's floors do not apply to an external database, whose backups are the customer's", () => {
        const values = {
            production: true,
            databaseMode: "external",
            atlasAccessCidrs: [],
            atlasBackupDailyRetentionDays: 2,
            atlasPitWindowDays: 2,
        };
        expect(problemsOf({ ...values, externalMongoUri: "mongodb://h/db" }, ["externalMongoUri"])).to.deep.equal([]);
    });
});
