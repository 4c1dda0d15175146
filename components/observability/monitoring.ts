// Monitoring: CloudWatch alarms on Redis (per member node, as ElastiCache publishes its metrics) and on
// CloudFront's 5xx error rate, each publishing to an SNS topic in its own region (an alarm can only
// notify a topic of its region, and CloudFront's metrics live in us-east-1), and Atlas alert
// configurations. The topics are encrypted with a customer managed key whose policy lets CloudWatch use
// it: CloudWatch cannot publish to a topic encrypted with the AWS managed aws/sns key, whose policy
// nobody can change.
import * as aws from "../../lib/aws";
import * as mongodbatlas from "@pulumi/mongodbatlas";
import * as pulumi from "@pulumi/pulumi";
import type { PolicyDocument } from "../../lib/policy-document";
import { CLOUDFRONT_CERTIFICATE_REGION } from "../cdn/cdn";
import { childName, tags } from "../../lib/naming";

/** When each alarm fires: a node's or the CDN's metric above its threshold (Atlas's alerts too). */
export interface AlarmThresholds {
    readonly redisCpuPercent: number;
    readonly redisEngineCpuPercent: number;
    readonly redisMemoryPercent: number;
    readonly redisEvictions: number;
    readonly redisConnections: number;
    readonly redisReplicationLagSeconds: number;
    readonly cdn5xxErrorRatePercent: number;
    readonly atlasReplicationLagSeconds: number;
    readonly atlasDiskPercent: number;
    readonly atlasConnectionsPercent: number;
}

export interface MonitoringArgs {
    /** Environment name, for tags. */
    readonly environment: string;
    /** The stack's region: the Redis alarms and their topic. */
    readonly region: string;
    /** Every alarm's name starts with `<namePrefix>-`. */
    readonly namePrefix: string;
    /** The alarm topics' name, in each region that has alarms. */
    readonly topicName: string;
    /** Subscribed to every topic and given Atlas's alerts; absent: no subscription, Atlas mails the project owners. */
    readonly email?: string;
    /** The level each alarm fires at. */
    readonly thresholds: AlarmThresholds;
    /**
     * The replication group, its member clusters (`<replicationGroupId>-001`, …) and whether it has
     * replicas (which alone report ReplicationLag); absent: no Redis alarms.
     */
    readonly redis?: { readonly replicationGroupId: string; readonly memberClusterIds: readonly string[]; readonly replicas: boolean };
    /** The CloudFront distribution; absent: no CloudFront alarm. */
    readonly cdn?: { readonly distributionId: pulumi.Input<string> };
    /** The Atlas project of the cluster; absent: no Atlas alerts. */
    readonly atlas?: { readonly projectId: pulumi.Input<string> };
    /** Days the keys wait before deletion once removed. Default 30. */
    readonly keyDeletionWindowDays?: number;
    /** The role the key policies name as administrator (the deploy role); absent: the account, through IAM policies. */
    readonly keyAdministratorArn?: string;
}

/** One CloudWatch alarm, as a plain value: what it watches, when it fires. */
export interface AlarmSpec {
    /** Ends the alarm's name and logical name. */
    readonly suffix: string;
    readonly description: string;
    readonly namespace: string;
    readonly metricName: string;
    readonly dimensions: Readonly<Record<string, pulumi.Input<string>>>;
    readonly statistic: "Average" | "Maximum" | "Sum";
    readonly period: number;
    readonly evaluationPeriods: number;
    readonly datapointsToAlarm: number;
    readonly threshold: number;
    readonly comparisonOperator: "GreaterThanThreshold";
    /** Missing data is normal (a primary has no replication lag, an idle CDN no error rate): it never alarms. */
    readonly treatMissingData: "notBreaching";
}

const sustained = (minutes: number) => ({ period: 60, evaluationPeriods: minutes, datapointsToAlarm: minutes });

/** One Redis metric of one member: averaged over a minute, breaching five minutes in a row unless `more` says otherwise. */
function redisAlarm(
    member: string,
    label: string,
    metric: { suffix: string; name: string; threshold: number; when: string },
    more: Partial<AlarmSpec> = {},
): AlarmSpec {
    return {
        suffix: `${label}-${metric.suffix}`,
        description: `${member}: ${metric.when}`,
        namespace: "AWS/ElastiCache",
        metricName: metric.name,
        dimensions: { CacheClusterId: member },
        statistic: "Average",
        ...sustained(5),
        threshold: metric.threshold,
        comparisonOperator: "GreaterThanThreshold",
        treatMissingData: "notBreaching",
        ...more,
    };
}

