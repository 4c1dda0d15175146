// Logs' and Monitoring's keys as pure config: defaults, every rule, and what each refused value says.
import { expect } from "chai";
import { LOG_RETENTION_DAYS } from "../../../components/observability/settings";
import { readSettings } from "../../../components/settings";
import { logBucketName } from "../../../lib/naming";
import { problemsOf, raw, VALID } from "../../harness";
import { itRefuses, Refusal } from "../../support/settings";

const parse = (values: Record<string, unknown>) => readSettings(raw({ ...VALID, ...values }));

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
    itRefuses(REFUSED.map(([values, problem]): Refusal => [JSON.stringify(values), values, problem]));
});
