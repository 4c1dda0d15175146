import { expect } from "chai";
import { PolicyDocument, PolicyStatement } from "../lib/policy-document";
import { TYPES } from "../lib/tokens";
import {
    s3BucketOwnerEnforced,
    s3BucketPolicyDeniesInsecureTransport,
    s3ConnectorsBucketVersioned,
    s3PublicAccessBlock,
} from "../policies/s3";
import { FakeResource, UNKNOWN_STRING, checkResource, checkStack, messagesOf, urnOf } from "./harness";

describe("s3-public-access-block", () => {
    const block = (overrides: Record<string, unknown> = {}): FakeResource => ({
        type: TYPES.bucketPublicAccessBlock,
        props: {
            bucket: "acme-prod-integration-app-tmp",
            blockPublicAcls: true,
            blockPublicPolicy: true,
            ignorePublicAcls: true,
            restrictPublicBuckets: true,
            ...overrides,
        },
    });

    it("passes with all four flags on", () => {
        expect(checkResource(s3PublicAccessBlock, block())).to.deep.equal({ violations: [] });
    });

    for (const flag of ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"]) {
        it(`fails when ${flag} is false`, () => {
            const messages = messagesOf(checkResource(s3PublicAccessBlock, block({ [flag]: false })));
            expect(messages).to.have.length(1);
            expect(messages[0]).to.match(new RegExp(`^${flag} is not true\\. Set all four`));
        });

        it(`fails when ${flag} is left out`, () => {
            const messages = messagesOf(checkResource(s3PublicAccessBlock, block({ [flag]: undefined })));
            expect(messages).to.have.length(1);
            expect(messages[0]).to.include(flag);
        });
    }

    it("names every flag that is off in one violation", () => {
        const messages = messagesOf(checkResource(s3PublicAccessBlock, block({ blockPublicPolicy: false, restrictPublicBuckets: false })));
        expect(messages).to.have.length(1);
        expect(messages[0]).to.match(/^blockPublicPolicy, restrictPublicBuckets are not true/);
    });

    it("ignores other resource types", () => {
        expect(checkResource(s3PublicAccessBlock, { type: TYPES.bucket, props: {} }).violations).to.deep.equal([]);
    });
});

describe("s3-bucket-owner-enforced", () => {
    const controls = (objectOwnership: unknown): FakeResource => ({
        type: TYPES.bucketOwnershipControls,
        props: { bucket: "acme-prod-integration-app-static", rule: { objectOwnership } },
    });

    it("passes with BucketOwnerEnforced", () => {
        expect(checkResource(s3BucketOwnerEnforced, controls("BucketOwnerEnforced"))).to.deep.equal({ violations: [] });
    });

    for (const ownership of ["BucketOwnerPreferred", "ObjectWriter", "bucketownerenforced"]) {
        it(`fails with ${ownership}`, () => {
            const messages = messagesOf(checkResource(s3BucketOwnerEnforced, controls(ownership)));
            expect(messages).to.deep.equal([
                `rule.objectOwnership is "${ownership}". Set it to "BucketOwnerEnforced" so ACLs are disabled ` +
                    "and the bucket owner owns every object.",
            ]);
        });
    }

    it("fails without a rule", () => {
        const outcome = checkResource(s3BucketOwnerEnforced, { type: TYPES.bucketOwnershipControls, props: { bucket: "b" } });
        expect(messagesOf(outcome)).to.have.length(1);
    });
});

