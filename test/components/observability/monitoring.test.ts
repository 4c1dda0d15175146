// Alarms and alerts on the fixture stacks and their variants: each alarm's metric, namespace, dimensions
// and threshold, the encrypted topics (one per region that has alarms), the email, Atlas's alerts, and
// the stack without them. Pure functions first.
import { expect } from "chai";
import {
    AlarmThresholds,
    alarmKeyPolicy,
    alarmTopicPolicy,
    atlasAlerts,
    atlasNotification,
    cdnAlarm,
    KEY_ADMINISTRATION_ACTIONS,
    redisAlarms,
} from "../../../components/observability/monitoring";
import { Evaluation, RegisteredResource } from "../../../tools/engine";
import { ACCOUNT_ID } from "../../../tools/mock-cloud";
import { byType, evaluate, fixtureStack, one } from "../../harness";

const T = {
    alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
    key: "aws:kms/key:Key",
    topic: "aws:sns/topic:Topic",
    topicPolicy: "aws:sns/topicPolicy:TopicPolicy",
    subscription: "aws:sns/topicSubscription:TopicSubscription",
    alert: "mongodbatlas:index/alertConfiguration:AlertConfiguration",
    project: "mongodbatlas:index/project:Project",
    distribution: "aws:cloudfront/distribution:Distribution",
};

const DEFAULTS: AlarmThresholds = {
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
};

/** metric, statistic, period × evaluation periods, threshold of each Redis alarm of one member. */
const REDIS_ALARMS: Array<[string, string, string, number, string, number]> = [
    ["cpu", "CPUUtilization", "Average", 60, "5/5", 45],
    ["engine-cpu", "EngineCPUUtilization", "Average", 60, "5/5", 90],
    ["memory", "DatabaseMemoryUsagePercentage", "Average", 60, "5/5", 80],
    ["evictions", "Evictions", "Sum", 300, "1/1", 0],
    ["connections", "CurrConnections", "Maximum", 60, "5/5", 1000],
    ["replication-lag", "ReplicationLag", "Maximum", 60, "5/5", 30],
];

function describeAlarm(a: RegisteredResource) {
    const i = a.inputs as Record<string, any>;
    return {
        name: i.name,
        region: i.region,
        namespace: i.namespace,
        metricName: i.metricName,
        dimensions: i.dimensions,
        statistic: i.statistic,
        period: i.period,
        evaluation: `${i.datapointsToAlarm}/${i.evaluationPeriods}`,
        threshold: i.threshold,
        comparisonOperator: i.comparisonOperator,
        treatMissingData: i.treatMissingData,
    };
}

function expectedRedis(env: string, region: string, members: string[], replicas: boolean) {
    return members.flatMap((member) =>
        REDIS_ALARMS.filter(([suffix]) => replicas || suffix !== "replication-lag").map(
            ([suffix, metricName, statistic, period, evaluation, threshold]) => ({
                name: `${env}-membrane-redis-${member.slice(`${env}-membrane-`.length)}-${suffix}`,
                region,
                namespace: "AWS/ElastiCache",
                metricName,
                dimensions: { CacheClusterId: member },
                statistic,
                period,
                evaluation,
                threshold,
                comparisonOperator: "GreaterThanThreshold",
                treatMissingData: "notBreaching",
            }),
        ),
    );
}

function expectedCdn(env: string, distributionId: unknown) {
    return {
        name: `${env}-membrane-cdn-5xx-error-rate`,
        region: "us-east-1",
        namespace: "AWS/CloudFront",
        metricName: "5xxErrorRate",
        dimensions: { DistributionId: distributionId, Region: "Global" },
        statistic: "Average",
        period: 60,
        evaluation: "5/5",
        threshold: 5,
        comparisonOperator: "GreaterThanThreshold",
        treatMissingData: "notBreaching",
    };
}

