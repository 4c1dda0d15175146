// Alarms and alerts on the fixture stacks and their variants, as properties that must hold of every alarm
// (a metric CloudWatch publishes, a threshold from its key, a dimension naming a resource of the stack, a
// topic of its region whose policy lets it publish), the encrypted topics (one per region that has
// alarms), the email, Atlas's alerts, and the stack without them. Pure functions first.
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
import { Evaluation, PROJECT_DIR, RegisteredResource } from "../../../tools/engine";
import { ACCOUNT_ID } from "../../../tools/mock-cloud";
import { loadProject } from "../../../lib/stack-files";
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
    replicationGroup: "aws:elasticache/replicationGroup:ReplicationGroup",
};

/** IAM's ArnLike: `*` any run of characters, `?` any one. */
const arnLike = (arn: string, pattern: string) =>
    new RegExp(
        `^${pattern
            .replace(/[.+^${}()|[\]\\]/g, "\\$&")
            .replace(/\*/g, ".*")
            .replace(/\?/g, ".")}$`,
    ).test(arn);

// Thresholds of the pure functions' own: every value distinct, so an alarm's threshold names its key.
const THRESHOLDS: AlarmThresholds = {
    redisCpuPercent: 11,
    redisEngineCpuPercent: 12,
    redisMemoryPercent: 13,
    redisEvictions: 14,
    redisConnections: 15,
    redisReplicationLagSeconds: 16,
    cdn5xxErrorRatePercent: 17,
    atlasReplicationLagSeconds: 18,
    atlasDiskPercent: 19,
    atlasConnectionsPercent: 20,
};

/** The keys of Pulumi.yaml that set a threshold (the contract: a new one is checked without a line here). */
const THRESHOLD_KEYS = Object.entries(loadProject(PROJECT_DIR).config)
    .filter(([key, entry]) => /^membrane:(alarm|atlasAlert)[A-Z]/.test(key) && entry.type === "integer")
    .map(([key, entry]) => ({ key, ...rangeOf(entry.description ?? "") }));

