// Logs' and Monitoring's keys, `*AccessLogs`, `redisLogs`, `logRetentionDays`, `alarm*`, `atlasAlert*` and
// `kmsKeyAdministratorArn` -> what is logged where, for how long, and which alarm fires at which threshold.
// Pure. CloudWatch Logs and ElastiCache refuse what is checked here (retention values, log types the engine
// version lacks).
import { ConfigReader } from "../../lib/config-reader";
import { alarmNames, bucketNameProblems, logBucketName, logNames } from "../../lib/naming";
import { ROLE_ARN } from "../../lib/patterns";
import type { RedisArgs } from "../redis/redis";
import type { Stack } from "../stack-settings";
import type { LogsArgs, RedisLogGroups } from "./logs";
import type { AlarmThresholds, MonitoringArgs } from "./monitoring";

/** Logs' args but what it logs, which Storage and Cdn give it. */
export type LogsSettings = Omit<LogsArgs, "buckets" | "distributionArn">;

/** Monitoring's args but what it watches, which Redis, Cdn and Database give it. */
export type MonitoringSettings = Omit<MonitoringArgs, "redis" | "cdn" | "atlas">;

// CloudWatch Logs' PutRetentionPolicy accepts these values only (0, never expire, is not offered here:
// every log destination has a retention).
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

// CloudWatch Logs delivery source and destination names: 1 to 60 characters, [\w-]
// (PutDeliverySource, PutDeliveryDestination).
const DELIVERY_NAME = /^[\w-]{1,60}$/;

/** The log groups the engine version can fill: slow log from Redis OSS 6.0, engine log from 6.2; Valkey has both. */
function redisLogGroups(environment: string, redis: Pick<RedisArgs, "engine" | "engineVersion">): RedisLogGroups {
    const names = logNames(environment);
    const [major, minor] = redis.engineVersion.split(".").map(Number);
    const engineLog = redis.engine === "valkey" || major > 6 || (major === 6 && minor >= 2);
    return engineLog ? { slowLog: names.redisSlowLog, engineLog: names.redisEngineLog } : { slowLog: names.redisSlowLog };
}

/**
 * Reads the log keys. `namesValid`: the environment and prefix are accepted, so derived names are worth
 * checking; `redis`: the engine and version, which decide the log groups.
 */
export function readLogs(
    r: ConfigReader,
    stack: Stack,
    ctx: { readonly namesValid: boolean; readonly redis: Pick<RedisArgs, "engine" | "engineVersion"> },
): LogsSettings {
    const { namePrefix, environment, nameSuffix } = stack;
    const s3AccessLogs = r.boolean("s3AccessLogs");
    const cdnAccessLogs = r.boolean("cdnAccessLogs");
    const redisLogs = r.boolean("redisLogs");
    const retentionDays = r.integer("logRetentionDays", {
        min: LOG_RETENTION_DAYS[0],
        max: LOG_RETENTION_DAYS[LOG_RETENTION_DAYS.length - 1],
        allowed: { values: LOG_RETENTION_DAYS, what: "the retentions CloudWatch Logs offers" },
    });
    // CloudFront's delivery lives in us-east-1 whatever the stack's region; the suffix keeps a second region's apart.
    const cdnDeliveryName = logNames(environment, nameSuffix).cdnDelivery;
    const logBucket = s3AccessLogs || cdnAccessLogs ? logBucketName(namePrefix, environment, nameSuffix) : undefined;
    if (logBucket && ctx.namesValid) {
        for (const rule of bucketNameProblems(logBucket)) {
            r.problem("environment", `makes the log bucket name "${logBucket}", which ${rule}`);
        }
    }
    if (cdnAccessLogs && ctx.namesValid && !DELIVERY_NAME.test(cdnDeliveryName)) {
        r.problem("environment", `makes the CloudFront log delivery name "${cdnDeliveryName}", longer than CloudWatch Logs' 60 characters`);
    }
    const redis = redisLogs && ctx.redis.engineVersion ? redisLogGroups(environment, ctx.redis) : undefined;
    if (redis && !redis.engineLog) {
        r.warn(
            `membrane:redisLogs: Redis OSS ${ctx.redis.engineVersion} has a slow log but no engine log (ElastiCache delivers it from 6.2): only the slow log is delivered.`,
        );
    }
    return {
        environment,
        production: stack.production,
        retentionDays,
        logBucketName: logBucket,
        s3AccessLogs,
        ...(cdnAccessLogs && { cdnDeliveryName }),
        redisLogGroups: redis,
    };
}