describe("s3-bucket-policy-denies-insecure-transport", () => {
    const BUCKET = "acme-prod-integration-app-static";
    const ARN = `arn:aws:s3:::${BUCKET}`;

    const denyInsecure = (overrides: PolicyStatement = {}): PolicyStatement => ({
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [ARN, `${ARN}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
        ...overrides,
    });

    const cloudFrontRead: PolicyStatement = {
        Sid: "AllowCloudFrontRead",
        Effect: "Allow",
        Principal: { Service: "cloudfront.amazonaws.com" },
        Action: "s3:GetObject",
        Resource: `${ARN}/*`,
        Condition: { StringEquals: { "AWS:SourceArn": "arn:aws:cloudfront::123456789012:distribution/E1" } },
    };

    const bucketPolicy = (statements: PolicyStatement[], asText = true): FakeResource => {
        const document: PolicyDocument = { Version: "2012-10-17", Statement: statements };
        return { type: TYPES.bucketPolicy, props: { bucket: BUCKET, policy: asText ? JSON.stringify(document) : document } };
    };

    const violations = (resource: FakeResource) => messagesOf(checkResource(s3BucketPolicyDeniesInsecureTransport, resource));

    it("passes with the deny statement next to the CloudFront grant (JSON text)", () => {
        expect(violations(bucketPolicy([cloudFrontRead, denyInsecure()]))).to.deep.equal([]);
    });

    it("passes with the document given as an object", () => {
        expect(violations(bucketPolicy([denyInsecure()], false))).to.deep.equal([]);
    });

    it('accepts a boolean false, a single statement, an AWS "*" principal and Action "*"', () => {
        const document = {
            Statement: denyInsecure({
                Principal: { AWS: ["*"] },
                Action: ["*"],
                Condition: { Bool: { "aws:securetransport": false } },
            }),
        };
        expect(violations({ type: TYPES.bucketPolicy, props: { bucket: BUCKET, policy: document } })).to.deep.equal([]);
    });

    it('accepts Resource "*" as covering the bucket and its objects', () => {
        expect(violations(bucketPolicy([denyInsecure({ Resource: "*" })]))).to.deep.equal([]);
    });

    const failing: Array<[string, PolicyStatement]> = [
        ["the statement allows instead of denying", denyInsecure({ Effect: "Allow" })],
        ["the condition is aws:SecureTransport true", denyInsecure({ Condition: { Bool: { "aws:SecureTransport": "true" } } })],
        ["there is no condition", denyInsecure({ Condition: undefined })],
        ["it only covers the bucket, not its objects", denyInsecure({ Resource: ARN })],
        ["it only covers the objects, not the bucket", denyInsecure({ Resource: `${ARN}/*` })],
        ["it covers another bucket", denyInsecure({ Resource: ["arn:aws:s3:::other", "arn:aws:s3:::other/*"] })],
        ["it only denies one principal", denyInsecure({ Principal: { AWS: "arn:aws:iam::123456789012:root" } })],
        ["it only denies s3:GetObject", denyInsecure({ Action: "s3:GetObject" })],
    ];
    for (const [change, statement] of failing) {
        it(`fails when ${change}`, () => {
            const messages = violations(bucketPolicy([cloudFrontRead, statement]));
            expect(messages).to.have.length(1);
            expect(messages[0]).to.match(/^The policy has no statement denying plain-HTTP access\. Add /);
        });
    }

    it("fails without any deny statement", () => {
        expect(violations(bucketPolicy([cloudFrontRead]))).to.have.length(1);
    });

    it("matches bucket ARNs by shape when the bucket name is unknown", () => {
        const resource = bucketPolicy([denyInsecure()]);
        resource.props.bucket = UNKNOWN_STRING;
        expect(checkResource(s3BucketPolicyDeniesInsecureTransport, resource)).to.deep.equal({ violations: [] });
    });

    it("skips a policy that is unknown at preview or not given", () => {
        for (const policy of [UNKNOWN_STRING, undefined]) {
            const outcome = checkResource(s3BucketPolicyDeniesInsecureTransport, {
                type: TYPES.bucketPolicy,
                props: { bucket: BUCKET, policy },
            });
            expect(outcome).to.deep.equal({ violations: [] });
        }
    });

    it("skips a document object with an unknown value inside", () => {
        const resource = bucketPolicy([denyInsecure({ Effect: "Allow", Resource: UNKNOWN_STRING })], false);
        expect(checkResource(s3BucketPolicyDeniesInsecureTransport, resource)).to.deep.equal({ violations: [] });
    });
});

describe("s3-connectors-bucket-versioned", () => {
    const CONNECTORS = "acme-prod-integration-app-connectors";
    const bucketUrn = urnOf(TYPES.bucket, "connectors");

    const bucket = (props: Record<string, unknown> = { bucket: CONNECTORS }): FakeResource => ({
        type: TYPES.bucket,
        name: "connectors",
        urn: bucketUrn,
        props,
    });

    const versioning = (overrides: { bucket?: unknown; status?: unknown; dependsOnBucket?: boolean } = {}): FakeResource => ({
        type: TYPES.bucketVersioning,
        name: "connectors-versioning",
        props: {
            bucket: "bucket" in overrides ? overrides.bucket : CONNECTORS,
            versioningConfiguration: { status: "status" in overrides ? overrides.status : "Enabled" },
        },
        ...(overrides.dependsOnBucket ? { dependencies: [bucketUrn], propertyDependencies: { bucket: [bucketUrn] } } : {}),
    });

    const tmpBucket: FakeResource = { type: TYPES.bucket, name: "tmp", props: { bucket: "acme-prod-integration-app-tmp" } };

    it("passes when the connectors bucket has versioning enabled", () => {
        expect(checkStack(s3ConnectorsBucketVersioned, [tmpBucket, bucket(), versioning()])).to.deep.equal({ violations: [] });
    });

    it("fails, on the bucket's URN, when there is no versioning resource", () => {
        const outcome = checkStack(s3ConnectorsBucketVersioned, [tmpBucket, bucket()]);
        expect(outcome.violations).to.have.length(1);
        expect(outcome.violations[0].urn).to.equal(bucketUrn);
        expect(outcome.violations[0].message).to.match(new RegExp(`^Bucket "${CONNECTORS}" has no aws.s3.BucketVersioning`));
    });

    it("fails when versioning is suspended", () => {
        expect(checkStack(s3ConnectorsBucketVersioned, [bucket(), versioning({ status: "Suspended" })]).violations).to.have.length(1);
    });

    it("fails when the versioning resource targets another bucket", () => {
        const outcome = checkStack(s3ConnectorsBucketVersioned, [bucket(), versioning({ bucket: "acme-prod-integration-app-tmp" })]);
        expect(outcome.violations).to.have.length(1);
    });

    it("does not require versioning on other buckets", () => {
        expect(checkStack(s3ConnectorsBucketVersioned, [tmpBucket])).to.deep.equal({ violations: [] });
    });

    it("skips a bucket whose name is unknown or not given", () => {
        for (const props of [{ bucket: UNKNOWN_STRING }, {}]) {
            expect(checkStack(s3ConnectorsBucketVersioned, [bucket(props)])).to.deep.equal({ violations: [] });
        }
    });

    it("matches a versioning resource whose bucket is unknown through its dependency on the bucket", () => {
        const resources = [bucket(), versioning({ bucket: UNKNOWN_STRING, dependsOnBucket: true })];
        expect(checkStack(s3ConnectorsBucketVersioned, resources)).to.deep.equal({ violations: [] });
    });

    it("does not match a versioning resource with an unknown bucket that does not depend on the bucket", () => {
        const resources = [bucket(), versioning({ bucket: UNKNOWN_STRING })];
        expect(checkStack(s3ConnectorsBucketVersioned, resources).violations).to.have.length(1);
    });

    it("does not report while the matching versioning status is unknown", () => {
        const resources = [bucket(), versioning({ status: UNKNOWN_STRING })];
        expect(checkStack(s3ConnectorsBucketVersioned, resources)).to.deep.equal({ violations: [] });
    });
});
