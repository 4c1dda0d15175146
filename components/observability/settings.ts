// Logs and alarms: the `*AccessLogs`, `redisLogs`, `logRetentionDays`, `alarm*` and `atlasAlert*` keys
// -> what is logged where, for how long, and which alarm fires at which threshold. Pure. CloudWatch Logs
// and ElastiCache refuse what is checked here (retention values, log types the engine version lacks).
import { ConfigReader } from "../../lib/config-reader";
import type { RedisConfig } from "../redis/settings";
import { alarmNames, bucketNameProblems, logBucketName, logNames } from "../../lib/naming";

export interface RedisLogGroups {
    /** Slow log: Redis OSS 6.0 and newer, every Valkey. */
    readonly slowLog: string;
    /** Engine log: Redis OSS 6.2 and newer, every Valkey; absent on Redis OSS 6.0. */
    readonly engineLog?: string;
}

export interface LogsConfig {
    /** Server access logs of every data bucket. */
    readonly s3AccessLogs: boolean;
    /** CloudFront standard logging (v2) into the log bucket. */
    readonly cdnAccessLogs: boolean;
    /** The stack region's log bucket, `<namePrefix><environment>-integration-app-logs`; absent when neither is on. */
    readonly logBucketName?: string;
    /** The delivery source and destination names of the CloudFront logs, `<environment>-membrane-cdn-access-logs` (and `-<region>`). */
    readonly cdnDeliveryName: string;
    /** ElastiCache's log groups; absent when `redisLogs` is false. */
    readonly redis?: RedisLogGroups;
    /** Days every log destination keeps logs: CloudWatch Logs retention and the log buckets' expiration. */
    readonly retentionDays: number;
}

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

export interface AlarmsConfig {
    /** Subscribed to the alarm topics and given Atlas's alerts; absent: the topics have no subscriber and Atlas mails the project owners. */
    readonly email?: string;
    /** Every alarm's name starts with `<environment>-membrane-` (`<environment>-membrane-<region>-` with regionInNames). */
    readonly namePrefix: string;
    /** `<environment>-membrane-alarms` (`…-membrane-<region>-alarms`), in the stack's region and, for CloudFront's alarm, in us-east-1. */
    readonly topicName: string;
    readonly thresholds: AlarmThresholds;
}

// CloudWatch Logs' PutRetentionPolicy accepts these values only (0, never expire, is not offered here:
// every log destination has a retention).
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

// CloudWatch Logs delivery source and destination names: 1 to 60 characters, [\w-]
// (PutDeliverySource, PutDeliveryDestination).
const DELIVERY_NAME = /^[\w-]{1,60}$/;

/** The log groups the engine version can fill: slow log from Redis OSS 6.0, engine log from 6.2; Valkey has both. */
function redisLogGroups(environment: string, redis: Pick<RedisConfig, "engine" | "engineVersion">): RedisLogGroups {
    const names = logNames(environment);
    const [major, minor] = redis.engineVersion.split(".").map(Number);
    const engineLog = redis.engine === "valkey" || major > 6 || (major === 6 && minor >= 2);
    return engineLog ? { slowLog: names.redisSlowLog, engineLog: names.redisEngineLog } : { slowLog: names.redisSlowLog };
}

/** Reads the log keys. `namesValid`: the environment and prefix are accepted, so derived names are worth checking. */
export function readLogsConfig(
    r: ConfigReader,
    ctx: {
        readonly namePrefix: string;
        readonly environment: string;
        /** `-<region>` with membrane:regionInNames: the log bucket's and the delivery's names are unique beyond the region. */
        readonly nameSuffix?: string;
        readonly namesValid: boolean;
        readonly redis: Pick<RedisConfig, "engine" | "engineVersion">;
    },
    warnings: string[],
): LogsConfig {
    const s3AccessLogs = r.boolean("s3AccessLogs");
    const cdnAccessLogs = r.boolean("cdnAccessLogs");
    const redisLogs = r.boolean("redisLogs");
    const retentionDays = r.integer("logRetentionDays", {
        min: LOG_RETENTION_DAYS[0],
        max: LOG_RETENTION_DAYS[LOG_RETENTION_DAYS.length - 1],
        allowed: { values: LOG_RETENTION_DAYS, what: "the retentions CloudWatch Logs offers" },
    });
    // CloudFront's delivery lives in us-east-1 whatever the stack's region.
    const cdnDeliveryName = logNames(ctx.environment, ctx.nameSuffix).cdnDelivery;
    const logBucket = s3AccessLogs || cdnAccessLogs ? logBucketName(ctx.namePrefix, ctx.environment, ctx.nameSuffix) : undefined;
    if (logBucket && ctx.namesValid) {
        for (const rule of bucketNameProblems(logBucket)) {
            r.problem("environment", `makes the log bucket name "${logBucket}", which ${rule}`);
        }
    }
    if (cdnAccessLogs && ctx.namesValid && !DELIVERY_NAME.test(cdnDeliveryName)) {
        r.problem("environment", `makes the CloudFront log delivery name "${cdnDeliveryName}", longer than CloudWatch Logs' 60 characters`);
    }
    const redis = redisLogs && ctx.redis.engineVersion ? redisLogGroups(ctx.environment, ctx.redis) : undefined;
    if (redis && !redis.engineLog) {
        warnings.push(
            `membrane:redisLogs: Redis OSS ${ctx.redis.engineVersion} has a slow log but no engine log (ElastiCache delivers it from 6.2): only the slow log is delivered.`,
        );
    }
    return {
        s3AccessLogs,
        cdnAccessLogs,
        ...(logBucket && { logBucketName: logBucket }),
        cdnDeliveryName,
        ...(redis && { redis }),
        retentionDays,
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
 * Reads the alarm keys; undefined when `alarms` is false (the thresholds are still checked, so a typo never waits).
 * `nameSuffix` (`-<region>` with membrane:regionInNames) ends the prefix: CloudFront's alarm and its topic are
 * in us-east-1 whatever the stack's region, where a copy of the environment in another region would meet them.
 */
export function readAlarmsConfig(r: ConfigReader, environment: string, nameSuffix = "", warnings: string[] = []): AlarmsConfig | undefined {
    const enabled = r.boolean("alarms");
    const email = r.string("alarmEmail");
    if (email && !EMAIL.test(email)) {
        r.problem("alarmEmail", `must be an email address such as ops@example.com (got "${email}")`);
    }
    const thresholds = readThresholds(r);
    if (!enabled) {
        if (email) {
            warnings.push(
                "membrane:alarmEmail is set but membrane:alarms is false, so no alarm or Atlas alert is made for it to receive: set membrane:alarms: true, or remove membrane:alarmEmail.",
            );
        }
        return undefined;
    }
    return {
        ...(email && { email }),
        ...alarmNames(environment, nameSuffix),
        thresholds,
    };
}
