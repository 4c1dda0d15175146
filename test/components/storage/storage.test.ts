import { expect } from "chai";
import { denyInsecureTransportStatement } from "../../../lib/bucket";
import { Evaluation, RegisteredResource } from "../../../tools/engine";
import { byType, childrenOf, evaluate, one, policyOf } from "../../harness";

const S3 = "aws:s3";
const T = {
    bucket: `${S3}/bucket:Bucket`,
    pab: `${S3}/bucketPublicAccessBlock:BucketPublicAccessBlock`,
    ownership: `${S3}/bucketOwnershipControls:BucketOwnershipControls`,
    sse: `${S3}/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration`,
    policy: `${S3}/bucketPolicy:BucketPolicy`,
    lifecycle: `${S3}/bucketLifecycleConfiguration:BucketLifecycleConfiguration`,
    versioning: `${S3}/bucketVersioning:BucketVersioning`,
    cors: `${S3}/bucketCorsConfiguration:BucketCorsConfiguration`,
};

function evaluateStorage(production: boolean): Promise<Evaluation> {
    return evaluate({ stack: "staging", program: "test/programs/storage.ts", env: { MEMBRANE_TEST_PRODUCTION: String(production) } });
}

/** The side resource of `type` whose `bucket` input is this bucket. */
function attached(ev: Evaluation, type: string, bucket: RegisteredResource): RegisteredResource[] {
    return byType(ev, type).filter((r) => r.inputs.bucket === bucket.outputs.bucket);
}

