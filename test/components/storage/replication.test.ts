// Cross-region replication on the fixture stacks and their variants: the replicas' controls, the role,
// the replication configuration and what it waits for, and the stack without it.
import { expect } from "chai";
import { denyInsecureTransportStatement } from "../../../lib/bucket";
import { Evaluation, RegisteredResource } from "../../../tools/engine";
import { ACCOUNT_ID } from "../../../tools/mock-cloud";
import { replicationPolicy } from "../../../components/storage/replication";
import { reachBeyondAccount } from "../../support/iam-sim";
import { byType, descendantsOf, evaluate, fixtureStack, one, oneIn, policyOf } from "../../harness";

const OWN_ACCOUNT = { StringEquals: { "s3:ResourceAccount": "${aws:PrincipalAccount}" } };

const C = "membrane:storage:Replication";
const T = {
    bucket: "aws:s3/bucket:Bucket",
    pab: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    ownership: "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
    sse: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    policy: "aws:s3/bucketPolicy:BucketPolicy",
    versioning: "aws:s3/bucketVersioning:BucketVersioning",
    lifecycle: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    logging: "aws:s3/bucketLogging:BucketLogging",
    replication: "aws:s3/bucketReplicationConfig:BucketReplicationConfig",
    role: "aws:iam/role:Role",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
};
const BOUNDARY = `arn:aws:iam::${ACCOUNT_ID}:policy/membrane-boundary-prod`;

/** The resources of `type` attached to the bucket named `name` (their `bucket` input is its name or id). */
const attached = (ev: Evaluation, type: string, name: string) => byType(ev, type).filter((r) => r.inputs.bucket === name);

const urn = (ev: Evaluation, type: string, name: string) => one(ev, type, name).urn;