/**
 * The Redis alarms of one member cluster (dimension CacheClusterId, as ElastiCache publishes them),
 * named `<label>-<metric>`.
 * Every member gets the replication-lag alarm when the group has replicas: a failover swaps which
 * member is a replica, and a primary reports no lag (missing data, not breaching).
 */
export function redisAlarms(member: string, label: string, t: AlarmThresholds, replicas: boolean): AlarmSpec[] {
    const alarm = (suffix: string, name: string, threshold: number, when: string, more?: Partial<AlarmSpec>) =>
        redisAlarm(member, label, { suffix, name, threshold, when }, more);
    const lag = t.redisReplicationLagSeconds;
    return [
        alarm("cpu", "CPUUtilization", t.redisCpuPercent, `host CPU above ${t.redisCpuPercent}% for 5 minutes`),
        alarm(
            "engine-cpu",
            "EngineCPUUtilization",
            t.redisEngineCpuPercent,
            `Redis engine above ${t.redisEngineCpuPercent}% for 5 minutes`,
        ),
        alarm("memory", "DatabaseMemoryUsagePercentage", t.redisMemoryPercent, `memory use above ${t.redisMemoryPercent}% for 5 minutes`),
        alarm("evictions", "Evictions", t.redisEvictions, `more than ${t.redisEvictions} keys evicted in 5 minutes: memory is full`, {
            statistic: "Sum",
            period: 300,
            evaluationPeriods: 1,
            datapointsToAlarm: 1,
        }),
        alarm("connections", "CurrConnections", t.redisConnections, `more than ${t.redisConnections} connections for 5 minutes`, {
            statistic: "Maximum",
        }),
        ...(replicas
            ? [alarm("replication-lag", "ReplicationLag", lag, `replica more than ${lag} s behind for 5 minutes`, { statistic: "Maximum" })]
            : []),
    ];
}

/** CloudFront's 5xx error rate: a global metric, published in us-east-1 with the dimension Region=Global. */
export function cdnAlarm(distributionId: pulumi.Input<string>, t: AlarmThresholds): AlarmSpec {
    return {
        suffix: "cdn-5xx-error-rate",
        description: `CloudFront: more than ${t.cdn5xxErrorRatePercent}% of requests answered 5xx for 5 minutes`,
        namespace: "AWS/CloudFront",
        metricName: "5xxErrorRate",
        dimensions: { DistributionId: distributionId, Region: "Global" },
        statistic: "Average",
        ...sustained(5),
        threshold: t.cdn5xxErrorRatePercent,
        comparisonOperator: "GreaterThanThreshold",
        treatMissingData: "notBreaching",
    };
}

/**
 * What administering a key takes (terraform-provider-aws's aws_kms_key: create, read, update, delete,
 * tags; test/fixtures/provider-calls/kms_key.yaml), granted in the key policy to the key's administrator.
 */
export const KEY_ADMINISTRATION_ACTIONS = [
    "kms:DescribeKey",
    "kms:GetKeyPolicy",
    "kms:PutKeyPolicy",
    "kms:GetKeyRotationStatus",
    "kms:EnableKeyRotation",
    "kms:DisableKeyRotation",
    "kms:UpdateKeyDescription",
    "kms:EnableKey",
    "kms:DisableKey",
    "kms:ScheduleKeyDeletion",
    "kms:ListResourceTags",
    "kms:TagResource",
    "kms:UntagResource",
] as const;

/**
 * The topic's key: the account administers it through IAM (AWS's default key policy statement), the
 * administrator (the stack's deploy role, which then needs no IAM grant on keys and so reaches no other
 * key) is named, and CloudWatch may encrypt and decrypt with it, for this account's alarms named
 * `<namePrefix>-*` in the key's region only (SNS: "Enable compatibility between event sources from AWS
 * services and encrypted topics").
 */
export function alarmKeyPolicy(p: {
    partition: string;
    accountId: string;
    region: string;
    namePrefix: string;
    administratorArn?: string;
}): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "AccountAdministersTheKey",
                Effect: "Allow",
                Principal: { AWS: `arn:${p.partition}:iam::${p.accountId}:root` },
                Action: "kms:*",
                Resource: "*",
            },
            ...(p.administratorArn
                ? [
                      {
                          Sid: "KeyAdministrator",
                          Effect: "Allow" as const,
                          Principal: { AWS: p.administratorArn },
                          Action: [...KEY_ADMINISTRATION_ACTIONS],
                          Resource: "*",
                      },
                  ]
                : []),
            {
                Sid: "CloudWatchAlarmsPublish",
                Effect: "Allow",
                Principal: { Service: "cloudwatch.amazonaws.com" },
                Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
                Resource: "*",
                Condition: alarmSource(p),
            },
        ],
    };
}

