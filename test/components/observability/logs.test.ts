// Logs on the fixture stacks and with each log turned off: the log bucket and its policy, the data
// buckets' server access logs, CloudFront's log delivery (in us-east-1), Redis's log groups, retention.
import { expect } from "chai";
import { denyInsecureTransportStatement } from "../../../lib/bucket";
import { Evaluation } from "../../../tools/engine";
import { ACCOUNT_ID } from "../../../tools/mock-cloud";
import { byType, evaluate, fixtureStack, one, oneIn, policyOf } from "../../harness";

const C = "membrane:logging:Logs";
const T = {
    bucket: "aws:s3/bucket:Bucket",
    pab: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    ownership: "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
    sse: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    policy: "aws:s3/bucketPolicy:BucketPolicy",
    versioning: "aws:s3/bucketVersioning:BucketVersioning",
    lifecycle: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    logging: "aws:s3/bucketLogging:BucketLogging",
    source: "aws:cloudwatch/logDeliverySource:LogDeliverySource",
    destination: "aws:cloudwatch/logDeliveryDestination:LogDeliveryDestination",
    delivery: "aws:cloudwatch/logDelivery:LogDelivery",
    logGroup: "aws:cloudwatch/logGroup:LogGroup",
    group: "aws:elasticache/replicationGroup:ReplicationGroup",
    distribution: "aws:cloudfront/distribution:Distribution",
};

const attached = (ev: Evaluation, type: string, name: string) => byType(ev, type).filter((r) => r.inputs.bucket === name);

