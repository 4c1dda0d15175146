import { PolicyResource, ResourceValidationPolicy, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { TYPES, onTypes } from "../lib/tokens";
import { UNKNOWN, knownString, readKnown } from "../lib/unknown";
import { asList, isRecord } from "../lib/values";

// What production promises: disaster recovery, logs, alarms. Production is the stack tag
// `membrane:production` when the stack has it (the deployments program sets it), and otherwise what the
// resources say: the program protects the connectors bucket exactly in production.

/** The stack tag that says whether a stack is production. */
export const PRODUCTION_TAG = "membrane:production";

const CONNECTORS_SUFFIX = "-connectors";
/** The tag the program gives its log buckets: they receive logs and do not log themselves. */
const LOG_BUCKET_PURPOSE = "access-logs";

const nameOf = (r: PolicyResource, key = "bucket"): string | undefined => knownString(() => r.props[key]);

/** Whether the stack is production: its tag, or else a protected connectors bucket. */
export function isProduction(args: Pick<StackValidationArgs, "resources" | "stackTags">): boolean {
    const tag = args.stackTags.get(PRODUCTION_TAG);
    if (tag !== undefined) {
        return tag === "true";
    }
    return args.resources.some((r) => r.type === TYPES.bucket && nameOf(r)?.endsWith(CONNECTORS_SUFFIX) === true && r.opts.protect);
}

function dependsOn(resource: PolicyResource, target: PolicyResource): boolean {
    return [...resource.dependencies, ...Object.values(resource.propertyDependencies).flat()].some((d) => d.urn === target.urn);
}

/** The resources of `type` attached to `bucket`: by its name, or, while their `key` is not known yet, by dependency. */
function attachedTo(resources: PolicyResource[], type: string, bucket: PolicyResource, key = "bucket"): PolicyResource[] {
    const name = nameOf(bucket);
    return resources.filter((r) => {
        if (r.type !== type) {
            return false;
        }
        const target = nameOf(r, key);
        return target === undefined ? dependsOn(r, bucket) : target === name;
    });
}

function replicates(config: PolicyResource): boolean {
    const rules = readKnown(() => asList(config.props["rules"]));
    if (rules === UNKNOWN) {
        return true;
    }
    return rules.some((rule) => {
        if (!isRecord(rule)) {
            return false;
        }
        const status = readKnown(() => rule["status"]);
        const destination = readKnown(() => (isRecord(rule["destination"]) ? rule["destination"]["bucket"] : undefined));
        return (status === "Enabled" || status === UNKNOWN) && destination !== undefined && destination !== "";
    });
}

export const productionConnectorsReplicated: StackValidationPolicy = {
    name: "production-connectors-replicated",
    description: "In production, the connectors bucket is replicated to another region (disaster recovery).",
    enforcementLevel: "advisory",
    validateStack: (args, reportViolation) => {
        if (!isProduction(args)) {
            return;
        }
        for (const bucket of args.resources.filter((r) => r.type === TYPES.bucket && nameOf(r)?.endsWith(CONNECTORS_SUFFIX))) {
            if (!attachedTo(args.resources, TYPES.bucketReplicationConfig, bucket).some(replicates)) {
                reportViolation(
                    `Bucket "${nameOf(bucket)}" holds customers' connector packages and has no enabled replication rule. Set ` +
                        "membrane:s3Replication to true (the default), or lower this policy if the data may not leave the region.",
                    bucket.urn,
                );
            }
        }
    },
};

function isLogBucket(bucket: PolicyResource, targets: ReadonlySet<string>): boolean {
    const name = nameOf(bucket);
    const purpose = readKnown(() => (isRecord(bucket.props["tags"]) ? bucket.props["tags"]["Purpose"] : undefined));
    return (name !== undefined && targets.has(name)) || purpose === LOG_BUCKET_PURPOSE;
}

export const productionDataBucketsLogged: StackValidationPolicy = {
    name: "production-data-buckets-logged",
    description: "In production, every data bucket writes S3 server access logs to a log bucket (Security Hub S3.9).",
    enforcementLevel: "advisory",
    validateStack: (args, reportViolation) => {
        if (!isProduction(args)) {
            return;
        }
        const loggings = args.resources.filter((r) => r.type === TYPES.bucketLogging);
        const targets = new Set(loggings.map((l) => nameOf(l, "targetBucket")).filter((n): n is string => n !== undefined));
        for (const bucket of args.resources.filter((r) => r.type === TYPES.bucket && !isLogBucket(r, targets))) {
            if (attachedTo(args.resources, TYPES.bucketLogging, bucket).length === 0) {
                reportViolation(
                    `Bucket "${nameOf(bucket) ?? bucket.name}" has no server access logging. Set membrane:s3AccessLogs to true (the ` +
                        "default): each data bucket then logs into its region's log bucket.",
                    bucket.urn,
                );
            }
        }
    },
};

interface AlarmProps {
    namespace?: string;
    dimensions?: Record<string, unknown>;
    alarmActions?: unknown[];
}

const actionsOf = (alarm: PolicyResource): unknown[] | typeof UNKNOWN => readKnown(() => asList((alarm.props as AlarmProps).alarmActions));

/** The alarms of `namespace` that watch `target`: by a dimension that names it, or by depending on it. */
function alarmsOn(
    alarms: PolicyResource[],
    namespace: string,
    target: PolicyResource,
    names: (dimensions: Record<string, unknown>) => boolean,
) {
    return alarms.filter((a) => {
        const ns = readKnown(() => (a.props as AlarmProps).namespace);
        const dimensions = readKnown(() => (a.props as AlarmProps).dimensions);
        return ns === namespace && ((isRecord(dimensions) && names(dimensions)) || dependsOn(a, target));
    });
}

function missingAlarms(args: StackValidationArgs): Array<{ urn: string; message: string }> {
    const alarms = args.resources.filter((r) => r.type === TYPES.metricAlarm);
    const missing: Array<{ urn: string; message: string }> = [];
    for (const group of args.resources.filter((r) => r.type === TYPES.replicationGroup)) {
        const id = knownString(() => group.props["replicationGroupId"]);
        const member = (d: Record<string, unknown>) =>
            typeof d["CacheClusterId"] === "string" && id !== undefined && d["CacheClusterId"].startsWith(`${id}-`);
        if (alarmsOn(alarms, "AWS/ElastiCache", group, member).length === 0) {
            missing.push({ urn: group.urn, message: `Replication group "${id ?? group.name}" has no CloudWatch alarm on its nodes.` });
        }
    }
    for (const distribution of args.resources.filter((r) => r.type === TYPES.distribution)) {
        if (alarmsOn(alarms, "AWS/CloudFront", distribution, () => false).length === 0) {
            missing.push({
                urn: distribution.urn,
                message: `Distribution ${distribution.name} has no CloudWatch alarm on its error rate.`,
            });
        }
    }
    for (const alarm of alarms.filter((a) => actionsOf(a) !== UNKNOWN && (actionsOf(a) as unknown[]).length === 0)) {
        missing.push({ urn: alarm.urn, message: `Alarm ${alarm.name} notifies nobody: it has no alarm action.` });
    }
    return missing;
}

export const productionAlarmsPresent: StackValidationPolicy = {
    name: "production-alarms-present",
    description: "In production, Redis and CloudFront have CloudWatch alarms, and every alarm notifies someone.",
    enforcementLevel: "advisory",
    validateStack: (args, reportViolation) => {
        if (!isProduction(args)) {
            return;
        }
        for (const { urn, message } of missingAlarms(args)) {
            reportViolation(
                `${message} Set membrane:alarms to true (the default), and membrane:alarmEmail or a subscription of your own.`,
                urn,
            );
        }
    },
};

export const s3AccessLogsNotIntoSource: ResourceValidationPolicy = {
    name: "s3-access-logs-not-into-source",
    description: "A bucket must not write its server access logs into itself: every log write would be logged again, without end.",
    enforcementLevel: "mandatory",
    validateResource: onTypes<{ bucket?: string; targetBucket?: string }>(TYPES.bucketLogging, (props, _args, reportViolation) => {
        const source = knownString(() => props.bucket);
        const target = knownString(() => props.targetBucket);
        if (source !== undefined && source === target) {
            reportViolation(`Bucket "${source}" logs into itself. Set targetBucket to a log bucket that does not log itself.`);
        }
    }),
};

const AWS_MANAGED_SNS_KEY = /(^|:)alias\/aws\/sns$/;

export const alarmTopicUsableByCloudWatch: StackValidationPolicy = {
    name: "alarm-topic-usable-by-cloudwatch",
    description:
        "An SNS topic that CloudWatch alarms notify must not be encrypted with the AWS managed key aws/sns, which CloudWatch cannot use.",
    enforcementLevel: "mandatory",
    validateStack: (args, reportViolation) => {
        const alarms = args.resources.filter((r) => r.type === TYPES.metricAlarm);
        for (const topic of args.resources.filter((r) => r.type === TYPES.snsTopic)) {
            const key = knownString(() => topic.props["kmsMasterKeyId"]);
            if (key === undefined || !AWS_MANAGED_SNS_KEY.test(key) || !alarms.some((a) => dependsOn(a, topic))) {
                continue;
            }
            reportViolation(
                `Topic ${topic.name} is encrypted with the AWS managed key aws/sns, whose policy does not let CloudWatch use it: ` +
                    "its alarms would notify nobody. Encrypt it with a customer managed key that allows cloudwatch.amazonaws.com kms:Decrypt and kms:GenerateDataKey*.",
                topic.urn,
            );
        }
    },
};