/** The topic's one policy: this account's alarms publish, nothing without TLS. */
export function alarmTopicPolicy(p: {
    partition: string;
    accountId: string;
    region: string;
    namePrefix: string;
    topicArn: string;
}): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "CloudWatchAlarmsPublish",
                Effect: "Allow",
                Principal: { Service: "cloudwatch.amazonaws.com" },
                Action: "sns:Publish",
                Resource: p.topicArn,
                Condition: alarmSource(p),
            },
            {
                Sid: "DenyInsecureTransport",
                Effect: "Deny",
                Principal: "*",
                Action: "sns:Publish",
                Resource: p.topicArn,
                Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
        ],
    };
}

function alarmSource(p: { partition: string; accountId: string; region: string; namePrefix: string }) {
    return {
        StringEquals: { "aws:SourceAccount": p.accountId },
        ArnLike: { "aws:SourceArn": `arn:${p.partition}:cloudwatch:${p.region}:${p.accountId}:alarm:${p.namePrefix}-*` },
    };
}

/** One Atlas alert configuration, as a plain value. */
export interface AtlasAlertSpec {
    readonly suffix: string;
    readonly eventType: string;
    readonly metricThresholdConfig?: { metricName: string; operator: "GREATER_THAN"; threshold: number; units: string; mode: "AVERAGE" };
    readonly matchers?: ReadonlyArray<{ fieldName: string; operator: "EQUALS"; value: string }>;
}

/**
 * The Atlas alerts (Atlas Architecture Center, "Recommended Atlas Alert Configurations"): replication lag
 * on secondaries, the data partition's used space, connections as a share of the tier's limit, and a
 * failed snapshot or fallback snapshot.
 */
export function atlasAlerts(t: AlarmThresholds): AtlasAlertSpec[] {
    const metric = (metricName: string, threshold: number, units: string) =>
        ({ metricName, operator: "GREATER_THAN", threshold, units, mode: "AVERAGE" }) as const;
    return [
        {
            suffix: "replication-lag",
            eventType: "OUTSIDE_METRIC_THRESHOLD",
            metricThresholdConfig: metric("OPLOG_SLAVE_LAG_MASTER_TIME", t.atlasReplicationLagSeconds, "SECONDS"),
            matchers: [{ fieldName: "TYPE_NAME", operator: "EQUALS", value: "SECONDARY" }],
        },
        {
            suffix: "disk",
            eventType: "OUTSIDE_METRIC_THRESHOLD",
            metricThresholdConfig: metric("DISK_PARTITION_SPACE_USED_DATA", t.atlasDiskPercent, "RAW"),
        },
        {
            suffix: "connections",
            eventType: "OUTSIDE_METRIC_THRESHOLD",
            metricThresholdConfig: metric("CONNECTIONS_PERCENT", t.atlasConnectionsPercent, "RAW"),
        },
        { suffix: "backup-failed", eventType: "CPS_SNAPSHOT_FAILED" },
        { suffix: "backup-fallback-failed", eventType: "CPS_SNAPSHOT_FALLBACK_FAILED" },
    ];
}

/** Where an Atlas alert goes: the alarm email, or, without one, the project owners by email. Re-sent hourly while open. */
export function atlasNotification(email: string | undefined): mongodbatlas.types.input.AlertConfigurationNotification {
    return email
        ? { typeName: "EMAIL", emailAddress: email, intervalMin: 60, delayMin: 0 }
        : { typeName: "GROUP", roles: ["GROUP_OWNER"], emailEnabled: true, smsEnabled: false, intervalMin: 60, delayMin: 0 };
}

export class Monitoring extends pulumi.ComponentResource {
    /** The alarm topic of each region that has alarms, by region. */
    readonly topicArns: Readonly<Record<string, pulumi.Output<string>>>;

    private readonly where: { readonly accountId: pulumi.Output<string>; readonly partition: pulumi.Output<string> };
    private readonly topics = new Map<string, pulumi.Output<string>>();