describe("monitoring: pure", () => {
    it("gives a member without replicas no replication-lag alarm, and names alarms by the given label", () => {
        expect(redisAlarms("qa-membrane-001", "redis-001", DEFAULTS, false).map((a) => a.suffix)).to.deep.equal([
            "redis-001-cpu",
            "redis-001-engine-cpu",
            "redis-001-memory",
            "redis-001-evictions",
            "redis-001-connections",
        ]);
        expect(
            redisAlarms("qa-membrane-001", "redis-001", { ...DEFAULTS, redisEvictions: 10 }, true).map((a) => a.threshold),
        ).to.deep.equal([45, 90, 80, 10, 1000, 30]);
        expect(cdnAlarm("E123", { ...DEFAULTS, cdn5xxErrorRatePercent: 2 })).to.deep.include({
            threshold: 2,
            dimensions: { DistributionId: "E123", Region: "Global" },
        });
    });

    it("names the key's administrator (the deploy role) when given one, with what the provider does to a key and nothing to use it", () => {
        const p = { partition: "aws", accountId: ACCOUNT_ID, region: "eu-west-1", namePrefix: "qa-membrane" };
        const administratorArn = `arn:aws:iam::${ACCOUNT_ID}:role/membrane-deploy-qa`;
        const statements = ([] as any[]).concat(alarmKeyPolicy({ ...p, administratorArn }).Statement);
        expect(statements.map((s) => s.Sid)).to.deep.equal(["AccountAdministersTheKey", "KeyAdministrator", "CloudWatchAlarmsPublish"]);
        expect(statements[1]).to.deep.equal({
            Sid: "KeyAdministrator",
            Effect: "Allow",
            Principal: { AWS: administratorArn },
            Action: [...KEY_ADMINISTRATION_ACTIONS],
            Resource: "*",
        });
        expect(KEY_ADMINISTRATION_ACTIONS.filter((a) => /Decrypt|Encrypt|GenerateDataKey|CreateGrant/.test(a))).to.deep.equal([]);
        expect(([] as any[]).concat(alarmKeyPolicy(p).Statement).map((s) => s.Sid)).to.not.include("KeyAdministrator");
    });

    it("lets CloudWatch use the topic's key and publish to the topic for this account's alarms of the region only", () => {
        const p = { partition: "aws", accountId: ACCOUNT_ID, region: "eu-west-1", namePrefix: "qa-membrane" };
        const condition = {
            StringEquals: { "aws:SourceAccount": ACCOUNT_ID },
            ArnLike: { "aws:SourceArn": `arn:aws:cloudwatch:eu-west-1:${ACCOUNT_ID}:alarm:qa-membrane-*` },
        };
        expect(alarmKeyPolicy(p).Statement).to.deep.equal([
            {
                Sid: "AccountAdministersTheKey",
                Effect: "Allow",
                Principal: { AWS: `arn:aws:iam::${ACCOUNT_ID}:root` },
                Action: "kms:*",
                Resource: "*",
            },
            {
                Sid: "CloudWatchAlarmsPublish",
                Effect: "Allow",
                Principal: { Service: "cloudwatch.amazonaws.com" },
                Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
                Resource: "*",
                Condition: condition,
            },
        ]);
        const topicArn = `arn:aws:sns:eu-west-1:${ACCOUNT_ID}:qa-membrane-alarms`;
        expect(alarmTopicPolicy({ ...p, topicArn }).Statement).to.deep.equal([
            {
                Sid: "CloudWatchAlarmsPublish",
                Effect: "Allow",
                Principal: { Service: "cloudwatch.amazonaws.com" },
                Action: "sns:Publish",
                Resource: topicArn,
                Condition: condition,
            },
            {
                Sid: "DenyInsecureTransport",
                Effect: "Deny",
                Principal: "*",
                Action: "sns:Publish",
                Resource: topicArn,
                Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
        ]);
    });

    it("sends Atlas alerts to the email, or to the project owners without one", () => {
        expect(atlasNotification("ops@acme.example.com")).to.deep.equal({
            typeName: "EMAIL",
            emailAddress: "ops@acme.example.com",
            intervalMin: 60,
            delayMin: 0,
        });
        expect(atlasNotification(undefined)).to.deep.equal({
            typeName: "GROUP",
            roles: ["GROUP_OWNER"],
            emailEnabled: true,
            smsEnabled: false,
            intervalMin: 60,
            delayMin: 0,
        });
        expect(atlasAlerts(DEFAULTS).map((a) => a.eventType)).to.deep.equal([
            "OUTSIDE_METRIC_THRESHOLD",
            "OUTSIDE_METRIC_THRESHOLD",
            "OUTSIDE_METRIC_THRESHOLD",
            "CPS_SNAPSHOT_FAILED",
            "CPS_SNAPSHOT_FALLBACK_FAILED",
        ]);
    });
});

describe("monitoring", () => {
    const evals: Record<string, Evaluation> = {};
    before(async function () {
        this.timeout(240000);
        const [prod, staging, cluster, tuned, off, external] = await Promise.all([
            fixtureStack("prod"),
            fixtureStack("staging"),
            evaluate({ stack: "staging", overrides: { "membrane:redisClusterMode": true, "membrane:redisAutomaticFailover": true } }),
            evaluate({
                stack: "prod",
                overrides: {
                    "membrane:alarmEmail": "ops@acme.example.com",
                    "membrane:alarmRedisMemoryPercent": 70,
                    "membrane:alarmCdn5xxErrorRatePercent": 2,
                    "membrane:atlasAlertDiskPercent": 85,
                },
            }),
            evaluate({ stack: "prod", overrides: { "membrane:alarms": false } }),
            evaluate({
                stack: "staging",
                overrides: {
                    "membrane:databaseMode": "external",
                    "membrane:externalMongoUri": { secret: "mongodb+srv://u:p@h.example.net/db" },
                },
            }),
        ]);
        Object.assign(evals, { prod, staging, cluster, tuned, off, external });
    });

    const alarms = (ev: Evaluation) => byType(ev, T.alarm).map(describeAlarm);

    it("prod (us-east-1): six alarms on each of the two nodes and CloudFront's, all in us-east-1", () => {
        const ev = evals.prod;
        const id = String(one(ev, T.distribution).outputs.arn).split("/").pop();
        expect(alarms(ev)).to.deep.equal([
            ...expectedRedis("prod", "us-east-1", ["prod-membrane-001", "prod-membrane-002"], true),
            expectedCdn("prod", id),
        ]);
    });

    it("staging (eu-west-1, one node): five alarms on the node in eu-west-1 (no replica, no lag), CloudFront's in us-east-1", () => {
        const ev = evals.staging;
        const id = String(one(ev, T.distribution).outputs.arn).split("/").pop();
        expect(alarms(ev)).to.deep.equal([
            ...expectedRedis("staging", "eu-west-1", ["staging-membrane-001"], false),
            expectedCdn("staging", id),
        ]);
    });

    it("cluster mode: the alarms follow every member of every shard, as ElastiCache names them", () => {
        const members = ["0001-001", "0001-002", "0002-001", "0002-002"].map((m) => `staging-membrane-${m}`);
        const redis = alarms(evals.cluster).filter((a) => a.namespace === "AWS/ElastiCache");
        expect(redis).to.deep.equal(expectedRedis("staging", "eu-west-1", members, true));
    });

    it("each threshold comes from its key", () => {
        const tuned = alarms(evals.tuned);
        expect(tuned.filter((a) => a.metricName === "DatabaseMemoryUsagePercentage").map((a) => a.threshold)).to.deep.equal([70, 70]);
        expect(tuned.find((a) => a.namespace === "AWS/CloudFront")!.threshold).to.equal(2);
        const disk = byType(evals.tuned, T.alert).find((a) => a.name === "monitoring-atlas-disk")!;
        expect((disk.inputs.metricThresholdConfig as any).threshold).to.equal(85);
    });

    it("every alarm notifies its own region's topic when it fires and when it recovers", () => {
        for (const ev of [evals.prod, evals.staging]) {
            for (const a of byType(ev, T.alarm)) {
                const topic = `arn:aws:sns:${a.inputs.region}:${ACCOUNT_ID}:${ev.stack}-membrane-alarms`;
                expect([a.inputs.alarmActions, a.inputs.okActions], a.name).to.deep.equal([[topic], [topic]]);
            }
        }
    });

    it("one encrypted topic per region with alarms: prod one in us-east-1, staging one in eu-west-1 and one in us-east-1", () => {
        const topics = (ev: Evaluation) => byType(ev, T.topic).map((t) => [t.name, t.inputs.region, t.inputs.name]);
        expect(topics(evals.prod)).to.deep.equal([["monitoring-alarm-topic", "us-east-1", "prod-membrane-alarms"]]);
        expect(topics(evals.staging)).to.deep.equal([
            ["monitoring-alarm-topic", "eu-west-1", "staging-membrane-alarms"],
            ["monitoring-us-east-1-alarm-topic", "us-east-1", "staging-membrane-alarms"],
        ]);
        expect(evals.staging.outputs.alarmTopicArns.value).to.deep.equal({
            "eu-west-1": `arn:aws:sns:eu-west-1:${ACCOUNT_ID}:staging-membrane-alarms`,
            "us-east-1": `arn:aws:sns:us-east-1:${ACCOUNT_ID}:staging-membrane-alarms`,
        });
    });

    it("encrypts each topic with a rotated customer managed key of its region (never aws/sns), which CloudWatch may use", () => {
        const ev = evals.staging;
        for (const topic of byType(ev, T.topic)) {
            const region = topic.inputs.region as string;
            const key = byType(ev, T.key).find((k) => k.inputs.region === region)!;
            expect(topic.inputs.kmsMasterKeyId).to.equal(key.outputs.arn);
            expect(key.inputs).to.deep.include({ enableKeyRotation: true, deletionWindowInDays: 7 });
            expect(JSON.parse(String(key.inputs.policy))).to.deep.equal(
                alarmKeyPolicy({ partition: "aws", accountId: ACCOUNT_ID, region, namePrefix: "staging-membrane" }),
            );
            const policy = byType(ev, T.topicPolicy).find((p) => p.inputs.arn === topic.outputs.arn)!;
            expect(JSON.parse(String(policy.inputs.policy))).to.deep.equal(
                alarmTopicPolicy({
                    partition: "aws",
                    accountId: ACCOUNT_ID,
                    region,
                    namePrefix: "staging-membrane",
                    topicArn: String(topic.outputs.arn),
                }),
            );
        }
        // Production keeps a deleted key 30 days.
        expect(byType(evals.prod, T.key)[0].inputs.deletionWindowInDays).to.equal(30);
    });

    it("subscribes alarmEmail to each topic, pending until its owner confirms; no subscription without it", () => {
        const subs = byType(evals.tuned, T.subscription);
        expect(subs.map((s) => s.inputs)).to.deep.equal([
            {
                region: "us-east-1",
                topic: `arn:aws:sns:us-east-1:${ACCOUNT_ID}:prod-membrane-alarms`,
                protocol: "email",
                endpoint: "ops@acme.example.com",
            },
        ]);
        expect(subs[0].outputs.pendingConfirmation).to.equal(true);
        expect(byType(evals.prod, T.subscription)).to.deep.equal([]);
    });

    it("configures Atlas's alerts in the project: replication lag on secondaries, disk, connections, a failed snapshot", () => {
        const ev = evals.prod;
        const projectId = one(ev, "mongodbatlas:index/advancedCluster:AdvancedCluster").inputs.projectId;
        expect(projectId)
            .to.be.a("string")
            .and.equal(one(ev, T.project).outputs.id ?? projectId);
        const order = ["replication-lag", "disk", "connections", "backup-failed", "backup-fallback-failed"].map(
            (s) => `monitoring-atlas-${s}`,
        );
        const alerts = byType(ev, T.alert)
            .map((a) => ({ name: a.name, ...a.inputs }))
            .sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name));
        const owners = atlasNotification(undefined);
        const metric = (metricName: string, threshold: number, units: string) => ({
            metricName,
            operator: "GREATER_THAN",
            threshold,
            units,
            mode: "AVERAGE",
        });
        expect(alerts).to.deep.equal([
            {
                name: "monitoring-atlas-replication-lag",
                projectId,
                eventType: "OUTSIDE_METRIC_THRESHOLD",
                enabled: true,
                metricThresholdConfig: metric("OPLOG_SLAVE_LAG_MASTER_TIME", 240, "SECONDS"),
                matchers: [{ fieldName: "TYPE_NAME", operator: "EQUALS", value: "SECONDARY" }],
                notifications: [owners],
            },
            {
                name: "monitoring-atlas-disk",
                projectId,
                eventType: "OUTSIDE_METRIC_THRESHOLD",
                enabled: true,
                metricThresholdConfig: metric("DISK_PARTITION_SPACE_USED_DATA", 90, "RAW"),
                notifications: [owners],
            },
            {
                name: "monitoring-atlas-connections",
                projectId,
                eventType: "OUTSIDE_METRIC_THRESHOLD",
                enabled: true,
                metricThresholdConfig: metric("CONNECTIONS_PERCENT", 80, "RAW"),
                notifications: [owners],
            },
            { name: "monitoring-atlas-backup-failed", projectId, eventType: "CPS_SNAPSHOT_FAILED", enabled: true, notifications: [owners] },
            {
                name: "monitoring-atlas-backup-fallback-failed",
                projectId,
                eventType: "CPS_SNAPSHOT_FALLBACK_FAILED",
                enabled: true,
                notifications: [owners],
            },
        ]);
        // With an email, to the same address as the topics.
        for (const a of byType(evals.tuned, T.alert)) {
            expect(a.inputs.notifications).to.deep.equal([atlasNotification("ops@acme.example.com")]);
        }
    });

    it("alarms false: no alarm, topic, key or Atlas alert, and no alarmTopicArns output", () => {
        const ev = evals.off;
        expect([T.alarm, T.topic, T.key, T.topicPolicy, T.subscription, T.alert].flatMap((t) => byType(ev, t))).to.deep.equal([]);
        expect(ev.resources.some((r) => r.type === "membrane:monitoring:Monitoring")).to.equal(false);
        expect(ev.outputs).to.not.have.property("alarmTopicArns");
    });

    it("an external database: CloudWatch alarms still, but no Atlas alert", () => {
        expect(byType(evals.external, T.alert)).to.deep.equal([]);
        expect(byType(evals.external, T.alarm)).to.have.lengthOf(6);
    });
});