describe("replication", () => {
    const evals: Record<string, Evaluation> = {};
    before(async function () {
        this.timeout(120000);
        const [prod, staging, withStatic, off] = await Promise.all([
            fixtureStack("prod"),
            fixtureStack("staging"),
            evaluate({
                stack: "prod",
                overrides: {
                    "membrane:s3ReplicateStatic": true,
                    "membrane:s3ReplicateDeleteMarkers": true,
                    "membrane:s3ReplicaRegion": "us-east-2",
                    "membrane:connectorsNoncurrentVersionDays": 30,
                    "membrane:iamPermissionsBoundaryArn": BOUNDARY,
                },
            }),
            evaluate({ stack: "prod", overrides: { "membrane:s3Replication": false } }),
        ]);
        Object.assign(evals, { prod, staging, withStatic, off });
    });

    const cases = [
        { stack: "prod", region: "us-west-2", prefix: "acme-prod", production: true },
        { stack: "staging", region: "eu-central-1", prefix: "acme-staging", production: false },
    ];
    for (const { stack, region, prefix, production } of cases) {
        describe(stack, () => {
            const replicaName = `${prefix}-integration-app-connectors-${region}`;

            it(`creates the connectors bucket's replica in ${region}, ${production ? "protected and retained" : "destroyed with the stack"}`, () => {
                const replica = oneIn(evals[stack], C, T.bucket, "replication-connectors-replica");
                expect(replica.inputs).to.deep.include({
                    bucket: replicaName,
                    region,
                    forceDestroy: !production,
                    tags: { Environment: stack, Service: "membrane", Purpose: "connectors-replica" },
                });
                expect([replica.protect, replica.retainOnDelete]).to.deep.equal([production, production]);
            });

            it("gives the replica every control its source has, in the replica's region", () => {
                const ev = evals[stack];
                const inRegion = (type: string) => attached(ev, type, replicaName).map((r) => ({ ...r.inputs, bucket: undefined }));
                expect(inRegion(T.pab)).to.deep.equal([
                    {
                        bucket: undefined,
                        region,
                        blockPublicAcls: true,
                        blockPublicPolicy: true,
                        ignorePublicAcls: true,
                        restrictPublicBuckets: true,
                    },
                ]);
                expect(inRegion(T.ownership)).to.deep.equal([
                    { bucket: undefined, region, rule: { objectOwnership: "BucketOwnerEnforced" } },
                ]);
                // The same encryption as the source's.
                const source = attached(ev, T.sse, `${prefix}-integration-app-connectors`)[0].inputs.rules;
                expect(inRegion(T.sse)).to.deep.equal([{ bucket: undefined, region, rules: source }]);
                expect(inRegion(T.versioning)).to.deep.equal([
                    { bucket: undefined, region, versioningConfiguration: { status: "Enabled" } },
                ]);
                const [policy] = attached(ev, T.policy, replicaName);
                expect(policy.inputs.region).to.equal(region);
                expect(policyOf(policy).Statement).to.deep.equal([denyInsecureTransportStatement(`arn:aws:s3:::${replicaName}`)]);
                expect(policy.dependencies).to.include(urn(ev, T.pab, "replication-connectors-replica-public-access"));
            });

            it("expires the replica's noncurrent versions as the source does, after versioning", () => {
                const ev = evals[stack];
                const [lifecycle] = attached(ev, T.lifecycle, replicaName);
                expect(lifecycle.inputs.rules).to.deep.equal([
                    {
                        id: "expire-noncurrent-versions",
                        status: "Enabled",
                        filter: { prefix: "" },
                        noncurrentVersionExpiration: { noncurrentDays: 90 },
                        abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
                    },
                ]);
                expect(lifecycle.dependencies).to.include(urn(ev, T.versioning, "replication-connectors-replica-versioning"));
            });

            it("replicates everything to the replica, delete markers by explicit choice (off by default)", () => {
                const config = oneIn(evals[stack], C, T.replication);
                expect(config.inputs).to.deep.equal({
                    bucket: `${prefix}-integration-app-connectors`,
                    role: `arn:aws:iam::${ACCOUNT_ID}:role/${stack}-membrane-s3-replication`,
                    rules: [
                        {
                            id: "replicate-everything",
                            status: "Enabled",
                            priority: 1,
                            filter: { prefix: "" },
                            deleteMarkerReplication: { status: "Disabled" },
                            destination: { bucket: `arn:aws:s3:::${replicaName}` },
                        },
                    ],
                });
            });

            it("applies the replication only after versioning and lifecycle on both sides and the role's policy", () => {
                const ev = evals[stack];
                const config = oneIn(ev, C, T.replication);
                expect(config.dependencies).to.include.members([
                    urn(ev, T.versioning, "storage-connectors-versioning"),
                    urn(ev, T.lifecycle, "storage-connectors-lifecycle"),
                    urn(ev, T.versioning, "replication-connectors-replica-versioning"),
                    urn(ev, T.lifecycle, "replication-connectors-replica-lifecycle"),
                    urn(ev, T.rolePolicy, "replication-role-policy"),
                ]);
            });

            it("replicates with a role S3 may assume for this account and source only, allowed exactly replication", () => {
                const ev = evals[stack];
                const role = oneIn(ev, C, T.role);
                expect(role.inputs.name).to.equal(`${stack}-membrane-s3-replication`);
                expect(policyOf({ ...role, inputs: { policy: role.inputs.assumeRolePolicy } }).Statement).to.deep.equal([
                    {
                        Sid: "S3AssumeRoleForReplication",
                        Effect: "Allow",
                        Principal: { Service: "s3.amazonaws.com" },
                        Action: "sts:AssumeRole",
                        Condition: {
                            StringEquals: { "aws:SourceAccount": ACCOUNT_ID },
                            ArnLike: { "aws:SourceArn": [`arn:aws:s3:::${prefix}-integration-app-connectors`] },
                        },
                    },
                ]);
                const source = `arn:aws:s3:::${prefix}-integration-app-connectors`;
                expect(policyOf(oneIn(ev, C, T.rolePolicy)).Statement).to.deep.equal([
                    {
                        Sid: "ReadSourceConfiguration",
                        Effect: "Allow",
                        Action: ["s3:GetReplicationConfiguration", "s3:ListBucket"],
                        Resource: [source],
                        Condition: OWN_ACCOUNT,
                    },
                    {
                        Sid: "ReadSourceVersions",
                        Effect: "Allow",
                        Action: ["s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging"],
                        Resource: [`${source}/*`],
                        Condition: OWN_ACCOUNT,
                    },
                    {
                        Sid: "WriteReplicas",
                        Effect: "Allow",
                        Action: ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"],
                        Resource: [`arn:aws:s3:::${replicaName}/*`],
                        Condition: OWN_ACCOUNT,
                    },
                ]);
                expect(role.inputs.permissionsBoundary).to.equal(undefined);
            });

            it("logs the replica's access into a log bucket of the replica region, which does not log itself", () => {
                const ev = evals[stack];
                const logBucket = `${prefix}-integration-app-logs-${region}`;
                const logs = oneIn(ev, C, T.bucket, "replication-logs");
                expect(logs.inputs).to.deep.include({ bucket: logBucket, region });
                expect([logs.protect, logs.retainOnDelete]).to.deep.equal([production, production]);
                expect(attached(ev, T.logging, replicaName).map((l) => [l.inputs.targetBucket, l.inputs.region])).to.deep.equal([
                    [logBucket, region],
                ]);
                // S3 checks the log bucket's policy when logging is switched on: the policy comes first.
                const logPolicy = attached(ev, T.policy, logBucket)[0];
                expect(attached(ev, T.logging, replicaName)[0].dependencies).to.include(logPolicy.urn);
                expect(attached(ev, T.logging, logBucket)).to.deep.equal([]);
                const statements = policyOf(attached(ev, T.policy, logBucket)[0]).Statement;
                expect(statements[0]).to.deep.include({
                    Principal: { Service: "logging.s3.amazonaws.com" },
                    Condition: {
                        StringEquals: { "aws:SourceAccount": ACCOUNT_ID },
                        ArnLike: { "aws:SourceArn": [`arn:aws:s3:::${replicaName}`] },
                    },
                });
            });

            it("exports the replica region and the replicas", () => {
                expect(evals[stack].outputs.s3ReplicaRegion).to.deep.equal({ value: region, secret: false });
                expect(evals[stack].outputs.s3ReplicaBuckets).to.deep.equal({ value: { connectors: replicaName }, secret: false });
            });
        });
    }

    describe("with the static bucket, delete markers, another region, the boundary", () => {
        it("versions the static bucket here, as it is versioned only to be replicated, and waits for that", () => {
            const ev = evals.withStatic;
            const versioning = oneIn(ev, C, T.versioning, "replication-static-source-versioning");
            expect(versioning.inputs).to.deep.equal({
                bucket: "acme-prod-integration-app-static",
                versioningConfiguration: { status: "Enabled" },
            });
            const lifecycle = oneIn(ev, C, T.lifecycle, "replication-static-source-lifecycle");
            expect((lifecycle.inputs.rules as any)[0].noncurrentVersionExpiration).to.deep.equal({ noncurrentDays: 30 });
            const config = one(ev, T.replication, "replication-static-replication");
            expect(config.inputs.bucket).to.equal("acme-prod-integration-app-static");
            expect(config.dependencies).to.include.members([versioning.urn, lifecycle.urn]);
            // Storage still owns nothing of the static bucket's versioning.
            expect(attached(ev, T.versioning, "acme-prod-integration-app-static")).to.have.lengthOf(1);
        });

        it("replicates delete markers when asked, to us-east-2, with one role for both buckets carrying the boundary", () => {
            const ev = evals.withStatic;
            for (const config of byType(ev, T.replication)) {
                expect((config.inputs.rules as any)[0].deleteMarkerReplication).to.deep.equal({ status: "Enabled" });
            }
            expect(
                descendantsOf(ev, one(ev, C))
                    .filter((r) => r.type === T.bucket)
                    .map((b) => b.inputs.bucket),
            ).to.deep.equal([
                "acme-prod-integration-app-connectors-us-east-2",
                "acme-prod-integration-app-static-us-east-2",
                "acme-prod-integration-app-logs-us-east-2",
            ]);
            const role = oneIn(ev, C, T.role);
            expect(role.inputs.permissionsBoundary).to.equal(BOUNDARY);
            const trust = JSON.parse(String(role.inputs.assumeRolePolicy));
            expect(trust.Statement[0].Condition.ArnLike["aws:SourceArn"]).to.deep.equal([
                "arn:aws:s3:::acme-prod-integration-app-connectors",
                "arn:aws:s3:::acme-prod-integration-app-static",
            ]);
            expect(ev.outputs.s3ReplicaBuckets.value).to.deep.equal({
                connectors: "acme-prod-integration-app-connectors-us-east-2",
                static: "acme-prod-integration-app-static-us-east-2",
            });
        });
    });

    describe("turned off", () => {
        it("creates no replica, role or replication configuration, and exports nothing about them", () => {
            const ev = evals.off;
            expect(ev.resources.filter((r: RegisteredResource) => r.type === C || r.type === T.replication)).to.deep.equal([]);
            expect(byType(ev, T.bucket).map((b) => b.inputs.bucket)).to.not.include("acme-prod-integration-app-connectors-us-west-2");
            expect(byType(ev, T.role).map((r) => r.inputs.name)).to.not.include("prod-membrane-s3-replication");
            expect(ev.outputs).to.not.have.any.keys("s3ReplicaRegion", "s3ReplicaBuckets");
            // The source stays versioned: operators restore packages by version id.
            expect(attached(ev, T.versioning, "acme-prod-integration-app-connectors")).to.have.lengthOf(1);
        });
    });
});

describe("Replication: the role's policy, as AWS decides", () => {
    it("replicates between this account's buckets only: a bucket of the same name in another account is denied", async () => {
        const principal = {
            arn: `arn:aws:iam::${ACCOUNT_ID}:role/prod-membrane-s3-replication`,
            identity: [replicationPolicy([{ sourceArn: "arn:aws:s3:::src", replicaArn: "arn:aws:s3:::dst" }])],
        };
        const requests = [
            { action: "s3:GetReplicationConfiguration", resource: "arn:aws:s3:::src" },
            { action: "s3:GetObjectVersionForReplication", resource: "arn:aws:s3:::src/x" },
            { action: "s3:ReplicateObject", resource: "arn:aws:s3:::dst/x" },
        ];
        expect(await reachBeyondAccount(principal, requests)).to.deep.equal([]);
    });
});