    constructor(name: string, args: MonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
        super("membrane:monitoring:Monitoring", name, {}, opts);
        this.where = {
            accountId: aws.getCallerIdentityOutput({}, { parent: this }).accountId,
            partition: aws.getPartitionOutput({}, { parent: this }).partition,
        };
        const r = args.redis;
        for (const member of r?.memberClusterIds ?? []) {
            const label = `redis-${member.slice(r!.replicationGroupId.length + 1)}`;
            for (const spec of redisAlarms(member, label, args.thresholds, r!.replicas)) {
                this.alarm(name, args, spec, args.region);
            }
        }
        if (args.cdn) {
            this.alarm(name, args, cdnAlarm(args.cdn.distributionId, args.thresholds), CLOUDFRONT_CERTIFICATE_REGION);
        }
        if (args.atlas) {
            this.atlasAlertConfigurations(name, args, args.atlas.projectId);
        }
        this.topicArns = Object.fromEntries(this.topics);
        this.registerOutputs({ topicArns: this.topicArns });
    }

    /** The region's alarm topic, created with its key, policy and subscription the first time an alarm of the region needs it. */
    private topicIn(name: string, args: MonitoringArgs, region: string): pulumi.Output<string> {
        const existing = this.topics.get(region);
        if (existing) {
            return existing;
        }
        const arn = this.topic(region === args.region ? name : childName(name, region), args, region);
        this.topics.set(region, arn);
        return arn;
    }

    /** The key (rotated yearly), the encrypted topic, its policy and the email subscription, in `region`. */
    private topic(name: string, args: MonitoringArgs, region: string): pulumi.Output<string> {
        const opt = { parent: this };
        const t = tags(args.environment);
        const policyArgs = pulumi
            .all([this.where.partition, this.where.accountId])
            .apply(([partition, accountId]) => ({ partition, accountId, region, namePrefix: args.namePrefix }));
        const keyPolicyArgs = policyArgs.apply((p) => ({ ...p, administratorArn: args.keyAdministratorArn }));
        const key = new aws.kms.Key(
            childName(name, "alarm-key"),
            {
                region,
                description: `Encrypts the alarm topic ${args.topicName} (CloudWatch alarms may use it)`,
                enableKeyRotation: true,
                deletionWindowInDays: args.keyDeletionWindowDays ?? 30,
                policy: keyPolicyArgs.apply((p) => JSON.stringify(alarmKeyPolicy(p))),
                tags: t,
            },
            opt,
        );
        const topic = new aws.sns.Topic(
            childName(name, "alarm-topic"),
            { region, name: args.topicName, kmsMasterKeyId: key.arn, tags: t },
            opt,
        );
        new aws.sns.TopicPolicy(
            childName(name, "alarm-topic-policy"),
            {
                region,
                arn: topic.arn,
                policy: pulumi.all([policyArgs, topic.arn]).apply(([p, topicArn]) => JSON.stringify(alarmTopicPolicy({ ...p, topicArn }))),
            },
            opt,
        );
        if (args.email) {
            new aws.sns.TopicSubscription(
                childName(name, "alarm-email"),
                { region, topic: topic.arn, protocol: "email", endpoint: args.email },
                opt,
            );
        }
        return topic.arn;
    }

    /** One alarm, notifying its region's topic when it fires and when it recovers. */
    private alarm(name: string, args: MonitoringArgs, spec: AlarmSpec, region: string): void {
        const topicArn = this.topicIn(name, args, region);
        const { suffix, description, ...metric } = spec;
        new aws.cloudwatch.MetricAlarm(
            childName(name, suffix),
            {
                region,
                name: `${args.namePrefix}-${suffix}`,
                alarmDescription: description,
                ...metric,
                alarmActions: [topicArn],
                okActions: [topicArn],
                tags: tags(args.environment),
            },
            { parent: this },
        );
    }

    /** Atlas's alerts for the project, each to the alarm email (or the project owners). */
    private atlasAlertConfigurations(name: string, args: MonitoringArgs, projectId: pulumi.Input<string>): void {
        for (const spec of atlasAlerts(args.thresholds)) {
            new mongodbatlas.AlertConfiguration(
                childName(name, `atlas-${spec.suffix}`),
                {
                    projectId,
                    eventType: spec.eventType,
                    enabled: true,
                    metricThresholdConfig: spec.metricThresholdConfig,
                    matchers: spec.matchers && [...spec.matchers],
                    notifications: [atlasNotification(args.email)],
                },
                { parent: this },
            );
        }
    }
}
