import { expect } from "chai";
import { TYPES } from "../lib/tokens";
import {
    PRODUCTION_TAG,
    alarmTopicUsableByCloudWatch,
    productionAlarmsPresent,
    productionConnectorsReplicated,
    productionDataBucketsLogged,
    s3AccessLogsNotIntoSource,
} from "../policies/operations";
import { FakeResource, UNKNOWN_STRING, checkResource, checkStack, messagesOf, urnOf } from "./harness";

const CONNECTORS = "acme-prod-integration-app-connectors";
const TMP = "acme-prod-integration-app-tmp";
const LOGS = "acme-prod-integration-app-logs";

const bucket = (name: string, extra: Partial<FakeResource> = {}): FakeResource => ({
    type: TYPES.bucket,
    name,
    props: { bucket: name },
    ...extra,
});
/** The program's production: the connectors bucket protected. */
const protectedConnectors = bucket(CONNECTORS, { protect: true });
const PRODUCTION = new Map([[PRODUCTION_TAG, "true"]]);
const NOT_PRODUCTION = new Map([[PRODUCTION_TAG, "false"]]);

describe("production-connectors-replicated", () => {
    const replication = (rule: Record<string, unknown> = {}, bucketName: unknown = CONNECTORS): FakeResource => ({
        type: TYPES.bucketReplicationConfig,
        name: "connectors-replication",
        props: { bucket: bucketName, rules: [{ status: "Enabled", destination: { bucket: "arn:aws:s3:::replica" }, ...rule }] },
    });

    it("passes in production with an enabled rule to a destination", () => {
        expect(checkStack(productionConnectorsReplicated, [protectedConnectors, replication()])).to.deep.equal({ violations: [] });
    });

    it("reports a production connectors bucket without replication, or with a disabled rule or one without a destination, on the bucket", () => {
        for (const resources of [
            [protectedConnectors],
            [protectedConnectors, replication({ status: "Disabled" })],
            [protectedConnectors, replication({ destination: undefined })],
            [protectedConnectors, replication({ destination: { bucket: "" } })],
        ]) {
            const outcome = checkStack(productionConnectorsReplicated, resources);
            expect(outcome.violations.map((v) => v.urn)).to.deep.equal([urnOf(TYPES.bucket, CONNECTORS)]);
            expect(outcome.violations[0].message).to.match(/^Bucket "acme-prod-integration-app-connectors" .* membrane:s3Replication/);
        }
    });

    it("a replication configuration of another bucket does not count", () => {
        const outcome = checkStack(productionConnectorsReplicated, [protectedConnectors, replication({}, TMP)]);
        expect(outcome.violations).to.have.length(1);
    });

    it("matches a configuration whose bucket is unknown at preview by its dependency on the bucket", () => {
        const pending = { ...replication({}, UNKNOWN_STRING), propertyDependencies: { bucket: [urnOf(TYPES.bucket, CONNECTORS)] } };
        expect(checkStack(productionConnectorsReplicated, [protectedConnectors, pending])).to.deep.equal({ violations: [] });
        expect(
            checkStack(productionConnectorsReplicated, [protectedConnectors, replication({}, UNKNOWN_STRING)]).violations,
        ).to.have.length(1);
    });

    it("asks nothing outside production: an unprotected bucket, or the stack tag saying false even over a protected one", () => {
        expect(checkStack(productionConnectorsReplicated, [bucket(CONNECTORS)])).to.deep.equal({ violations: [] });
        expect(checkStack(productionConnectorsReplicated, [protectedConnectors], {}, NOT_PRODUCTION)).to.deep.equal({ violations: [] });
    });

    it("the stack tag makes a stack production even without a protected bucket", () => {
        expect(checkStack(productionConnectorsReplicated, [bucket(CONNECTORS)], {}, PRODUCTION).violations).to.have.length(1);
    });
});

describe("production-data-buckets-logged", () => {
    const logging = (source: string, target = LOGS): FakeResource => ({
        type: TYPES.bucketLogging,
        name: `${source}-logging`,
        props: { bucket: source, targetBucket: target, targetPrefix: "s3/" },
    });
    const logBucket = bucket(LOGS, { props: { bucket: LOGS, tags: { Purpose: "access-logs" } } });

    it("passes when every data bucket logs into the log bucket, which does not log itself", () => {
        const resources = [protectedConnectors, bucket(TMP), logBucket, logging(CONNECTORS), logging(TMP)];
        expect(checkStack(productionDataBucketsLogged, resources)).to.deep.equal({ violations: [] });
    });

    it("reports each data bucket without logging", () => {
        const outcome = checkStack(productionDataBucketsLogged, [protectedConnectors, bucket(TMP), logBucket, logging(CONNECTORS)]);
        expect(outcome.violations.map((v) => v.urn)).to.deep.equal([urnOf(TYPES.bucket, TMP)]);
        expect(outcome.violations[0].message).to.match(/^Bucket "acme-prod-integration-app-tmp" has no server access logging/);
    });

    it("recognises a log bucket by being a logging target even without its tag", () => {
        const resources = [protectedConnectors, bucket(LOGS), logging(CONNECTORS)];
        expect(checkStack(productionDataBucketsLogged, resources)).to.deep.equal({ violations: [] });
    });

    it("recognises the log bucket by its Purpose tag while the loggings' target is unknown (preview)", () => {
        const resources = [protectedConnectors, logBucket, logging(CONNECTORS, UNKNOWN_STRING)];
        expect(checkStack(productionDataBucketsLogged, resources)).to.deep.equal({ violations: [] });
    });

    it("asks nothing outside production", () => {
        expect(checkStack(productionDataBucketsLogged, [bucket(CONNECTORS), bucket(TMP)])).to.deep.equal({ violations: [] });
    });
});