describe("Storage on its own", () => {
    let ev: Evaluation;
    let prod: Evaluation;
    before(async () => {
        [ev, prod] = await Promise.all([evaluateStorage(false), evaluateStorage(true)]);
    });
    const bucket = (e: Evaluation, purpose: string) => one(e, T.bucket, `files-${purpose}`);

    it("is a membrane:storage:Storage component that parents every resource it creates", () => {
        const component = one(ev, "membrane:storage:Storage", "files");
        const children = childrenOf(ev, component);
        expect(children.length).to.be.greaterThan(0);
        const custom = ev.resources.filter((r) => r.custom);
        expect(custom.map((r) => r.parent)).to.satisfy((ps: string[]) => ps.every((p) => p === component.urn));
        expect(custom.map((r) => r.name)).to.satisfy((ns: string[]) => ns.every((n) => n.startsWith("files-")));
    });

    it("creates the three buckets with the given names and the seed's tags", () => {
        const expected: Record<string, [string, string]> = {
            tmp: ["t-qa-tmp", "temporary-storage"],
            connectors: ["t-qa-connectors", "connector-storage"],
            static: ["t-qa-static", "static-files"],
        };
        expect(byType(ev, T.bucket)).to.have.lengthOf(3);
        for (const [purpose, [name, tag]] of Object.entries(expected)) {
            const b = bucket(ev, purpose);
            expect(b.inputs.bucket).to.equal(name);
            expect(b.inputs.tags).to.deep.equal({ Environment: "qa", Service: "membrane", Purpose: tag });
        }
    });

    for (const purpose of ["tmp", "connectors", "static"]) {
        it(`${purpose}: blocks all public access, enforces bucket ownership and encrypts by default`, () => {
            const b = bucket(ev, purpose);
            const [pab] = attached(ev, T.pab, b);
            expect(pab.inputs).to.include({
                blockPublicAcls: true,
                blockPublicPolicy: true,
                ignorePublicAcls: true,
                restrictPublicBuckets: true,
            });
            const [own] = attached(ev, T.ownership, b);
            expect(own.inputs.rule).to.deep.equal({ objectOwnership: "BucketOwnerEnforced" });
            const [sse] = attached(ev, T.sse, b);
            expect(sse.inputs.rules).to.deep.equal([
                { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, bucketKeyEnabled: true },
            ]);
        });
    }

    for (const purpose of ["tmp", "connectors"]) {
        it(`${purpose}: one bucket policy that denies requests without TLS, registered after the public access block`, () => {
            const b = bucket(ev, purpose);
            const policies = attached(ev, T.policy, b);
            expect(policies).to.have.lengthOf(1);
            expect(policyOf(policies[0])).to.deep.equal({
                Version: "2012-10-17",
                Statement: [
                    {
                        Sid: "DenyInsecureTransport",
                        Effect: "Deny",
                        Principal: "*",
                        Action: "s3:*",
                        Resource: [`arn:aws:s3:::t-qa-${purpose}`, `arn:aws:s3:::t-qa-${purpose}/*`],
                        Condition: { Bool: { "aws:SecureTransport": "false" } },
                    },
                ],
            });
            const [pab] = attached(ev, T.pab, b);
            expect(policies[0].dependencies).to.include(pab.urn);
        });
    }

    it("static: no bucket policy of Storage's (Cdn owns the static bucket's one policy)", () => {
        expect(attached(ev, T.policy, bucket(ev, "static"))).to.deep.equal([]);
        expect(byType(ev, T.policy)).to.have.lengthOf(2);
    });

    it("the TLS-only statement denies s3:* on the bucket and its objects unless aws:SecureTransport", () => {
        expect(denyInsecureTransportStatement("arn:aws:s3:::b")).to.deep.equal({
            Sid: "DenyInsecureTransport",
            Effect: "Deny",
            Principal: "*",
            Action: "s3:*",
            Resource: ["arn:aws:s3:::b", "arn:aws:s3:::b/*"],
            Condition: { Bool: { "aws:SecureTransport": "false" } },
        });
    });

    it("tmp: objects expire after the configured days and incomplete uploads after 1 day", () => {
        const [lc] = attached(ev, T.lifecycle, bucket(ev, "tmp"));
        expect(lc.inputs.rules).to.deep.equal([
            {
                id: "cleanup-old-files",
                status: "Enabled",
                filter: { prefix: "" },
                expiration: { days: 5 },
                abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
            },
        ]);
        expect(attached(ev, T.versioning, bucket(ev, "tmp"))).to.deep.equal([]);
    });

    it("connectors: versioning on; noncurrent versions expire; incomplete uploads aborted; lifecycle after versioning", () => {
        const b = bucket(ev, "connectors");
        const [ver] = attached(ev, T.versioning, b);
        expect(ver.inputs.versioningConfiguration).to.deep.equal({ status: "Enabled" });
        const [lc] = attached(ev, T.lifecycle, b);
        expect(lc.inputs.rules).to.deep.equal([
            {
                id: "expire-noncurrent-versions",
                status: "Enabled",
                filter: { prefix: "" },
                noncurrentVersionExpiration: { noncurrentDays: 30 },
                abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
            },
        ]);
        expect(lc.dependencies).to.include(ver.urn);
    });

    it("static: CORS exactly as the seed, with the configured origins", () => {
        const [cors] = attached(ev, T.cors, bucket(ev, "static"));
        expect(cors.inputs.corsRules).to.deep.equal([
            {
                allowedHeaders: ["*"],
                allowedMethods: ["GET", "HEAD"],
                allowedOrigins: ["https://app.example.com", "https://admin.example.com"],
                exposeHeaders: ["ETag"],
                maxAgeSeconds: 3600,
            },
        ]);
    });

    it("outside production: nothing protected, every bucket force-destroyable so `pulumi destroy` succeeds", () => {
        for (const b of byType(ev, T.bucket)) {
            expect(b.protect, b.name).to.equal(false);
            expect(b.retainOnDelete, b.name).to.equal(false);
            expect(b.inputs.forceDestroy, b.name).to.equal(true);
        }
    });

    it("in production: connectors and static protected and retained, never force-destroyed; tmp is disposable", () => {
        for (const purpose of ["connectors", "static"]) {
            const b = bucket(prod, purpose);
            expect(b.protect, purpose).to.equal(true);
            expect(b.retainOnDelete, purpose).to.equal(true);
            expect(b.inputs.forceDestroy, purpose).to.equal(false);
        }
        expect(bucket(prod, "tmp").protect).to.equal(false);
    });

    it("registers the bucket names and ARNs as its outputs", () => {
        const component = one(ev, "membrane:storage:Storage", "files");
        expect(component.outputs).to.deep.equal({
            tmpBucketName: "t-qa-tmp",
            tmpBucketArn: "arn:aws:s3:::t-qa-tmp",
            connectorsBucketName: "t-qa-connectors",
            connectorsBucketArn: "arn:aws:s3:::t-qa-connectors",
            staticBucketName: "t-qa-static",
            staticBucketArn: "arn:aws:s3:::t-qa-static",
            staticBucketRegionalDomainName: "t-qa-static.s3.eu-west-1.amazonaws.com",
        });
        expect(ev.outputs.tmpBucketName).to.deep.equal({ value: "t-qa-tmp", secret: false });
    });
});