// An address SNS and Atlas accept: one @, a domain with a dot, no spaces.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function readThresholds(r: ConfigReader): AlarmThresholds {
    const percent = (key: string) => r.integer(key, { min: 1, max: 100 });
    return {
        redisCpuPercent: percent("alarmRedisCpuPercent"),
        redisEngineCpuPercent: percent("alarmRedisEngineCpuPercent"),
        redisMemoryPercent: percent("alarmRedisMemoryPercent"),
        // A CloudWatch threshold; a node evicting more than a million keys in 5 minutes does nothing else.
        redisEvictions: r.integer("alarmRedisEvictions", { min: 0, max: 1_000_000 }),
        // ElastiCache accepts at most 65,000 connections per node.
        redisConnections: r.integer("alarmRedisConnections", { min: 1, max: 65000, why: "ElastiCache's maximum per node" }),
        // A day: a replica that far behind is resynchronising, whatever the threshold.
        redisReplicationLagSeconds: r.integer("alarmRedisReplicationLagSeconds", { min: 1, max: 86_400 }),
        cdn5xxErrorRatePercent: percent("alarmCdn5xxErrorRatePercent"),
        atlasReplicationLagSeconds: r.integer("atlasAlertReplicationLagSeconds", { min: 1, max: 86_400 }),
        atlasDiskPercent: percent("atlasAlertDiskPercent"),
        atlasConnectionsPercent: percent("atlasAlertConnectionsPercent"),
    };
}

/**
 * Reads the alarm keys; undefined when `alarms` is false (the thresholds and the key administrator are still
 * checked, so a typo never waits). The suffix (`-<region>` with membrane:regionInNames) ends the names:
 * CloudFront's alarm and its topic are in us-east-1 whatever the stack's region, where a copy of the
 * environment in another region would meet them.
 */
export function readMonitoring(r: ConfigReader, stack: Stack): MonitoringSettings | undefined {
    const keyAdministratorArn = r.string("kmsKeyAdministratorArn");
    if (keyAdministratorArn && !ROLE_ARN.test(keyAdministratorArn)) {
        r.problem(
            "kmsKeyAdministratorArn",
            `must be an IAM role ARN, arn:aws:iam::<account>:role/<name>: a key policy names a principal, which IAM checks when the key is created (got "${keyAdministratorArn}")`,
        );
    }
    const enabled = r.boolean("alarms");
    const email = r.string("alarmEmail");
    if (email && !EMAIL.test(email)) {
        r.problem("alarmEmail", `must be an email address such as ops@example.com (got "${email}")`);
    }
    const thresholds = readThresholds(r);
    if (!enabled) {
        if (email) {
            r.warn(
                "membrane:alarmEmail is set but membrane:alarms is false, so no alarm or Atlas alert is made for it to receive: set membrane:alarms: true, or remove membrane:alarmEmail.",
            );
        }
        return undefined;
    }
    return {
        environment: stack.environment,
        region: stack.region,
        ...alarmNames(stack.environment, stack.nameSuffix),
        ...(email && { email }),
        thresholds,
        // KMS waits 7 to 30 days before it deletes a removed key: the longest in production.
        keyDeletionWindowDays: stack.production ? 30 : 7,
        ...(keyAdministratorArn && { keyAdministratorArn }),
    };
}