describe("logs", () => {
    const evals: Record<string, Evaluation> = {};
    before(async function () {
        this.timeout(240000);
        const [prod, staging, noS3, noCdn, none, noRedis, redis60, shortRetention] = await Promise.all([
            fixtureStack("prod"),
            fixtureStack("staging"),
            evaluate({ stack: "prod", overrides: { "membrane:s3AccessLogs": false } }),
            evaluate({ stack: "prod", overrides: { "membrane:cdnAccessLogs": false } }),
            evaluate({ stack: "staging", overrides: { "membrane:s3AccessLogs": false, "membrane:cdnAccessLogs": false } }),
            evaluate({ stack: "staging", overrides: { "membrane:redisLogs": false } }),
            evaluate({ stack: "staging", overrides: { "membrane:redisEngineVersion": "6.0" } }),
            evaluate({ stack: "staging", overrides: { "membrane:logRetentionDays": 30 } }),
        ]);
        Object.assign(evals, { prod, staging, noS3, noCdn, none, noRedis, redis60, shortRetention });
    });

    for (const [stack, production] of [
        ["prod", true],
        ["staging", false],
    ] as const) {
        describe(stack, () => {
            const logBucket = `acme-${stack}-integration-app-logs`;
            const dataBuckets = ["tmp", "connectors", "static"].map((p) => `acme-${stack}-integration-app-${p}`);

            it(`creates a log bucket with every control, SSE-S3 (S3 access logging refuses SSE-KMS), ${production ? "protected" : "not protected"}`, () => {
                const ev = evals[stack];
                const bucket = oneIn(ev, C, T.bucket);
                expect(bucket.inputs).to.deep.include({
                    bucket: logBucket,
                    forceDestroy: !production,
                    tags: { Environment: stack, Service: "membrane", Purpose: "access-logs" },
                });
                expect(bucket.protect).to.equal(production);
                expect(attached(ev, T.pab, logBucket)[0].inputs).to.include({
                    blockPublicAcls: true,
                    blockPublicPolicy: true,
                    ignorePublicAcls: true,
                    restrictPublicBuckets: true,
                });
                // BucketOwnerEnforced: ACLs off, so legacy CloudFront logging (which needs ACLs) could not write here.
                expect(attached(ev, T.ownership, logBucket)[0].inputs.rule).to.deep.equal({ objectOwnership: "BucketOwnerEnforced" });
                expect((attached(ev, T.sse, logBucket)[0].inputs.rules as any)[0].applyServerSideEncryptionByDefault).to.deep.equal({
                    sseAlgorithm: "AES256",
                });
                expect(attached(ev, T.versioning, logBucket)).to.deep.equal([]);
            });

            it("keeps logs logRetentionDays (365 by default) and aborts stale uploads", () => {
                expect(attached(evals[stack], T.lifecycle, logBucket)[0].inputs.rules).to.deep.equal([
                    {
                        id: "expire-logs",
                        status: "Enabled",
                        filter: { prefix: "" },
                        expiration: { days: 365 },
                        abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
                    },
                ]);
            });

            it("lets S3's logging service write for the data buckets and CloudWatch log delivery for CloudFront, by policy, TLS only", () => {
                const arn = `arn:aws:s3:::${logBucket}`;
                const delivery = {
                    StringEquals: { "aws:SourceAccount": ACCOUNT_ID },
                    ArnLike: { "aws:SourceArn": `arn:aws:logs:us-east-1:${ACCOUNT_ID}:*` },
                };
                expect(policyOf(attached(evals[stack], T.policy, logBucket)[0]).Statement).to.deep.equal([
                    {
                        Sid: "S3ServerAccessLogs",
                        Effect: "Allow",
                        Principal: { Service: "logging.s3.amazonaws.com" },
                        Action: "s3:PutObject",
                        Resource: `${arn}/s3/*`,
                        Condition: {
                            StringEquals: { "aws:SourceAccount": ACCOUNT_ID },
                            ArnLike: { "aws:SourceArn": dataBuckets.map((b) => `arn:aws:s3:::${b}`) },
                        },
                    },
                    {
                        Sid: "CloudFrontLogDeliveryWrite",
                        Effect: "Allow",
                        Principal: { Service: "delivery.logs.amazonaws.com" },
                        Action: "s3:PutObject",
                        Resource: `${arn}/AWSLogs/${ACCOUNT_ID}/CloudFront/*`,
                        Condition: { ...delivery, StringEquals: { ...delivery.StringEquals, "s3:x-amz-acl": "bucket-owner-full-control" } },
                    },
                    {
                        Sid: "CloudFrontLogDeliveryAclCheck",
                        Effect: "Allow",
                        Principal: { Service: "delivery.logs.amazonaws.com" },
                        Action: ["s3:GetBucketAcl", "s3:ListBucket"],
                        Resource: arn,
                        Condition: delivery,
                    },
                    denyInsecureTransportStatement(arn),
                ]);
            });

            it("logs each data bucket into it, partitioned by event time, once its policy allows it; the log bucket not into itself", () => {
                const ev = evals[stack];
                const policy = attached(ev, T.policy, logBucket)[0];
                for (const name of dataBuckets) {
                    const [logging] = attached(ev, T.logging, name);
                    expect(logging.inputs).to.deep.equal({
                        bucket: name,
                        targetBucket: logBucket,
                        targetPrefix: "s3/",
                        targetObjectKeyFormat: { partitionedPrefix: { partitionDateSource: "EventTime" } },
                    });
                    expect(logging.dependencies).to.include(policy.urn);
                }
                expect(attached(ev, T.logging, logBucket)).to.deep.equal([]);
            });

            it("sends CloudFront's standard logs (v2) through CloudWatch log delivery, all three parts in us-east-1, into the log bucket", () => {
                const ev = evals[stack];
                const distribution = one(ev, T.distribution);
                const source = oneIn(ev, C, T.source);
                const destination = oneIn(ev, C, T.destination);
                const delivery = oneIn(ev, C, T.delivery);
                const name = `${stack}-membrane-cdn-access-logs`;
                expect(source.inputs).to.deep.include({
                    name,
                    region: "us-east-1",
                    logType: "ACCESS_LOGS",
                    resourceArn: distribution.outputs.arn,
                });
                expect(destination.inputs).to.deep.include({
                    name,
                    region: "us-east-1",
                    outputFormat: "json",
                    deliveryDestinationConfiguration: { destinationResourceArn: `arn:aws:s3:::${logBucket}` },
                });
                expect(delivery.inputs).to.deep.include({
                    region: "us-east-1",
                    deliverySourceName: name,
                    deliveryDestinationArn: destination.outputs.arn,
                });
                expect(delivery.dependencies).to.include(attached(ev, T.policy, logBucket)[0].urn);
                // Never legacy logging, which needs an ACL-enabled bucket.
                expect(distribution.inputs).to.not.have.property("loggingConfig");
            });

            it("creates Redis's log groups with the retention, and the replication group delivers its slow and engine logs to them as JSON", () => {
                const ev = evals[stack];
                const groups = byType(ev, T.logGroup).map((g) => g.inputs);
                expect(groups).to.deep.equal([
                    { name: `/membrane/${stack}/redis/slow-log`, retentionInDays: 365, tags: { Environment: stack, Service: "membrane" } },
                    {
                        name: `/membrane/${stack}/redis/engine-log`,
                        retentionInDays: 365,
                        tags: { Environment: stack, Service: "membrane" },
                    },
                ]);
                const delivery = (logType: string) => ({
                    destinationType: "cloudwatch-logs",
                    destination: `/membrane/${stack}/redis/${logType}`,
                    logFormat: "json",
                    logType,
                });
                const group = one(ev, T.group);
                expect(group.inputs.logDeliveryConfigurations).to.deep.equal([delivery("slow-log"), delivery("engine-log")]);
                expect(group.dependencies).to.include.members(byType(ev, T.logGroup).map((g) => g.urn));
            });

            it("exports the log bucket", () => {
                expect(evals[stack].outputs.logBucket).to.deep.equal({ value: logBucket, secret: false });
            });
        });
    }

    describe("each log turned off", () => {
        it("s3AccessLogs false: no data bucket is logged, the log bucket stays for CloudFront and lets only log delivery write", () => {
            const ev = evals.noS3;
            expect(byType(ev, T.logging)).to.deep.equal([]);
            const sids = policyOf(attached(ev, T.policy, "acme-prod-integration-app-logs")[0]).Statement.map((s: any) => s.Sid);
            expect(sids).to.deep.equal(["CloudFrontLogDeliveryWrite", "CloudFrontLogDeliveryAclCheck", "DenyInsecureTransport"]);
            // The replicas are not logged either, and their region gets no log bucket.
            expect(byType(ev, T.bucket).map((b) => b.inputs.bucket)).to.not.include("acme-prod-integration-app-logs-us-west-2");
            expect(byType(ev, T.source)).to.have.lengthOf(1);
        });

        it("cdnAccessLogs false: no log delivery, and the log bucket lets only S3's logging service write", () => {
            const ev = evals.noCdn;
            expect([...byType(ev, T.source), ...byType(ev, T.destination), ...byType(ev, T.delivery)]).to.deep.equal([]);
            const sids = policyOf(attached(ev, T.policy, "acme-prod-integration-app-logs")[0]).Statement.map((s: any) => s.Sid);
            expect(sids).to.deep.equal(["S3ServerAccessLogs", "DenyInsecureTransport"]);
            expect(byType(ev, T.logging)).to.have.lengthOf(4);
        });

        it("both off: no log bucket at all, and no logBucket output", () => {
            const ev = evals.none;
            expect(byType(ev, T.bucket).map((b) => b.inputs.bucket)).to.not.include("acme-staging-integration-app-logs");
            expect(byType(ev, T.logging)).to.deep.equal([]);
            expect(ev.outputs).to.not.have.property("logBucket");
            // Redis still logs.
            expect(byType(ev, T.logGroup)).to.have.lengthOf(2);
        });

        it("redisLogs false: no log group, and the replication group delivers nothing", () => {
            const ev = evals.noRedis;
            expect(byType(ev, T.logGroup)).to.deep.equal([]);
            expect(one(ev, T.group).inputs).to.not.have.property("logDeliveryConfigurations");
        });

        it("Redis OSS 6.0: the slow log only, since ElastiCache delivers the engine log from 6.2", () => {
            const ev = evals.redis60;
            expect(byType(ev, T.logGroup).map((g) => g.inputs.name)).to.deep.equal(["/membrane/staging/redis/slow-log"]);
            expect((one(ev, T.group).inputs.logDeliveryConfigurations as any[]).map((d) => d.logType)).to.deep.equal(["slow-log"]);
            expect(ev.warnings.some((w) => w.startsWith("membrane:redisLogs: Redis OSS 6.0 has a slow log but no engine log"))).to.equal(
                true,
            );
        });

        it("logRetentionDays reaches every destination: the log groups and both log buckets", () => {
            const ev = evals.shortRetention;
            expect(byType(ev, T.logGroup).map((g) => g.inputs.retentionInDays)).to.deep.equal([30, 30]);
            for (const bucket of ["acme-staging-integration-app-logs", "acme-staging-integration-app-logs-eu-central-1"]) {
                expect((attached(ev, T.lifecycle, bucket)[0].inputs.rules as any)[0].expiration, bucket).to.deep.equal({ days: 30 });
            }
        });
    });
});