function rangeOf(description: string): { min: number; max: number } {
    const m = /\((\d+) to (\d+)/.exec(description);
    return m ? { min: Number(m[1]), max: Number(m[2]) } : expect.fail(`no (<min> to <max>) in "${description}"`);
}

/** Each threshold key at a value of its own, inside its range: 61, 62, … unless the range says otherwise. */
const TUNED = Object.fromEntries(THRESHOLD_KEYS.map(({ key, min, max }, i) => [key, Math.min(max, Math.max(min, 61 + i))]));

// What CloudWatch publishes in each namespace (AWS: "Monitoring use with CloudWatch metrics" for
// ElastiCache's host-level and Redis OSS metrics; "Viewing CloudFront and function metrics"): a metric
// name not published there is an alarm that never fires, as missing data does not breach.
const PUBLISHED_METRICS: Record<string, string[]> = {
    "AWS/ElastiCache": [
        "CPUUtilization",
        "EngineCPUUtilization",
        "DatabaseMemoryUsagePercentage",
        "Evictions",
        "CurrConnections",
        "ReplicationLag",
        "FreeableMemory",
        "NetworkBytesIn",
        "NetworkBytesOut",
        "SwapUsage",
        "CacheHits",
        "CacheMisses",
        "NewConnections",
    ],
    "AWS/CloudFront": ["Requests", "BytesDownloaded", "BytesUploaded", "4xxErrorRate", "5xxErrorRate", "TotalErrorRate"],
};
const STATISTICS = ["SampleCount", "Average", "Sum", "Minimum", "Maximum"];

describe("monitoring: pure", () => {
    it("feeds each Redis threshold to one alarm of a member, all named by the given label; replication lag only with replicas", () => {
        const withReplicas = redisAlarms("qa-membrane-001", "redis-001", THRESHOLDS, true);
        const without = redisAlarms("qa-membrane-001", "redis-001", THRESHOLDS, false);
        const redisKeys = (Object.keys(THRESHOLDS) as Array<keyof AlarmThresholds>).filter((k) => k.startsWith("redis"));
        expect(withReplicas.map((a) => a.threshold).sort()).to.deep.equal(redisKeys.map((k) => THRESHOLDS[k]).sort());
        expect(without).to.deep.equal(withReplicas.filter((a) => a.metricName !== "ReplicationLag"));
        for (const a of withReplicas) {
            expect(a.suffix).to.match(/^redis-001-[a-z-]+$/);
            expect(a.dimensions).to.deep.equal({ CacheClusterId: "qa-membrane-001" });
        }
        expect(new Set(withReplicas.map((a) => a.suffix)).size).to.equal(withReplicas.length);
        expect(cdnAlarm("E123", THRESHOLDS)).to.deep.include({
            threshold: THRESHOLDS.cdn5xxErrorRatePercent,
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
        // Every Atlas threshold feeds one metric alert; the other alerts are events (a failed snapshot).
        const alerts = atlasAlerts(THRESHOLDS);
        expect(alerts.flatMap((a) => (a.metricThresholdConfig ? [a.metricThresholdConfig.threshold] : [])).sort()).to.deep.equal(
            [THRESHOLDS.atlasReplicationLagSeconds, THRESHOLDS.atlasDiskPercent, THRESHOLDS.atlasConnectionsPercent].sort(),
        );
        for (const a of alerts) {
            expect(a.eventType, a.suffix).to.equal(a.metricThresholdConfig ? "OUTSIDE_METRIC_THRESHOLD" : a.eventType);
            expect(a.eventType, a.suffix).to.match(a.metricThresholdConfig ? /^OUTSIDE_METRIC_THRESHOLD$/ : /_FAILED$/);
        }
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
            evaluate({ stack: "prod", overrides: { "membrane:alarmEmail": "ops@acme.example.com", ...TUNED } }),
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

    const alarmed = () => [evals.prod, evals.staging, evals.cluster, evals.tuned];
    const inputsOf = (a: RegisteredResource) => a.inputs as Record<string, any>;

    it("every alarm watches a metric CloudWatch publishes, with a threshold, over a period CloudWatch accepts", () => {
        for (const ev of alarmed()) {
            const all = byType(ev, T.alarm);
            expect(all, ev.stack).to.have.length.above(0);
            for (const a of all) {
                const i = inputsOf(a);
                expect(PUBLISHED_METRICS[i.namespace], `${a.name}: ${i.namespace}`).to.include(i.metricName);
                expect(STATISTICS, a.name).to.include(i.statistic);
                expect(Number.isFinite(i.threshold), a.name).to.equal(true);
                expect(i.comparisonOperator, a.name).to.match(/^(GreaterThan|LessThan)(OrEqualTo)?Threshold$/);
                // PutMetricAlarm: a period of 10, 30 or a multiple of 60 s; at most a day of evaluation; M of N datapoints.
                expect(i.period === 10 || i.period === 30 || i.period % 60 === 0, `${a.name}: period ${i.period}`).to.equal(true);
                expect(i.period * i.evaluationPeriods, a.name).to.be.at.most(86400);
                expect(i.datapointsToAlarm, a.name).to.be.within(1, i.evaluationPeriods);
                // Missing data (a primary's replication lag, an idle CDN) must not alarm.
                expect(i.treatMissingData, a.name).to.equal("notBreaching");
            }
        }
    });

    it("every alarm's dimensions name a resource of the stack: a member cluster of its replication group, or its distribution", () => {
        for (const ev of alarmed()) {
            const members = one(ev, T.replicationGroup).outputs.memberClusters as string[];
            // CloudFront's ARN ends with the distribution's id (arn:aws:cloudfront::<account>:distribution/<id>).
            const distributionId = String(one(ev, T.distribution).outputs.arn).split("/").pop();
            for (const a of byType(ev, T.alarm)) {
                const { namespace, dimensions, region } = inputsOf(a);
                if (namespace === "AWS/ElastiCache") {
                    expect(Object.keys(dimensions), a.name).to.deep.equal(["CacheClusterId"]);
                    expect(members, a.name).to.include(dimensions.CacheClusterId);
                    expect(region, a.name).to.equal(ev.outputs.AWS_REGION.value);
                } else {
                    // CloudFront publishes its metrics in us-east-1 only, with Region=Global.
                    expect(dimensions, a.name).to.deep.equal({ DistributionId: distributionId, Region: "Global" });
                    expect(region, a.name).to.equal("us-east-1");
                }
            }
        }
    });

    it("every member cluster is watched for the same metrics, replication lag only in a group with replicas", () => {
        for (const ev of alarmed()) {
            const group = one(ev, T.replicationGroup);
            const members = group.outputs.memberClusters as string[];
            const shards = group.inputs.numNodeGroups === undefined ? 1 : Number(group.inputs.numNodeGroups);
            const watched = (member: string) =>
                byType(ev, T.alarm)
                    .filter((a) => inputsOf(a).dimensions.CacheClusterId === member)
                    .map((a) => inputsOf(a).metricName)
                    .sort();
            expect(members, ev.stack).to.have.length.above(0);
            for (const member of members) {
                expect(watched(member), member).to.deep.equal(watched(members[0]));
                expect(watched(member).includes("ReplicationLag"), member).to.equal(members.length > shards);
            }
        }
    });

    it("every alarm and Atlas alert key of Pulumi.yaml sets a threshold: each key's value is used, and every threshold is a key's", () => {
        const values = Object.values(TUNED);
        expect(values, "Pulumi.yaml's threshold keys").to.have.length.above(5);
        expect(new Set(values).size, "TUNED gives each key its own value").to.equal(values.length);
        const thresholds = [
            ...byType(evals.tuned, T.alarm).map((a) => inputsOf(a).threshold),
            ...byType(evals.tuned, T.alert).flatMap((a) => {
                const metric = a.inputs.metricThresholdConfig as { threshold: number } | undefined;
                return metric ? [metric.threshold] : [];
            }),
        ];
        expect([...new Set(thresholds)].sort()).to.deep.equal([...values].sort());
    });

    it("an alarm's ARN is one that its topic's and its key's policies let CloudWatch publish for", () => {
        for (const ev of alarmed()) {
            for (const a of byType(ev, T.alarm)) {
                const arn = `arn:aws:cloudwatch:${a.inputs.region}:${ACCOUNT_ID}:alarm:${a.inputs.name}`;
                const topic = byType(ev, T.topic).find((t) => t.inputs.region === a.inputs.region)!;
                const key = byType(ev, T.key).find((k) => k.inputs.region === a.inputs.region)!;
                const topicPolicy = byType(ev, T.topicPolicy).find((p) => p.inputs.arn === topic.outputs.arn)!;
                for (const doc of [JSON.parse(String(topicPolicy.inputs.policy)), JSON.parse(String(key.inputs.policy))]) {
                    const publish = doc.Statement.find((st: any) => st.Principal?.Service === "cloudwatch.amazonaws.com");
                    expect(arnLike(arn, publish.Condition.ArnLike["aws:SourceArn"]), `${a.name}: ${arn}`).to.equal(true);
                }
            }
        }
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

    it("configures Atlas's alerts in the cluster's project, enabled, to the project owners or the alarm email", () => {
        const projectId = one(evals.prod, "mongodbatlas:index/advancedCluster:AdvancedCluster").inputs.projectId;
        expect(projectId)
            .to.be.a("string")
            .and.equal(one(evals.prod, T.project).outputs.id ?? projectId);
        for (const [ev, notification] of [
            [evals.prod, atlasNotification(undefined)],
            // With an email, to the same address as the topics.
            [evals.tuned, atlasNotification("ops@acme.example.com")],
        ] as const) {
            const alerts = byType(ev, T.alert);
            expect(alerts, ev.stack).to.have.length.above(0);
            for (const a of alerts) {
                expect(a.inputs, a.name).to.deep.include({ projectId, enabled: true, notifications: [notification] });
            }
        }
    });

    it("every Atlas alert is a metric above its threshold or a failed snapshot; the replication lag one watches secondaries only", () => {
        const alerts = byType(evals.prod, T.alert).map((a) => a.inputs as Record<string, any>);
        for (const a of alerts) {
            if (a.eventType === "OUTSIDE_METRIC_THRESHOLD") {
                expect(a.metricThresholdConfig).to.include({ operator: "GREATER_THAN" });
                expect(a.metricThresholdConfig.units).to.be.a("string");
            } else {
                expect(a.eventType).to.match(/^CPS_SNAPSHOT_[A-Z_]*FAILED$/);
                expect(a).to.not.have.property("metricThresholdConfig");
            }
        }
        expect(alerts.map((a) => a.eventType)).to.include("CPS_SNAPSHOT_FAILED");
        // A primary reports no replication lag: an alert on every member would never clear on a failover.
        const lag = alerts.filter((a) => /LAG/.test(a.metricThresholdConfig?.metricName ?? ""));
        expect(lag).to.have.lengthOf(1);
        expect(lag[0].matchers).to.deep.equal([{ fieldName: "TYPE_NAME", operator: "EQUALS", value: "SECONDARY" }]);
    });

    it("alarms false: no alarm, topic, key or Atlas alert, and no alarmTopicArns output", () => {
        const ev = evals.off;
        expect([T.alarm, T.topic, T.key, T.topicPolicy, T.subscription, T.alert].flatMap((t) => byType(ev, t))).to.deep.equal([]);
        expect(ev.resources.some((r) => r.type === "membrane:monitoring:Monitoring")).to.equal(false);
        expect(ev.outputs).to.not.have.property("alarmTopicArns");
    });

    it("an external database: the same CloudWatch alarms, but no Atlas alert", () => {
        expect(byType(evals.external, T.alert)).to.deep.equal([]);
        const names = (ev: Evaluation) => byType(ev, T.alarm).map((a) => a.inputs.name);
        expect(names(evals.staging)).to.have.length.above(0);
        expect(names(evals.external)).to.deep.equal(names(evals.staging));
    });
});