describe("production-alarms-present", () => {
    const group: FakeResource = { type: TYPES.replicationGroup, name: "redis", props: { replicationGroupId: "prod-membrane" } };
    const distribution: FakeResource = { type: TYPES.distribution, name: "cdn", props: {} };
    const alarm = (
        name: string,
        namespace: string,
        dimensions: Record<string, unknown>,
        extra: Partial<FakeResource> = {},
    ): FakeResource => ({
        type: TYPES.metricAlarm,
        name,
        props: { namespace, dimensions, alarmActions: ["arn:aws:sns:us-east-1:111122223333:prod-membrane-alarms"] },
        ...extra,
    });
    const redisAlarm = alarm("cpu", "AWS/ElastiCache", { CacheClusterId: "prod-membrane-001" });
    const cdnAlarm = alarm(
        "5xx",
        "AWS/CloudFront",
        { DistributionId: UNKNOWN_STRING, Region: "Global" },
        { dependencies: [urnOf(TYPES.distribution, "cdn")] },
    );

    it("passes with an alarm on a member of the group and one that depends on the distribution", () => {
        expect(checkStack(productionAlarmsPresent, [protectedConnectors, group, distribution, redisAlarm, cdnAlarm])).to.deep.equal({
            violations: [],
        });
    });

    it("reports the group and the distribution that have no alarm", () => {
        const outcome = checkStack(productionAlarmsPresent, [protectedConnectors, group, distribution]);
        expect(outcome.violations.map((v) => v.urn)).to.deep.equal([
            urnOf(TYPES.replicationGroup, "redis"),
            urnOf(TYPES.distribution, "cdn"),
        ]);
        expect(outcome.violations[0].message).to.match(
            /^Replication group "prod-membrane" has no CloudWatch alarm on its nodes\. Set membrane:alarms/,
        );
    });

    it("an alarm on another group's member does not count", () => {
        const other = alarm("cpu", "AWS/ElastiCache", { CacheClusterId: "staging-membrane-001" });
        expect(checkStack(productionAlarmsPresent, [protectedConnectors, group, other]).violations).to.have.length(1);
    });

    it("reports an alarm without an action", () => {
        const silent = alarm(
            "cpu",
            "AWS/ElastiCache",
            { CacheClusterId: "prod-membrane-001" },
            { props: { namespace: "AWS/ElastiCache", dimensions: { CacheClusterId: "prod-membrane-001" }, alarmActions: [] } },
        );
        const outcome = checkStack(productionAlarmsPresent, [protectedConnectors, group, silent]);
        expect(messagesOf(outcome)).to.deep.equal([
            "Alarm cpu notifies nobody: it has no alarm action. Set membrane:alarms to true (the default), and membrane:alarmEmail or a subscription of your own.",
        ]);
    });

    it("asks nothing outside production", () => {
        expect(checkStack(productionAlarmsPresent, [group, distribution])).to.deep.equal({ violations: [] });
    });
});

describe("s3-access-logs-not-into-source", () => {
    const logging = (source: unknown, target: unknown): FakeResource => ({
        type: TYPES.bucketLogging,
        props: { bucket: source, targetBucket: target },
    });

    it("passes for a log bucket of its own, and while either name is unknown", () => {
        for (const [source, target] of [
            [TMP, LOGS],
            [UNKNOWN_STRING, TMP],
            [TMP, UNKNOWN_STRING],
        ]) {
            expect(checkResource(s3AccessLogsNotIntoSource, logging(source, target))).to.deep.equal({ violations: [] });
        }
    });

    it("refuses a bucket logging into itself", () => {
        expect(messagesOf(checkResource(s3AccessLogsNotIntoSource, logging(LOGS, LOGS)))).to.deep.equal([
            `Bucket "${LOGS}" logs into itself. Set targetBucket to a log bucket that does not log itself.`,
        ]);
    });
});

describe("alarm-topic-usable-by-cloudwatch", () => {
    const topic = (kmsMasterKeyId?: string): FakeResource => ({ type: TYPES.snsTopic, name: "alarms", props: { kmsMasterKeyId } });
    const alarm: FakeResource = { type: TYPES.metricAlarm, name: "cpu", props: {}, dependencies: [urnOf(TYPES.snsTopic, "alarms")] };

    it("passes for a topic with a customer managed key, or none", () => {
        for (const key of ["arn:aws:kms:us-east-1:111122223333:key/0123", undefined]) {
            expect(checkStack(alarmTopicUsableByCloudWatch, [topic(key), alarm])).to.deep.equal({ violations: [] });
        }
    });

    it("refuses the AWS managed key, by alias or alias ARN, on a topic an alarm notifies", () => {
        for (const key of ["alias/aws/sns", "arn:aws:kms:us-east-1:111122223333:alias/aws/sns"]) {
            const outcome = checkStack(alarmTopicUsableByCloudWatch, [topic(key), alarm]);
            expect(outcome.violations.map((v) => v.urn)).to.deep.equal([urnOf(TYPES.snsTopic, "alarms")]);
            expect(outcome.violations[0].message).to.match(/AWS managed key aws\/sns/);
        }
    });

    it("leaves a topic no alarm notifies alone", () => {
        expect(checkStack(alarmTopicUsableByCloudWatch, [topic("alias/aws/sns")])).to.deep.equal({ violations: [] });
    });
});
